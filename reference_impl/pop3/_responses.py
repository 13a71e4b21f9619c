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
from dataclasses import dataclass, replace

from reference_impl._defects import RECORD, Defect, DefectPolicy
from reference_impl._escape import escape_octets

__all__ = [
    "DEFAULT_MAX_LINE",
    "DEFAULT_MAX_LINES",
    "DEFAULT_MAX_MULTILINE",
    "MAX_RESPONSE_LINE",
    "Pop3DefectKind",
    "Pop3Response",
    "Pop3ResponseReader",
    "ResponseTooLarge",
    "parse_response",
    "parse_status_line",
]

# RFC 2449 §4: "The maximum length of the first line of a command response
# (including the initial greeting) is unchanged at 512 octets (including the
# terminating CRLF)."
MAX_RESPONSE_LINE = 512

# Bounds no real server reaches: a first line of 1 MiB (RFC 2449 §4 allows 512 octets),
# a multi-line response of 32 MiB or a million lines (a RETR of a large message).  Past
# them the peer is not speaking POP3 and the reader stops rather than grow without
# bound; cutting the response short would hand the rest to the next command instead.
DEFAULT_MAX_LINE = 1024 * 1024
DEFAULT_MAX_MULTILINE = 32 * 1024 * 1024
DEFAULT_MAX_LINES = 1_000_000
_MAX_DEFECTS = 100

# RFC 2449 §3: resp-code = "[" resp-level *("/" resp-level) "]", rchar = %x21-2E / %x30-5C / %x5E-7F
_RCHARS = rb"[\x21-\x2e\x30-\x5c\x5e-\x7f]+"
_RESP_CODE = re.compile(rb"\[(" + _RCHARS + rb"(?:/" + _RCHARS + rb")*)\]")
# RFC 1939 §3: the multi-line response ends with the line "." CRLF after a CRLF; a bare
# LF ends no line (its line is recorded with a BARE_LF defect and the reading goes on).
_TERMINATOR = b"\r\n.\r\n"
_STATUS = re.compile(rb"(\+OK|-ERR|\+)(?=[ \r\n]|$)", re.IGNORECASE)
# RFC 1939 §7 APOP: the greeting's timestamp looks like "<process-ID.clock@hostname>".
_TIMESTAMP = re.compile(rb"<[^<>]*@[^<>]*>")

# Defect details and ``str()`` show octets unambiguously (CR, LF as escapes, anything
# outside printable ASCII as \xNN).
_escape = escape_octets


class Pop3DefectKind(enum.Enum):
    """Ways a response can break RFC 1939 §3 / RFC 2449 §3-4."""

    BAD_STATUS = "response does not start with +OK or -ERR (RFC 1939 §3)"
    STATUS_CASE = 'status indicator not in upper case (RFC 1939 §3: "MUST send ... in upper case")'
    LINE_TOO_LONG = "first response line longer than 512 octets (RFC 2449 §4)"
    BARE_LF = "line ended by LF without CR (RFC 1939 §3: lines end with a CRLF pair)"
    BARE_CR = "bare CR inside a response line (RFC 1939 §3)"
    INCOMPLETE = "connection closed in the middle of a response"


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
    defects: tuple[Defect, ...] = ()

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


def parse_status_line(line: bytes, number: int = 1) -> tuple[bytes, bytes, list[Defect]]:
    """Split a first line (without its line end) into status and text, with defects."""
    defects: list[Defect] = []
    match = _STATUS.match(line)
    if match is None:
        defects.append(_defect(Pop3DefectKind.BAD_STATUS, number, line))
        status, _, text = line.partition(b" ")
        return status, text, defects
    status = match.group(1)
    if status not in (b"+OK", b"-ERR", b"+"):
        defects.append(_defect(Pop3DefectKind.STATUS_CASE, number, status))
    return status, line[match.end() :].removeprefix(b" "), defects


def _defect(kind: Pop3DefectKind, line: int, data: bytes) -> Defect:
    return Defect(kind=kind, line=line, detail=_escape(data[:80]))


def _split_line(part: bytes, number: int, defects: list[Defect]) -> bytes:
    """``part`` is a line whose LF was split off; its content, defects recorded.

    At most ``_MAX_DEFECTS`` are recorded per response: a body of a million bare-LF
    lines needs one line of evidence, not a million.
    """
    crlf = part.endswith(b"\r")
    content = part[:-1] if crlf else part
    if len(defects) >= _MAX_DEFECTS:
        return content
    if not crlf:
        defects.append(_defect(Pop3DefectKind.BARE_LF, number, part[-79:] + b"\n"))
    if b"\r" in content:
        defects.append(_defect(Pop3DefectKind.BARE_CR, number, part))
    return content


class ResponseTooLarge(Exception):
    """The response being received grew past the reader's bound without ending."""

    def __init__(self, limit: int, unit: str = "octets") -> None:
        super().__init__(f"reply exceeds {limit} {unit}")
        self.limit = limit


