"""A URL alone (no profile, so no delivery): the POP3 suite grades what it can read-only
and removes nothing from the user's maildrop.

The tests that DELE end their sessions without QUIT (RFC 1939 §6: nothing is removed);
the ones that need messages of known content, or that must really delete, are left out
with a reason that says what enables them.
"""

from __future__ import annotations

import json
import poplib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from variant_runner import ROOT

from reference_impl._embedded import EmbeddedServers

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]
# Without delivery these need the seeded messages (their content, or ones to delete).
LEFT_OUT = 11


@pytest.fixture
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def _maildrop(servers: EmbeddedServers, user: str, password: str) -> tuple[object, ...]:
    """STAT and the UIDL listing, read with Python's own POP3 client."""
    client = poplib.POP3(servers.host, servers.ports["pop3"], timeout=10)
    try:
        client.user(user)
        client.pass_(password)
        return client.stat(), tuple(client.uidl()[1])
    finally:
        client.quit()


def test_url_alone_reads_the_maildrop_and_removes_nothing(
    servers: EmbeddedServers, tmp_path: Path
) -> None:
    user, password, address = servers.users[0]
    for n in range(3):
        body = f"Subject: mail {n} of the user\r\nTo: <{address}>\r\n\r\nline 1\r\nline 2\r\n"
        servers.store.deliver(user, body.encode())
    before = _maildrop(servers, user, password)
    url = f"pop3://{user}:{password}@{servers.host}:{servers.ports['pop3']}"
    command = [*CONFORMANCE, "run", url, "--report-dir", str(tmp_path), "--timeout", "3"]
    subprocess.run([*command, "-n", "2"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert _maildrop(servers, user, password) == before, "the run changed the user's maildrop"
    (results_file,) = tmp_path.glob("*/results.json")
    results = json.loads(results_file.read_text(encoding="utf-8"))["results"]
    bad = {r["id"]: r["reason"] for r in results if r["outcome"] in ("failed", "error")}
    assert not bad, bad
    need_delivery = [r["id"] for r in results if "deliver" in r["reason"]]
    assert len(need_delivery) == LEFT_OUT, need_delivery
    outcome = {r["id"].rpartition("/")[2]: r["outcome"] for r in results}
    for test in (
        "test_rfc1939_update.py::test_dropped_connection_deletes_nothing",
        "test_rfc1939_update.py::test_rset_then_quit_deletes_nothing",
        "test_rfc1939_transaction.py::test_rset_unmarks_deleted",
        "test_rfc1939_optional.py::test_uidl_persists_across_sessions",
    ):
        assert outcome[test] == "passed", (test, outcome[test])
