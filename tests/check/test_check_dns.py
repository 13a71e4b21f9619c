"""Where ``conformance check`` looks for a domain's mail hosts (RFC 5321 §5.1), and the one
line it prints when DNS leaves nothing to check.  A private DNS server on 127.0.0.1
answers; nothing leaves the machine."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from conftest import Served
from private_dns import private_dns

from conformance._check import dns_server
from conformance._check_dns import MailHost, host_addresses, mail_hosts, make_lookup
from conformance.cli import main

_ZONE = """
example.test. 300 IN MX 20 mx2.example.test.
example.test. 300 IN MX 10 mx1.example.test.
mx1.example.test. 300 IN A 127.0.0.1
mx2.example.test. 300 IN A 127.0.0.2
mx2.example.test. 300 IN AAAA ::1
implicit.test. 300 IN A 127.0.0.3
nomail.test. 300 IN MX 0 .
noaddress.test. 300 IN MX 10 ghost.noaddress.test.
ghost.noaddress.test. 300 IN TXT "no address here"
bare.test. 300 IN TXT "neither MX nor address"
"""


def _hosts(domain: str) -> list[MailHost]:
    with private_dns(_ZONE) as server:
        return mail_hosts(domain, make_lookup(dns_server(server), timeout=5))


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with private_dns(_ZONE) as server:
        code = main(["check", *argv, "--dns-server", server, "--timeout", "3", "--tls-only"])
    out, err = capsys.readouterr()
    return code, out, err


def test_mx_hosts_come_in_preference_order_with_their_addresses() -> None:
    assert _hosts("example.test") == [
        MailHost(name="mx1.example.test", preference=10, addresses=("127.0.0.1",)),
        MailHost(name="mx2.example.test", preference=20, addresses=("127.0.0.2", "::1")),
    ]


def test_a_domain_without_mx_falls_back_to_its_own_address() -> None:
    """RFC 5321 §5.1: "If an empty list of MXs is returned, the address is treated as if
    it was associated with an implicit MX RR, with a preference of 0"."""
    assert _hosts("implicit.test") == [
        MailHost(name="implicit.test", preference=0, addresses=("127.0.0.3",), implicit=True)
    ]


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        # RFC 5321 §5.1: "If a non-existent domain error is returned, this situation MUST
        # be reported as an error."
        ("missing.test", "conformance check: missing.test does not exist (NXDOMAIN)\n"),
        (
            "nomail.test",
            "conformance check: nomail.test has a null MX (RFC 7505): it accepts no mail\n",
        ),
        (
            "bare.test",
            "conformance check: bare.test has no MX records and no address (A/AAAA) of its own\n",
        ),
    ],
)
def test_dns_answers_that_leave_nothing_to_check_are_one_line(
    capsys: pytest.CaptureFixture[str], domain: str, message: str
) -> None:
    code, out, err = _check(capsys, domain)
    assert (code, out, err) == (2, "", message)


def test_an_mx_host_without_an_address_is_reported_unusable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """RFC 5321 §5.1: "If MX records are present, but none of them are usable, ... this
    situation MUST be reported as an error"."""
    code, out, _ = _check(capsys, "noaddress.test")
    assert code == 2
    assert "smtp://ghost.noaddress.test:25 (no address): grade F" in out
    assert "has no address (A/AAAA)" in out


def test_a_silent_dns_server_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))  # bound, never answers
        port = silent.getsockname()[1]
        code = main(
            [
                "check",
                "example.test",
                "--dns-server",
                f"127.0.0.1:{port}",
                "--timeout",
                "1",
                "--tls-only",
            ]
        )
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert (
        err == "conformance check: no DNS answer for example.test MX in time "
        "(is the DNS server reachable?)\n"
    )


def test_an_unreachable_mx_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        port = closed.getsockname()[1]
        code, out, _ = _check(capsys, "example.test", "--port", str(port))
    assert code == 2
    assert f"cannot connect to mx1.example.test (127.0.0.1:{port}): connection refused" in out


def test_a_url_check_resolves_its_host_through_the_same_dns(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    served = smtp_server(("mx1.example.test",))
    code, out, err = _check(
        capsys,
        "--url",
        f"smtps://mx1.example.test:{served.port}",
        "--ca-file",
        str(served.ca_file),
    )
    # The reference server here speaks STARTTLS, not implicit TLS: the handshake fails.
    assert "smtps://mx1.example.test" in out and "(127.0.0.1)" in out, out + err
    assert "implicit TLS: no handshake at TLS 1.2 or later completes" in out
    assert code == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("::1", ("::1", 53)),
        ("[::1]:5353", ("::1", 5353)),
    ],
)
def test_dns_server_option(text: str, expected: tuple[str, int]) -> None:
    assert dns_server(text) == expected


@pytest.mark.parametrize("text", ["ns.example.test", "127.0.0.1:0", "127.0.0.1:x", "[::1]x"])
def test_bad_dns_server_option_is_a_usage_error(text: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "example.test", "--dns-server", text])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["example.test", "--port", "0"],
        ["example.test", "--port", "70000"],
        ["example.test", "--ca-file", "/nonexistent/ca.pem"],
        ["example.test", "--expiry-warning", "-1"],
        ["example.test", "--waivers", "/nonexistent/waivers.toml"],
        ["not a domain"],
        ["--url", "ftp://example.test"],
    ],
)
def test_bad_options_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", *argv])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "conformance check: name a DOMAIN or a --url\n"),
        (
            ["--url", "imap://example.test"],
            "conformance check: imap://example.test:143 has "
            "no TLS to check; use one of smtp://, smtp+starttls://, submission://, smtps://, "
            "pop3s://, imaps://\n",
        ),
    ],
)
def test_nothing_to_check_is_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["check", *argv]) == 2
    assert capsys.readouterr().err == message


def test_without_a_dns_server_addresses_are_found_as_the_system_finds_them() -> None:
    """/etc/hosts names localhost; a resolver reading only DNS would not find it."""
    assert "127.0.0.1" in host_addresses("localhost", make_lookup(None, timeout=5))


def test_an_mx_that_never_greets_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts; nothing ever greets
        port = silent.getsockname()[1]
        code, out, _ = _check(capsys, "example.test", "--port", str(port))
    assert code == 2
    assert f"mx1.example.test (127.0.0.1:{port}): timed out" in out
