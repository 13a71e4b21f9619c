"""pytest plugin of ``variant_runner``: run each target's own tests only.

``$VARIANT_SELECTION`` is a JSON object {target URL: ["file.py::test[params]", ...]}
(below suites/<suite>/, params without the target).  Every collected test whose target
and name are not listed there is deselected; each kept test's node id is written to
``$VARIANT_SELECTED`` as {node id: [target URL, "file.py::test[params]"]}.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from variant_runner import PROTOCOL_OF


def _target_url(item: pytest.Item, suite: str, only: dict[str, str]) -> str | None:
    """The URL of the test's own target: the parametrized one of its suite's protocol,
    else of another protocol (a MIME test run against several IMAP servers), else the
    one target of its suite's protocol."""
    params = getattr(item, "callspec", None)
    given = params.params if params is not None else {}
    target = given.get(f"{suite}_target") or next(
        (value for name, value in given.items() if name.endswith("_target")), None
    )
    return str(target.url) if target is not None else only.get(suite)


def _test_key(item: pytest.Item, url: str) -> str:
    """ "file.py::test[params]" without the target's part of the parameter id."""
    path, _, name = item.nodeid.partition("::")
    base, _, params = name.partition("[")
    params = params.removesuffix("]")
    if params == url:
        params = ""
    elif params.startswith(url + "-"):
        params = params.removeprefix(url + "-")
    else:
        params = params.removesuffix("-" + url).replace(f"-{url}-", "-")
    return f"{path.rpartition('/')[2]}::{base}" + (f"[{params}]" if params else "")


def _listed(key: str, tests: list[str]) -> bool:
    """``key`` is one of ``tests``: the same test (any parameters), or a test of a file
    listed whole ("file.py")."""
    return any(key == test or key.startswith(_prefix(test)) for test in tests)


def _prefix(test: str) -> str:
    return test + ("[" if "::" in test else "::")


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    wanted: dict[str, list[str]] = json.loads(
        Path(os.environ["VARIANT_SELECTION"]).read_text(encoding="utf-8")
    )
    targets = [str(target.url) for target in config.getoption("target")]
    only = {}
    for suite in ("smtp", "pop3", "pop2"):
        mine = [t for t in targets if t.startswith(suite + ":")]
        if len(mine) == 1:
            only[suite] = mine[0]
    keep, drop, selected = [], [], {}
    for item in items:
        directory = Path(str(item.path)).parent.name
        suite = PROTOCOL_OF.get(directory, directory)
        url = _target_url(item, suite, only)
        key = _test_key(item, url) if url else ""
        if url in wanted and _listed(key, wanted[url]):
            keep.append(item)
            selected[item.nodeid] = [url, key]
        else:
            drop.append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep
    Path(os.environ["VARIANT_SELECTED"]).write_text(json.dumps(selected), encoding="utf-8")
