"""What the Locust users of ``conformance load`` share: a session on a reference client
core whose every reply is checked, the workload settings, and seeded messages.

Each protocol's users are in its own module (``ProtocolSpec.load_users``), which Locust
loads itself (``locust -f``), in every worker of a distributed run, so
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

from locust import User

__all__ = ["USER_NUMBERS", "LoadSession", "ProtocolFailure", "message", "setting"]

_ENV = "CONFORMANCE_LOAD_"
USER_NUMBERS = itertools.count()


def setting(name: str, default: str) -> str:
    return os.environ.get(_ENV + name, default)


class ProtocolFailure(Exception):
    """A reply the workload did not expect (its message names the code and command)."""


class LoadSession:
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


def message(rng: random.Random, size: int) -> bytes:
    head = b"Subject: load %d\r\n\r\n" % rng.randrange(10**9)
    line = bytes(rng.choices(b"abcdefghijklmnopqrstuvwxyz ", k=76)) + b"\r\n"
    return head + line * max(1, (size - len(head)) // len(line))
