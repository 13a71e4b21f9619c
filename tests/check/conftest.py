"""Servers for ``conformance check`` tests: the reference SMTP server with a certificate
made for the test (right or wrong name, expired, expiring), in this process on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from reference_impl.auth import Accounts
from reference_impl.smtp import ServerConfig
from reference_impl.smtp.server import Listener, start_server
from reference_impl.store import MailStore


@dataclass(frozen=True, kw_only=True)
class Served:
    port: int
    ca_file: Path


def _context(
    ca: trustme.CA,
    names: tuple[str, ...],
    not_after: dt.datetime | None,
    old_versions: bool,
    only_old: bool,
) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # Without an explicit start the certificate is valid from now on.
    not_before = None if not_after is None else not_after - dt.timedelta(days=60)
    ca.issue_cert(*names, not_before=not_before, not_after=not_after).configure_cert(context)
    if old_versions:
        # A server that still takes TLS 1.0: what RFC 8996 §2 forbids.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the point of the server
            context.minimum_version = ssl.TLSVersion.TLSv1
            if only_old:
                context.maximum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    else:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start the reference SMTP server with STARTTLS under a fresh certificate."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    servers: list[asyncio.Server] = []
    store = MailStore(tmp_path / "store")

    def start(
        names: tuple[str, ...] = ("mx.example.test",),
        *,
        not_after: dt.datetime | None = None,
        old_versions: bool = False,
        only_old: bool = False,
        starttls: bool = True,
    ) -> Served:
        ca = trustme.CA()
        ca_file = tmp_path / f"ca-{len(servers)}.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        config = ServerConfig(
            hostname="mx.example.test", accounts=Accounts.from_mapping({}), tls_available=starttls
        )
        context = (
            _context(ca, names, not_after, old_versions or only_old, only_old) if starttls else None
        )
        listener = Listener(config=config, store=store, tls_context=context)
        server = asyncio.run_coroutine_threadsafe(start_server(listener), loop).result(10)
        servers.append(server)
        return Served(port=int(server.sockets[0].getsockname()[1]), ca_file=ca_file)

    yield start
    for server in servers:
        loop.call_soon_threadsafe(server.close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    store.close()
