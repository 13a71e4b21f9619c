"""The reference side's registry of protocols: which services each one listens with.

One ``ReferenceProtocol`` per protocol names its service builder (the ``services``
function of a module in the protocol's own package, imported only when services are
built, so reading this table stays cheap), the services it builds, and the
unprivileged port ``conformance serve`` uses for its first service.  ``EmbeddedServers`` and
``conformance serve`` both start listeners from this table, so what a user serves is
what the suites grade; the harness's own registry (``conformance._protocols``) names
its protocols' entries here.  Adding a protocol: its package with a ``_services``
module, and one entry in ``PROTOCOLS``.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from reference_impl._service import Service, ServiceSettings
from reference_impl.auth import Accounts

__all__ = [
    "DEMO_USERS",
    "LOCAL_DOMAIN",
    "PROTOCOLS",
    "SERVER_NAME",
    "ReferenceProtocol",
    "Service",
    "ServiceSettings",
    "build_services",
    "demo_accounts",
    "start_service",
]

LOCAL_DOMAIN = "example.test"
SERVER_NAME = "localhost"
DEMO_USERS = (
    ("alice", "alice-password", f"alice@{LOCAL_DOMAIN}"),
    ("bob", "bob-password", f"bob@{LOCAL_DOMAIN}"),
)


@dataclass(frozen=True, kw_only=True)
class ReferenceProtocol:
    """A reference server: the ``services(settings)`` function of module ``builder``
    returns its services by name.

    ``services`` lists every name the builder can return, the plain one first; the
    others (``extra``) need TLS and are described for ``--<name>-port`` options.
    ``judging`` names the module whose ``JUDGING`` grades the protocol's clients
    (``reference_impl._scenarios``; None: its clients cannot be graded yet).
    """

    name: str
    title: str
    builder: str
    services: tuple[str, ...]
    extra: dict[str, str]
    serve_port: int
    judging: str | None = None


PROTOCOLS: dict[str, ReferenceProtocol] = {
    entry.name: entry
    for entry in (
        ReferenceProtocol(
            name="smtp",
            title="SMTP",
            builder="reference_impl.smtp._services",
            services=("smtp", "submission", "smtps"),
            extra={
                "submission": "a submission listener (RFC 6409: STARTTLS + AUTH)",
                "smtps": "an implicit-TLS listener (RFC 8314)",
            },
            serve_port=2525,  # stands in for 25
            judging="reference_impl.smtp._scenarios",
        ),
        ReferenceProtocol(
            name="pop3",
            title="POP3",
            builder="reference_impl.pop3._services",
            services=("pop3", "pop3s"),
            extra={"pop3s": "an implicit-TLS listener (RFC 8314)"},
            serve_port=1110,  # stands in for 110
            judging="reference_impl.pop3._scenarios",
        ),
        ReferenceProtocol(
            name="pop2",
            title="POP2",
            builder="reference_impl.pop2._services",
            services=("pop2",),
            extra={},
            serve_port=1109,  # stands in for 109
        ),
        ReferenceProtocol(
            name="imap",
            title="IMAP",
            builder="reference_impl.imap._services",
            services=("imap", "imaps"),
            extra={"imaps": "an implicit-TLS listener (RFC 8314)"},
            serve_port=1143,  # stands in for 143
            judging="reference_impl.imap._scenarios",
        ),
    )
}


def build_services(protocol: str, settings: ServiceSettings) -> dict[str, Service]:
    """The services of ``protocol`` built from ``settings``, by name."""
    module = importlib.import_module(PROTOCOLS[protocol].builder)
    build = cast(Callable[[ServiceSettings], dict[str, Service]], module.services)
    return build(settings)


def demo_accounts() -> Accounts:
    """alice and bob at example.test, the accounts of a server started without a config."""
    return Accounts.from_mapping(
        {
            "local_domains": [LOCAL_DOMAIN],
            "users": [{"name": n, "password": p, "addresses": [a]} for n, p, a in DEMO_USERS],
        }
    )


async def start_service(service: Service, *, host: str, port: int) -> asyncio.Server:
    """Listen for ``service`` on ``host:port`` (0: the OS chooses); the caller closes it."""
    return await service.start(host=host, port=port)
