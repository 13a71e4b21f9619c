"""The POP3 users of ``conformance load pop3`` (Locust loads this file)."""

from __future__ import annotations

from typing import Any

from locust import User, constant, task

from conformance._load_users import LoadSession, ProtocolFailure, setting
from reference_impl.pop3._client import ClientConnection as Pop3Client

__all__ = ["Pop3User"]

def _pop3_ok(event: Any) -> str | None:
    return None if event.response.ok else "-ERR"


class Pop3User(User):
    """Logs in, retrieves every message (or ``messages`` of them), quits."""

    wait_time = constant(0)

    @task
    def session(self) -> None:
        limit = int(setting("MESSAGES", "0"))
        client = Pop3Client()
        session = LoadSession(self, "POP3", client)
        try:
            session.exchange("greeting", b"", _pop3_ok)
            session.exchange("USER", client.command(f"USER {setting('USER', 'alice')}"), _pop3_ok)
            password = setting("PASSWORD", "alice-password")
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

