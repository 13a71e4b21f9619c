"""The asyncio shell around the sans-IO IMAP client core.

    async with await ImapSession.connect("127.0.0.1", 1143) as imap:
        await imap.command("LOGIN", b"alice", b"secret")
        done = await imap.command("FETCH", b"1", b"BODY.PEEK[]")

Every untagged response received, solicited or not, is also kept in ``unsolicited``
until the caller takes it (IDLE, EXISTS from other sessions).
"""

from __future__ import annotations

import asyncio
import collections
import ssl
from types import TracebackType

from reference_impl.imap._client import (
    ClientConnection,
    CommandCompleted,
    ContinuationRequested,
    Literal,
    ResponseReceived,
)
from reference_impl.imap._response_parser import ImapResponse

__all__ = ["ImapClientError", "ImapSession"]


class ImapClientError(Exception):
    """A command completed with NO or BAD; ``completed`` holds the responses."""

    def __init__(self, completed: CommandCompleted) -> None:
        text = completed.response.line.decode("utf-8", "replace")[:200]
        super().__init__(f"{completed.command.decode()}: {text!r}")
        self.completed = completed


class ImapSession:
    """One IMAP connection driven by ``ClientConnection``."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float):
        self._reader, self._writer, self._timeout = reader, writer, timeout
        self.core = ClientConnection()
        self.unsolicited: collections.deque[ImapResponse] = collections.deque(maxlen=10000)
        self._completed: dict[bytes, CommandCompleted] = {}
        self._continuations: collections.deque[ContinuationRequested] = collections.deque()

    @classmethod
    async def connect(
        cls,
        host: str,
        port: int,
        *,
        tls_context: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        timeout: float = 30.0,
    ) -> ImapSession:
        """Connect and read the greeting; with ``tls_context`` run STARTTLS (RFC 9051
        §6.2.1), or TLS from the start if ``implicit_tls`` (RFC 8314 §3)."""
        ssl_arg = tls_context if implicit_tls else None
        opening = asyncio.open_connection(host, port, ssl=ssl_arg)
        session = cls(*await asyncio.wait_for(opening, timeout), timeout)
        while not session.unsolicited:
            await session.read_more()
        if tls_context is not None and not implicit_tls:
            await session.command("STARTTLS")
            await session._writer.start_tls(tls_context, server_hostname=host)
            session.core.tls_started()
        return session

    async def __aenter__(self) -> ImapSession:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._writer.close()

    async def command(self, name: str, *arguments: bytes | Literal) -> CommandCompleted:
        """Send a command (literals wait for "+" as the core says) and await its
        completion; NO or BAD raise ``ImapClientError``."""
        completed = await self.completion(self.core.command(name, *arguments))
        if completed.response.status != b"OK":
            raise ImapClientError(completed)
        return completed

    async def completion(self, tag: bytes) -> CommandCompleted:
        """The tagged completion of ``tag`` (a command queued on ``core`` directly, such
        as IDLE, whose continuation is answered by ``send_continuation``)."""
        while tag not in self._completed:
            await self._flush()
            await self.read_more()
        return self._completed.pop(tag)

    async def continuation(self) -> ContinuationRequested:
        """The next ``+`` for AUTHENTICATE or IDLE."""
        while not self._continuations:
            await self._flush()
            await self.read_more()
        return self._continuations.popleft()

    async def send_continuation(self, line: bytes) -> None:
        self.core.continue_with(line)
        await self._flush()

    async def _flush(self) -> None:
        data = self.core.data_to_send()
        if data:
            self._writer.write(data)
            await asyncio.wait_for(self._writer.drain(), self._timeout)

    async def read_more(self) -> None:
        """Wait for octets from the server and sort what they complete."""
        data = await asyncio.wait_for(self._reader.read(65536), self._timeout)
        if not data:
            raise ConnectionError("server closed the connection")
        self.core.receive_data(data)
        while (event := self.core.next_event()) is not None:
            match event:
                case ResponseReceived(response=response):
                    self.unsolicited.append(response)
                case ContinuationRequested():
                    self._continuations.append(event)
                case CommandCompleted(tag=tag):
                    self._completed[tag] = event
