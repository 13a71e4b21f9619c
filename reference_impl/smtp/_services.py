"""The reference SMTP services: the MX, and with TLS also submission and smtps."""

from __future__ import annotations

import dataclasses
import functools

from reference_impl._service import Service, ServiceSettings, offered
from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._server import ServerConnection
from reference_impl.smtp.server import Listener, start_server

__all__ = ["services"]


def services(settings: ServiceSettings) -> dict[str, Service]:
    """``smtp`` (STARTTLS offered with TLS); with TLS also ``submission`` (RFC 6409 §4.3
    and RFC 8314 §3.3: STARTTLS, then AUTH, before any mail) and ``smtps`` (RFC 8314 §3).

    The MX greets with its configuration's own name (``mx.example.test`` by default),
    not ``settings.hostname``, so a greeting name differs from the certificate's.
    """
    tls_context = settings.tls_context
    config = ServerConfig(accounts=settings.accounts, tls_available=tls_context is not None)
    config = dataclasses.replace(config, **settings.config_changes)
    mx = Listener(
        config=config,
        store=settings.store,
        tls_context=tls_context,
        connection_factory=settings.connection_factory or ServerConnection,
        limits=settings.limits,
        session_log_dir=settings.session_log_dir,
        sink=settings.sink,
        observer=settings.observer,
    )
    tls = tls_context is not None and config.tls_available
    found = {"smtp": _service("smtp", "SMTP", offered(tls, "STARTTLS"), mx)}
    if tls_context is None:
        return found
    submission = dataclasses.replace(
        config, tls_available=True, require_tls=True, require_auth=True, relay_allowed=False
    )
    found["submission"] = _service(
        "submission",
        "SMTP submission",
        "STARTTLS and AUTH required",
        dataclasses.replace(mx, config=submission),
    )
    smtps = dataclasses.replace(config, tls_available=False)
    found["smtps"] = _service(
        "smtps", "SMTP", "implicit TLS", dataclasses.replace(mx, config=smtps, implicit_tls=True)
    )
    return found


def _service(name: str, protocol: str, security: str, listener: Listener) -> Service:
    return Service(
        name=name,
        protocol=protocol,
        security=security,
        start=functools.partial(start_server, listener),
        sink=listener.sink,
    )
