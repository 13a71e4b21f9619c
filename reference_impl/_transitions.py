"""The one place a core's state changes: a lookup in its transition table.

Each protocol's ``_states.py`` holds a table ``(state, step) -> next state`` read off its
RFC (h2's ``_transitions`` is the model); a core calls ``next_state`` and assigns what it
returns, nothing else.  A step with no entry is our own fault, raised as
``LocalProtocolError``, never a silent change of state.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar

__all__ = ["LocalProtocolError", "next_state"]

StateT = TypeVar("StateT", bound=enum.Enum)
StepT = TypeVar("StepT", bound=enum.Enum)


class LocalProtocolError(Exception):
    """We were about to break the protocol ourselves (h11's name for it): a command the
    client core may not send now, or a step the server core's table does not allow."""


def next_state(
    table: Mapping[tuple[StateT, StepT], StateT | None],
    state: StateT,
    step: StepT,
    *,
    previous: StateT | None = None,
) -> StateT:
    """The state ``step`` leads to from ``state``.  A table entry of None means "back to
    ``previous``" (the state a nested exchange, such as a BDAT chunk, started from)."""
    try:
        target = table[(state, step)]
    except KeyError:
        raise LocalProtocolError(f"{step.name} cannot happen in state {state.name}") from None
    if target is not None:
        return target
    if previous is None:
        raise LocalProtocolError(f"{step.name} in {state.name} needs the state to return to")
    return previous
