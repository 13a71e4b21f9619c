"""The reference POP3 services: ``pop3``, and with TLS also ``pop3s``."""

from __future__ import annotations

import dataclasses
import functools

from reference_impl._service import Service, ServiceSettings, offered
from reference_impl.pop3._config import ServerConfig
from reference_impl.pop3._server import ServerConnection
from reference_impl.pop3.server import Listener, start_server

__all__ = ["services"]


def services(settings: ServiceSettings) -> dict[str, Service]:
    """``pop3`` (STLS offered with TLS, RFC 2595 §4) and with TLS ``pop3s`` (RFC 8314 §3)."""
    tls_context = settings.tls_context
    config = ServerConfig(hostname=settings.hostname, accounts=settings.accounts)
    config = dataclasses.replace(config, **settings.config_changes)
    plain = Listener(
        config=dataclasses.replace(config, tls_available=tls_context is not None),
        store=settings.store,
        tls_context=tls_context,
        connection_factory=settings.connection_factory or ServerConnection,
        limits=settings.limits,
        session_log_dir=settings.session_log_dir,
    )
    found = {"pop3": _service("pop3", offered(tls_context is not None, "STLS"), plain)}
    if tls_context is None:
        return found
    pop3s = dataclasses.replace(
        plain, config=dataclasses.replace(config, tls_available=False), implicit_tls=True
    )
    found["pop3s"] = _service("pop3s", "implicit TLS", pop3s)
    return found


def _service(name: str, security: str, listener: Listener) -> Service:
    return Service(
        name=name,
        protocol="POP3",
        security=security,
        start=functools.partial(start_server, listener),
    )
