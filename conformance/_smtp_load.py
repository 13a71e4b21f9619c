"""The SMTP users of ``conformance load smtp`` (Locust loads this file)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from locust import User, constant, task

from conformance._load_users import USER_NUMBERS, LoadSession, ProtocolFailure, message, setting
from reference_impl.smtp._client import ClientConnection as SmtpClient

__all__ = ["SmtpUser"]

def _smtp_class(first: int) -> Callable[[Any], str | None]:
    # RFC 5321 §4.2.1: the first digit says whether the command succeeded.
    return lambda event: None if event.reply.code // 100 == first else str(event.reply.code)


class SmtpUser(User):
    """Connects, sends ``messages`` transactions, quits; again and again."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(f"{setting('SEED', '0')}/{next(USER_NUMBERS)}")

    @task
    def session(self) -> None:
        size, messages = int(setting("SIZE", "1024")), int(setting("MESSAGES", "1"))
        sender = setting("FROM", "alice@example.test")
        recipients = setting("TO", "bob@example.test").split(",")
        client = SmtpClient()
        session = LoadSession(self, "SMTP", client)
        try:
            session.exchange("greeting", b"", _smtp_class(2))
            session.exchange("EHLO", client.command("EHLO load.example.test"), _smtp_class(2))
            for _ in range(messages):
                session.exchange("MAIL", client.command(f"MAIL FROM:<{sender}>"), _smtp_class(2))
                for recipient in recipients:
                    line = client.command(f"RCPT TO:<{recipient}>")
                    session.exchange("RCPT", line, _smtp_class(2))
                session.exchange("DATA", client.command("DATA"), _smtp_class(3))
                content = client.content(message(self.rng, size))
                session.exchange("message", content, _smtp_class(2))
            session.exchange("QUIT", client.command("QUIT"), _smtp_class(2))
        except (ProtocolFailure, OSError):
            pass  # counted by Locust; the next session starts afresh
        finally:
            session.close()
