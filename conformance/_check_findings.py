"""What ``conformance check`` concludes about one address of one host, with the rule behind
each conclusion, and the grade of a host from its findings.

Levels follow who the rule binds.  RFC 8314 binds mail access and submission servers
(§4, §4.4), so there a bad certificate or no TLS fails.  An MX (RFC 5321) is bound by no
RFC to offer STARTTLS or a valid certificate; only a domain that publishes an MTA-STS
policy makes senders require them (RFC 8461 §4.2, §5), so for an MX they fail under
MTA-STS and are warnings otherwise.  RFC 8996 forbids TLS 1.0 and 1.1 to everyone.
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from ._check_tls import (
    PROBED_VERSIONS,
    CertificateFacts,
    Endpoint,
    NoStartTls,
    ProbeError,
    VersionProbe,
    certificate_facts,
    name_matches,
    probe_version,
    version_label,
)

__all__ = ["Finding", "Outcome", "Strictness", "grade", "tls_findings"]


class Outcome(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    WARNED = "warned"
    INFO = "info"  # a fact, no verdict (TLS 1.3 not offered)
    NOT_PROBED = "not probed"  # this machine could not ask (an old TLS version)
    ERROR = "error"  # the host could not be checked (unreachable, protocol broken)


@dataclass(frozen=True, kw_only=True)
class Strictness:
    """Whether certificate and TLS faults fail this host or only warn."""

    must_have_tls: bool  # access/submission server (RFC 8314 §4), or an MX under MTA-STS
    rule: str  # the rule a certificate fault breaks
    tls_rule: str  # the rule that asks for TLS at all
    leniency: str = ""  # said after a fault that only warns: why it does not fail


@dataclass(frozen=True, kw_only=True)
class Finding:
    check: str
    outcome: Outcome
    rule: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return {
            "check": self.check,
            "outcome": self.outcome.value,
            "rule": self.rule,
            "detail": self.detail,
        }


def _bad(strictness: Strictness) -> Outcome:
    return Outcome.FAILED if strictness.must_have_tls else Outcome.WARNED


def _fault(check: str, strictness: Strictness, detail: str, rule: str = "") -> Finding:
    """A certificate or TLS fault, failing or warning as the host's strictness says."""
    if not strictness.must_have_tls and strictness.leniency:
        detail = f"{detail} ({strictness.leniency})"
    return Finding(
        check=check, outcome=_bad(strictness), rule=rule or strictness.rule, detail=detail
    )


def tls_findings(
    endpoint: Endpoint, strictness: Strictness, *, ca_file: Path | None, expiry_days: int
) -> list[Finding]:
    """STARTTLS or implicit TLS, the certificate, then each TLS version on its own."""
    try:
        facts = certificate_facts(endpoint, ca_file)
    except NoStartTls as exc:
        detail = f"{exc}; mail to this host travels in clear"
        return [_fault("STARTTLS", strictness, detail, strictness.tls_rule)]
    except ssl.SSLError as exc:
        # Perhaps only a forbidden version works: the probes say which.
        return [_no_handshake(endpoint, exc), *_version_findings(endpoint, strictness, "none")]
    except ProbeError as exc:
        return [Finding(check="connection", outcome=Outcome.ERROR, rule="", detail=str(exc))]
    findings = [
        _passed(endpoint.upgrade.name, endpoint.upgrade.rule, f"handshake ({facts.version})"),
        *_certificate_findings(endpoint, facts, strictness, expiry_days),
    ]
    return findings + _version_findings(endpoint, strictness, facts.version)


def _no_handshake(endpoint: Endpoint, exc: ssl.SSLError) -> Finding:
    # Offering TLS and then failing every handshake leaves a client nothing to use.
    return Finding(
        check=endpoint.upgrade.name,
        outcome=Outcome.FAILED,
        rule=endpoint.upgrade.rule,
        detail=f"no handshake at TLS 1.2 or later completes ({exc.reason or exc})",
    )


def _passed(check: str, rule: str, detail: str) -> Finding:
    return Finding(check=check, outcome=Outcome.PASSED, rule=rule, detail=detail)


