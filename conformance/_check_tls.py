"""TLS as a deployed server offers it: the upgrade, the certificate, the versions.

Each probe opens its own connection to one address, says only what the protocol needs to
reach the handshake (its STARTTLS dialogue, e.g. ``_smtp_check``'s; implicit TLS:
nothing), completes the handshake and leaves with the protocol's goodbye where it has one:
nothing is sent that could deliver or change anything.  Every octet a server sends is
bounded before it is read and escaped before it is shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import ipaddress
import socket
import ssl
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from reference_impl._escape import escape_octets

from ._wire import _reason

__all__ = [
    "IMPLICIT_TLS",
    "CertificateFacts",
    "Endpoint",
    "NoStartTls",
    "ProbeError",
    "Upgrade",
    "VersionProbe",
    "certificate_facts",
    "name_matches",
    "probe_version",
    "tls_connection",
    "verifying_context",
    "version_label",
]


class ProbeError(Exception):
    """The probe could not reach a handshake: one line naming why (connection, protocol)."""


class NoStartTls(ProbeError):
    """The server does not offer its protocol's STARTTLS."""


@dataclass(frozen=True, kw_only=True)
class Upgrade:
    """How a connection reaches TLS: a protocol's STARTTLS dialogue, or none (implicit
    TLS); ``goodbye`` is said over TLS before closing, where the protocol has one."""

    name: str  # as findings name it: "STARTTLS", "implicit TLS"
    rule: str  # the section that defines it
    dialogue: Callable[[socket.socket], None] | None = None
    goodbye: bytes = b""


IMPLICIT_TLS = Upgrade(name="implicit TLS", rule="RFC 8314 §3")


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """One server to probe: the name its certificate must carry, and where to connect."""

    name: str
    address: str
    port: int
    upgrade: Upgrade
    timeout: float

    @property
    def shown(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.name} ({host}:{self.port})"


# -- reaching the handshake --------------------------------------------------------------


@contextlib.contextmanager
def tls_connection(endpoint: Endpoint, context: ssl.SSLContext) -> Iterator[ssl.SSLSocket]:
    """A connection with the handshake done; ``ssl.SSLError`` when the handshake fails,
    ``ProbeError`` when the server is unreachable or the protocol fails before it."""
    try:
        sock = socket.create_connection((endpoint.address, endpoint.port), endpoint.timeout)
    except OSError as exc:
        raise ProbeError(f"cannot connect to {endpoint.shown}: {_reason(exc)}") from None
    with sock:
        try:
            if endpoint.upgrade.dialogue is not None:
                endpoint.upgrade.dialogue(sock)
            tls = context.wrap_socket(sock, server_hostname=endpoint.name)
        except ssl.SSLError:
            raise
        except OSError as exc:
            raise ProbeError(f"{endpoint.shown}: {_reason(exc)}") from None
        with tls:
            yield tls
            if endpoint.upgrade.goodbye:
                with contextlib.suppress(OSError):
                    tls.sendall(endpoint.upgrade.goodbye)


# -- the certificate ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CertificateFacts:
    chain_error: str | None  # None: chains to a trusted root (and is in its validity period)
    dns_names: tuple[str, ...]  # subjectAltName DNS-IDs (RFC 6125 §6.4), then IP addresses
    not_after: dt.datetime
    version: str  # the TLS version this connection negotiated


