"""A mixed IMAP workload: many concurrent sessions, each LOGIN, APPEND, SELECT, FETCH of
flags and sizes, FETCH of one whole message, STORE, LOGOUT.  ``benchmarks/run.py`` runs
it against the reference IMAP server and Dovecot side by side; by hand:

    python benchmarks/imap_mixed.py 127.0.0.1 14300 alice alice-password

The client is one asyncio loop speaking raw IMAP, so that it costs far less than either
server and the rate measured is the server's.  Each run is bounded by a session count and
a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import time

MESSAGE = b"From: bob@example.test\r\nSubject: load\r\n\r\n" + b"line of text\r\n" * 50
SESSIONS, CONCURRENCY = 400, 20
RUN_TIMEOUT = 300.0  # seconds


class _Session:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.count = reader, writer, 0

    async def command(self, text: bytes, literal: bytes | None = None) -> list[bytes]:
        """Send ``text`` (then ``literal`` after the server's ``+``); the response lines up
        to and including the tagged completion, which must be OK."""
        self.count += 1
        tag = b"b%d" % self.count
        if literal is None:
            self.writer.write(tag + b" " + text + b"\r\n")
        else:
            self.writer.write(tag + b" " + text + b" {%d}\r\n" % len(literal))
            if not (await self.reader.readline()).startswith(b"+"):
                raise RuntimeError(f"no continuation for {text[:20]!r}")
            self.writer.write(literal + b"\r\n")
        lines = []
        while True:
            line = await self.reader.readline()
            if not line:
                raise RuntimeError(f"connection closed during {text[:20]!r}")
            if line.endswith(b"}\r\n"):  # a literal follows: read it whole
                size = int(line[line.rindex(b"{") + 1 : -3].rstrip(b"+"))
                line += await self.reader.readexactly(size)
            lines.append(line)
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError(f"{text[:20]!r} answered {line[:80]!r}")
                return lines


async def one_session(port: int, user: str, password: str) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    try:
        if not (await reader.readline()).startswith(b"* OK"):
            raise RuntimeError("no IMAP greeting")
        session = _Session(reader, writer)
        await session.command(b'LOGIN "%s" "%s"' % (user.encode(), password.encode()))
        await session.command(b"APPEND INBOX", MESSAGE)
        selected = await session.command(b"SELECT INBOX")
        count = next(int(line.split()[1]) for line in selected if line.endswith(b" EXISTS\r\n"))
        await session.command(b"FETCH %d:* (FLAGS RFC822.SIZE)" % max(1, count - 9))
        await session.command(b"FETCH %d (BODY.PEEK[])" % count)
        await session.command(b"STORE %d +FLAGS (\\Flagged)" % count)
        await session.command(b"LOGOUT")
    finally:
        writer.close()


def imap_mixed(port: int, user: str, password: str, sessions: int = SESSIONS) -> float:
    """Seconds for ``sessions`` sessions, CONCURRENCY of them at a time."""

    async def all_sessions() -> None:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def gated() -> None:
            async with gate:
                await one_session(port, user, password)

        await asyncio.gather(*(gated() for _ in range(sessions)))

    began = time.monotonic()
    asyncio.run(asyncio.wait_for(all_sessions(), RUN_TIMEOUT))
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("host", "port", "user", "password"):
        parser.add_argument(name, type=int if name == "port" else str)
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    args = parser.parse_args()
    if args.host != "127.0.0.1":
        parser.error("the workload runs against 127.0.0.1 only")
    seconds = imap_mixed(args.port, args.user, args.password, args.sessions)
    print(f"{args.sessions} sessions in {seconds:.1f} s: {args.sessions / seconds:.1f} sessions/s")


if __name__ == "__main__":
    main()
