"""The reference POP3 services: ``pop3``, and with TLS also ``pop3s``."""

from __future__ import annotations

import dataclasses

from reference_impl._service import Service, ServiceSettings, plain_and_implicit_tls
from reference_impl.pop3._config import ServerConfig
from reference_impl.pop3._server import ServerConnection
from reference_impl.pop3.server import Listener, start_server

__all__ = ["services"]


def services(settings: ServiceSettings) -> dict[str, Service]:
    """``pop3`` (STLS offered with TLS, RFC 2595 §4) and with TLS ``pop3s`` (RFC 8314 §3)."""
    config = ServerConfig(hostname=settings.hostname, accounts=settings.accounts)
    config = dataclasses.replace(config, **settings.config_changes)

    def listener(tls_available: bool, implicit_tls: bool) -> Listener:
        return Listener(
            config=dataclasses.replace(config, tls_available=tls_available),
            store=settings.store,
            tls_context=settings.tls_context,
            implicit_tls=implicit_tls,
            connection_factory=settings.connection_factory or ServerConnection,
            limits=settings.limits,
            session_log_dir=settings.session_log_dir,
            observer=settings.observer,
        )

    return plain_and_implicit_tls(
        settings,
        protocol="POP3",
        names=("pop3", "pop3s"),
        command="STLS",
        listener=listener,
        start=start_server,
    )
