"""The reference IMAP services: ``imap``, and with TLS also ``imaps``."""

from __future__ import annotations

import dataclasses

from reference_impl._service import Service, ServiceSettings, plain_and_implicit_tls
from reference_impl.imap._config import ServerConfig
from reference_impl.imap._server import ServerConnection
from reference_impl.imap.server import Listener, start_server

__all__ = ["services"]


def services(settings: ServiceSettings) -> dict[str, Service]:
    """``imap`` (STARTTLS offered with TLS, RFC 9051 §6.2.1) and with TLS ``imaps``
    (RFC 8314 §3.3: TLS from the first octet)."""
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
        protocol="IMAP",
        names=("imap", "imaps"),
        command="STARTTLS",
        listener=listener,
        start=start_server,
    )
