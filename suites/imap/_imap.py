"""Shared steps of the IMAP suite: status checks with clear messages, messages appended
and fetched, response codes and untagged data found.

Every helper asserts what it needs with a message saying what was sent, what was
expected and what came back, so a failure in a preparatory step is as clear as the
requirement under test.
"""

from __future__ import annotations

import re

from conformance import HarnessError, ImapCompletion, ImapSession
from conformance._imap_session import quoted_string
from reference_impl._escape import escape_octets
from reference_impl.imap import ImapResponse, Literal

from ._values import DataError, Reader, Value, fetch_attributes

__all__ = [
    "MESSAGE",
    "append",
    "code_of",
    "esearch_all",
    "expect_bad",
    "expect_ok",
    "expect_refused",
    "expect_trycreate",
    "fetch",
    "fetch_data",
    "flags_of",
    "listed",
    "mailbox",
    "message",
    "number_in",
    "responses_until",
    "search_numbers",
    "select",
    "shown",
    "status_items",
    "three_messages",
    "uid_of",
    "untagged",
]

MESSAGE = (
    b"From: Alice <alice@example.test>\r\n"
    b"To: Bob <bob@example.test>\r\n"
    b"Subject: conformance test message\r\n"
    b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
    b"Message-ID: <conformance-1@example.test>\r\n"
    b"\r\n"
    b"Hello, this is the body.\r\n"
    b"A second line.\r\n"
)


def message(marker: str) -> bytes:
    """A message whose subject and body carry ``marker`` (to find it by SEARCH)."""
    return MESSAGE.replace(b"conformance test message", marker.encode("ascii")).replace(
        b"A second line.", b"Marker " + marker.encode("ascii") + b"."
    )


def shown(response: ImapResponse) -> str:
    return f"'{escape_octets(response.line[:160])}'"


def _expect(completed: ImapCompletion, statuses: tuple[bytes, ...], sent: str) -> ImapCompletion:
    status = completed.response.status
    wanted = " or ".join(s.decode() for s in statuses)
    assert status in statuses, f"sent {sent}, expected {wanted}, got {shown(completed.response)}"
    return completed


def expect_ok(completed: ImapCompletion, sent: str) -> ImapCompletion:
    return _expect(completed, (b"OK",), sent)


def expect_bad(completed: ImapCompletion, sent: str) -> ImapCompletion:
    return _expect(completed, (b"BAD",), sent)


def expect_refused(completed: ImapCompletion, sent: str) -> ImapCompletion:
    """NO or BAD: RFC 3501 §7.1 leaves to the server which one a refusal gets when the
    text says "NO or BAD"."""
    return _expect(completed, (b"NO", b"BAD"), sent)


def expect_trycreate(completed: ImapCompletion, sent: str) -> None:
    """NO [TRYCREATE] (RFC 3501 §6.3.11, §6.4.7: to a mailbox that does not exist)."""
    response = completed.response
    assert response.status == b"NO" and response.code.upper() == b"TRYCREATE", (
        f"sent {sent}, expected NO [TRYCREATE], got {shown(response)}"
    )


def mailbox(name: str) -> bytes:
    """A mailbox name as a quoted string (RFC 3501 §9 mailbox = "INBOX" / astring)."""
    return quoted_string(name)


def untagged(completed: ImapCompletion, keyword: bytes) -> list[ImapResponse]:
    """The untagged data responses named ``keyword`` (EXISTS, FLAGS, LIST ...)."""
    return [r for r in completed.untagged if r.keyword == keyword and not r.status]


def code_of(responses: list[ImapResponse] | tuple[ImapResponse, ...], name: bytes) -> bytes | None:
    """The arguments of response code ``name`` in any of ``responses`` (b"" when it has
    none), or None when none carries it."""
    for response in responses:
        word, _, rest = response.code.partition(b" ")
        if response.status and word.upper() == name:
            return rest
    return None


def number_in(completed: ImapCompletion, keyword: bytes) -> int | None:
    """``n`` of the last ``* n <keyword>`` (EXISTS, RECENT), or None."""
    found = [r.number for r in completed.untagged if r.keyword == keyword and r.number is not None]
    return found[-1] if found else None


def append(session: ImapSession, name: str, content: bytes, flags: bytes = b"") -> ImapCompletion:
    """APPEND ``content`` as a synchronizing literal, with ``flags`` (e.g. b"(\\Seen)")."""
    arguments: list[bytes | Literal] = [mailbox(name)]
    if flags:
        arguments.append(flags)
    arguments.append(Literal(content))
    return expect_ok(session.command("APPEND", *arguments), f"APPEND to {name}")


def select(session: ImapSession, name: str) -> ImapCompletion:
    return expect_ok(session.select(name), f"SELECT {name}")


def fetch(
    session: ImapSession, numbers: str, items: str, *, uid: bool = False
) -> dict[int, dict[bytes, Value]]:
    """FETCH (or UID FETCH) and its data by message sequence number; the attributes of
    several FETCH responses for one message are merged (RFC 3501 §7.4.2)."""
    name = "UID FETCH" if uid else "FETCH"
    completed = expect_ok(
        session.command(name, numbers.encode(), items.encode()), f"{name} {numbers} {items}"
    )
    return fetch_data(completed)


def fetch_data(completed: ImapCompletion) -> dict[int, dict[bytes, Value]]:
    found: dict[int, dict[bytes, Value]] = {}
    for response in untagged(completed, b"FETCH"):
        assert response.number is not None
        found.setdefault(response.number, {}).update(fetch_attributes(response))
    return found


