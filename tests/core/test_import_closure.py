"""A protocol core imports no I/O: no sockets, no asyncio, no TLS, no database.

STYLE's first rule (sans-IO cores, thin shells) checked in a fresh interpreter, so what
another test imported cannot hide an import.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CORES = [
    f"reference_impl.{protocol}._{role}"
    for protocol in ("smtp", "pop3", "pop2")
    for role in ("server", "client")
]
IO_MODULES = ("socket", "ssl", "asyncio", "sqlite3", "selectors")


@pytest.mark.parametrize("core", CORES)
def test_a_core_imports_no_io(core: str) -> None:
    probe = (
        f"import sys, {core}\n"
        f"print(' '.join(m for m in {IO_MODULES!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == [], f"{core} pulls in {done.stdout.strip()}"
