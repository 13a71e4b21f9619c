"""What a POP3 client can do wrong, as the server core sees it (RFC 1939 §3, RFC 2449,
RFC 5034).

The server answers each departure with -ERR, as the RFC says; besides, it reports a
``ClientDefect`` naming the rule, for the log and for grading the client.  A lower-case
keyword, an unknown command, a wrong password or a cancelled AUTH break no rule.
"""

from __future__ import annotations

from reference_impl._defects import ClientDefect, Level, RuleKind, client_defect
from reference_impl.pop3 import _codes as c

__all__ = ["ClientDefectKind", "defect_of_response"]


class ClientDefectKind(RuleKind):
    """Departures of a POP3 client, with the rule each breaks."""

    BARE_LINE_END = "bare CR or LF in a command (RFC 1939 §3: commands end with a CRLF pair)"
    LINE_TOO_LONG = "command longer than 255 octets with its CRLF (RFC 2449 §4)"
    ARGUMENT_TOO_LONG = (
        "argument longer than the server takes (RFC 1939 §3: each argument may be up to "
        "40 characters long)"
    )
    SYNTAX = "command line is not a keyword and its arguments (RFC 1939 §3)"
    BAD_ARGUMENTS = "arguments the command does not take (RFC 1939 §5-§7, RFC 2595 §4)"
    BAD_STATE = "command not valid in the session's state (RFC 1939 §3)"
    PASS_WITHOUT_USER = "PASS not right after a successful USER (RFC 1939 §7)"
    BAD_SASL_RESPONSE = "SASL response is not base64 (RFC 5034 §4)"
    SENT_BEFORE_GREETING = (
        "command sent before the greeting (RFC 1939 §3: the POP3 server sends a greeting; "
        "the client and POP3 server then exchange commands and responses)",
        Level.SHOULD,
    )
    COMMAND_AFTER_STLS = (
        "octets sent after STLS before its response and the TLS handshake (RFC 2595 §4: "
        "the client MUST NOT issue further commands until a server response is seen and "
        "the TLS negotiation is complete)"
    )
    INJECTED_RESPONSE_TAKEN = (
        "a second command sent in TLS before the first was answered: the client took "
        "plaintext sent before the handshake as that answer (RFC 2595 §4: once TLS has "
        "been started, the client MUST discard cached information; CVE-2011-0411 class)"
    )
    CREDENTIALS_AFTER_TLS_REFUSED = (
        "credentials sent in the clear after STLS was refused (RFC 8314 §5: MUAs SHOULD "
        "refuse to exchange information if the session does not provide the minimum "
        "level of confidentiality)",
        Level.SHOULD,
    )


# The -ERR responses that name the client's fault; the others (authentication failed,
# maildrop locked, no such message, an unknown keyword) are not a departure.
_BY_RESPONSE: dict[c.Response, ClientDefectKind] = {
    c.ERR_BARE_LINE_END: ClientDefectKind.BARE_LINE_END,
    c.ERR_LINE_TOO_LONG: ClientDefectKind.LINE_TOO_LONG,
    c.ERR_ARGUMENT_TOO_LONG: ClientDefectKind.ARGUMENT_TOO_LONG,
    c.ERR_SYNTAX: ClientDefectKind.BAD_ARGUMENTS,
    c.ERR_NO_ARGUMENTS: ClientDefectKind.BAD_ARGUMENTS,
    c.ERR_BAD_STATE: ClientDefectKind.BAD_STATE,
    c.ERR_TLS_ACTIVE: ClientDefectKind.BAD_STATE,
    c.ERR_PASS_WITHOUT_USER: ClientDefectKind.PASS_WITHOUT_USER,
    c.ERR_BAD_BASE64: ClientDefectKind.BAD_SASL_RESPONSE,
}


def defect_of_response(response: c.Response, evidence: bytes) -> ClientDefect | None:
    """The client's departure that ``response`` refuses, if it refuses one; the evidence
    of a PASS or APOP shows the keyword only (defects go to the log)."""
    kind = _BY_RESPONSE.get(response)
    if kind is None:
        return None
    secret = evidence[:5].upper() in (b"PASS ", b"APOP ")
    return client_defect(kind, evidence[:4] + b" ..." if secret else evidence)
