"""The messages a user names (``--message FILE``), judged themselves: each departure the
strict parser finds (``reference_impl.mime``, the rules of ``conformance lint``) is a
failure where it breaks a MUST, a warning where it breaks a SHOULD.

Messages other sources provide (a client's submissions to the judge) are judged the same
way; without any, these tests skip.
"""

from __future__ import annotations

import pytest

from conformance._mime_sources import MessageFile
from reference_impl._defects import Level
from reference_impl.mime import parse_message


def _defects(message: MessageFile, level: Level) -> list[str]:
    parsed = parse_message(message.octets)
    return [str(defect) for defect in parsed.defects if defect.level is level]


@pytest.mark.rfc(5322, "3.1", "MUST")
def test_message_breaks_no_must_of_the_format(mime_message: MessageFile) -> None:
    """Messages that are conformant to this specification MUST conform to the syntax in
    this section.

    And to the MIME rules (RFC 2045-2047, RFC 2231) each defect names with its section.
    """
    broken = _defects(mime_message, Level.MUST)
    assert not broken, f"{mime_message.origin} breaks:\n  " + "\n  ".join(broken)


@pytest.mark.rfc(5322, "3.1", "SHOULD")
def test_message_follows_the_shoulds_of_the_format(mime_message: MessageFile) -> None:
    """If there are options in this section where one option SHOULD be generated, that is
    indicated either in the prose or in a comment next to the syntax.

    (Lines of at most 78 octets, RFC 5322 §2.1.1, and the other SHOULDs the parser knows.)
    """
    departures = _defects(mime_message, Level.SHOULD)
    assert not departures, f"{mime_message.origin} departs:\n  " + "\n  ".join(departures)
