"""An in-memory client/server pair: both sans-IO cores, no sockets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reference_impl.auth import Accounts
from reference_impl.smtp import MessageReceived, ServerConfig, ServerConnection
from reference_impl.smtp._client import ClientConnection, ReplyReceived

ACCOUNTS = Accounts.from_mapping(
    {
        "local_domains": ["example.test"],
        "users": [
            {"name": "alice", "password": "alice-pw"},
            {"name": "bob", "password": "bob-pw"},
        ],
    }
)


def make_config(**changes: Any) -> ServerConfig:
    return ServerConfig(accounts=ACCOUNTS, clock=lambda: 1_700_000_000.0, **changes)


@dataclass
class Pair:
    """Wires a ClientConnection to a ServerConnection; storing always succeeds."""

    server: ServerConnection
    client: ClientConnection = field(default_factory=ClientConnection)
    messages: list[MessageReceived] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)  # the delays a shell would serve

    @classmethod
    def new(cls, **changes: Any) -> Pair:
        pair = cls(server=ServerConnection(make_config(**changes), peer_ip="192.0.2.1"))
        pair._deliver_to_client()
        return pair

    def send(self, data: bytes) -> list[ReplyReceived]:
        self.server.receive_data(data)
        self._answer_events()
        while self.server.delay:  # served at once: the shell's timer is not tested here
            self.delays.append(self.server.delay)
            self.server.delay_served()
            self._answer_events()
        return self._deliver_to_client()

    def _answer_events(self) -> None:
        while (event := self.server.next_event()) is not None:
            if isinstance(event, MessageReceived):
                self.messages.append(event)
                self.server.message_stored()

    def command(self, line: str) -> ReplyReceived:
        (received,) = self.send(self.client.command(line))
        return received

    def _deliver_to_client(self) -> list[ReplyReceived]:
        self.client.receive_data(self.server.data_to_send())
        out = []
        while (event := self.client.next_event()) is not None:
            out.append(event)
        return out
