"""Deliberately broken POP3 and IMAP clients, each breaking one rule, for the judge to
catch.  Run one by hand against a judge::

    python tests/judge/broken_mail_clients.py pop3-pass-before-user 127.0.0.1 1110 ca.pem

Each client uses demo account alice and reads with a bound, so a judge that stops
answering fails the run instead of hanging it.
"""

from __future__ import annotations

import socket
import ssl
import sys
from collections.abc import Callable

USER, PASSWORD = b"alice", b"alice-password"
_TIMEOUT = 10.0


class Wire:
    """A socket with a read buffer: what a simple client keeps between reads."""

    def __init__(self, host: str, port: int) -> None:
        self.sock: socket.socket | ssl.SSLSocket = socket.create_connection(
            (host, port), timeout=_TIMEOUT
        )
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed; had {self.buffer[:200]!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def until(self, prefix: bytes) -> list[bytes]:
        """Lines up to and including the first that starts with ``prefix``."""
        lines = [self.line()]
        while not lines[-1].startswith(prefix):
            lines.append(self.line())
        return lines

    def start_tls(self, ca_file: str) -> None:
        """TLS on the socket, keeping whatever was already read: the flaw a client
        that takes injected plaintext has (CVE-2011-0411 class)."""
        context = ssl.create_default_context(cafile=ca_file)
        self.sock = context.wrap_socket(self.sock, server_hostname="localhost")

    def close(self) -> None:
        self.sock.close()


def _pop3_login(wire: Wire) -> None:
    wire.line()
    wire.send(b"USER " + USER + b"\r\n")
    wire.line()
    wire.send(b"PASS " + PASSWORD + b"\r\n")
    assert wire.line().startswith(b"+OK")


def pop3_bare_lf(wire: Wire, ca_file: str) -> None:
    """RFC 1939 §3: commands end with CRLF; this one ends USER with a bare LF."""
    wire.line()
    wire.send(b"USER alice\nPASS alice-password\r\n")
    wire.line()
    wire.send(b"QUIT\r\n")
    wire.line()


def pop3_no_greeting_wait(wire: Wire, ca_file: str) -> None:
    """RFC 1939 §3: commands follow the greeting; this one sends CAPA at once."""
    wire.send(b"CAPA\r\n")
    wire.line()
    wire.until(b".")
    wire.send(b"QUIT\r\n")
    wire.line()


def imap_no_greeting_wait(wire: Wire, ca_file: str) -> None:
    """RFC 9051 §3: the greeting names the state; this one sends CAPABILITY at once."""
    wire.send(b"a CAPABILITY\r\n")
    wire.until(b"a ")
    wire.send(b"b LOGOUT\r\n")
    wire.until(b"b ")


def pop3_pass_before_user(wire: Wire, ca_file: str) -> None:
    """RFC 1939 §7: PASS only right after a successful USER."""
    wire.line()
    wire.send(b"PASS " + PASSWORD + b"\r\n")
    wire.line()
    wire.send(b"QUIT\r\n")
    wire.line()


def pop3_stls_pipelined(wire: Wire, ca_file: str) -> None:
    """RFC 2595 §4: nothing after STLS until its answer and the handshake."""
    wire.line()
    wire.send(b"STLS\r\nCAPA\r\n")
    wire.line()


def pop3_takes_injected(wire: Wire, ca_file: str) -> None:
    """Reads the +OK to STLS and what follows it in one go, then takes the plaintext it
    kept as the answer to CAPA in TLS (RFC 2595 §4)."""
    wire.line()
    wire.send(b"STLS\r\n")
    wire.line()
    wire.until(b".")  # the injected CAPA answer, read along with the +OK
    wire.start_tls(ca_file)
    wire.send(b"CAPA\r\n")
    wire.send(b"USER " + USER + b"\r\n")  # CAPA looked answered: on to USER
    wire.until(b".")
    wire.line()
    wire.send(b"QUIT\r\n")
    wire.line()


def pop3_dele_without_quit(wire: Wire, ca_file: str) -> None:
    """Marks a message deleted and drops the connection: nothing is removed (RFC 1939 §6)."""
    _pop3_login(wire)
    wire.send(b"DELE 1\r\n")
    wire.line()


def pop3_keeps_without_uidl(wire: Wire, ca_file: str) -> None:
    """Leaves what it retrieved on the server without asking UIDL: at the next poll it
    cannot tell new messages from old (RFC 1939 §8, [practice])."""
    _pop3_login(wire)
    wire.send(b"RETR 2\r\n")
    wire.until(b".")
    wire.send(b"QUIT\r\n")
    wire.line()


def pop3_no_unstuffing(wire: Wire, ca_file: str) -> bytes:
    """Retrieves message 1 and keeps its byte-stuffed lines as they came (RFC 1939 §3
    says to strip the leading "."): only the retrieved copy shows it."""
    _pop3_login(wire)
    wire.send(b"RETR 1\r\n")
    wire.line()
    kept = b""
    while (line := wire.line()) != b".":
        kept += line + b"\r\n"
    wire.send(b"QUIT\r\n")
    wire.line()
    return kept


def _imap_login(wire: Wire) -> None:
    wire.line()
    wire.send(b"L LOGIN " + USER + b" " + PASSWORD + b"\r\n")
    assert wire.until(b"L ")[-1].startswith(b"L OK")


def imap_reused_tags(wire: Wire, ca_file: str) -> None:
    """RFC 9051 §2.2.1: the same tag for every command."""
    wire.line()
    for command in (b"LOGIN alice alice-password", b"SELECT INBOX", b"LOGOUT"):
        wire.send(b"a " + command + b"\r\n")
        wire.until(b"a ")


def imap_literal_without_wait(wire: Wire, ca_file: str) -> None:
    """RFC 9051 §4.3: sends the literals of LOGIN without waiting for "+"."""
    wire.line()
    wire.send(b"a1 LOGIN {5}\r\nalice {14}\r\nalice-password\r\n")
    wire.until(b"a1 ")
    wire.send(b"a2 LOGOUT\r\n")
    wire.until(b"a2 ")


def imap_command_during_idle(wire: Wire, ca_file: str) -> None:
    """RFC 2177 §3: a NOOP while IDLE waits for DONE."""
    _imap_login(wire)
    wire.send(b"s SELECT INBOX\r\n")
    wire.until(b"s ")
    wire.send(b"i IDLE\r\n")
    wire.until(b"+")
    wire.send(b"n NOOP\r\n")
    wire.until(b"i ")
    wire.send(b"z LOGOUT\r\n")
    wire.until(b"z ")


def imap_login_despite_disabled(wire: Wire, ca_file: str) -> None:
    """RFC 9051 §6.2.3: LOGIN though LOGINDISABLED is advertised (STARTTLS was refused)."""
    wire.line()
    wire.send(b"a STARTTLS\r\n")
    wire.until(b"a ")
    wire.send(b"b LOGIN alice alice-password\r\n")
    wire.until(b"b ")
    wire.send(b"c LOGOUT\r\n")
    wire.until(b"c ")


def imap_takes_injected(wire: Wire, ca_file: str) -> None:
    """Reads the OK to STARTTLS and the injected completion of its next command in one
    go, then takes it as CAPABILITY's answer in TLS (RFC 9051 §6.2.1)."""
    wire.line()
    wire.send(b"A001 STARTTLS\r\n")
    wire.until(b"A002 ")  # A001 OK, then the injected CAPABILITY and A002 OK
    wire.start_tls(ca_file)
    wire.send(b"A002 CAPABILITY\r\n")
    wire.send(b"A003 LOGOUT\r\n")  # A002 looked answered: on to the next
    wire.until(b"A003 ")


def _after_preauth(wire: Wire, command: bytes) -> None:
    assert wire.line().startswith(b"* PREAUTH")
    for tag, line in ((b"a", command), (b"b", b"LOGOUT")):
        wire.send(tag + b" " + line + b"\r\n")
        wire.until(tag + b" ")


def imap_login_after_preauth(wire: Wire, ca_file: str) -> None:
    """RFC 9051 §7.1.4: LOGIN though the PREAUTH greeting authenticated the session."""
    _after_preauth(wire, b"LOGIN alice alice-password")


def imap_plaintext_after_preauth(wire: Wire, ca_file: str) -> None:
    """Meant to require TLS, yet goes on in the clear after PREAUTH on a plain port
    (RFC 9051 §7.1.4: such a client MUST close the connection)."""
    _after_preauth(wire, b"SELECT INBOX")


def imap_ignores_expunge(wire: Wire, ca_file: str) -> None:
    """Counts the messages SELECT reported and fetches the last of them after an
    EXPUNGE took it away (RFC 3501 §7.4.1: the update MUST be recorded)."""
    _imap_login(wire)
    wire.send(b"s SELECT INBOX\r\n")
    exists = next(int(line.split()[1]) for line in wire.until(b"s ") if line.endswith(b"EXISTS"))
    wire.send(b"n NOOP\r\n")
    assert any(line.endswith(b" EXPUNGE") for line in wire.until(b"n "))
    wire.send(b"f FETCH %d FLAGS\r\n" % exists)
    wire.until(b"f ")
    wire.send(b"z LOGOUT\r\n")
    wire.until(b"z ")


Client = Callable[[Wire, str], object]

CLIENTS: dict[str, Client] = {
    "pop3-bare-lf": pop3_bare_lf,
    "pop3-no-greeting-wait": pop3_no_greeting_wait,
    "imap-no-greeting-wait": imap_no_greeting_wait,
    "pop3-pass-before-user": pop3_pass_before_user,
    "pop3-stls-pipelined": pop3_stls_pipelined,
    "pop3-takes-injected": pop3_takes_injected,
    "pop3-dele-without-quit": pop3_dele_without_quit,
    "pop3-no-unstuffing": pop3_no_unstuffing,
    "pop3-keeps-without-uidl": pop3_keeps_without_uidl,
    "imap-reused-tags": imap_reused_tags,
    "imap-literal-without-wait": imap_literal_without_wait,
    "imap-command-during-idle": imap_command_during_idle,
    "imap-login-despite-disabled": imap_login_despite_disabled,
    "imap-takes-injected": imap_takes_injected,
    "imap-login-after-preauth": imap_login_after_preauth,
    "imap-plaintext-after-preauth": imap_plaintext_after_preauth,
    "imap-ignores-expunge": imap_ignores_expunge,
}


def run(name: str, host: str, port: int, ca_file: str) -> object:
    wire = Wire(host, port)
    try:
        return CLIENTS[name](wire, ca_file)
    finally:
        wire.close()


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in CLIENTS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(CLIENTS)}}} HOST PORT CAFILE")
    run(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
