"""Requirement sentences out of an RFC's plain text: what ``scripts/extract-requirements`` runs.

The RFC Editor's text form is paginated: a footer (``Klensin  Standards Track  [Page 5]``),
a form feed and a running header (``RFC 5321  SMTP  October 2008``) cut paragraphs in two.
They are removed and the paragraph is joined again.  Lines are wrapped at about 72 columns;
a line ending in ``letter-`` is a compound word broken at its hyphen (RFC texts are not
hyphenated inside words), so it is joined without a space.

A *requirement* is a sentence holding an RFC 2119 keyword.  RFC 2119 (BCP 14, March 1997)
defines them in upper case, and RFC 8174 §2 says only upper case counts.  Texts written
before it (RFC 1939, RFC 937, MIME's RFC 2045-2049, ...) state their requirements with the
same words in lower case ("the server must ..."): for a text that never cites RFC 2119 the
lower-case must, must not, shall, shall not, should, should not and required count as well.
Lower-case "may" does not: in those texts it mostly says what can happen ("this may apply"),
and a permission never fails a target anyway.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = [
    "Requirement",
    "Section",
    "keywords_in",
    "normalise",
    "requirements",
    "sections",
    "sentences",
    "title_of",
    "unpaginate",
    "uses_rfc2119",
]

_FOOTER = re.compile(r"^\S.*\[Page \d+\]\s*$")
_HEADER = re.compile(r"^RFC \d+ {2,}.*\S\s*$")
_NUMBERED = re.compile(r"^(?:Appendix )?(\d+(?:\.\d+)*|[A-Z](?:\.\d+)*)\.?[ \t]+(\S.*)$")
# Unnumbered headings after the numbered sections, which end the last one.
_BACK_MATTER = re.compile(
    r"^(?:Index|Acknowledge?ments?|Authors?' Addresses?|Contributors|Full Copyright Statement"
    r"|Intellectual Property(?: Statement)?)\s*$"
)
_TOC_LINE = re.compile(r"(?:\.\s?){3,}\s*\d+\s*$")
_UPPER = (
    r"MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|"
    r"RECOMMENDED|MAY|OPTIONAL"
)
_LOWER = r"must not|must|required|shall not|shall|should not|should"
_KEYWORD = re.compile(rf"(?<![\w\"'-])({_UPPER})(?![\w\"'-])")
_KEYWORD_LOWER = re.compile(rf"(?<![\w\"'-])({_UPPER}|{_LOWER})(?![\w\"'-])")
_LIST_ITEM = re.compile(r"^(?:[o*+-]|\(?\d+\)|\(?[a-z]\)|[a-z0-9]\.)\s+\S")
# Where a sentence may not end: abbreviations and initials before a full stop.
# A piece that is only a list number ("1.", "(a).") is not a sentence either.
_NO_END = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|cf|vs|al|Sec|No|Ref|resp|approx)|\b[A-Z]|^\(?\w{1,2}\)?)\.$"
)


@dataclass(frozen=True, kw_only=True)
class Section:
    number: str
    title: str


@dataclass(frozen=True, kw_only=True)
class Requirement:
    """One sentence holding a keyword, where it stands, and the list it introduces or ends."""

    id: str
    rfc: int
    section: str
    title: str
    keywords: tuple[str, ...]
    text: str
    lead: str | None = None  # the sentence ending in ":" that this list item completes

    @property
    def is_requirement(self) -> bool:
        """Whether it states a keyword (the others are sentences a test cites on a basis)."""
        return bool(self.keywords)

    def holds(self, fragment: str) -> bool:
        """``fragment`` is part of the sentence (its lead included), with or without the
        sentence's own pointers such as "(Section 7.2.1)": quotes are read without them."""
        whole = f"{self.lead} {self.text}" if self.lead else self.text
        return fragment in whole or fragment in POINTER.sub("", whole)


# A pointer to another section, "(§4.2)" or "(Section 7.2.1)": quotes drop them.
POINTER = re.compile(r"\s*\((?:§|[Ss]ection )[\w.]+(?:, §[\w.]+)*\)")


def normalise(text: str) -> str:
    """One space between words, none at the ends: how quotes and sentences are compared."""
    return " ".join(text.split())


