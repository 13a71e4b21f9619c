"""Content-Type and Content-Disposition values: type, subtype, parameters (RFC 2045 §5.1,
RFC 2183 §2), with RFC 2231 continuations and charset'language'%XX values joined and decoded."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from reference_impl.mime._addresses import Issue
from reference_impl.mime._kinds import MimeDefectKind
from reference_impl.mime._lexer import strip_comments, unquote
from reference_impl.mime._words import ENCODED_WORD, charset_known

__all__ = ["MimeValue", "parse_mime_value"]

_K = MimeDefectKind
# token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>  (RFC 2045 §5.1)
_TOKEN = r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_TYPE = re.compile(rf"\s*({_TOKEN})\s*/\s*({_TOKEN})\s*", re.DOTALL)
_DISPOSITION = re.compile(rf"\s*({_TOKEN})\s*", re.DOTALL)
_PARAMETER = re.compile(rf";\s*({_TOKEN})\s*=\s*({_TOKEN}|{_QUOTED})\s*", re.DOTALL)
_SKIP = re.compile(rf'(?:{_QUOTED}|[^;"]|")*', re.DOTALL)
# attribute [*section] [*]  (RFC 2231 §3, §4)
_SECTIONED = re.compile(r"(.+?)(?:\*([0-9]+))?(\*)?")
# extended-initial-value := [charset] "'" [language] "'" extended-other-values (RFC 2231 §7)
_INITIAL = re.compile(r"([^']*)'([^']*)'(.*)", re.DOTALL)
_EXTENDED = re.compile(r"(?:%[0-9A-Fa-f]{2}|[!#$&+\-.0-9A-Z^_`a-z{|}~])*")


@dataclass(frozen=True)
class MimeValue:
    """``main``/``sub`` lower-cased; ``params`` by lower-cased name, decoded; ``written`` is
    the list as sent (RFC 2231 sections joined, an encoded one as name* = charset'lang'%XX)."""

    main: str
    sub: str = ""
    params: dict[str, str] = field(default_factory=dict)
    written: tuple[tuple[str, str], ...] = ()


@dataclass
class _Section:
    number: int
    digits: str
    extended: bool
    value: str


def parse_mime_value(text: str, *, subtype: bool) -> tuple[MimeValue | None, list[Issue]]:
    """Read ``type/subtype *(; parameter)`` (``subtype``) or ``type *(; parameter)``."""
    syntax = _K.CONTENT_TYPE_SYNTAX if subtype else _K.DISPOSITION_SYNTAX
    bare = strip_comments(text)
    if bare is None:
        return None, [(syntax, "unclosed comment")]
    head = (_TYPE if subtype else _DISPOSITION).match(bare)
    if head is None:
        return None, [(syntax, "no valid type")]
    issues: list[Issue] = []
    pairs = _parameters(bare, head.end(), issues)
    params, written = _join_sections(pairs, issues)
    main, sub = head.group(1).lower(), (head.group(2).lower() if subtype else "")
    return MimeValue(main, sub, params, tuple(written)), issues


def _parameters(text: str, pos: int, issues: list[Issue]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    while pos < len(text):
        match = _PARAMETER.match(text, pos)
        if match is None:
            issues.append((_K.PARAMETER_SYNTAX, text[pos : pos + 40]))
            skipped = _SKIP.match(text, pos + 1)
            pos = skipped.end() if skipped else len(text)
            continue
        name, value = match.group(1), match.group(2)
        if value.startswith('"'):
            value = unquote(value)
            if ENCODED_WORD.search(value):
                issues.append((_K.EW_MISPLACED, f"{name}={value[:40]}"))
        pairs.append((name, value))
        pos = match.end()
    return pairs


def _join_sections(
    pairs: list[tuple[str, str]], issues: list[Issue]
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Plain parameters as they are; RFC 2231 sections of one name joined in number order."""
    plain: dict[str, tuple[str, str]] = {}
    sections: dict[str, list[_Section]] = {}
    spelled: dict[str, str] = {}
    for name, value in pairs:
        match = _SECTIONED.fullmatch(name)
        assert match is not None  # a token of one or more characters always matches
        base, digits, star = match.group(1), match.group(2), match.group(3)
        if digits is None and star is None:
            plain.setdefault(base.lower(), (base, value))
            continue
        spelled.setdefault(base.lower(), base)
        number = int(digits) if digits is not None else 0
        sections.setdefault(base.lower(), []).append(
            _Section(number, digits or "", star is not None, value)
        )
    params = {key: value for key, (_, value) in plain.items()}
    written = list(plain.values())
    for key, parts in sections.items():
        decoded, as_written = _decode_sections(spelled[key], parts, issues)
        params[key] = decoded
        written = [pair for pair in written if pair[0].lower() != key] + [as_written]
    return params, written


def _decode_sections(
    name: str, parts: list[_Section], issues: list[Issue]
) -> tuple[str, tuple[str, str]]:
    parts.sort(key=lambda part: part.number)
    numbers = [part.number for part in parts]
    unnumbered = len(parts) == 1 and parts[0].digits == ""
    leading_zero = any(len(p.digits) > 1 and p.digits.startswith("0") for p in parts)
    if not unnumbered and (numbers != list(range(len(parts))) or leading_zero):
        issues.append((_K.RFC2231_SECTIONS, f"{name}: sections {numbers}"))
    charset, language, chunks = "us-ascii", "", []
    for index, part in enumerate(parts):
        value = part.value
        if part.extended and index == 0:
            initial = _INITIAL.fullmatch(value)
            if initial is None:
                issues.append((_K.RFC2231_ENCODING, f"{name}*: no charset'language'"))
            else:
                charset, language, value = initial.groups()
        if part.extended and not _EXTENDED.fullmatch(value):
            issues.append((_K.RFC2231_ENCODING, f"{name}*: {value[:40]}"))
        chunks.append(urllib.parse.unquote_to_bytes(value) if part.extended else value.encode())
    joined = b"".join(chunks)
    any_extended = any(part.extended for part in parts)
    if not any_extended:
        return joined.decode("utf-8", "replace"), (name, joined.decode("utf-8", "replace"))
    if not charset_known(charset or "us-ascii"):
        issues.append((_K.RFC2231_UNKNOWN_CHARSET, f"{name}*: {charset}"))
        text = joined.decode("latin-1")
    else:
        text = joined.decode(charset or "us-ascii", "replace")
    encoded = urllib.parse.quote_from_bytes(joined, safe="")
    return text, (f"{name}*", f"{charset}'{language}'{encoded}")
