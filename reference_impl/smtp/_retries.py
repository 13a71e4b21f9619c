"""What a judge sees of an SMTP client across sessions: whether it tries a deferred
recipient again (RFC 5321 §4.2.1: after a 4yz "the SMTP client SHOULD try again"),
whether it delivers a message a second time after its 250, and whether a client run
as a command reports a message dropped after its final dot as not delivered (§4.2.5).

``DeliveryLedger`` is the SMTP ``Judging.ledger``: each closed session's
``RecipientsDeferred`` and ``MessageReceived`` events are folded in (the session's
record is let go after), keeping only envelopes and digests, each table bounded.  A
retry is seen when a later attempt (a later transaction, in a later session or the same
one) names the same sender and recipient.  Grading never guesses at a queue's timing:

- passed: a deferred recipient was tried again;
- warned: a recipient deferred *later* by the same client (its EHLO name) was tried
  again while this one never was, so its retry interval cannot explain it; or the same
  message (same content digest) reached the same recipient twice after a 250;
- skipped: nothing deferred was tried again within the run (a queue retries after
  minutes, RFC 5321 §4.5.4.1: "the retry interval SHOULD be at least 30 minutes").
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from reference_impl._scenarios import Check, Scenario, rfc_sentence
from reference_impl.smtp._attempts import digest_of
from reference_impl.smtp._events import MessageReceived, RecipientsDeferred

__all__ = ["REPORTS_NON_DELIVERY", "RETRIES", "DeliveryLedger"]

_KEPT = 10_000  # entries per table; the oldest go first
_REASONS_KEPT = 20

Position = tuple[int, int]  # (session sequence, event index): the order of attempts


@dataclass(frozen=True)
class _Deferral:
    scenario: str
    client: str
    sender: str
    recipient: str
    at: Position


@dataclass
class _Findings:
    """One scenario's outcome over all client runs."""

    retried: int = 0
    reasons: list[str] = field(default_factory=list)
    exits: list[str] = field(default_factory=list)  # the exit-status check's reasons
    exits_exercised: bool = False

    def add(self, reasons: list[str], reason: str) -> None:
        if len(reasons) < _REASONS_KEPT:
            reasons.append(reason)


