"""Real POP3 and IMAP clients graded by the judge: curl (pop3://, imap://), Python's
poplib and imaplib, fetchmail and mbsync, each under every scenario that applies to it.

A run passes when the judge's verdicts are exactly the findings listed for that client
and scenario in FINDINGS (each backed by an RFC sentence in docs/client-findings.md),
and, where the client retrieves mail, what it kept is the message served, byte-stuffing
undone (RFC 1939 §3).  A client configured to require TLS must not send credentials
when TLS is refused; whether it then fails is its own business (an exit status is
not graded).
"""

from __future__ import annotations

import imaplib
import os
import poplib
import shutil
import ssl
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference_impl._judge import Judge, JudgeServer, Outcome, Verdict, grade
from reference_impl._scenarios import judging_of

USER, PASSWORD = "alice", "alice-password"
POP3 = judging_of("reference_impl.pop3._scenarios")
IMAP = judging_of("reference_impl.imap._scenarios")

# (client, scenario) -> the verdicts {check: outcome} the judge may find besides
# passes; without an entry, none.  Each is in docs/client-findings.md with its sentence
# and transcript.
FINDINGS: dict[tuple[str, str], tuple[dict[str, str], ...]] = {
    # isync 1.4.4 takes a CAPABILITY completion injected before the TLS handshake as the
    # answer to its CAPABILITY in TLS (RFC 9051 §6.2.1).  In some runs it parses the
    # injected lines before starting TLS and stops with "unexpected reply" instead
    # (7 runs in 8 here showed the flaw): either outcome is this client's.
    ("mbsync", "starttls-injection"): ({"injected-plaintext-discarded": "failed"}, {}),
}
# Clients that report success with what they kept of a RETR answer cut off before its
# "." line (RFC 1939 §3): only what they kept shows it.
KEPT_TRUNCATED = {("curl-pop3", "unterminated-retr")}


@dataclass(frozen=True)
class Ran:
    """What an adapter saw: the client's exit status and what it retrieved, if anything."""

    status: int
    retrieved: bytes | None = None
    output: str = ""


Adapter = Callable[[JudgeServer, Path, bool], Ran]


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run scripts/install-debian-deps")
    return path


def _run(command: list[str], home: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run(command, capture_output=True, timeout=60, check=False, env=env)


def _context(server: JudgeServer) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(server.ca_file))


# -- adapters: (server, scratch dir, require TLS) -> Ran ---------------------------------


def curl(protocol: str) -> Adapter:
    def run(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
        path = "1" if protocol == "pop3" else "INBOX;UID=1"
        command = [need("curl"), "-sS", "--max-time", "15", "-u", f"{USER}:{PASSWORD}"]
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
        return Ran(1, None, str(error))
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


def fetchmail(protocol: str) -> Adapter:
    def run(server: JudgeServer, tmp: Path, tls: bool) -> Ran:
        out = tmp / "delivered"
        out.mkdir()
        rc = tmp / "fetchmailrc"
        ssl_options = (
            f"sslproto tls1.2+ sslcertck sslcertfile {server.ca_file}" if tls else ('sslproto ""')
        )
        rc.write_text(
            f"poll localhost service {server.port} protocol {protocol} auth password\n"
            f'  user "{USER}" there with password "{PASSWORD}" is "root" here\n'
            f"  keep fetchall no rewrite no stripcr {ssl_options}\n"
            f"  mda \"/bin/sh -c 'cat > {out}/msg-$$.eml'\"\n"
        )
        rc.chmod(0o600)
        command = [need("fetchmail"), "-f", str(rc), "--nodetach", "--pidfile", str(tmp / "pid")]
        done = _run([*command, "--idfile", str(tmp / "ids")], tmp)
        kept = sorted(out.iterdir())
        first = kept[0].read_bytes() if done.returncode == 0 and kept else None
        return Ran(done.returncode, first, (done.stdout + done.stderr).decode(errors="replace"))

    return run


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
    done = _run([need("mbsync"), "-c", str(config), "-a"], tmp)
    return Ran(done.returncode, None, (done.stdout + done.stderr).decode(errors="replace"))


# -- which client runs under which scenario, with or without requiring TLS --------------

POP3_CLIENTS: dict[str, Adapter] = {
    "curl-pop3": curl("pop3"),
    "poplib": python_poplib,
    "fetchmail-pop3": fetchmail("pop3"),
}
IMAP_CLIENTS: dict[str, Adapter] = {
    "curl-imap": curl("imap"),
    "imaplib": python_imaplib,
    "fetchmail-imap": fetchmail("imap"),
    "mbsync": mbsync,
}
# scenario -> require TLS: the TLS scenarios are run as a client configured for TLS.
POP3_RUNS = {"baseline": True, "slow-greeting": False, "no-capa": False, "user-refused": False}
POP3_RUNS |= {"stls-refused": True, "stls-injection": True, "unterminated-retr": False}
IMAP_RUNS = {"baseline": True, "slow-greeting": False, "logindisabled": True}
IMAP_RUNS |= {"literal-minus": False}
IMAP_RUNS |= {"unsolicited": False, "select-refused": False, "bye": False}
IMAP_RUNS |= {"starttls-refused": True, "starttls-injection": True, "endless-literal": False}

CASES = [
    pytest.param("pop3", client, scenario, tls, marks=pytest.mark.xdist_group("judged-pop3"))
    for client in POP3_CLIENTS
    for scenario, tls in POP3_RUNS.items()
] + [
    pytest.param("imap", client, scenario, tls, marks=pytest.mark.xdist_group("judged-imap"))
    for client in IMAP_CLIENTS
    for scenario, tls in IMAP_RUNS.items()
]


def _graded(verdicts: list[Verdict]) -> dict[str, str]:
    kept = (Outcome.PASSED, Outcome.SKIPPED)
    return {v.check.name: v.outcome.value for v in verdicts if v.outcome not in kept}


@pytest.mark.parametrize(("protocol", "client", "scenario", "tls"), CASES)
def test_a_real_client_under_a_scenario(
    protocol: str, client: str, scenario: str, tls: bool, tmp_path: Path
) -> None:
    judging, adapters = (POP3, POP3_CLIENTS) if protocol == "pop3" else (IMAP, IMAP_CLIENTS)
    judge = Judge(judging, [judging.scenario(scenario)])
    with JudgeServer(protocol, judge) as server:
        ran = adapters[client](server, tmp_path, tls)
        assert judge.wait_closed(len(judge.records), timeout=20)
    verdicts = grade(judge)
    report = "\n".join(f"{v.check.name}: {v.outcome.value} {v.reason}" for v in verdicts)
    assert _graded(verdicts) in FINDINGS.get((client, scenario), ({},)), (
        f"{ran.output[-1500:]}\n{report}\n{verdicts[0].transcript[-4000:]}"
    )
    # fetchmail adds its own Received: field first; the rest is the message served.
    intact = ran.retrieved is None or ran.retrieved.endswith(judging.messages[0])
    assert intact != ((client, scenario) in KEPT_TRUNCATED), (ran.retrieved or b"")[-600:]
