"""RFC 5321 §4.1.1.4, §4.4: the Received: trace field a server adds to each message.

The field is looked for above the message as sent: everything the store holds before
our exact header and body was added on the way in.  Of the Received fields there, the
target's is the one naming our EHLO argument, not one a later hop (an LMTP delivery
agent) put above it (``_trace.target_received``).
"""

from __future__ import annotations

import re
import uuid

import pytest

from conformance import Account, Readback, SmtpSession

from ._rfc5321 import make_message, new_marker, recipients_ready
from ._trace import target_received

pytestmark = pytest.mark.delivers

# RFC 5322 §3.3 date-time with the 4-digit year §4.4 requires, optional trailing comment.
_DATE_TIME = re.compile(
    r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+(?P<year>\d+)\s+\d{2}:\d{2}(?::\d{2})?"
    r"\s+(?P<zone>\S+)(?:\s*\(.*\))?\s*$"
)
_ADDRESS_LITERAL = re.compile(r"\[(?:IPv6:)?[0-9A-Fa-f:.]+\]")
_EHLO_NAME = "conformance.test"


def _delivered_with_prefix(
    smtp: SmtpSession,
    accounts: tuple[Account, ...],
    readback: Readback,
    *,
    recipients: int = 1,
    extra_top: bytes = b"",
    ehlo_name: str = _EHLO_NAME,
) -> tuple[bytes, bytes]:
    """Deliver a message; return (what the store holds above it, the message as stored)."""
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    message = make_message(sender, recipient, marker)
    data = extra_top + message.data
    recipients_ready(smtp, sender, *[recipient, sender][:recipients], name=ehlo_name)
    reply = smtp.data(data)
    assert reply.code == 250, f"sent a message, expected 250, got {reply}"
    stored = readback.wait_for(recipient.address, marker)
    expected = data
    assert stored.endswith(expected), f"sent {data!r}, expected it stored unchanged, got {stored!r}"
    return stored[: len(stored) - len(expected)], stored


def _server_received(prefix: bytes, ehlo_name: str = _EHLO_NAME) -> str:
    """The target's own Received field (``target_received``); asserted present."""
    found = target_received(prefix, ehlo_name)
    assert found is not None, (
        f"expected a Received: field of the target above the delivered message, found {prefix!r}"
    )
    return found


