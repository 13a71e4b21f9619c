"""Target URLs: which server to test, how to reach it, and how to secure the connection.

A target is ``scheme://[user:pass@]host[:port]``; the schemes, their default ports and
how each is secured are those of the protocol registry (``_protocols.SCHEMES``).

Credentials go in the URL as ``user:password@`` and are percent-decoded, so a password
containing ``@`` or ``:`` is written ``%40`` / ``%3A``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ._errors import TargetUrlError
from ._protocols import SCHEMES, Security, protocol_of_scheme

__all__ = [
    "SCHEMES",
    "Security",
    "Target",
    "TlsSettings",
    "parse_target",
]


@dataclass(frozen=True, kw_only=True)
class TlsSettings:
    """How the harness checks the target's certificate."""

    verify: bool = False
    ca_file: Path | None = None
    server_name: str | None = None  # SNI and the name checked; the host when None


@dataclass(frozen=True, kw_only=True)
class Target:
    """A server under test, of any protocol: ``protocol`` names its ``ProtocolSpec``."""

    scheme: str
    host: str
    port: int
    security: Security
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: TlsSettings = field(default_factory=TlsSettings)

    @property
    def protocol(self) -> str:
        return protocol_of_scheme(self.scheme).name

    @property
    def url(self) -> str:
        """The URL without credentials, for messages and reports."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def has_credentials(self) -> bool:
        return self.user is not None and self.password is not None

    @property
    def logs_in(self) -> bool:
        """The harness logs in with the target's credentials, or the profile's first
        account, before anything else (see ``Scheme.logs_in``)."""
        return SCHEMES[self.scheme].logs_in

    @property
    def requires_auth(self) -> bool:
        """Nothing works before the login: always where the scheme demands credentials,
        else where it logs in and credentials were given (see ``Scheme``)."""
        scheme = SCHEMES[self.scheme]
        return scheme.demands_credentials or (scheme.logs_in and self.has_credentials)

    def with_credentials(self, user: str, password: str) -> Target:
        return replace(self, user=user, password=password)

    @property
    def server_name(self) -> str:
        return self.tls.server_name or self.host

    def with_tls(self, tls: TlsSettings) -> Target:
        return replace(self, tls=tls)

    def __str__(self) -> str:
        return self.url


def parse_target(url: str, *, tls: TlsSettings | None = None) -> Target:
    """Parse a target URL; raise ``TargetUrlError`` with a message a user can act on."""
    text = url.strip()
    if "://" not in text:
        raise TargetUrlError(f"target {url!r} has no scheme; expected e.g. smtp://127.0.0.1:2525")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        known = ", ".join(f"{name}://" for name in SCHEMES)
        raise TargetUrlError(f"target {url!r}: unknown scheme {scheme!r}; known: {known}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise TargetUrlError(f"target {url!r}: a path, query or fragment is not allowed")
    host = parts.hostname
    if not host:
        raise TargetUrlError(f"target {url!r} has no host")
    _check_host(url, host)
    info = SCHEMES[scheme]
    return Target(
        scheme=scheme,
        host=host,
        port=_port(url, parts.netloc, info.default_port),
        security=info.security,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        tls=tls or TlsSettings(),
    )


def _port(url: str, netloc: str, default: int) -> int:
    try:
        port = urlsplit(f"x://{netloc}").port
    except ValueError:
        raise TargetUrlError(f"target {url!r}: port must be a number 1-65535") from None
    if port == 0:
        raise TargetUrlError(f"target {url!r}: port must be a number 1-65535")
    return default if port is None else port


def _check_host(url: str, host: str) -> None:
    if host.startswith("[") or any(ch in host for ch in " /\\"):
        raise TargetUrlError(f"target {url!r}: invalid host {host!r}")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise TargetUrlError(f"target {url!r}: invalid IPv6 address {host!r}") from None
