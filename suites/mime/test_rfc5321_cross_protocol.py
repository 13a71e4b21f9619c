"""What goes in by SMTP DATA, BDAT or IMAP APPEND comes out of POP3 RETR and IMAP FETCH
BODY[] octet for octet, below the trace fields the target adds (RFC 5321 §4.4), and those
fields are well-formed.

The messages are corpus messages picked for what transports get wrong: lines starting
with '.', a 998-octet line, boundary-like lines, deep nesting, blank lines at the end,
8-bit bodies (sent with BODY=8BITMIME where the target advertises it).  A run given
``--message FILE`` sends those files instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from conformance import Account, HarnessError, Readback, SmtpSession
from conformance._mime_fixtures import Compose, StoredMessage, submit
from conformance._mime_sources import AppendedMessage, MessageFile
from reference_impl.mime import parse_message
from reference_impl.smtp import stamp_faults

from ._corpus import marked, messages, smtp_submission, unsendable_by_smtp

pytestmark = pytest.mark.delivers

_TRANSPORT_TRAPS = (
    "dot-lines-and-998",
    "boundary-line-in-content",
    "outer-boundary-prefix-of-inner",
    "rfc822-three-deep",
    "very-deep-nesting",
)
Deliver = Callable[..., StoredMessage]
# RFC 5321 §4.4: Return-path-line = "Return-Path:" FWS Reverse-path <CRLF>, where
# Reverse-path = Path / "<>" and Path = "<" [ A-d-l ":" ] Mailbox ">".
_RETURN_PATH = rb"\s*<(?:[^<>:\s]+:)?(?:[^\s<>]+@[^\s<>]+)?>\s*"


def _sendable(message: MessageFile) -> None:
    problem = unsendable_by_smtp(message.octets)
    if problem is not None:
        pytest.skip(f"{message.origin} cannot go through SMTP as it is: {problem}")


def _assert_below_trace(delivered: StoredMessage, how: str, message: MessageFile) -> None:
    assert delivered.added is not None, (
        f"sent {message.origin} ({len(delivered.sent)} octets) by {how}, expected it back "
        f"unchanged below any trace fields, got {delivered.stored[-300:]!r} "
        f"(the last 300 of {len(delivered.stored)} octets)"
    )


def _through_imap(
    message: MessageFile, deliver: Deliver, *, chunked: bool = False
) -> StoredMessage:
    """``message`` sent by SMTP (BDAT when ``chunked``), fetched back by IMAP and found
    unchanged below the fields the target added."""
    _sendable(message)
    delivered = deliver(marked(message), smtp_submission(message.octets, chunked=chunked))
    how = "BDAT" if chunked else "DATA"
    _assert_below_trace(delivered, f"{how}, then FETCH BODY[]", message)
    return delivered


@pytest.mark.rfc(5321, "4.4", "MUST")
@messages(*_TRANSPORT_TRAPS)
def test_data_then_imap_fetch_is_unchanged_below_the_trace_fields(
    mime_message: MessageFile, imap_delivered_message: Deliver
) -> None:
    """SMTP servers MUST prepend Received lines to messages; they MUST NOT change the order
    of existing lines or insert Received lines in any other location.

    The message goes in by DATA (dot-stuffed on the wire) and comes out of FETCH BODY[]:
    every octet sent must follow what the target prepended.
    """
    _through_imap(mime_message, imap_delivered_message)


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis="RFC 1939 predates RFC 2119; RETR is defined to send the message, byte-stuffed; "
    "with RFC 5321 §4.4 only trace fields may stand above the message as sent",
)
@messages("dot-lines-and-998", "boundary-line-in-content", "preamble-and-epilogue")
def test_data_then_pop3_retr_is_unchanged_below_the_trace_fields(
    mime_message: MessageFile, retrieved_message: Callable[[Compose], StoredMessage]
) -> None:
    """If the POP3 server issues a positive response, then the response given is
    multi-line.  After the initial +OK, the POP3 server sends the message corresponding
    to the given message-number, being careful to byte-stuff the termination character.

    Lines starting with '.' are stuffed twice on the way (SMTP, POP3) and unstuffed twice;
    blank lines at the end must survive the terminating CRLF.CRLF.
    """
    _sendable(mime_message)
    if smtp_submission(mime_message.octets).needs:
        pytest.skip(f"{mime_message.origin} needs an SMTP extension; RETR is tested on 7-bit mail")
    delivered = retrieved_message(marked(mime_message))
    _assert_below_trace(delivered, "DATA, then RETR", mime_message)


@pytest.mark.rfc(
    3030,
    "2",
    "MUST",
    basis="RFC 3030 §2 defines a chunk's octets as the message data, nothing stuffed or "
    "removed; with RFC 5321 §4.4 only trace fields may be added above them",
)
@messages("dot-lines-and-998", "rfc822-three-deep")
def test_bdat_then_imap_fetch_is_unchanged_below_the_trace_fields(
    mime_message: MessageFile, imap_delivered_message: Deliver
) -> None:
    """The message data is sent immediately after the trailing <CR> <LF> of the BDAT
    command line.  Once the receiver-SMTP receives the specified number of octets, it
    will return a 250 reply code.

    Sent in two BDAT chunks (the first ending mid-line) where CHUNKING is advertised.
    """
    _through_imap(mime_message, imap_delivered_message, chunked=True)


@pytest.mark.rfc(
    3501,
    "6.3.11",
    "MUST",
    basis="§6.3.11 defines APPEND as storing the literal as the new message and §6.4.5 "
    "BODY[] as the entire message; only 8-bit data may be converted, so 7-bit comes back as is",
)
@messages(*_TRANSPORT_TRAPS)
def test_append_then_fetch_is_unchanged(
    mime_message: MessageFile, appended_message: Callable[[bytes], AppendedMessage]
) -> None:
    """The APPEND command appends the literal argument as a new message to the end of the
    specified destination mailbox."""
    if smtp_submission(mime_message.octets).needs:
        pytest.skip(
            f"{mime_message.origin} has 8-bit octets, which a server may convert to 7-bit "
            "(RFC 3501 §6.3.11)"
        )
    appended = appended_message(mime_message.octets)
    assert appended.stored == appended.sent, (
        f"APPENDed {mime_message.origin} ({len(appended.sent)} octets), FETCH BODY[] "
        f"returned {len(appended.stored)} octets differing from octet "
        f"{_first_difference(appended.sent, appended.stored)}: {appended.stored[-300:]!r}"
    )


@pytest.mark.rfc(
    6152,
    "3",
    "MUST",
    basis="RFC 6152 §3 writes the rule with a lower-case 'must' (it predates RFC 8174's "
    "reading); it is the extension's whole point, binding on every server announcing it",
)
@messages("8bit-body", "rfc822-8bit-in-mixed", "multipart-8bit-cte")
def test_8bitmime_body_keeps_every_bit_through_imap(
    mime_message: MessageFile, imap_delivered_message: Deliver
) -> None:
    """Once a server SMTP supporting the 8bit-MIMEtransport service extension accepts a
    content body containing octets with the high-order (8th) bit set, the server SMTP must
    deliver or relay the content in such a way as to preserve all bits in each octet.

    Sent with BODY=8BITMIME where advertised, read back by FETCH BODY[].
    """
    if "8BITMIME" not in smtp_submission(mime_message.octets).needs:
        pytest.skip(f"{mime_message.origin} is 7-bit: nothing for 8BITMIME to carry")
    _through_imap(mime_message, imap_delivered_message)


@pytest.mark.rfc(6531, "3.1", "MUST")
@messages("utf8-headers-under-6532")
def test_smtputf8_message_is_stored_unchanged(
    mime_message: MessageFile, smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If an SMTP server includes SMTPUTF8 in its EHLO response, it MUST be fully compliant
    with this version of this specification.  The mail message body is extended as
    specified in RFC 6532 [RFC6532].

    A MIME message with UTF-8 header fields, sent with SMTPUTF8 and BODY=8BITMIME where
    advertised, is stored octet for octet below the trace fields.
    """
    _sendable(mime_message)
    sender, recipient = accounts[0].address, accounts[1].address
    compose, submission = marked(mime_message), smtp_submission(mime_message.octets)
    marker, raw = submit(smtp, sender, recipient, compose, submission)
    stored = readback.poll(recipient, marker)
    if stored is None:  # RFC 6531 §3.2: a later hop without SMTPUTF8 may bounce it
        raise HarnessError(
            f"{readback.missing(recipient, marker)}: accepted with 250, so a later hop "
            "without SMTPUTF8 may have bounced it (RFC 6531 §3.2); the target is not graded"
        )
    _assert_below_trace(StoredMessage(raw, stored), "DATA with SMTPUTF8", mime_message)