def flags_of(attributes: dict[bytes, Value]) -> set[bytes]:
    """The FLAGS of one message's FETCH data, upper-cased (flags are case-insensitive)."""
    flags = attributes.get(b"FLAGS")
    assert isinstance(flags, list), f"FETCH data without a FLAGS list: {attributes!r}"
    return {flag.upper() for flag in flags if isinstance(flag, bytes)}


_SEARCH = re.compile(rb"\* SEARCH((?: [0-9]+)*) ?\Z", re.IGNORECASE)
# RFC 9051 §7.3.4: * ESEARCH [(TAG "tag")] [UID] *(SP search-return-data); ALL sequence-set.
_ESEARCH_ALL = re.compile(rb" ALL ([0-9][0-9:,]*)(?: |\Z)", re.IGNORECASE)
_MOST_NUMBERS = 100_000  # a hostile ESEARCH range ("ALL 1:4294967295") stays bounded


def search_numbers(completed: ImapCompletion) -> list[int]:
    """The numbers of the one ``* SEARCH`` response (RFC 3501 §7.2.5), or, from an
    IMAP4rev2 session, of the one ``* ESEARCH`` response's ALL (RFC 9051 §7.3.4)."""
    found = untagged(completed, b"SEARCH") + untagged(completed, b"ESEARCH")
    lines = [r.line for r in found]
    if len(lines) != 1:
        raise AssertionError(f"expected one untagged SEARCH (or ESEARCH) response, got {lines!r}")
    if found[0].keyword == b"ESEARCH":
        return esearch_all(lines[0])
    matched = _SEARCH.match(lines[0])
    if matched is None:
        raise AssertionError(f"a SEARCH response not of the form '* SEARCH n...': {lines[0]!r}")
    return [int(n) for n in matched.group(1).split()]


def esearch_all(line: bytes) -> list[int]:
    """The numbers an ESEARCH response's ALL names, ascending; none without ALL (RFC 9051
    §6.4.4: "the server MUST NOT include the ALL result option" when nothing matched)."""
    after_correlator = line[line.index(b")") + 1 :] if b"(TAG " in line.upper() else line
    matched = _ESEARCH_ALL.search(after_correlator)
    if matched is None:
        return []
    numbers: set[int] = set()
    for part in matched.group(1).split(b","):
        low, _, high = part.partition(b":")
        if not low.isdigit() or not (high or low).isdigit():
            raise AssertionError(f"an ESEARCH ALL that is no sequence set: {line[:160]!r}")
        first, last = sorted((int(low), int(high or low)))
        if last - first + len(numbers) > _MOST_NUMBERS:
            raise AssertionError(f"an ESEARCH ALL naming too many messages: {line[:160]!r}")
        numbers.update(range(first, last + 1))
    return sorted(numbers)


def three_messages(session: ImapSession, name: str) -> list[int]:
    """Messages 1-3 (subjects m-0, m-1, m-2) appended to ``name``, which is then
    selected; their UIDs."""
    for n in range(3):
        append(session, name, message(f"m-{n}"))
    select(session, name)
    return [uid_of(session, n) for n in (1, 2, 3)]


def responses_until(session: ImapSession, tag: bytes) -> list[ImapResponse]:
    """Every response read up to and including the completion tagged ``tag`` (of a
    command sent raw), whatever its tag: a BAD for a line with no readable tag may come
    tagged or untagged."""
    seen: list[ImapResponse] = []
    while True:
        event = session.next_response()
        seen.append(event.response)
        if event.response.tag == tag:
            return seen


def uid_of(session: ImapSession, number: int) -> int:
    data = fetch(session, str(number), "(UID)")
    value = data.get(number, {}).get(b"UID")
    if not isinstance(value, bytes) or not value.isdigit():
        raise HarnessError(f"FETCH {number} (UID) returned no UID: {data!r}")
    return int(value)


def listed(completed: ImapCompletion) -> list[tuple[set[bytes], bytes | None, bytes]]:
    """The ``* LIST (attributes) delimiter name`` responses (RFC 3501 §7.2.2): attributes
    upper-cased, the delimiter (None for NIL) and the name."""
    found = []
    for response in untagged(completed, b"LIST"):
        reader = Reader(response.framed, len(b"* LIST "))
        attributes = reader.list()
        reader.expect(b" ")
        delimiter = reader.value()
        reader.expect(b" ")
        name = reader.value()
        if not isinstance(name, bytes) or isinstance(delimiter, list):
            raise DataError(
                f"a LIST response not of the form (attrs) delim name: {shown(response)}"
            )
        found.append(({a.upper() for a in attributes if isinstance(a, bytes)}, delimiter, name))
    return found


def status_items(completed: ImapCompletion) -> dict[bytes, int]:
    """The items of the ``* STATUS name (item n ...)`` response (RFC 3501 §7.2.4)."""
    responses = untagged(completed, b"STATUS")
    assert len(responses) == 1, f"expected one '* STATUS', got {[shown(r) for r in responses]}"
    reader = Reader(responses[0].framed, len(b"* STATUS "))
    reader.value()
    reader.expect(b" ")
    values = reader.list()
    pairs = zip(values[::2], values[1::2], strict=True)
    return {k.upper(): int(v) for k, v in pairs if isinstance(k, bytes) and isinstance(v, bytes)}
