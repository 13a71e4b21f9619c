"""In memory: a script that refuses first attempts only refuses a transaction once and
serves its retry on another connection of the same run, and reports the recipients it
deferred (RFC 5321 §4.2.1: after a 4yz the client "SHOULD try again")."""

from __future__ import annotations

from reference_impl.smtp import ServerConnection
from reference_impl.smtp._attempts import FirstAttempts
from reference_impl.smtp._config import Script
from reference_impl.smtp._events import RecipientsDeferred
from tests.smtp.helpers import make_config

SCRIPT = Script(refuse_first_rcpt=True, first_attempt_only=True)


def _rcpt_reply(attempts: FirstAttempts | None, rcpt: str) -> tuple[bytes, list[object]]:
    """A new connection's reply to RCPT ``rcpt``, and its events."""
    config = make_config(script=SCRIPT, attempts=attempts, judging=True, relay_allowed=True)
    server = ServerConnection(config, peer_ip="192.0.2.1")
    server.data_to_send()
    server.receive_data(b"EHLO client.example\r\n")
    server.data_to_send()
    server.receive_data(b"MAIL FROM:<a@client.example>\r\n")
    server.data_to_send()
    server.receive_data(f"RCPT TO:<{rcpt}>\r\n".encode())
    return server.data_to_send(), list(iter(server.next_event, None))


def test_the_first_attempt_is_refused_and_its_retry_served() -> None:
    attempts = FirstAttempts()
    first, events = _rcpt_reply(attempts, "b@judge.example")
    assert first.startswith(b"450")
    assert RecipientsDeferred(
        helo_name="client.example", sender="a@client.example",
        recipients=("b@judge.example",), code=450,
    ) in events  # fmt: skip
    again, events = _rcpt_reply(attempts, "B@judge.example")  # the same mailbox
    assert again.startswith(b"250") and events == []
    other, _ = _rcpt_reply(attempts, "c@judge.example")  # another transaction: refused
    assert other.startswith(b"450")


def test_without_a_shared_memory_every_attempt_is_refused() -> None:
    assert _rcpt_reply(None, "b@judge.example")[0].startswith(b"450")
    assert _rcpt_reply(None, "b@judge.example")[0].startswith(b"450")


def test_the_memory_is_bounded() -> None:
    attempts = FirstAttempts(limit=2)
    assert [attempts.first((str(n),)) for n in range(3)] == [True, True, True]
    assert attempts.first(("0",))  # forgotten, the oldest
    assert not attempts.first(("2",))
