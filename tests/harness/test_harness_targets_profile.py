"""Target URLs and profile files: what parses, and the messages for what does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance import (
    ProfileError,
    Security,
    TargetUrlError,
    TlsSettings,
    load_profile,
    parse_target,
)
from conformance._readback import MaildirReadback, crlf_form, mailbox_lookup


@pytest.mark.parametrize(
    ("url", "port", "security"),
    [
        ("smtp://mx.example.test", 25, Security.PLAIN),
        ("smtp+starttls://mx.example.test", 25, Security.STARTTLS),
        ("smtps://mx.example.test", 465, Security.IMPLICIT),
        ("submission://mx.example.test", 587, Security.STARTTLS),
        ("SMTP://mx.example.test:2525", 2525, Security.PLAIN),
    ],
)
def test_schemes_and_default_ports(url: str, port: int, security: Security) -> None:
    target = parse_target(url)
    assert (target.host, target.port, target.security) == ("mx.example.test", port, security)
    assert target.security == security.value  # compares as the plain string too


def test_credentials_are_percent_decoded_and_kept_out_of_the_url() -> None:
    target = parse_target("submission://al%40ice:p%3Ass%2Fw@127.0.0.1:1587")
    assert (target.user, target.password) == ("al@ice", "p:ss/w")
    assert target.url == "submission://127.0.0.1:1587"
    assert "p:ss" not in repr(target)


def test_ipv6_host() -> None:
    target = parse_target("smtp://[::1]:2525")
    assert (target.host, target.port, target.url) == ("::1", 2525, "smtp://[::1]:2525")


def test_tls_settings_and_server_name() -> None:
    tls = TlsSettings(verify=True, server_name="localhost")
    target = parse_target("smtps://127.0.0.1", tls=tls)
    assert target.server_name == "localhost"
    assert parse_target("smtps://127.0.0.1").server_name == "127.0.0.1"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("127.0.0.1:25", "has no scheme"),
        ("http://127.0.0.1", "unknown scheme 'http'"),
        ("smtp://127.0.0.1:99999", "port must be a number 1-65535"),
        ("smtp://127.0.0.1:abc", "port must be a number 1-65535"),
        ("smtp://127.0.0.1:0", "port must be a number 1-65535"),
        ("smtp://", "has no host"),
        ("smtp://127.0.0.1/path", "path, query or fragment"),
    ],
)
def test_bad_urls_have_clear_messages(url: str, message: str) -> None:
    with pytest.raises(TargetUrlError, match=message.replace("(", r"\(")):
        parse_target(url)


GOOD_PROFILE = """\
[targets]
smtp = "smtp+starttls://127.0.0.1:2525"
imap = "imap://127.0.0.1:1143"
[tls]
verify = true
ca_file = "ca.pem"
server_name = "localhost"
[delivery]
allowed = true
local_domain = "example.test"
readback = "maildir:/srv/mail/{user}/Maildir"
[[accounts]]
user = "alice"
password = "a"
address = "alice@example.test"
[[accounts]]
user = "bob"
password = "b"
address = "bob@example.test"
"""


def test_profile_loads(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("not checked here")
    path = tmp_path / "p.toml"
    path.write_text(GOOD_PROFILE)
    profile = load_profile(path)
    (smtp,) = profile.targets_of("smtp")
    assert smtp.security is Security.STARTTLS
    assert smtp.tls.ca_file == tmp_path / "ca.pem"  # relative to the profile
    assert profile.tls.server_name == "localhost"
    assert profile.delivery.allowed
    assert profile.delivery.readback == "maildir:/srv/mail/{user}/Maildir"
    assert [a.user for a in profile.accounts] == ["alice", "bob"]
    assert profile.targets["imap"] == "imap://127.0.0.1:1143"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[targets\n", "not valid TOML"),
        ("[target]\n", r"unknown section\(s\) target"),
        ('[targets]\nsmtp = "ftp://x"\n', "unknown scheme 'ftp'"),
        ("[targets]\nsmtp = 25\n", r"\[targets\] smtp must be a string"),
        ('[tls]\nverify = "yes"\n', r"\[tls\] verify must be true or false"),
        ('[tls]\nca_file = "missing.pem"\n', "ca_file '.*missing.pem' does not exist"),
        ('[delivery]\nreadback = "mbox:/x"\n', "readback 'mbox:/x' must be"),
        ("[delivery]\nallowd = true\n", r"\[delivery\] unknown key\(s\) allowd"),
        ('[[accounts]]\nuser = "a"\n', r"\[accounts #1\] missing password, address"),
        ('[[accounts]]\nuser="a"\npassword="p"\naddress="nodomain"\n', "is not local@domain"),
    ],
)
def test_profile_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text)
    expected = f"profile {re.escape(str(path))}: .*{message}"
    with pytest.raises(ProfileError, match=expected) as raised:
        load_profile(path)
    assert "\n" not in str(raised.value)


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "nope.toml")


def test_profile_accepts_submission_and_smtps_targets(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        "[targets]\n"
        'smtp = "smtp://127.0.0.1:2525"\n'
        'submission = "submission://127.0.0.1:2587"\n'
        'smtps = "smtps://127.0.0.1:2465"\n'
        '[[accounts]]\nuser = "alice"\npassword = "pw"\naddress = "alice@example.test"\n'
    )
    targets = load_profile(path).targets_of("smtp")
    assert [t.url for t in targets] == [
        "smtp://127.0.0.1:2525",
        "submission://127.0.0.1:2587",
        "smtps://127.0.0.1:2465",
    ]
    # A submission or smtps target without user:pass@ logs in as the first account
    # (RFC 8314 §3.3: 465 is submission over implicit TLS); plain smtp does not.
    assert (targets[1].user, targets[1].password) == ("alice", "pw")
    assert (targets[2].user, targets[2].password) == ("alice", "pw")
    assert targets[0].user is None
    assert [t.requires_auth for t in targets] == [False, True, True]


def test_smtps_without_credentials_is_not_refused() -> None:
    """Unlike submission, an smtps URL alone may run: a 465 service may not need AUTH."""
    target = parse_target("smtps://127.0.0.1:2465")
    assert target.logs_in and not target.requires_auth


def test_maildir_readback_finds_without_waiting_in_crlf_form(tmp_path: Path) -> None:
    new = tmp_path / "alice" / "Maildir" / "new"
    new.mkdir(parents=True)
    (new / "1.host").write_bytes(b"Subject: x\n\nmarker-1\n")
    readback = MaildirReadback(
        str(tmp_path / "{user}" / "Maildir"),
        timeout=5,
        mailbox_of=mailbox_lookup({"alice@example.test": "alice"}),
    )
    assert readback.find("alice@example.test", b"marker-1") == b"Subject: x\r\n\r\nmarker-1\r\n"
    assert readback.find("alice@example.test", b"marker-2") is None
    assert crlf_form(b"a\r\nb\n") == b"a\r\nb\n"  # holds CRLF: stored as sent, kept as is
