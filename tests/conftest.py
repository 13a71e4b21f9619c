"""Fixtures more than one test directory uses."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# -- a real browser: Debian's chromium, driven through chromedriver by Selenium ------------

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed; install the Debian packages chromium and "
            "chromium-driver with scripts/install-debian-deps (as root)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)  # no sandbox: the tests may run as root
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The driver is given: Selenium must not look for (or download) one.
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


# -- work done once per test run, whichever xdist worker first asks for it ---------------


class RunOnce:
    """Work several tests read, done once per test run across xdist workers.

    A module-scoped fixture would tie those tests to one worker (one ``xdist_group``),
    and a long run of them then ends the test run late on that worker alone.  Here each
    piece of work has a directory in the test run's shared temporary directory and a
    lock: the first worker to ask does it there, a worker asking meanwhile waits on the
    lock, and every later ask reads what it left."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared

    def __call__(self, key: str, work: Callable[[Path], Any]) -> Any:
        """``work(directory)``'s JSON-able result, made by the first caller for ``key``."""
        directory = self.shared / key
        done = directory / "done.json"
        with (self.shared / f"{key}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not done.is_file():
                directory.mkdir(parents=True, exist_ok=True)
                result = work(directory)
                done.write_text(json.dumps(result), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def run_once(tmp_path_factory: pytest.TempPathFactory) -> RunOnce:
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base is a directory of the run's own, shared one.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    (shared / "run-once").mkdir(exist_ok=True)
    return RunOnce(shared / "run-once")
