"""How each real POP3 and IMAP client is run against the judge: curl (``pop3://``,
``imap://``), Python's poplib and imaplib, fetchmail and mbsync.

An adapter is given the running judge, a scratch directory and whether the client is to
require TLS (the TLS scenarios are met by a client configured for it); it returns what
the client retrieved, if anything, so the suite can compare it with the message served.
"""

from __future__ import annotations

import imaplib
import os
import poplib
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reference_impl._judge import JudgeServer

__all__ = ["MAILBOX_CLIENTS", "PASSWORD", "USER", "MailboxClient", "Ran"]

USER, PASSWORD = "alice", "alice-password"


@dataclass(frozen=True)
class Ran:
    """What an adapter saw: the client's exit status and what it retrieved, if anything."""

    status: int
    retrieved: bytes | None = None
    output: str = ""


Adapter = Callable[[JudgeServer, Path, bool], Ran]


@dataclass(frozen=True, kw_only=True)
class MailboxClient:
    protocol: str  # "pop3" or "imap"
    run: Adapter
    needs: str  # the program that must be installed
    # scenario -> require TLS; the scenarios the client meets.
    scenarios: dict[str, bool]

    @property
    def missing(self) -> str | None:
        """Why it cannot run here, or None."""
        if shutil.which(self.needs) is None:
            return f"{self.needs} is not installed (scripts/install-debian-deps)"
        return None


def _run(command: list[str], home: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run(command, capture_output=True, timeout=60, check=False, env=env)


def _context(server: JudgeServer) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(server.ca_file))


