"""Where a domain's mail goes: its MX hosts and their addresses (RFC 5321 §5.1).

``conformance check DOMAIN`` grades the hosts a sending MTA would try.  Every DNS
failure becomes a ``DnsProblem`` with one line a person can act on; the caller prints it.
Lookups go to the system's resolvers, or to the one ``--dns-server`` names (tests run a
private one on 127.0.0.1, so nothing leaves the machine).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver

__all__ = [
    "DnsProblem",
    "Lookup",
    "MailHost",
    "host_addresses",
    "mail_hosts",
    "make_lookup",
    "mta_sts",
]


class DnsProblem(Exception):
    """A lookup that leaves nothing to check; ``str()`` is the one-line message."""


@dataclass(frozen=True, kw_only=True)
class MailHost:
    """One host mail for the domain goes to, in the order a sender tries them."""

    name: str  # without the trailing dot; the name its certificate must carry
    preference: int
    addresses: tuple[str, ...]
    implicit: bool = False  # RFC 5321 §5.1: no MX records, the domain's own address


@dataclass(frozen=True, kw_only=True)
class Lookup:
    """Where questions go.  With ``--dns-server`` every question goes to that server;
    without it MX and TXT go to the system's DNS resolvers and host addresses are found
    as the system finds them (getaddrinfo: /etc/hosts too), as a client on it would."""

    resolver: dns.resolver.Resolver
    private: bool


def make_lookup(server: tuple[str, int] | None, timeout: float) -> Lookup:
    if server is None:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [server[0]]
        resolver.port = server[1]
    resolver.lifetime = timeout
    return Lookup(resolver=resolver, private=server is not None)


def mail_hosts(domain: str, lookup: Lookup) -> list[MailHost]:
    """The domain's MX hosts by preference, each with its addresses.

    RFC 5321 §5.1: "If an empty list of MXs is returned, the address is treated as if it
    was associated with an implicit MX RR, with a preference of 0, pointing to that host."
    A null MX (RFC 7505: one MX of preference 0 and exchange ".") says the domain takes
    no mail at all; that is reported, not checked.
    """
    try:
        answer = lookup.resolver.resolve(domain, "MX", search=False)
    except dns.resolver.NoAnswer:
        return [_implicit_mx(domain, lookup)]
    except dns.exception.DNSException as exc:
        raise DnsProblem(_lookup_failure(domain, "MX", exc)) from None
    records = sorted(answer, key=lambda mx: (mx.preference, str(mx.exchange)))
    if any(mx.exchange == dns.name.root for mx in records):
        raise DnsProblem(f"{domain} has a null MX (RFC 7505): it accepts no mail")
    hosts = []
    for mx in records:
        name = mx.exchange.to_text(omit_final_dot=True)
        hosts.append(
            MailHost(name=name, preference=mx.preference, addresses=host_addresses(name, lookup))
        )
    return hosts


def _implicit_mx(domain: str, lookup: Lookup) -> MailHost:
    addresses = host_addresses(domain, lookup)
    if not addresses:
        raise DnsProblem(f"{domain} has no MX records and no address (A/AAAA) of its own")
    return MailHost(name=domain, preference=0, addresses=addresses, implicit=True)


def host_addresses(name: str, lookup: Lookup) -> tuple[str, ...]:
    """The host's A then AAAA addresses; empty when it has none (a host left unusable)."""
    if not lookup.private:
        return _system_addresses(name)
    found: list[str] = []
    for kind in ("A", "AAAA"):
        try:
            found += [
                record.address for record in lookup.resolver.resolve(name, kind, search=False)
            ]
        except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
            continue
        except dns.exception.DNSException as exc:
            raise DnsProblem(_lookup_failure(name, kind, exc)) from None
    return tuple(found)


def _system_addresses(name: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            return ()
        raise DnsProblem(f"cannot look up {name}: {exc.strerror or exc}") from None
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


def mta_sts(domain: str, lookup: Lookup) -> bool:
    """Whether the domain announces an MTA-STS policy (RFC 8461 §3.1: a TXT record at
    ``_mta-sts.DOMAIN`` beginning ``v=STSv1``).  Senders honouring it then require the
    MX certificate checks of §4.2.  Any lookup failure counts as "no policy"."""
    try:
        answer = lookup.resolver.resolve(f"_mta-sts.{domain}", "TXT", search=False)
    except dns.exception.DNSException:
        return False
    return any(b"".join(record.strings).startswith(b"v=STSv1") for record in answer)


def _lookup_failure(name: str, kind: str, exc: dns.exception.DNSException) -> str:
    if isinstance(exc, dns.resolver.NXDOMAIN):
        # RFC 5321 §5.1: "If a non-existent domain error is returned, this situation MUST
        # be reported as an error."
        return f"{name} does not exist (NXDOMAIN)"
    if isinstance(exc, dns.resolver.LifetimeTimeout | dns.exception.Timeout):
        return f"no DNS answer for {name} {kind} in time (is the DNS server reachable?)"
    if isinstance(exc, dns.resolver.NoNameservers):
        return f"the DNS servers failed to answer {name} {kind} (SERVFAIL or refused)"
    return f"DNS lookup of {name} {kind} failed: {type(exc).__name__}"
