"""Deliberately broken reference-server cores, one broken extension requirement each.

Each class overrides the smallest piece of ``ServerConnection`` that breaks one rule;
``tests/suites/test_smtp_extensions_catch_broken_servers.py`` runs the suite tests for
that rule against it (via ``EmbeddedServers(cores={"smtp": ...})``) and expects them
to fail.
"""

from __future__ import annotations

import dataclasses
import re

from reference_impl.auth import SaslAuthenticated, SaslOutcome, SaslRefused
from reference_impl.smtp import ServerConnection, ServerReply, State, dot_unstuff
from reference_impl.smtp import _codes as c
from reference_impl.smtp._syntax import CommandLine

__all__ = [
    "AuthBase64Lenient",
    "AuthCancelNot501",
    "AuthEqualsIgnored",
    "AuthInTransaction",
    "AuthParameterRefused",
    "AuthRepeatable",
    "AuthUnknownMechanism535",
    "AuthWrongPasswordAccepted",
    "BdatAfterLastAccepted",
    "BdatChunkReadAsCommands",
    "BdatDotUnstuffed",
    "BdatRsetKeepsChunks",
    "BodyParameterRefused",
    "DataAfterBdatAccepted",
    "DsnNotifyRefused",
    "DsnRetUnchecked",
    "EightBitStripped",
    "EnhancedCodeLeadingZero",
    "EnhancedCodeMissing",
    "EnhancedCodeWrongClass",
    "PipeliningFlushesOnError",
    "PipeliningHoldsReplies",
    "SizeAdvertisedNotEnforced",
    "SizeEndsData",
    "SizeParameterIgnored",
    "Smtputf8Without8bitmime",
    "StarttlsAdvertisedAfterTls",
    "StarttlsKeepsPipelinedCommands",
    "StarttlsKeepsSession",
    "StarttlsParameterIgnored",
]


def _without_parameter(command: CommandLine, keyword: bytes) -> CommandLine:
    """The command with every ``KEYWORD=value`` parameter removed."""
    argument = re.sub(rb"(?i) " + keyword + rb"=\S*", b"", command.argument)
    return CommandLine(verb=command.verb, argument=argument)


# -- RFC 3207 --------------------------------------------------------------------------------


class StarttlsKeepsPipelinedCommands(ServerConnection):
    """Executes octets pipelined after STARTTLS once TLS is up (CVE-2011-0411)."""

    _held = b""

    def _starttls(self, command: CommandLine) -> None:
        held = bytes(self._inbox)
        super()._starttls(command)
        self._held = held

    def tls_started(self) -> None:
        super().tls_started()
        self._inbox.feed(self._held)
        self._process()


class StarttlsAdvertisedAfterTls(ServerConnection):
    def _extensions(self) -> dict[str, str]:
        return {**super()._extensions(), "STARTTLS": ""}


class StarttlsKeepsSession(ServerConnection):
    """Keeps the EHLO name and any open transaction across the TLS handshake."""

    _kept: tuple[object, State] | None = None

    def _starttls(self, command: CommandLine) -> None:
        self._kept = (self._session, self.state)
        super()._starttls(command)

    def tls_started(self) -> None:
        super().tls_started()
        if self._kept is not None:
            self._session, self.state = self._kept  # type: ignore[assignment]


class StarttlsParameterIgnored(ServerConnection):
    def _starttls(self, command: CommandLine) -> None:
        super()._starttls(CommandLine(verb=command.verb, argument=b""))


# -- RFC 4954 ----------------------------------------------------------------------------------


class AuthCancelNot501(ServerConnection):
    def _sasl_response(self, line: bytes) -> None:
        if line.strip() == b"*":
            self._sasl = None
            self.state = State.READY
            self._reply(c.S535_AUTH_FAILED)
            return
        super()._sasl_response(line)


class AuthRepeatable(ServerConnection):
    def _auth(self, command: CommandLine) -> None:
        self._session.authenticated_as = None
        super()._auth(command)


class AuthInTransaction(ServerConnection):
    def _command(self, line: bytes) -> None:
        if line[:5].upper() == b"AUTH " and self.state in (State.MAIL, State.RCPT):
            self.state = State.READY
        super()._command(line)


class AuthUnknownMechanism535(ServerConnection):
    def _auth(self, command: CommandLine) -> None:
        name = command.argument.split(b" ", 1)[0].decode("ascii", "replace").upper()
        if self.tls_active and name not in self.config.auth_mechanisms:
            self._reply(c.S535_AUTH_FAILED)
            return
        super()._auth(command)


class AuthEqualsIgnored(ServerConnection):
    """Takes "=" for "no initial response" and prompts with 334."""

    def _auth(self, command: CommandLine) -> None:
        argument = command.argument.removesuffix(b" =")
        super()._auth(CommandLine(verb=command.verb, argument=argument))


class AuthBase64Lenient(ServerConnection):
    """Answers undecodable BASE64 with 535 instead of 501."""

    def _auth_step(self, outcome: SaslOutcome[ServerReply]) -> None:
        if outcome == SaslRefused(reply=c.S501_BAD_BASE64):
            outcome = SaslRefused(reply=c.S535_AUTH_FAILED)
        super()._auth_step(outcome)


class AuthWrongPasswordAccepted(ServerConnection):
    def _auth_step(self, outcome: SaslOutcome[ServerReply]) -> None:
        if outcome == SaslRefused(reply=c.S535_AUTH_FAILED):
            outcome = SaslAuthenticated(user="intruder")
        super()._auth_step(outcome)


class AuthParameterRefused(ServerConnection):
    def _mail(self, command: CommandLine) -> None:
        if b" AUTH=" in command.argument.upper():
            self._reply(c.S555_BAD_PARAMETER)
            return
        super()._mail(command)