def uses_rfc2119(text: str) -> bool:
    return bool(re.search(r"RFC[\s-]*2119|BCP\s*14\b|RFC\s*8174", text))


def keywords_in(sentence: str, *, lower_case_counts: bool = False) -> tuple[str, ...]:
    """The keywords a sentence states, upper-cased, in order, once each; quoted ones
    ("MUST") are names of keywords, not keywords (the RFC 2119 boilerplate)."""
    pattern = _KEYWORD_LOWER if lower_case_counts else _KEYWORD
    # "it should be noted" is a turn of phrase, not a requirement, in any case.
    text = re.sub(r"\b(?:should|must) be (?:noted|remembered)\b", "", sentence, flags=re.I)
    found = (match.group(1).upper() for match in pattern.finditer(text))
    return tuple(dict.fromkeys(found))


def unpaginate(text: str) -> list[str]:
    """The lines of the text with page footers, form feeds and running headers removed; a
    paragraph cut by a page break is joined again (no blank line where the break was)."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _FOOTER.match(line) or "\f" in line:
            index = _skip_page_break(lines, index, kept)
            continue
        kept.append(line)
        index += 1
    return kept


def _skip_page_break(lines: list[str], index: int, kept: list[str]) -> int:
    while kept and not kept[-1].strip():
        kept.pop()
    index += 1
    while index < len(lines) and (
        not lines[index].strip().strip("\f")
        or "\f" in lines[index]
        or _HEADER.match(lines[index].strip("\f"))
        or _is_running_title(lines, index)
    ):
        index += 1
    if kept and index < len(lines) and not _continues(kept[-1], lines[index]):
        kept.append("")
    return index


def _is_running_title(lines: list[str], index: int) -> bool:
    """RFC 937's second header line (the title alone) right after ``RFC 937  <date>``."""
    previous = lines[index - 1].strip("\f")
    return bool(_HEADER.match(previous)) and not lines[index].startswith(" ")


def _continues(before: str, after: str) -> bool:
    """Whether the line after a page break continues the paragraph before it."""
    ended = before.rstrip().endswith((".", ":", ";")) or not before.startswith(" ")
    return not ended or after.lstrip()[:1].islower()


def _is_numbered(lines: list[str]) -> bool:
    """Whether the RFC numbers its sections (RFC 937 does not: its headings are titles)."""
    return any(_heading(line) and _NUMBERED.match(line) for line in lines)


def _heading(line: str) -> Section | None:
    if not line or line[0] in " \t" or _TOC_LINE.search(line):
        return None
    match = _NUMBERED.match(line.rstrip())
    if match:
        return Section(number=match.group(1), title=normalise(match.group(2)))
    if _BACK_MATTER.match(line):
        return Section(number=line.strip(), title=line.strip())
    return None


def _unnumbered_heading(line: str, following: str) -> Section | None:
    """RFC 937 style: a short title in column 0 followed by a blank line."""
    stripped = line.rstrip()
    if (
        not stripped
        or line[0] in " \t"
        or following.strip()
        or len(stripped) > 60
        or stripped.endswith((".", ","))
    ):
        return None
    return Section(number=stripped, title=stripped)


def _blocks(lines: list[str], numbered: bool) -> Iterator[tuple[Section, list[str]]]:
    """Paragraphs (runs of non-blank lines) with the section each belongs to; the front
    matter and the table of contents, before the first heading, belong to none."""
    section: Section | None = None
    block: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        heading = _heading(line) if numbered else _unnumbered_heading(line, following)
        if heading is not None or not line.strip():
            if block and section is not None:
                yield section, block
            block = []
            section = heading or section
            continue
        block.append(line)
    if block and section is not None:
        yield section, block


def _join(lines: list[str]) -> str:
    text = ""
    for line in lines:
        piece = line.strip()
        if re.search(r"[A-Za-z]-$", text):
            text += piece
        else:
            text = f"{text} {piece}" if text else piece
    return text


