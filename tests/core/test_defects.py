"""One defect shape and one policy for every core's parser."""

from __future__ import annotations

import pytest

from reference_impl._defects import RECORD, STRICT, Defect, DefectError, Level
from reference_impl.pop2 import ClientConnection as Pop2Client
from reference_impl.pop2 import UnexpectedReply
from reference_impl.pop2 import parse_reply as parse_pop2_reply
from reference_impl.pop2._replies import Pop2DefectKind
from reference_impl.pop3 import Pop3DefectKind, Pop3ResponseReader, parse_response
from reference_impl.smtp import ReplyDefectKind, ReplyReader
from reference_impl.smtp._client import ClientConnection as SmtpClient


def test_smtp_and_pop3_parsers_report_the_same_defect_type() -> None:
    reader = ReplyReader()
    reader.feed(b"250 ok\n")
    reply = reader.next_reply()
    assert reply is not None
    response = parse_response(b"+ok fine\r\n", multiline=False)
    smtp_defect, pop3_defect = reply.defects[0], response.defects[0]
    assert type(smtp_defect) is type(pop3_defect) is Defect
    assert smtp_defect.kind is ReplyDefectKind.BARE_LF
    assert pop3_defect.kind is Pop3DefectKind.STATUS_CASE
    assert "RFC 1939" in pop3_defect.rule and pop3_defect.level is Level.MUST


def test_record_policy_keeps_going_and_strict_policy_raises_the_first() -> None:
    found: list[Defect] = []
    first = Defect(kind=ReplyDefectKind.BARE_LF, line=1, detail="'250 ok\\n'")
    second = Defect(kind=ReplyDefectKind.NO_TEXT, line=2, detail="'250'")
    RECORD.handle(first, found)
    RECORD.handle(second, found)
    assert found == [first, second]
    with pytest.raises(DefectError) as raised:
        STRICT.handle(second, found)
    assert raised.value.defect is second
    assert len(found) == 2
    assert "line 2" in str(second) and "RFC 5321" in str(second)


def test_strict_reply_reader_raises_once_the_reply_is_taken() -> None:
    reader = ReplyReader(policy=STRICT)
    reader.feed(b"250 ok\n250 fine\r\n")
    with pytest.raises(DefectError) as raised:
        reader.next_reply()
    assert raised.value.defect.kind is ReplyDefectKind.BARE_LF
    reply = reader.next_reply()  # the defective reply is gone; the next one reads cleanly
    assert reply is not None and reply.code == 250 and reply.defects == ()


def test_strict_pop3_reader_raises_and_the_default_records() -> None:
    strict = Pop3ResponseReader(policy=STRICT)
    strict.feed(b"+ok\r\n")
    with pytest.raises(DefectError) as raised:
        strict.next_response()
    assert raised.value.defect.kind is Pop3DefectKind.STATUS_CASE
    recording = Pop3ResponseReader()
    recording.feed(b"+ok\r\n")
    response = recording.next_response()
    assert response is not None and [d.kind for d in response.defects] == [
        Pop3DefectKind.STATUS_CASE
    ]


def test_smtp_client_core_parses_under_its_policy() -> None:
    client = SmtpClient(policy=STRICT)
    with pytest.raises(DefectError):
        client.receive_data(b"220 mx.example.test\n")
    recording = SmtpClient()
    recording.receive_data(b"220 mx.example.test\n")
    event = recording.next_event()
    assert event is not None and event.reply.defects[0].kind is ReplyDefectKind.BARE_LF


def test_pop2_client_reports_garbage_as_a_defect_and_a_refusal_as_none() -> None:
    client = Pop2Client()
    client.receive_data(b"+OK POP3 server\r\n")  # RFC 937 action 1: garbage
    event = client.next_event()
    assert isinstance(event, UnexpectedReply) and event.defect is not None
    assert event.defect.kind is Pop2DefectKind.UNEXPECTED_REPLY
    with pytest.raises(DefectError):
        Pop2Client(policy=STRICT).receive_data(b"+OK POP3 server\r\n")
    refused = Pop2Client()
    refused.receive_data(b"- busy\r\n")
    event = refused.next_event()
    assert isinstance(event, UnexpectedReply) and event.defect is None


def test_pop2_reply_parser_records_what_breaks_rfc_937() -> None:
    parsed = parse_pop2_reply(b"*what\r\n")
    assert parsed is not None
    assert [d.kind for d in parsed[0].defects] == [Pop2DefectKind.NOT_A_REPLY]
    parsed = parse_pop2_reply(b"#1 " + b"x" * 600 + b"\r\n")
    assert parsed is not None
    assert [d.kind for d in parsed[0].defects] == [Pop2DefectKind.LINE_TOO_LONG]