# -- RFC 1870 ---------------------------------------------------------------------------------


class SizeParameterIgnored(ServerConnection):
    def _mail(self, command: CommandLine) -> None:
        super()._mail(_without_parameter(command, b"SIZE"))


class SizeAdvertisedNotEnforced(ServerConnection):
    """Advertises a 100000-octet limit but enforces the configured (far larger) one."""

    def _extensions(self) -> dict[str, str]:
        return {**super()._extensions(), "SIZE": "100000"}


class SizeEndsData(ServerConnection):
    """Ends the mail data at the first line end after the octets declared by SIZE=."""

    _cut = False

    def _data_command(self, command: CommandLine) -> None:
        super()._data_command(command)
        self._cut = self.state is State.DATA

    def _consume_data(self) -> None:
        transaction = self._session.transaction
        declared = transaction.sender.parameters.get("SIZE") if transaction else None
        data = self._inbox.extract_all()
        end = data.find(b"\r\n", int(declared or 0))
        if self._cut and declared and end >= 0:
            data = data[:end] + b"\r\n." + data[end:]
            self._cut = False
        self._inbox.feed(data)
        super()._consume_data()


# -- RFC 2920 ---------------------------------------------------------------------------------


class PipeliningFlushesOnError(ServerConnection):
    def _reply(self, reply: ServerReply, *, plain: bool = False) -> None:
        super()._reply(reply, plain=plain)
        if reply.code >= 500:
            self._inbox.clear()


class PipeliningHoldsReplies(ServerConnection):
    """Holds MAIL/RCPT replies until some other command arrives."""

    _held = b""

    def _command(self, line: bytes) -> None:
        before = len(self._outbox)
        super()._command(line)
        if line[:4].upper() in (b"MAIL", b"RCPT"):
            self._held += bytes(self._outbox[before:])
            del self._outbox[before:]
        elif self._held:
            self._outbox[before:before] = self._held
            self._held = b""


# -- RFC 2034 / RFC 3463 ----------------------------------------------------------------------


class EnhancedCodeWrongClass(ServerConnection):
    def _reply(self, reply: ServerReply, *, plain: bool = False) -> None:
        if reply.status:
            wrong = "5" if reply.status[0] == "2" else "2"
            reply = dataclasses.replace(reply, status=wrong + reply.status[1:])
        super()._reply(reply, plain=plain)


class EnhancedCodeLeadingZero(ServerConnection):
    def _reply(self, reply: ServerReply, *, plain: bool = False) -> None:
        if reply.status:
            klass, subject, detail = reply.status.split(".")
            reply = dataclasses.replace(reply, status=f"{klass}.0{subject}.{detail}")
        super()._reply(reply, plain=plain)


class EnhancedCodeMissing(ServerConnection):
    def _reply(self, reply: ServerReply, *, plain: bool = False) -> None:
        super()._reply(reply, plain=True)


# -- RFC 6152 / RFC 6531 ----------------------------------------------------------------------

_STRIP_HIGH_BIT = bytes(range(128)) * 2


class EightBitStripped(ServerConnection):
    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        super()._complete(content.translate(_STRIP_HIGH_BIT), stuffed=stuffed, oversized=oversized)


class BodyParameterRefused(ServerConnection):
    def _mail(self, command: CommandLine) -> None:
        if b" BODY=" in command.argument.upper():
            self._reply(c.S555_BAD_PARAMETER)
            return
        super()._mail(command)


class Smtputf8Without8bitmime(ServerConnection):
    def _extensions(self) -> dict[str, str]:
        extensions = super()._extensions()
        extensions.pop("8BITMIME")
        return extensions


# -- RFC 3030 ---------------------------------------------------------------------------------


class BdatChunkReadAsCommands(ServerConnection):
    """Refuses an out-of-sequence BDAT at once, leaving its chunk to be read as commands."""

    def _bdat(self, command: CommandLine) -> None:
        if self.state not in (State.RCPT, State.CHUNKING):
            self._reply(c.S503_BAD_SEQUENCE)
            return
        super()._bdat(command)


class BdatAfterLastAccepted(ServerConnection):
    def _bdat_refusal(self) -> ServerReply | None:
        return None if self.state is State.READY else super()._bdat_refusal()


class DataAfterBdatAccepted(ServerConnection):
    def _command(self, line: bytes) -> None:
        if line.strip().upper() == b"DATA" and self.state is State.CHUNKING:
            self.state = State.RCPT
        super()._command(line)


class BdatRsetKeepsChunks(ServerConnection):
    _kept = b""

    def _rset(self, command: CommandLine) -> None:
        transaction = self._session.transaction
        self._kept = bytes(transaction.chunks) if transaction is not None else b""
        super()._rset(command)

    def _mail(self, command: CommandLine) -> None:
        super()._mail(command)
        if self._session.transaction is not None and self._kept:
            self._session.transaction.chunks += self._kept
            self._kept = b""


class BdatDotUnstuffed(ServerConnection):
    """Removes leading dots from BDAT data as if it had come through DATA."""

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        if not stuffed:
            content = dot_unstuff(content)
        super()._complete(content, stuffed=stuffed, oversized=oversized)


# -- RFC 3461 ---------------------------------------------------------------------------------


class DsnRetUnchecked(ServerConnection):
    def _mail(self, command: CommandLine) -> None:
        super()._mail(_without_parameter(command, b"RET"))


class DsnNotifyRefused(ServerConnection):
    def _rcpt(self, command: CommandLine) -> None:
        if b" NOTIFY=" in command.argument.upper():
            self._reply(c.S555_BAD_PARAMETER)
            return
        super()._rcpt(command)
