"""POP3 responses: a strict parser that records defects instead of giving up.

The grammar is RFC 1939 §3 with the ABNF of RFC 2449 §3::

    single-line  =  status [SP text] CRLF       ;512 octets maximum
    status       =  "+OK" / "-ERR"
    multi-line   =  single-line *dot-stuffed "." CRLF
    resp-code    =  "[" resp-level *("/" resp-level) "]"

and the SASL continuation of RFC 5034 §4 (``"+" SP base64 CRLF``).  Whether a
``+OK`` starts a multi-line response depends on the command, so the caller says
which it expects.  A response that breaks the grammar is still returned, as a
value carrying its defects.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

__all__ = [
    "MAX_RESPONSE_LINE",
    "Pop3Defect",
    "Pop3DefectKind",
    "Pop3Response",
    "Pop3ResponseReader",
    "parse_response",
    "parse_status_line",
]

# RFC 2449 §4: "The maximum length of the first line of a command response
# (including the initial greeting) is unchanged at 512 octets (including the
# terminating CRLF)."
MAX_RESPONSE_LINE = 512

# Past this many octets without a line end the peer is not speaking POP3: the
# partial line is returned as a defective response so the reader stays bounded.
_RUNAWAY_LINE = 64 * 1024

# RFC 2449 §3: resp-code = "[" resp-level *("/" resp-level) "]", rchar = %x21-2E / %x30-5C / %x5E-7F
_RCHARS = rb"[\x21-\x2e\x30-\x5c\x5e-\x7f]+"
_RESP_CODE = re.compile(rb"\[(" + _RCHARS + rb"(?:/" + _RCHARS + rb")*)\]")
_TERMINATORS = (b"\n.\r\n", b"\n.\n")  # the second one is a BARE_LF defect
_STATUS = re.compile(rb"(\+OK|-ERR|\+)(?=[ \r\n]|$)", re.IGNORECASE)
# RFC 1939 §7 APOP: the greeting's timestamp looks like "<process-ID.clock@hostname>".
_TIMESTAMP = re.compile(rb"<[^<>]*@[^<>]*>")

# Defect details and ``str()`` show octets unambiguously: CR, LF, TAB and backslash
# as escapes, anything outside printable ASCII as \xNN.
_ESCAPES = {0x0D: "\\r", 0x0A: "\\n", 0x09: "\\t", 0x5C: "\\\\"}
_TABLE = [_ESCAPES.get(b, chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}") for b in range(256)]


def _escape(data: bytes) -> str:
    """Render octets as unambiguous printable text."""
    return "".join(_TABLE[b] for b in data)


class Pop3DefectKind(enum.Enum):
    """Ways a response can break RFC 1939 §3 / RFC 2449 §3-4."""

    BAD_STATUS = "response does not start with +OK or -ERR (RFC 1939 §3)"
    STATUS_CASE = 'status indicator not in upper case (RFC 1939 §3: "MUST send ... in upper case")'
    LINE_TOO_LONG = "first response line longer than 512 octets (RFC 2449 §4)"
    BARE_LF = "line ended by LF without CR (RFC 1939 §3: lines end with a CRLF pair)"
    BARE_CR = "bare CR inside a response line (RFC 1939 §3)"
    INCOMPLETE = "connection closed in the middle of a response"


@dataclass(frozen=True, kw_only=True)
class Pop3Defect:
    """One deviation found in a response; ``line`` counts from 1 within the response."""

    kind: Pop3DefectKind
    line: int
    detail: str

    @property
    def rule(self) -> str:
        return self.kind.value


@dataclass(frozen=True, kw_only=True)
class Pop3Response:
    """A complete response: status, first-line text, un-stuffed body lines, raw octets.

    ``status`` is the indicator as received (``b"+OK"``, ``b"-ERR"``, ``b"+"`` for a
    SASL continuation, anything else when broken); ``ok`` is true for ``+OK`` in any
    case (the case is a defect, not a different answer).
    """

    status: bytes
    text: bytes
    lines: tuple[bytes, ...] = ()
    multiline: bool = False
    raw: bytes
    defects: tuple[Pop3Defect, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status.upper() == b"+OK"

    @property
    def err(self) -> bool:
        return self.status.upper() == b"-ERR"

    @property
    def continuation(self) -> bool:
        """A SASL server challenge (RFC 5034 §4)."""
        return self.status == b"+"

    @property
    def code(self) -> str | None:
        """The response code (RFC 2449 §8) at the start of the text, e.g. ``"IN-USE"``."""
        match = _RESP_CODE.match(self.text)
        return match.group(1).decode("ascii") if match else None

    @property
    def timestamp(self) -> bytes | None:
        """The APOP timestamp of a greeting (RFC 1939 §7), brackets included."""
        match = _TIMESTAMP.search(self.text)
        return match.group(0) if match else None

    @property
    def body(self) -> bytes:
        """The multi-line body after un-stuffing, each line ended by CRLF."""
        return b"".join(line + b"\r\n" for line in self.lines)

    @property
    def first_line(self) -> bytes:
        end = self.raw.find(b"\n")
        return self.raw if end < 0 else self.raw[: end + 1]

    def __str__(self) -> str:
        shown = _escape(self.first_line)
        if self.multiline:
            shown += f" (+{len(self.lines)} lines)"
        return repr(shown) if self.raw else "(nothing)"


def parse_status_line(line: bytes, number: int = 1) -> tuple[bytes, bytes, list[Pop3Defect]]:
    """Split a first line (without its line end) into status and text, with defects."""
    defects: list[Pop3Defect] = []
    match = _STATUS.match(line)
    if match is None:
        defects.append(_defect(Pop3DefectKind.BAD_STATUS, number, line))
        status, _, text = line.partition(b" ")
        return status, text, defects
    status = match.group(1)
    if status not in (b"+OK", b"-ERR", b"+"):
        defects.append(_defect(Pop3DefectKind.STATUS_CASE, number, status))
    return status, line[match.end() :].removeprefix(b" "), defects


def _defect(kind: Pop3DefectKind, line: int, data: bytes) -> Pop3Defect:
    return Pop3Defect(kind=kind, line=line, detail=_escape(data[:80]))


def _split_line(raw: bytes, number: int, defects: list[Pop3Defect]) -> bytes:
    """``raw`` ends with LF; the content without its line end, defects recorded."""
    if raw.endswith(b"\r\n"):
        content = raw[:-2]
    else:
        content = raw[:-1]
        defects.append(_defect(Pop3DefectKind.BARE_LF, number, raw))
    if b"\r" in content:
        defects.append(_defect(Pop3DefectKind.BARE_CR, number, raw))
    return content


class Pop3ResponseReader:
    """Incremental parser: ``feed`` octets, then ``next_response(multiline=...)``."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._scanned = 0  # where the search for the terminator resumes

    @property
    def pending(self) -> bytes:
        """Octets received that are not part of a returned response."""
        return bytes(self._buffer)

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next_response(self, *, multiline: bool = False) -> Pop3Response | None:
        """The next response, or None when more octets are needed.

        With ``multiline`` a ``+OK`` first line is followed by dot-stuffed lines up to
        the ".CRLF" line (RFC 1939 §3); a ``-ERR`` is always a single line.
        """
        end = self._buffer.find(b"\n")
        if end < 0:
            if len(self._buffer) > _RUNAWAY_LINE:
                return self._take(len(self._buffer), multiline=False, incomplete=True)
            return None
        status, _, _ = parse_status_line(bytes(self._buffer[:end]).rstrip(b"\r"))
        if not (multiline and status.upper() == b"+OK"):
            return self._take(end + 1, multiline=False)
        stop = self._terminator_end(end)
        return None if stop is None else self._take(stop, multiline=True)

    def _terminator_end(self, first_end: int) -> int | None:
        """The index just past the ".CRLF" line (or ".LF"), or None if not yet here."""
        start = max(first_end, self._scanned)
        hits = [
            (index, index + len(pattern))
            for pattern in _TERMINATORS
            if (index := self._buffer.find(pattern, start)) >= 0
        ]
        if not hits:
            self._scanned = max(first_end, len(self._buffer) - 3)
            return None
        self._scanned = 0
        return min(hits)[1]

    def close(self) -> Pop3Response | None:
        """The connection closed: what is left, as an incomplete response, or None."""
        if not self._buffer:
            return None
        return self._take(len(self._buffer), multiline=False, incomplete=True)

    def _take(self, size: int, *, multiline: bool, incomplete: bool = False) -> Pop3Response:
        raw = bytes(self._buffer[:size])
        del self._buffer[:size]
        self._scanned = 0
        return parse_response(raw, multiline=multiline, incomplete=incomplete)


