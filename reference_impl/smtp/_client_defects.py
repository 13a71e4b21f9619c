"""What an SMTP client can do wrong, as the server core sees it (RFC 5321, RFC 2920).

The server answers each departure as the RFC says (500, 501, 503, 550, 554); besides, it
reports a ``ClientDefect`` naming the rule, for the log and for grading the client.  Only
departures from a rule are reported: a lower-case verb, an unknown command, a refused
recipient or a cancelled AUTH are the client's right.
"""

from __future__ import annotations

import enum

from reference_impl._defects import ClientDefect, client_defect
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


# The server's refusals that name the client's fault.  Others (550 unknown user, 552 too
# big, 530 authentication required, 500 for an unknown verb, 501 to a cancelled AUTH)
# are the server's choice or the client's right, not a departure.
_BY_REPLY: dict[c.ServerReply, ClientDefectKind] = {
    c.S500_BARE_LINE_END: ClientDefectKind.BARE_LINE_END,
    c.S500_LINE_TOO_LONG: ClientDefectKind.LINE_TOO_LONG,
    c.S501_BAD_BASE64: ClientDefectKind.BAD_SASL_RESPONSE,
    c.S550_BARE_LINE_END: ClientDefectKind.DATA_BARE_LINE_END,
    c.S554_SYNCHRONIZATION: ClientDefectKind.DATA_BEFORE_354,
}
_BY_CODE = {501: ClientDefectKind.BAD_ARGUMENTS, 503: ClientDefectKind.BAD_SEQUENCE}


def defect_of_reply(reply: c.ServerReply, evidence: bytes) -> ClientDefect | None:
    """The client's departure that ``reply`` refuses, if it refuses one."""
    if reply == c.S501_AUTH_CANCELLED:
        return None
    kind = _BY_REPLY.get(reply) or _BY_CODE.get(reply.code)
    return None if kind is None else client_defect(kind, evidence)
