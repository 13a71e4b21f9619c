"""Drive the sans-IO IMAP server core in memory against a real store in a temp dir."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reference_impl.auth import Accounts
from reference_impl.imap import (
    ConnectionClosed,
    ServerConfig,
    ServerConnection,
    StartTLS,
    StoreWork,
    WatchMailbox,
)
from reference_impl.store import MailStore

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
    return ServerConfig(accounts=ACCOUNTS, **changes)


@dataclass
class Driven:
    """One server core and the store its work runs on; ``send`` returns the output."""

    store: MailStore
    conn: ServerConnection
    closed: bool = False
    tls_requested: bool = False
    watching: str | None = None
    events: list[object] = field(default_factory=list)

    def send(self, data: bytes) -> bytes:
        self.conn.receive_data(data)
        return self.pump()

    def pump(self) -> bytes:
        out = bytearray(self.conn.data_to_send())
        while (event := self.conn.next_event()) is not None:
            self.events.append(event)
            match event:
                case StoreWork(work=work):
                    self.conn.work_done(work(self.store))
                case WatchMailbox(mailbox=mailbox):
                    self.watching = mailbox
                case StartTLS():
                    self.tls_requested = True
                case ConnectionClosed():
                    self.closed = True
            out += self.conn.data_to_send()
        return bytes(out)

    def changed(self) -> bytes:
        """Tell the core its watched mailbox changed (the shell's watch callback)."""
        self.conn.mailbox_changed()
        return self.pump()


def driven(root: Path, store: MailStore | None = None, **changes: Any) -> Driven:
    conn = ServerConnection(make_config(**changes))
    pair = Driven(store=store or MailStore(root), conn=conn)
    pair.pump()
    return pair


def logged_in(root: Path, store: MailStore | None = None, **changes: Any) -> Driven:
    pair = driven(root, store, **changes)
    reply = pair.send(b"L LOGIN alice alice-pw\r\n")
    assert reply.startswith(b"L OK"), reply
    return pair
