"""Helpers for the SMTP service-extension suites (RFC 1870, 2034, 2920, 3030, 3207, 3461,
4954, 6152, 6531): getting a session to the point a test starts from, building messages
with a unique marker, and comparing what the target stored with what was sent.

Nothing here asserts a requirement; the tests do, each for its own RFC sentence.
"""

from __future__ import annotations

import datetime
import email.utils
import re
import uuid
from collections.abc import Sequence

import pytest

from conformance import Account, SmtpSession
from reference_impl.smtp import Reply

__all__ = [
    "EHLO_NAME",
    "assert_delivered_intact",
    "authentication_ready",
    "build_message",
    "expect",
    "extension_ready",
    "mail_ready",
    "new_marker",
    "said",
    "secure",
    "send_message",
    "shown",
    "trace_prefix",
]


# The EHLO argument the sessions here send (SmtpSession's default): a target's Received
# field names it in its FROM clause (RFC 5321 §4.4).
EHLO_NAME = "conformance.test"


def said(reply: Reply) -> str:
    """A reply as it appeared on the wire, for failure messages."""
    return repr(str(reply))


def expect(reply: Reply, *, sent: str, expected: str) -> str:
    """The standard failure message: what was sent, what was expected, what came back."""
    return f"sent {sent}; expected {expected}; got {said(reply)}"


def new_marker() -> bytes:
    """A marker no other message contains, to find this test's delivery again."""
    return f"conformance-{uuid.uuid4().hex}".encode("ascii")


# -- getting a session ready -------------------------------------------------------------


def _ehlo(smtp: SmtpSession) -> Reply:
    reply = smtp.ehlo()
    assert reply.code == 250, expect(reply, sent="EHLO", expected="250 (the session setup)")
    return reply


def extension_ready(smtp: SmtpSession, keyword: str) -> None:
    """EHLO (and STARTTLS + EHLO when the keyword only appears under TLS); skip if absent.

    RFC 3207 §4.2 allows the extension list to differ after TLS, so a keyword missing in
    clear text is looked for again after the handshake.
    """
    _establish(smtp, authenticate=False)
    if keyword not in smtp.extensions and "STARTTLS" in smtp.extensions and not smtp.tls_active:
        secure(smtp)
    if keyword not in smtp.extensions:
        pytest.skip(f"target does not advertise {keyword} on this connection")


def _establish(smtp: SmtpSession, *, authenticate: bool) -> None:
    """``establish``: EHLO, STARTTLS where required, AUTH when asked and the target has
    credentials; each step asserted."""
    reply = smtp.establish(authenticate=authenticate)
    assert reply.code == 250, expect(
        reply, sent="EHLO (and the target's STARTTLS / AUTH)", expected="250 (the session setup)"
    )


def secure(smtp: SmtpSession) -> None:
    """STARTTLS + EHLO on a session that has seen EHLO; skip on 454 (RFC 3207 §4)."""
    reply = smtp.starttls()
    if reply.code == 454:
        pytest.skip(f"target answered STARTTLS with 454 (TLS temporarily unavailable): {reply}")
    assert reply.code == 220, expect(reply, sent="STARTTLS", expected="220")
    _ehlo(smtp)


def mail_ready(smtp: SmtpSession, keyword: str | None = None) -> None:
    """Ready for a mail transaction: EHLO, the extension checked, AUTH if the target has
    credentials (submission targets refuse MAIL before AUTH, RFC 6409 §4.3)."""
    if keyword is None:
        _establish(smtp, authenticate=True)
        return
    extension_ready(smtp, keyword)
    if not smtp.target.has_credentials:
        return
    if "AUTH" not in smtp.extensions and "STARTTLS" in smtp.extensions and not smtp.tls_active:
        secure(smtp)
    reply = smtp.authenticate()
    assert reply is None or reply.code == 235, expect(
        reply, sent=f"AUTH PLAIN (user {smtp.target.user})", expected="235 (session setup)"
    )