def _certificate_findings(
    endpoint: Endpoint, facts: CertificateFacts, strictness: Strictness, expiry_days: int
) -> list[Finding]:
    check = "certificate chain"
    chain = (
        _passed(check, strictness.rule, "chains to a trusted root")
        if facts.chain_error is None
        else _fault(check, strictness, f"does not verify: {facts.chain_error}")
    )
    shown_names = ", ".join(facts.dns_names[:8]) or "none"
    kind = "IP-ID" if _is_address(endpoint.name) else "DNS-ID"
    found = f"{kind} for {endpoint.name} (SAN: {shown_names})"
    check, rule = "certificate name", f"{strictness.rule}, RFC 6125 §6.4"
    name = (
        _passed(check, rule, found)
        if name_matches(endpoint.name, facts.dns_names)
        else _fault(check, strictness, f"no {found}", rule)
    )
    return [chain, name, _expiry_finding(facts.not_after, strictness, expiry_days)]


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _expiry_finding(not_after: dt.datetime, strictness: Strictness, warning_days: int) -> Finding:
    left = not_after - dt.datetime.now(dt.UTC)
    when = f"{not_after:%Y-%m-%d %H:%M} UTC"
    if left.total_seconds() <= 0:
        return _fault("certificate expiry", strictness, f"expired {when}")
    outcome = Outcome.WARNED if left < dt.timedelta(days=warning_days) else Outcome.PASSED
    return Finding(
        check="certificate expiry",
        outcome=outcome,
        rule=f"--expiry-warning {warning_days} days",
        detail=f"expires {when}, in {left.days} days",
    )


# RFC 8996 §2: "TLS 1.0 MUST NOT be used."  §3: "TLS 1.1 MUST NOT be used."
# (each: "Negotiation of TLS 1.x from any version of TLS MUST NOT be permitted.")
_FORBIDDEN = {ssl.TLSVersion.TLSv1: "RFC 8996 §2", ssl.TLSVersion.TLSv1_1: "RFC 8996 §3"}
# RFC 8314 §4: MSPs supporting "SSL 2.x, SSL 3.0, or TLS 1.0 SHOULD transition their users
# to TLS 1.1 or later and discontinue support for those earlier versions".  (RFC 7568
# forbids SSL 3.0 outright, but is not among the texts this check is keyed to.)
_DISCOURAGED = {ssl.TLSVersion.SSLv3: "RFC 8314 §4"}
_MODERN = ("TLSv1.2", "TLSv1.3")


def _version_findings(endpoint: Endpoint, strictness: Strictness, negotiated: str) -> list[Finding]:
    """Each version offered alone, then whether a modern one works (``negotiated`` is
    what the first handshake, offering everything, agreed on)."""
    findings = [_version_finding(endpoint, version) for version in PROBED_VERSIONS]
    # RFC 8314 §4: "Mail Access Servers and Mail Submission Servers MUST support TLS 1.2
    # or later."
    check, rule = "TLS 1.2 or later", "RFC 8314 §4"
    if negotiated in _MODERN:
        findings.append(_passed(check, rule, f"{negotiated} negotiated"))
    else:
        findings.append(_fault(check, strictness, f"{negotiated} negotiated", rule))
    return findings


def _version_finding(endpoint: Endpoint, version: ssl.TLSVersion) -> Finding:
    result, detail = probe_version(endpoint, version)
    label = version_label(version)
    if result is VersionProbe.CANNOT_PROBE:
        return Finding(check=label, outcome=Outcome.NOT_PROBED, rule="", detail=detail)
    offered = result is VersionProbe.OFFERED
    if version in _FORBIDDEN:
        rule, outcome = _FORBIDDEN[version], Outcome.FAILED if offered else Outcome.PASSED
    elif version in _DISCOURAGED:
        rule, outcome = _DISCOURAGED[version], Outcome.WARNED if offered else Outcome.PASSED
    else:
        rule, outcome = "", Outcome.INFO
    return Finding(check=label, outcome=outcome, rule=rule, detail=f"{result.value}: {detail}")


_ORDER = {"F": 0, "B": 1, "A": 2}


def grade(findings: list[Finding]) -> str:
    """A: nothing failed or warned; B: warnings only; F: a requirement broken or the
    host could not be checked."""
    outcomes = {finding.outcome for finding in findings}
    if outcomes & {Outcome.FAILED, Outcome.ERROR}:
        return "F"
    return "B" if Outcome.WARNED in outcomes else "A"


def worst(grades: list[str]) -> str:
    return min(grades, key=_ORDER.__getitem__, default="A")
