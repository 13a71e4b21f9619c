"""Per-session transcripts a reference server writes for the people debugging a client.

One file per connection under a directory (``conformance serve --log-sessions DIR``):
``C:`` lines are what the client sent, ``S:`` lines what the server answered, ``==`` lines
what happened (connected, TLS started, closed), each octet escaped the way the harness's
transcripts show them, so a bare LF or a stray CR is visible.  A file stops growing at
``limit`` octets (a client flooding the server cannot fill the disk through it).
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import TextIO

from reference_impl._defects import Defect
from reference_impl._escape import escape_octets

__all__ = ["SessionLog"]

_LIMIT = 1024 * 1024
_SEQUENCE = itertools.count(1)


class SessionLog:
    """The transcript file of one connection."""

    def __init__(self, directory: Path, *, listener_port: int, peer: str, limit: int = _LIMIT):
        directory.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        safe_peer = peer.replace(":", "_").replace("/", "_")
        name = f"{stamp}-{next(_SEQUENCE):06d}-port{listener_port}-{safe_peer}.log"
        self.path = directory / name
        self._file: TextIO | None = self.path.open("w", encoding="ascii")
        self._started = time.monotonic()
        self._written = 0
        self._limit = limit

    def received(self, data: bytes) -> None:
        self._lines("C", data)

    def sent(self, data: bytes) -> None:
        self._lines("S", data)

    def note(self, text: str) -> None:
        self._write("==", escape_octets(text.encode("utf-8", "replace")))

    def event(self, event: object) -> None:
        """The core's events are not logged: their effect is on the wire."""

    def defect(self, defect: Defect) -> None:
        self.note(f"client defect: {defect}")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _lines(self, side: str, data: bytes) -> None:
        for line in data.splitlines(keepends=True):
            self._write(f"{side}:", escape_octets(line))

    def _write(self, tag: str, text: str) -> None:
        if self._file is None:
            return
        line = f"{time.monotonic() - self._started:9.3f} {tag} {text}\n"
        if self._written + len(line) > self._limit:
            self._file.write(f"{'':9} == the rest is not logged (over {self._limit} octets)\n")
            self.close()
            return
        self._written += len(line)
        self._file.write(line)
        self._file.flush()