@pytest.mark.rfc(5321, "4.4", "MUST")
def test_received_field_is_prepended(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """SMTP servers MUST prepend Received lines to messages; they MUST NOT change the order
    of existing lines or insert Received lines in any other location."""
    prefix, stored = _delivered_with_prefix(smtp, accounts, readback)
    assert target_received(prefix, _EHLO_NAME) is not None, (
        "delivered a message, expected the target's Received field prepended (fields of "
        f"LMTP hops after it do not count), got {stored!r}"
    )


@pytest.mark.rfc(5321, "4.4", "MUST")
def test_existing_received_fields_are_kept(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """An Internet mail program MUST NOT change or delete a Received: line that was
    previously added to the message header section.

    The message arrives with two Received fields of earlier hops; the stored message must
    end with them and the rest of the message exactly as sent, in the same order.
    """
    earlier = (
        b"Received: from relay2.example.net (relay2.example.net [192.0.2.2])\r\n"
        b"\tby relay3.example.net with ESMTP id B2; Mon, 01 Jan 2024 00:00:02 +0000\r\n"
        b"Received: from client.example.org ([192.0.2.1])\r\n"
        b"\tby relay2.example.net with SMTP id A1; Mon, 01 Jan 2024 00:00:01 +0000\r\n"
    )
    prefix, _ = _delivered_with_prefix(smtp, accounts, readback, extra_top=earlier)
    assert target_received(prefix, _EHLO_NAME) is not None, (
        f"expected the server's own Received field above them, found {prefix!r}"
    )


@pytest.mark.rfc(5321, "4.4", "MUST")
def test_received_has_from_clause(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The FROM clause, which MUST be supplied in an SMTP environment, SHOULD contain both
    (1) the name of the source host as presented in the EHLO command and (2) an address
    literal containing the IP address of the source, determined from the TCP connection."""
    prefix, _ = _delivered_with_prefix(smtp, accounts, readback)
    field = _server_received(prefix)
    assert re.match(r"(?i)from\s", field), (
        f"delivered over SMTP, expected 'Received: from ...', got 'Received: {field}'"
    )


@pytest.mark.rfc(5321, "4.4", "SHOULD")
def test_received_from_names_ehlo_host_and_address(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The FROM clause, which MUST be supplied in an SMTP environment, SHOULD contain both
    (1) the name of the source host as presented in the EHLO command and (2) an address
    literal containing the IP address of the source, determined from the TCP connection."""
    name = f"trace-{uuid.uuid4().hex[:10]}.conformance.test"
    prefix, _ = _delivered_with_prefix(smtp, accounts, readback, ehlo_name=name)
    field = _server_received(prefix, name)
    from_clause = re.split(r"(?i)\sby\s", field, maxsplit=1)[0]
    assert name.lower() in from_clause.lower() and _ADDRESS_LITERAL.search(from_clause), (
        f"sent 'EHLO {name}', expected the FROM clause to name it and give an address "
        f"literal, got 'Received: {field}'"
    )


@pytest.mark.rfc(5321, "4.4", "MUST")
def test_received_has_by_clause(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """When an SMTP server receives a message for delivery or further processing, it MUST
    insert trace ("time stamp" or "Received") information at the beginning of the message
    content.  The time stamp line and the return path line are formally defined as
    follows: ... Stamp = From-domain By-domain Opt-info [CFWS] ";" FWS date-time"""
    prefix, _ = _delivered_with_prefix(smtp, accounts, readback)
    field = _server_received(prefix)
    assert re.search(r"(?i)\sby\s+\S", field.split(";")[0]), (
        f"expected 'Received: from ... by <domain> ...; <date-time>', got 'Received: {field}'"
    )


@pytest.mark.rfc(5321, "4.4", "MUST")
def test_received_ends_with_date_time(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """When an SMTP server receives a message for delivery or further processing, it MUST
    insert trace ("time stamp" or "Received") information at the beginning of the message
    content.  The time stamp line and the return path line are formally defined as
    follows: ... Stamp = From-domain By-domain Opt-info [CFWS] ";" FWS date-time"""
    prefix, _ = _delivered_with_prefix(smtp, accounts, readback)
    field = _server_received(prefix)
    when = field.rpartition(";")[2].strip()
    assert ";" in field and _DATE_TIME.match(when), (
        f"expected the Received field to end with '; <RFC 5322 date-time>', got 'Received: {field}'"
    )


@pytest.mark.rfc(5321, "4.4", "MUST")
def test_received_date_has_four_digit_year(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """; where "date-time" is as defined in RFC 5322 [4] ; but the "obs-" forms, especially
    two-digit ; years, are prohibited in SMTP and MUST NOT be used.

    (The ABNF comment of the Stamp rule, quoted with its "; " comment markers.)
    """
    prefix, _ = _delivered_with_prefix(smtp, accounts, readback)
    field = _server_received(prefix)
    match = _DATE_TIME.match(field.rpartition(";")[2].strip())
    assert match and len(match.group("year")) == 4, (
        f"expected a date-time with a four-digit year, got 'Received: {field}'"
    )


@pytest.mark.rfc(5321, "4.4", "SHOULD")
def test_received_date_uses_numeric_offset(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """SMTP servers that create Received header fields SHOULD use explicit offsets in the
    dates (e.g., -0800), rather than time zone names of any type."""
    prefix, _ = _delivered_with_prefix(smtp, accounts, readback)
    field = _server_received(prefix)
    match = _DATE_TIME.match(field.rpartition(";")[2].strip())
    assert match and re.fullmatch(r"[+-]\d{4}", match.group("zone")), (
        f"expected a numeric zone offset such as -0800, got 'Received: {field}'"
    )


@pytest.mark.rfc(5321, "4.4", "MUST")
def test_received_for_clause_has_one_path(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If the FOR clause appears, it MUST contain exactly one <path> entry, even when
    multiple RCPT commands have been given."""
    prefix, _ = _delivered_with_prefix(smtp, accounts, readback, recipients=2)
    field = _server_received(prefix)
    clause = re.search(r"(?i)\sfor\s+([^;]*)", field.rpartition(";")[0] + ";")
    if clause is None:
        pytest.skip(f"the Received field has no FOR clause: 'Received: {field}'")
    paths = re.findall(r"<[^<>]*>|[^\s<>,]+@[^\s<>,]+", clause.group(1))
    assert len(paths) == 1, (
        f"sent two RCPT commands, expected at most one path after FOR, got 'Received: {field}'"
    )