def verifying_context(ca_file: Path | None) -> ssl.SSLContext:
    """The system trust store, or only ``ca_file``; the name is checked separately."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    context.check_hostname = False
    return context


def _unverified_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def certificate_facts(endpoint: Endpoint, ca_file: Path | None) -> CertificateFacts:
    """Two handshakes: one verifying the chain, one reading the certificate itself."""
    chain_error: str | None = None
    try:
        with tls_connection(endpoint, verifying_context(ca_file)):
            pass
    except ssl.SSLCertVerificationError as exc:
        chain_error = exc.verify_message or exc.reason or "verification failed"
    with tls_connection(endpoint, _unverified_context()) as tls:
        der = tls.getpeercert(binary_form=True)
        version = tls.version() or "?"
    if der is None:
        raise ProbeError(f"{endpoint.shown} sent no certificate")
    certificate = x509.load_der_x509_certificate(der)
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        addresses = names.value.get_values_for_type(x509.IPAddress)
        dns_names = (
            # Escaped: a certificate is the server's text, and reaches a terminal.
            *(_escaped(name) for name in names.value.get_values_for_type(x509.DNSName)),
            *(str(address) for address in addresses),
        )
    except x509.ExtensionNotFound:
        dns_names = ()
    return CertificateFacts(
        chain_error=chain_error,
        dns_names=dns_names,
        not_after=certificate.not_valid_after_utc,
        version=version,
    )


def _escaped(text: str) -> str:
    return escape_octets(text.encode("utf-8", "surrogateescape")[:255])


def name_matches(host: str, dns_names: tuple[str, ...]) -> bool:
    """RFC 6125 §6.4: a DNS-ID equal to the host (case-insensitively), or a wildcard
    "*" as the whole left-most label standing for exactly one label (§6.4.3).  The
    subject's CN is not consulted: RFC 8461 §4.2 asks for a SAN DNS-ID.  A host given
    as an address matches an IP address SAN (RFC 5280 §4.2.1.6)."""
    try:
        wanted_address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return any(_same_address(wanted_address, name) for name in dns_names)
    wanted = host.rstrip(".").lower().split(".")
    for name in dns_names:
        labels = name.rstrip(".").lower().split(".")
        if len(labels) != len(wanted) or not all(labels[1:]):
            continue
        if labels[1:] == wanted[1:] and labels[0] in ("*", wanted[0]):
            return True
    return False


def _same_address(wanted: ipaddress.IPv4Address | ipaddress.IPv6Address, name: str) -> bool:
    try:
        return ipaddress.ip_address(name) == wanted
    except ValueError:
        return False


# -- the versions ------------------------------------------------------------------------

PROBED_VERSIONS = (
    ssl.TLSVersion.SSLv3,
    ssl.TLSVersion.TLSv1,
    ssl.TLSVersion.TLSv1_1,
    ssl.TLSVersion.TLSv1_2,
    ssl.TLSVersion.TLSv1_3,
)


class VersionProbe(enum.Enum):
    OFFERED = "offered"
    REFUSED = "not offered"
    CANNOT_PROBE = "cannot probe"


def _context_for(version: ssl.TLSVersion) -> ssl.SSLContext:
    """A context offering only ``version``.  OpenSSL 3 (Debian's) refuses TLS 1.0/1.1
    at its default security level, so the old versions are offered at level 0: the
    probe asks whether the server would accept them, not whether we should."""
    context = _unverified_context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the old TLSVersion members
        context.minimum_version = version
        context.maximum_version = version
    if version < ssl.TLSVersion.TLSv1_2:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


def _why_we_cannot_offer(version: ssl.TLSVersion) -> str | None:
    """Why this machine's OpenSSL cannot send a hello for ``version``, or None.

    The hello is built in memory, so "not offered" is never said of a server when the
    truth is that the probe could not ask."""
    try:
        context = _context_for(version)
        hello = context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="probe")
        hello.do_handshake()
    except ssl.SSLWantReadError:
        return None  # the hello is written and waits for a server: we can ask
    except (ssl.SSLError, ValueError) as exc:
        return f"this machine's OpenSSL cannot offer it ({getattr(exc, 'reason', None) or exc})"
    return "unexpected: a handshake completed without a server"


def probe_version(endpoint: Endpoint, version: ssl.TLSVersion) -> tuple[VersionProbe, str]:
    """Whether the server completes a handshake offering only ``version``, and why."""
    cannot = _why_we_cannot_offer(version)
    if cannot is not None:
        return VersionProbe.CANNOT_PROBE, cannot
    try:
        with tls_connection(endpoint, _context_for(version)) as tls:
            negotiated = tls.version()
    except ssl.SSLError as exc:
        return VersionProbe.REFUSED, f"handshake refused ({exc.reason or exc})"
    except ProbeError as exc:
        return VersionProbe.CANNOT_PROBE, str(exc)
    return VersionProbe.OFFERED, f"handshake completed ({negotiated})"


def version_label(version: ssl.TLSVersion) -> str:
    return {
        ssl.TLSVersion.SSLv3: "SSL 3.0",
        ssl.TLSVersion.TLSv1: "TLS 1.0",
        ssl.TLSVersion.TLSv1_1: "TLS 1.1",
        ssl.TLSVersion.TLSv1_2: "TLS 1.2",
        ssl.TLSVersion.TLSv1_3: "TLS 1.3",
    }[version]
