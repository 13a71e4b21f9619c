"""What a judge's scenario makes the IMAP server send (``ServerConfig``'s scenario fields;
the scenarios themselves are in ``_scenarios``): pure functions, the core decides when.
"""

from __future__ import annotations

import re

from reference_impl.imap._client_defects import ClientDefectKind as Kind
from reference_impl.imap._config import ServerConfig
from reference_impl.imap._responses import Reply, untagged
from reference_impl.imap._session import Session, Work
from reference_impl.imap._view import View, flag_list
from reference_impl.store import MailStore

__all__ = [
    "ARRIVING",
    "BYE",
    "ENDLESS_LITERAL",
    "INJECTED_CAPABILITIES",
    "ExpungeWatch",
    "arriving",
    "expunging_last",
    "injected_after_starttls",
    "next_tag",
    "preauth_greeting",
    "unsolicited",
    "wrong_state",
]

# RFC 9051 §7.1.5: BYE may come at any time; the server closes the connection after it.
BYE = b"BYE [UNAVAILABLE] closing now, as a server may at any time"

# a literal no client can hold, cut off by the close; the
# client must bound what it reads (no RFC sentence: graded by the client's exit only).
ENDLESS_LITERAL = b"* 1 FETCH (UID 1 BODY[] {99999999999999999999}\r\n" + b"x" * 8192

_NUMBERED = re.compile(rb"(.*?)([0-9]+)\Z")

# Capabilities an attacker would rather the client believed: no STARTTLS, plaintext login.
INJECTED_CAPABILITIES = b"IMAP4rev1 AUTH=PLAIN X-INJECTED-BEFORE-TLS"


def next_tag(tag: bytes) -> bytes:
    """The tag a client that numbers its commands gives the next one: A001 -> A002,
    a9 -> a10 (most clients count; RFC 9051 §2.2.1's example is A0001, A0002)."""
    found = _NUMBERED.match(tag)
    if found is None:
        return tag + b"1"
    digits = found.group(2)
    return found.group(1) + str(int(digits) + 1).zfill(len(digits)).encode()


def injected_after_starttls(tag: bytes) -> bytes:
    """Plaintext after the OK to STARTTLS ``tag``, before the handshake: the answer to the
    CAPABILITY command the client is expected to send next (RFC 9051 §6.2.1 obliges it to
    discard what it knew), as an attacker on the path would send it (CVE-2011-0411 class)."""
    completion = b"%s OK [CAPABILITY %s] injected before TLS\r\n"
    return untagged(b"CAPABILITY " + INJECTED_CAPABILITIES) + completion % (
        next_tag(tag),
        INJECTED_CAPABILITIES,
    )


def unsolicited(view: View) -> bytes:
    """Untagged EXISTS and FETCH that repeat what the client was told: allowed at any time
    (RFC 9051 §7: "the client MUST be prepared to accept any response at all times";
    §7.4.1: unsolicited FETCH carries the UID under IMAP4rev2)."""
    out = untagged(b"%d EXISTS" % view.exists)
    if view.uids:
        uid = view.uids[0]
        out += untagged(b"1 FETCH (UID %d FLAGS %s)" % (uid, flag_list(view.flags_of(uid))))
    return out


# RFC 9051 §7.1.4: "one of three possible greetings"; the session starts authenticated.
def preauth_greeting(capabilities: bytes, user: str) -> bytes:
    return b"PREAUTH [CAPABILITY %s] logged in as %s" % (capabilities, user.encode())


def wrong_state(name: bytes, config: ServerConfig) -> Kind:
    """The departure a command in the wrong state is: LOGIN or AUTHENTICATE after a
    PREAUTH greeting has its own rule (RFC 9051 §7.1.4), any other the state rule (§3)."""
    if config.preauth and name in (b"LOGIN", b"AUTHENTICATE"):
        return Kind.LOGIN_AFTER_PREAUTH
    return Kind.BAD_STATE


def expunging_last(session: Session, select: Work) -> Work:
    """SELECT, then its mailbox's last message removed as another session would remove
    it: the view still counts it, so the EXPUNGE goes out at the next point the core
    may send one (RFC 9051 §7.5.1: not while responding to FETCH, STORE or SEARCH), and
    a client that did not record it names a number past the end."""

    def run(store: MailStore) -> Reply:
        reply = select(store)
        view = session.view
        if view is not None and view.uids:
            store.delete(view.user, view.uids[-1:], mailbox=view.mailbox)
        return reply

    return run


# Delivered as the first IDLE starts, so the IDLE has news to push (RFC 2177 §3).
ARRIVING = (
    b"From: Judge <judge@example.test>\r\nTo: alice@example.test\r\n"
    b"Subject: arrived during IDLE\r\nMessage-ID: <idle@example.test>\r\n\r\n"
    b"New mail, pushed while the client was idling.\r\n"
)


def arriving(view: View, refresh: Work) -> Work:
    """``refresh``, after a new message arrived in the view's mailbox."""

    def run(store: MailStore) -> Reply:
        store.deliver(view.user, ARRIVING, mailbox=view.mailbox)
        return refresh(store)

    return run


class ExpungeWatch:
    """When the client was sent an EXPUNGE, to blame only a command that came after it:
    one that had arrived before was sent not knowing (no false alarm on pipelining)."""

    def __init__(self) -> None:
        self._sent = 0
        self._horizon: int | None = None

    def written(self, view: View | None, received: int) -> None:
        """Responses were written when ``received`` octets had come."""
        if view is not None and view.expunges_sent != self._sent:
            self._sent = view.expunges_sent
            self._horizon = received

    def stale(self, session: Session, end: int) -> bool:
        """Whether the command that ended at offset ``end`` named a number an EXPUNGE
        sent before it arrived had taken away (``Session.stale_number``)."""
        found, session.stale_number = session.stale_number, False
        return found and self._horizon is not None and end > self._horizon
