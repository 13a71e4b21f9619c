"""A scriptable misbehaving server: a conforming core whose wire is rewritten by rules.

A ``Script`` is a table of ``Rule``s: "when the client sends a line matching COMMAND,
the core sees SEND instead and the client gets REPLY (or the core's reply rewritten)".
``Script.core(ServerConnection)`` makes a core class that applies the table around the
reference core's public interface only (``receive_data`` / ``data_to_send``), so renaming
anything inside the core cannot silently undo the breakage.  Every rule counts the times
it changed something (``Script.hits``): a variant whose rules never fired breaks nothing
and is reported as such (see ``variant_runner``).
"""

from __future__ import annotations

import collections
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GREETING", "Rule", "Script", "one_rule", "refused"]

# The command key of the server's first words, sent before the client says anything.
GREETING = "<greeting>"
# The key of ``Script.events`` in ``Script.hits``.
EVENTS = -1


@dataclass(frozen=True)
class Rule:
    """On a client line matching ``command`` (a regular expression, case-insensitive,
    matched at the start of the line; ``GREETING`` for the opening words):

    ``send``: what the core receives instead of the line (b"" swallows it);
    ``edit``: (pattern, replacement) substitutions of the line before the core gets it;
    ``reply``: what the client receives instead of the core's answer to the line;
    ``rewrite``: (pattern, replacement) regular-expression substitutions of that answer;
    ``skip``: leave the first ``skip`` matching lines of each connection alone;
    ``in_data``: the rule is for lines of mail data (after a 354), not for commands.
    """

    command: str
    send: bytes | None = None
    reply: bytes | None = None
    rewrite: tuple[tuple[bytes, bytes], ...] = ()
    skip: int = 0
    edit: tuple[tuple[bytes, bytes], ...] = ()
    in_data: bool = False

    def matches(self, line: bytes | None) -> bool:
        if line is None:
            return self.command == GREETING
        return re.match(self.command.encode(), line, re.IGNORECASE) is not None

    def line_for_core(self, line: bytes) -> bytes:
        return _substituted(line, self.send, self.edit)

    def answer(self, out: bytes) -> bytes:
        return _substituted(out, self.reply, self.rewrite)


def _substituted(
    octets: bytes, instead: bytes | None, substitutions: tuple[tuple[bytes, bytes], ...]
) -> bytes:
    if instead is not None:
        return instead
    for pattern, replacement in substitutions:
        octets = re.sub(pattern, replacement, octets)
    return octets


@dataclass
class Script:
    """The rules of one misbehaving server and how often each fired; ``events``, where
    the misbehaviour is in what the server does rather than says (what it stores), maps
    each event of the core to the one the server acts on."""

    rules: tuple[Rule, ...] = ()
    events: Callable[[Any], Any] | None = None
    hits: collections.Counter[int] = field(default_factory=collections.Counter)

    def unfired(self) -> list[Rule | str]:
        unfired: list[Rule | str] = [r for i, r in enumerate(self.rules) if not self.hits[i]]
        if self.events is not None and not self.hits[EVENTS]:
            unfired.append(f"events {self.events.__name__}")
        return unfired

    def first_match(self, line: bytes | None, *, in_data: bool = False) -> int | None:
        """The index of the first rule for ``line`` (None: the greeting)."""
        return next(
            (
                index
                for index, rule in enumerate(self.rules)
                if rule.in_data == in_data and rule.matches(line)
            ),
            None,
        )

    def core(self, base: type[Any]) -> type[Any]:
        """A subclass of the sans-IO server core ``base`` with this script on its wire."""
        script = self

        class Scripted(base):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                self.script_line: bytes | None = None  # the line being answered
                self.script_partial = b""
                self.script_out = b""
                self.script_in_data = False
                self.script_seen: dict[int, int] = {}  # matching lines per rule
                super().__init__(*args, **kwargs)
                self.script_rule = self._script_rule_for(None)  # the rule for script_line

            def receive_data(self, data: bytes | bytearray | memoryview) -> None:
                # Feed one line at a time, so each answer is known to belong to its line.
                for piece in re.split(rb"(?<=\n)", bytes(data)):
                    if piece:
                        self._script_feed(piece)

            def _script_feed(self, piece: bytes) -> None:
                self.script_partial += piece
                line = self.script_partial
                if not line.endswith(b"\n"):
                    super().receive_data(piece)  # a chunk (BDAT) or a line still arriving
                    return
                self.script_partial = b""
                if self.script_in_data and line not in (b".\r\n", b".\n"):
                    self._script_feed_data(piece)
                    return
                self.script_in_data = False
                self.script_out += self._script_answer(super().data_to_send())
                self.script_line = line
                self.script_rule = found = self._script_rule_for(line)
                # A line that came in pieces already reached the core: only whole lines
                # can be replaced (an unfired rule is reported, never silently skipped).
                for_core = found[1].line_for_core(line) if found and piece == line else piece
                if for_core != piece:
                    script.hits[found[0]] += 1  # type: ignore[index]
                super().receive_data(for_core)
                if found is not None and found[1].reply is not None and not for_core:
                    self.script_out += found[1].reply  # the core never saw the line
                self.script_out += self._script_answer(super().data_to_send())

            def _script_feed_data(self, line: bytes) -> None:
                index = script.first_match(line, in_data=True)
                for_core = line if index is None else script.rules[index].line_for_core(line)
                if for_core != line:
                    script.hits[index] += 1  # type: ignore[index]
                super().receive_data(for_core)

            def next_event(self) -> Any:
                event = super().next_event()
                if script.events is None or event is None:
                    return event
                changed = script.events(event)
                if changed != event:
                    script.hits[EVENTS] += 1
                return changed

            def _script_rule_for(self, line: bytes | None) -> tuple[int, Rule] | None:
                index = script.first_match(line)
                if index is None:
                    return None
                self.script_seen[index] = self.script_seen.get(index, 0) + 1
                rule = script.rules[index]
                return (index, rule) if self.script_seen[index] > rule.skip else None

            def data_to_send(self) -> bytes:
                out = self.script_out + self._script_answer(super().data_to_send())
                self.script_out = b""
                return out

            def _script_answer(self, out: bytes) -> bytes:
                if out.startswith(b"354"):
                    self.script_in_data = True
                if not out:
                    return out
                found = self.script_rule
                if found is None or (found[1].reply is None and not found[1].rewrite):
                    return out
                answer = found[1].answer(out)
                if answer != out:
                    script.hits[found[0]] += 1
                return answer

        Scripted.__name__ = Scripted.__qualname__ = f"Scripted{base.__name__}"
        return Scripted


def one_rule(command: str, **change: Any) -> Script:
    """A script of one ``Rule(command, **change)``."""
    return Script((Rule(command, **change),))


def refused(command: str, reply: bytes) -> Script:
    """``command`` never reaches the core: the client gets ``reply``."""
    return one_rule(command, send=b"", reply=reply)
