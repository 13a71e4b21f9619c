"""The POP2 server core reports what the client did wrong as a ``ClientDefect`` before
its "- error" and close (RFC 937 server decision table, action 1)."""

from __future__ import annotations

import pytest
from pop2_pair import CONFIG

from reference_impl._defects import ClientDefect
from reference_impl.pop2 import ServerConnection
from reference_impl.pop2._client_defects import ClientDefectKind as Kind


def _defects(wire: bytes) -> list[Kind]:
    server = ServerConnection(CONFIG)
    server.receive_data(wire)
    events = iter(server.next_event, None)
    return [event.defect.kind for event in events if isinstance(event, ClientDefect)]


@pytest.mark.parametrize(
    ("wire", "kind"),
    [
        (b"HELO alice\nalice-pw\r\n", Kind.BARE_LINE_END),  # page 5: CRLF for commands
        (b"HELO " + b"x" * 600 + b"\r\n", Kind.LINE_TOO_LONG),  # page 12: 512 characters
        (b"\x01\x02\r\n", Kind.SYNTAX),  # page 16: no command fits
        (b"RETR\r\n", Kind.BAD_SEQUENCE),  # AUTH state takes HELO or QUIT (page 18)
    ],
)
def test_each_departure_is_one_client_defect(wire: bytes, kind: Kind) -> None:
    assert _defects(wire) == [kind]


@pytest.mark.parametrize("wire", [b"helo alice wrong-password\r\n", b"QUIT\r\n"])
def test_what_the_client_may_do_reports_nothing(wire: bytes) -> None:
    assert _defects(wire) == []
