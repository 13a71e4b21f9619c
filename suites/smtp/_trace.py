"""Finding the Received: field the target added (RFC 5321 §4.4) among those above a
delivered message.

A message read back from a mailbox may carry fields of later hops above the target's:
a delivery agent speaking LMTP adds its own ("with LMTP", RFC 3848) when the target hands
the message on.  The target's field is the one whose FROM clause names the EHLO argument
the harness gave it (§4.4: the FROM clause "SHOULD contain ... the name of the source host
as presented in the EHLO command"); a target that leaves the name out is judged on the
field nearest to the message, the one added first.
"""

from __future__ import annotations

import re

__all__ = ["header_fields", "target_received"]

# RFC 3848 §2 / §3: the "with" values of an LMTP hop (LMTP, LMTPA, LMTPS, LMTPSA).
_LMTP_HOP = re.compile(r"(?i)\swith\s+LMTPS?A?(?:\s|;|$)")


def header_fields(block: bytes, name: str) -> list[str]:
    """The unfolded values of the header fields called ``name`` in ``block``, top first."""
    text = block.decode("utf-8", "replace").replace("\r\n", "\n")
    fields = re.split(r"\n(?=[^ \t])", text)
    prefix = name.lower() + ":"
    return [
        " ".join(field[len(prefix) :].split())
        for field in fields
        if field.lower().startswith(prefix)
    ]


def _from_clause(field: str) -> str:
    return re.split(r"(?i)\sby\s", field, maxsplit=1)[0]


def target_received(prefix: bytes, ehlo_name: str) -> str | None:
    """The value of the Received field the target added above the message, or None.

    ``prefix`` is what the mailbox holds above the message as sent.  Fields of LMTP hops
    are never the target's; of the others, the one nearest the message whose FROM clause
    names ``ehlo_name``, else the one nearest the message.
    """
    candidates = [f for f in header_fields(prefix, "Received") if not _LMTP_HOP.search(f)]
    named = [f for f in candidates if ehlo_name.lower() in _from_clause(f).lower()]
    chosen = named or candidates
    return chosen[-1] if chosen else None
