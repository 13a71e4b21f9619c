"""The reference POP2 service: ``pop2``, RFC 937 over plain TCP (POP2 defines no TLS)."""

from __future__ import annotations

import dataclasses
import functools

from reference_impl._service import Service, ServiceSettings
from reference_impl.pop2._config import ServerConfig
from reference_impl.pop2._server import ServerConnection
from reference_impl.pop2.server import Listener, start_server

__all__ = ["services"]


def services(settings: ServiceSettings) -> dict[str, Service]:
    """``pop2`` alone: there is no TLS to offer, whatever ``settings.tls_context`` is."""
    config = ServerConfig(hostname=settings.hostname, accounts=settings.accounts)
    listener = Listener(
        config=dataclasses.replace(config, **settings.config_changes),
        store=settings.store,
        connection_factory=settings.connection_factory or ServerConnection,
        limits=settings.limits,
        session_log_dir=settings.session_log_dir,
    )
    start = functools.partial(start_server, listener)
    return {"pop2": Service(name="pop2", protocol="POP2", security="no TLS", start=start)}
