"""Postfix and Dovecot together: start, probe, describe as a profile, stop."""

from __future__ import annotations

import os
import shutil
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._dovecot import start_dovecot, write_dovecot_config
from ._errors import PeerError
from ._layout import (
    LOCAL_DOMAIN,
    PeerAccount,
    Ports,
    RunLayout,
    RunState,
    make_certificate,
    make_maildirs,
    new_accounts,
    prepare_dir,
)
from ._postfix import diagnose, start_postfix, write_postfix_config
from ._process import (
    free_ports,
    is_running,
    process_name,
    read_pid,
    stop_pid,
    tail,
    wait_for_banner,
)

__all__ = ["PeerSystem", "missing_binaries", "peer_status", "start_peers", "stop_peers"]

DEFAULT_START_TIMEOUT = 30.0
DEFAULT_STOP_TIMEOUT = 15.0
# The waiver file of this system's accepted deviations, named by the profiles it writes.
KNOWN_DEVIATIONS = Path(__file__).with_name("known-deviations.toml")

# Process names of the two masters, checked before signalling a PID read from a file so a
# stale pid file never makes us signal some unrelated process that reused the number.
_DOVECOT_NAME = "dovecot"
_POSTFIX_NAME = "master"


@dataclass(kw_only=True)
class PeerSystem:
    """A running private Postfix + Dovecot pair and how to reach it."""

    layout: RunLayout
    ports: Ports
    accounts: tuple[PeerAccount, ...]
    dovecot_pid: int
    postfix_pid: int
    start_seconds: float = 0.0
    stop_seconds: float | None = field(default=None)

    @property
    def run_dir(self) -> Path:
        return self.layout.root

    @property
    def profile_path(self) -> Path:
        """Profile whose ``smtp`` target is the MX-style port (STARTTLS offered, no AUTH)."""
        return self.layout.profile

    @property
    def submission_profile_path(self) -> Path:
        """Same system, with the submission service (STARTTLS + AUTH required) as ``smtp``."""
        return self.layout.submission_profile

    @property
    def smtp_port(self) -> int:
        return self.ports.smtp

    @property
    def submission_port(self) -> int:
        return self.ports.submission

    @property
    def pop3_port(self) -> int:
        return self.ports.pop3

    @property
    def pop3s_port(self) -> int:
        return self.ports.pop3s

    @property
    def imap_port(self) -> int:
        return self.ports.imap

    @property
    def imaps_port(self) -> int:
        return self.ports.imaps

    @property
    def ca_file(self) -> Path:
        """The self-signed server certificate, which is its own trust anchor."""
        return self.layout.cert

    @property
    def server_name(self) -> str:
        return "localhost"

    @property
    def local_domain(self) -> str:
        return LOCAL_DOMAIN

    @property
    def maillog(self) -> Path:
        return self.layout.logs / "postfix.log"

    @property
    def dovecot_log(self) -> Path:
        return self.layout.logs / "dovecot.log"

    def maildir_for(self, user: str) -> Path:
        return self.layout.maildir_for(user)

    def account(self, user: str) -> PeerAccount:
        for account in self.accounts:
            if account.user == user:
                return account
        raise KeyError(user)

    def tls_context(self) -> ssl.SSLContext:
        """A client context that trusts exactly the peers' certificate."""
        return ssl.create_default_context(cafile=os.fspath(self.ca_file))

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> None:
        started = time.monotonic()
        _stop_both(self.layout, self.postfix_pid, self.dovecot_pid, timeout)
        self.stop_seconds = time.monotonic() - started

    def __enter__(self) -> PeerSystem:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def missing_binaries() -> list[str]:
    """The server programs that are not installed (empty when the peers can run)."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    return [
        name for name in ("postfix", "dovecot", "openssl") if shutil.which(name, path=path) is None
    ]


def start_peers(run_dir: Path, *, timeout: float = DEFAULT_START_TIMEOUT) -> PeerSystem:
    """Configure and start Dovecot, then Postfix, under ``run_dir``; wait until both greet.

    On failure everything started so far is stopped again and ``PeerError`` carries the
    logs' tail (and ``postfix check`` output) so the cause is visible in a test report.
    """
    started = time.monotonic()
    _check_can_start()
    layout = RunLayout(root=prepare_dir(run_dir))
    _refuse_if_running(layout)
    accounts = new_accounts()
    ports = Ports(**dict(zip(_PORT_NAMES, free_ports(len(_PORT_NAMES)), strict=True)))
    make_certificate(layout)
    make_maildirs(layout, accounts)
    write_dovecot_config(layout, ports, accounts)
    write_postfix_config(layout, ports, accounts)
    deadline = started + timeout
    dovecot_pid = start_dovecot(layout, deadline=deadline)
    postfix_pid = 0
    try:
        postfix_pid = start_postfix(layout, deadline=deadline)
        _wait_ready(layout, ports, deadline)
    except BaseException:
        _stop_both(layout, postfix_pid, dovecot_pid, DEFAULT_STOP_TIMEOUT)
        raise
    system = PeerSystem(
        layout=layout,
        ports=ports,
        accounts=accounts,
        dovecot_pid=dovecot_pid,
        postfix_pid=postfix_pid,
    )
    RunState(ports=ports, accounts=accounts, dovecot_pid=dovecot_pid, postfix_pid=postfix_pid).save(
        layout.state_file
    )
    write_profiles(system)
    system.start_seconds = time.monotonic() - started
    return system


_PORT_NAMES = ("smtp", "submission", "pop3", "pop3s", "imap", "imaps")


def _check_can_start() -> None:
    missing = missing_binaries()
    if missing:
        raise PeerError(f"not installed: {', '.join(missing)}; run scripts/install-debian-deps")
    if os.geteuid() != 0:
        raise PeerError(
            "the private Postfix and Dovecot must be started as root "
            "(Postfix's master and Dovecot switch to their own users)"
        )


def _refuse_if_running(layout: RunLayout) -> None:
    for pid_file, name in (
        (layout.dovecot_pid_file, _DOVECOT_NAME),
        (layout.postfix_pid_file, _POSTFIX_NAME),
    ):
        pid = read_pid(pid_file)
        if pid is not None and _is_ours(pid, name):
            raise PeerError(
                f"peers already run in {layout.root} ({name} PID {pid}); "
                f"stop them first: python -m conformance.peers stop --dir {layout.root}"
            )


def _is_ours(pid: int, name: str) -> bool:
    return is_running(pid) and process_name(pid) == name


def _wait_ready(layout: RunLayout, ports: Ports, deadline: float) -> None:
    tls = ssl.create_default_context(cafile=os.fspath(layout.cert))
    probes: list[tuple[str, int, bytes, ssl.SSLContext | None]] = [
        ("dovecot imap", ports.imap, b"* OK", None),
        ("dovecot imaps", ports.imaps, b"* OK", tls),
        ("dovecot pop3", ports.pop3, b"+OK", None),
        ("dovecot pop3s", ports.pop3s, b"+OK", tls),
        ("postfix smtpd", ports.smtp, b"220", None),
        ("postfix submission", ports.submission, b"220", None),
    ]
    for name, port, prefix, context in probes:
        problem = wait_for_banner(port, prefix, deadline=deadline, tls=context)
        if problem is None:
            continue
        detail = diagnose(layout) if name.startswith("postfix") else ""
        raise PeerError(
            f"{name} on 127.0.0.1:{port} not ready: {problem}\n{detail}\n"
            f"--- {layout.logs / 'dovecot.log'} ---\n{tail(layout.logs / 'dovecot.log')}"
        )


def _stop_both(layout: RunLayout, postfix_pid: int, dovecot_pid: int, timeout: float) -> None:
    """Stop Postfix first (it delivers into Dovecot), then Dovecot; only PIDs we started."""
    problems: list[str] = []
    for pid_file, started_pid, name in (
        (layout.postfix_pid_file, postfix_pid, _POSTFIX_NAME),
        (layout.dovecot_pid_file, dovecot_pid, _DOVECOT_NAME),
    ):
        pid = read_pid(pid_file) or started_pid
        if not pid or not _is_ours(pid, name):
            continue
        if started_pid and pid != started_pid:
            problems.append(f"{pid_file} names PID {pid}, not the {started_pid} we started")
            continue
        if not stop_pid(pid, timeout=timeout):
            problems.append(f"{name} PID {pid} ignored SIGTERM for {timeout:.0f} s; killed")
    if problems:
        raise PeerError("; ".join(problems))


def stop_peers(run_dir: Path, *, timeout: float = DEFAULT_STOP_TIMEOUT) -> float:
    """Stop the peers a previous ``start_peers`` (maybe another process) left in ``run_dir``.

    Returns the seconds it took.
    """
    started = time.monotonic()
    layout = RunLayout(root=run_dir.expanduser().absolute())
    state = RunState.load(layout.state_file)
    _stop_both(layout, state.postfix_pid, state.dovecot_pid, timeout)
    return time.monotonic() - started


def peer_status(run_dir: Path) -> dict[str, str]:
    """Whether each master runs, and where its ports and logs are; for ``status``."""
    layout = RunLayout(root=run_dir.expanduser().absolute())
    state = RunState.load(layout.state_file)
    report: dict[str, str] = {}
    for name, pid, master in (
        ("dovecot", state.dovecot_pid, _DOVECOT_NAME),
        ("postfix", state.postfix_pid, _POSTFIX_NAME),
    ):
        report[name] = f"running (PID {pid})" if _is_ours(pid, master) else "stopped"
    for port_name in _PORT_NAMES:
        report[f"{port_name} port"] = str(getattr(state.ports, port_name))
    report["profile"] = os.fspath(layout.profile)
    report["submission profile"] = os.fspath(layout.submission_profile)
    report["logs"] = os.fspath(layout.logs)
    return report


def write_profiles(system: PeerSystem) -> None:
    """Two profiles in the harness's TOML format, differing only in the ``smtp`` target."""
    alice = system.accounts[0]
    plain = f"smtp://127.0.0.1:{system.smtp_port}"
    submission = f"submission://{alice.user}:{alice.password}@127.0.0.1:{system.submission_port}"
    system.profile_path.write_text(_profile_text(system, plain), encoding="utf-8")
    system.submission_profile_path.write_text(_profile_text(system, submission), encoding="utf-8")


