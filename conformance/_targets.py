"""Target URLs: which server to test, how to reach it, and how to secure the connection.

``smtp://host[:port]``            plain SMTP, STARTTLS used only when a test asks for it
``smtp+starttls://host[:port]``   STARTTLS required before mail transactions (RFC 3207)
``smtps://[user:pass@]host[:port]``  implicit TLS from the first byte (RFC 8314 §3.3); like
                                  submission, AUTH PLAIN with the credentials (or the
                                  profile's first account) before any mail transaction
``submission://user:pass@host[:port]``  message submission (RFC 6409): STARTTLS required,
                                  then AUTH PLAIN with the credentials (or the profile's
                                  first account) before any mail transaction
``pop3://[user:pass@]host[:port]``   POP3 (RFC 1939); STLS (RFC 2595 §4) only when a test asks
``pop3s://[user:pass@]host[:port]``  POP3 over implicit TLS (RFC 8314 §3.3)
``pop2://[user:pass@]host[:port]``   POP2 (RFC 937, historic; plain TCP, port 109)

Credentials go in the URL as ``user:password@`` and are percent-decoded, so a password
containing ``@`` or ``:`` is written ``%40`` / ``%3A``.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ._errors import TargetUrlError

__all__ = [
    "SCHEMES",
    "Pop2Target",
    "Pop3Target",
    "Security",
    "SmtpTarget",
    "TlsSettings",
    "parse_target",
]


class Security(enum.StrEnum):
    """How the connection is protected; compares equal to its string value."""

    PLAIN = "plain"
    """No TLS unless a test issues STARTTLS itself."""
    STARTTLS = "starttls"
    """STARTTLS (RFC 3207) is required before anything else."""
    IMPLICIT = "implicit"
    """TLS starts with the TCP connection (RFC 8314 §3.3)."""


@dataclass(frozen=True, kw_only=True)
class TlsSettings:
    """How the harness checks the target's certificate."""

    verify: bool = False
    ca_file: Path | None = None
    server_name: str | None = None  # SNI and the name checked; the host when None


@dataclass(frozen=True, kw_only=True)
class _Scheme:
    protocol: str
    default_port: int
    security: Security


# Default ports: RFC 5321 §4.5.4.2 (25), RFC 8314 §7.3 (465), RFC 6409 §3.1 (587).
SCHEMES: dict[str, _Scheme] = {
    "smtp": _Scheme(protocol="smtp", default_port=25, security=Security.PLAIN),
    "smtp+starttls": _Scheme(protocol="smtp", default_port=25, security=Security.STARTTLS),
    "smtps": _Scheme(protocol="smtp", default_port=465, security=Security.IMPLICIT),
    # RFC 8314 §3.3 / RFC 6409 §4.3: submission is protected and authenticated.
    "submission": _Scheme(protocol="smtp", default_port=587, security=Security.STARTTLS),
    # RFC 1939 §3 (110) and RFC 8314 §7.4 (995).
    "pop3": _Scheme(protocol="pop3", default_port=110, security=Security.PLAIN),
    "pop3s": _Scheme(protocol="pop3", default_port=995, security=Security.IMPLICIT),
    # RFC 937 page 1: "the POP2 server listens on port 109".
    "pop2": _Scheme(protocol="pop2", default_port=109, security=Security.PLAIN),
}


# RFC 8314 §3.3: port 465 is message submission over implicit TLS, so it logs in like 587.
_SUBMISSION_SCHEMES = ("submission", "smtps")


@dataclass(frozen=True, kw_only=True)
class SmtpTarget:
    """A server under test; ``protocol`` says which ("smtp" or "pop3": ``Pop3Target``)."""

    scheme: str
    host: str
    port: int
    security: Security
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: TlsSettings = field(default_factory=TlsSettings)

    @property
    def protocol(self) -> str:
        return SCHEMES[self.scheme].protocol

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
        """Submission on 587 or over implicit TLS on 465 (RFC 8314 §3.3): the harness
        logs in with the target's credentials, or the profile's first account."""
        return self.scheme in _SUBMISSION_SCHEMES

    @property
    def requires_auth(self) -> bool:
        """Mail transactions start only after AUTH: always on submission (RFC 6409 §4.3);
        on smtps when it has credentials (a 465 service may require AUTH, RFC 8314 §3.3,
        but may also be used without it, so credentials are not demanded)."""
        return self.scheme == "submission" or (self.logs_in and self.has_credentials)

    def with_credentials(self, user: str, password: str) -> SmtpTarget:
        return replace(self, user=user, password=password)

    @property
    def server_name(self) -> str:
        return self.tls.server_name or self.host

    def with_tls(self, tls: TlsSettings) -> SmtpTarget:
        return replace(self, tls=tls)

    def __str__(self) -> str:
        return self.url


Pop3Target = SmtpTarget  # the same class, with a pop3:// or pop3s:// scheme
Pop2Target = SmtpTarget  # the same class, with a pop2:// scheme


def parse_target(url: str, *, tls: TlsSettings | None = None) -> SmtpTarget:
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
    return SmtpTarget(
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
