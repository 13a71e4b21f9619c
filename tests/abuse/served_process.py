"""A reference server in its own process, for tests that measure what a client costs it.

A module, not a conftest: test modules of other folders import their own ``conftest``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference_impl.store import MailStore


@dataclass
class ServedProcess:
    process: subprocess.Popen[str]
    port: int
    store: Path

    def rss_mib(self) -> float:
        """The server's resident memory now (Linux /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")


def _serve(protocol: str, store: Path) -> ServedProcess:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "conformance.cli", "serve", protocol, "--port", "0"),
            *("--store", str(store), "--no-tls", "--max-per-address", "2000"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"127\.0\.0\.1:(\d+)", line)
    if match is None:
        process.kill()
        raise AssertionError(f"the server did not start: {line!r}")
    # Keep reading its log so a full pipe never blocks it.
    subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
    return ServedProcess(process=process, port=int(match.group(1)), store=store)


@pytest.fixture(name="served")
def served(tmp_path: Path) -> Iterator[Callable[..., ServedProcess]]:
    started: list[ServedProcess] = []

    def start(protocol: str, *, messages: tuple[bytes, ...] = ()) -> ServedProcess:
        store = tmp_path / f"store-{len(started)}"
        with MailStore(store) as opened:
            for message in messages:
                opened.deliver("alice", message)
        server = _serve(protocol, store)
        started.append(server)
        return server

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