def _profile_text(system: PeerSystem, smtp_url: str) -> str:
    readback = f"maildir:{system.layout.mail}/{{user}}/Maildir"
    lines = [
        "# Private Postfix + Dovecot on loopback; written by python -m conformance.peers start.",
        f"# submission: submission://127.0.0.1:{system.submission_port} (STARTTLS + AUTH)",
        f"# implicit TLS: pop3s 127.0.0.1:{system.pop3s_port}, imaps 127.0.0.1:{system.imaps_port}",
        "[targets]",
        f"smtp = {_toml_string(smtp_url)}",
        f'pop3 = "pop3://127.0.0.1:{system.pop3_port}"',
        f'imap = "imap://127.0.0.1:{system.imap_port}"',
        "",
        "[tls]",
        "verify = true",
        f"ca_file = {_toml_string(os.fspath(system.ca_file))}",
        f"server_name = {_toml_string(system.server_name)}",
        "",
        "[delivery]",
        "allowed = true",
        f"local_domain = {_toml_string(system.local_domain)}",
        f"readback = {_toml_string(readback)}",
        "",
        "# What these Debian packages are known to do against the suites: accepted, each with",
        "# the reason (docs/known-deviations.md explains them), so only a new report fails.",
        "[waivers]",
        f"file = {_toml_string(os.fspath(KNOWN_DEVIATIONS))}",
    ]
    for account in system.accounts:
        lines += [
            "",
            "[[accounts]]",
            f"user = {_toml_string(account.user)}",
            f"password = {_toml_string(account.password)}",
            f"address = {_toml_string(account.address)}",
        ]
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string; the values here are paths, URLs and hex, so escaping is short."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
