"""One mail transaction: MAIL and RCPT checks, the message checks after
DATA/BDAT, and the Received: trace field (RFC 5321 §3.3, §4.1.1, §4.4)."""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass, field

from reference_impl._transparency import dot_unstuff, has_bare_line_end, longest_line_exceeds
from reference_impl.smtp import _codes as c
from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._events import Envelope
from reference_impl.smtp._syntax import Path, parse_path_and_parameters

__all__ = [
    "RELAY_MAILBOX",
    "Transaction",
    "check_message",
    "return_path_field",
    "trace_field",
]

# Where accepted non-local recipients land when relaying is allowed: the
# reference server is a sink and never forwards mail.
RELAY_MAILBOX = "relay"

# RFC 3461 §4: xtext = *( xchar / hexchar ), xchar excluding "+" and "=".
_XTEXT = re.compile(r"(?:[\x21-\x2a\x2c-\x3c\x3e-\x7e]|\+[0-9A-F]{2})*")
_SIZE = re.compile(r"[0-9]{1,20}")  # RFC 1870 §3: size-value = 1*20DIGIT
_NOTIFY = re.compile(r"(?i)NEVER|(?:SUCCESS|FAILURE|DELAY)(?:,(?:SUCCESS|FAILURE|DELAY))*")
_ORCPT = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*;" + _XTEXT.pattern)


def _mail_parameter_error(
    key: str, value: str | None, config: ServerConfig
) -> c.ServerReply | None:
    """Check one MAIL parameter of an advertised extension."""
    if key == "SIZE":  # RFC 1870 §6.2
        if value is None or not _SIZE.fullmatch(value):
            return c.S501_SYNTAX
        return c.S552_TOO_BIG if int(value) > config.max_message_size else None
    if key == "BODY":  # RFC 6152 §2; BINARYMIME is not offered
        return None if (value or "").upper() in ("7BIT", "8BITMIME") else c.S555_BAD_PARAMETER
    if key == "SMTPUTF8":  # RFC 6531 §3.4: no value
        return None if value is None else c.S501_SYNTAX
    if key == "RET":  # RFC 3461 §4.3
        return None if (value or "").upper() in ("FULL", "HDRS") else c.S501_SYNTAX
    if key in ("ENVID", "AUTH"):  # RFC 3461 §4.4, RFC 4954 §5
        return None if value and _XTEXT.fullmatch(value) else c.S501_SYNTAX
    return c.S555_BAD_PARAMETER


def _rcpt_parameter_error(key: str, value: str | None) -> c.ServerReply | None:
    if key == "NOTIFY":  # RFC 3461 §4.1
        return None if value and _NOTIFY.fullmatch(value) else c.S501_SYNTAX
    if key == "ORCPT":  # RFC 3461 §4.2
        return None if value and _ORCPT.fullmatch(value) else c.S501_SYNTAX
    return c.S555_BAD_PARAMETER


