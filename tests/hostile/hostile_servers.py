"""Small scripted servers that misbehave on the wire, one behaviour each.

Each behaviour is a function run in a thread per connection with a ``Peer``: it greets
(or not), reads command lines, and answers them well or badly.  Every loop is bounded in
octets and seconds, so a test that forgets to disconnect still ends.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

__all__ = ["BEHAVIOURS", "HostileServer", "Peer"]

_MAX_STREAM = 96 * 1024 * 1024  # octets one endless answer may send at most
_MAX_SECONDS = 90.0  # how long one connection may live at most
_MAX_LINES = 10_000  # command lines read from one connection at most


class Peer:
    """One accepted connection, with the few moves the behaviours need."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.started = time.monotonic()
        self._file = conn.makefile("rb")

    def send(self, data: bytes) -> None:
        self.conn.sendall(data)

    def lines(self) -> Iterator[bytes]:
        """Command lines (with their line end) until the client goes or a bound is hit."""
        for _ in range(_MAX_LINES):
            line = self._file.readline(65536)
            if not line or self.expired:
                return
            yield line

    @property
    def expired(self) -> bool:
        return time.monotonic() - self.started > _MAX_SECONDS

    def stream(self, chunk: bytes) -> None:
        """Send ``chunk`` again and again until the client closes or a bound is hit."""
        sent = 0
        while sent < _MAX_STREAM and not self.expired:
            self.conn.sendall(chunk)
            sent += len(chunk)

    def trickle(self, data: bytes, interval: float = 1.0) -> None:
        """Send one octet per ``interval`` seconds."""
        for octet in data:
            if self.expired:
                return
            self.conn.sendall(bytes([octet]))
            time.sleep(interval)


def _verb(line: bytes) -> bytes:
    return line.split(b" ", 1)[0].strip().upper()


# -- SMTP -----------------------------------------------------------------------------------

_GREETING = b"220 fake.test ESMTP\r\n"
_EHLO = b"250-fake.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"


def _smtp_answer(line: bytes) -> bytes:
    """What a plain, conforming-looking server answers (no DATA content handling)."""
    verb = _verb(line)
    if verb == b"EHLO":
        return _EHLO
    if verb == b"QUIT":
        return b"221 fake.test bye\r\n"
    if verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
        return b"250 ok\r\n"
    return b"502 not implemented\r\n"


def _answer_until_quit(peer: Peer, greeting: bytes, answer: Callable[[bytes], bytes]) -> None:
    peer.send(greeting)
    for line in peer.lines():
        peer.send(answer(line))
        if _verb(line) == b"QUIT":
            return


def smtp_endless_reply(peer: Peer) -> None:
    """Every command after the greeting earns a multi-line reply that never ends."""
    peer.send(_GREETING)
    for _ in peer.lines():
        peer.stream(b"250-" + b"x" * 70 + b"\r\n")
        return


def smtp_endless_line(peer: Peer) -> None:
    """Every command earns one line that never ends (no CRLF at all)."""
    peer.send(_GREETING)
    for _ in peer.lines():
        peer.stream(b"250 " + b"y" * 4092)
        return


def smtp_close_mid_reply(peer: Peer) -> None:
    """Greets, then answers the first command with half a reply and closes."""
    peer.send(_GREETING)
    for _ in peer.lines():
        peer.send(b"250-fake.test\r\n250 cut")
        return


def smtp_silent_after_greeting(peer: Peer) -> None:
    peer.send(_GREETING)
    for _ in peer.lines():
        pass


def smtp_greeting_without_crlf(peer: Peer) -> None:
    peer.send(b"220 fake.test ESMTP but the line never ends")
    for _ in peer.lines():
        pass


def smtp_one_octet_per_second(peer: Peer) -> None:
    peer.trickle(_GREETING)
    for line in peer.lines():
        peer.trickle(_smtp_answer(line))