def _bounded_put(table: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    table[key] = value
    table.move_to_end(key)
    if len(table) > _KEPT:
        table.popitem(last=False)


class DeliveryLedger:
    """Deferrals, attempts and deliveries of one client run, and each scenario's
    findings over all runs (``Judging.ledger``)."""

    def __init__(self) -> None:
        self._findings: dict[str, _Findings] = {}
        self._reset()

    def _reset(self) -> None:
        self._deferrals: deque[_Deferral] = deque(maxlen=_KEPT)
        self._last_attempt: OrderedDict[tuple[str, str], Position] = OrderedDict()
        self._delivered: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._delivered_in: Counter[str] = Counter()  # sessions delivering, by scenario
        self._dropped_in: Counter[str] = Counter()  # sessions dropped after the dot

    # -- fed by the judge ------------------------------------------------------------

    def new_run(self) -> None:
        """A new client run (the command form: one per scenario): what was seen so far
        is concluded, and attempts are no longer matched with it."""
        self._conclude()
        self._reset()

    def session_closed(self, record: Any, sequence: int) -> None:
        scenario = record.scenario.name
        delivered = False
        for index, event in enumerate(record.events):
            at = (sequence, index)
            if isinstance(event, RecipientsDeferred):
                self._dropped_in[scenario] += event.code == 451
                for recipient in event.recipients:
                    found = _Deferral(scenario, event.helo_name, event.sender, recipient, at)
                    self._deferrals.append(found)
                    _bounded_put(self._last_attempt, (event.sender, recipient), at)
            elif isinstance(event, MessageReceived):
                delivered = True
                self._delivery(scenario, event, at)
        self._delivered_in[scenario] += delivered

    def client_exited(self, scenario: Scenario, status: int) -> None:
        """The command run under ``scenario`` exited: §4.2.5, a message dropped after
        its final dot and never delivered must not be reported as sent."""
        findings = self._findings.setdefault(scenario.name, _Findings())
        if not self._dropped_in[scenario.name] or self._delivered_in[scenario.name]:
            return
        findings.exits_exercised = True
        if status == 0:
            findings.add(
                findings.exits,
                "the command exited 0 though the server closed the connection after its "
                "final dot without a reply and no session delivered the message (a sender "
                "that keeps it queued for a later try may exit 0)",
            )

    # -- read by the checks ------------------------------------------------------------

    def retry_findings(self, scenario: Scenario) -> tuple[list[str], bool]:
        self._conclude()
        findings = self._findings.get(scenario.name, _Findings())
        return list(findings.reasons), bool(findings.retried or findings.reasons)

    def exit_findings(self, scenario: Scenario) -> tuple[list[str], bool]:
        findings = self._findings.get(scenario.name, _Findings())
        return list(findings.exits), findings.exits_exercised

    # -- inside ------------------------------------------------------------------------

    def _delivery(self, scenario: str, event: MessageReceived, at: Position) -> None:
        sender = event.envelope.sender.lower()
        digest = digest_of(event.content)
        for recipient in (r.lower() for r in event.envelope.recipients):
            _bounded_put(self._last_attempt, (sender, recipient), at)
            first = self._delivered.get((recipient, digest))
            if first is not None and first != at[0]:
                findings = self._findings.setdefault(scenario, _Findings())
                findings.add(
                    findings.reasons,
                    f"session {at[0]} delivered to <{recipient}> the message (sha256 "
                    f"{digest[:16]}) that session {first} delivered already, after its 250",
                )
            else:
                _bounded_put(self._delivered, (recipient, digest), at[0])

    def _conclude(self) -> None:
        """Grade the deferrals seen so far (once each)."""
        retried = {d for d in self._deferrals if self._retried(d)}
        latest: dict[str, _Deferral] = {}  # by client, its last deferral tried again
        for deferral in retried:
            if deferral.client not in latest or deferral.at > latest[deferral.client].at:
                latest[deferral.client] = deferral
        for deferral in self._deferrals:
            findings = self._findings.setdefault(deferral.scenario, _Findings())
            if deferral in retried:
                findings.retried += 1
                continue
            later = latest.get(deferral.client)
            if later is not None and later.at > deferral.at:
                findings.add(
                    findings.reasons,
                    f"<{deferral.recipient}> (from <{deferral.sender}>), deferred in session "
                    f"{deferral.at[0]}, was never tried again, though <{later.recipient}>, "
                    f"deferred later (session {later.at[0]}), was",
                )
        self._deferrals.clear()

    def _retried(self, deferral: _Deferral) -> bool:
        last = self._last_attempt.get((deferral.sender, deferral.recipient))
        return last is not None and last > deferral.at


def _retry_findings(ledger: Any, scenario: Scenario) -> tuple[list[str], bool]:
    found: tuple[list[str], bool] = ledger.retry_findings(scenario)
    return found


def _exit_findings(ledger: Any, scenario: Scenario) -> tuple[list[str], bool]:
    found: tuple[list[str], bool] = ledger.exit_findings(scenario)
    return found


RETRIES = Check(
    name="retries-deferred",
    summary="a recipient deferred with a 4yz (or a 421, or a connection dropped after the "
    "dot) is tried again later, and a message is not delivered again after its 250 "
    "(graded over the run; §4.5.4.1: retries continue until the message is transmitted)",
    requirement=rfc_sentence(
        5321,
        "4.2.1",
        "SHOULD",
        """Each reply in this category might have a different time value, but the SMTP
        client SHOULD try again.""",
    ),
    over_run=_retry_findings,
)
REPORTS_NON_DELIVERY = Check(
    name="reports-non-delivery",
    summary="a client run as a command does not exit 0 for a message dropped after its "
    "final dot and never delivered (§3.8: as if a 451 had been received)",
    requirement=rfc_sentence(
        5321,
        "4.2.5",
        "SHOULD",
        """The user who originated the message SHOULD be able to interpret the return of
        a transient failure status (by mail message or otherwise) as a non-delivery
        indication, just as a permanent failure would be interpreted.""",
    ),
    over_run=_exit_findings,
)
