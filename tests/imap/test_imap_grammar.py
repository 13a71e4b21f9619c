"""The IMAP grammar pieces: values, modified UTF-7, framing with literals, arguments."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_impl._receive import ReceiveBuffer
from reference_impl.imap._fetch_syntax import fetch_items
from reference_impl.imap._framing import (
    CommandFramed,
    CommandFramer,
    FramingLimits,
    FramingRefused,
    LiteralAnnounced,
    Refusal,
)
from reference_impl.imap._grammar import Framed, ImapDefectKind, ImapSyntaxError, Tokens
from reference_impl.imap._mutf7 import decode_mutf7, encode_mutf7
from reference_impl.imap._search_syntax import search_keys
from reference_impl.imap._syntax import date, date_time, flag_list, sequence_set
from reference_impl.imap._values import serialize


def tokens(line: bytes, *literals: bytes) -> Tokens:
    parts = tuple(line.split(b"\x00")) if literals else (line,)
    return Tokens(Framed(parts=parts, literals=literals))


# -- values -----------------------------------------------------------------------------


def test_serialize_nil_numbers_strings_and_lists() -> None:
    """RFC 9051 §4: NIL, numbers, strings and parenthesized lists."""
    assert serialize([None, 7, b"a b", [b'say "hi"\\']]) == b'(NIL 7 "a b" ("say \\"hi\\"\\\\"))'


def test_serialize_uses_a_literal_for_crlf_and_8bit() -> None:
    """RFC 9051 §4.3: a quoted string cannot hold CR or LF (TEXT-CHAR)."""
    assert serialize(b"a\r\nb") == b"{4}\r\na\r\nb"
    assert serialize("é".encode()) == b"{2}\r\n\xc3\xa9"


@given(st.binary(max_size=64).filter(lambda data: b"\0" not in data))
def test_a_serialized_string_parses_back(data: bytes) -> None:
    """RFC 9051 §4.3: quoted and literal forms carry the same string (CHAR8 has no NUL)."""
    wire = serialize(data)
    if wire.startswith(b"{"):
        head, _, body = wire.partition(b"\r\n")
        assert tokens(head + b"\x00", body).string() == data
    else:
        assert tokens(wire).string() == data


# -- modified UTF-7 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "wire"),
    [
        ("INBOX", b"INBOX"),
        ("&", b"&-"),
        ("~peter/mail/台北/日本語", b"~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501 §5.1.3
        ("Entwürfe", b"Entw&APw-rfe"),
    ],
)
def test_modified_utf7_examples(name: str, wire: bytes) -> None:
    """RFC 3501 §5.1.3 modified UTF-7."""
    assert encode_mutf7(name) == wire
    assert decode_mutf7(wire) == name


@pytest.mark.parametrize("wire", [b"&Jjo!", b"&AGE-", b"a&b", b"\xc3\xa9", b"&U,BTFw-&ZeVnLIqe-"])
def test_invalid_modified_utf7_is_refused(wire: bytes) -> None:
    """RFC 3501 §5.1.3: printable ASCII MUST NOT be encoded; "&" alone is "&-"; runs of
    non-ASCII are one shift, not two adjacent ones."""
    assert decode_mutf7(wire) is None


@given(st.text(max_size=20).filter(lambda s: "\x00" not in s))
def test_modified_utf7_round_trip(name: str) -> None:
    assert decode_mutf7(encode_mutf7(name)) == name


# -- framing ----------------------------------------------------------------------------------


def frame(data: bytes, **limits: int | bool) -> tuple[CommandFramer, ReceiveBuffer]:
    framer = CommandFramer(FramingLimits(**limits))  # type: ignore[arg-type]
    inbox = ReceiveBuffer()
    inbox.feed(data)
    return framer, inbox


def test_a_synchronizing_literal_waits_for_the_continuation() -> None:
    """RFC 9051 §7.5: the client waits for "+" before sending a synchronizing literal."""
    framer, inbox = frame(b"a LOGIN {5}\r\n")
    assert framer.next(inbox) == LiteralAnnounced(first_line=b"a LOGIN {5}", size=5)
    inbox.feed(b"alice pw\r\n")
    assert framer.next(inbox) is None  # not accepted yet
    framer.accept_literal()
    out = framer.next(inbox)
    assert out == CommandFramed(framed=Framed(parts=(b"a LOGIN {5}", b" pw"), literals=(b"alice",)))


def test_a_non_synchronizing_literal_is_read_at_once() -> None:
    """RFC 7888 §3: {n+} needs no continuation."""
    framer, inbox = frame(b"a LOGIN {5+}\r\nalice {2+}\r\npw\r\n")
    out = framer.next(inbox)
    assert isinstance(out, CommandFramed)
    assert out.framed.literals == (b"alice", b"pw")


def test_a_literal_may_hold_crlf_and_a_fake_command() -> None:
    """RFC 9051 §4.3: a literal is counted octets, never searched for line ends."""
    framer, inbox = frame(b"a APPEND x {12+}\r\nb LOGOUT\r\n\r\n\r\n")
    out = framer.next(inbox)
    assert isinstance(out, CommandFramed) and out.framed.literals == (b"b LOGOUT\r\n\r\n",)


def test_lines_of_8000_octets_are_accepted() -> None:
    """RFC 2683 §3.2.1.5: servers should accept command lines of at least 8000 octets."""
    line = b"a SEARCH " + b"1," * 4000 + b"1"
    framer, inbox = frame(line + b"\r\n")
    assert len(line) > 8000
    assert isinstance(framer.next(inbox), CommandFramed)


def test_an_endless_line_is_refused_with_its_tag_and_bounded_memory() -> None:
    framer, inbox = frame(b"t7 NOOP " + b"x" * 5000, max_line=1000)
    assert framer.next(inbox) is None
    assert len(inbox) <= 1000
    inbox.feed(b"y" * 5000 + b"\r\nt8 NOOP\r\n")
    assert framer.next(inbox) == FramingRefused(
        first_line=b"t7 NOOP " + b"x" * 248, refusal=Refusal.LINE_TOO_LONG
    )
    out = framer.next(inbox)
    assert isinstance(out, CommandFramed) and out.framed.parts == (b"t8 NOOP",)


def test_an_oversized_non_synchronizing_literal_is_refused_and_skipped() -> None:
    """RFC 7888 §4 (choice 1): reject the command and read past the literal."""
    framer, inbox = frame(b"a APPEND x {50+}\r\n", max_literal=10)
    out = framer.next(inbox)
    assert isinstance(out, FramingRefused) and out.refusal is Refusal.LITERAL_TOO_BIG
    inbox.feed(b"z" * 50 + b" {3+}\r\nabc\r\nb NOOP\r\n")
    out = framer.next(inbox)
    assert isinstance(out, CommandFramed) and out.framed.parts == (b"b NOOP",)


def test_literal_minus_refuses_non_synchronizing_literals_over_4096() -> None:
    """RFC 7888 §5: under LITERAL- a {n+} literal is at most 4096 octets."""
    framer, inbox = frame(b"a APPEND x {4097+}\r\n", literal_minus=True)
    out = framer.next(inbox)
    assert isinstance(out, FramingRefused) and out.refusal is Refusal.NON_SYNC_TOO_BIG
    framer, inbox = frame(b"a APPEND x {4096+}\r\n" + b"q" * 4096 + b"\r\n", literal_minus=True)
    assert isinstance(framer.next(inbox), CommandFramed)


def test_an_oversized_synchronizing_literal_is_refused_before_it_is_sent() -> None:
    framer, inbox = frame(b"a APPEND x {99999999999}\r\nb NOOP\r\n", max_literal=10)
    out = framer.next(inbox)
    assert isinstance(out, FramingRefused) and out.refusal is Refusal.LITERAL_TOO_BIG
    out = framer.next(inbox)
    assert isinstance(out, CommandFramed) and out.framed.parts == (b"b NOOP",)


# -- arguments ----------------------------------------------------------------------------------


def test_sequence_sets_with_star_and_reversed_ranges() -> None:
    """RFC 9051 §9 seq-range: "*" is the largest number; 4:2 is 2:4."""
    parsed = sequence_set(tokens(b"1:*,*:4,7:5"))
    assert parsed.resolve(10) == [(1, 10), (4, 10), (5, 7)]
    assert parsed.members(list(range(1, 12)), 10) == list(range(1, 11))


@pytest.mark.parametrize("text", [b"0", b"1:0", b",1", b"a", b"4294967296"])
def test_bad_sequence_sets_are_syntax_errors(text: bytes) -> None:
    """RFC 9051 §9: seq-number = nz-number / "*", nz-number fits 32 bits."""
    with pytest.raises(ImapSyntaxError) as raised:
        sequence_set(tokens(text))
    assert raised.value.defect.kind is ImapDefectKind.BAD_SEQUENCE_SET


def test_flags_are_canonical_and_recent_is_refused() -> None:
    """RFC 9051 §9: flag excludes \\Recent (flag-fetch only); system flags are
    case-insensitive."""
    assert flag_list(tokens(b"(\\seen \\DELETED $Junk)")) == ["\\Seen", "\\Deleted", "$Junk"]
    with pytest.raises(ImapSyntaxError):
        flag_list(tokens(b"(\\Recent)"))


def test_dates() -> None:
    """RFC 9051 §9 date and date-time."""
    assert date(tokens(b"1-Feb-1994")) == datetime.date(1994, 2, 1)
    assert date(tokens(b'"01-feb-1994"')) == datetime.date(1994, 2, 1)
    moment = date_time(tokens(b'" 7-Jul-1996 02:44:25 -0700"'))
    assert moment.utcoffset() == datetime.timedelta(hours=-7) and moment.day == 7
    for bad in (b"31-Feb-1994", b"1-Foo-1994", b"1994-02-01"):
        with pytest.raises(ImapSyntaxError):
            date(tokens(bad))


def test_fetch_sections_and_partials() -> None:
    """RFC 9051 §6.4.5: section specs and <origin.octets>; the response names the origin."""
    items = fetch_items(tokens(b'(BODY.PEEK[1.2.HEADER.FIELDS.NOT (X-A "Y B")]<10.20> BINARY[3])'))
    assert items[0].peek and items[0].partial == (10, 20)
    assert items[0].response_name() == b'BODY[1.2.HEADER.FIELDS.NOT (X-A "Y B")]<10>'
    assert items[1].response_name() == b"BINARY[3]"
    with pytest.raises(ImapSyntaxError):
        fetch_items(tokens(b"BODY[MIME]"))  # MIME needs a part number (§9)


def test_nesting_is_bounded() -> None:
    """Deeply nested search keys stop at the depth limit instead of recursing on."""
    with pytest.raises(ImapSyntaxError) as raised:
        search_keys(tokens(b"(" * 200 + b"ALL" + b")" * 200))
    assert raised.value.defect.kind is ImapDefectKind.TOO_DEEP
    with pytest.raises(ImapSyntaxError):
        search_keys(tokens(b"NOT " * 200 + b"ALL"))


def test_quoted_strings_escape_only_dquote_and_backslash() -> None:
    """RFC 9051 §9: "\\" escapes only DQUOTE and "\\"."""
    assert tokens(b'"a\\"b\\\\c"').string() == b'a"b\\c'
    with pytest.raises(ImapSyntaxError):
        tokens(b'"a\\nb"').string()


def test_compress_set_makes_ranges() -> None:
    """RFC 9051 §9 sequence-set: runs become ranges."""
    from reference_impl.imap._values import compress_set

    assert compress_set([7, 1, 2, 3, 9, 10]) == b"1:3,7,9:10"
    assert compress_set([5]) == b"5"


def test_utf8_is_quoted_only_under_imap4rev2() -> None:
    """RFC 9051 §9: QUOTED-CHAR takes UTF-8; RFC 3501's is 7-bit TEXT-CHAR."""
    from reference_impl.imap._values import string

    name = "Entwürfe".encode()
    assert string(name) == b"{9}\r\n" + name
    assert string(name, utf8=True) == b'"' + name + b'"'
    assert string(b"\xff", utf8=True) == b"{1}\r\n\xff"


def test_eight_bit_quoted_strings_must_be_utf8() -> None:
    """RFC 9051 §9: QUOTED-CHAR =/ UTF8-2 / UTF8-3 / UTF8-4; other 8-bit octets are BAD."""
    assert tokens('"grüße"'.encode()).string() == "grüße".encode()
    with pytest.raises(ImapSyntaxError):
        tokens(b'"gr\xfc\xdfe"').string()


def test_an_empty_synchronizing_literal_still_gets_a_continuation() -> None:
    """RFC 9051 §7.5: the client waits for "+" before going on, whatever the size."""
    framer, inbox = frame(b"a LOGIN {0}\r\n")
    assert framer.next(inbox) == LiteralAnnounced(first_line=b"a LOGIN {0}", size=0)
    framer.accept_literal()
    inbox.feed(b" pw\r\n")
    out = framer.next(inbox)
    assert out == CommandFramed(framed=Framed(parts=(b"a LOGIN {0}", b" pw"), literals=(b"",)))
