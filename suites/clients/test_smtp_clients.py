"""Real SMTP clients graded by the judge: one test per check, over every client
(``_adapters``) and every scenario the check is graded under.

A check failed by a client is a finding only when its sentence backs it; the findings
kept are marked as expected failures here and written up, with transcripts, in
docs/client-findings.md.
"""

from __future__ import annotations

import pytest

from suites.clients._judged import assert_holds, cases

# Findings kept (docs/client-findings.md): (client, scenario) -> what was seen.
_NO_QUIT = "closes without QUIT after {} (docs/client-findings.md)"
_INJECTED = "swaks reads plaintext injected after the 220 to STARTTLS (docs/client-findings.md)"
QUIT_FINDINGS = {
    **{
        ("msmtp", scenario): _NO_QUIT.format("an error reply")
        for scenario in (
            "rcpt-4xx",
            "mail-5xx",
            "size-limit",
            "starttls-refused",
            "malformed-reply",
        )
    },
    ("curl", "starttls-refused"): _NO_QUIT.format("a refused STARTTLS"),
    ("swaks", "starttls-refused"): _NO_QUIT.format("a refused STARTTLS"),
    ("swaks", "starttls-injection"): _INJECTED,  # its QUIT went as mail data
}
INJECTION_FINDINGS = {("swaks", "starttls-injection"): _INJECTED}
# Read to the judge's bound ([practice] SHOULD: warnings, kept so that --strict-should,
# which fails a broken SHOULD, still passes on these clients; docs/client-findings.md).
_READ_TO_BOUND = "reads {} to the judge's bound ([practice]; docs/client-findings.md)"
UNBOUNDED_READS = {
    ("swaks", "endless-reply"): _READ_TO_BOUND.format("a reply without end"),
    ("smtplib", "endless-reply"): _READ_TO_BOUND.format("a reply of endless lines"),
    ("swaks", "oversized-reply-line"): _READ_TO_BOUND.format("a reply line without end"),
}
# swaks takes the injected reply as its own in every run (the injection check); what it
# does next depends on timing and shows in most runs only: its QUIT sent as mail data,
# or, a reply out of step, its DATA sent in one group with the QUIT.
INJECTION_AFTERMATH = frozenset({("swaks", "starttls-injection")})

# Which check each test grades (tests/judge checks the markers match the checks').
CHECK_OF = {
    "test_crlf_line_ends": "crlf-line-ends",
    "test_waits_for_the_greeting": "waits-for-greeting",
    "test_waits_for_each_reply": "waits-for-replies",
    "test_dot_stuffing": "dot-stuffing",
    "test_mail_data_ends_with_crlf_dot_crlf": "data-ends-with-crlf-dot-crlf",
    "test_command_syntax": "command-syntax",
    "test_command_sequence": "command-sequence",
    "test_line_lengths": "line-lengths",
    "test_quit_before_closing": "quit-at-end",
    "test_ehlo_first_after_starttls": "ehlo-after-starttls",
    "test_no_password_in_the_clear": "no-password-in-clear",
    "test_falls_back_to_helo": "helo-fallback",
    "test_size_refusal_is_honoured": "size-refusal-honoured",
    "test_plaintext_injected_after_starttls_is_discarded": "starttls-injection-discarded",
    "test_no_mail_in_the_clear_after_a_refused_starttls": "no-mail-after-refused-starttls",
    "test_tries_a_deferred_recipient_again": "retries-deferred",
    "test_does_not_repeat_a_refused_mail": "no-repeat-after-5xx",
    "test_reports_a_dropped_message_as_not_delivered": "reports-non-delivery",
    "test_gives_up_a_reply_without_end": "bounds-endless-reply",
    "test_gives_up_a_reply_line_without_end": "bounds-oversized-line",
    "test_an_out_of_range_reply_ends_the_transaction": "out-of-range-reply-fatal",
}


