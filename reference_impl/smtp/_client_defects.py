"""What an SMTP client can do wrong, as the server core sees it (RFC 5321, RFC 2920).

The server answers each departure as the RFC says (500, 501, 503, 550, 554); besides, it
reports a ``ClientDefect`` naming the rule, for the log and for grading the client.  Only
departures from a rule are reported: a lower-case verb, an unknown command, a refused
recipient or a cancelled AUTH are the client's right.
"""

from __future__ import annotations

import enum

from reference_impl._defects import ClientDefect, Level, client_defect
from reference_impl.smtp import _codes as c

__all__ = ["ClientDefectKind", "defect_of_reply"]


class ClientDefectKind(enum.Enum):
    """Departures of an SMTP client, with the rule each breaks."""

    BARE_LINE_END = (
        "bare CR or LF in a command line (RFC 5321 §2.3.8: clients MUST NOT transmit them "
        "except as CRLF)"
    )
    LINE_TOO_LONG = (
        "command line longer than 512 octets or the limit an extension set (RFC 5321 §4.5.3.1.4)"
    )
    SYNTAX = "command line is not a verb and its arguments (RFC 5321 §4.1)"
    BAD_ARGUMENTS = (
        "arguments break the command's syntax, or a command that takes none has some "
        "(RFC 5321 §4.1.1, §4.1.2: clients MUST NOT send such parameters)"
    )
    BAD_SEQUENCE = "command out of sequence (RFC 5321 §4.1.4; 503)"
    BAD_SASL_RESPONSE = "SASL response is not base64 (RFC 4954 §4)"
    DATA_BARE_LINE_END = (
        "bare CR or LF in mail data (RFC 5321 §2.3.8: clients MUST NOT transmit them "
        "except as CRLF)"
    )
    DATA_BEFORE_354 = (
        "mail data sent before the 354 (RFC 2920 §3.1: DATA can only appear as the last "
        "command in a group)"
    )
    DATA_NOT_ENDED = (
        "connection closed before <CRLF>.<CRLF> or the last BDAT chunk ended the mail data "
        "(RFC 5321 §4.1.1.4, RFC 3030 §2)"
    )
    DATA_LINE_TOO_LONG = (
        "text line of mail data longer than 1000 octets with its CRLF (RFC 5321 §4.5.3.1.6; "
        "§4.5.3.1: objects larger than these sizes SHOULD be avoided)"
    )
    EARLY_COMMAND = (
        "command sent before the greeting (RFC 5321 §4.3.1: the sender SHOULD wait for "
        "this greeting message before sending any commands)"
    )
    NOT_WAITING = (
        "command sent before the reply to the previous one, without PIPELINING (RFC 5321 "
        "§4.3.1: the sender MUST wait for this response before sending further commands)"
    )
    CLOSED_WITHOUT_QUIT = (
        "connection closed before QUIT (RFC 5321 §4.1.1.10: the sender MUST NOT "
        "intentionally close the transmission channel until it sends a QUIT command)"
    )
    NO_EHLO_AFTER_TLS = (
        "first command after the TLS handshake is not EHLO (RFC 3207 §4.2: the client "
        "SHOULD send an EHLO command as the first command after a successful TLS "
        "negotiation)"
    )
    NO_HELO_FALLBACK = (
        "no HELO after EHLO was not recognized (RFC 5321 §4.1.1.1: the client SHOULD be "
        "able to fall back and send HELO)"
    )
    PLAIN_AUTH_IN_CLEAR = (
        "password sent by AUTH PLAIN or LOGIN without TLS (RFC 4616 §6: implementations "
        "SHOULD NOT make use of the PLAIN mechanism unless adequate data security "
        "services are in place)"
    )
    SIZE_REFUSAL_IGNORED = (
        "neither RSET nor QUIT after 552 to MAIL with SIZE (RFC 1870 §6.2: the client "
        "should immediately send either a RSET command ... or a QUIT command)"
    )
    PLAINTEXT_INJECTION_ACCEPTED = (
        "acted on plaintext sent after the 220 to STARTTLS (RFC 3207 §4.2: the client "
        "MUST discard any knowledge obtained from the server ... which was not obtained "
        "from the TLS negotiation itself)"
    )
    REPEATED_REFUSED_MAIL = (
        "the MAIL refused with a 5yz sent again at once (RFC 5321 §4.2.1: the SMTP client "
        "SHOULD NOT repeat the exact request (in the same sequence))"
    )
    CLEAR_AFTER_TLS_REFUSED = (
        "went on in the clear after STARTTLS was refused (RFC 3207 §4.1: the client must "
        "decide whether or not to continue; [practice]: a client that asked for TLS "
        "does not send mail without it)"
    )

    @property
    def level(self) -> Level:
        return Level.SHOULD if self in _SHOULD else Level.MUST


_SHOULD = frozenset(
    {
        ClientDefectKind.DATA_LINE_TOO_LONG,
        ClientDefectKind.EARLY_COMMAND,
        ClientDefectKind.NO_EHLO_AFTER_TLS,
        ClientDefectKind.NO_HELO_FALLBACK,
        ClientDefectKind.PLAIN_AUTH_IN_CLEAR,
        ClientDefectKind.SIZE_REFUSAL_IGNORED,
        ClientDefectKind.CLEAR_AFTER_TLS_REFUSED,
        ClientDefectKind.REPEATED_REFUSED_MAIL,
    }
)


# The server's refusals that name the client's fault.  Others (550 unknown user, 552 too
# big, 530 authentication required, 500 for an unknown verb, 501 to a cancelled AUTH)
# are the server's choice or the client's right, not a departure.
_BY_REPLY: dict[c.ServerReply, ClientDefectKind] = {
    c.S500_BARE_LINE_END: ClientDefectKind.BARE_LINE_END,
    c.S500_LINE_TOO_LONG: ClientDefectKind.LINE_TOO_LONG,
    c.S501_BAD_BASE64: ClientDefectKind.BAD_SASL_RESPONSE,
    c.S550_BARE_LINE_END: ClientDefectKind.DATA_BARE_LINE_END,
    c.S550_LINE_TOO_LONG: ClientDefectKind.DATA_LINE_TOO_LONG,
    c.S554_SYNCHRONIZATION: ClientDefectKind.DATA_BEFORE_354,
}
_BY_CODE = {501: ClientDefectKind.BAD_ARGUMENTS, 503: ClientDefectKind.BAD_SEQUENCE}


def defect_of_reply(reply: c.ServerReply, evidence: bytes) -> ClientDefect | None:
    """The client's departure that ``reply`` refuses, if it refuses one."""
    if reply == c.S501_AUTH_CANCELLED:
        return None
    kind = _BY_REPLY.get(reply) or _BY_CODE.get(reply.code)
    return None if kind is None else client_defect(kind, evidence)