def _lines(raw: bytes) -> list[bytes]:
    """Split after each LF only (a bare CR is content, reported as a defect)."""
    parts = raw.split(b"\n")
    pieces = [part + b"\n" for part in parts[:-1]]
    return [*pieces, parts[-1]] if parts[-1] else pieces


def parse_response(raw: bytes, *, multiline: bool, incomplete: bool = False) -> Pop3Response:
    """Parse one complete response (its raw octets, line ends included)."""
    pieces = _lines(raw)
    defects: list[Pop3Defect] = []
    first_raw = pieces[0] if pieces else b""
    first = _split_line(first_raw, 1, defects) if first_raw.endswith(b"\n") else first_raw
    if len(first_raw) > MAX_RESPONSE_LINE:
        defects.append(_defect(Pop3DefectKind.LINE_TOO_LONG, 1, first_raw))
    status, text, status_defects = parse_status_line(first)
    defects[:0] = status_defects
    if incomplete:
        defects.append(_defect(Pop3DefectKind.INCOMPLETE, max(len(pieces), 1), raw[-80:]))
    lines: list[bytes] = []
    if multiline:
        for number, piece in enumerate(pieces[1:-1], start=2):
            content = _split_line(piece, number, defects)
            lines.append(content[1:] if content.startswith(b".") else content)
        if len(pieces) > 1:
            _split_line(pieces[-1], len(pieces), defects)  # the terminator's own line end
    return Pop3Response(
        status=status,
        text=text,
        lines=tuple(lines),
        multiline=multiline,
        raw=raw,
        defects=tuple(defects),
    )
