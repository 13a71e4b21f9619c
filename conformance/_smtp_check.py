"""What ``conformance check`` needs to know of SMTP: the STARTTLS dialogue (RFC 3207 §4),
which SMTP URLs reach TLS that way, and the read-only URL an SMTP suite run gets.

The dialogue says EHLO and STARTTLS and nothing else: no transaction is begun.  Replies are
bounded before they are read and escaped before they are shown.
"""

from __future__ import annotations

import socket
from urllib.parse import quote

from reference_impl._escape import escape_octets

from ._check_tls import NoStartTls, ProbeError, Upgrade
from ._targets import Target

__all__ = ["MX_SCHEME", "STARTTLS", "STARTTLS_SCHEMES", "suite_url"]

MX_SCHEME = "smtp"  # an MX is reached as a plain SMTP server on port 25 (RFC 5321 §5.1)
# The SMTP URLs whose servers are reached by STARTTLS; smtps is implicit TLS (RFC 8314 §3).
STARTTLS_SCHEMES = frozenset({"smtp", "smtp+starttls", "submission"})
_MAX_REPLY = 64 * 1024  # RFC 5321 §4.5.3.1.5: reply lines are 512 octets; EHLO has many
_EHLO_NAME = b"conformance-check.invalid"  # RFC 2606 §2: a name that can never be real


def _read_reply(sock: socket.socket, pending: bytearray) -> tuple[int, list[bytes]]:
    """One SMTP reply (RFC 5321 §4.2.1: lines "NNN-" then a last "NNN "), bounded."""
    lines: list[bytes] = []
    while True:
        while b"\r\n" not in pending:
            if len(pending) > _MAX_REPLY:
                raise ProbeError(f"a reply line longer than {_MAX_REPLY} octets")
            chunk = sock.recv(4096)
            if not chunk:
                raise ProbeError("the server closed the connection")
            pending += chunk
        line, _, rest = bytes(pending).partition(b"\r\n")
        pending[:] = rest
        if len(line) < 3 or not line[:3].isdigit():
            raise ProbeError(f"not an SMTP reply: '{escape_octets(line[:80])}'")
        lines.append(line[4:])
        if line[3:4] != b"-":
            return int(line[:3]), lines


def _starttls_dialogue(sock: socket.socket) -> None:
    """Greeting, EHLO, STARTTLS: the socket is ready for the client's handshake."""
    pending = bytearray()
    code, _ = _read_reply(sock, pending)
    if code != 220:
        raise ProbeError(f"greeting {code}, not 220")
    sock.sendall(b"EHLO " + _EHLO_NAME + b"\r\n")
    code, lines = _read_reply(sock, pending)
    if code != 250:
        raise ProbeError(f"EHLO answered {code}, not 250")
    if not any(line.split(b" ")[0].upper() == b"STARTTLS" for line in lines[1:]):
        raise NoStartTls("the EHLO reply does not list STARTTLS")
    sock.sendall(b"STARTTLS\r\n")
    code, lines = _read_reply(sock, pending)
    if code != 220:
        shown = escape_octets(lines[0][:80]) if lines else ""
        raise ProbeError(f"STARTTLS answered {code} {shown}".rstrip())
    if pending:
        # RFC 3207 §4.2 / CVE-2011-0411: nothing may follow the 220 in the clear.
        raise ProbeError("the server sent octets after its 220 to STARTTLS, before TLS")


STARTTLS = Upgrade(
    name="STARTTLS", rule="RFC 3207 §4", dialogue=_starttls_dialogue, goodbye=b"QUIT\r\n"
)


def suite_url(target: Target, host: str) -> str | None:
    """The URL an SMTP suite run gets: ``host`` (an address), and the credentials only for
    submission, whose suite needs them (it delivers nothing: "A URL alone"); None for a
    submission URL without them."""
    if target.scheme != "submission":
        return f"{target.scheme}://{host}:{target.port}"
    if not target.has_credentials:
        return None
    user, password = quote(target.user or "", safe=""), quote(target.password or "", safe="")
    return f"submission://{user}:{password}@{host}:{target.port}"
