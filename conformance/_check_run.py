"""The work of ``conformance check`` (its command line is ``_check``): plan the hosts from
DNS and ``--url``, probe each address's TLS, run each host's suite read-only in a child
``conformance run``, grade, print.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._check_dns import (
    DnsProblem,
    Lookup,
    MailHost,
    host_addresses,
    mail_hosts,
    make_lookup,
    mta_sts,
)
from ._check_findings import Finding, Outcome, Strictness, grade, tls_findings, worst
from ._check_tls import IMPLICIT_TLS, Endpoint, Upgrade
from ._options import target_url
from ._protocols import SCHEMES, Security, protocol_of_scheme
from ._smtp_check import MX_SCHEME, STARTTLS, STARTTLS_SCHEMES, suite_url
from ._targets import Target

__all__ = ["run_check"]


def _upgrade_of(scheme: str) -> Upgrade | None:
    """How a URL of ``scheme`` reaches TLS; None when check cannot reach it (plain
    protocols whose STARTTLS dialogue check does not speak)."""
    if scheme in STARTTLS_SCHEMES:
        return STARTTLS
    return IMPLICIT_TLS if SCHEMES[scheme].security is Security.IMPLICIT else None


@dataclass(kw_only=True)
class HostReport:
    """Everything found about one host: its URL, and the findings at each address."""

    url: str  # scheme://name:port, no credentials
    name: str
    addresses: tuple[str, ...]
    findings: list[tuple[str, Finding]] = field(default_factory=list)  # (address, finding)
    suite: dict[str, Any] | None = None

    @property
    def grade(self) -> str:
        return grade([finding for _, finding in self.findings])

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "name": self.name,
            "addresses": list(self.addresses),
            "grade": self.grade,
            "findings": [{"address": a, **f.as_json()} for a, f in self.findings],
            "suite": self.suite,
        }


@dataclass(frozen=True, kw_only=True)
class _Plan:
    """One server to check: how to reach it and how strictly to grade it."""

    target: Target
    name: str
    addresses: tuple[str, ...]
    strictness: Strictness
    domain: str | None


def run_check(args: argparse.Namespace) -> int:
    if args.domain is None and not args.url:
        print("conformance check: name a DOMAIN or a --url", file=sys.stderr)
        return 2
    unsupported = [t.url for t in args.url if _upgrade_of(t.scheme) is None]
    if unsupported:
        print(
            f"conformance check: {unsupported[0]} has no TLS to check; use one of "
            + ", ".join(f"{s}://" for s in SCHEMES if _upgrade_of(s) is not None),
            file=sys.stderr,
        )
        return 2
    lookup = make_lookup(args.dns_server, args.timeout)
    try:
        plans = _plans(args, lookup)
    except DnsProblem as exc:
        print(f"conformance check: {exc}", file=sys.stderr)
        return 2
    reports = [_check_one(plan, args) for plan in plans]
    if args.json:
        print(json.dumps({"domain": args.domain, "hosts": [r.as_json() for r in reports]}))
    else:
        print("\n\n".join(_text(report) for report in reports))
    return _exit_status(reports)


def _plans(args: argparse.Namespace, lookup: Lookup) -> list[_Plan]:
    plans: list[_Plan] = []
    if args.domain is not None:
        hosts = mail_hosts(args.domain, lookup)
        published = mta_sts(args.domain, lookup)
        strictness = Strictness(
            must_have_tls=published,
            rule="RFC 8461 §4.2",
            tls_rule="RFC 8461 §5",
            leniency="a warning: the domain publishes no MTA-STS policy",
        )
        for host in hosts:
            plans.append(_mx_plan(host, args, strictness))
    for target in args.url:
        addresses = _addresses_of(target.host, lookup)
        strict = Strictness(must_have_tls=True, rule="RFC 8314 §4.4", tls_rule="RFC 8314 §4")
        plans.append(
            _Plan(
                target=target, name=target.host, addresses=addresses, strictness=strict, domain=None
            )
        )
    return plans


def _mx_plan(host: MailHost, args: argparse.Namespace, strictness: Strictness) -> _Plan:
    target = target_url(f"{MX_SCHEME}://{_bracketed(host.name)}:{args.port}")
    return _Plan(
        target=target,
        name=host.name,
        addresses=host.addresses,
        strictness=strictness,
        domain=args.domain,
    )


def _addresses_of(host: str, lookup: Lookup) -> tuple[str, ...]:
    try:
        return (str(ipaddress.ip_address(host)),)
    except ValueError:
        pass
    addresses = host_addresses(host, lookup)
    if not addresses:
        raise DnsProblem(f"{host} has no address (A/AAAA)")
    return addresses


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _check_one(plan: _Plan, args: argparse.Namespace) -> HostReport:
    report = HostReport(url=plan.target.url, name=plan.name, addresses=plan.addresses)
    if not plan.addresses:
        problem = f"{plan.name} has no address (A/AAAA): RFC 5321 §5.1 calls it unusable"
        report.findings.append(
            (
                "-",
                Finding(
                    check="address", outcome=Outcome.ERROR, rule="RFC 5321 §5.1", detail=problem
                ),
            )
        )
        return report
    for address in plan.addresses:
        print(f"conformance check: TLS of {plan.name} at {address}", file=sys.stderr)
        endpoint = Endpoint(
            name=plan.name,
            address=address,
            port=plan.target.port,
            upgrade=_upgrade_of(plan.target.scheme) or IMPLICIT_TLS,
            timeout=args.timeout,
        )
        found = tls_findings(
            endpoint, plan.strictness, ca_file=args.ca_file, expiry_days=args.expiry_warning
        )
        report.findings += [(address, finding) for finding in found]
    reachable = [a for a, f in report.findings if f.check != "connection"]
    if not args.tls_only and reachable:
        report.suite = _run_suite(plan, reachable[0], args)
        report.findings += [(reachable[0], f) for f in _suite_findings(report.suite)]
    return report


# -- the suite, read-only ----------------------------------------------------------------


def _suite_url(target: Target, address: str) -> str | None:
    """The URL the suite runs against: the address (the name was resolved here, through
    --dns-server), and no credentials where a login could change a mailbox (the IMAP
    suite's test mailboxes, POP3 deletions).  SMTP URLs follow ``_smtp_check``."""
    host = _bracketed(address)
    if target.protocol == protocol_of_scheme(MX_SCHEME).name:
        return suite_url(target, host)
    return f"{target.scheme}://{host}:{target.port}"


# A guard, not a measure: a whole suite against a slow server takes minutes, not an hour.
_SUITE_LIMIT = 3600


def _run_suite(plan: _Plan, address: str, args: argparse.Namespace) -> dict[str, Any]:
    url = _suite_url(plan.target, address)
    if url is None:
        return {"skipped": "the submission suite needs submission://USER:PASS@HOST"}
    report_dir = args.report_dir.resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    before = set(report_dir.iterdir())
    argv = [
        sys.executable,
        "-m",
        "conformance.cli",
        "run",
        url,
        "--suite",
        plan.target.protocol,
        "--report-dir",
        str(report_dir),
        "--timeout",
        str(args.timeout),
    ]
    if plan.domain is not None:
        argv += ["--domain", plan.domain]
    if args.waivers is not None:
        argv += ["--waivers", str(args.waivers.source)]
    print(
        f"conformance check: running the {plan.target.protocol} suite on {url.split('@')[-1]}",
        file=sys.stderr,
    )
    try:
        run = subprocess.run(
            argv, capture_output=True, text=True, check=False, timeout=_SUITE_LIMIT
        )
    except subprocess.TimeoutExpired:
        return {"error": f"the suite run did not finish within {_SUITE_LIMIT} s"}
    made = sorted(set(report_dir.iterdir()) - before)
    results = made[-1] / "results.json" if made else None
    if results is None or not results.is_file():
        last = (run.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return {"error": f"the suite did not run (exit {run.returncode}): {last}"}
    return _counts(json.loads(results.read_text(encoding="utf-8")), results.parent)


def _counts(document: dict[str, Any], where: Path) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for result in document["results"]:
        counts[result["outcome"]] = counts.get(result["outcome"], 0) + 1
    failing = [r["id"] for r in document["results"] if r["outcome"] in ("failed", "error")]
    return {"counts": counts, "report": str(where), "failing": failing[:20]}


def _suite_findings(suite: dict[str, Any]) -> list[Finding]:
    if "error" in suite:
        return [Finding(check="suite", outcome=Outcome.ERROR, rule="", detail=suite["error"])]
    if "skipped" in suite:
        return [Finding(check="suite", outcome=Outcome.INFO, rule="", detail=suite["skipped"])]
    counts: dict[str, int] = suite["counts"]
    shown = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    if counts.get("failed") or counts.get("error"):
        outcome = Outcome.FAILED
    elif counts.get("warned"):
        outcome = Outcome.WARNED
    else:
        outcome = Outcome.PASSED
    return [
        Finding(
            check="suite",
            outcome=outcome,
            rule="see the report",
            detail=f"{shown} ({suite['report']})",
        )
    ]


# -- output ------------------------------------------------------------------------------

_MARK = {
    Outcome.PASSED: "ok",
    Outcome.FAILED: "FAIL",
    Outcome.WARNED: "warn",
    Outcome.INFO: "info",
    Outcome.NOT_PROBED: "n/a",
    Outcome.ERROR: "ERROR",
}


def _text(report: HostReport) -> str:
    addresses = ", ".join(report.addresses) or "no address"
    lines = [f"{report.url} ({addresses}): grade {report.grade}"]
    for address, finding in report.findings:
        rule = f"  [{finding.rule}]" if finding.rule else ""
        where = f"{address}  " if len(report.addresses) > 1 else ""
        lines.append(
            f"  {_MARK[finding.outcome]:<5} {where}{finding.check}: {finding.detail}{rule}"
        )
    return "\n".join(lines)


def _exit_status(reports: list[HostReport]) -> int:
    errors = any(
        f.outcome is Outcome.ERROR and f.check in ("connection", "address")
        for r in reports
        for _, f in r.findings
    )
    if errors:
        return 2
    return 1 if worst([report.grade for report in reports]) == "F" else 0
