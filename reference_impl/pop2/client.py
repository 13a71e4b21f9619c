"""The asyncio shell around the sans-IO POP2 client: read a mailbox.

async with await Pop2Client.connect("127.0.0.1", 109) as pop:
    count = await pop.helo("alice", "secret")
    length = await pop.read(1)
    data = await pop.retr()
    await pop.ackd()
    await pop.quit()
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from reference_impl._defects import STRICT
from reference_impl.pop2._client import (
    ClientConnection,
    ClientEvent,
    MessageReceived,
    ReplyReceived,
)
from reference_impl.pop2._replies import Reply

__all__ = ["Pop2Client", "Pop2ClientError"]


class Pop2ClientError(Exception):
    """The server refused ("-") or closed.  A reply that breaks RFC 937 raises the
    core's ``DefectError`` instead: this client parses strictly."""


class Pop2Client:
    """One POP2 connection; every method sends a command and awaits its reply."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float):
        self._reader, self._writer, self._timeout = reader, writer, timeout
        self.core = ClientConnection(policy=STRICT)
        self.greeting: Reply | None = None

    @classmethod
    async def connect(cls, host: str, port: int, *, timeout: float = 30.0) -> Pop2Client:
        client = cls(*await asyncio.wait_for(asyncio.open_connection(host, port), timeout), timeout)
        client.greeting = await client._reply()
        return client

    async def __aenter__(self) -> Pop2Client:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._writer.close()

    async def helo(self, user: str, password: str) -> int:
        """HELO; the number of messages in the default mailbox."""
        return await self._number(self.core.helo(user, password))

    async def fold(self, mailbox: str) -> int:
        return await self._number(self.core.fold(mailbox))

    async def read(self, number: int | None = None) -> int:
        """READ; the length of the (now) current message, 0 if there is none."""
        return await self._number(self.core.read(number))

    async def retr(self) -> bytes:
        await self._write(self.core.retr())
        event = await self._event()
        assert isinstance(event, MessageReceived)
        return event.data

    async def acks(self) -> int:
        return await self._number(self.core.acks())

    async def ackd(self) -> int:
        return await self._number(self.core.ackd())

    async def nack(self) -> int:
        return await self._number(self.core.nack())

    async def quit(self) -> Reply:
        await self._write(self.core.quit())
        return await self._reply()

    async def _write(self, data: bytes) -> None:
        self._writer.write(data)
        await asyncio.wait_for(self._writer.drain(), self._timeout)

    async def _number(self, command: bytes) -> int:
        await self._write(command)
        reply = await self._reply()
        assert reply.number is not None  # the core checked the reply's kind
        return reply.number

    async def _reply(self) -> Reply:
        event = await self._event()
        if isinstance(event, MessageReceived):
            raise Pop2ClientError("message data where a reply was expected")
        return event.reply

    async def _event(self) -> ClientEvent:
        while (event := self.core.next_event()) is None:
            data = await asyncio.wait_for(self._reader.read(65536), self._timeout)
            if not data:
                self.core.connection_closed()
                raise Pop2ClientError("the server closed the connection")
            self.core.receive_data(data)
        if not isinstance(event, ReplyReceived | MessageReceived):
            raise Pop2ClientError(
                f"the server refused: expected {event.expected}, got {event.reply}"
            )
        return event
