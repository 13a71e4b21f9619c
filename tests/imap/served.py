"""The reference IMAP server on loopback in a background asyncio thread, for tests that
drive it with real clients."""

from __future__ import annotations

import asyncio
import imaplib
import ssl
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from imap_driver import ACCOUNTS

from reference_impl import pop3
from reference_impl.imap import ServerConfig
from reference_impl.imap.server import Listener, start_server
from reference_impl.pop3 import server as pop3_server
from reference_impl.store import MailStore
from reference_impl.tls import LoopbackTLS

T = TypeVar("T")


class ServedImap:
    """``port`` speaks plaintext with STARTTLS; ``imaps_port`` TLS from the start;
    ``pop3_port`` is the reference POP3 server on the same store."""

    def __init__(self, root: Path, **config: Any) -> None:
        self.store = MailStore(root / "store")
        self.tls = LoopbackTLS(root / "ca.pem")
        self.config = ServerConfig(accounts=ACCOUNTS, tls_available=True, **config)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self.port = self.imaps_port = self.pop3_port = 0

    def __enter__(self) -> ServedImap:
        self._thread.start()
        context = self.tls.server_context()
        plain = Listener(config=self.config, store=self.store, tls_context=context)
        implicit = Listener(
            config=self.config, store=self.store, tls_context=context, implicit_tls=True
        )
        self.port = self._serve(plain)
        self.imaps_port = self._serve(implicit)
        pop_config = pop3.ServerConfig(accounts=ACCOUNTS)
        pop_listener = pop3_server.Listener(config=pop_config, store=self.store)
        self.pop3_port = self._port_of(self._run(pop3_server.start_server(pop_listener)))
        return self

    def _serve(self, listener: Listener) -> int:
        return self._port_of(self._run(start_server(listener)))

    def _port_of(self, server: asyncio.Server) -> int:
        self._servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def client_context(self) -> ssl.SSLContext:
        return self.tls.client_context()

    def __exit__(self, *exc: object) -> None:
        # Servers are closed on their own loop only: closing them from this thread
        # races inside asyncio (a close can find the loop's waiters already gone).
        for server in self._servers:
            self._loop.call_soon_threadsafe(server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self.store.close()


def login(server: ServedImap) -> imaplib.IMAP4:
    """alice logged in over plain TCP."""
    client = imaplib.IMAP4("127.0.0.1", server.port, timeout=10)
    client.login("alice", "alice-pw")
    return client
