"""``conformance run smtp://host`` with no profile: most of the suite, nothing delivered.

Without accounts the tests use the null reverse-path and postmaster (RFC 5321 §4.5.1); the
tests that need delivery or logins are reported as left out, with what would enable them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conformance._left_out import NEEDS_DELIVERY, NEEDS_DOMAIN, left_out, left_out_text
from reference_impl._embedded import EmbeddedServers

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]
VERDICTS = ("passed", "failed", "warned")


def _stored_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def _run_url_alone(url: str, report_dir: Path, *extra: str) -> tuple[str, dict[str, Any]]:
    done = subprocess.run(
        [*CONFORMANCE, "run", url, "--suite", "smtp", "--report-dir", str(report_dir), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=report_dir.parent,
    )
    (results_file,) = report_dir.glob("*/results.json")
    return done.stdout, json.loads(results_file.read_text(encoding="utf-8"))


def test_url_alone_grades_150_smtp_tests_and_delivers_nothing(tmp_path: Path) -> None:
    with EmbeddedServers() as servers:
        store = Path(servers.store.root)
        before = _stored_files(store)
        url = f"smtp://{servers.host}:{servers.ports['smtp']}"
        stdout, document = _run_url_alone(url, tmp_path / "reports", "-n", "2")
        after = _stored_files(store)
    results = document["results"]
    graded = [r for r in results if r["outcome"] in VERDICTS]
    assert len(graded) >= 150, f"{len(graded)} verdicts of {len(results)}: {document['summary']}"
    assert after == before, f"the run stored mail: {sorted(map(str, after - before))}"
    errors = [f"{r['id']}: {r['reason']}" for r in results if r["outcome"] == "error"]
    assert not errors, "\n".join(errors)
    # What was left out, and what would enable it: in results.json, the summary, the output.
    needs = {group["needs"]: group["tests"] for group in document["left_out"]}
    delivery = next(ids for need, ids in needs.items() if "[delivery] allowed" in need)
    assert (
        "suites/smtp/test_rfc5321_mail_rcpt_data.py::test_accepted_message_is_delivered_unchanged"
        in delivery
    )
    summary = (next((tmp_path / "reports").iterdir()) / "summary.txt").read_text()
    assert "left out:" in summary and delivery[0] in summary
    assert "left out:" in stdout and "[delivery] allowed = true" in stdout


def test_url_alone_uses_the_null_sender_and_postmaster(tmp_path: Path) -> None:
    with EmbeddedServers() as servers:
        url = f"smtp://{servers.host}:{servers.ports['smtp']}"
        _, document = _run_url_alone(
            url, tmp_path / "reports", "--domain", "example.test", "--", "-k", "rcpt_is_accepted"
        )
    (result,) = [
        r for r in document["results"] if r["id"].endswith("test_rcpt_is_accepted_with_250")
    ]
    assert result["outcome"] == "passed", result["reason"]
    assert "C: MAIL FROM:<>\\r\\n" in result["transcript"]
    assert "C: RCPT TO:<postmaster@example.test>\\r\\n" in result["transcript"]


def _transcript_and_outcomes(servers: EmbeddedServers, tmp_path: Path) -> dict[str, Any]:
    url = f"smtp://{servers.host}:{servers.ports['smtp']}"
    selection = "rcpt_is_accepted_with_250 or 64_octet_local_part"
    _, document = _run_url_alone(url, tmp_path / "reports", "--", "-k", selection)
    return {r["id"].rpartition("::")[2]: r for r in document["results"]}


def test_greeting_name_is_the_domain_once_postmaster_is_accepted_there(tmp_path: Path) -> None:
    with EmbeddedServers(configs={"smtp": {"hostname": "example.test"}}) as servers:
        results = _transcript_and_outcomes(servers, tmp_path)
    rcpt = results["test_rcpt_is_accepted_with_250"]
    assert "C: RCPT TO:<postmaster@example.test>\\r\\n" in rcpt["transcript"]
    assert results["test_64_octet_local_part_is_accepted"]["outcome"] == "passed"


def test_greeting_name_refused_for_postmaster_leaves_postmaster_without_domain(
    tmp_path: Path,
) -> None:
    with EmbeddedServers() as servers:  # greets as mx.example.test, receives for example.test
        results = _transcript_and_outcomes(servers, tmp_path)
    rcpt = results["test_rcpt_is_accepted_with_250"]
    assert rcpt["outcome"] == "passed", rcpt["reason"]
    assert "C: RCPT TO:<Postmaster>\\r\\n" in rcpt["transcript"]
    domain_test = results["test_64_octet_local_part_is_accepted"]
    assert domain_test["outcome"] == "skipped"
    assert "--domain DOMAIN" in domain_test["reason"]


def test_domain_the_target_refuses_postmaster_at_is_an_error_not_failures(
    tmp_path: Path,
) -> None:
    with EmbeddedServers() as servers:
        url = f"smtp://{servers.host}:{servers.ports['smtp']}"
        selection = "rcpt_is_accepted_with_250 or 64_octet_local_part"
        args = ("--domain", "elsewhere.example", "--", "-k", selection)
        _, document = _run_url_alone(url, tmp_path / "reports", *args)
    outcomes = {r["outcome"] for r in document["results"]}
    assert outcomes == {"error"}, document["results"]
    reason = document["results"][0]["reason"]
    assert "refuses RCPT TO:<postmaster@elsewhere.example>" in reason


def test_domain_option_must_be_a_domain(tmp_path: Path) -> None:
    done = subprocess.run(
        [*CONFORMANCE, "run", "smtp://127.0.0.1:9", "--domain", "not a domain"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "'not a domain' is not a domain name" in done.stderr


def test_left_out_groups_skips_by_what_enables_them_and_ignores_the_rest() -> None:
    results = [
        {"id": "a", "outcome": "skipped", "reason": NEEDS_DELIVERY},
        {"id": "b", "outcome": "skipped", "reason": "target does not advertise CHUNKING"},
        {"id": "c", "outcome": "skipped", "reason": NEEDS_DOMAIN},
        {"id": "d", "outcome": "passed", "reason": ""},
        {"id": "e", "outcome": "skipped", "reason": NEEDS_DELIVERY},
    ]
    groups = left_out(results)
    assert [ids for ids in groups.values()] == [["a", "e"], ["c"]]
    assert "--domain DOMAIN" in next(reversed(groups))
    short = left_out_text(groups, list_tests=False)
    assert short.startswith("left out: 3 test(s)") and "  a\n" not in short + "\n"
    assert left_out_text(groups, list_tests=True).splitlines()[2].strip() == "a"
    assert left_out_text({}, list_tests=True) == ""
