"""Where a test that has to deliver a message may send it: the ``mail_route`` fixture.

Two ways to allow delivery, the narrower first.  ``--deliver-to ADDRESS`` allows it to
that one address, which is the sender too (a probe mailed to itself, as the public
smuggling scanners do), and needs no profile.  Otherwise a profile with ``[delivery]
allowed = true`` and two accounts: mail goes from the first account to the second.

The route carries a read-back only when the profile (or the embedded servers) can read
the recipient's mailbox; without one, a test judges by the target's replies alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ._environment import Environment
from ._options import options_of
from ._readback import Readback

__all__ = ["MailRoute", "mail_route"]


@dataclass(frozen=True, kw_only=True)
class MailRoute:
    """Envelope addresses a delivering test may use, and how to read its mail back."""

    sender: str
    recipient: str
    readback: Readback | None

    @property
    def how_judged(self) -> str:
        """For failure messages: what the verdict rests on."""
        if self.readback is None:
            return "judged by the replies alone: the recipient's mailbox cannot be read back"
        return "judged by the replies and by reading the recipient's mailbox back"


@pytest.fixture
def mail_route(request: pytest.FixtureRequest, _conformance_environment: Environment) -> MailRoute:
    """The addresses to deliver to (``--deliver-to`` first, then the profile); skips the
    test, saying what would enable it, when delivery is not allowed."""
    options = options_of(request.config)
    readback = _conformance_environment.readback(options.timeout)
    if options.deliver_to is not None:
        address = options.deliver_to
        known = readback is not None and readback.covers(address)
        return MailRoute(sender=address, recipient=address, readback=readback if known else None)
    profile = _conformance_environment.profile
    if profile.delivery.allowed and len(profile.accounts) >= 2:
        sender, recipient = profile.accounts[0], profile.accounts[1]
        return MailRoute(sender=sender.address, recipient=recipient.address, readback=readback)
    pytest.skip(
        "delivery is not allowed: give --deliver-to ADDRESS (a mailbox the target accepts "
        "mail for), or a profile with [delivery] allowed = true and two [[accounts]]"
    )
