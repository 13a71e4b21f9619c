"""The CI recipes of docs/ci.md parse, and every ``conformance`` command in them is one the
real command line accepts, with options that exist and values among their choices.

Paths in the recipes name files of the vendor's repository (ci/conformance/...), so option
values are not opened here; the example profile and waiver file they are copied from are
loaded with the real loaders instead.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance._options import profile_file
from conformance._waivers import waiver_file
from conformance.cli import _parser

_EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
_RECIPES = ("github-actions.yml", "gitlab-ci.yml")
# Where a command line ends and the shell takes over again ("run ... || status=$?").
_SHELL_OPERATORS = {"||", "&&", "|", ";", ">", ">>", "2>", "2>&1"}


def _shell_texts(node: Any) -> Iterator[str]:
    """Every string a CI runs as shell: GitHub ``run:``, GitLab ``script:`` lists."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                yield value
            elif key in ("script", "before_script", "after_script") and isinstance(value, list):
                yield from (line for line in value if isinstance(line, str))
            else:
                yield from _shell_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _shell_texts(item)


def _conformance_commands(recipe: dict[str, Any]) -> list[list[str]]:
    commands = []
    for text in _shell_texts(recipe):
        for line in text.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["conformance"]:
                ends = [i for i, word in enumerate(words) if word in _SHELL_OPERATORS]
                commands.append(words[1 : min(ends, default=len(words))])
    return commands


def _without_file_checks(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommand parsers, with value types that open files (profiles, waivers,
    baselines) turned off: choices and the number of values are still checked."""
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for sub in commands.choices.values():
        for action in sub._actions:
            if action.type not in (int, float, None):
                action.type = None
    return dict(commands.choices)


def _load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((_EXAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("name", _RECIPES)
def test_recipe_runs_the_suites_with_profile_waivers_and_baseline(name: str) -> None:
    commands = _conformance_commands(_load(name))
    runs = [words for words in commands if words[0] == "run"]
    assert runs, f"{name} runs no suites"
    for words in runs:
        for option in ("--profile", "--waivers", "--baseline", "--report-dir"):
            assert option in words, f"{name}: {option} missing from {shlex.join(words)}"
        assert words[words.index("--fail-on") + 1] == "regressions"
    assert any(words[0] == "report" for words in commands), f"{name} renders no HTML report"


@pytest.mark.parametrize("name", _RECIPES)
def test_every_conformance_command_parses_with_the_real_parser(name: str) -> None:
    parser = _parser()
    subcommands = _without_file_checks(parser)
    for words in _conformance_commands(_load(name)):
        shown = shlex.join(["conformance", *words])
        cut = words.index("--") if "--" in words else len(words)
        assert words[0] in subcommands, f"{name}: {shown}: no command {words[0]!r}"
        sub = subcommands[words[0]]
        known = {option for action in sub._actions for option in action.option_strings}
        named = {word.split("=", 1)[0] for word in words[1:cut] if word.startswith("-")}
        assert named <= known, f"{name}: {shown}: unknown {sorted(named - known)}"
        try:
            parser.parse_args(words[:cut])
        except SystemExit:
            pytest.fail(f"{name}: the CLI rejects {shown}")


def test_github_workflow_publishes_junit_and_html() -> None:
    workflow = _load("github-actions.yml")
    assert workflow.get("on", workflow.get(True)) is not None  # YAML 1.1 reads on: as true
    steps = workflow["jobs"]["conformance"]["steps"]
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    (upload,) = uploads
    paths = upload["with"]["path"]
    for produced in ("junit.xml", "report.html", "compare.html"):
        assert produced in paths
    assert all(step.get("if") == "always()" for step in steps[-3:]), "reports kept on failure"


def test_gitlab_job_publishes_junit_and_html() -> None:
    job = _load("gitlab-ci.yml")["mail-conformance"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "reports/*/junit.xml"
    assert "reports/" in job["artifacts"]["paths"]
    assert job["services"][0]["alias"] == "mta"


def test_the_example_profile_and_waivers_load() -> None:
    profile = profile_file(str(_EXAMPLES / "conformance-profile.toml"))
    assert {target.host for target in profile.all_targets} == {"mta"}
    assert len(profile.accounts) >= 2
    waivers = waiver_file(str(_EXAMPLES / "conformance-waivers.toml")).waivers
    assert waivers
    root = _EXAMPLES.parents[1]
    for waiver in waivers:  # each names a test that exists
        path, _, function = waiver.test.partition("::")
        assert f"def {function}(" in (root / path).read_text(encoding="utf-8"), waiver.test
