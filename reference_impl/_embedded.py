"""The reference servers running in a background thread, for the harness and tests.

``EmbeddedServers`` owns a temporary store, a throwaway CA (trustme) and an
asyncio loop in a daemon thread; tests stay synchronous and talk to the
servers over loopback sockets like to any other target.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import ssl
import tempfile
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from reference_impl.pop2 import ServerConfig as Pop2Config
from reference_impl.pop2 import ServerConnection as Pop2Connection
from reference_impl.pop2.server import Listener as Pop2Listener
from reference_impl.pop2.server import start_server as start_pop2_server
from reference_impl.pop3 import ServerConfig as Pop3Config
from reference_impl.pop3 import ServerConnection as Pop3Connection
from reference_impl.pop3.server import Listener as Pop3Listener
from reference_impl.pop3.server import start_server as start_pop3_server
from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._server import ServerConnection
from reference_impl.smtp.server import Listener, start_server
from reference_impl.store import Accounts, MailStore
from reference_impl.tls import LoopbackTLS

__all__ = ["EmbeddedServers"]

_T = TypeVar("_T")

LOCAL_DOMAIN = "example.test"
SERVER_NAME = "localhost"
USERS = (
    ("alice", "alice-password", f"alice@{LOCAL_DOMAIN}"),
    ("bob", "bob-password", f"bob@{LOCAL_DOMAIN}"),
)


def _accounts() -> Accounts:
    return Accounts.from_mapping(
        {
            "local_domains": [LOCAL_DOMAIN],
            "users": [{"name": n, "password": p, "addresses": [a]} for n, p, a in USERS],
        }
    )


class EmbeddedServers:
    """Reference SMTP and POP3 listeners on 127.0.0.1, OS-chosen ports.

    ``smtp_port``: an MX (STARTTLS offered, AUTH after TLS);
    ``submission_port``: RFC 6409 submission (STARTTLS then AUTH required);
    ``smtps_port``: implicit TLS (RFC 8314); ``pop3_port`` (STLS offered) and
    ``pop3s_port`` (implicit TLS) serve the same store, and so does ``pop2_port``
    (RFC 937, plain TCP).  ``config_changes`` adjusts the
    MX's :class:`ServerConfig` (tests use it to build deliberately broken or
    differently configured variants).
    """

    host = "127.0.0.1"
    server_name = SERVER_NAME
    local_domain = LOCAL_DOMAIN
    users: tuple[tuple[str, str, str], ...] = USERS

    def __init__(
        self,
        *,
        root: Path | None = None,
        connection_factory: Callable[..., ServerConnection] = ServerConnection,
        pop3_connection_factory: Callable[..., Pop3Connection] = Pop3Connection,
        pop2_connection_factory: Callable[..., Pop2Connection] = Pop2Connection,
        **config_changes: Any,
    ) -> None:
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="mail-conformance-")) if root is None else root
        self.accounts = _accounts()
        self.store = MailStore(self.root / "store")
        self.ca_file = self.root / "ca.pem"
        self._config_changes = config_changes
        self._factory = connection_factory
        self._pop3_factory = pop3_connection_factory
        self._pop2_factory = pop2_connection_factory
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self.smtp_port = self.submission_port = self.smtps_port = 0
        self.pop3_port = self.pop3s_port = 0
        self.pop2_port = 0

    def __enter__(self) -> EmbeddedServers:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        context = self._tls_context()
        mx = ServerConfig(accounts=self.accounts, tls_available=True)
        mx = dataclasses.replace(mx, **self._config_changes)
        submission = dataclasses.replace(
            mx, require_tls=True, require_auth=True, relay_allowed=False
        )
        smtps = dataclasses.replace(mx, tls_available=False)
        self._thread.start()
        self.smtp_port = self._listen(Listener(config=mx, store=self.store, tls_context=context))
        self.submission_port = self._listen(
            Listener(config=submission, store=self.store, tls_context=context)
        )
        self.smtps_port = self._listen(
            Listener(config=smtps, store=self.store, tls_context=context, implicit_tls=True)
        )
        self._start_pop3(context)
        self._start_pop2()

    def _start_pop3(self, context: ssl.SSLContext) -> None:
        """``pop3_port``: STLS offered, USER/APOP before TLS, SASL after it;
        ``pop3s_port``: implicit TLS.  Same store and accounts as SMTP."""
        pop3 = Pop3Config(hostname=SERVER_NAME, accounts=self.accounts, tls_available=True)
        plain = Pop3Listener(
            config=pop3,
            store=self.store,
            tls_context=context,
            connection_factory=self._pop3_factory,
        )
        self.pop3_port = self._serve(start_pop3_server(plain, host=self.host, port=0))
        pop3s = dataclasses.replace(
            plain, config=dataclasses.replace(pop3, tls_available=False), implicit_tls=True
        )
        self.pop3s_port = self._serve(start_pop3_server(pop3s, host=self.host, port=0))

    def _start_pop2(self) -> None:
        """``pop2_port``: RFC 937 over plain TCP (POP2 has no TLS); same store."""
        pop2 = Pop2Listener(
            config=Pop2Config(hostname=SERVER_NAME, accounts=self.accounts),
            store=self.store,
            connection_factory=self._pop2_factory,
        )
        self.pop2_port = self._serve(start_pop2_server(pop2, host=self.host, port=0))

    def _serve(self, starting: Coroutine[Any, Any, asyncio.Server]) -> int:
        server = self._run(starting)
        self._servers.append(server)
        port: int = server.sockets[0].getsockname()[1]
        return port

    def stop(self) -> None:
        if self._thread.is_alive():
            # Servers are closed on their own loop only: closing them from
            # this thread as well races inside asyncio.
            self._run(self._wait_closed())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self.store.close()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def _tls_context(self) -> ssl.SSLContext:
        return LoopbackTLS(self.ca_file, names=(SERVER_NAME, self.host)).server_context()

    def _listen(self, listener: Listener) -> int:
        listener = dataclasses.replace(listener, connection_factory=self._factory)
        return self._serve(start_server(listener, host=self.host, port=0))

    def _run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _wait_closed(self) -> None:
        for server in self._servers:
            server.close()
        await asyncio.sleep(0)
