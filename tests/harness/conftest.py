"""Fixtures for the harness's own tests: pytester, and tiny scripted TCP servers.

The scripted servers exist only to produce conditions the reference server never
produces on purpose (silence, abrupt close); protocol behaviour is tested against the
reference server itself.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

# The embedded servers make their certificates with trustme, which holds cryptography's
# x509 classes.  pytester's in-process runs drop the modules a run imported, so if the
# first import of cryptography happened inside such a run, the next run would build
# certificates with a fresh x509 module that trustme's classes no longer match
# ("No SubjectKeyIdentifier extension was found").  Importing it here keeps one copy.
import trustme  # noqa: F401


@dataclass(frozen=True, kw_only=True)
class Script:
    """What the scripted server does: its greeting, then one reply per line received."""

    greeting: bytes | None = b"220 fake.test ESMTP\r\n"  # None: stay silent
    reply: Callable[[bytes], bytes | None] = lambda line: b"250 ok\r\n"  # None: close
    close_after_reply: bool = False


class ScriptedServer:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

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
            if self.script.greeting is not None:
                conn.sendall(self.script.greeting)
            with conn.makefile("rb") as lines:
                for line in lines:
                    answer = self.script.reply(line)
                    if answer is None:
                        break
                    conn.sendall(answer)
                    if self.script.close_after_reply:
                        break
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):  # already shut: nothing to wake
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.listener.close()
        for conn in self._connections:
            conn.close()


@pytest.fixture
def scripted_server() -> Iterator[Callable[[Script], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(script: Script) -> ScriptedServer:
        server = ScriptedServer(script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
