"""The POP3 suite against a server that releases a dropped session's maildrop lock late.

RFC 1939 §4 allows that, so the verdicts must not change: the same outcomes run after
run, and none of them a failure.  ``LateRelease`` makes the race happen every time (a
login arriving before the release), where the bare reference server lost it only now
and then under ``pytest -n 2``.  The seeded messages are removed after every test, and
a removal that cannot happen is an error of that test, never a silent leftover.

``POP3_REPEATS`` (default 2) sets how many runs are compared.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from late_release import LateRelease
from variant_runner import ROOT, run_suite, suite_profile

from reference_impl._embedded import EmbeddedServers

SUITE = ROOT / "suites" / "pop3"
REPEATS = int(os.environ.get("POP3_REPEATS", "2"))
# Tests that leave seeded messages for the cleanup (and drop their sessions first).
SEEDED = [
    str(SUITE / "test_rfc1939_multiline.py::test_retr_returns_the_whole_message"),
    str(SUITE / "test_rfc1939_transaction.py::test_dele_twice_refused"),
    str(SUITE / "test_rfc1939_update.py::test_dele_removes_nothing_before_quit"),
]


@pytest.fixture
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def _outcomes(results: list[dict[str, Any]]) -> dict[str, str]:
    return {result["id"]: result["outcome"] for result in results}


def _stored(servers: EmbeddedServers, user: str) -> int:
    return len(list(servers.store.messages(user)))


def test_outcomes_repeat_when_the_lock_is_released_late(
    servers: EmbeddedServers, tmp_path: Path
) -> None:
    runs = []
    with LateRelease((servers.host, servers.ports["pop3"]), delay=0.3) as relay:
        profile = suite_profile(servers, tmp_path / "profile.toml", pop3_port=relay.port)
        for run in range(REPEATS):
            results = run_suite(profile, [str(SUITE)], tmp_path / f"run{run}", ["-n", "2"])
            runs.append(results)
    first = _outcomes(runs[0])
    bad = {test: outcome for test, outcome in first.items() if outcome in ("failed", "error")}
    assert not bad, f"a conforming server that releases locks late was accused: {bad}"
    for number, results in enumerate(runs[1:], start=2):
        changed = {
            test: (first.get(test), outcome)
            for test, outcome in _outcomes(results).items()
            if first.get(test) != outcome
        }
        assert not changed, f"run {number} differs from run 1 (run 1, run {number}): {changed}"
    waited = [r["id"] for r in runs[0] if "maildrop busy" in (r.get("transcript") or "")]
    assert waited, "no test met a lock held late: the relay did not reproduce the race"


def test_seeded_messages_are_removed_after_each_test(
    servers: EmbeddedServers, tmp_path: Path
) -> None:
    user = servers.users[0][0]
    before = _stored(servers, user)
    results = run_suite(suite_profile(servers, tmp_path / "profile.toml"), SEEDED, tmp_path, [])
    assert set(_outcomes(results).values()) == {"passed"}, _outcomes(results)
    assert _stored(servers, user) == before, (
        f"{_stored(servers, user) - before} seeded messages left in the maildrop of {user}"
    )


def test_a_cleanup_that_cannot_happen_errors_the_test(
    servers: EmbeddedServers, tmp_path: Path
) -> None:
    # A dropped session here holds its lock until the relay closes: the cleanup's login
    # waits out its bound and must then say so.
    with LateRelease((servers.host, servers.ports["pop3"]), delay=None) as relay:
        profile = suite_profile(servers, tmp_path / "profile.toml", pop3_port=relay.port)
        (result,) = run_suite(profile, SEEDED[:1], tmp_path, ["--conformance-timeout", "1"])
    assert result["outcome"] == "error", result
    assert "cannot remove the seeded test messages" in result["reason"], result["reason"]
