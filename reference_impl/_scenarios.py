"""Grading clients: what a reference server can be made to do, and what it checks.

The reference servers judge the other side of the wire.  Each protocol that can grade
its clients names a module in its ``ReferenceProtocol`` entry (``judging``,
``reference_impl._listeners``) whose ``JUDGING`` is a ``Judging``:

- ``scenarios``: ways the server behaves that a correct client must handle (a refused
  EHLO, a 421 at some step, plaintext injected after a STARTTLS reply), each a
  ``Scenario`` keyed to the sentence it exercises; the first is the default.  A
  scenario changes the server by ``config_changes``, ``dataclasses.replace`` changes to
  the protocol's ``ServerConfig`` applied to each connection's core, so its behaviour
  lives in the sans-IO core like every other rule of the protocol;
- ``checks``: what is graded in every session, each a ``Check`` keyed to its sentence.  A
  check is broken by the ``ClientDefect`` events of the kinds it names (the core saw
  the client depart from a rule) or by what its ``inspect`` finds in the session's
  record when the connection closes; a scenario adds checks of its own (the HELO
  fallback of a refused EHLO);
- ``core``: the protocol's server core class, which the judge builds per connection,
  with ``server_changes`` (what every judging server does, e.g. accept any recipient)
  and then the scenario's ``config_changes``;
- ``placeholders``: the values a client command template may name besides ``{host}``,
  ``{port}`` and ``{cafile}`` (SMTP: ``{sender}``, ``{rcpt}``, ``{message}``);
- ``messages``: what the judge delivers to every demo user's INBOX when it starts, for
  the clients that read mail (POP3, IMAP) to find;
- ``ledger``: builds what a judge keeps across sessions for the checks graded over the
  whole run (``Check.over_run``): each closed session is given to its
  ``session_closed(record, number)``, the client's exit status (the command form) to
  ``client_exited(scenario, status)``, and ``new_run()`` starts a new client's run;
- ``shared_changes``: config changes made once per client run and shared by all its
  connections (SMTP: the memory of which transactions were refused once, so a scenario
  refuses only the first attempt and serves the retry).

Verdicts carry the same requirement keys as the server suites (RFC, section, level;
docs/results-format.md): ``requirement_of_kind`` reads them off a defect kind's rule
text, which names its RFC section ("... (RFC 5321 §2.3.8: clients MUST NOT ...)").
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reference_impl._defects import Defect

if TYPE_CHECKING:
    from reference_impl._judge import SessionRecord

__all__ = [
    "PRACTICE",
    "Check",
    "Judging",
    "Requirement",
    "Scenario",
    "judging_of",
    "requirement_of_kind",
    "rfc_sentence",
    "slow_greeting",
]

PRACTICE = "[practice]"
"""The ``basis`` of a requirement no RFC states: what interoperable clients do, graded
no higher than SHOULD."""


@dataclass(frozen=True, kw_only=True)
class Requirement:
    """The sentence a check or scenario is keyed to.

    ``level`` is MUST, SHOULD or MAY (a MUST NOT is a MUST), from the RFC 2119 keyword in
    ``text``; ``basis`` says why the sentence has that strength when no keyword in it
    does (an RFC older than RFC 2119, or ``PRACTICE``)."""

    rfc: int | None
    section: str
    level: str
    text: str
    basis: str | None = None

    @property
    def key(self) -> str:
        """``MUST RFC 5321 §4.1.1.10``, as summaries print a requirement."""
        where = f"RFC {self.rfc} §{self.section}" if self.rfc else self.basis or PRACTICE
        return f"{self.level} {where}"


def rfc_sentence(
    rfc: int, section: str, level: str, text: str, basis: str | None = None
) -> Requirement:
    """The requirement of RFC ``rfc`` §``section``, its sentence ``text`` written as the
    RFC wraps it (white space runs become one space)."""
    return Requirement(
        rfc=rfc, section=section, level=level, text=" ".join(text.split()), basis=basis
    )


@dataclass(frozen=True, kw_only=True)
class Check:
    """One thing graded in every session (or in the sessions of one scenario).

    Broken when the core reported a ``ClientDefect`` whose kind is named in ``kinds``
    (by enum member name), or when ``inspect(record)`` returns reasons.  ``exercised``
    says whether a session gave the client the chance to break it (a check of mail data
    in a session that sent none is not exercised); a check no session exercised is
    reported as skipped, not passed.  ``applies``: whether the check is graded under a
    scenario at all (waiting for the greeting, where the greeting is slow).

    ``over_run``: the check is graded over the whole run instead, from the protocol's
    ledger (``Judging.ledger``): given the ledger and the scenario, the reasons it was
    broken and whether it was exercised (a retry shows sessions after the refusal)."""

    name: str
    summary: str
    requirement: Requirement
    kinds: frozenset[str] = frozenset()
    inspect: Callable[[SessionRecord], list[str]] | None = None
    exercised: Callable[[SessionRecord], bool] | None = None
    applies: Callable[[Scenario], bool] = lambda scenario: True
    over_run: Callable[[Any, Scenario], tuple[list[str], bool]] | None = None


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """One way the server behaves, which a correct client must handle.

    ``requirement`` is the sentence the scenario exercises; ``checks`` are graded only
    in its sessions (what the client must do under it), besides the protocol's checks.
    ``needs_tls``: the scenario offers or requires TLS, so the judge must have a
    certificate.  ``hostile``: the server plays an attacker (plaintext injected after
    STARTTLS, STARTTLS refused, endless replies)."""

    name: str
    summary: str
    requirement: Requirement
    config_changes: Mapping[str, Any] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    needs_tls: bool = False
    hostile: bool = False


@dataclass(frozen=True, kw_only=True)
class Judging:
    """How one protocol grades its clients (see the module docstring)."""

    scenarios: tuple[Scenario, ...]
    checks: tuple[Check, ...]
    core: Callable[..., Any]
    placeholders: Callable[[Path], dict[str, str]] = lambda directory: {}
    server_changes: Mapping[str, Any] = field(default_factory=dict)
    messages: tuple[bytes, ...] = ()
    ledger: Callable[[], Any] | None = None
    shared_changes: Callable[[], Mapping[str, Any]] = lambda: {}

    def scenario(self, name: str) -> Scenario:
        """The scenario called ``name`` (``KeyError`` naming the known ones)."""
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        raise KeyError(f"no scenario {name!r}; known: {', '.join(self.names)}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(scenario.name for scenario in self.scenarios)

    def checks_of(self, scenario: Scenario) -> tuple[Check, ...]:
        """What is graded in the sessions of ``scenario``."""
        return tuple(c for c in (*self.checks, *scenario.checks) if c.applies(scenario))


def judging_of(module: str) -> Judging:
    """The ``JUDGING`` of a protocol's judging module."""
    found = importlib.import_module(module).JUDGING
    if not isinstance(found, Judging):
        raise TypeError(f"{module}.JUDGING is not a Judging")
    return found


# "RFC 5321 §4.1.1.4", "RFC 2920 §3.1"; the first one named is the rule's home.
_SECTION = re.compile(r"RFC (\d+) §([0-9A-Z][0-9.]*[0-9A-Z]|[0-9A-Z])")


def requirement_of_kind(kind: enum.Enum) -> Requirement:
    """The requirement key of a defect kind: the first RFC section its rule text names,
    and its level as ``Defect.level`` reads it (the kind's ``level``, else MUST)."""
    text = str(kind.value)
    found = _SECTION.search(text)
    level_name = Defect(kind=kind).level.value
    if found is None:
        return Requirement(rfc=None, section="", level=level_name, text=text, basis=PRACTICE)
    return Requirement(rfc=int(found.group(1)), section=found.group(2), level=level_name, text=text)


def slow_greeting(waits: Check) -> Scenario:
    """The greeting a second after the connection: ``waits`` grades a client that spoke
    first (POP3 and IMAP alike; SMTP's scenarios pace the greeting by their script)."""
    return Scenario(
        name="slow-greeting",
        summary="the greeting comes a second after the connection",
        requirement=waits.requirement,
        config_changes={"greeting_delay": 1.0},
        checks=(waits,),
    )
