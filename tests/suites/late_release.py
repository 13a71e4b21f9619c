"""A POP3 server that notices a dropped connection late: the reference server behind a
relay that keeps the server side open for ``delay`` seconds after the client drops.

RFC 1939 §4 sets no time for releasing the maildrop lock of a session that ends without
QUIT, so the reference server behind this relay is still conforming; it only makes the
race a real server has (the next login arriving before the release) happen every time.
A QUIT goes through at once, and so does the server's close after it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

__all__ = ["LateRelease"]

_CHUNK = 65536


class LateRelease:
    """Relay ``127.0.0.1:port`` -> ``upstream``; a client's close reaches the server only
    ``delay`` seconds later (``None``: only when the relay is closed)."""

    def __init__(self, upstream: tuple[str, int], delay: float | None) -> None:
        self.upstream = upstream
        self.delay = delay
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closing = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> LateRelease:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._closing.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for sock in list(self._sockets):
            sock.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
                server = socket.create_connection(self.upstream)
            except OSError:
                return
            self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(server, client, 0.0), daemon=True).start()
            threading.Thread(
                target=self._pump, args=(client, server, self.delay), daemon=True
            ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, delay: float | None) -> None:
        """Copy until ``source`` closes, then close ``sink`` after ``delay``."""
        with contextlib.suppress(OSError):
            while data := source.recv(_CHUNK):
                sink.sendall(data)
        self._closing.wait(delay)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)
        sink.close()
