"""``conformance report``: the HTML page's structure, checked in Python.

Two real runs of three RFC 5321 tests: against the reference server (all pass) and against
one that answers NOOP twice (one fails), the second with a waiver on another test so a
waived cell appears too.  The browser test (test_html_report_browser.py) uses the page.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from stored_runs import conformance, reference_and_broken, run_against

from conformance._coverage import measure

SELECT = (
    "test_every_command_generates_exactly_one_reply or test_greeting_is_220 "
    "or test_replies_end_lines_with_crlf"
)
ONE_REPLY = "test_rfc5321_greeting_replies.py::test_every_command_generates_exactly_one_reply"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """results.json of the reference run and of the broken-server run."""
    base = tmp_path_factory.mktemp("runs")
    waivers = base / "waivers.toml"
    waivers.write_text(
        "[[waiver]]\n"
        'test = "test_rfc5321_greeting_replies.py::test_replies_end_*"\n'
        'reason = "checked by hand"\naccepted_by = "QA"\n'
    )
    with reference_and_broken() as (good, bad):
        _, reference = run_against(good, base / "reference", SELECT)
        _, broken = run_against(bad, base / "broken", SELECT, "--waivers", str(waivers))
    yield reference, broken


def render(tmp_path: Path, *runs: str) -> str:
    page = tmp_path / "out" / "report.html"
    done = conformance("report", *runs, "-o", str(page))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"report: {page}\n"
    return page.read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if tag not in ("input", "meta", "link", "br"):
            self._open.append(values.get("id", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("input", "meta", "link", "br") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.text_by_id[element_id] = self.text_by_id.get(element_id, "") + data

    def having(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            values
            for name, values in self.tags
            if name == tag and all(values.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def parse(page: str) -> Elements:
    elements = Elements()
    elements.feed(page)
    elements.close()
    return elements


def _results(path: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in json.loads(path.read_text())["results"]}


def test_page_holds_every_test_of_every_run_side_by_side(
    two_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    reference, broken = two_runs
    page = parse(render(tmp_path, f"reference={reference.parent}", f"broken={broken}"))
    headers = [v for t, v in page.tags if t == "th"]
    assert headers  # the matrix has a header row
    rows = page.having("tr", class_="test")
    ids = {row["data-id"] for row in rows}
    assert ids == set(_results(reference)) | set(_results(broken))
    assert len(ids) == 3
    cells = page.having("button")
    cells = [cell for cell in cells if cell.get("class", "").startswith("cell ")]
    assert len(cells) == 6  # three tests, two runs
    outcomes = Counter((cell["data-run"], cell["class"].split()[1]) for cell in cells)
    assert outcomes == {
        ("reference", "passed"): 3,
        ("broken", "passed"): 1,
        ("broken", "failed"): 1,
        ("broken", "waived"): 1,
    }
    one_reply = next(row for row in rows if row["data-id"] == ONE_REPLY)
    assert one_reply["data-level"] == "MUST"
    assert one_reply["data-outcomes"] == "failed passed"


def test_each_cell_carries_its_reason_and_transcript(
    two_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    reference, broken = two_runs
    page = parse(render(tmp_path, str(reference), str(broken)))
    failed = _results(broken)[ONE_REPLY]
    (cell,) = [b for b in page.having("button") if b.get("class") == "cell failed"]
    detail = page.text_by_id[cell["data-detail"]]
    assert failed["reason"] in detail
    assert failed["transcript"] in detail  # the whole transcript, as results.json has it
    assert "C: NOOP\\r\\n" in detail
    (waived,) = [b for b in page.having("button") if b.get("class") == "cell waived"]
    assert (
        "waiver (applied): checked by hand, accepted by QA"
        in page.text_by_id[waived["data-detail"]]
    )
    templates = {values["id"] for values in page.having("template")}
    cells = [b for b in page.having("button") if b.get("class", "").startswith("cell ")]
    assert {cell["data-detail"] for cell in cells} == templates


def test_rollups_per_rfc_and_section_count_each_run(
    two_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    page_text = render(tmp_path, *map(str, two_runs))
    page = parse(page_text)
    sections = {s["data-section"] for s in page.having("tbody", class_="section")}
    assert sections == {r["section"] for r in _results(two_runs[0]).values()}
    assert page.having("tr", **{"data-rfc": "5321"})  # the per-RFC roll-up row
    rollup = page.text_by_id["rollup"]
    assert "3 passed" in rollup and "1 failed" in rollup and "1 waived" in rollup


def test_coverage_table_counts_each_rfc_and_what_each_run_checked(
    two_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    page = parse(render(tmp_path, f"reference={two_runs[0]}", f"broken={two_runs[1]}"))
    rfcs = page.having("tr", class_="coverage-rfc")
    assert {"5321", "1939", "3501", "9051", "5322", "2045", "2049"} <= {r["data-rfc"] for r in rfcs}
    sections = page.having("tr", class_="coverage-section", **{"data-rfc": "5321"})
    assert sections and all("hidden" in row for row in sections)  # opened by a click
    coverage = page.text_by_id["coverage"]
    assert "held / ran: reference" in coverage and "held / ran: broken" in coverage
    measured = measure()
    (smtp,) = [t for t in measured.rfcs() if t.key == "5321"]
    assert f"{smtp.counts['tested']} ({smtp.percent_tested:.0f}%)" in coverage
    # The three tests ran in both runs; against the broken server one failed and one failure
    # is waived (accepted, not met), so one requirement held.  summary.txt says the same.
    summaries = [(run.parent / "summary.txt").read_text() for run in two_runs]
    for summary, held in zip(summaries, (3, 1), strict=True):
        line = next(line for line in summary.splitlines() if line.startswith("  RFC 5321: "))
        assert line.endswith(
            f"tested by the suites ({smtp.percent_tested:.0f}%); this run checked 3, {held} held"
        ), line
    assert _run_cells(render(tmp_path, str(two_runs[0]), str(two_runs[1])), "5321") == [
        (3, 3),
        (1, 3),
    ]


def _run_cells(page: str, rfc: str) -> list[tuple[int, int]]:
    """The (held, ran) cells of one RFC's coverage row."""
    row = re.search(rf'<tr class="coverage-rfc" data-rfc="{rfc}">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r'<td class="run">(\d+) / (\d+)</td>', row.group(1))
    return [(int(held), int(ran)) for held, ran in cells]


def test_page_is_self_contained(two_runs: tuple[Path, Path], tmp_path: Path) -> None:
    page = parse(render(tmp_path, *map(str, two_runs)))
    for tag, values in page.tags:
        for name in ("src", "href", "action", "data"):
            value = values.get(name, "")
            assert not value or value.startswith(("data:", "#")), (tag, name, value)
        assert not (tag == "link" and values.get("rel") == "stylesheet")


def test_what_a_target_sent_is_escaped(two_runs: tuple[Path, Path], tmp_path: Path) -> None:
    document = json.loads(two_runs[1].read_text())
    hostile = document["results"][0]
    hostile["reason"] = "got <script>alert(1)</script> \x1b[31m"
    hostile["transcript"] += "S: </pre></template><img src=x onerror=alert(2)>\\r\\n\n"
    (tmp_path / "hostile").mkdir()
    (tmp_path / "hostile" / "results.json").write_text(json.dumps(document))
    page = render(tmp_path, str(tmp_path / "hostile"))
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\\x1b[31m" in page
    assert len(parse(page).having("script")) == 1  # only the page's own


def test_not_a_results_file_is_a_usage_error(tmp_path: Path) -> None:
    done = conformance("report", str(tmp_path), "-o", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert "no such results.json" in done.stderr
    assert not (tmp_path / "r.html").exists()


# -- in a real browser: Debian's chromium, driven through chromedriver by Selenium ----------

def _visible_rows(driver: Any) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, "tr.test")
    return {
        row.get_attribute("data-id"): row.get_attribute("data-outcomes")
        for row in rows
        if row.is_displayed()
    }


def test_page_works_in_a_real_browser(
    browser: Any, two_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    render(tmp_path, f"reference={two_runs[0]}", f"broken={two_runs[1]}")
    browser.get((tmp_path / "out" / "report.html").resolve().as_uri())
    assert browser.title.startswith("Conformance report: reference, broken")
    assert len(_visible_rows(browser)) == 3

    # Filter: without "passed" only the tests with another outcome in some run remain.
    browser.find_element(By.CSS_SELECTOR, 'input[name="outcome"][value="passed"]').click()
    remaining = _visible_rows(browser)
    assert set(remaining) == {
        ONE_REPLY,
        "test_rfc5321_greeting_replies.py::test_replies_end_lines_with_crlf",
    }
    assert browser.find_element(By.ID, "shown").text == "2 of 3 tests shown"
    browser.find_element(By.CSS_SELECTOR, 'input[name="level"][value="MUST"]').click()
    assert _visible_rows(browser) == {}
    browser.find_element(By.CSS_SELECTOR, 'input[name="level"][value="MUST"]').click()

    # One click on a cell opens its reason and transcript.
    dialog = browser.find_element(By.ID, "detail")
    assert not dialog.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "button.cell.failed").click()
    assert dialog.is_displayed()
    assert browser.find_element(By.ID, "detail-title").text == f"{ONE_REPLY} (broken)"
    transcript = dialog.find_element(By.CSS_SELECTOR, "pre.transcript").text
    assert "C: NOOP\\r\\n" in transcript
    assert "sent a reply nobody asked for" in dialog.find_element(By.CSS_SELECTOR, ".reason").text
    browser.find_element(By.ID, "close").click()
    assert not dialog.is_displayed()

    # The coverage table: a click on an RFC shows its sections, a second hides them.
    sections = browser.find_elements(By.CSS_SELECTOR, 'tr.coverage-section[data-rfc="5321"]')
    assert sections and not any(row.is_displayed() for row in sections)
    expand = browser.find_element(By.CSS_SELECTOR, 'button.expand[data-rfc="5321"]')
    # Clear of the sticky table headers, as a person scrolling to it would see it.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", expand)
    expand.click()
    assert all(row.is_displayed() for row in sections)
    assert expand.get_attribute("aria-expanded") == "true"
    expand.click()
    assert not any(row.is_displayed() for row in sections)

    problems = [entry for entry in browser.get_log("browser") if entry["level"] != "INFO"]
    assert problems == []


def test_every_run_writes_its_own_page(two_runs: tuple[Path, Path]) -> None:
    for results in two_runs:
        page = parse((results.parent / "report.html").read_text(encoding="utf-8"))
        rows = {row["data-id"] for row in page.having("tr", class_="test")}
        assert rows == set(_results(results))