@pytest.mark.rfc(5321, "2.3.8", "MUST")
@pytest.mark.parametrize(("client", "scenario"), cases("crlf-line-ends"))
def test_crlf_line_ends(client: str, scenario: str) -> None:
    """SMTP client implementations MUST NOT transmit these characters except when they are
    intended as line terminators and then MUST, as indicated above, transmit them only as
    a <CRLF> sequence."""
    assert_holds("crlf-line-ends", client, scenario)


@pytest.mark.rfc(5321, "4.3.1", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("waits-for-greeting"))
def test_waits_for_the_greeting(client: str, scenario: str) -> None:
    """The sender SHOULD wait for this greeting message before sending any commands."""
    assert_holds("waits-for-greeting", client, scenario)


@pytest.mark.rfc(5321, "4.3.1", "MUST")
@pytest.mark.parametrize(
    ("client", "scenario"),
    cases("waits-for-replies", INJECTION_FINDINGS, unsteady=INJECTION_AFTERMATH),
)
def test_waits_for_each_reply(client: str, scenario: str) -> None:
    """Unless other arrangements are negotiated through service extensions, the sender
    MUST wait for this response before sending further commands."""
    assert_holds("waits-for-replies", client, scenario)


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis="§4.5.2 states the procedure without an RFC 2119 keyword; without it the mail "
    "data is cut at a line holding a lone period, so the message is altered",
)
@pytest.mark.parametrize(("client", "scenario"), cases("dot-stuffing"))
def test_dot_stuffing(client: str, scenario: str) -> None:
    """Before sending a line of mail text, the SMTP client checks the first character of
    the line. If it is a period, one additional period is inserted at the beginning of the
    line."""
    assert_holds("dot-stuffing", client, scenario)


@pytest.mark.rfc(
    5321,
    "4.1.1.4",
    "MUST",
    basis="§4.1.1.4 defines the end of mail data, and §4.1.1.10: the sender MUST NOT "
    "intentionally close the channel before QUIT",
)
@pytest.mark.parametrize(
    ("client", "scenario"),
    cases("data-ends-with-crlf-dot-crlf", INJECTION_FINDINGS, unsteady=INJECTION_AFTERMATH),
)
def test_mail_data_ends_with_crlf_dot_crlf(client: str, scenario: str) -> None:
    """The mail data are terminated by a line containing only a period, that is, the
    character sequence "<CRLF>.<CRLF>"."""
    assert_holds("data-ends-with-crlf-dot-crlf", client, scenario)


@pytest.mark.rfc(
    5321,
    "4.1.2",
    "MUST",
    basis="§4.1.2 gives the grammar of commands and paths; a server answers what breaks "
    "it with 500 or 501, and §4.1.1: clients MUST NOT send parameters that were not offered",
)
@pytest.mark.parametrize(("client", "scenario"), cases("command-syntax"))
def test_command_syntax(client: str, scenario: str) -> None:
    """The syntax of the argument clauses of the above commands (using the syntax
    specified in RFC 5234 [7] where applicable) is given below."""
    assert_holds("command-syntax", client, scenario)


@pytest.mark.rfc(5321, "4.1.4", "MUST")
@pytest.mark.parametrize(("client", "scenario"), cases("command-sequence"))
def test_command_sequence(client: str, scenario: str) -> None:
    """A session that will contain mail transactions MUST first be initialized by the use
    of the EHLO command."""
    assert_holds("command-sequence", client, scenario)


@pytest.mark.rfc(5321, "4.5.3.1", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("line-lengths"))
def test_line_lengths(client: str, scenario: str) -> None:
    """Objects larger than these sizes SHOULD be avoided when possible."""
    assert_holds("line-lengths", client, scenario)


@pytest.mark.rfc(5321, "4.1.1.10", "MUST")
@pytest.mark.parametrize(
    ("client", "scenario"), cases("quit-at-end", QUIT_FINDINGS, unsteady=INJECTION_AFTERMATH)
)
def test_quit_before_closing(client: str, scenario: str) -> None:
    """The sender MUST NOT intentionally close the transmission channel until it sends a
    QUIT command."""
    assert_holds("quit-at-end", client, scenario)