def authentication_ready(smtp: SmtpSession, mechanism: str | None = None) -> list[str]:
    """EHLO, STARTTLS if offered, EHLO; skip unless AUTH (and ``mechanism``) is advertised.

    Servers usually offer AUTH only under TLS (RFC 4954 §4 note on plaintext passwords),
    so TLS is started whenever the target offers it.  Returns the mechanism list.
    """
    _establish(smtp, authenticate=False)
    if "STARTTLS" in smtp.extensions and not smtp.tls_active:
        secure(smtp)
    if "AUTH" not in smtp.extensions:
        pytest.skip("target does not advertise AUTH (before or after STARTTLS)")
    mechanisms = smtp.extensions["AUTH"].upper().split()
    if mechanism is not None and mechanism not in mechanisms:
        pytest.skip(f"target does not advertise the SASL mechanism {mechanism} ({mechanisms})")
    return mechanisms


def shown(replies: Sequence[Reply], smtp: SmtpSession | None = None) -> str:
    """Replies for a failure message, noting a closed connection."""
    text = repr([str(reply) for reply in replies])
    return text + (" and then the connection closed" if smtp is not None and smtp.closed else "")


# -- messages ------------------------------------------------------------------------------


def build_message(
    sender: Account,
    recipient: Account,
    marker: bytes,
    *,
    body: bytes = b"",
    subject: bytes = b"conformance test",
    extra_headers: Sequence[bytes] = (),
) -> bytes:
    """A complete RFC 5322 message in CRLF form containing ``marker``.

    Date, Message-ID, From and To are present so that no server has a reason to add
    header fields below its trace fields (some add missing ones for local clients).
    """
    now = datetime.datetime.now(datetime.UTC)
    headers = [
        b"From: <" + sender.address.encode("utf-8") + b">",
        b"To: <" + recipient.address.encode("utf-8") + b">",
        b"Subject: " + subject + b" " + marker,
        b"Date: " + email.utils.format_datetime(now).encode("ascii"),
        b"Message-ID: <" + marker + b"@conformance.test>",
        b"MIME-Version: 1.0",
        *extra_headers,
    ]
    text = body or b"Test message " + marker + b".\r\n"
    return b"\r\n".join(headers) + b"\r\n\r\n" + text


def send_message(
    smtp: SmtpSession,
    sender: Account,
    recipient: Account,
    content: bytes,
    *,
    mail_parameters: str = "",
) -> Reply:
    """MAIL, RCPT, DATA with ``content``; every step asserted positive, the final reply returned."""
    reply = smtp.mail(sender.address, mail_parameters)
    assert reply.code == 250, expect(
        reply, sent=f"MAIL FROM:<{sender.address}> {mail_parameters}", expected="250"
    )
    reply = smtp.rcpt(recipient.address)
    assert reply.code == 250, expect(reply, sent=f"RCPT TO:<{recipient.address}>", expected="250")
    return smtp.data(content)


_HEADER_BLOCK = re.compile(rb"(?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*)*")


def trace_prefix(delivered: bytes, content: bytes) -> bytes | None:
    """What the target stored above ``content``, or None if ``content`` is not intact.

    Readback returns stored mail in CRLF form, so nothing is forgiven here.
    """
    if not delivered.endswith(content):
        return None
    return delivered[: len(delivered) - len(content)]


def assert_delivered_intact(delivered: bytes, content: bytes) -> bytes:
    """Assert the stored message is the sent one octet for octet below added header fields.

    Returns the added part (the target's trace fields).
    """
    prefix = trace_prefix(delivered, content)
    assert prefix is not None, (
        f"the delivered message is not the {len(content)} octets sent, byte for byte; "
        f"sent {_excerpt(content)}; stored {_excerpt(delivered)}"
    )
    assert _HEADER_BLOCK.fullmatch(prefix.replace(b"\r\n", b"\n")), (
        f"the target added something other than header fields above the message: {_excerpt(prefix)}"
    )
    return prefix


def _excerpt(data: bytes, limit: int = 600) -> str:
    if len(data) <= limit:
        return repr(data)
    half = limit // 2
    return f"{data[:half]!r} ... ({len(data)} octets) ... {data[-half:]!r}"
