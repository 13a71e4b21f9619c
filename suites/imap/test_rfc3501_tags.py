"""RFC 3501 §2.2.2, §5.5, §7.1, §9: tags echoed on every kind of completion, a tag used
again, commands in flight together, case-insensitive command names, and the syntax
errors that earn BAD."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapAccount, ImapSession
from reference_impl.imap import ImapResponse

from ._imap import (
    append,
    expect_bad,
    fetch_data,
    flags_of,
    mailbox,
    message,
    responses_until,
    select,
    shown,
)

TAG_RULE = (
    "§2.2.2 defines the completion as tagged with the command's tag: a server answering "
    "with another tag, or not at all, has completed no command"
)


def _answer(session: ImapSession, line: bytes) -> ImapResponse:
    """The first tagged response, or untagged BAD, to ``line`` sent as given."""
    session.send_raw(line)
    while True:
        response = session.next_response().response
        if not response.untagged or response.status == b"BAD":
            return response


@pytest.mark.rfc(3501, "2.2.2", "MUST", basis=TAG_RULE)
def test_a_tag_used_again_is_answered_again(imap: ImapSession) -> None:
    """The server completion result response indicates the success or failure of the
    operation.  It is tagged with the same tag as the client command which began the
    operation."""
    for attempt in (1, 2, 3):
        answer = _answer(imap, b"same.tag NOOP\r\n")
        assert answer.tag == b"same.tag" and answer.status == b"OK", (
            f"'same.tag NOOP' sent for the {attempt}. time: {shown(answer)}"
        )


@pytest.mark.rfc(3501, "7.1.3", "MUST", basis=TAG_RULE)
def test_bad_completion_carries_the_tag(imap: ImapSession) -> None:
    """When tagged, it reports a protocol-level error in the client's command; the tag
    indicates the command that caused the error."""
    answer = _answer(imap, b"x.Y_9-~ XNOSUCHCOMMAND now\r\n")
    assert answer.tag == b"x.Y_9-~" and answer.status == b"BAD", (
        f"sent 'x.Y_9-~ XNOSUCHCOMMAND now', expected 'x.Y_9-~ BAD', got {shown(answer)}"
    )


@pytest.mark.rfc(3501, "7.1.2", "MUST", basis=TAG_RULE)
def test_no_completion_carries_the_tag(imap: ImapSession, imap_account: ImapAccount) -> None:
    """When tagged, it indicates unsuccessful completion of the associated command."""
    user, password = imap_account.user, imap_account.password + "-wrong"
    answer = _answer(imap, f'n0.!#$ LOGIN "{user}" "{password}"\r\n'.encode())
    assert answer.tag == b"n0.!#$" and answer.status == b"NO", (
        f"sent a wrong password tagged 'n0.!#$': expected 'n0.!#$ NO', got {shown(answer)}"
    )


@pytest.mark.rfc(3501, "5.5", "MUST")
def test_commands_in_flight_are_carried_out_in_order(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the server detects a possible ambiguity, it MUST execute commands to completion
    in the order given by the client."""
    session = imap_login()
    append(session, imap_mailbox, message("in-flight"))
    select(session, imap_mailbox)
    session.send_raw(b"P1 STORE 1 +FLAGS.SILENT (\\Flagged)\r\nP2 FETCH 1 (FLAGS)\r\n")
    seen = responses_until(session, b"P2")
    tags = [r.tag for r in seen if not r.untagged]
    assert tags == [b"P1", b"P2"], f"STORE tagged P1 then FETCH tagged P2, completions {tags}"
    fetched = [r for r in seen if r.keyword == b"FETCH"]
    assert fetched and b"\\FLAGGED" in fetched[-1].line.upper(), (
        f"FETCH sent after STORE +FLAGS (\\Flagged) in one write: {[shown(r) for r in fetched]}"
    )


@pytest.mark.rfc(3501, "9", "MUST")
@pytest.mark.parametrize("line", [b"c1 noop", b"c1 Capability", b"c1 nOoP"], ids=bytes.decode)
def test_command_names_are_case_insensitive(imap: ImapSession, line: bytes) -> None:
    """Implementations MUST accept these strings in a case-insensitive fashion."""
    answer = _answer(imap, line + b"\r\n")
    assert answer.tag == b"c1" and answer.status == b"OK", (
        f"sent '{line.decode()}': expected 'c1 OK', got {shown(answer)}"
    )


@pytest.mark.rfc(3501, "9", "MUST")
def test_store_data_item_names_are_case_insensitive(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Implementations MUST accept these strings in a case-insensitive fashion."""
    session = imap_login()
    append(session, imap_mailbox, message("case"))
    select(session, imap_mailbox)
    completed = session.raw(b"c2 store 1 +flags (\\flagged)\r\n", b"c2")
    assert completed.response.status == b"OK", f"lower-case STORE: {shown(completed.response)}"
    returned = fetch_data(completed).get(1)
    assert returned is not None and b"\\FLAGGED" in flags_of(returned), (
        f"'store 1 +flags (\\flagged)' returned {returned!r}"
    )


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
def test_a_tag_alone_gets_bad(imap: ImapSession) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    imap.send_raw(b"lonely\r\nC1 NOOP\r\n")
    seen = responses_until(imap, b"C1")
    assert [r for r in seen[:-1] if r.status == b"BAD"], (
        f"sent a line with a tag and no command: expected BAD, got {[shown(r) for r in seen]}"
    )


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
def test_two_spaces_after_the_tag_get_bad(imap: ImapSession) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    answer = _answer(imap, b"s1  NOOP\r\n")
    assert answer.status == b"BAD", f"sent 's1  NOOP' (two spaces): {shown(answer)}"


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
@pytest.mark.parametrize(
    "line",
    [("SELECT",), ("FETCH", "1"), ("STORE", "1", "+FLAGS"), ("COPY", "1"), ("STATUS",)],
    ids=lambda line: line[0],
)
def test_missing_argument_gets_bad(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, line: tuple[str, ...]
) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    session = imap_login()
    append(session, imap_mailbox, message("arguments"))
    select(session, imap_mailbox)
    name, *arguments = line
    expect_bad(session.command(name, *arguments), f"{' '.join(line)} (an argument missing)")


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
def test_login_without_password_gets_bad(imap: ImapSession, imap_account: ImapAccount) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    expect_bad(imap.command("LOGIN", mailbox(imap_account.user)), "LOGIN without a password")


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
def test_sequence_number_zero_gets_bad(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    session = imap_login()
    append(session, imap_mailbox, message("zero"))
    select(session, imap_mailbox)
    expect_bad(session.command("FETCH", b"0", b"(FLAGS)"), "FETCH 0 (§9 seq-number is nz-number)")
