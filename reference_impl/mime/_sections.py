"""Body sections as IMAP FETCH BODY[section] names them (RFC 3501 §6.4.5, RFC 9051 §6.4.5):
part numbers, HEADER, HEADER.FIELDS (list), HEADER.FIELDS.NOT (list), MIME, TEXT."""

from __future__ import annotations

import re

from reference_impl.mime._parser import parse_message
from reference_impl.mime._tree import Entity

__all__ = ["part_of", "section_of"]

_SECTION = re.compile(
    r"(?P<numbers>[1-9][0-9]*(?:\.[1-9][0-9]*)*)?"
    r"(?:(?(numbers)\.)(?P<text>HEADER|TEXT|MIME|HEADER\.FIELDS(?P<not>\.NOT)?"
    r"\s*\((?P<names>[^()]*)\)))?",
    re.IGNORECASE,
)


def part_of(raw: bytes, section: str) -> bytes | None:
    """The octets BODY[``section``] of the message ``raw`` returns; None if there is no such
    part or the specifier does not apply to it (e.g. HEADER of a part that is no message)."""
    return section_of(parse_message(raw).root, section)


def section_of(root: Entity, section: str) -> bytes | None:
    match = _SECTION.fullmatch(section.strip())
    if match is None:
        return None
    numbers = [int(n) for n in match.group("numbers").split(".")] if match.group("numbers") else []
    entity: Entity | None = root
    for index, number in enumerate(numbers):
        assert entity is not None
        entity = _child(entity, number, top=index == 0)
        if entity is None:
            return None
    assert entity is not None
    text = (match.group("text") or "").upper()
    if not text:
        return entity.source if not numbers else entity.raw_body
    if text == "MIME":
        return entity.header_bytes if numbers else None
    message = entity if not numbers else entity.message
    if message is None:
        return None
    if text == "TEXT":
        return message.raw_body
    if text == "HEADER":
        return message.header_bytes
    return _header_fields(message, match.group("names"), exclude=bool(match.group("not")))


def _child(entity: Entity, number: int, *, top: bool) -> Entity | None:
    """Part ``number`` inside ``entity``: a message/rfc822 part's numbers are those of the
    message it holds; a message or part that is not multipart has only a part 1."""
    target = entity if top or entity.message is None else entity.message
    if target.parts:
        return target.parts[number - 1] if number <= len(target.parts) else None
    return target if number == 1 else None


def _header_fields(message: Entity, names: str, *, exclude: bool) -> bytes:
    """The fields named (or, ``exclude``, not named), then the blank line if the header has one."""
    wanted = {name.strip('"').lower() for name in names.split()}
    kept = [f.raw for f in message.fields if (f.key in wanted) != exclude]
    return b"".join(kept) + (b"\r\n" if _has_blank_line(message) else b"")


def _has_blank_line(message: Entity) -> bool:
    """Whether an empty line ends the header (not so for a message with no body, §6.4.5)."""
    fields_end = message.fields[-1].offset + len(message.fields[-1].raw) if message.fields else (
        message.offset
    )
    return message.body_offset > fields_end
