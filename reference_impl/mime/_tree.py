"""The parse tree: one ``Entity`` per message, body part or encapsulated message."""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl._defects import Defect, Level
from reference_impl.mime._headers import HeaderField
from reference_impl.mime._params import MimeValue

__all__ = ["Entity", "ParsedMessage"]


@dataclass
class Entity:
    """A MIME entity (RFC 2045 §2.4): its fields, its body, and what the body holds.

    Offsets index ``source``, the whole raw message: ``offset`` where the entity's header
    starts, ``body_offset`` where its body starts, ``end`` just past its body (for a body part,
    before the CRLF that belongs to the next boundary delimiter, RFC 2046 §5.1.1).
    ``content_type`` is the effective one, defaults applied (RFC 2045 §5.2, RFC 2046 §5.1.5);
    ``body`` is decoded per ``transfer_encoding``.  A multipart has ``parts`` (and the
    ``preamble``/``epilogue`` octets); a message/rfc822 has its ``message``.
    """

    source: bytes = field(repr=False)
    offset: int
    body_offset: int
    end: int
    fields: list[HeaderField]
    content_type: MimeValue
    transfer_encoding: str = "7bit"
    disposition: MimeValue | None = None
    body: bytes = b""
    parts: list[Entity] = field(default_factory=list)
    message: Entity | None = None
    preamble: bytes = b""
    epilogue: bytes = b""

    @property
    def header_bytes(self) -> bytes:
        """The header section with its closing empty line, as sent."""
        return self.source[self.offset : self.body_offset]

    @property
    def raw_body(self) -> bytes:
        """The body as sent, still transfer-encoded."""
        return self.source[self.body_offset : self.end]

    @property
    def media_type(self) -> str:
        return f"{self.content_type.main}/{self.content_type.sub}"

    def get(self, name: str) -> HeaderField | None:
        """The first field called ``name`` (case-insensitive), or None."""
        key = name.lower()
        return next((f for f in self.fields if f.key == key), None)

    def get_all(self, name: str) -> list[HeaderField]:
        key = name.lower()
        return [f for f in self.fields if f.key == key]

    def walk(self) -> list[Entity]:
        """This entity and every entity inside it, depth first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found

    @property
    def children(self) -> list[Entity]:
        return self.parts if self.message is None else [self.message]


@dataclass(frozen=True)
class ParsedMessage:
    """A parsed message: its tree and every defect found, in order of position."""

    root: Entity
    defects: tuple[Defect, ...]
    dropped: int = 0  # defects counted past the per-kind limit, not kept

    @property
    def breaks_must(self) -> bool:
        return any(d.level is Level.MUST for d in self.defects)

    def kinds(self) -> set[str]:
        return {d.kind.name for d in self.defects}