def _is_figure(lines: list[str]) -> bool:
    """ABNF, examples and diagrams: lines of code rather than prose."""
    codeish = sum(
        1
        for line in lines
        if re.match(r"^\s*(?:[CS]:|[\w-]+\s*(?:::=|:=|=/?)\s|[|+])", line) or "  ; " in line
    )
    starts_a_rule = bool(re.match(r"^\s*[\w-]+\s*(?:::=|:=|=/?)\s", lines[0]))
    return starts_a_rule or codeish * 2 > len(lines)


def _figure_comments(lines: list[str]) -> str:
    """The prose of a figure: ABNF comments (RFC 2045's base64 grammar states MUSTs there)."""
    comments = [line.split(";", 1)[1] for line in lines if re.search(r"\s;\s", line)]
    return _join(comments)


def sentences(text: str) -> list[str]:
    """A paragraph cut into sentences: a full stop, "?" or "!" then a space and a capital,
    a quote or a bracket, unless the stop ends an abbreviation or an initial."""
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(<\[])", text)
    merged: list[str] = []
    for piece in pieces:
        if merged and _NO_END.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return [normalise(piece) for piece in merged if piece.strip()]


def _entry_id(rfc: int, section: str, text: str, taken: set[str]) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    base = f"{rfc}-{section.replace(' ', '_')}-{digest[:6]}"
    candidate, count = base, 1
    while candidate in taken:
        count += 1
        candidate = f"{base}-{count}"
    taken.add(candidate)
    return candidate


def _candidates(block: list[str]) -> list[tuple[str, bool]]:
    """The sentences of a paragraph, each with whether its keywords count; a figure offers
    its comments and, only for a test that cites a rule stated as ABNF, the whole figure."""
    if _is_figure(block):
        comments = [(sentence, True) for sentence in sentences(_figure_comments(block))]
        return [*comments, (normalise(" ".join(block)), False)]
    return [(sentence, True) for sentence in sentences(_join(block))]


def sections(text: str) -> list[Section]:
    """The RFC's headings in order (the table of contents is not one)."""
    lines = unpaginate(text)
    if _is_numbered(lines):
        found = (_heading(line) for line in lines)
    else:
        found = (_unnumbered_heading(line, after) for line, after in itertools.pairwise(lines))
    first: dict[str, Section] = {}
    for section in found:
        if section is not None:
            first.setdefault(section.number, section)
    return list(first.values())


def title_of(text: str) -> str:
    """The centred title: the indented lines between the header block and the first of
    "Status of this Memo" or "Abstract"."""
    lines = unpaginate(text)
    end = next(i for i, line in enumerate(lines) if re.match(r"(Status of|Abstract)", line))
    block: list[str] = []
    for line in reversed(lines[:end]):
        if line.strip():
            block.insert(0, line.strip())
        elif block:
            break
    return normalise(" ".join(block))


def requirements(rfc: int, text: str, cited: Iterable[str] = ()) -> list[Requirement]:
    """Every sentence of the RFC holding a keyword, in order, with its section; and every
    sentence without one that holds a fragment in ``cited`` (the quotes of tests whose level
    rests on a basis: a definition, a state table, ABNF)."""
    lower = not uses_rfc2119(text)
    fragments = [normalise(fragment).rstrip(".:;,") for fragment in cited if fragment.strip()]
    lines = unpaginate(text)
    numbered = _is_numbered(lines)
    found: list[Requirement] = []
    taken: set[str] = set()
    lead: tuple[str, tuple[str, ...]] | None = None
    for section, block in _blocks(lines, numbered):
        if section.title.startswith("Index") or any(_TOC_LINE.search(line) for line in block):
            continue
        item = bool(_LIST_ITEM.match(block[0].strip()))
        if not item:
            lead = None
        for position, (sentence, counts) in enumerate(_candidates(block)):
            keywords = keywords_in(sentence, lower_case_counts=lower) if counts else ()
            inherited = lead if item and position == 0 and lead and not keywords else None
            if keywords or inherited or any(f in sentence for f in fragments):
                found.append(
                    Requirement(
                        id=_entry_id(rfc, section.number, sentence, taken),
                        rfc=rfc,
                        section=section.number,
                        title=section.title,
                        keywords=keywords or (inherited[1] if inherited else ()),
                        text=sentence,
                        lead=inherited[0] if inherited else None,
                    )
                )
            if sentence.endswith(":") and keywords:
                lead = (sentence, keywords)
    return found
