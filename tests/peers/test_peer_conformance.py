"""The SMTP suite against the real Postfix, the POP3 and IMAP suites against the real
Dovecot, the MIME suite against both (mail in by Postfix, out by Dovecot): every report
is an accepted deviation, and every accepted deviation is still reported.

The peers' profiles name the waiver file ``conformance/peers/known-deviations.toml`` (the
deviations, each with its reason; docs/known-deviations.md explains them with the RFC
sentence and the transcript), so these runs use the waiver mechanism exactly as a vendor's
CI would: a new failure, warning or error is not waived and shows; a waiver whose test now
passes is reported as no longer needed, and one that no run of the peers applies at all has
rotted too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from conformance._waivers import load_waivers
from conformance.peers import KNOWN_DEVIATIONS, PeerSystem

DOC = Path(__file__).parents[2] / "docs" / "known-deviations.md"
ENTRY = re.compile(r"^- `(suites/[^`]+)` — (failed|warned|error)$", re.MULTILINE)
# What a run may report without a waiver: verdicts that are not a broken requirement.
UNREPORTED = {"passed", "skipped", "waived"}


def _run_profile(
    profile: Path, report_dir: Path, suite: str
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]], Path]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "run",
            "--profile",
            str(profile),
            "--suite",
            suite,
            "--report-dir",
            str(report_dir),
            # Postfix takes parallel sessions as any MTA does; Dovecot's mailboxes are
            # left to one session at a time (a POP3 maildrop is locked per session).
            *(["-n", "2"] if suite == "smtp" else []),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    (results_file,) = report_dir.glob("*/results.json")
    results: list[dict[str, Any]] = json.loads(results_file.read_text())["results"]
    return run, results, results_file


RUNS = {
    "postfix smtp": ("profile_path", "smtp"),
    "postfix submission": ("submission_profile_path", "smtp"),
    "dovecot pop3": ("profile_path", "pop3"),
    "dovecot imap": ("profile_path", "imap"),
    "postfix+dovecot mime": ("profile_path", "mime"),
}


@dataclass(frozen=True)
class PeerRun:
    returncode: int
    stdout: str
    results: list[dict[str, Any]]
    results_file: Path


@pytest.fixture
def peer_run(request: pytest.FixtureRequest, run_once: Any) -> Callable[[str], PeerRun]:
    """Each run once per test run, by the first worker whose test asks for it (each
    worker has a Postfix and Dovecot of its own: runs on two workers never meet)."""

    def run(name: str) -> PeerRun:
        def work(directory: Path) -> dict[str, Any]:
            attribute, suite = RUNS[name]
            peers: PeerSystem = request.getfixturevalue("peers")
            done, _, results_file = _run_profile(getattr(peers, attribute), directory, suite)
            return {"returncode": done.returncode, "stdout": done.stdout, "file": str(results_file)}

        found = run_once("peer-" + re.sub(r"\W", "-", name), work)
        results_file = Path(found["file"])
        results = json.loads(results_file.read_text())["results"]
        return PeerRun(found["returncode"], found["stdout"], results, results_file)

    return run


# A group per run: the runs go to as many workers as there are.
@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=pytest.mark.xdist_group(f"peer-{name}")) for name in RUNS]
)
def test_every_report_is_a_waived_known_deviation(name: str, peer_run: Any) -> None:
    run = peer_run(name)
    results = run.results
    unwaived = [
        f"{r['id']}: {r['outcome']}: {r['reason']}"
        for r in results
        if r["outcome"] not in UNREPORTED
    ]
    assert not unwaived, (
        f"reported against {name} without a waiver in {KNOWN_DEVIATIONS.name}:\n"
        + "\n".join(unwaived)
        + f"\nconformance output tail:\n{run.stdout[-2000:]}"
    )
    stale = [
        f"{r['id']}: {r['waiver']['state']}"
        for r in results
        if r.get("waiver") and r["waiver"]["state"] != "applied"
    ]
    assert not stale, "waivers no longer needed or expired:\n" + "\n".join(stale)
    assert run.returncode == 0, run.stdout[-2000:]  # waived failures do not fail the run
    assert "waived (accepted deviations; they do not fail the run)" in run.stdout


def test_every_waiver_is_applied_by_some_peer_run(peer_run: Any) -> None:
    applied = {
        r["waiver"]["test"]
        for name in RUNS
        for r in peer_run(name).results
        if r.get("waiver") and r["waiver"]["state"] == "applied"
    }
    unused = [w.test for w in load_waivers(KNOWN_DEVIATIONS).waivers if w.test not in applied]
    assert not unused, "waivers no peer run needs: " + ", ".join(unused)


def test_report_puts_reference_postfix_and_dovecot_side_by_side(
    peer_run: Any, tmp_path: Path, browser: Any
) -> None:
    reference = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "run",
            "--suite",
            "smtp",
            "--suite",
            "pop3",
            "-n",
            "2",
            "--report-dir",
            str(tmp_path / "reference"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert reference.returncode == 0, reference.stdout[-2000:]
    runs = [f"reference={tmp_path / 'reference'}"] + [
        f"{name}={peer_run(name).results_file}" for name in RUNS
    ]
    page = tmp_path / "matrix.html"
    done = subprocess.run(
        [sys.executable, "-m", "conformance.cli", "report", *runs, "-o", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    for name in ("reference", *RUNS):
        assert f"<th>{name}</th>" in text
    ids = {r["id"] for name in RUNS for r in peer_run(name).results}
    missing = [test_id for test_id in ids if f'data-id="{escape(test_id)}"' not in text]
    assert not missing, missing
    assert 'class="cell waived"' in text and 'class="cell passed"' in text
    _use_in_a_browser(browser, page)


def _use_in_a_browser(browser: Any, page: Path) -> None:
    """The matrix of real runs opens in chromium with no console error, its outcome filter
    hides rows, and a click on a waived cell shows the reason and the transcript."""
    from selenium.webdriver.common.by import By

    browser.get(page.resolve().as_uri())
    assert all(name in browser.title for name in ("reference", *RUNS)), browser.title

    def shown() -> int:
        return sum(row.is_displayed() for row in browser.find_elements(By.CSS_SELECTOR, "tr.test"))

    every = shown()
    browser.find_element(By.CSS_SELECTOR, 'input[name="outcome"][value="passed"]').click()
    assert 0 < shown() < every  # the waived ones stay
    cell = browser.find_element(By.CSS_SELECTOR, "button.cell.waived")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    dialog = browser.find_element(By.ID, "detail")
    assert dialog.is_displayed()
    assert dialog.find_element(By.CSS_SELECTOR, ".transcript").text.strip()
    browser.find_element(By.ID, "close").click()
    problems = [entry for entry in browser.get_log("browser") if entry["level"] != "INFO"]
    assert problems == []


def test_known_deviations_doc_explains_every_waiver() -> None:
    """The human explanation and the waiver file name the same tests, with the same outcome."""
    waivers = load_waivers(KNOWN_DEVIATIONS).waivers
    documented = dict(ENTRY.findall(DOC.read_text(encoding="utf-8")))
    unexplained = [
        f"{test}: {outcome}"
        for test, outcome in documented.items()
        if not any(w.names(test) and w.outcome == outcome for w in waivers)
    ]
    assert not unexplained, "documented but not waived: " + ", ".join(unexplained)
    unwritten = [w.test for w in waivers if not any(w.names(test) for test in documented)]
    assert not unwritten, "waived but not explained in the doc: " + ", ".join(unwritten)
