"""Envelope addresses for tests that need a sender and a valid recipient but deliver nothing.

With accounts in the profile (or the embedded servers) these are the accounts.  With a URL
alone they are addresses any SMTP server takes from a stranger:

- recipient: ``postmaster@DOMAIN``.  RFC 5321 §4.5.1: "RCPT commands that specify a mailbox
  for postmaster at any of the domains for which the SMTP server provides mail service, as
  well as the special case of "RCPT TO:<Postmaster>" (with no domain specification), MUST be
  supported."  Without a known domain, ``<Postmaster>`` itself.
- sender: the null reverse-path ``<>``.  It names no domain a server could look up or refuse
  as forged, and a server has to take it because non-delivery notifications carry it
  (§4.5.5); MTAs verifying an address use it for the same reasons.  No test using it ends a
  message with the final dot (§4.5.5 wants a real reverse-path on messages that are sent).

The domain comes from ``--domain``, from the profile ([delivery] local_domain, then the
accounts), or from the target's greeting when the target accepts postmaster there: probed
once per target with EHLO, MAIL, RCPT and RSET, so nothing is delivered.
"""

from __future__ import annotations

import argparse
import contextlib
import uuid

import pytest

from reference_impl.smtp import Reply

from ._errors import HarnessError
from ._left_out import NEEDS_DOMAIN
from ._options import mail_domain_name, options_of
from ._profile import Mailbox, Profile
from ._smtp_session import SmtpSession
from ._targets import Target

__all__ = ["NULL_REVERSE_PATH", "mail_domain", "recipient", "sender", "unknown_recipient"]

NULL_REVERSE_PATH = Mailbox(address="")
_PROBED_KEY = pytest.StashKey[dict[str, "str | HarnessError | None"]]()


@pytest.fixture
def sender(conformance_profile: Profile) -> Mailbox:
    """MAIL FROM address: the first account, else the null reverse-path ``<>``."""
    accounts = conformance_profile.accounts
    return accounts[0] if accounts else NULL_REVERSE_PATH


@pytest.fixture
def recipient(request: pytest.FixtureRequest, conformance_profile: Profile) -> Mailbox:
    """A RCPT TO address the target must accept: the second account (or the only one),
    else postmaster at the mail domain, else ``Postmaster`` with no domain (§4.5.1)."""
    accounts = conformance_profile.accounts
    if accounts:
        return accounts[1] if len(accounts) > 1 else accounts[0]
    domain = _known_domain(request, conformance_profile)
    return Mailbox(address=f"postmaster@{domain}" if domain else "Postmaster")


@pytest.fixture
def mail_domain(request: pytest.FixtureRequest, conformance_profile: Profile) -> str:
    """A domain the target receives mail for; the test skips when none is known."""
    domain = _known_domain(request, conformance_profile)
    if domain is None:
        pytest.skip(NEEDS_DOMAIN)
    return domain


def _known_domain(request: pytest.FixtureRequest, profile: Profile) -> str | None:
    options = options_of(request.config)
    given = options.domain or profile.delivery.local_domain
    if profile.accounts:
        return given or profile.accounts[0].address.rpartition("@")[2] or None
    target: Target = request.getfixturevalue("smtp_target")
    probed = request.config.stash.setdefault(_PROBED_KEY, {})
    if target.url not in probed:
        probed[target.url] = _probe_postmaster(target, given, options.timeout)
    found = probed[target.url]
    if isinstance(found, HarnessError):
        raise found
    return found


def _probe_postmaster(
    target: Target, given: str | None, timeout: float
) -> str | HarnessError | None:
    """The domain to send to postmaster at: ``given`` once the target accepts postmaster
    there (else an error: every test would fail for a mistyped --domain), or the name in
    the greeting or EHLO reply if the target accepts postmaster there, or None.

    A host name is often not a mail domain (Postfix greets as its myhostname), so a name
    is only used once RCPT TO:<postmaster@NAME> got 250 or 251.
    """
    answers: dict[str, Reply] = {}
    try:
        with SmtpSession.connect(target, label="mail domain", timeout=timeout) as session:
            reply = session.establish()
            names = [given] if given else [_first_word(session.greeting), _first_word(reply)]
            if reply.code == 250 and session.mail("").code == 250:
                for name in dict.fromkeys(n for n in names if n):
                    answers[name] = session.rcpt(f"postmaster@{name}")
            with contextlib.suppress(HarnessError, AssertionError, OSError):
                session.rset()
                session.quit()
    except (HarnessError, AssertionError, OSError) as exc:
        if given:
            return HarnessError(f"cannot check postmaster@{given} at {target.url}: {exc}")
    found = next((name for name, got in answers.items() if got.code in (250, 251)), None)
    if given and found is None:
        got = f"got {answers[given]}" if given in answers else "MAIL FROM:<> was refused"
        return HarnessError(
            f"{target.url} refuses RCPT TO:<postmaster@{given}> ({got}); does it receive "
            "mail for that domain? (--domain, [delivery] local_domain)"
        )
    return found


def _first_word(reply: Reply | None) -> str | None:
    """The domain a 220 greeting or 250 EHLO reply starts with, if it is one (§4.1.3)."""
    if reply is None or not reply.lines:
        return None
    word = reply.lines[0].split(b" ", 1)[0].decode("ascii", "replace")
    try:
        return mail_domain_name(word)
    except argparse.ArgumentTypeError:
        return None


@pytest.fixture
def unknown_recipient(request: pytest.FixtureRequest, conformance_profile: Profile) -> Mailbox:
    """An address no mailbox has: a random local part at the mail domain, or when none is
    known, at a name under ``.invalid``, which can never exist (RFC 2606 §2)."""
    domain = _known_domain(request, conformance_profile) or "no-such-domain.invalid"
    return Mailbox(address=f"no-such-user-{uuid.uuid4().hex[:12]}@{domain}")