@pytest.mark.rfc(
    5321,
    "4.4",
    "MUST",
    basis="§4.4: a server MUST insert trace information; this ABNF is the form the "
    "section gives the Received line",
)
@messages("rfc822-in-mixed")
def test_received_fields_added_are_time_stamp_lines(
    mime_message: MessageFile, imap_delivered_message: Deliver
) -> None:
    """The time stamp line and the return path line are formally defined as follows (the
    definitions for "FWS" and "CFWS" appear in RFC 5322 [4]):

    Every Received field above the message as FETCH returns it (the SMTP server's and any
    later hop's) must match Time-stamp-line = "Received:" FWS Stamp <CRLF>.
    """
    delivered = _through_imap(mime_message, imap_delivered_message)
    added = parse_message(delivered.added or b"").root.get_all("received")
    assert added, f"no Received field above the delivered message: {delivered.added!r}"
    faults = {field.text: stamp_faults(field.text) for field in added}
    broken = {text: why for text, why in faults.items() if why}
    assert not broken, f"Received fields the target added are no Stamp: {broken}"


@pytest.mark.rfc(5321, "4.4", "MUST")
@messages("plain-ascii")
def test_return_path_added_is_a_return_path_line(
    mime_message: MessageFile, imap_delivered_message: Deliver
) -> None:
    """When the delivery SMTP server makes the "final delivery" of a message, it inserts
    a return-path line at the beginning of the mail data.  This use of return-path is
    required; mail systems MUST support it.

    A message read from the mailbox it was delivered to has had its final delivery: a
    Return-Path field stands above it, Return-path-line = "Return-Path:" FWS
    Reverse-path <CRLF>.
    """
    delivered = _through_imap(mime_message, imap_delivered_message)
    paths = parse_message(delivered.added or b"").root.get_all("return-path")
    assert paths, f"no Return-Path field above the delivered message: {delivered.added!r}"
    wrong = [f.raw for f in paths if re.fullmatch(_RETURN_PATH, f.raw.split(b":", 1)[1]) is None]
    assert not wrong, f"Return-Path fields that are no Return-path-line: {wrong}"


def _first_difference(sent: bytes, got: bytes) -> int:
    return next(
        (i for i, (a, b) in enumerate(zip(sent, got, strict=False)) if a != b),
        min(len(sent), len(got)),
    )

