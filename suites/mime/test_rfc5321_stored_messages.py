"""MIME messages delivered by SMTP DATA and read back from the target's store.

A target may add trace fields above a message (RFC 5321 §4.4); every octet of the message
as sent must follow them unchanged, whatever its MIME structure, and what the target adds
must itself be well-formed header fields, or the stored message stops parsing as sent.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance._mime_fixtures import Compose, StoredMessage
from reference_impl.mime import (
    Encapsulated,
    Leaf,
    MessageSpec,
    MimeDefectKind,
    Multipart,
    Node,
    build,
    mailbox,
    parse_message,
)

pytestmark = pytest.mark.delivers

_K = MimeDefectKind
# Defects that fields put above the message would show: the rest belong to the message.
_FIELD_DEFECTS = {
    _K.HEADER_SYNTAX,
    _K.HEADER_NAME,
    _K.HEADER_FOLD_FIRST,
    _K.HEADER_WS_ONLY_LINE,
    _K.HEADER_CONTROL,
    _K.HEADER_8BIT,
    _K.BARE_CR,
    _K.BARE_LF,
    _K.NUL,
    _K.LINE_TOO_LONG,
}
_ATTACHMENT = bytes(range(256)) * 3
_INNER = MessageSpec(
    headers=(
        ("From", "carl@example.net"),
        ("Date", "Wed, 2 Dec 2026 09:00:00 +0100"),
        ("Subject", "the forwarded one"),
    ),
    body=Leaf(body=b"Inner text.\r\n"),
)
_SHAPES: dict[str, Node] = {
    "mixed-qp-base64-2231": Multipart(
        parts=(
            Leaf(
                body="Grüße, a line of text\r\n".encode(),
                encoding="quoted-printable",
                params={"charset": "utf-8"},
            ),
            Leaf(
                media_type="application/octet-stream",
                body=_ATTACHMENT,
                encoding="base64",
                disposition="attachment",
                disposition_params={"filename": "résumé 2026.bin"},
            ),
        )
    ),
    "alternative-and-rfc822": Multipart(
        parts=(
            Multipart(
                subtype="alternative",
                parts=(
                    Leaf(body=b"plain\r\n"),
                    Leaf(media_type="text/html", body=b"<p>html</p>\r\n"),
                ),
            ),
            Encapsulated(_INNER),
        ),
        preamble=b"This is a MIME message.",
        epilogue=b"the epilogue\r\n",
    ),
    "digest": Multipart(subtype="digest", parts=(Encapsulated(_INNER, implicit=True),) * 2),
}


def _composer(shape: Node) -> Compose:
    def compose(marker: bytes) -> bytes:
        token = marker.decode("ascii")
        headers = (
            ("From", mailbox("Conformance", "sender@example.com")),
            ("To", "recipient@example.com"),
            ("Date", "Thu, 3 Dec 2026 10:00:00 +0000"),
            ("Message-ID", f"<{token}@conformance.test>"),
            ("Subject", f"MIME conformance {token} «structure»"),
        )
        return build(MessageSpec(headers, shape))

    return compose


@pytest.mark.rfc(5321, "4.4", "MUST")
@pytest.mark.parametrize("shape", list(_SHAPES), ids=list(_SHAPES))
def test_mime_message_is_stored_unchanged_below_the_trace_fields(
    shape: str, stored_message: Callable[[Compose], StoredMessage]
) -> None:
    """SMTP servers MUST prepend Received lines to messages; they MUST NOT change the order
    of existing lines or insert Received lines in any other location.

    The message is a MIME structure built by the reference builder (boundaries, encoded
    words, RFC 2231 parameters, base64 and quoted-printable bodies); what the store holds
    must end with it, octet for octet.
    """
    delivered = stored_message(_composer(_SHAPES[shape]))
    assert delivered.added is not None, (
        f"sent a {shape} MIME message of {len(delivered.sent)} octets by DATA, expected it "
        f"stored unchanged below any trace fields, got {delivered.stored[-400:]!r} "
        f"(last 400 of {len(delivered.stored)} octets)"
    )


@pytest.mark.rfc(
    5322,
    "2.2",
    "MUST",
    basis="RFC 5322 §2.2 defines header fields by this syntax (ABNF of "
    "§3.6); an added line outside it is no field and breaks the stored message's header",
)
def test_fields_the_target_adds_are_well_formed(
    stored_message: Callable[[Compose], StoredMessage],
) -> None:
    """Header fields are lines beginning with a field name, followed by a colon (":"),
    followed by a field body, and terminated by CRLF.

    Whatever the target puts above the message (Received, Return-Path ...) is part of the
    stored message's header section; it must parse as header fields (RFC 5322 §2.2, §2.2.3,
    §2.1.1), so the message below still starts where it did.
    """
    delivered = stored_message(_composer(_SHAPES["alternative-and-rfc822"]))
    added = delivered.added
    if added is None:
        pytest.fail(f"the message was changed in the store: {delivered.stored[-200:]!r}")
    added_lines = added.count(b"\n")
    parsed = parse_message(delivered.stored)
    broken = [str(d) for d in parsed.defects if d.kind in _FIELD_DEFECTS and d.line <= added_lines]
    assert not broken, f"the target added {added!r} above the message; its faults: {broken}"
    assert len(parsed.root.parts) == 2, (
        f"the stored message no longer parses as the two-part message sent: {added!r} above it"
    )


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis="RFC 1939 predates RFC 2119; RETR is defined to send the "
    "message; with RFC 5321 §4.4 only trace fields may stand above the message as sent",
)
def test_mime_message_retrieved_by_pop3_unchanged_below_the_trace_fields(
    retrieved_message: Callable[[Compose], StoredMessage],
) -> None:
    """If the POP3 server issues a positive response, then the response given is
    multi-line.  After the initial +OK, the POP3 server sends the message corresponding
    to the given message-number, being careful to byte-stuff the termination character.

    What goes in by SMTP DATA comes out by RETR octet for octet, below whatever trace
    fields were prepended on the way.
    """
    delivered = retrieved_message(_composer(_SHAPES["mixed-qp-base64-2231"]))
    assert delivered.added is not None, (
        f"sent a MIME message of {len(delivered.sent)} octets by DATA, expected RETR to "
        f"return it unchanged below any trace fields, got {delivered.stored[-400:]!r} "
        f"(last 400 of {len(delivered.stored)} octets)"
    )
