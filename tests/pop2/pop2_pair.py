"""An in-memory POP2 client/server pair: both sans-IO cores and dict mailboxes."""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl.auth import Accounts
from reference_impl.pop2 import (
    ClientConnection,
    ClientEvent,
    ConnectionClosed,
    Event,
    ListedMessage,
    MailboxReleased,
    MailboxRequested,
    MessageRequested,
    ServerConfig,
    ServerConnection,
)

ACCOUNTS = Accounts.from_mapping(
    {
        "local_domains": ["example.test"],
        "users": [
            {"name": "alice", "password": "alice-pw"},
            {"name": "bob", "password": "two words"},
        ],
    }
)
CONFIG = ServerConfig(hostname="pop.example.test", accounts=ACCOUNTS)


@dataclass
class Store:
    """Mailboxes of UID -> content; answers the server core's events."""

    mailboxes: dict[str, dict[int, bytes]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    closed: bool = False

    def serve(self, server: ServerConnection) -> None:
        while (event := server.next_event()) is not None:
            self.events.append(event)
            if isinstance(event, MailboxRequested):
                box = self.mailboxes.get(event.mailbox, {})
                listed = tuple(ListedMessage(uid=u, size=len(d)) for u, d in sorted(box.items()))
                server.mailbox_opened(listed)
            elif isinstance(event, MessageRequested):
                server.message_loaded(self.mailboxes[event.mailbox][event.uid])
            elif isinstance(event, MailboxReleased):
                for uid in event.uids:
                    self.mailboxes[event.mailbox].pop(uid, None)
                if event.awaited:
                    server.release_done()
            elif isinstance(event, ConnectionClosed):
                self.closed = True


@dataclass
class Pair:
    """A ClientConnection wired to a ServerConnection; ``step`` sends one command."""

    server: ServerConnection
    store: Store
    client: ClientConnection = field(default_factory=ClientConnection)
    delays: list[float] = field(default_factory=list)  # the delays a shell would serve

    @classmethod
    def new(cls, mailboxes: dict[str, dict[int, bytes]] | None = None) -> Pair:
        pair = cls(server=ServerConnection(CONFIG), store=Store(dict(mailboxes or {})))
        pair.deliver()
        return pair

    def deliver(self) -> list[ClientEvent]:
        """Run the server's events and hand its output to the client."""
        self.store.serve(self.server)
        while self.server.delay:  # served at once: the shell's timer is not tested here
            self.delays.append(self.server.delay)
            self.server.delay_served()
            self.store.serve(self.server)
        self.client.receive_data(self.server.data_to_send())
        events = []
        while (event := self.client.next_event()) is not None:
            events.append(event)
        return events

    def step(self, data: bytes) -> list[ClientEvent]:
        self.server.receive_data(data)
        return self.deliver()
