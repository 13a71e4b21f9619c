"""RFC 3501 §2.2, §6.1, §7.1: greetings, tags, CAPABILITY, NOOP and LOGOUT."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance import ImapSession
from conformance._imap_session import capabilities_in
from reference_impl.imap import ImapResponse

from ._imap import expect_bad, expect_ok, responses_until, shown, untagged


@pytest.mark.rfc(
    3501,
    "7.1",
    "MUST",
    basis=(
        '§9 greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF: the ABNF admits '
        "nothing else as the first response"
    ),
)
def test_greeting_is_untagged_ok_preauth_or_bye(imap: ImapSession) -> None:
    """The initial state is identified in the server greeting. ... The untagged form is
    also used as one of three possible greetings at connection startup."""
    greeting = imap.greeting
    assert greeting is not None
    assert greeting.untagged and greeting.status in (b"OK", b"PREAUTH", b"BYE"), (
        f"the greeting is {shown(greeting)}, not '* OK', '* PREAUTH' or '* BYE'"
    )


# RFC 3501 §9: tag = 1*<any ASTRING-CHAR except "+">; ASTRING-CHAR = ATOM-CHAR /
# resp-specials, so "]" and most punctuation are legal in a tag.
UNUSUAL_TAGS = [b"a", b"T.1", b"x-y_z", b"tag]1", b"!#$&'", b"A" * 60, b"0", b"~=|;:,<>?"]


@pytest.mark.rfc(
    3501,
    "2.2.2",
    "MUST",
    basis=(
        "§2.2.2 defines the completion as tagged with the command's tag, and §9 admits any "
        'ASTRING-CHAR but "+" in a tag: a server echoing another tag has answered no '
        "command"
    ),
)
@pytest.mark.parametrize("tag", UNUSUAL_TAGS, ids=lambda t: t.decode()[:12])
def test_completion_echoes_the_exact_tag(imap: ImapSession, tag: bytes) -> None:
    """The server completion result response indicates the success or failure of the
    operation.  It is tagged with the same tag as the client command which began the
    operation."""
    imap.send_raw(tag + b" NOOP\r\n")
    # An untagged BAD is the server saying it could not read the command (§7.1.3).
    completion = next(r for r in _responses(imap) if not r.untagged or r.status == b"BAD")
    assert completion.tag == tag, f"sent {tag.decode()} NOOP, the answer is {shown(completion)}"
    assert completion.status == b"OK", f"{tag.decode()} NOOP: expected OK, got {shown(completion)}"


def _responses(session: ImapSession) -> Iterator[ImapResponse]:
    while True:
        yield session.next_response().response


@pytest.mark.rfc(
    3501,
    "7.1.3",
    "MUST",
    basis=(
        "a line with no tag carries no command (§9 command = tag SP ...): §2.2.2 calls a "
        "protocol error BAD, and §7.1.3 sends it untagged when no command can be determined"
    ),
)
def test_command_without_a_tag_gets_bad(imap: ImapSession) -> None:
    """The untagged form indicates a protocol-level error for which the associated command
    can not be determined; it can also indicate an internal server failure."""
    imap.send_raw(b"NOOP\r\nC1 NOOP\r\n")
    seen = responses_until(imap, b"C1")
    bad = [r for r in seen[:-1] if r.status == b"BAD"]
    assert bad, (
        "sent 'NOOP' without a tag, then 'C1 NOOP': expected a BAD for the first line, got "
        f"{[shown(r) for r in seen]}"
    )
    assert seen[-1].status == b"OK", f"C1 NOOP after it: expected OK, got {shown(seen[-1])}"


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
def test_unknown_command_gets_tagged_bad(imap: ImapSession) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    expect_bad(imap.command("XCONFORMANCEUNKNOWN"), "an unknown command")


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
def test_extraneous_argument_gets_bad(imap: ImapSession) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    expect_bad(imap.command("NOOP", b"extra"), "NOOP with an argument")


@pytest.mark.rfc(3501, "6.1.1", "MUST")
def test_capability_lists_imap4rev1_once_before_ok(imap: ImapSession) -> None:
    """The server MUST send a single untagged CAPABILITY response with "IMAP4rev1" as one
    of the listed capabilities before the (tagged) OK response."""
    completed = expect_ok(imap.command("CAPABILITY"), "CAPABILITY")
    found = untagged(completed, b"CAPABILITY")
    assert len(found) == 1, f"expected one '* CAPABILITY', got {[shown(r) for r in found]}"
    atoms = capabilities_in(found)
    assert "IMAP4REV1" in atoms or "IMAP4REV2" in atoms, (
        f"CAPABILITY lists neither IMAP4rev1 nor IMAP4rev2: {shown(found[0])}"
    )


@pytest.mark.rfc(
    3501,
    "6.1.2",
    "MUST",
    basis="§6.1.2 defines NOOP's result as OK, with BAD only for an invalid command",
)
def test_noop_gets_ok(imap: ImapSession) -> None:
    """The NOOP command always succeeds.  It does nothing."""
    expect_ok(imap.command("NOOP"), "NOOP")


@pytest.mark.rfc(3501, "6.1.3", "MUST")
def test_logout_sends_bye_before_ok(imap: ImapSession) -> None:
    """The server MUST send a BYE untagged response before the (tagged) OK response, and
    then close the network connection."""
    completed = expect_ok(imap.logout(), "LOGOUT")
    bye = [r for r in completed.untagged if r.status == b"BYE"]
    assert bye, f"LOGOUT completed without an untagged BYE: {shown(completed.response)}"


@pytest.mark.rfc(3501, "6.1.3", "MUST")
def test_logout_closes_the_connection(imap: ImapSession) -> None:
    """The server MUST send a BYE untagged response before the (tagged) OK response, and
    then close the network connection."""
    expect_ok(imap.logout(), "LOGOUT")
    assert imap.expect_closed(), "the connection stayed open after the OK to LOGOUT"
