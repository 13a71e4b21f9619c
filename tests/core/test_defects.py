"""One defect shape and one policy for every core's parser."""

from __future__ import annotations

import pytest

from reference_impl._defects import RECORD, STRICT, Defect, DefectError, Level
from reference_impl.pop3 import Pop3DefectKind, parse_response
from reference_impl.smtp import ReplyDefectKind, ReplyReader


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
