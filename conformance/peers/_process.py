"""Starting daemons detached, probing their ports, and stopping exactly the PIDs we started."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from ._errors import PeerError

__all__ = [
    "capture",
    "free_ports",
    "is_running",
    "process_name",
    "read_pid",
    "run_detached",
    "stop_pid",
    "tail",
    "wait_for_banner",
    "wait_for_file",
]

_POLL = 0.05
_GOODBYE = {b"* OK": b"a LOGOUT\r\n"}  # QUIT for SMTP and POP3


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports the OS hands out for ``bind(port 0)``; all held open at once so they differ."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def run_detached(argv: Sequence[str], *, log: Path, timeout: float) -> int:
    """Run a command that daemonizes itself; its output goes to ``log``, never to our stdio.

    A test runner capturing output would otherwise wait forever for the daemon's copy of
    the pipe to close.
    """
    with log.open("ab") as out:
        try:
            completed = subprocess.run(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PeerError(f"{argv[0]} did not return within {timeout:.0f} s") from None
        except FileNotFoundError:
            raise PeerError(f"{argv[0]} not found; run scripts/install-debian-deps") from None
    return completed.returncode


def capture(argv: Sequence[str], *, timeout: float = 20.0) -> str:
    """Output of a short diagnostic command (e.g. ``postfix check``), for error messages."""
    try:
        completed = subprocess.run(
            list(argv),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"({' '.join(argv)} failed: {exc})"
    text = _squash((completed.stdout + completed.stderr).decode("utf-8", "replace").splitlines())
    return text or f"({' '.join(argv)}: no output, exit status {completed.returncode})"


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, or a note that it is missing."""
    try:
        data = path.read_bytes()
    except OSError:
        return f"({path} does not exist)"
    text = _squash(data.decode("utf-8", "replace").splitlines()[-lines:])
    return text or f"({path} is empty)"


def _squash(lines: list[str]) -> str:
    """Join lines, folding runs of one repeated line (Postfix repeats warnings per process)."""
    out: list[str] = []
    count = 0
    for index, line in enumerate(lines):
        count += 1
        if index + 1 < len(lines) and lines[index + 1] == line:
            continue
        out.append(line if count == 1 else f"{line}  [{count} times]")
        count = 0
    return "\n".join(out).strip()


def read_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _process_state(pid: int) -> str | None:
    """The state letter from /proc/PID/stat, or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name is in parentheses and may itself contain ") ".
    return stat.rpartition(")")[2].split()[0]


def process_name(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def is_running(pid: int) -> bool:
    """True while the process exists and is not a zombie.

    The daemons are orphans (they fork away from us), and PID 1 here need not reap them,
    so an exited master can linger as a zombie: that counts as stopped.
    """
    state = _process_state(pid)
    return state is not None and state not in ("Z", "X")


def wait_for_file(path: Path, *, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(_POLL)
    return path.exists()


def stop_pid(pid: int, *, timeout: float) -> bool:
    """SIGTERM one process and wait for it to go; SIGKILL after ``timeout``.

    Returns True when it exited on SIGTERM.
    """
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(pid):
            _reap(pid)
            return True
        time.sleep(_POLL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)
    return False


def _reap(pid: int) -> None:
    # Only succeeds when the process happens to be our own child.
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def wait_for_banner(
    port: int,
    prefix: bytes,
    *,
    deadline: float,
    tls: ssl.SSLContext | None = None,
    host: str = "127.0.0.1",
) -> str | None:
    """Connect until the server greets with ``prefix``; None when ready, else the last problem.

    Reading the greeting, not only connecting, proves the daemon behind the listener (which
    the master process owns from the start) actually runs with the configuration given.
    """
    problem = "no attempt made"
    while time.monotonic() < deadline:
        problem = _probe_once(host, port, prefix, tls, deadline)
        if not problem:
            return None
        time.sleep(_POLL * 2)
    return problem


def _probe_once(
    host: str, port: int, prefix: bytes, tls: ssl.SSLContext | None, deadline: float
) -> str:
    timeout = max(0.2, min(5.0, deadline - time.monotonic()))
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            if tls is None:
                return _check_greeting(raw, prefix, port)
            with tls.wrap_socket(raw, server_hostname="localhost") as wrapped:
                return _check_greeting(wrapped, prefix, port)
    except (OSError, ssl.SSLError) as exc:
        return f"port {port}: {exc}"


def _check_greeting(sock: socket.socket, prefix: bytes, port: int) -> str:
    greeting = sock.recv(512)
    if greeting.startswith(prefix):
        # Leave politely so the servers' logs show a session, not a lost connection.
        with contextlib.suppress(OSError):
            sock.sendall(_GOODBYE.get(prefix, b"QUIT\r\n"))
            sock.recv(512)
        return ""
    return f"port {port}: greeting {greeting[:80]!r}, expected {prefix!r}"
