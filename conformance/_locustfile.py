"""The Locust users of ``conformance load``: SMTP and POP3 sessions on the reference
client cores, every reply checked.

Locust loads this file itself (``locust -f``), in every worker of a distributed run, so
the workload comes from environment variables that ``conformance load`` sets
(``CONFORMANCE_LOAD_*``).  Each command is one Locust request named by its verb, so the
statistics give latency percentiles per command; a reply of the wrong class, or a
connection closed before it, is a failure named by what came back ("550 to RCPT",
"closed before the reply to DATA"), so protocol errors under load are counted by code.
Message contents come from a generator seeded by ``seed`` and the user's number: the
same seed gives the same workload.
"""

from __future__ import annotations

import itertools
import os
import random
import socket
import time
from collections.abc import Callable
from typing import Any

from locust import User, constant, task

from reference_impl.pop3._client import ClientConnection as Pop3Client
from reference_impl.smtp._client import ClientConnection as SmtpClient

_ENV = "CONFORMANCE_LOAD_"
_USER_NUMBERS = itertools.count()


def _setting(name: str, default: str) -> str:
    return os.environ.get(_ENV + name, default)


class ProtocolFailure(Exception):
    """A reply the workload did not expect (its message names the code and command)."""


class _Session:
    """One connection: send a command line, wait for its reply, report it to Locust."""

    def __init__(self, user: User, protocol: str, client: Any) -> None:
        host, _, port = (user.host or "").rpartition(":")
        self._fire: Callable[..., Any] = user.environment.events.request.fire
        self._protocol = protocol
        self._client = client
        self._sock = socket.create_connection((host, int(port)), timeout=60)

    def close(self) -> None:
        self._sock.close()

    def exchange(self, name: str, data: bytes, ok: Callable[[Any], str | None]) -> Any:
        """Send ``data`` (nothing for the greeting), wait for one reply; ``ok`` returns
        the failure's name for a reply that is not what the workload expects."""
        started = time.perf_counter()
        if data:
            self._sock.sendall(data)
        event, failure = self._next_event(), None
        if event is None:
            failure = ProtocolFailure(f"closed before the reply to {name}")
        elif (problem := ok(event)) is not None:
            failure = ProtocolFailure(f"{problem} to {name}")
        self._fire(
            request_type=self._protocol,
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=len(data),
            exception=failure,
            context={},
        )
        if failure is not None:
            raise failure
        return event

    def _next_event(self) -> Any:
        while (event := self._client.next_event()) is None:
            chunk = self._sock.recv(65536)
            if not chunk:
                return None
            self._client.receive_data(chunk)
        return event


def _message(rng: random.Random, size: int) -> bytes:
    head = b"Subject: load %d\r\n\r\n" % rng.randrange(10**9)
    line = bytes(rng.choices(b"abcdefghijklmnopqrstuvwxyz ", k=76)) + b"\r\n"
    return head + line * max(1, (size - len(head)) // len(line))


def _smtp_class(first: int) -> Callable[[Any], str | None]:
    # RFC 5321 §4.2.1: the first digit says whether the command succeeded.
    return lambda event: None if event.reply.code // 100 == first else str(event.reply.code)


def _pop3_ok(event: Any) -> str | None:
    return None if event.response.ok else "-ERR"


class SmtpUser(User):
    """Connects, sends ``messages`` transactions, quits; again and again."""

    abstract = _setting("PROTOCOL", "smtp") != "smtp"
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(f"{_setting('SEED', '0')}/{next(_USER_NUMBERS)}")

    @task
    def session(self) -> None:
        size, messages = int(_setting("SIZE", "1024")), int(_setting("MESSAGES", "1"))
        sender = _setting("FROM", "alice@example.test")
        recipients = _setting("TO", "bob@example.test").split(",")
        client = SmtpClient()
        session = _Session(self, "SMTP", client)
        try:
            session.exchange("greeting", b"", _smtp_class(2))
            session.exchange("EHLO", client.command("EHLO load.example.test"), _smtp_class(2))
            for _ in range(messages):
                session.exchange("MAIL", client.command(f"MAIL FROM:<{sender}>"), _smtp_class(2))
                for recipient in recipients:
                    line = client.command(f"RCPT TO:<{recipient}>")
                    session.exchange("RCPT", line, _smtp_class(2))
                session.exchange("DATA", client.command("DATA"), _smtp_class(3))
                content = client.content(_message(self.rng, size))
                session.exchange("message", content, _smtp_class(2))
            session.exchange("QUIT", client.command("QUIT"), _smtp_class(2))
        except (ProtocolFailure, OSError):
            pass  # counted by Locust; the next session starts afresh
        finally:
            session.close()


class Pop3User(User):
    """Logs in, retrieves every message (or ``messages`` of them), quits."""

    abstract = _setting("PROTOCOL", "smtp") != "pop3"
    wait_time = constant(0)

    @task
    def session(self) -> None:
        limit = int(_setting("MESSAGES", "0"))
        client = Pop3Client()
        session = _Session(self, "POP3", client)
        try:
            session.exchange("greeting", b"", _pop3_ok)
            session.exchange("USER", client.command(f"USER {_setting('USER', 'alice')}"), _pop3_ok)
            password = _setting("PASSWORD", "alice-password")
            session.exchange("PASS", client.command(f"PASS {password}"), _pop3_ok)
            stat = session.exchange("STAT", client.command("STAT"), _pop3_ok)
            count = int(stat.response.text.split()[0])
            for number in range(1, (min(count, limit) if limit else count) + 1):
                session.exchange("RETR", client.command(f"RETR {number}"), _pop3_ok)
            session.exchange("QUIT", client.command("QUIT"), _pop3_ok)
        except (ProtocolFailure, OSError, ValueError, IndexError):
            pass
        finally:
            session.close()


__all__ = ["Pop3User", "SmtpUser"]
