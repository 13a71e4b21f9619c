"""How each reference service listens: one place for ``EmbeddedServers`` and ``conformance serve``.

A *service* is one listening socket: ``smtp`` (the MX), ``submission``, ``smtps``,
``pop3``, ``pop3s`` or ``pop2``.  The builders here derive the TLS services from the
plain one, so every caller serves the same policies; ``start_service`` opens the socket
on the running asyncio loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reference_impl._shell import ConnectionLimits
from reference_impl.auth import Accounts
from reference_impl.pop2 import ServerConfig as Pop2Config
from reference_impl.pop2 import ServerConnection as Pop2Connection
from reference_impl.pop2.server import Listener as Pop2Listener
from reference_impl.pop2.server import start_server as start_pop2_server
from reference_impl.pop3 import ServerConfig as Pop3Config
from reference_impl.pop3 import ServerConnection as Pop3Connection
from reference_impl.pop3.server import Listener as Pop3Listener
from reference_impl.pop3.server import start_server as start_pop3_server
from reference_impl.smtp._config import ServerConfig as SmtpConfig
from reference_impl.smtp._server import ServerConnection as SmtpConnection
from reference_impl.smtp.server import Listener as SmtpListener
from reference_impl.smtp.server import MessageSink
from reference_impl.smtp.server import start_server as start_smtp_server
from reference_impl.store import MailStore

__all__ = [
    "DEMO_USERS",
    "LOCAL_DOMAIN",
    "SERVER_NAME",
    "Service",
    "demo_accounts",
    "pop2_services",
    "pop3_services",
    "smtp_services",
    "start_service",
]

LOCAL_DOMAIN = "example.test"
SERVER_NAME = "localhost"
DEMO_USERS = (
    ("alice", "alice-password", f"alice@{LOCAL_DOMAIN}"),
    ("bob", "bob-password", f"bob@{LOCAL_DOMAIN}"),
)

Listener = SmtpListener | Pop3Listener | Pop2Listener


@dataclass(frozen=True, kw_only=True)
class Service:
    """One listener and how to describe it: ``name`` ("smtps"), ``protocol`` ("SMTP"),
    ``security`` ("STARTTLS", "implicit TLS", "no TLS", ...)."""

    name: str
    protocol: str
    security: str
    listener: Listener


def demo_accounts() -> Accounts:
    """alice and bob at example.test, the accounts of a server started without a config."""
    return Accounts.from_mapping(
        {
            "local_domains": [LOCAL_DOMAIN],
            "users": [{"name": n, "password": p, "addresses": [a]} for n, p, a in DEMO_USERS],
        }
    )


def smtp_services(
    config: SmtpConfig,
    *,
    store: MailStore,
    tls_context: ssl.SSLContext | None,
    connection_factory: Callable[..., SmtpConnection] = SmtpConnection,
    limits: ConnectionLimits | None = None,
    session_log_dir: Path | None = None,
    sink: MessageSink | None = None,
) -> dict[str, Service]:
    """``smtp`` as ``config`` says; with TLS also ``submission`` (RFC 6409 §4.3 and
    RFC 8314 §3.3: STARTTLS, then AUTH, before any mail) and ``smtps`` (RFC 8314 §3).
    With a ``sink``, all of them count messages into it instead of storing them."""
    mx = SmtpListener(
        config=config,
        store=store,
        tls_context=tls_context,
        connection_factory=connection_factory,
        limits=limits or ConnectionLimits(),
        session_log_dir=session_log_dir,
        sink=sink,
    )
    tls = tls_context is not None and config.tls_available
    services = {
        "smtp": Service(
            name="smtp", protocol="SMTP", security=_offered(tls, "STARTTLS"), listener=mx
        )
    }
    if tls_context is None:
        return services
    submission = dataclasses.replace(
        config, tls_available=True, require_tls=True, require_auth=True, relay_allowed=False
    )
    services["submission"] = Service(
        name="submission",
        protocol="SMTP submission",
        security="STARTTLS and AUTH required",
        listener=dataclasses.replace(mx, config=submission),
    )
    smtps = dataclasses.replace(config, tls_available=False)
    services["smtps"] = Service(
        name="smtps",
        protocol="SMTP",
        security="implicit TLS",
        listener=dataclasses.replace(mx, config=smtps, implicit_tls=True),
    )
    return services


def pop3_services(
    config: Pop3Config,
    *,
    store: MailStore,
    tls_context: ssl.SSLContext | None,
    connection_factory: Callable[..., Pop3Connection] = Pop3Connection,
    limits: ConnectionLimits | None = None,
    session_log_dir: Path | None = None,
) -> dict[str, Service]:
    """``pop3`` (STLS offered with TLS, RFC 2595 §4) and with TLS ``pop3s`` (RFC 8314 §3)."""
    plain = Pop3Listener(
        config=dataclasses.replace(config, tls_available=tls_context is not None),
        store=store,
        tls_context=tls_context,
        connection_factory=connection_factory,
        limits=limits or ConnectionLimits(),
        session_log_dir=session_log_dir,
    )
    tls = tls_context is not None
    services = {
        "pop3": Service(
            name="pop3", protocol="POP3", security=_offered(tls, "STLS"), listener=plain
        )
    }
    if tls_context is None:
        return services
    pop3s = dataclasses.replace(
        plain, config=dataclasses.replace(config, tls_available=False), implicit_tls=True
    )
    services["pop3s"] = Service(
        name="pop3s", protocol="POP3", security="implicit TLS", listener=pop3s
    )
    return services


def pop2_services(
    config: Pop2Config,
    *,
    store: MailStore,
    connection_factory: Callable[..., Pop2Connection] = Pop2Connection,
    limits: ConnectionLimits | None = None,
    session_log_dir: Path | None = None,
) -> dict[str, Service]:
    """``pop2``: RFC 937 over plain TCP (POP2 defines no TLS)."""
    listener = Pop2Listener(
        config=config,
        store=store,
        connection_factory=connection_factory,
        limits=limits or ConnectionLimits(),
        session_log_dir=session_log_dir,
    )
    return {"pop2": Service(name="pop2", protocol="POP2", security="no TLS", listener=listener)}


async def start_service(service: Service, *, host: str, port: int) -> asyncio.Server:
    """Listen for ``service`` on ``host:port`` (0: the OS chooses); the caller closes it."""
    listener = service.listener
    if isinstance(listener, SmtpListener):
        return await start_smtp_server(listener, host=host, port=port)
    if isinstance(listener, Pop3Listener):
        return await start_pop3_server(listener, host=host, port=port)
    return await start_pop2_server(listener, host=host, port=port)


def _offered(tls: bool, command: str) -> str:
    return command if tls else "no TLS"