class Pop3ResponseReader:
    """Incremental parser: ``feed`` octets, then ``next_response(multiline=...)``.

    A first line longer than ``max_line`` octets, or a multi-line response longer than
    ``max_multiline`` octets or ``max_lines`` lines, raises ``ResponseTooLarge``.
    Each defect goes through ``policy``: recorded on the response (the default), or
    raised as ``DefectError`` once the response has been taken.
    """

    def __init__(
        self,
        *,
        max_line: int = DEFAULT_MAX_LINE,
        max_multiline: int = DEFAULT_MAX_MULTILINE,
        max_lines: int = DEFAULT_MAX_LINES,
        policy: DefectPolicy = RECORD,
    ) -> None:
        self.policy = policy
        self.max_line = max_line
        self.max_multiline = max_multiline
        self.max_lines = max_lines
        self._buffer = bytearray()
        self._scanned = 0  # where the search for the terminator resumes
        self._line_count = 0  # LFs seen before ``_scanned``

    @property
    def pending(self) -> bytes:
        """Octets received that are not part of a returned response."""
        return bytes(self._buffer)

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def discard(self) -> None:
        """Forget every octet not yet returned (a peer given up on)."""
        self._buffer.clear()
        self._scanned = self._line_count = 0

    def next_response(self, *, multiline: bool = False) -> Pop3Response | None:
        """The next response, or None when more octets are needed.

        With ``multiline`` a ``+OK`` first line is followed by dot-stuffed lines up to
        the ".CRLF" line (RFC 1939 §3); a ``-ERR`` is always a single line.
        """
        end = self._buffer.find(b"\n")
        if end < 0:
            if len(self._buffer) > self.max_line:
                raise ResponseTooLarge(self.max_line)
            return None
        status, _, _ = parse_status_line(bytes(self._buffer[:end]).rstrip(b"\r"))
        if not (multiline and status.upper() == b"+OK"):
            return self._take(end + 1, multiline=False)
        stop = self._terminator_end(end)
        return None if stop is None else self._take(stop, multiline=True)

    def ends_with_bare_lf_terminator(self) -> bool:
        """Whether the octets so far end with "." on a line ended by LF alone: a server
        using LF for CRLF, which never ends a multi-line response (RFC 1939 §3)."""
        ends = self._buffer.endswith((b"\n.\n", b"\n.\r\n"))
        return ends and not self._buffer.endswith(_TERMINATOR)

    def _terminator_end(self, first_end: int) -> int | None:
        """The index just past the "CRLF.CRLF" ending the response, or None if not yet here.

        The CRLF ending the first line is the terminator's first half when the body is
        empty, so the search starts at that CR.
        """
        start = max(first_end - 1, 0, self._scanned)
        index = self._buffer.find(_TERMINATOR, start)
        if index >= 0:
            self._scanned = self._line_count = 0
            return index + len(_TERMINATOR)
        resume = max(start, len(self._buffer) - len(_TERMINATOR) + 1)
        self._line_count += self._buffer.count(b"\n", start, resume)
        self._scanned = resume
        if len(self._buffer) > self.max_multiline:
            raise ResponseTooLarge(self.max_multiline)
        if self._line_count > self.max_lines:
            raise ResponseTooLarge(self.max_lines, "lines")
        return None

    def close(self) -> Pop3Response | None:
        """The connection closed: what is left, as an incomplete response, or None."""
        if not self._buffer:
            return None
        return self._take(len(self._buffer), multiline=False, incomplete=True)

    def _take(self, size: int, *, multiline: bool, incomplete: bool = False) -> Pop3Response:
        raw = bytes(self._buffer[:size])
        del self._buffer[:size]
        self._scanned = self._line_count = 0
        response = parse_response(raw, multiline=multiline, incomplete=incomplete)
        if not response.defects:
            return response
        return replace(response, defects=self.policy.handle_all(response.defects))


def parse_response(raw: bytes, *, multiline: bool, incomplete: bool = False) -> Pop3Response:
    """Parse one complete response (its raw octets, line ends included)."""
    # Split once, without copying each line: a response may be megabytes of lines.
    parts = raw.split(b"\n")
    ended = len(parts) > 1  # the first line has its LF
    count = len(parts) - 1 if ended and not parts[-1] else len(parts)  # lines, LF or not
    defects: list[Defect] = []
    first = _split_line(parts[0], 1, defects) if ended else parts[0]
    first_size = len(parts[0]) + ended
    if first_size > MAX_RESPONSE_LINE:
        defects.append(_defect(Pop3DefectKind.LINE_TOO_LONG, 1, parts[0]))
    status, text, status_defects = parse_status_line(first)
    defects[:0] = status_defects
    if incomplete:
        defects.append(_defect(Pop3DefectKind.INCOMPLETE, max(count, 1), raw[-80:]))
    lines: list[bytes] = []
    if multiline and count > 1:
        for number in range(2, count):
            content = _split_line(parts[number - 1], number, defects)
            lines.append(content[1:] if content.startswith(b".") else content)
        _split_line(parts[count - 1], count, defects)  # the terminator's own line end
    return Pop3Response(
        status=status,
        text=text,
        lines=tuple(lines),
        multiline=multiline,
        raw=raw,
        defects=tuple(defects),
    )
