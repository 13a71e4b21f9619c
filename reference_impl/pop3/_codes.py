"""Responses of the reference POP3 server, each named for its status indicator.

The status indicators are RFC 1939 §3; the bracketed response codes are
RFC 2449 §8 (IN-USE, LOGIN-DELAY) and RFC 3206 (SYS/TEMP, SYS/PERM, AUTH).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Response", "render"]


@dataclass(frozen=True, kw_only=True)
class Response:
    """A single-line status response: ``+OK`` or ``-ERR``, optional ``[CODE]``, text."""

    ok: bool
    code: str = ""
    text: str

    def with_text(self, text: str) -> Response:
        return Response(ok=self.ok, code=self.code, text=text)


def render(response: Response) -> bytes:
    """Serialise one status line (RFC 1939 §3, RFC 2449 §8 ``[CODE]``)."""
    parts = ["+OK" if response.ok else "-ERR"]
    if response.code:
        parts.append(f"[{response.code}]")
    if response.text:
        parts.append(response.text)
    return (" ".join(parts) + "\r\n").encode("utf-8")


def _ok(text: str) -> Response:
    return Response(ok=True, text=text)


def _err(text: str, code: str = "") -> Response:
    return Response(ok=False, code=code, text=text)


OK = _ok("")
OK_BYE = _ok("mail-conformance POP3 server signing off")
OK_CAPA = _ok("Capability list follows")
OK_MECHANISMS = _ok("SASL mechanisms follow")
OK_USER = _ok("Send PASS")
OK_STLS = _ok("Begin TLS negotiation now")
OK_DELETED = _ok("Message deleted")
OK_SCAN_LISTING = _ok("Scan listing follows")
OK_UNIQUE_IDS = _ok("Unique-ID listing follows")
OK_TOP = _ok("Top of message follows")

ERR_UNKNOWN_COMMAND = _err("Unknown command")
ERR_BAD_STATE = _err("Command not valid in this state")
ERR_LINE_TOO_LONG = _err("Command line too long (255 octets at most, RFC 2449 section 4)")
ERR_ARGUMENT_TOO_LONG = _err("Argument too long")
ERR_BARE_LINE_END = _err("Bare CR or LF in command line; end lines with CRLF")
ERR_SYNTAX = _err("Syntax error in arguments")
ERR_NO_ARGUMENTS = _err("This command takes no arguments")
ERR_NO_SUCH_MESSAGE = _err("No such message")
ERR_MESSAGE_DELETED = _err("Message already deleted")
ERR_PASS_WITHOUT_USER = _err("USER first")
ERR_AUTH_FAILED = _err("Authentication failed", "AUTH")
ERR_PERMISSION_DENIED = _err("Permission denied", "AUTH")
ERR_TLS_REQUIRED = _err("Plaintext login refused: use STLS first", "AUTH")
ERR_IN_USE = _err("Maildrop locked by another session", "IN-USE")
ERR_MAILDROP_UNAVAILABLE = _err("Cannot open maildrop, try again later", "SYS/TEMP")
ERR_MESSAGE_UNAVAILABLE = _err("Cannot read message, try again later", "SYS/TEMP")
ERR_MESSAGE_GONE = _err("Message no longer in the maildrop", "SYS/PERM")
ERR_NOT_REMOVED = _err("Some deleted messages not removed", "SYS/TEMP")
ERR_TLS_ACTIVE = _err("TLS already active")
ERR_TLS_UNAVAILABLE = _err("TLS not available")
ERR_USER_REFUSED = _err("USER not accepted here")
ERR_UNKNOWN_MECHANISM = _err("Unrecognized authentication mechanism")
ERR_AUTH_UNAVAILABLE = _err("Authentication not available before STLS", "AUTH")
ERR_AUTH_CANCELLED = _err("Authentication cancelled")
ERR_BAD_BASE64 = _err("Cannot decode base64 response")
ERR_AUTH_MALFORMED = _err("Malformed authentication response")
# Misuse: the session is closed after this response (as Dovecot does).
ERR_TOO_MANY_ERRORS = _err("Too many unknown or out-of-sequence commands, closing")
ERR_TOO_MANY_LOGIN_FAILURES = _err("Too many failed logins, closing", "AUTH")
