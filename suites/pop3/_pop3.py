"""Shared steps of the POP3 suites: listings parsed strictly, sessions opened and ended.

Every helper asserts what it needs with a message saying what was sent, what was expected
and what came back, so a failure in a preparatory step is as clear as the requirement
under test.
"""

from __future__ import annotations

import contextlib
import re

import pytest

from conformance import (
    HarnessError,
    Pop3Messages,
    Pop3Response,
    Pop3Session,
    SeededMaildrop,
    TargetClosedConnection,
)

__all__ = [
    "UNIQUE_ID",
    "drop_listing",
    "expect_err",
    "expect_ok",
    "expect_still_authorization",
    "known_content",
    "quit_quietly",
    "scan_listing",
    "shaped",
    "uid_listing",
]

# RFC 1939 §5 STAT: "+OK" SP count SP octets; nothing required after the size.
_DROP = re.compile(rb"([0-9]+) ([0-9]+)(?: .*)?")
# RFC 1939 §5 LIST: message-number SP exact size; nothing required after it.
_SCAN = re.compile(rb"([0-9]+) ([0-9]+)(?: .*)?")
# RFC 1939 §7 UIDL: message-number SP unique-id, "No information follows the unique-id".
UNIQUE_ID = re.compile(rb"[\x21-\x7e]{1,70}")
_UNIQUE = re.compile(rb"([0-9]+) (" + UNIQUE_ID.pattern + rb")")


def expect_ok(response: Pop3Response, sent: str) -> Pop3Response:
    assert response.ok, f"sent {sent}, expected +OK, got {response}"
    return response


def expect_err(response: Pop3Response, sent: str) -> Pop3Response:
    assert response.err, f"sent {sent}, expected -ERR, got {response}"
    return response


def expect_still_authorization(session: Pop3Session, refused: str) -> None:
    """After a refused authentication command, STAT gets -ERR: the session is still in
    AUTHORIZATION.  A server may close the connection instead (RFC 1939 §4: "After
    returning a negative status indicator, the server may close the connection.")."""
    try:
        response = session.stat()
    except TargetClosedConnection:
        return
    expect_err(response, f"STAT after {refused} (still AUTHORIZATION)")


def drop_listing(response: Pop3Response) -> tuple[int, int]:
    """(messages, octets) of a STAT response, asserting the RFC 1939 §5 format."""
    expect_ok(response, "STAT")
    match = _DROP.fullmatch(response.text)
    assert match, f"sent STAT, expected '+OK nn mm', got {response}"
    return int(match.group(1)), int(match.group(2))


def scan_listing(response: Pop3Response) -> dict[int, int]:
    """message-number -> size of a multi-line LIST response (RFC 1939 §5 format)."""
    expect_ok(response, "LIST")
    listing: dict[int, int] = {}
    for line in response.lines:
        match = _SCAN.fullmatch(line)
        assert match, f"sent LIST, expected scan listings 'n size', got line {line!r}"
        listing[int(match.group(1))] = int(match.group(2))
    return listing


def uid_listing(response: Pop3Response) -> dict[int, bytes]:
    """message-number -> unique-id of a multi-line UIDL response (RFC 1939 §7 format)."""
    expect_ok(response, "UIDL")
    listing: dict[int, bytes] = {}
    for line in response.lines:
        match = _UNIQUE.fullmatch(line)
        assert match, (
            f"sent UIDL, expected 'n unique-id' (1-70 chars 0x21-0x7E, nothing after), "
            f"got line {line!r}"
        )
        listing[int(match.group(1))] = match.group(2)
    return listing


def quit_quietly(session: Pop3Session) -> Pop3Response | None:
    """QUIT, tolerating a server that already closed; the response or None."""
    with contextlib.suppress(AssertionError, HarnessError, OSError):
        return session.quit()
    return None


def shaped(messages: Pop3Messages, session: Pop3Session, name: str) -> int:
    """The number of the seeded message ``name`` ("plain", "dots", "long").

    Without delivery any message stands for "plain"; the other shapes need the seeded
    ones, so the test skips.
    """
    if not messages.seeded and name != "plain":
        pytest.skip(f"needs the seeded {name!r} message: the profile does not allow delivery")
    return messages.some(session, prefer=name)


def known_content(messages: Pop3Messages, session: Pop3Session, number: int) -> bytes:
    """The "plain" message as delivered; without delivery, message ``number`` as RETR
    reads it (what TOP must agree with)."""
    if isinstance(messages, SeededMaildrop):
        return messages["plain"].content
    return expect_ok(session.retr(number), f"RETR {number}").body