@pytest.mark.rfc(3207, "4.2", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("ehlo-after-starttls"))
def test_ehlo_first_after_starttls(client: str, scenario: str) -> None:
    """The client SHOULD send an EHLO command as the first command after a successful TLS
    negotiation."""
    assert_holds("ehlo-after-starttls", client, scenario)


@pytest.mark.rfc(4616, "6", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("no-password-in-clear"))
def test_no_password_in_the_clear(client: str, scenario: str) -> None:
    """By default, implementations SHOULD NOT advertise and SHOULD NOT make use of the
    PLAIN mechanism unless adequate data security services are in place."""
    assert_holds("no-password-in-clear", client, scenario)


@pytest.mark.rfc(5321, "4.1.1.1", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("helo-fallback"))
def test_falls_back_to_helo(client: str, scenario: str) -> None:
    """For a particular connection attempt, if the server returns a "command not
    recognized" response to EHLO, the client SHOULD be able to fall back and send HELO."""
    assert_holds("helo-fallback", client, scenario)


@pytest.mark.rfc(
    1870,
    "6.2",
    "SHOULD",
    basis="RFC 1870 predates RFC 2119; its lower-case 'should' is graded as SHOULD",
)
@pytest.mark.parametrize(("client", "scenario"), cases("size-refusal-honoured"))
def test_size_refusal_is_honoured(client: str, scenario: str) -> None:
    """If the code "552 message exceeds fixed maximum message size" is received, the
    client should immediately send either a RSET command (if it wishes to attempt to send
    additional messages), or a QUIT command."""
    assert_holds("size-refusal-honoured", client, scenario)


@pytest.mark.rfc(3207, "4.2", "MUST")
@pytest.mark.parametrize(
    ("client", "scenario"), cases("starttls-injection-discarded", INJECTION_FINDINGS)
)
def test_plaintext_injected_after_starttls_is_discarded(client: str, scenario: str) -> None:
    """The client MUST discard any knowledge obtained from the server, such as the list of
    SMTP service extensions, which was not obtained from the TLS negotiation itself."""
    assert_holds("starttls-injection-discarded", client, scenario)


@pytest.mark.rfc(
    3207,
    "4.1",
    "SHOULD",
    basis="[practice] RFC 3207 leaves the choice to the client; a client that asked for "
    "TLS and goes on in the clear defeats it (STARTTLS stripping), so "
    "it is graded as a SHOULD, a warning",
)
@pytest.mark.parametrize(("client", "scenario"), cases("no-mail-after-refused-starttls"))
def test_no_mail_in_the_clear_after_a_refused_starttls(client: str, scenario: str) -> None:
    """If the client receives the 454 response, the client must decide whether or not to
    continue the SMTP session."""
    assert_holds("no-mail-after-refused-starttls", client, scenario)


@pytest.mark.rfc(5321, "4.2.1", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("no-repeat-after-5xx"))
def test_does_not_repeat_a_refused_mail(client: str, scenario: str) -> None:
    """The SMTP client SHOULD NOT repeat the exact request (in the same sequence)."""
    assert_holds("no-repeat-after-5xx", client, scenario)


@pytest.mark.rfc(5321, "4.2.1", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("retries-deferred"))
def test_tries_a_deferred_recipient_again(client: str, scenario: str) -> None:
    """Each reply in this category might have a different time value, but the SMTP client
    SHOULD try again."""
    assert_holds("retries-deferred", client, scenario)


@pytest.mark.rfc(5321, "4.2.5", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("reports-non-delivery"))
def test_reports_a_dropped_message_as_not_delivered(client: str, scenario: str) -> None:
    """The user who originated the message SHOULD be able to interpret the return of a
    transient failure status (by mail message or otherwise) as a non-delivery indication,
    just as a permanent failure would be interpreted."""
    assert_holds("reports-non-delivery", client, scenario)


