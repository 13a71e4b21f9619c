"""Transitions are data: every core changes state only through its table."""

from __future__ import annotations

import ast
import enum
from pathlib import Path

import pytest

from reference_impl._transitions import LocalProtocolError, next_state

ROOT = Path(__file__).resolve().parents[2] / "reference_impl"
# The protocol cores: every _server.py / _client.py that keeps a session state.
CORES = [
    path
    for path in sorted([*ROOT.glob("*/_server.py"), *ROOT.glob("*/_client.py")])
    if "self.state" in path.read_text()
]


class Light(enum.Enum):
    RED = 1
    GREEN = 2
    AMBER = 3


class Go(enum.Enum):
    GO = 1
    STOP = 2
    BLINK = 3


TABLE = {(Light.RED, Go.GO): Light.GREEN, (Light.GREEN, Go.STOP): Light.RED}
TABLE_WITH_RETURN = {**TABLE, (Light.AMBER, Go.BLINK): None}


def test_every_protocol_core_is_checked() -> None:
    checked = {str(p.relative_to(ROOT)) for p in CORES}
    for protocol in ("smtp", "pop3", "pop2", "imap"):
        assert {f"{protocol}/_server.py", f"{protocol}/_client.py"} <= checked


def test_next_state_follows_the_table_and_refuses_the_rest() -> None:
    assert next_state(TABLE, Light.RED, Go.GO) is Light.GREEN
    with pytest.raises(LocalProtocolError, match="STOP cannot happen in state RED"):
        next_state(TABLE, Light.RED, Go.STOP)


def test_a_none_entry_returns_to_the_previous_state() -> None:
    assert next_state(TABLE_WITH_RETURN, Light.AMBER, Go.BLINK, previous=Light.RED) is Light.RED
    with pytest.raises(LocalProtocolError):
        next_state(TABLE_WITH_RETURN, Light.AMBER, Go.BLINK)


def _state_assignments(path: Path) -> list[tuple[str, int, ast.expr]]:
    """(function, line, value) of every assignment to ``self.state``."""
    found: list[tuple[str, int, ast.expr]] = []
    for function in ast.walk(ast.parse(path.read_text())):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                for name, value in zip(names, values, strict=False):
                    if ast.unparse(name) == "self.state":
                        found.append((function.name, node.lineno, value))
    return found


def _from_the_table(value: ast.expr) -> bool:
    text = ast.unparse(value)
    return text.startswith("next_state(") or "TRANSITIONS.get(" in text


@pytest.mark.parametrize("core", CORES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_core_sets_its_state_outside_the_transition_table(core: Path) -> None:
    assignments = _state_assignments(core)
    stray = [
        f"{core.relative_to(ROOT)}:{line} in {function}: self.state = {ast.unparse(value)}"
        for function, line, value in assignments
        if not _from_the_table(value) and function != "__init__"  # the initial state
    ]
    assert not stray, "state set outside the transition table:\n" + "\n".join(stray)
