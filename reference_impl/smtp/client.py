"""The asyncio shell around the sans-IO SMTP client: send one message.

reply = await send_mail("127.0.0.1", 2525, sender="a@example.test",
                        recipients=["b@example.test"], content=message)
"""

from __future__ import annotations

import asyncio
import ssl

from reference_impl.auth import encode_sasl_base64, plain_response
from reference_impl.smtp._client import ClientConnection, ReplyReceived
from reference_impl.smtp._replies import Reply

__all__ = ["SmtpClientError", "send_mail"]


class SmtpClientError(Exception):
    """The server refused a step; ``reply`` says which and why."""

    def __init__(self, command: str, reply: Reply) -> None:
        super().__init__(f"{command or 'greeting'}: {reply}")
        self.reply = reply


class _Channel:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float):
        self.reader, self.writer, self.timeout = reader, writer, timeout
        self.core = ClientConnection()

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await asyncio.wait_for(self.writer.drain(), self.timeout)

    async def reply(self, *, expect: int) -> Reply:
        """The next reply; a first digit other than ``expect``'s raises."""
        event = self.core.next_event()
        while event is None:
            data = await asyncio.wait_for(self.reader.read(65536), self.timeout)
            if not data:
                raise ConnectionError("server closed the connection")
            self.core.receive_data(data)
            event = self.core.next_event()
        return _check(event, expect)

    async def command(self, line: str, *, expect: int = 250) -> Reply:
        await self.send(self.core.command(line))
        return await self.reply(expect=expect)


def _check(event: ReplyReceived, expect: int) -> Reply:
    if event.reply.severity != expect // 100:
        raise SmtpClientError(event.command, event.reply)
    return event.reply


async def send_mail(
    host: str,
    port: int,
    *,
    sender: str,
    recipients: list[str],
    content: bytes,
    helo_name: str = "client.example.test",
    tls_context: ssl.SSLContext | None = None,
    credentials: tuple[str, str] | None = None,
    timeout: float = 30.0,
) -> Reply:
    """Deliver ``content`` (CRLF lines); returns the final 250 reply.

    With ``tls_context`` STARTTLS is required; ``credentials`` use AUTH PLAIN.
    """
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    channel = _Channel(reader, writer, timeout)
    try:
        await channel.reply(expect=220)
        await channel.command(f"EHLO {helo_name}")
        if tls_context is not None:
            await channel.command("STARTTLS", expect=220)
            await writer.start_tls(tls_context, server_hostname=host)
            channel.core.tls_started()
            await channel.command(f"EHLO {helo_name}")
        if credentials is not None:
            token = encode_sasl_base64(plain_response(*credentials), initial_response=True)
            await channel.command(f"AUTH PLAIN {token.decode('ascii')}", expect=235)
        await channel.command(f"MAIL FROM:<{sender}>")
        for recipient in recipients:
            await channel.command(f"RCPT TO:<{recipient}>")
        await channel.command("DATA", expect=354)
        await channel.send(channel.core.content(content))
        final = await channel.reply(expect=250)
        await channel.command("QUIT", expect=221)
        return final
    finally:
        writer.close()
