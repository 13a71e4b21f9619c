"""Real POP3 clients graded by the judge: curl (``pop3://``), Python's poplib and
fetchmail (``_mailbox_adapters``), one test per check over every client and every
scenario the check is graded under; the TLS scenarios are met by a client configured to
require TLS.

A check failed by a client is a finding only when its sentence backs it; the findings
kept are marked as expected failures here and written up, with transcripts, in
docs/client-findings.md.
"""

from __future__ import annotations

import pytest

from suites.clients._mailbox_judged import assert_holds, assert_kept_as_served, cases

# Clients that report success with what they kept of a RETR answer cut off before its
# "." line: only what they kept shows it (docs/client-findings.md).
KEPT_TRUNCATED = {
    ("curl-pop3", "unterminated-retr"): "curl keeps a RETR answer cut off before its "
    '"." line as the whole message (docs/client-findings.md)',
}

# Which check each test grades (tests/judge checks the markers match the checks').
CHECK_OF = {
    "test_crlf_line_ends": "crlf-line-ends",
    "test_command_syntax": "command-syntax",
    "test_command_length": "command-length",
    "test_command_state": "command-state",
    "test_sasl_responses_are_base64": "sasl-base64",
    "test_waits_for_the_stls_handshake": "stls-then-wait",
    "test_quit_to_commit_deletes": "quit-commits-deletes",
    "test_waits_for_the_greeting": "waits-for-greeting",
    "test_no_credentials_in_the_clear_after_a_refused_stls": "no-credentials-in-clear",
    "test_plaintext_injected_after_stls_is_discarded": "injected-plaintext-discarded",
    "test_uidl_when_keeping_mail_on_the_server": "uidl-when-keeping",
}

_PRE_2119 = "RFC 1939 predates RFC 2119; the sentence defines the protocol"


@pytest.mark.rfc(1939, "3", "MUST", basis=_PRE_2119)
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "crlf-line-ends"))
def test_crlf_line_ends(client: str, scenario: str) -> None:
    """All commands are terminated by a CRLF pair."""
    assert_holds("crlf-line-ends", client, scenario)


@pytest.mark.rfc(1939, "3", "MUST", basis=_PRE_2119)
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "command-syntax"))
def test_command_syntax(client: str, scenario: str) -> None:
    """Commands in the POP3 consist of a case-insensitive keyword, possibly followed by one
    or more arguments. ... Keywords and arguments are each separated by a single SPACE
    character."""
    assert_holds("command-syntax", client, scenario)


@pytest.mark.rfc(2449, "4", "MUST", basis="the stated maximum of the protocol")
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "command-length"))
def test_command_length(client: str, scenario: str) -> None:
    """The maximum length of a command is increased from 47 characters ... to 255 octets,
    including the terminating CRLF."""
    assert_holds("command-length", client, scenario)


@pytest.mark.rfc(1939, "7", "MUST", basis=_PRE_2119)
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "command-state"))
def test_command_state(client: str, scenario: str) -> None:
    """PASS ... Restrictions: may only be given in the AUTHORIZATION state immediately
    after a successful USER command"""
    assert_holds("command-state", client, scenario)


@pytest.mark.rfc(5034, "4", "MUST", basis="the stated form of the exchange")
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "sasl-base64"))
def test_sasl_responses_are_base64(client: str, scenario: str) -> None:
    """A client response consists of a line containing a string encoded as Base64."""
    assert_holds("sasl-base64", client, scenario)


@pytest.mark.rfc(2595, "4", "MUST")
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "stls-then-wait"))
def test_waits_for_the_stls_handshake(client: str, scenario: str) -> None:
    """Once a client issues a STLS command, it MUST NOT issue further commands until a
    server response is seen and the TLS negotiation is complete."""
    assert_holds("stls-then-wait", client, scenario)


@pytest.mark.rfc(
    1939,
    "8",
    "SHOULD",
    basis="[practice]: no RFC obliges a client to use UIDL; message numbers do not "
    "persist across sessions (§7: unique-ids do)",
)
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "uidl-when-keeping"))
def test_uidl_when_keeping_mail_on_the_server(client: str, scenario: str) -> None:
    """users and vendors of POP3 clients have discovered that the combination of using
    the UIDL command and not issuing the DELE command can provide a weak version of the
    "maildrop as semi-permanent repository" functionality normally associated with IMAP."""
    assert_holds("uidl-when-keeping", client, scenario)


@pytest.mark.rfc(
    1939,
    "6",
    "SHOULD",
    basis="[practice]: the MUST binds the server; a client that deletes must QUIT for it",
)
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "quit-commits-deletes"))
def test_quit_to_commit_deletes(client: str, scenario: str) -> None:
    """If a session terminates for some reason other than a client-issued QUIT command,
    the POP3 session does NOT enter the UPDATE state and MUST not remove any messages from
    the maildrop."""
    assert_holds("quit-commits-deletes", client, scenario)


@pytest.mark.rfc(
    1939,
    "3",
    "SHOULD",
    basis="[practice]: the order the sentence describes; no keyword binds the client",
)
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "waits-for-greeting"))
def test_waits_for_the_greeting(client: str, scenario: str) -> None:
    """When the connection is established, the POP3 server sends a greeting. The client
    and POP3 server then exchange commands and responses (respectively) until the
    connection is closed or aborted."""
    assert_holds("waits-for-greeting", client, scenario)


@pytest.mark.rfc(8314, "5", "SHOULD")
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "no-credentials-in-clear"))
def test_no_credentials_in_the_clear_after_a_refused_stls(client: str, scenario: str) -> None:
    """MUAs SHOULD be configurable to require a minimum level of confidentiality for any
    particular Mail Account and refuse to exchange information via any service associated
    with that Mail Account if the session does not provide that minimum level of
    confidentiality."""
    assert_holds("no-credentials-in-clear", client, scenario)


@pytest.mark.rfc(2595, "4", "MUST")
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "injected-plaintext-discarded"))
def test_plaintext_injected_after_stls_is_discarded(client: str, scenario: str) -> None:
    """Once TLS has been started, the client MUST discard cached information about server
    capabilities and SHOULD re-issue the CAPA command."""
    assert_holds("injected-plaintext-discarded", client, scenario)


@pytest.mark.rfc(
    1939,
    "3",
    "MUST",
    basis="RFC 1939 predates RFC 2119; the sentence defines how a multi-line response is "
    "read, so a client that keeps the stuffing or a response cut off before its end "
    "alters the message",
)
@pytest.mark.parametrize(("client", "scenario"), cases("pop3", "", KEPT_TRUNCATED))
def test_what_it_kept_is_the_message_served(client: str, scenario: str) -> None:
    """When examining a multi-line response, the client checks to see if the line begins
    with the termination octet. If so and if octets other than CRLF follow, the first
    octet of the line (the termination octet) is stripped away. If so and if CRLF
    immediately follows the termination character, then the response from the POP server
    is ended and the line containing ".CRLF" is not considered part of the multi-line
    response.

    The judge cannot see this: the adapters compare what the client kept (fetchmail adds
    its own Received: field first) with the message served, which has a line to un-stuff.
    """
    assert_kept_as_served(client, scenario)