def smtp_escapes(peer: Peer) -> None:
    """Replies full of terminal escapes (clear screen, colour, title, bell, C1 CSI)."""

    def answer(line: bytes) -> bytes:
        if _verb(line) == b"EHLO":
            return b"250-fake.test \x1b]0;owned\x07\r\n250 \x9b31mPIPELINING\r\n"
        return b"550 \x1b[1;31mno\x1b[0m \x1b[2K\r\n"

    _answer_until_quit(peer, b"220 fake.test \x1b[2J\x1b[31mESMTP\x07\r\n", answer)


def smtp_extra_lines(peer: Peer) -> None:
    """The EHLO reply ends after its first line; its keyword lines spill over as a second
    reply nobody asked for."""

    def answer(line: bytes) -> bytes:
        if _verb(line) == b"EHLO":
            return b"250 fake.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
        return _smtp_answer(line)

    _answer_until_quit(peer, _GREETING, answer)


def smtp_starttls_garbage(peer: Peer) -> None:
    """Offers STARTTLS, says 220, then answers the ClientHello with plain text."""
    peer.send(_GREETING)
    for line in peer.lines():
        verb = _verb(line)
        if verb == b"EHLO":
            peer.send(b"250-fake.test\r\n250 STARTTLS\r\n")
        elif verb == b"STARTTLS":
            peer.send(b"220 2.0.0 ready to start TLS\r\n")
            peer.conn.recv(4096)  # the ClientHello
            peer.send(b"this is not TLS at all\r\n")
            return
        else:
            peer.send(_smtp_answer(line))


# -- POP3 -----------------------------------------------------------------------------------

_MULTILINE = (b"CAPA", b"LIST", b"UIDL", b"RETR", b"TOP")
_POP3_GREETING = b"+OK fake POP3 ready\r\n"


def pop3_partial_then_close(peer: Peer) -> None:
    """Logs anyone in, then answers the first other command with a status line cut off,
    and closes."""
    peer.send(_POP3_GREETING)
    for line in peer.lines():
        if _verb(line) in (b"USER", b"PASS"):
            peer.send(b"+OK\r\n")
            continue
        peer.send(b"+OK partial")
        return


def pop3_bare_lf_terminator(peer: Peer) -> None:
    """Multi-line responses end their lines, and themselves, with a bare LF."""

    def answer(line: bytes) -> bytes:
        if _verb(line) in _MULTILINE:
            return b"+OK\r\nUSER\nTOP\n.\n"
        return b"+OK\r\n"

    _answer_until_quit(peer, _POP3_GREETING, answer)


def pop3_endless_multiline(peer: Peer) -> None:
    """Multi-line commands earn a body that never ends."""
    peer.send(_POP3_GREETING)
    for line in peer.lines():
        if _verb(line) in _MULTILINE:
            peer.send(b"+OK\r\n")
            peer.stream(b"z" * 98 + b"\r\n")
            return
        peer.send(b"+OK\r\n")


BEHAVIOURS: dict[str, Callable[[Peer], None]] = {
    function.__name__: function
    for function in (
        smtp_endless_reply,
        smtp_endless_line,
        smtp_close_mid_reply,
        smtp_silent_after_greeting,
        smtp_greeting_without_crlf,
        smtp_one_octet_per_second,
        smtp_escapes,
        smtp_extra_lines,
        smtp_starttls_garbage,
        pop3_partial_then_close,
        pop3_bare_lf_terminator,
        pop3_endless_multiline,
    )
}


class HostileServer:
    """A listener on 127.0.0.1 that runs one behaviour per connection, in threads."""

    def __init__(self, behaviour: Callable[[Peer], None]) -> None:
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self._connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self._connections.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.behaviour(Peer(conn))
        except OSError:
            pass  # the client went away: that ends every behaviour
        finally:
            conn.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for conn in self._connections:
            with contextlib.suppress(OSError):
                conn.close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
