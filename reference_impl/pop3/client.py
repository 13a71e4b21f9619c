"""The asyncio shell around the sans-IO POP3 client: fetch a maildrop.

async with await Pop3Session.connect("127.0.0.1", 1110) as pop:
    await pop.login("alice", "secret")
    data = await pop.retrieve(1)
"""

from __future__ import annotations

import asyncio
import ssl
from types import TracebackType

from reference_impl.pop3._client import ClientConnection
from reference_impl.pop3._responses import Pop3Response

__all__ = ["Pop3ClientError", "Pop3Session"]


class Pop3ClientError(Exception):
    """The server answered -ERR; ``response`` says why."""

    def __init__(self, command: str, response: Pop3Response) -> None:
        super().__init__(f"{command or 'greeting'}: {response.text.decode('utf-8', 'replace')}")
        self.response = response


class Pop3Session:
    """One POP3 connection; every method sends a command and awaits its +OK."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float):
        self._reader, self._writer, self._timeout = reader, writer, timeout
        self.core = ClientConnection()
        self.greeting = Pop3Response(status=b"", text=b"", raw=b"")

    @classmethod
    async def connect(
        cls,
        host: str,
        port: int,
        *,
        tls_context: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        timeout: float = 30.0,
    ) -> Pop3Session:
        """Connect; with ``tls_context`` use STLS (or TLS at once if ``implicit_tls``)."""
        ssl_arg = tls_context if implicit_tls else None
        opening = asyncio.open_connection(host, port, ssl=ssl_arg)
        session = cls(*await asyncio.wait_for(opening, timeout), timeout)
        session.greeting = await session._response("")
        if tls_context is not None and not implicit_tls:
            await session.command("STLS")
            await session._writer.start_tls(tls_context, server_hostname=host)
            session.core.tls_started()
        return session

    async def __aenter__(self) -> Pop3Session:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._writer.close()

    async def command(self, line: str) -> Pop3Response:
        self._writer.write(self.core.command(line))
        await asyncio.wait_for(self._writer.drain(), self._timeout)
        return await self._response(line.split(" ", 1)[0].upper())

    async def login(self, user: str, password: str) -> Pop3Response:
        await self.command(f"USER {user}")
        return await self.command(f"PASS {password}")

    async def retrieve(self, number: int) -> bytes:
        return (await self.command(f"RETR {number}")).body

    async def quit(self) -> Pop3Response:
        return await self.command("QUIT")

    async def _response(self, command: str) -> Pop3Response:
        while (event := self.core.next_event()) is None:
            data = await asyncio.wait_for(self._reader.read(65536), self._timeout)
            if not data:
                raise ConnectionError("server closed the connection")
            self.core.receive_data(data)
        if not event.response.ok:
            raise Pop3ClientError(command, event.response)
        return event.response
