"""The Received: Stamp syntax of RFC 5321 §4.4, as real MTAs write it and as they must not."""

from __future__ import annotations

import pytest

from reference_impl.smtp import ServerConfig, stamp_faults
from reference_impl.smtp._events import Envelope
from reference_impl.smtp._transaction import trace_field

WELL_FORMED = {
    "postfix": "from conformance.test (localhost [127.0.0.1]) by mx.example.test (Postfix) "
    "with ESMTP id 4F1B2C3D4E for <bob@example.test>; Thu, 3 Dec 2026 13:44:45 +0000 (UTC)",
    "dovecot-lmtp": "from mx.example.test by mx.example.test with LMTP id kXb3Ag "
    "(envelope-from <alice@example.test>) for <bob@example.test>; Thu, 03 Dec 2026 13:44:45 +0000",
    "address-literals": "from [192.0.2.1] ([192.0.2.1]) by [IPv6:2001:db8::1] with ESMTPSA; "
    "3 Dec 2026 13:44 -0800",
    "msg-id-and-clause": "from a.example by b.example via TCP with SMTP id <x.1@b.example> "
    "for bob@example.test opt \"v\"; Thu, 3 Dec 2026 13:44:45 +0100",
}
MALFORMED = {
    "no-by": "from a.example with ESMTP; Thu, 3 Dec 2026 13:44:45 +0000",
    "no-date": "from a.example by b.example with ESMTP id 1",
    "two-digit-year": "from a.example by b.example; Thu, 3 Dec 26 13:44:45 +0000",
    "named-zone": "from a.example by b.example; Thu, 3 Dec 2026 13:44:45 GMT",
    "unclosed-comment": "from a.example (x by b.example; Thu, 3 Dec 2026 13:44:45 +0000",
    "for-without-mailbox": "from a.example by b.example for <bob>; Thu, 3 Dec 2026 13:44:45 +0000",
    "bad-domain": "from a_b..example by b.example; Thu, 3 Dec 2026 13:44:45 +0000",
}


@pytest.mark.parametrize("value", WELL_FORMED.values(), ids=list(WELL_FORMED))
def test_well_formed_stamps_have_no_faults(value: str) -> None:
    assert stamp_faults(value) == []


@pytest.mark.parametrize("value", MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_stamps_are_faulted(value: str) -> None:
    faults = stamp_faults(value)
    assert faults and all("RFC" in fault for fault in faults)


def test_the_reference_servers_own_field_is_a_stamp() -> None:
    envelope = Envelope(
        sender="a@example.test",
        recipients=("b@example.test",),
        mailboxes=("b",),
        helo_name="c.test",
    )
    field = trace_field(envelope, config=ServerConfig(accounts={}), peer_ip="127.0.0.1").decode()
    name, _, value = field.partition(":")
    assert name == "Received" and stamp_faults(" ".join(value.split())) == []
