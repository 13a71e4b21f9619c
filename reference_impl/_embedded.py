"""The reference servers running in a background thread, for the harness and tests.

``EmbeddedServers`` owns a temporary store, a throwaway CA (trustme) and an
asyncio loop in a daemon thread; tests stay synchronous and talk to the
servers over loopback sockets like to any other target.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import tempfile
import threading
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from reference_impl._listeners import (
    DEMO_USERS,
    LOCAL_DOMAIN,
    PROTOCOLS,
    SERVER_NAME,
    Service,
    ServiceSettings,
    build_services,
    demo_accounts,
    start_service,
)
from reference_impl.store import MailStore
from reference_impl.tls import LoopbackTLS

__all__ = ["EmbeddedServers"]

_T = TypeVar("_T")


class EmbeddedServers:
    """Every reference service of ``reference_impl._listeners.PROTOCOLS`` on 127.0.0.1,
    on OS-chosen ports, all serving one store with one certificate.

    ``ports`` maps each service name ("smtp", "submission", "pop3s", ...) to its port,
    and ``url(service)`` is its target URL (the service name is its URL scheme).
    ``cores`` puts another server core behind a protocol's listeners and ``configs``
    changes its ``ServerConfig`` (tests use them to build deliberately broken or
    differently configured variants), both keyed by protocol name.
    """

    host = "127.0.0.1"
    server_name = SERVER_NAME
    local_domain = LOCAL_DOMAIN
    users: tuple[tuple[str, str, str], ...] = DEMO_USERS

    def __init__(
        self,
        *,
        root: Path | None = None,
        cores: Mapping[str, Callable[..., Any]] | None = None,
        configs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        unknown = sorted({*(cores or {}), *(configs or {})} - set(PROTOCOLS))
        if unknown:
            raise ValueError(
                f"no reference protocol {', '.join(unknown)}; known: {list(PROTOCOLS)}"
            )
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="mail-conformance-")) if root is None else root
        self.accounts = demo_accounts()
        self.store = MailStore(self.root / "store")
        self.ca_file = self.root / "ca.pem"
        self._cores = dict(cores or {})
        self._configs = {name: dict(changes) for name, changes in (configs or {}).items()}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self._context: ssl.SSLContext | None = None
        self.ports: dict[str, int] = {}

    def url(self, service: str) -> str:
        """``service://127.0.0.1:port`` of a running service."""
        return f"{service}://{self.host}:{self.ports[service]}"

    def __enter__(self) -> EmbeddedServers:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        self._context = self._tls_context()
        self._thread.start()
        for name in PROTOCOLS:
            built = self._services(name, self._cores.get(name), self._configs.get(name, {}))
            for service_name, service in built.items():
                self.ports[service_name] = self._serve(service)

    def serve_another(
        self,
        protocol: str,
        factory: Callable[..., Any],
        *,
        service: str | None = None,
        **config_changes: Any,
    ) -> int:
        """Start one more listener of ``protocol`` (a name in the reference registry) on
        the same store, accounts and certificate, with another core ``factory`` and
        further ``config_changes``; its port.  ``service`` picks another listener of
        the protocol ("smtps", "pop3s").  Many variants of a server then share one
        store, so one client run with one profile can test them all."""
        assert self._context is not None, "start() first"
        changes = {**self._configs.get(protocol, {}), **config_changes}
        return self._serve(self._services(protocol, factory, changes)[service or protocol])

    def _services(
        self, protocol: str, factory: Callable[..., Any] | None, changes: Mapping[str, Any]
    ) -> dict[str, Service]:
        settings = ServiceSettings(
            accounts=self.accounts,
            store=self.store,
            tls_context=self._context,
            hostname=SERVER_NAME,
            connection_factory=factory,
            config_changes=changes,
        )
        return build_services(protocol, settings)

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