def curl(protocol: str) -> Adapter:
    def run(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
        path = "1" if protocol == "pop3" else "INBOX;UID=1"
        command = ["curl", "-sS", "--max-time", "15", "-u", f"{USER}:{PASSWORD}"]
        command += ["--cacert", str(server.ca_file), *(["--ssl-reqd"] if tls else [])]
        done = _run([*command, f"{protocol}://127.0.0.1:{server.port}/{path}"], tmp)
        got = done.stdout if done.returncode == 0 else None
        return Ran(done.returncode, got, done.stderr.decode(errors="replace"))

    return run


def python_poplib(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
    client = poplib.POP3(server.host, server.port, timeout=10)
    try:
        if tls:
            client.stls(_context(server))
        client.user(USER)
        client.pass_(PASSWORD)
        _, lines, _ = client.retr(1)
        client.quit()
    except (poplib.error_proto, ssl.SSLError, OSError) as error:
        client.close()
        # poplib's errors carry the server's line as bytes: repr, not str (python -bb).
        return Ran(1, None, f"{type(error).__name__}: {error.args!r}")
    return Ran(0, b"".join(line + b"\r\n" for line in lines))


def python_imaplib(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
    client = imaplib.IMAP4(server.host, server.port, timeout=10)
    try:
        if tls:
            client.starttls(_context(server))
        client.login(USER, PASSWORD)
        client.select("INBOX")
        _, data = client.uid("FETCH", "1", "(BODYSTRUCTURE BODY.PEEK[])")
        client.append("INBOX", None, None, b"Subject: big\r\n\r\n" + b"x" * 5000 + b"\r\n")
        client.logout()
    except Exception as error:  # any way it stops is the client's answer (no hang)
        client.shutdown()
        return Ran(1, None, f"{type(error).__name__}: {error}")
    body = next(part[1] for part in data if isinstance(part, tuple))
    return Ran(0, body)


def _fetchmail_rc(server: JudgeServer, tmp: Path, protocol: str, options: str) -> list[str]:
    """The command running fetchmail once with ``options``; what it fetches is kept in
    tmp/delivered, one file a message, named by the time it came (in order)."""
    out = tmp / "delivered"
    out.mkdir()
    rc = tmp / "fetchmailrc"
    rc.write_text(
        f"poll localhost service {server.port} protocol {protocol} auth password\n"
        f'  user "{USER}" there with password "{PASSWORD}" is "root" here\n'
        f"  {options} no rewrite no stripcr\n"
        f"  mda \"/bin/sh -c 'cat > {out}/$(date +%s%N).eml'\"\n"
    )
    rc.chmod(0o600)
    command = ["fetchmail", "-f", str(rc), "--nodetach", "--pidfile", str(tmp / "pid")]
    return [*command, "--idfile", str(tmp / "ids")]


def _ssl_options(server: JudgeServer, tls: bool) -> str:
    return f"sslproto tls1.2+ sslcertck sslcertfile {server.ca_file}" if tls else 'sslproto ""'


def _first_kept(tmp: Path, status: int, server: JudgeServer) -> bytes | None:
    """What the client kept of the first message served: the file holding that message's
    Message-ID line, else the first file written.  Not simply the first by name: in one
    run on a loaded machine the first file by name held the second message."""
    kept = [path.read_bytes() for path in sorted((tmp / "delivered").iterdir())]
    if status != 0 or not kept:
        return None
    served = server.judge.judging.messages[0]
    marker = next((line for line in served.split(b"\r\n") if line.startswith(b"Message-ID:")), None)
    return next((data for data in kept if marker and marker in data), kept[0])


def fetchmail(protocol: str) -> Adapter:
    def run(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
        options = f"keep fetchall {_ssl_options(server, tls)}"
        done = _run(_fetchmail_rc(server, tmp, protocol, options), tmp)
        said = (done.stdout + done.stderr).decode(errors="replace")
        return Ran(done.returncode, _first_kept(tmp, done.returncode, server), said)

    return run


def fetchmail_keep(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
    """fetchmail keeping mail on the server and fetching only what is new (no fetchall)."""
    done = _run(_fetchmail_rc(server, tmp, "pop3", f"keep {_ssl_options(server, tls)}"), tmp)
    said = (done.stdout + done.stderr).decode(errors="replace")
    return Ran(done.returncode, _first_kept(tmp, done.returncode, server), said)


def fetchmail_idle(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
    """fetchmail in IDLE (RFC 2177) until it fetched the message the judge delivers
    while it idles (the baseline's new mail), then stopped: it never ends by itself."""
    expected = len(server.judge.judging.messages) + 1
    command = _fetchmail_rc(server, tmp, "imap", f"keep idle {_ssl_options(server, tls)}")
    env = {**os.environ, "HOME": str(tmp)}
    output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
    with subprocess.Popen(command, env=env, **output) as run:
        deadline = time.monotonic() + 20
        while len(list((tmp / "delivered").iterdir())) < expected and run.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        got = len(list((tmp / "delivered").iterdir()))
        if run.poll() is None:
            run.terminate()  # the fetchmail started here, by its PID
        said, _ = run.communicate(timeout=10)
    status = 0 if got >= expected else 1
    return Ran(status, _first_kept(tmp, status, server), said.decode(errors="replace"))


def mbsync(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
    local = tmp / "maildir"
    local.mkdir()
    config = tmp / "mbsyncrc"
    config.write_text(
        f"IMAPAccount judged\nHost localhost\nPort {server.port}\nUser {USER}\n"
        f"Pass {PASSWORD}\nSSLType {'STARTTLS' if tls else 'None'}\n"
        f"CertificateFile {server.ca_file}\n\nIMAPStore remote\nAccount judged\n\n"
        f"MaildirStore near\nPath {local}/\nInbox {local}/INBOX\n\n"
        "Channel judged\nFar :remote:\nNear :near:\nPatterns INBOX\nCreate Near\n"
        "SyncState *\n"
    )
    done = _run(["mbsync", "-c", str(config), "-a"], tmp)
    return Ran(done.returncode, None, (done.stdout + done.stderr).decode(errors="replace"))


# scenario -> require TLS: the TLS scenarios are met by a client configured for TLS.
POP3_RUNS = {"baseline": True, "slow-greeting": False, "no-capa": False, "user-refused": False}
POP3_RUNS |= {"stls-refused": True, "stls-injection": True, "unterminated-retr": False}
IMAP_RUNS = {"baseline": True, "slow-greeting": False, "logindisabled": True}
IMAP_RUNS |= {"literal-minus": False}
IMAP_RUNS |= {"unsolicited": False, "select-refused": False, "bye": False}
IMAP_RUNS |= {"starttls-refused": True, "starttls-injection": True, "endless-literal": False}
IMAP_RUNS |= {"preauth": False, "preauth-without-tls": True, "expunge-elsewhere": False}
# fetchmail keeping mail on the server: the scenario for clients that do.
KEEP_RUNS = {"keep-on-server": False}
# fetchmail's IDLE, where the judge delivers new mail: the baseline only.
IDLE_RUNS = {"baseline": True}


def _pop3(run: Adapter, needs: str) -> MailboxClient:
    return MailboxClient(protocol="pop3", run=run, needs=needs, scenarios=POP3_RUNS)


def _imap(run: Adapter, needs: str) -> MailboxClient:
    return MailboxClient(protocol="imap", run=run, needs=needs, scenarios=IMAP_RUNS)


MAILBOX_CLIENTS = {
    "curl-pop3": _pop3(curl("pop3"), "curl"),
    "poplib": _pop3(python_poplib, sys.executable),
    "fetchmail-pop3": _pop3(fetchmail("pop3"), "fetchmail"),
    "curl-imap": _imap(curl("imap"), "curl"),
    "imaplib": _imap(python_imaplib, sys.executable),
    "fetchmail-imap": _imap(fetchmail("imap"), "fetchmail"),
    "mbsync": _imap(mbsync, "mbsync"),
    "fetchmail-pop3-keep": MailboxClient(
        protocol="pop3", run=fetchmail_keep, needs="fetchmail", scenarios=KEEP_RUNS
    ),
    "fetchmail-imap-idle": MailboxClient(
        protocol="imap", run=fetchmail_idle, needs="fetchmail", scenarios=IDLE_RUNS
    ),
}
