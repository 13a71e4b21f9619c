"""The ``conformance`` command: run the suites against a server, serve the reference one,
or let it judge a client."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import socket
import ssl
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from ._check import add_check, check
from ._coverage import add_coverage, coverage, run_coverage_text
from ._hooks import hooks_of, suite_options
from ._html_report import add_report, render_report, report
from ._judge import add_judge, judge
from ._left_out import left_out_text
from ._lint import add_lint, lint
from ._load import add_load, load
from ._mailbox_fixtures import credentials_of
from ._options import (
    mail_domain_name,
    mailbox_address,
    message_file,
    positive_seconds,
    profile_file,
    target_url,
)
from ._profile import Profile
from ._protocols import PROTOCOLS, SUITES, embedded_services
from ._run_verdict import (
    add_diff,
    add_run_verdict_arguments,
    diff,
    run_exit_status,
    run_verdict_pytest_args,
    run_verdict_text,
)
from ._serve import add_serve, serve
from ._summary import summary_text
from ._targets import Security, Target
from ._wire import _reason

__all__ = ["main"]

# Each registered protocol's suite, by protocol name (a suite name for --suite).
_SUITES = {name: package for name, (package, _) in SUITES.items()}

_RUN_EPILOG = """\
targets:
  smtp://HOST[:PORT]             plain SMTP (port 25); STARTTLS tested where offered
  smtp+starttls://HOST[:PORT]    STARTTLS required before mail (port 25)
  smtps://[USER:PASS@]HOST       implicit TLS (port 465); logs in like submission
  submission://USER:PASS@HOST    message submission (port 587); %%-encode @ and : in PASS
  pop3://[USER:PASS@]HOST[:PORT] POP3 (port 110); STLS tested where offered; without
                                 USER:PASS the profile's first account logs in
  pop3s://[USER:PASS@]HOST       POP3 over implicit TLS (port 995)
  Without a target (and without a profile naming one) the suites start the
  reference servers on 127.0.0.1 ports chosen by the OS.
  A URL alone delivers nothing: tests use the null sender <> and postmaster
  (at --domain) as recipient and stop before the end of mail data; the tests
  needing accounts or delivery are listed as left out, with what enables them.

verdicts:
  MUST broken -> failed; SHOULD broken -> warned (failed with --strict-should);
  MAY broken -> warned; extension not advertised -> skipped;
  target unreachable or silent -> error (a harness problem, not a verdict).
  failure accepted by a waiver (--waivers FILE, docs/waivers.md) -> waived.

examples:
  conformance run                                  # against the reference server
  conformance run smtp://127.0.0.1:2525 -n 4
  conformance run smtp://mx.example.com --domain example.com   # delivers nothing
  conformance run --suite pop3 --profile dovecot.toml
  conformance run --profile postfix.toml --strict-should --pcap
  conformance run --profile postfix.toml --waivers accepted.toml \\
      --baseline reports/LAST/results.json --fail-on regressions
  conformance diff reports/OLD reports/NEW         # regressions, fixes, new tests
  conformance run smtp://127.0.0.1:2525 -- -k ehlo # arguments after -- go to pytest
  conformance run smtp://mx.example.org --deliver-to me@example.org -- -k smuggl
                                                   # SMTP smuggling probes, no profile

