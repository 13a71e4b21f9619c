"""What every reference protocol's service builder shares: a ``Service`` and its settings.

A *service* is one listening socket (``smtps``, ``pop3``, ...).  Each protocol package
builds its own services from one ``ServiceSettings`` (its ``_services`` module); the
registry in ``reference_impl._listeners`` names those builders.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reference_impl._shell import ConnectionLimits, ObserverFactory

if TYPE_CHECKING:
    from reference_impl.auth import Accounts
    from reference_impl.store import MailStore

__all__ = ["MessageSink", "Service", "ServiceSettings", "offered", "plain_and_implicit_tls"]


@dataclass
class MessageSink:
    """Where a sink listener's messages go: counted, and hashed (SHA-256 of the content
    as received, without our Received field), then forgotten."""

    messages: int = 0
    octets: int = 0

    def take(self, content: bytes) -> str:
        """Count ``content``; its SHA-256 in hex."""
        self.messages += 1
        self.octets += len(content)
        return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True, kw_only=True)
class Service:
    """One listener and how to describe it: ``name`` ("smtps"), ``protocol`` ("SMTP"),
    ``security`` ("STARTTLS", "implicit TLS", "no TLS", ...); ``start(host=, port=)``
    opens its socket on the running loop."""

    name: str
    protocol: str
    security: str
    start: Callable[..., Awaitable[asyncio.Server]]
    sink: MessageSink | None = None  # where it counts mail it receives, instead of storing it


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """What a protocol's services are built from.

    ``connection_factory`` builds the core of each connection (None: the protocol's
    reference core; tests give deliberately broken ones); ``config_changes`` are
    ``dataclasses.replace`` changes to the protocol's ``ServerConfig``.  Without
    ``tls_context`` a protocol offers no TLS and builds no implicit-TLS service.  With a
    ``sink``, services that receive mail count it there instead of storing it (a load
    test's target); the others ignore it.  ``observer`` watches each connection
    (``reference_impl._shell.SessionObserver``): the judge grading its client.
    """

    accounts: Accounts
    store: MailStore
    tls_context: ssl.SSLContext | None
    hostname: str
    connection_factory: Callable[..., Any] | None = None
    config_changes: Mapping[str, Any] = field(default_factory=dict)
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    session_log_dir: Path | None = None
    sink: MessageSink | None = None
    observer: ObserverFactory | None = None


def offered(tls: bool, command: str) -> str:
    """How a plain listener is secured: ``command`` (STARTTLS, STLS) where TLS is on."""
    return command if tls else "no TLS"


def plain_and_implicit_tls(
    settings: ServiceSettings,
    *,
    protocol: str,
    names: tuple[str, str],
    command: str,
    listener: Callable[[bool, bool], Any],
    start: Callable[..., Awaitable[asyncio.Server]],
) -> dict[str, Service]:
    """A mail-access protocol's two services: ``names[0]`` in the clear, offering TLS
    by ``command`` when there is a TLS context, and then ``names[1]`` with TLS from the
    first octet (RFC 8314 §3.3).  ``listener(tls_available, implicit_tls)`` builds each
    listener, ``start(listener, host=, port=)`` opens it."""
    tls = settings.tls_context is not None
    found = {
        names[0]: Service(
            name=names[0],
            protocol=protocol,
            security=offered(tls, command),
            start=functools.partial(start, listener(tls, False)),
        )
    }
    if tls:
        found[names[1]] = Service(
            name=names[1],
            protocol=protocol,
            security="implicit TLS",
            start=functools.partial(start, listener(False, True)),
        )
    return found
