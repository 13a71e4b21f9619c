"""Where a parse keeps its defects, and how an offset in the raw message becomes a line number.

Positions are absolute offsets into the whole raw message, so a defect found deep inside a
nested part still names the line of the file it came from.  Line starts are found once, at the
first defect, with ``re.finditer``; ``line_of`` is a bisection, not a scan.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from reference_impl._defects import RECORD, Defect, DefectPolicy
from reference_impl._escape import escape_octets
from reference_impl.mime._kinds import MimeDefectKind

__all__ = ["MAX_PER_KIND", "ParseContext", "evidence"]

# A garbage message can break one rule on every line; past this many records of one kind,
# further ones are counted (``ParseContext.dropped``) but not kept, so memory stays bounded.
MAX_PER_KIND = 50
_EVIDENCE_OCTETS = 60
_NEWLINE = re.compile(rb"\n")


def evidence(data: bytes) -> str:
    """A short, escaped excerpt of ``data`` safe to print."""
    if len(data) > _EVIDENCE_OCTETS:
        return escape_octets(data[:_EVIDENCE_OCTETS]) + "..."
    return escape_octets(data)


class ParseContext:
    """The raw message, its line index, and the defects found so far."""

    def __init__(self, raw: bytes, policy: DefectPolicy = RECORD, *, utf8: bool = False) -> None:
        self.raw = raw
        self.policy = policy
        self.utf8 = utf8
        self.defects: list[Defect] = []
        self.dropped: Counter[MimeDefectKind] = Counter()
        self._seen: Counter[MimeDefectKind] = Counter()
        self._line_starts: list[int] | None = None  # built at the first defect

    def line_of(self, offset: int) -> int:
        """The 1-based line holding ``offset``."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.raw)]
        return bisect.bisect_right(self._line_starts, offset)

    def report(self, kind: MimeDefectKind, offset: int, proof: bytes | str = b"") -> None:
        """Record one defect at ``offset`` (or raise it, under a strict policy)."""
        self._seen[kind] += 1
        if self._seen[kind] > MAX_PER_KIND:
            self.dropped[kind] += 1
            return
        detail = proof if isinstance(proof, str) else evidence(proof)
        defect = Defect(kind=kind, line=self.line_of(offset), detail=detail)
        self.policy.handle(defect, self.defects)
