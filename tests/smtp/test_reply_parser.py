"""The strict reply parser: every deviation becomes a typed defect."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reference_impl.smtp import ReplyDefectKind, ReplyReader


def parse(data: bytes) -> list[tuple[int, set[ReplyDefectKind]]]:
    reader = ReplyReader()
    reader.feed(data)
    out = []
    while (reply := reader.next_reply()) is not None:
        out.append((reply.code, {d.kind for d in reply.defects}))
    return out


def test_multiline_reply_is_one_reply() -> None:
    reader = ReplyReader()
    reader.feed(b"250-mx.example\r\n250-SIZE 100\r\n250 HELP\r\n")
    reply = reader.next_reply()
    assert reply is not None
    assert (reply.code, reply.lines, reply.defects) == (
        250,
        (b"mx.example", b"SIZE 100", b"HELP"),
        (),
    )
    assert reader.next_reply() is None


def test_incomplete_reply_waits_for_more() -> None:
    reader = ReplyReader()
    reader.feed(b"250-first\r\n250 sec")
    assert reader.next_reply() is None
    assert reader.pending == b"250-first\r\n250 sec"
    reader.feed(b"ond\r\n")
    reply = reader.next_reply()
    assert reply is not None and reply.lines == (b"first", b"second")


def test_defects_are_recorded_not_raised() -> None:
    assert parse(b"250-a\r\n251 b\r\n") == [(251, {ReplyDefectKind.MIXED_CODES})]
    assert parse(b"250 ok\n") == [(250, {ReplyDefectKind.BARE_LF})]
    ((code, kinds),) = parse(b"25 ok\r\n")
    assert code == 0 and ReplyDefectKind.BAD_CODE in kinds
    assert parse(b"650 ok\r\n") == [(650, {ReplyDefectKind.BAD_CODE})]
    assert parse(b"250_ok\r\n") == [(250, {ReplyDefectKind.BAD_SEPARATOR})]
    assert parse(b"250\r\n") == [(250, {ReplyDefectKind.NO_TEXT})]
    assert parse(b"250 " + b"x" * 600 + b"\r\n") == [(250, {ReplyDefectKind.LINE_TOO_LONG})]
    assert parse(b"250 caf\xc3\xa9\r\n") == [(250, {ReplyDefectKind.BAD_TEXT})]


def test_enhanced_code_is_read_from_the_first_line() -> None:
    reader = ReplyReader()
    reader.feed(b"550 5.1.1 No such user\r\n")
    reply = reader.next_reply()
    assert reply is not None and reply.enhanced_code == "5.1.1"


def test_close_returns_the_partial_reply_as_incomplete() -> None:
    reader = ReplyReader()
    reader.feed(b"250-one\r\n250 tw")
    reply = reader.close()
    assert reply is not None
    assert ReplyDefectKind.INCOMPLETE in {d.kind for d in reply.defects}


texts = st.lists(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)), min_size=1, max_size=5
)


codes = st.builds(
    lambda a, b, c: 100 * a + 10 * b + c,  # Reply-code = %x32-35 %x30-35 %x30-39
    st.integers(2, 5),
    st.integers(0, 5),
    st.integers(0, 9),
)


@given(codes, texts, st.integers(min_value=1, max_value=9))
def test_well_formed_replies_parse_back_in_any_split(
    code: int, lines: list[str], step: int
) -> None:
    wire = b"".join(
        f"{code}{'-' if i < len(lines) - 1 else ' '}{text}\r\n".encode()
        for i, text in enumerate(lines)
    )
    reader = ReplyReader()
    replies = []
    for i in range(0, len(wire), step):
        reader.feed(wire[i : i + step])
        while (reply := reader.next_reply()) is not None:
            replies.append(reply)
    assert len(replies) == 1
    assert replies[0].code == code
    assert replies[0].lines == tuple(text.encode() for text in lines)
    assert replies[0].raw == wire
