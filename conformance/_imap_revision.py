"""Which IMAP a run grades: RFC 3501 (IMAP4rev1) or RFC 9051 (IMAP4rev2), by ``--imap-rev``.

A server may advertise both; its sessions are IMAP4rev1 sessions until the client sends
``ENABLE IMAP4rev2`` (RFC 9051 Appendix A: "If both IMAP4rev1 and IMAP4rev2 are
advertised, an IMAP client that wants to use IMAP4rev2 MUST issue an "ENABLE IMAP4rev2"
command").  So the revision is a property of each logged-in session:

- ``--imap-rev 1``: no session enables IMAP4rev2; tests marked ``requires("IMAP4rev2")``
  are left out.
- ``--imap-rev 2``: every logged-in session enables IMAP4rev2 where the target advertises
  it; tests of an IMAP4rev1 rule that RFC 9051 dropped (``requires("IMAP4rev1")``: the
  untagged SEARCH response, \\Recent, LSUB) are left out.  A target that does not
  advertise IMAP4rev2 skips the IMAP4rev2 tests as "not advertised" and is graded by
  the rules both revisions share.
- ``auto`` (the default): IMAP4rev1 sessions, and the IMAP4rev2 tests in sessions of
  their own where the target advertises IMAP4rev2; a target advertising only IMAP4rev2
  gets IMAP4rev2 sessions throughout.
"""

from __future__ import annotations

from collections.abc import Collection

import pytest

from ._errors import HarnessError
from ._hooks import SuiteOption
from ._imap_session import ImapSession

__all__ = [
    "IMAP_REV",
    "REV1",
    "REV2",
    "chosen_revision",
    "enable_rev2",
    "revision_unmet",
    "sessions_use_rev2",
]

REV1, REV2 = "IMAP4REV1", "IMAP4REV2"
IMAP_REV = SuiteOption(
    flag="--imap-rev",
    choices=("1", "2", "auto"),
    default="auto",
    help="IMAP suite: grade RFC 3501 (1), RFC 9051 with each logged-in session sending "
    "ENABLE IMAP4rev2 (2), or IMAP4rev1 sessions plus the IMAP4rev2 tests in sessions "
    "of their own where the target advertises IMAP4rev2 (auto, the default)",
)


def chosen_revision(config: pytest.Config) -> str:
    """The --imap-rev of this run."""
    return str(config.getoption(IMAP_REV.dest))


def revision_unmet(chosen: str, advertised: Collection[str], capability: str) -> str:
    """Why a test marked ``requires(capability)`` skips in a ``--imap-rev chosen`` run
    against a target advertising ``advertised``; "" when it runs."""
    if capability not in advertised:
        return f"target does not advertise {capability}"
    if capability == REV2 and chosen == "1":
        return "--imap-rev 1 grades RFC 3501: the IMAP4rev2 (RFC 9051) tests are left out"
    if capability == REV1 and _rev2_throughout(chosen, advertised):
        return (
            f"--imap-rev {chosen} grades RFC 9051, which drops this IMAP4rev1 rule "
            "(RFC 9051 Appendix E)"
        )
    return ""


def _rev2_throughout(chosen: str, advertised: Collection[str]) -> bool:
    if REV2 not in advertised:
        return False
    return chosen == "2" or (chosen == "auto" and REV1 not in advertised)


def sessions_use_rev2(node: pytest.Item, advertised: Collection[str]) -> bool:
    """Whether the logged-in sessions of test ``node`` send ENABLE IMAP4rev2."""
    if REV2 not in advertised:
        return False
    wanted = {str(m.args[0]).upper() for m in node.iter_markers("requires") if m.args}
    return REV2 in wanted or _rev2_throughout(chosen_revision(node.config), advertised)


def enable_rev2(session: ImapSession) -> None:
    """``ENABLE IMAP4rev2`` (RFC 9051 §6.3.1); the session is graded as IMAP4rev2 after.

    A server that advertises IMAP4rev2 and does not enable it leaves nothing to grade the
    run by: that is the harness's stop, with the reply, not a failure of one test."""
    completed = session.command("ENABLE", b"IMAP4rev2")
    enabled = {
        word.upper()
        for response in completed.untagged
        if response.keyword == b"ENABLED"
        for word in response.text.split()
    }
    if completed.response.status != b"OK" or b"IMAP4REV2" not in enabled:
        raise HarnessError(
            "the target advertises IMAP4rev2 but ENABLE IMAP4rev2 did not enable it: "
            f"{completed.response.line[:160]!r}"
        )
    session.rev2 = True
