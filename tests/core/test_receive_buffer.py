"""The one receive buffer of the sans-IO cores: lines by CRLF, counted octets, bounded."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reference_impl._receive import Line, ReceiveBuffer

_LINES = st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\r\n", b"")), max_size=8)


def _feed_in_pieces(buffer: ReceiveBuffer, data: bytes, cuts: list[int]) -> list[Line]:
    lines: list[Line] = []
    start = 0
    for cut in [*sorted(c % (len(data) + 1) for c in cuts), len(data)]:
        buffer.feed(data[start:cut])
        start = max(start, cut)
        while (line := buffer.extract_line(1000)) is not None:
            lines.append(line)
    return lines


@given(lines=_LINES, cuts=st.lists(st.integers(min_value=0), max_size=6))
def test_any_split_of_the_stream_gives_the_same_lines(lines: list[bytes], cuts: list[int]) -> None:
    data = b"".join(line + b"\r\n" for line in lines)
    got = _feed_in_pieces(ReceiveBuffer(), data, cuts)
    assert got == [Line(content=line, too_long=False) for line in lines]


def test_bare_cr_and_lf_do_not_end_a_line() -> None:
    buffer = ReceiveBuffer()
    buffer.feed(b"RSET\rQUIT\nNOOP\r\n")
    assert buffer.extract_line(100) == Line(content=b"RSET\rQUIT\nNOOP", too_long=False)


def test_a_runaway_line_is_discarded_as_it_comes_and_reported_once() -> None:
    buffer = ReceiveBuffer()
    for _ in range(100):
        buffer.feed(b"A" * 1000)
        assert buffer.extract_line(512) is None
        assert len(buffer) <= 512  # memory stays bounded by the limit
    assert buffer.discarding
    buffer.feed(b"tail\r\nNOOP\r\n")
    first = buffer.extract_line(512)
    assert first is not None and first.too_long
    assert buffer.extract_line(512) == Line(content=b"NOOP", too_long=False)
    assert not buffer.discarding


def test_a_crlf_split_at_the_discard_point_still_ends_the_line() -> None:
    buffer = ReceiveBuffer()
    buffer.feed(b"B" * 600 + b"\r")
    assert buffer.extract_line(512) is None
    buffer.feed(b"\nNEXT\r\n")
    line = buffer.extract_line(512)
    assert line is not None and line.too_long
    assert buffer.extract_line(512) == Line(content=b"NEXT", too_long=False)


def test_a_complete_line_over_the_limit_is_too_long() -> None:
    buffer = ReceiveBuffer()
    buffer.feed(b"x" * 11 + b"\r\n")
    assert buffer.extract_line(12) == Line(content=b"x" * 11, too_long=True)
    buffer.feed(b"x" * 10 + b"\r\n")
    assert buffer.extract_line(12) == Line(content=b"x" * 10, too_long=False)


def test_counted_octets_ignore_line_ends_and_unread_puts_back() -> None:
    buffer = ReceiveBuffer()
    buffer.feed(b"ab\r\n.\r\nrest")
    assert buffer.extract_at_most(7) == b"ab\r\n.\r\n"
    assert buffer.extract_at_most(100) == b"rest"
    buffer.feed(b"tail")
    buffer.unread(b"head-")
    assert bytes(buffer) == b"head-tail"
    assert buffer.extract_all() == b"head-tail" and not buffer


def test_peek_leaves_the_octets_in_place() -> None:
    buffer = ReceiveBuffer()
    buffer.feed(b"a1 NOOP\r\n")
    assert buffer.peek(2) == b"a1"
    assert buffer.extract_line(100) == Line(content=b"a1 NOOP", too_long=False)
