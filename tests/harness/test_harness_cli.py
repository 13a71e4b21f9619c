"""The ``conformance`` command."""

from __future__ import annotations

import argparse
import contextlib
import imaplib
import json
import poplib
import re
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.cli import main
from reference_impl._embedded import EmbeddedServers

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]


def test_closed_port_gives_one_line_and_exit_2_quickly(closed_port: int) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [*CONFORMANCE, "run", f"smtp://127.0.0.1:{closed_port}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"conformance: cannot connect to smtp://127.0.0.1:{closed_port} (connection refused); "
        "is the server running?\n"
    )
    assert elapsed < 5


@pytest.mark.parametrize(
    ("scheme", "problem"), [("smtp", "sent no greeting"), ("pop3s", "completed no TLS handshake")]
)
def test_silent_target_gives_one_line_and_exit_2_within_the_timeout(
    scheme: str, problem: str
) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts; nobody ever writes
        url = f"{scheme}://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        done = subprocess.run(
            [*CONFORMANCE, "run", url, "--timeout", "1"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert time.monotonic() - started < 6
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and f"{url} accepted the connection but {problem}" in lines[0]


def test_bad_target_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", "ftp://127.0.0.1"])
    assert exited.value.code == 2
    assert "unknown scheme 'ftp'" in capsys.readouterr().err


def test_help_explains_targets_verdicts_and_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for needle in (
        "smtp+starttls://",
        "smtps://",
        "submission://USER:PASS@HOST",
        "--profile",
        "SHOULD broken -> warned",
        "results.json",
        "exit status",
        "-n N",
    ):
        assert needle in text, needle
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "alice / alice-password" in capsys.readouterr().out


def test_run_writes_reports_and_a_summary_table(tmp_path: Path) -> None:
    tests = tmp_path / "test_mini.py"
    tests.write_text(
        "import pytest\n\n"
        "@pytest.mark.rfc(5321, '4.1.1.1', 'MUST')\n"
        "def test_ehlo(smtp):\n"
        "    '''EHLO gets 250.'''\n"
        "    assert smtp.ehlo().code == 250\n\n"
        "@pytest.mark.rfc(5321, '4.1.1.9', 'SHOULD')\n"
        "def test_noop(smtp):\n"
        "    '''NOOP gets 299.'''\n"
        "    assert smtp.noop().code == 299\n\n"
        "@pytest.mark.rfc(5321, '4.1.1.10', 'MUST')\n"
        "def test_quit(smtp):\n"
        "    '''QUIT gets 299.'''\n"
        "    assert smtp.quit().code == 299, 'got \\x1b[31m' + str(smtp.greeting)\n"
    )
    done = subprocess.run(
        [
            *CONFORMANCE,
            "run",
            "--tests",
            str(tests),
            "--report-dir",
            str(tmp_path / "r"),
            "-n",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    (run_dir,) = (tmp_path / "r").iterdir()
    assert run_dir.name.endswith("Z-embedded")
    assert (run_dir / "junit.xml").is_file() and (run_dir / "allure-results").is_dir()
    results = json.loads((run_dir / "results.json").read_text())
    assert {r["id"]: r["outcome"] for r in results["results"]} == {
        "test_mini.py::test_ehlo": "passed",
        "test_mini.py::test_noop": "warned",
        "test_mini.py::test_quit": "failed",
    }
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("requirement"))
    assert header.split() == [
        "requirement",
        "section",
        "passed",
        "failed",
        "warned",
        "skipped",
        "error",
        "waived",
    ]
    assert any(
        line.split() == ["RFC", "5321", "4.1.1.9", "0", "0", "1", "0", "0", "0"] for line in lines
    )
    assert f"results: {run_dir / 'results.json'}" in done.stdout
    summary = (run_dir / "summary.txt").read_text()
    assert summary.splitlines()[0] == header
    assert summary.strip() in done.stdout
    # What a person reads first in CI: each failure and warning by name, key and reason,
    # and no raw escape octet from a reason reaches the summary.
    sections = summary.split("\n\n")
    failures = next(part for part in sections if part.startswith("failures ("))
    warnings = next(part for part in sections if part.startswith("warnings ("))
    quit_line = "test_mini.py::test_quit  [MUST RFC 5321 §4.1.1.10]  AssertionError: got \\x1b[31m"
    assert quit_line in failures
    assert "test_mini.py::test_noop  [SHOULD RFC 5321 §4.1.1.9]" in warnings
    assert "\x1b" not in summary


def _run_embedded(tmp_path: Path, service: str, tests: Path) -> dict[str, str]:
    """``conformance run --embedded SERVICE --tests TESTS`` with one test; its result."""
    report_dir = tmp_path / "r"
    done = subprocess.run(
        [
            *CONFORMANCE,
            "run",
            "--embedded",
            service,
            "--tests",
            str(tests),
            "--report-dir",
            str(report_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (results_file,) = report_dir.glob(f"*-embedded-{service}/results.json")
    (result,) = json.loads(results_file.read_text())["results"]
    return dict(result)


def test_run_against_the_embedded_submission_listener(tmp_path: Path) -> None:
    tests = tmp_path / "test_submission.py"
    tests.write_text(
        "import pytest\n\n"
        "@pytest.mark.rfc(6409, '4.3', 'MUST')\n"
        "def test_mail_after_auth(smtp):\n"
        "    '''MAIL after STARTTLS and AUTH gets 250.'''\n"
        "    assert smtp.establish().code == 250\n"
        "    assert smtp.tls_active and smtp.authenticated\n"
        "    assert smtp.mail('alice@example.test').code == 250\n"
    )
    result = _run_embedded(tmp_path, "submission", tests)
    assert result["target"].startswith("submission://127.0.0.1:")
    assert "C: STARTTLS\\r\\n" in result["transcript"]
    assert "C: AUTH PLAIN " in result["transcript"]


def test_run_exits_1_on_failure(tmp_path: Path) -> None:
    tests = tmp_path / "test_fail.py"
    tests.write_text(
        "import pytest\n\n"
        "@pytest.mark.rfc(5321, '4.1.1.1', 'MUST')\n"
        "def test_ehlo(smtp):\n"
        "    '''EHLO gets 299.'''\n"
        "    assert smtp.ehlo().code == 299\n"
    )
    done = subprocess.run(
        [*CONFORMANCE, "run", "--tests", str(tests), "--report-dir", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout + done.stderr


def test_arguments_after_double_dash_go_to_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_run(args: argparse.Namespace) -> int:
        seen.append(args.pytest_args)
        return 0

    monkeypatch.setattr("conformance.cli._run", fake_run)
    assert main(["run", "smtp://127.0.0.1:2525", "--pcap", "--", "-k", "ehlo", "-x"]) == 0
    assert main(["run"]) == 0
    assert seen == [["-k", "ehlo", "-x"], []]


# -- serve ---------------------------------------------------------------------------------

_BANNER = re.compile(
    r"conformance: reference (?P<what>[A-Z0-9 a-z]+) server on 127\.0\.0\.1:(?P<port>\d+) "
    r"\((?P<security>[^)]+)\), mail stored in (?P<store>\S+?)(?:, CA in (?P<ca>\S+))?$"
)


@dataclass(frozen=True, kw_only=True)
class Listening:
    """One banner line of ``conformance serve``."""

    what: str
    port: int
    security: str
    ca_file: Path | None


@contextlib.contextmanager
def _serving(*args: str, log: list[str] | None = None) -> Iterator[list[Listening]]:
    """``conformance serve ARGS`` as a subprocess; its listeners; SIGTERM must stop it with 0.
    What it logged after its banners is appended to ``log``."""
    server = subprocess.Popen(
        [*CONFORMANCE, "serve", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        listening = []
        while (line := server.stderr.readline()) and "Ctrl-C" not in line:
            match = _BANNER.match(line.rstrip("\n"))
            assert match, line
            ca = match["ca"]
            listening.append(
                Listening(
                    what=match["what"],
                    port=int(match["port"]),
                    security=match["security"],
                    ca_file=Path(ca) if ca else None,
                )
            )
        yield listening
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 0
        rest = server.stderr.read()
        assert "conformance: stopped" in rest
        if log is not None:
            log.append(rest)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


def _verifying(ca_file: Path | None) -> ssl.SSLContext:
    assert ca_file is not None and ca_file.is_file()
    return ssl.create_default_context(cafile=str(ca_file))


def test_serve_smtp_with_starttls_submission_and_smtps(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with _serving(
        "smtp", "--port", "0", "--submission-port", "0", "--smtps-port", "0", "--store", str(store)
    ) as (mx, submission, smtps):
        assert (mx.what, mx.security) == ("SMTP", "STARTTLS")
        assert mx.ca_file == store / "ca.pem"
        context = _verifying(mx.ca_file)
        with smtplib.SMTP("127.0.0.1", mx.port, timeout=10) as client:
            client.starttls(context=context)
            client.sendmail("a@example.org", ["alice@example.test"], b"Subject: t\r\n\r\nhi\r\n")
        assert (submission.what, submission.security) == (
            "SMTP submission",
            "STARTTLS and AUTH required",
        )
        with smtplib.SMTP("127.0.0.1", submission.port, timeout=10) as client:
            client.starttls(context=context)
            client.login("alice", "alice-password")
        assert smtps.security == "implicit TLS"
        with smtplib.SMTP_SSL("127.0.0.1", smtps.port, timeout=10, context=context) as client:
            assert client.noop()[0] == 250


def test_serve_pop3_with_stls_and_pop3s(tmp_path: Path) -> None:
    with _serving("pop3", "--port", "0", "--pop3s-port", "0", "--store", str(tmp_path / "s")) as (
        pop3,
        pop3s,
    ):
        assert (pop3.what, pop3.security, pop3s.security) == ("POP3", "STLS", "implicit TLS")
        context = _verifying(pop3.ca_file)
        client = poplib.POP3("127.0.0.1", pop3.port, timeout=10)
        client.stls(context=context)
        client.user("alice")
        client.pass_("alice-password")
        assert client.stat() == (0, 0)
        client.quit()
        secure = poplib.POP3_SSL("127.0.0.1", pop3s.port, timeout=10, context=context)
        assert secure.getwelcome().startswith(b"+OK")
        secure.quit()


def test_serve_pop2_and_no_tls(tmp_path: Path) -> None:
    with _serving("pop2", "--port", "0", "--store", str(tmp_path / "s")) as (pop2,):
        assert (pop2.what, pop2.security, pop2.ca_file) == ("POP2", "no TLS", None)
        with socket.create_connection(("127.0.0.1", pop2.port), timeout=10) as conn:
            assert conn.makefile("rb").readline().startswith(b"+ POP2 ")
    with _serving("smtp", "--port", "0", "--no-tls", "--store", str(tmp_path / "t")) as (mx,):
        assert (mx.security, mx.ca_file) == ("no TLS", None)
        assert not (tmp_path / "t" / "ca.pem").exists()
        with smtplib.SMTP("127.0.0.1", mx.port, timeout=10) as client:
            client.ehlo()
            assert not client.has_extn("starttls")


def test_serve_all_shares_one_store(tmp_path: Path) -> None:
    with _serving("all", "--port", "0", "--store", str(tmp_path / "s")) as listening:
        assert [item.what for item in listening] == ["SMTP", "POP3", "POP2", "IMAP"]
        smtp, pop3, _, imap = listening
        with smtplib.SMTP("127.0.0.1", smtp.port, timeout=10) as client:
            client.sendmail("a@example.org", ["bob@example.test"], b"Subject: t\r\n\r\nhi\r\n")
        client = poplib.POP3("127.0.0.1", pop3.port, timeout=10)
        client.stls(context=_verifying(pop3.ca_file))
        client.user("bob")
        client.pass_("bob-password")
        assert client.stat()[0] == 1
        client.quit()
        with imaplib.IMAP4("127.0.0.1", imap.port, timeout=10) as reader:
            reader.starttls(ssl_context=_verifying(imap.ca_file))
            reader.login("bob", "bob-password")
            assert reader.select("INBOX") == ("OK", [b"1"])
            _, data = reader.fetch("1", "(BODY.PEEK[TEXT])")
            assert data[0][1] == b"hi\r\n"


def test_serve_refuses_tls_ports_it_cannot_serve() -> None:
    for args, message in (
        (["pop2", "--smtps-port", "0"], "--smtps-port needs the smtp server"),
        (["smtp", "--no-tls", "--submission-port", "0"], "--submission-port needs TLS"),
    ):
        done = subprocess.run(
            [*CONFORMANCE, "serve", *args], capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 2
        assert message in done.stderr


def test_run_against_the_embedded_pop3s_listener(tmp_path: Path) -> None:
    tests = tmp_path / "test_pop3s.py"
    tests.write_text(
        "import pytest\n\n"
        "@pytest.mark.rfc(8314, '3.3', 'MUST')\n"
        "def test_tls_from_the_first_octet(pop3):\n"
        "    '''The greeting arrives inside TLS.'''\n"
        "    assert pop3.target.scheme == 'pop3s' and pop3.greeting.ok\n"
    )
    result = _run_embedded(tmp_path, "pop3s", tests)
    assert result["target"].startswith("pop3s://127.0.0.1:")


def test_pop3_target_seeded_through_the_profile_smtp_target(tmp_path: Path) -> None:
    """Only a pop3:// --target given: the profile's smtp target still delivers the seeded
    messages (readback "none" leaves SMTP the only way in), and its pop2 target is used."""
    tests = tmp_path / "test_seeded.py"
    tests.write_text(
        "import pytest\n\n"
        "@pytest.mark.rfc(1939, '5', 'MUST')\n"
        "def test_seeded(pop3_login, pop3_maildrop):\n"
        "    '''Seeded messages are listed.'''\n"
        "    assert len(pop3_maildrop.find(pop3_login())) == 3\n\n"
        "@pytest.mark.rfc(937, '1', 'MUST')\n"
        "def test_pop2(pop2, pop2_target):\n"
        "    '''The profile's pop2 target answers.'''\n"
        "    assert pop2_target.scheme == 'pop2' and pop2.greeting.raw.startswith(b'+')\n"
    )
    with EmbeddedServers() as servers:
        accounts = "".join(
            f'[[accounts]]\nuser = "{user}"\npassword = "{password}"\naddress = "{address}"\n'
            for user, password, address in servers.users
        )
        profile = tmp_path / "profile.toml"
        profile.write_text(
            f'[targets]\nsmtp = "{servers.url("smtp")}"\n'
            f'pop2 = "{servers.url("pop2")}"\n'
            f'[delivery]\nallowed = true\nreadback = "none"\n{accounts}'
        )
        done = subprocess.run(
            [
                *CONFORMANCE,
                "run",
                f"pop3://{servers.host}:{servers.ports['pop3']}",
                "--profile",
                str(profile),
                "--tests",
                str(tests),
                "--report-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_second_serve_on_one_store_is_refused_and_the_first_ca_stays(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with _serving("smtp", "--port", "0", "--store", str(store)) as (mx,):
        first_ca = (store / "ca.pem").read_bytes()
        second = subprocess.run(
            [*CONFORMANCE, "serve", "smtp", "--port", "0", "--store", str(store)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2
        assert "already served by another 'conformance serve'" in second.stderr
        assert (store / "ca.pem").read_bytes() == first_ca
        # The first one's clients still verify it, by the name in its subject too.
        with socket.create_connection(("127.0.0.1", mx.port), timeout=10) as sock:
            sock.recv(512)
            sock.sendall(b"EHLO t\r\n")
            while b"250 " not in sock.recv(4096):
                pass
            sock.sendall(b"STARTTLS\r\n")
            assert sock.recv(512).startswith(b"220")
            context = _verifying(mx.ca_file)
            context.check_hostname = False  # the subject's CN, checked by hand below
            with context.wrap_socket(sock) as tls:
                subject = dict(item[0] for item in tls.getpeercert()["subject"])
    assert subject["commonName"] == "localhost"


def test_serve_log_lines_name_the_listener(tmp_path: Path) -> None:
    log: list[str] = []
    with _serving("all", "--port", "0", "--no-tls", "--store", str(tmp_path), log=log) as all_:
        for listener in all_:
            with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as sock:
                sock.recv(512)
    for listener in all_:
        assert f"[:{listener.port}] 127.0.0.1:" in log[0], (listener, log[0][-2000:])


def test_serve_writes_a_transcript_per_session(tmp_path: Path) -> None:
    logs = tmp_path / "sessions"
    args = ("smtp", "--port", "0", "--no-tls", "--store", str(tmp_path / "s"))
    with (
        _serving(*args, "--log-sessions", str(logs)) as (mx,),
        socket.create_connection(("127.0.0.1", mx.port), timeout=10) as sock,
    ):
        sock.recv(512)
        # A bare LF and an ESC: "NOOP...QUIT" is one (refused) line, the second QUIT ends.
        sock.sendall(b"EHLO client.example\r\nNOOP\x1b[31m\nQUIT\r\nQUIT\r\n")
        while sock.recv(4096):
            pass
    (log,) = logs.iterdir()
    text = log.read_text(encoding="ascii")
    assert f"port{mx.port}" in log.name
    assert "C: EHLO client.example\\r\\n" in text
    assert "C: NOOP\\x1b[31m\\n" in text  # escaped, the bare LF visible
    assert "== client defect: BARE_LINE_END (line 1: NOOP\\\\x1b[31m\\\\nQUIT)" in text
    assert "S: 250-" in text and "S: 500 " in text and "S: 221 " in text
    assert "== connection closed" in text
