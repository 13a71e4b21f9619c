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

from reference_impl._listeners import (
    DEMO_USERS,
    LOCAL_DOMAIN,
    SERVER_NAME,
    Service,
    demo_accounts,
    pop2_services,
    pop3_services,
    smtp_services,
    start_service,
)
from reference_impl.pop2 import ServerConfig as Pop2Config
from reference_impl.pop2 import ServerConnection as Pop2Connection
from reference_impl.pop3 import ServerConfig as Pop3Config
from reference_impl.pop3 import ServerConnection as Pop3Connection
from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._server import ServerConnection
from reference_impl.store import MailStore
from reference_impl.tls import LoopbackTLS

__all__ = ["EmbeddedServers"]

_T = TypeVar("_T")


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
    users: tuple[tuple[str, str, str], ...] = DEMO_USERS

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
        self.accounts = demo_accounts()
        self.store = MailStore(self.root / "store")
        self.ca_file = self.root / "ca.pem"
        self._config_changes = config_changes
        self._factory = connection_factory
        self._pop3_factory = pop3_connection_factory
        self._pop2_factory = pop2_connection_factory
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self._context: ssl.SSLContext | None = None
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
        self._context = context = self._tls_context()
        mx = ServerConfig(accounts=self.accounts, tls_available=True)
        mx = dataclasses.replace(mx, **self._config_changes)
        pop3 = Pop3Config(hostname=SERVER_NAME, accounts=self.accounts)
        pop2 = Pop2Config(hostname=SERVER_NAME, accounts=self.accounts)
        self._thread.start()
        services = {
            **smtp_services(
                mx, store=self.store, tls_context=context, connection_factory=self._factory
            ),
            **pop3_services(
                pop3, store=self.store, tls_context=context, connection_factory=self._pop3_factory
            ),
            **pop2_services(pop2, store=self.store, connection_factory=self._pop2_factory),
        }
        self.smtp_port = self._serve(services["smtp"])
        self.submission_port = self._serve(services["submission"])
        self.smtps_port = self._serve(services["smtps"])
        self.pop3_port = self._serve(services["pop3"])
        self.pop3s_port = self._serve(services["pop3s"])
        self.pop2_port = self._serve(services["pop2"])

    def serve_another(
        self,
        protocol: str,
        factory: Callable[..., Any],
        *,
        service: str | None = None,
        **config_changes: Any,
    ) -> int:
        """Start one more listener of ``protocol`` ("smtp", "pop3" or "pop2") on the same
        store, accounts and certificate, with another core ``factory`` (and for SMTP
        another MX configuration); its port.  ``service`` picks another listener of the
        protocol ("smtps", "submission", "pop3s").  Many variants of a server then share
        one store, so one client run with one profile can test them all."""
        context = self._context
        assert context is not None, "start() first"
        services: dict[str, Service]
        if protocol == "smtp":
            mx = ServerConfig(accounts=self.accounts, tls_available=True)
            mx = dataclasses.replace(mx, **{**self._config_changes, **config_changes})
            services = smtp_services(
                mx, store=self.store, tls_context=context, connection_factory=factory
            )
        elif protocol == "pop3":
            pop3 = Pop3Config(hostname=SERVER_NAME, accounts=self.accounts)
            services = pop3_services(
                pop3, store=self.store, tls_context=context, connection_factory=factory
            )
        else:
            pop2 = Pop2Config(hostname=SERVER_NAME, accounts=self.accounts)
            services = pop2_services(pop2, store=self.store, connection_factory=factory)
        return self._serve(services[service or protocol])

    def _serve(self, service: Service) -> int:
        server = self._run(start_service(service, host=self.host, port=0))
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

    def _run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _wait_closed(self) -> None:
        for server in self._servers:
            server.close()
        await asyncio.sleep(0)
