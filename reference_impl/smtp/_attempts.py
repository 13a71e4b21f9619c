"""Which transaction a judging server's scripted refusal falls on, and which recipients
it leaves for the client to try again (RFC 5321 §4.2.1: after a 4yz "the SMTP client
SHOULD try again"; §3.8: a dropped connection is "as if a 451 response had been
received").

Pure bookkeeping for the core.  ``FirstAttempts`` is shared by all the connections of one
client run (``ServerConfig.attempts``): a scenario whose script says
``first_attempt_only`` refuses a transaction the first time it is seen and serves its
retry, so an MTA's queue can be seen to retry (``_retries`` grades it).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from reference_impl.smtp._events import RecipientsDeferred
from reference_impl.smtp._syntax import parse_path_and_parameters
from reference_impl.smtp._transaction import Transaction

__all__ = [
    "FirstAttempts",
    "attempt_key",
    "deferral",
    "deferred_by",
    "digest_of",
    "recipient_of",
]

# Keys remembered: enough for any run, bounded for one that lasts (oldest forgotten).
_REMEMBERED = 10_000


class FirstAttempts:
    """The transactions a scripted refusal was played on once already."""

    def __init__(self, limit: int = _REMEMBERED) -> None:
        self._seen: OrderedDict[tuple[str, ...], None] = OrderedDict()
        self._limit = limit

    def first(self, key: tuple[str, ...]) -> bool:
        """Whether ``key`` is seen for the first time (it is remembered now)."""
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self._limit:
            self._seen.popitem(last=False)
        return True


def recipient_of(argument: bytes) -> str:
    """The mailbox of a RCPT argument (``TO:<path> [params]``), lower-cased, or the
    argument itself when it does not parse."""
    path = parse_path_and_parameters(argument, prefix=b"TO:", allow_null=False, utf8=True)
    found = path.mailbox if path is not None else argument.decode("utf-8", "replace")
    return found.lower()


def digest_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def attempt_key(
    verb: str, argument: bytes, *, helo_name: str, transaction: Transaction | None
) -> tuple[str, ...]:
    """What identifies the attempt a refusal of ``verb`` falls on, as far as the session
    shows it by then: the client's name at EHLO, its sender at MAIL, the sender and
    recipient at RCPT, the whole envelope at DATA (and the content after it, a
    ``digest_of`` passed as ``argument`` with the verb ``"."``)."""
    if transaction is None:
        words = argument.decode("utf-8", "replace").lower().split()
        return (verb, helo_name, *words[:1]) if verb != "EHLO" else (verb, *words[:1])
    sender = transaction.sender.mailbox.lower()
    if verb == "RCPT":
        return (verb, sender, recipient_of(argument))
    recipients = sorted(r.mailbox.lower() for r in transaction.recipients)
    return (verb, sender, *recipients, argument.decode("ascii", "replace"))


def deferred_by(
    verb: str, argument: bytes, transaction: Transaction | None, *, closes: bool
) -> tuple[str, ...]:
    """The recipients a transient refusal of ``verb`` leaves undelivered: the refused
    RCPT's own, and with it, when the server closes (421), those accepted before; at
    DATA or after the final dot, all of the transaction's."""
    if transaction is None:
        return ()
    accepted = tuple(r.mailbox.lower() for r in transaction.recipients)
    if verb != "RCPT":
        return accepted
    return (recipient_of(argument), *accepted) if closes else (recipient_of(argument),)


def deferral(
    helo_name: str, transaction: Transaction | None, recipients: tuple[str, ...], code: int
) -> RecipientsDeferred | None:
    """The event recording ``recipients`` answered ``code``, if it is a transient failure
    of a transaction's recipients."""
    if not recipients or transaction is None or code // 100 != 4:
        return None
    sender = transaction.sender.mailbox.lower()
    return RecipientsDeferred(helo_name=helo_name, sender=sender, recipients=recipients, code=code)