@dataclass
class Transaction:
    sender: Path
    config: ServerConfig
    authenticated: bool
    esmtp: bool
    recipients: list[Path] = field(default_factory=list)
    mailboxes: list[str] = field(default_factory=list)
    chunks: bytearray = field(default_factory=bytearray)

    @property
    def smtputf8(self) -> bool:
        return "SMTPUTF8" in self.sender.parameters

    @classmethod
    def begin(
        cls, argument: bytes, *, config: ServerConfig, esmtp: bool, authenticated: bool
    ) -> tuple[Transaction | None, c.ServerReply]:
        """Check ``FROM:<path> [params]``; §4.1.4: on failure the state stays."""
        sender = parse_path_and_parameters(argument, prefix=b"FROM:", allow_null=True, utf8=True)
        if sender is None:
            return None, c.S501_SYNTAX
        if sender.parameters and not esmtp:
            return None, c.S555_BAD_PARAMETER  # extensions need EHLO (§2.2.1)
        for key, value in sender.parameters.items():
            error = _mail_parameter_error(key, value, config)
            if error is not None:
                return None, error
        if not sender.is_ascii and "SMTPUTF8" not in sender.parameters:
            return None, c.S550_UTF8_SENDER_WITHOUT_SMTPUTF8
        transaction = cls(sender=sender, config=config, authenticated=authenticated, esmtp=esmtp)
        return transaction, c.S250_SENDER_OK

    def add_recipient(self, argument: bytes) -> c.ServerReply:
        path = parse_path_and_parameters(argument, prefix=b"TO:", allow_null=False, utf8=True)
        if path is None:
            return c.S501_SYNTAX
        if path.parameters and not self.esmtp:
            return c.S555_BAD_PARAMETER
        for key, value in path.parameters.items():
            error = _rcpt_parameter_error(key, value)
            if error is not None:
                return error
        if not path.is_ascii and not self.smtputf8:
            return c.S553_UTF8_RECIPIENT_WITHOUT_SMTPUTF8
        if len(self.recipients) >= self.config.max_recipients:
            return c.S452_TOO_MANY_RECIPIENTS  # §4.5.3.1.10: 452, not 552
        mailbox = self._mailbox_of(path)
        if isinstance(mailbox, c.ServerReply):
            return mailbox
        self.recipients.append(path)
        if mailbox not in self.mailboxes:
            self.mailboxes.append(mailbox)
        return c.S250_RECIPIENT_OK

    def _mailbox_of(self, path: Path) -> str | c.ServerReply:
        accounts = self.config.accounts
        if not path.domain:  # §4.1.1.3: <Postmaster> without a domain
            domains = sorted(accounts.local_domains)
            found = accounts.mailbox_for(f"postmaster@{domains[0]}") if domains else None
            return found if found is not None else c.S550_NO_SUCH_USER
        if accounts.is_local_domain(path.domain):
            found = accounts.mailbox_for(path.mailbox)
            return found if found is not None else c.S550_NO_SUCH_USER
        if self.config.relay_allowed or self.authenticated:
            return RELAY_MAILBOX
        return c.S550_RELAY_DENIED

    def envelope(self, *, helo_name: str, protocol: str) -> Envelope:
        return Envelope(
            sender=self.sender.mailbox,
            recipients=tuple(r.mailbox for r in self.recipients),
            mailboxes=tuple(self.mailboxes),
            mail_parameters=dict(self.sender.parameters),
            rcpt_parameters=tuple(dict(r.parameters) for r in self.recipients),
            helo_name=helo_name,
            protocol=protocol,
        )


def check_message(
    received: bytes, *, config: ServerConfig, stuffed: bool, oversized: bool
) -> bytes | c.ServerReply:
    """The message content to store, or the reply refusing it.

    Bare CR and bare LF are refused, never normalised: a message whose line
    ends are ambiguous is the raw material of SMTP smuggling
    (CVE-2023-51764/5/6), and §2.3.8 forbids clients to send them.
    """
    if oversized or len(received) > config.max_message_size:
        return c.S552_TOO_BIG
    content = dot_unstuff(received) if stuffed else received
    if has_bare_line_end(content):
        return c.S550_BARE_LINE_END
    if config.max_text_line is not None and longest_line_exceeds(content, config.max_text_line):
        return c.S550_LINE_TOO_LONG
    return content


def return_path_field(envelope: Envelope) -> bytes:
    """The return-path line a server inserts at final delivery (§4.4: "This use of
    return-path is required"): Return-path-line = "Return-Path:" FWS Reverse-path <CRLF>,
    the reverse-path of MAIL FROM, "<>" when it was null."""
    return f"Return-Path: <{envelope.sender}>\r\n".encode()


def trace_field(envelope: Envelope, *, config: ServerConfig, peer_ip: str) -> bytes:
    """The Received: field of §4.4 (Stamp = From-domain By-domain Opt-info)."""
    literal = f"[IPv6:{peer_ip}]" if ":" in peer_ip else f"[{peer_ip}]"
    when = datetime.datetime.fromtimestamp(config.clock(), datetime.UTC)
    date = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    recipient = f"\r\n\tfor <{envelope.recipients[0]}>" if len(envelope.recipients) == 1 else ""
    text = (
        f"Received: from {envelope.helo_name} ({literal})\r\n"
        f"\tby {config.hostname} (mail-conformance) with {envelope.protocol}"
        f" id {secrets.token_hex(8).upper()}{recipient};\r\n\t{date}\r\n"
    )
    return text.encode("utf-8")
