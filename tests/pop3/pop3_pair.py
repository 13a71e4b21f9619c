"""An in-memory POP3 client/server pair: both sans-IO cores and a dict maildrop."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reference_impl._defects import ClientDefect
from reference_impl.auth import Accounts
from reference_impl.pop3 import (
    ClientConnection,
    ConnectionClosed,
    ListedMessage,
    Maildrop,
    MaildropRequested,
    MessageRequested,
    ResponseReceived,
    ServerConfig,
    ServerConnection,
    StartTLS,
    UpdateRequested,
)

ACCOUNTS = Accounts.from_mapping(
    {
        "local_domains": ["example.test"],
        "users": [
            {"name": "alice", "password": "alice-pw"},
            {"name": "bob", "password": "bob-pw"},
        ],
    }
)
UID_VALIDITY = 1_700_000_000
TIMESTAMP = "<1234.1.1700000000@pop.example.test>"


def make_config(**changes: Any) -> ServerConfig:
    return ServerConfig(accounts=ACCOUNTS, clock=lambda: 1_700_000_000.0, **changes)


@dataclass
class Pair:
    """Wires a ClientConnection to a ServerConnection over an in-memory maildrop.

    ``messages`` maps UID to content; ``locked`` users get [IN-USE];
    ``fail_reads`` makes every message read fail.
    """

    server: ServerConnection
    messages: dict[int, bytes]
    client: ClientConnection = field(default_factory=ClientConnection)
    locked: set[str] = field(default_factory=set)
    fail_reads: bool = False
    events: list[object] = field(default_factory=list)
    greeting: ResponseReceived | None = None
    delays: list[float] = field(default_factory=list)  # the delays a shell would serve

    @classmethod
    def new(cls, messages: dict[int, bytes] | None = None, **changes: Any) -> Pair:
        server = ServerConnection(make_config(**changes), timestamp=TIMESTAMP)
        pair = cls(server=server, messages=dict(messages or {}))
        (pair.greeting,) = pair._deliver_to_client()
        return pair

    def send(self, data: bytes) -> list[ResponseReceived]:
        self.server.receive_data(data)
        self._answer_events()
        while self.server.delay:  # served at once: the shell's timer is not tested here
            self.delays.append(self.server.delay)
            self.server.delay_served()
            self._answer_events()
        return self._deliver_to_client()

    def command(self, line: str | bytes) -> ResponseReceived:
        (received,) = self.send(self.client.command(line))
        return received

    def login(self, user: str = "alice", password: str = "alice-pw") -> ResponseReceived:
        assert self.command(f"USER {user}").response.ok
        return self.command(f"PASS {password}")

    def _answer_events(self) -> None:
        while (event := self.server.next_event()) is not None:
            self.events.append(event)
            if isinstance(event, MaildropRequested):
                self._open(event.user)
            elif isinstance(event, MessageRequested):
                if self.fail_reads:
                    self.server.message_failed()
                else:
                    self.server.message_loaded(self.messages[event.uid])
            elif isinstance(event, UpdateRequested):
                for uid in event.deleted_uids:
                    del self.messages[uid]
                self.server.update_done(True)
            elif isinstance(event, StartTLS):
                self.server.tls_started()
            else:  # the client's departures are for its grading, not for this pair
                assert isinstance(event, ConnectionClosed | ClientDefect)

    def _open(self, user: str) -> None:
        if user in self.locked:
            self.server.maildrop_locked()
            return
        listed = tuple(ListedMessage(uid=u, size=len(d)) for u, d in sorted(self.messages.items()))
        self.server.maildrop_opened(Maildrop(uid_validity=UID_VALIDITY, messages=listed))

    def _deliver_to_client(self) -> list[ResponseReceived]:
        self.client.receive_data(self.server.data_to_send())
        out = []
        while (event := self.client.next_event()) is not None:
            out.append(event)
        return out