# The scenarios whose own requirement is that the client still delivers its message.
DELIVERY_TESTS = {
    "test_reads_multiline_replies": ("multiline-replies", "split-replies"),
    "test_waits_out_slow_replies": ("slow-replies",),
    "test_delivers_after_falling_back_to_helo": ("ehlo-refused",),
}


@pytest.mark.rfc(
    5321,
    "4.2.1",
    "MUST",
    basis="§4.2.1 defines the multiline reply a client reads to its last line (lower-case "
    "'must'), and §4.3.1: the sender MUST wait for the reply",
)
@pytest.mark.parametrize(
    ("client", "scenario"), cases("delivers", only=DELIVERY_TESTS["test_reads_multiline_replies"])
)
def test_reads_multiline_replies(client: str, scenario: str) -> None:
    """The reply text may be longer than a single line; in these cases the complete text
    must be marked so the SMTP client knows when it can stop reading the reply."""
    assert_holds("delivers", client, scenario)


@pytest.mark.rfc(5321, "4.5.3.2", "SHOULD")
@pytest.mark.parametrize(
    ("client", "scenario"), cases("delivers", only=DELIVERY_TESTS["test_waits_out_slow_replies"])
)
def test_waits_out_slow_replies(client: str, scenario: str) -> None:
    """Based on extensive experience with busy mail-relay hosts, the minimum per-command
    timeout values SHOULD be as follows:"""
    assert_holds("delivers", client, scenario)


@pytest.mark.rfc(5321, "4.1.1.1", "SHOULD")
@pytest.mark.parametrize(
    ("client", "scenario"),
    cases("delivers", only=DELIVERY_TESTS["test_delivers_after_falling_back_to_helo"]),
)
def test_delivers_after_falling_back_to_helo(client: str, scenario: str) -> None:
    """For a particular connection attempt, if the server returns a "command not
    recognized" response to EHLO, the client SHOULD be able to fall back and send HELO."""
    assert_holds("delivers", client, scenario)


# The hostile replies (reference_impl/smtp/_hostile_replies.py): the client bounds what
# it reads, and takes a code out of range for a failure.
@pytest.mark.rfc(
    5321,
    "4.2.1",
    "SHOULD",
    basis="[practice]: the sentence binds the server, and no RFC bounds what a client "
    "reads; a client that does not bound it is held (or fills its memory) as long as the "
    "server likes. Graded by the client ending the session where the reply's end never comes",
)
@pytest.mark.parametrize(("client", "scenario"), cases("bounds-endless-reply", UNBOUNDED_READS))
def test_gives_up_a_reply_without_end(client: str, scenario: str) -> None:
    """The reply text may be longer than a single line; in these cases the complete text
    must be marked so the SMTP client knows when it can stop reading the reply."""
    assert_holds("bounds-endless-reply", client, scenario)


@pytest.mark.rfc(
    5321,
    "4.5.3.1.5",
    "SHOULD",
    basis="[practice]: the sentence binds the server, and no RFC bounds what a client "
    "reads; a client that does not bound it is held (or fills its memory) as long as the "
    "server likes. Graded by the client ending the session where a reply line never ends",
)
@pytest.mark.parametrize(("client", "scenario"), cases("bounds-oversized-line", UNBOUNDED_READS))
def test_gives_up_a_reply_line_without_end(client: str, scenario: str) -> None:
    """The maximum total length of a reply line including the reply code and the <CRLF> is
    512 octets."""
    assert_holds("bounds-oversized-line", client, scenario)


@pytest.mark.rfc(5321, "4.2", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("out-of-range-reply-fatal"))
def test_an_out_of_range_reply_ends_the_transaction(client: str, scenario: str) -> None:
    """Clients that receive such out-of-range codes SHOULD normally treat them as fatal
    errors and terminate the mail transaction."""
    assert_holds("out-of-range-reply-fatal", client, scenario)
