"""What a judge's scenario makes the IMAP server send (``ServerConfig``'s scenario fields;
the scenarios themselves are in ``_scenarios``): pure functions, the core decides when.
"""

from __future__ import annotations

import re

from reference_impl.imap._responses import untagged
from reference_impl.imap._view import View, flag_list

__all__ = [
    "BYE",
    "ENDLESS_LITERAL",
    "INJECTED_CAPABILITIES",
    "injected_after_starttls",
    "next_tag",
    "unsolicited",
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
