"""The reference SMTP server makes final delivery into its store, so it puts the
return-path line above its Received field (RFC 5321 §4.4: "When the delivery SMTP server
makes the "final delivery" of a message, it inserts a return-path line at the beginning
of the mail data.  This use of return-path is required")."""

from __future__ import annotations

import smtplib

from reference_impl._embedded import EmbeddedServers

CONTENT = b"From: alice@example.test\r\nSubject: return path\r\n\r\nbody\r\n"


def _stored(sender: str) -> bytes:
    """What bob's mailbox holds after one message from ``sender``."""
    with EmbeddedServers() as servers:
        with smtplib.SMTP(servers.host, servers.ports["smtp"], timeout=10) as smtp:
            smtp.sendmail(sender, ["bob@example.test"], CONTENT)
        (item,) = servers.store.messages("bob")
        return servers.store.read("bob", item.uid)


def test_stored_message_starts_with_the_reverse_path_then_received() -> None:
    data = _stored("alice@example.test")
    assert data.startswith(b"Return-Path: <alice@example.test>\r\nReceived: from "), data
    assert data.endswith(CONTENT)


def test_null_reverse_path_is_kept_empty() -> None:
    """§4.5.5: notifications go with the null reverse-path "<>"; the line says so."""
    data = _stored("<>")
    assert data.startswith(b"Return-Path: <>\r\nReceived: from "), data
