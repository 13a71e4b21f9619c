"""Reply constants of the reference server, each named for its code.

Basic codes are from RFC 5321 §4.2.2-4.2.3, enhanced status codes from
RFC 3463 / RFC 5248 (the subject and detail registry), AUTH codes from
RFC 4954 §6, SMTPUTF8 codes from RFC 6531 §3.6.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServerReply", "render"]


@dataclass(frozen=True, kw_only=True)
class ServerReply:
    """A reply the server sends: basic code, RFC 3463 status, text lines."""

    code: int
    status: str
    lines: tuple[str, ...]

    def with_text(self, *lines: str) -> ServerReply:
        return ServerReply(code=self.code, status=self.status, lines=lines)


def _r(code: int, status: str, text: str) -> ServerReply:
    return ServerReply(code=code, status=status, lines=(text,))


def render(reply: ServerReply, *, enhanced: bool) -> bytes:
    """Serialise a reply; continuation lines use ``code-`` (RFC 5321 §4.2.1).

    RFC 2034 §4: every 2xx, 4xx and 5xx reply except the greeting and the
    EHLO/HELO reply carries the status code after the basic code, on each
    line; callers pass ``enhanced=False`` for those.
    """
    prefix = f"{reply.status} " if enhanced and reply.status else ""
    last = len(reply.lines) - 1
    out = [
        f"{reply.code}{'-' if i < last else ' '}{prefix}{line}\r\n"
        for i, line in enumerate(reply.lines)
    ]
    return "".join(out).encode("utf-8")


S211_STATUS = _r(211, "2.0.0", "System status")
S214_HELP = _r(214, "2.0.0", "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP")
S220_READY_TLS = _r(220, "2.0.0", "Ready to start TLS")
S221_BYE = _r(221, "2.0.0", "Bye")
S235_AUTH_OK = _r(235, "2.7.0", "Authentication successful")
S250_OK = _r(250, "2.0.0", "OK")
S250_SENDER_OK = _r(250, "2.1.0", "Sender OK")
S250_RECIPIENT_OK = _r(250, "2.1.5", "Recipient OK")
S250_QUEUED = _r(250, "2.0.0", "Message accepted")
S250_RESET = _r(250, "2.0.0", "Reset")
S252_CANNOT_VRFY = _r(
    252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery"
)
S334_CHALLENGE = _r(334, "", "")
S354_START_INPUT = _r(354, "", "Start mail input; end with <CRLF>.<CRLF>")
S421_TIMEOUT = _r(421, "4.4.2", "Timeout exceeded, closing connection")
S421_SHUTTING_DOWN = _r(421, "4.3.2", "Service shutting down, closing connection")
# §7.8: a server may close on a client that misuses it; 421 may answer any command (§3.8).
S421_TOO_MANY_ERRORS = _r(421, "4.7.0", "Too many unknown or out-of-sequence commands, closing")
S421_TOO_MANY_AUTH_FAILURES = _r(421, "4.7.0", "Too many failed authentications, closing")
S451_LOCAL_ERROR = _r(451, "4.3.0", "Local error in processing, message not accepted")
S452_TOO_MANY_RECIPIENTS = _r(452, "4.5.3", "Too many recipients")
S454_TLS_UNAVAILABLE = _r(454, "4.7.0", "TLS not available")
S500_UNRECOGNIZED = _r(500, "5.5.1", "Command not recognized")
S500_LINE_TOO_LONG = _r(500, "5.5.2", "Command line too long (RFC 5321 4.5.3.1.4)")
S500_BARE_LINE_END = _r(500, "5.5.2", "Bare CR or LF in command line; end lines with CRLF")
S501_SYNTAX = _r(501, "5.5.4", "Syntax error in parameters or arguments")
S501_NO_ARGUMENTS = _r(501, "5.5.4", "This command takes no arguments")
S501_AUTH_CANCELLED = _r(501, "5.7.0", "Authentication cancelled")
S501_BAD_BASE64 = _r(501, "5.5.2", "Cannot decode base64 response")
S502_NOT_IMPLEMENTED = _r(502, "5.5.1", "Command not implemented")
S503_BAD_SEQUENCE = _r(503, "5.5.1", "Bad sequence of commands")
S503_ALREADY_AUTHENTICATED = _r(503, "5.5.1", "Already authenticated")
S503_AUTH_IN_TRANSACTION = _r(503, "5.5.1", "AUTH not permitted during a mail transaction")
S503_TLS_ACTIVE = _r(503, "5.5.1", "TLS already active")
S504_UNKNOWN_MECHANISM = _r(504, "5.5.4", "Unrecognized authentication mechanism")
S504_UNKNOWN_TOPIC = _r(504, "5.5.4", "No help for that topic")
S530_AUTH_REQUIRED = _r(530, "5.7.0", "Authentication required")
S530_TLS_REQUIRED = _r(530, "5.7.0", "Must issue a STARTTLS command first")
S535_AUTH_FAILED = _r(535, "5.7.8", "Authentication credentials invalid")
S538_ENCRYPTION_REQUIRED = _r(
    538, "5.7.11", "Encryption required for requested authentication mechanism"
)
S550_BARE_LINE_END = _r(
    550, "5.6.0", "Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8)"
)
S550_LINE_TOO_LONG = _r(
    550, "5.6.0", "Message refused: text line over 1000 octets (RFC 5321 4.5.3.1.6)"
)
S550_NO_SUCH_USER = _r(550, "5.1.1", "No such user here")
S550_RELAY_DENIED = _r(550, "5.7.1", "Relaying denied")
S550_UNKNOWN_USER_VRFY = _r(550, "5.1.1", "User unknown")
S552_TOO_BIG = _r(552, "5.3.4", "Message size exceeds fixed maximum message size")
S553_BAD_ADDRESS = _r(553, "5.1.3", "Mailbox name not allowed")
# RFC 6531 §3.5: 553 for a recipient, 550 for a sender, both with X.6.7.
S553_UTF8_RECIPIENT_WITHOUT_SMTPUTF8 = _r(
    553, "5.6.7", "Non-ASCII address requires the SMTPUTF8 parameter"
)
S550_UTF8_SENDER_WITHOUT_SMTPUTF8 = _r(
    550, "5.6.7", "Non-ASCII address requires the SMTPUTF8 parameter"
)
S554_NO_VALID_RECIPIENTS = _r(554, "5.5.1", "No valid recipients")
S554_SYNCHRONIZATION = _r(
    554, "5.5.0", "Protocol synchronization error: mail data sent before the 354 reply"
)
S555_BAD_PARAMETER = _r(
    555, "5.5.4", "MAIL FROM/RCPT TO parameters not recognized or not implemented"
)
