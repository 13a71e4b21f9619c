"""Command-line grammar of RFC 5321 §4.1.2, transcribed as regexes.

Parsers are pure functions: bytes in, a value or ``None`` out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "CommandLine",
    "Path",
    "parse_command_line",
    "parse_domain_argument",
    "parse_path_and_parameters",
]

# RFC 5321 §4.1.2 (ASCII); RFC 6531 §3.3 widens atext and qtext to UTF-8.
_LET_DIG = r"[A-Za-z0-9]"
_LDH_STR = r"[A-Za-z0-9-]*[A-Za-z0-9]"
_SUB_DOMAIN = rf"{_LET_DIG}(?:{_LDH_STR})?"
_U_CHAR = r"[A-Za-z0-9\u0080-\U0010ffff]"
_U_LABEL = rf"{_U_CHAR}(?:[A-Za-z0-9\u0080-\U0010ffff-]*{_U_CHAR})?"
_DOMAIN = rf"(?:{_SUB_DOMAIN})(?:\.(?:{_SUB_DOMAIN}))*"
_UTF8_DOMAIN = rf"(?:{_U_LABEL})(?:\.(?:{_U_LABEL}))*"
# §4.1.3 address literals: IPv4, IPv6 or a general tagged literal.
_ADDRESS_LITERAL = (
    r"\[(?:[0-9.]+|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]"
)
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_UTF8_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\U0010ffff-]"
_QTEXT_OR_PAIR = r"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])"
_UTF8_QTEXT_OR_PAIR = r"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\U0010ffff]|\\[\x20-\x7e])"


def _mailbox(atext: str, qtext: str, domain: str) -> str:
    local = rf"(?:{atext}+(?:\.{atext}+)*|\"{qtext}*\")"
    return rf"(?P<local>{local})@(?P<domain>{domain}|{_ADDRESS_LITERAL})"


_MAILBOX = re.compile(_mailbox(_ATEXT, _QTEXT_OR_PAIR, _DOMAIN))
_UTF8_MAILBOX = re.compile(_mailbox(_UTF8_ATEXT, _UTF8_QTEXT_OR_PAIR, _UTF8_DOMAIN))
# §4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">"; the source route is ignored (§C).
_PATH = re.compile(r"<(?:@[^:<>]+:)?(?P<mailbox>[^<>]*)>")
_DOMAIN_ONLY = re.compile(rf"(?:{_DOMAIN}|{_ADDRESS_LITERAL})")
# §4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
#         esmtp-value   = 1*(%d33-60 / %d62-126)
_PARAM = re.compile(r"(?P<key>[A-Za-z0-9][A-Za-z0-9-]*)(?:=(?P<value>[\x21-\x3c\x3e-\x7e]+))?")
_UTF8_PARAM = re.compile(
    r"(?P<key>[A-Za-z0-9][A-Za-z0-9-]*)(?:=(?P<value>[\x21-\x3c\x3e-\x7e\u0080-\U0010ffff]+))?"
)
_VERB = re.compile(rb"[A-Za-z][A-Za-z0-9-]*")

MAX_LOCAL_PART = 64  # §4.5.3.1.1
MAX_DOMAIN = 255  # §4.5.3.1.2
MAX_PATH = 256  # §4.5.3.1.3


@dataclass(frozen=True, kw_only=True)
class CommandLine:
    """A command line split into its verb (upper-cased) and argument text."""

    verb: str
    argument: bytes


@dataclass(frozen=True, kw_only=True)
class Path:
    """A reverse- or forward-path: ``mailbox`` is "" for the null path ``<>``."""

    mailbox: str
    local_part: str = ""
    domain: str = ""
    parameters: dict[str, str | None] = field(default_factory=dict)

    @property
    def is_null(self) -> bool:
        return self.mailbox == ""

    @property
    def is_ascii(self) -> bool:
        return self.mailbox.isascii()


def parse_command_line(line: bytes) -> CommandLine | None:
    """Split ``VERB[ SP argument]`` (CRLF already removed); None if no verb."""
    verb, _, argument = line.partition(b" ")
    if not _VERB.fullmatch(verb):
        return None
    return CommandLine(verb=verb.decode("ascii").upper(), argument=argument)


def parse_domain_argument(argument: bytes) -> str | None:
    """The EHLO/HELO argument: a Domain or address literal (§4.1.1.1)."""
    text = argument.strip(b" ").decode("ascii", "replace")
    if _DOMAIN_ONLY.fullmatch(text):
        return text
    return None


def parse_path_and_parameters(
    argument: bytes, *, prefix: bytes, allow_null: bool, utf8: bool
) -> Path | None:
    """Parse ``FROM:<path> [params]`` or ``TO:<path> [params]`` (§4.1.1.2-3).

    ``utf8`` admits RFC 6531 UTF-8 mailboxes; it is up to the caller to refuse
    them when the SMTPUTF8 parameter was not given.
    """
    if argument[: len(prefix)].upper() != prefix:
        return None
    try:
        text = argument[len(prefix) :].decode("utf-8")
    except UnicodeDecodeError:
        return None
    # Tolerate a space after the colon: widespread in the wild, harmless.
    text = text.lstrip(" ")
    match = _PATH.match(text)
    if match is None:
        return None
    parameters = _parse_parameters(text[match.end() :], utf8=utf8)
    if parameters is None or len(match.group(0)) > MAX_PATH:
        return None
    mailbox = match.group("mailbox")
    if mailbox == "":
        return Path(mailbox="", parameters=parameters) if allow_null else None
    if prefix == b"TO:" and mailbox.lower() == "postmaster":
        return Path(mailbox=mailbox, local_part=mailbox, parameters=parameters)
    return _mailbox_path(mailbox, parameters, utf8=utf8)


def _mailbox_path(mailbox: str, parameters: dict[str, str | None], *, utf8: bool) -> Path | None:
    pattern = _UTF8_MAILBOX if utf8 or not mailbox.isascii() else _MAILBOX
    match = pattern.fullmatch(mailbox)
    if match is None:
        return None
    local, domain = match.group("local"), match.group("domain")
    if len(local.encode()) > MAX_LOCAL_PART or len(domain.encode()) > MAX_DOMAIN:
        return None
    return Path(mailbox=mailbox, local_part=local, domain=domain, parameters=parameters)


def _parse_parameters(text: str, *, utf8: bool) -> dict[str, str | None] | None:
    """``*(SP esmtp-param)``; keywords are case-insensitive, kept upper-cased."""
    if text == "":
        return {}
    if not text.startswith(" "):
        return None
    pattern = _UTF8_PARAM if utf8 else _PARAM
    parameters: dict[str, str | None] = {}
    for item in text.split(" "):
        if item == "":
            continue  # tolerate doubled spaces between parameters
        match = pattern.fullmatch(item)
        key = match.group("key").upper() if match else None
        if match is None or key is None or key in parameters:
            return None  # RFC 3461 §5.1 / RFC 1870: a parameter given twice is a syntax error
        parameters[key] = match.group("value")
    return parameters
