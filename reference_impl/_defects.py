"""One shape for every departure from an RFC that a core sees on the wire or in a message.

Each protocol names its own defect kinds in an ``enum.Enum`` whose value is the rule broken,
with its RFC section (``ReplyDefectKind``, ``Pop3DefectKind``, and the MIME and IMAP kinds);
a ``Defect`` pairs a kind with where it was seen and the evidence.  What a core does on
finding one is its ``DefectPolicy`` (the model is ``email.policy``): record it and go on, the
default, so a report can show every departure; or raise ``DefectError`` at the first one,
for strict parsing.

Server cores judge the other side the same way: what a client did wrong (a bare LF, a
command out of sequence) is a ``ClientDefect`` event carrying a ``Defect``, which the
shells log and which grading a client reads.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from reference_impl._escape import escape_octets

__all__ = [
    "RECORD",
    "STRICT",
    "ClientDefect",
    "Defect",
    "DefectError",
    "DefectPolicy",
    "Level",
    "RuleKind",
    "client_defect",
]


class Level(enum.Enum):
    """How binding the broken rule is (RFC 2119)."""

    MUST = "MUST"
    SHOULD = "SHOULD"


class RuleKind(enum.Enum):
    """Base of a defect-kind enum whose members are ``rule`` or ``(rule, level)``."""

    level: Level

    def __new__(cls, rule: str, level: Level = Level.MUST) -> RuleKind:
        member = object.__new__(cls)
        member._value_ = rule
        member.level = level
        return member


@dataclass(frozen=True, kw_only=True)
class Defect:
    """One departure from a rule.

    ``line`` counts from 1 within the unit parsed (a reply, a response, a message); 0 when
    the defect belongs to no single line.  ``detail`` is the evidence, already escaped so it
    is safe to print.  A kind enum may give a ``level`` attribute; without one a defect
    breaks a MUST.
    """

    kind: enum.Enum
    line: int = 0
    detail: str = ""

    @property
    def rule(self) -> str:
        return str(self.kind.value)

    @property
    def level(self) -> Level:
        level = getattr(self.kind, "level", Level.MUST)
        return level if isinstance(level, Level) else Level.MUST

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{self.kind.name} ({where}{self.detail}): {self.rule}"


@dataclass(frozen=True, kw_only=True)
class ClientDefect:
    """Event of a server core: the client departed from the protocol as ``defect`` says
    (the server's reply to it, if any, is already in its output)."""

    defect: Defect


def client_defect(kind: enum.Enum, evidence: bytes) -> ClientDefect:
    """The event for ``kind``, with the start of what the client sent, escaped."""
    return ClientDefect(defect=Defect(kind=kind, line=1, detail=escape_octets(evidence[:80])))


class DefectError(Exception):
    """A core under a strict policy met a defect; ``defect`` says which."""

    def __init__(self, defect: Defect) -> None:
        super().__init__(str(defect))
        self.defect = defect


@dataclass(frozen=True)
class DefectPolicy:
    """What a core does with a defect it finds."""

    raise_on_defect: bool = False

    def handle(self, defect: Defect, found: list[Defect]) -> None:
        """Raise ``defect`` under a strict policy, else add it to ``found``."""
        if self.raise_on_defect:
            raise DefectError(defect)
        found.append(defect)

    def handle_all(self, defects: Iterable[Defect]) -> tuple[Defect, ...]:
        """``handle`` each of ``defects`` in turn; the ones recorded."""
        found: list[Defect] = []
        for defect in defects:
            self.handle(defect, found)
        return tuple(found)


RECORD = DefectPolicy()
STRICT = DefectPolicy(raise_on_defect=True)
