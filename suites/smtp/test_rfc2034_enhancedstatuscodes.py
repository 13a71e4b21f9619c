"""RFC 2034: SMTP Service Extension for Returning Enhanced Error Codes, with the status
code syntax of RFC 3463."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from conformance import Mailbox, SmtpSession
from reference_impl.smtp import Reply

from ._extensions import expect, mail_ready
from ._rfc5321 import helo_ready

pytestmark = pytest.mark.requires("ENHANCEDSTATUSCODES")

# RFC 3463 §2: status-code = class "." subject "." detail, 1*3digit each, then a space.
_STATUS = re.compile(
    rb"(?P<code>(?P<class>[245])\.(?P<subject>[0-9]{1,3})\.(?P<detail>[0-9]{1,3}))(?: |$)"
)
_LEADING_ZERO = re.compile(r"(?:^|\.)0[0-9]")

Scenario = Callable[[SmtpSession, Mailbox, Mailbox], tuple[str, Reply]]


def _noop(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> tuple[str, Reply]:
    return "NOOP", smtp.noop()


def _rset(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> tuple[str, Reply]:
    return "RSET", smtp.rset()


def _mail(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> tuple[str, Reply]:
    return f"MAIL FROM:<{sender.address}>", smtp.mail(sender.address)


def _rcpt_without_mail(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> tuple[str, Reply]:
    return "RCPT TO before MAIL", smtp.rcpt(recipient.address)


def _unknown_command(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> tuple[str, Reply]:
    return "XCONFORMANCE (unknown command)", smtp.command("XCONFORMANCE")


def _quit(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> tuple[str, Reply]:
    return "QUIT", smtp.quit()


SCENARIOS: dict[str, Scenario] = {
    "noop": _noop,
    "rset": _rset,
    "mail": _mail,
    "rcpt-without-mail": _rcpt_without_mail,
    "unknown-command": _unknown_command,
    "quit": _quit,
}


def _run(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, scenario: str
) -> tuple[str, Reply]:
    mail_ready(smtp, "ENHANCEDSTATUSCODES")
    sent, reply = SCENARIOS[scenario](smtp, sender, recipient)
    if reply.severity not in (2, 4, 5):
        pytest.skip(f"{sent} got {reply}; status codes are required on 2xx/4xx/5xx only")
    return sent, reply


def _status_of(line: bytes) -> re.Match[bytes] | None:
    return _STATUS.match(line)


@pytest.mark.rfc(
    2034,
    "3",
    "MUST",
    basis=(
        "The extension is defined (§3 item 3) with no parameter to ENHANCEDSTATUSCODES. "
        "RFC 2034 (1996) predates RFC 2119; its 'must' is lower case."
    ),
)
def test_ehlo_keyword_has_no_parameter(smtp: SmtpSession) -> None:
    """no parameter is used with the ENHANCEDSTATUSCODES EHLO keyword;"""
    mail_ready(smtp, "ENHANCEDSTATUSCODES")
    value = smtp.extensions["ENHANCEDSTATUSCODES"]
    assert value == "", (
        f"sent EHLO; expected 'ENHANCEDSTATUSCODES' alone; got 'ENHANCEDSTATUSCODES {value}'"
    )


@pytest.mark.rfc(
    2034,
    "4",
    "MUST",
    basis=(
        "§4: the codes 'must appear in all 2xx, 4xx, and 5xx response lines' other than "
        "the greeting and HELO/EHLO replies. RFC 2034 (1996) predates RFC 2119; its "
        "'must' is lower case."
    ),
)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_status_code_on_every_line(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, scenario: str
) -> None:
    """These codes must appear in all 2xx, 4xx, and 5xx response lines other than initial
    greeting and any response to HELO or EHLO."""
    sent, reply = _run(smtp, sender, recipient, scenario)
    missing = [line for line in reply.lines if _status_of(line) is None]
    assert not missing, expect(
        reply, sent=sent, expected="every line's text to start with class.subject.detail"
    )


@pytest.mark.rfc(
    2034,
    "4",
    "MUST",
    basis=(
        "§4: status codes 'must agree with the primary response code'. RFC 2034 (1996) "
        "predates RFC 2119; its 'must' is lower case."
    ),
)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_status_class_matches_reply_code(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, scenario: str
) -> None:
    """All status codes returned by the server must agree with the primary response code,
    that is, a 2xx response must incorporate a 2.X.X code, a 4xx response must
    incorporate a 4.X.X code, and a 5xx response must incorporate a 5.X.X code."""
    sent, reply = _run(smtp, sender, recipient, scenario)
    found = [m.group("class") for line in reply.lines if (m := _status_of(line))]
    if not found:
        pytest.skip(f"{sent} got {reply}: no status code to compare (a presence test fails)")
    wrong = [cls for cls in found if int(cls) != reply.severity]
    assert not wrong, expect(reply, sent=sent, expected=f"status codes of class {reply.severity}")


@pytest.mark.rfc(
    2034,
    "4",
    "MUST",
    basis=(
        "§4: the same status code 'must appear' on each line of a continued response. RFC"
        " 2034 (1996) predates RFC 2119; its 'must' is lower case."
    ),
)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_same_status_code_on_each_line(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, scenario: str
) -> None:
    """When responses are continued across multiple lines the same status code must
    appear at the beginning of the text in each line of the response."""
    sent, reply = _run(smtp, sender, recipient, scenario)
    codes = {m.group("code") if (m := _status_of(line)) else None for line in reply.lines}
    assert len(codes) == 1, expect(reply, sent=sent, expected="one status code on all lines")


@pytest.mark.rfc(3463, "2", "MUST")
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_status_code_without_leading_zeros(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, scenario: str
) -> None:
    """White-space characters and comments are NOT allowed within a status-code.  Each
    numeric sub-code within the status-code MUST be expressed without leading zero
    digits."""
    sent, reply = _run(smtp, sender, recipient, scenario)
    found = [m.group("code").decode() for line in reply.lines if (m := _status_of(line))]
    if not found:
        pytest.skip(f"{sent} got {reply}: no status code to check (a presence test fails)")
    bad = [code for code in found if _LEADING_ZERO.search(code)]
    assert not bad, expect(reply, sent=sent, expected="sub-codes without leading zeros")


@pytest.mark.rfc(
    2034,
    "4",
    "MUST",
    basis=(
        "§4: servers 'must attach enhanced status codes' whether or not the client used "
        "EHLO. RFC 2034 (1996) predates RFC 2119; its 'must' is lower case."
    ),
)
@pytest.mark.parametrize("opening", ["HELO", "no-greeting-command"])
def test_status_codes_without_ehlo(smtp: SmtpSession, opening: str) -> None:
    """Servers supporting this extension must attach enhanced status codes to their
    responses regardless of whether or not EHLO is employed by the client."""
    if opening == "HELO":
        # STARTTLS first where the target requires it: RFC 3207 §4 lets it refuse HELO
        # before TLS with 530; the handshake resets the session, so no EHLO counts after.
        helo = helo_ready(smtp)
        assert helo.code == 250, expect(helo, sent="HELO", expected="250")
    reply = smtp.noop()
    sent = "HELO, then NOOP" if opening == "HELO" else "NOOP right after the greeting"
    assert reply.severity == 2, expect(reply, sent=sent, expected="250")
    assert all(_status_of(line) for line in reply.lines), expect(
        reply, sent=sent, expected="a status code (2.0.0) even without EHLO"
    )
