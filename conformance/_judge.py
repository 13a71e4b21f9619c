"""``conformance judge PROTOCOL``: grade a client with the reference server.

Two forms.  ``--listen HOST:PORT`` serves in the foreground for any client pointed at it (an
MTA's relayhost, a mail app), each connection under the next ``--scenario`` in turn, until
Ctrl-C, SIGTERM or ``--sessions N``.  ``-- COMMAND ...`` runs the command once per scenario
against a judge on a free port, its words' ``{host}``, ``{port}``, ``{cafile}`` and the
protocol's placeholders filled in, and grades what it did.  Either way the run's files
are written as ``conformance run`` writes them (``_judge_report``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reference_impl._escape import escape_octets
from reference_impl._judge import Judge, JudgeServer, grade
from reference_impl._listeners import PROTOCOLS
from reference_impl._scenarios import Judging, Scenario, judging_of

from ._judge_report import now, result_of, write_run
from ._options import positive_count, positive_seconds

__all__ = ["ClientRun", "add_judge", "judge", "judge_command"]

# How long sessions get to close after the command exited (a client may still be
# writing its QUIT when its process is reaped).
_SETTLE = 5.0
_OUTPUT_SHOWN = 2000


def _judged() -> dict[str, str]:
    """The protocols whose clients can be graded, and their judging modules."""
    return {name: entry.judging for name, entry in PROTOCOLS.items() if entry.judging}


_EPILOG = """\
placeholders in COMMAND: {host} {port} {cafile} (the judge's CA, for TLS), and per
protocol: {sender} {rcpt} {message} (a file holding a message whose lines test
dot-stuffing) for SMTP.

examples:
  conformance judge smtp --list-scenarios
  conformance judge smtp -- swaks --server {host}:{port} --from {sender} --to {rcpt} \\
      --data {message}
  conformance judge smtp --scenario no-pipelining -- curl -sS smtp://{host}:{port}/client.example \\
      --mail-from {sender} --mail-rcpt {rcpt} --upload-file {message}
  conformance judge smtp --stdin {message} -- msmtp --host={host} --port={port} \\
      --auth=off --tls=off --from={sender} {rcpt}
  conformance judge smtp --listen 127.0.0.1:2525 --sessions 3 --scenario baseline \\
      --scenario ehlo-refused            # point an MTA's relayhost at it

verdicts: one result per scenario and check.  A check is failed when a session broke a
MUST, warned for a SHOULD, passed when sessions exercised it and none broke it, skipped
when none exercised it; error when no client connected under the scenario.

output: reports/<UTC time>-judge-PROTOCOL/ with results.json, summary.txt, junit.xml
and report.html, as for `conformance run`; `conformance report SERVER_RUN CLIENT_RUN`
puts a server run and a client run side by side.
exit status: 0 the client broke no MUST, 1 it broke one (or no client connected under a
scenario), 2 bad usage.
"""


def add_judge(commands: Any) -> None:
    parser = commands.add_parser(
        "judge",
        help="grade a client or MTA against the reference server",
        description="Run the reference server as a judge: it serves normally or plays a "
        "scenario (a refused EHLO, slow or split replies, a 421, plaintext injected after "
        "STARTTLS ...) and grades every client action against the RFCs.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("protocol", choices=tuple(_judged()), help="which server judges")
    parser.add_argument(
        "--listen",
        type=_address,
        metavar="HOST:PORT",
        help="serve in the foreground on HOST:PORT (0: any free port) instead of running "
        "a command; stops on Ctrl-C, SIGTERM or after --sessions",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="NAME",
        help="scenario to play (repeatable; --list-scenarios shows them); default: all "
        "of them for a command, the first for --listen",
    )
    parser.add_argument(
        "--sessions",
        type=positive_count,
        metavar="N",
        help="with --listen: stop after N sessions have closed",
    )
    parser.add_argument(
        "--stdin",
        metavar="FILE",
        help="give the command FILE as its standard input (placeholders allowed, e.g. "
        "--stdin {message} for a sendmail-like client); default: none",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="how long the command may run per scenario (default: 60)",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="parent directory of the run's report directory (default: reports)",
    )
    parser.add_argument("--list-scenarios", action="store_true", help="list and exit")


def _address(text: str) -> tuple[str, int]:
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or int(port) > 65535 or not host:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


def judge(args: argparse.Namespace) -> int:
    judging = judging_of(_judged()[args.protocol])
    if args.list_scenarios:
        print(_scenario_list(judging))
        return 0
    command: list[str] = args.pytest_args
    if (args.listen is None) == (not command):
        print("conformance: give either --listen HOST:PORT or -- COMMAND ...", file=sys.stderr)
        return 2
    try:
        scenarios = [judging.scenario(name) for name in args.scenario or ()]
    except KeyError as exc:
        print(f"conformance: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.listen is not None:
        return _listen(args, judging, scenarios or list(judging.scenarios[:1]))
    return _run_command(args, judging, scenarios or list(judging.scenarios), command)


def _scenario_list(judging: Judging) -> str:
    lines = []
    for scenario in judging.scenarios:
        mark = " (hostile)" if scenario.hostile else ""
        lines.append(f"{scenario.name}{mark}: {scenario.summary}")
        lines.append(f"    [{scenario.requirement.key}] {scenario.requirement.text}")
    lines.append("\nchecks in every session:")
    lines += [
        f"{check.name}: {check.summary} [{check.requirement.key}]" for check in judging.checks
    ]
    return "\n".join(lines)


# -- --listen ----------------------------------------------------------------------------


def _listen(args: argparse.Namespace, judging: Judging, scenarios: list[Scenario]) -> int:
    host, port = args.listen
    started = now()
    judge_ = Judge(judging, scenarios)
    stop = threading.Event()
    try:
        server = JudgeServer(args.protocol, judge_, host=host, port=port)
        server.start()
    except OSError as exc:
        print(f"conformance: cannot listen on {host}:{port} ({exc.strerror})", file=sys.stderr)
        return 2
    names = ", ".join(s.name for s in scenarios)
    print(
        f"conformance: judging {args.protocol} clients on {host}:{server.port} "
        f"(scenarios in turn: {names}); CA in {server.ca_file}; Ctrl-C writes the report",
        file=sys.stderr,
        flush=True,
    )
    try:
        with _stopped_by_signals(stop):
            while not stop.is_set():
                if args.sessions and judge_.wait_closed(args.sessions, timeout=0.2):
                    break
                stop.wait(0.2)
    finally:
        server.stop()
    target = f"clients of {host}:{server.port}"
    return _report(args, judge_, started, target)


@contextlib.contextmanager
def _stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# -- -- COMMAND --------------------------------------------------------------------------


def _run_command(
    args: argparse.Namespace, judging: Judging, scenarios: list[Scenario], command: list[str]
) -> int:
    started = now()
    run = judge_command(args.protocol, scenarios, command, stdin=args.stdin, timeout=args.timeout)
    for scenario, problem in run.problems.items():
        print(f"conformance: {scenario}: {problem}", file=sys.stderr)
    return _report(args, run.judge, started, "client: " + shlex.join(command))


@dataclass(frozen=True)
class ClientRun:
    """A command graded under scenarios: the judge holding its sessions, and what went
    wrong with the command itself, by scenario name (it exited non-zero, timed out)."""

    judge: Judge
    problems: dict[str, str]


def judge_command(
    protocol: str,
    scenarios: list[Scenario],
    command: list[str],
    *,
    stdin: str | None = None,
    timeout: float = 60.0,
) -> ClientRun:
    """Run ``command`` once per scenario against a judge of ``protocol`` on a free port of
    127.0.0.1, its words' placeholders filled in (``stdin`` too, a file for its input)."""
    judging = judging_of(_judged()[protocol])
    problems: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mail-conformance-client-") as scratch:
        values = judging.placeholders(Path(scratch))
        expected = {"message": Path(values["message"]).read_bytes()} if "message" in values else {}
        judge_ = Judge(judging, scenarios, expected=expected)
        with JudgeServer(protocol, judge_) as server:
            values |= {"host": server.host, "port": str(server.port), "cafile": str(server.ca_file)}
            for scenario in scenarios:
                judge_.use_only(scenario)
                given = _filled([stdin], values)[0] if stdin else None
                status, problem = _run_once(_filled(command, values), given, timeout, scratch)
                _settle(judge_)
                if status is not None:
                    judge_.client_exited(scenario, status)
                if problem:
                    problems[scenario.name] = problem
    return ClientRun(judge=judge_, problems=problems)


def _filled(command: list[str], values: dict[str, str]) -> list[str]:
    filled = []
    for word in command:
        for name, value in values.items():
            word = word.replace("{" + name + "}", value)
        filled.append(word)
    return filled


def _run_once(
    words: list[str], stdin: str | None, timeout: float, cwd: str
) -> tuple[int | None, str]:
    """Run the client: its exit status (None when it did not run or finish), and what
    went wrong with it, as one line ('' when it exited 0)."""
    try:
        with open(stdin, "rb") if stdin else open(os.devnull, "rb") as given:
            done = subprocess.run(
                words, cwd=cwd, stdin=given, capture_output=True, timeout=timeout, check=False
            )
    except FileNotFoundError as exc:
        missing = exc.filename or words[0]
        return None, f"cannot run it: {escape_octets(os.fsencode(str(missing)))} not found"
    except subprocess.TimeoutExpired:
        return None, f"the command did not finish within {timeout:g} s (killed)"
    if done.returncode == 0:
        return 0, ""
    output = escape_octets((done.stderr or done.stdout)[-_OUTPUT_SHOWN:])
    return done.returncode, f"exited {done.returncode}: {output}"


def _settle(judge_: Judge) -> None:
    """Wait until the sessions the command opened are closed, or ``_SETTLE`` passed."""
    judge_.wait_closed(judge_.opened, timeout=_SETTLE)


# -- the report -------------------------------------------------------------------------


def _report(args: argparse.Namespace, judge_: Judge, started: str, target: str) -> int:
    verdicts = grade(judge_)
    results = [result_of(v, protocol=args.protocol, target=target) for v in verdicts]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    directory = args.report_dir / f"{stamp}-judge-{args.protocol}"
    summary = write_run(directory, results, started=started, targets=[target])
    print("\n" + summary)
    print(f"\nresults: {directory / 'results.json'}")
    print(f"summary: {directory / 'summary.txt'}")
    print(f"html:    {directory / 'report.html'}")
    print(f"junit:   {directory / 'junit.xml'}")
    broken = any(r["outcome"] in ("failed", "error") for r in results)
    return 1 if broken else 0
