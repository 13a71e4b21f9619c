"""TOP finds the end of the header as the message parser does (RFC 1939 §7, RFC 5322 §2.1):
at the empty line, or at the first line that is no header field."""

from __future__ import annotations

from reference_impl.pop3 import top_of_message

HEADER = b"From: a@example.com\r\nSubject: s\r\n"


def test_top_counts_body_lines_after_the_empty_line() -> None:
    message = HEADER + b"\r\none\r\ntwo\r\nthree\r\n"
    assert top_of_message(message, 0) == HEADER + b"\r\n"
    assert top_of_message(message, 2) == HEADER + b"\r\none\r\ntwo\r\n"
    assert top_of_message(message, 9) == message


def test_header_ended_by_a_line_that_is_no_field() -> None:
    """Without an empty line the body starts at the first line that is no field; TOP 1
    sends the header and that one line, not the whole message."""
    message = HEADER + b"no field here\r\nsecond\r\nthird\r\n"
    assert top_of_message(message, 1) == HEADER + b"no field here\r\n"


def test_message_without_body_is_all_header() -> None:
    assert top_of_message(HEADER, 3) == HEADER