output: reports/<UTC time>-<target kind>/ with results.json (docs/results-format.md),
summary.txt (printed at the end: the per-RFC-section table, then each failure,
error and warning with its RFC key and reason), report.html (the same run as
a page; conformance report RUN [RUN...] -o FILE puts runs side by side), junit.xml,
allure-results/ (render: npx allure generate DIR, docs/allure.md) and, with --pcap, pcap/*.pcap
(open: tshark -r FILE -d tcp.port==PORT,smtp).
exit status: 0 nothing failed or errored (waived failures do not count),
1 failures or errors (with --fail-on regressions: only a test that passed in the
--baseline run and fails or errors now), 2 bad usage,
unreachable target or refused POP3/POP2 login, 4/5 pytest usage error / no tests collected.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conformance",
        description="RFC conformance tests for mail servers ("
        + ", ".join(spec.title for spec in PROTOCOLS.values())
        + "), and the reference servers they are built on.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run(commands)
    add_serve(commands)
    add_lint(commands)
    add_diff(commands)
    add_report(commands)
    add_load(commands)
    add_coverage(commands)
    add_judge(commands)
    add_check(commands)
    return parser


def _add_run(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="run the conformance suites against a server",
        description="Run the RFC-keyed suites against TARGET (or the reference server) and "
        "write a report.",
        epilog=_RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "targets",
        nargs="*",
        type=target_url,
        metavar="TARGET",
        help="server URL, e.g. smtp://127.0.0.1:2525 (see targets below)",
    )
    run.add_argument(
        "--profile",
        type=profile_file,
        metavar="FILE",
        help="TOML profile: targets, TLS checking, accounts, delivery",
    )
    run.add_argument(
        "--deliver-to",
        type=mailbox_address,
        metavar="ADDRESS",
        help="let the tests that must deliver mail (the SMTP smuggling probes) send it to "
        "ADDRESS, from ADDRESS, without a profile",
    )
    run.add_argument(
        "--embedded",
        choices=embedded_services(),
        default=embedded_services()[0],
        metavar="SERVICE",
        help="without a target: test the reference server's smtp (default), submission "
        "(STARTTLS + AUTH) or smtps (implicit TLS) listener, or pop3s (POP3 over implicit "
        "TLS) instead of its pop3 listener",
    )
    run.add_argument(
        "--domain",
        type=mail_domain_name,
        metavar="DOMAIN",
        help="a domain the target receives mail for; without accounts in a profile the "
        "tests name postmaster@DOMAIN (RFC 5321 §4.5.1) and deliver nothing "
        "(default: the profile's, else the greeting's name if postmaster is accepted there)",
    )
    run.add_argument(
        "--message",
        action="append",
        type=message_file,
        metavar="FILE",
        help="a message file (.eml) for the MIME suite: checked itself, and sent through "
        "the target instead of the suite's own messages; repeatable",
    )
    run.add_argument(
        "--suite",
        action="append",
        choices=tuple(_SUITES),
        metavar="NAME",
        help=f"suite to run: {', '.join(_SUITES)}; repeatable "
        "(default: the suites of the targets' protocols; without targets those of every "
        "server; clients grades the real clients installed here, only when named)",
    )
    run.add_argument(
        "--tests",
        action="append",
        metavar="PATH",
        help="run these test files or directories instead of the installed suites",
    )
    run.add_argument(
        "-n",
        "--workers",
        type=int,
        metavar="N",
        help="run tests in N parallel processes (pytest-xdist)",
    )
    run.add_argument(
        "--strict-should", action="store_true", help="count a broken SHOULD as a failure"
    )
    for option in suite_options():
        run.add_argument(
            option.flag, choices=option.choices, default=option.default, help=option.help
        )
    run.add_argument(
        "--pcap", action="store_true", help="also write each test's sessions as pcap files"
    )
    run.add_argument(
        "--report-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="parent directory of the run's report directory (default: reports)",
    )
    run.add_argument(
        "--timeout",
        type=positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="how long to wait for each reply (default: 10)",
    )
    add_run_verdict_arguments(run)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # Everything after "--" belongs to pytest (to the client command, for judge); split it
    # off before argparse sees it.
    cut = words.index("--") if "--" in words else len(words)
    args = _parser().parse_args(words[:cut])
    args.pytest_args = words[cut + 1 :]
    try:
        return _command(args.command)(args)
    except BrokenPipeError:
        # The reader went away (`conformance coverage | head`): stop quietly, as Unix
        # tools do, with nothing more written to the closed pipe at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


# -- run -------------------------------------------------------------------------------------


def _targets_of(args: argparse.Namespace) -> list[Target]:
    targets: list[Target] = list(args.targets)
    profile: Profile | None = args.profile
    if not targets and profile is not None:
        targets = list(profile.all_targets)
    return targets


def _unreachable(targets: list[Target], timeout: float, greeting: float) -> str | None:
    """The first target that refuses a connection or never greets, as one line.

    Every protocol here greets first, so a silent target would otherwise make
    every test wait out its reply timeout: better one clear line now.
    """
    for target in targets:
        try:
            sock = socket.create_connection((target.host, target.port), timeout=timeout)
        except OSError as exc:
            return (
                f"conformance: cannot connect to {target.url} ({_reason(exc)}); "
                "is the server running?"
            )
        with sock:
            problem = _silence(sock, target, greeting)
        if problem:
            return (
                f"conformance: {target.url} accepted the connection but {problem} "
                f"within {greeting:g} s; is it a {target.protocol.upper()} server, and is "
                "it overloaded? (--timeout sets the wait)"
            )
    return None


def _silence(sock: socket.socket, target: Target, timeout: float) -> str | None:
    """Why the server said nothing first (no handshake, no greeting), or None."""
    sock.settimeout(timeout)
    if target.security == Security.IMPLICIT:
        # Only "does it answer?": certificates are the tests' business.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            sock = context.wrap_socket(sock, server_hostname=target.host)
        except (OSError, ssl.SSLError) as exc:
            return f"completed no TLS handshake ({_reason(exc)})"
    try:
        return None if sock.recv(512) else "closed it without a greeting"
    except OSError:
        return "sent no greeting"


def _refused_login(targets: list[Target], profile: Profile | None, timeout: float) -> str | None:
    """The first target whose tests log in that refuses the tests' credentials, as one
    line.  Every test that logs in would otherwise fail, each blamed on the server.
    """
    for target in targets:
        refusal = hooks_of(PROTOCOLS[target.protocol]).login_refusal
        credentials = credentials_of(target, profile or Profile())
        if refusal is None or credentials is None:
            continue
        user, password, _ = credentials
        problem = refusal(target, user, password, timeout)
        if problem is not None:
            return f"conformance: {problem}"
    return None


def _run_name(args: argparse.Namespace, targets: list[Target]) -> str:
    """``STAMP-SCHEME``: named after the first target the chosen suites run against
    (a profile's IMAP target for ``--suite imap``, not its SMTP one), or ``embedded``;
    ``STAMP-clients`` for the clients suite alone, which grades no target."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if set(args.suite or ()) == {"clients"}:
        return f"{stamp}-clients"
    needed = {protocol for name in args.suite or () for protocol in SUITES[name][1]}
    tested = [target for target in targets if target.protocol in needed] or targets
    kind = tested[0].scheme.replace("+", "-") if tested else "embedded"
    if not targets and args.embedded != embedded_services()[0]:
        kind += f"-{args.embedded}"
    return f"{stamp}-{kind}"


def _pytest_args(args: argparse.Namespace, report_dir: Path) -> list[str]:
    # Our own ini file keeps a project's pytest configuration in the working directory
    # (addopts, plugins) out of the run.
    ini = report_dir / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    pytest_args = ["-c", str(ini), "--rootdir", str(_rootdir(args)), "-p", "no:cacheprovider"]
    pytest_args += ["--strict-markers", "--report-dir", str(report_dir)]
    # This command imported the project's packages before pytest started, so pytest
    # cannot rewrite their asserts (the suites' test modules it still rewrites); its
    # warning saying so would end every run.
    pytest_args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    pytest_args += ["--junitxml", str(report_dir / "junit.xml")]
    pytest_args += ["--alluredir", str(report_dir / "allure-results")]
    pytest_args += ["--conformance-timeout", str(args.timeout)]
    if args.embedded != embedded_services()[0]:
        pytest_args += ["--embedded", args.embedded]
    if args.domain:
        pytest_args += ["--domain", args.domain]
    for target in args.targets:
        pytest_args += ["--target", _url_with_credentials(target)]
    if args.profile is not None and args.profile.source is not None:
        pytest_args += ["--profile", str(args.profile.source)]
    if args.deliver_to is not None:
        pytest_args += ["--deliver-to", args.deliver_to]
    for path in args.message or ():
        pytest_args += ["--message", str(path.resolve())]
    if args.workers:
        # loadgroup: tests that share one piece of work (a client's runs under the
        # scenarios, in the clients suite) stay on one worker, which does it once.
        pytest_args += ["-n", str(args.workers), "--dist", "loadgroup"]
    if args.strict_should:
        pytest_args.append("--strict-should")
    for option in suite_options():
        if (value := getattr(args, option.dest)) != option.default:
            pytest_args += [option.flag, value]
    if args.pcap:
        pytest_args.append("--pcap")
    pytest_args += run_verdict_pytest_args(args)
    extra: list[str] = args.pytest_args
    if args.tests:
        return [*pytest_args, *extra, *args.tests]
    suites = [_SUITES[name] for name in args.suite or _suites_for(args)]
    return [*pytest_args, *extra, "--pyargs", *suites]


def _suites_for(args: argparse.Namespace) -> tuple[str, ...]:
    """Without --suite: the MIME suite for --message files, else the suites of the
    protocols named on the command line, else of those the profile names, else every
    suite of a server (the reference servers speak them all)."""
    if args.message:  # message files are what the MIME suite tests
        return ("mime",)
    named = {target.protocol for target in _targets_of(args)}
    server_suites = {name: needs for name, (_, needs) in SUITES.items() if needs}
    return tuple(name for name, needs in server_suites.items() if named.intersection(needs)) or (
        tuple(server_suites)
    )


def _rootdir(args: argparse.Namespace) -> Path:
    """Where test ids are relative to: "suites/smtp/test_x.py::test_y" for the suites."""
    if args.tests:
        paths = [Path(test).resolve() for test in args.tests]
        common = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in paths]))
        return common
    # Imported, not only found: pytest puts the project's tests/ on sys.path, where
    # tests/suites would then pass for a namespace package "suites" when the run's
    # coverage reads the suites' citations after a run whose tests ran in xdist workers.
    try:
        suites = importlib.import_module("suites")
    except ImportError:
        return Path.cwd()
    if suites.__file__ is None:
        return Path.cwd()
    return Path(suites.__file__).parent.parent


def _url_with_credentials(target: Target) -> str:
    from urllib.parse import quote

    if target.user is None:
        return target.url
    password = f":{quote(target.password, safe='')}" if target.password is not None else ""
    host = f"[{target.host}]" if ":" in target.host else target.host
    return f"{target.scheme}://{quote(target.user, safe='')}{password}@{host}:{target.port}"


def _run(args: argparse.Namespace) -> int:
    for name in args.suite or []:
        if importlib.util.find_spec(_SUITES[name]) is None:
            print(f"conformance: the {name} suite is not installed yet", file=sys.stderr)
            return 2
    targets = _targets_of(args)
    problem = _unreachable(targets, min(args.timeout, 3.0), args.timeout)
    problem = problem or _refused_login(targets, args.profile, args.timeout)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    report_dir = args.report_dir / _run_name(args, targets)
    report_dir.mkdir(parents=True, exist_ok=True)
    code = int(pytest.main(_pytest_args(args, report_dir)))
    results = report_dir / "results.json"
    if not results.is_file():
        return code or 3
    document = json.loads(results.read_text(encoding="utf-8"))
    groups = {group["needs"]: group["tests"] for group in document.get("left_out", [])}
    listed = "\n\n" + left_out_text(groups, list_tests=True) if groups else ""
    results_of_run = document["results"]
    summary_of_run = summary_text(results_of_run) + run_verdict_text(args, results_of_run)
    summary_of_run += _logins_text(document["run"]) + run_coverage_text(results_of_run)
    (report_dir / "summary.txt").write_text(summary_of_run + listed + "\n", encoding="utf-8")
    print("\n" + summary_of_run)
    if groups:
        print("\n" + left_out_text(groups, list_tests=False))
    print(f"\nresults: {report_dir / 'results.json'}")
    print(f"summary: {report_dir / 'summary.txt'}")
    (report_dir / "report.html").write_text(render_report([str(results)]), encoding="utf-8")
    print(f"html:    {report_dir / 'report.html'}  (conformance report RUN... for side by side)")
    print(f"junit:   {report_dir / 'junit.xml'}")
    print(f"allure:  {report_dir / 'allure-results'}  (render: npx allure generate DIR)")
    if args.pcap:
        print(f"pcap:    {report_dir / 'pcap'}")
    return run_exit_status(args, document, code)


def _logins_text(run: dict[str, Any]) -> str:
    """Whose account the sessions used (user names only: the summary is shared)."""
    logins: dict[str, str] = run.get("logins") or {}
    lines = [f"{url}: logged in as {user}" for url, user in sorted(logins.items())]
    return "\n\n" + "\n".join(lines) if lines else ""


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function of subcommand ``name`` (looked up when called, so tests can replace
    one); ``serve`` for the rest."""
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run,
        "lint": lint,
        "diff": diff,
        "report": report,
        "load": load,
        "coverage": coverage,
        "judge": judge,
        "check": check,
    }
    return commands.get(name, serve)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
