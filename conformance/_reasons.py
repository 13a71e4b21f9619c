"""Why a catalogued requirement has no suite test: rules first, then hand-kept overrides.

The rules read the sentence and its section: who the requirement binds (the words before its
keywords: "the client MUST", "Servers SHOULD"), whether the section is a registration
or change log, and whether the sentence is about something no peer can see (logs,
configuration, operators).  They are heuristics, so every rule's verdict can be replaced
for one entry in ``catalogue/overrides.toml``, with a note saying why.  What no rule or
override decides stays *unclassified* and is counted as such: coverage is never rounded up.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from ._catalogue import Entry

__all__ = ["REASONS", "Override", "load_overrides", "reason_by_rule"]

# Each reason an entry is not tested, and what it means; "open" is a gap, not an excuse.
REASONS = {
    "client": "binds clients only (judge mode, which grades clients, will check it)",
    "not-observable": "not observable over the wire (storage, logs, configuration, operators)",
    "registration": "a registration or IANA procedure, or a rule for writers of specifications",
    "editorial": "describes changes from an earlier RFC, or notes for implementors",
    "other-rfc": "the same sentence is tested under another RFC (or an override says so)",
    "open": "testable against a server or on a message: no suite test checks it yet",
    "unclassified": "no rule or override has decided it yet",
}

_CLIENT = re.compile(
    r"\b(?:clients?|sender-smtp|smtp clients?|sending (?:smtp|system)s?|user agents?|muas?|"
    r"composers?|composing|readers?|generat(?:ing|ors?)|originators?|submitters?|senders?|"
    r"receiving (?:user )?agents?|mail reading)\b"
)
_SERVER = re.compile(
    r"\b(?:servers?|receivers?|receiver-smtp|receiving smtp|relays?|relaying|mtas?|"
    r"gateways?|delivery (?:smtp|system)|message stores?|the (?:response|reply)|replies|"
    r"responses?|smtp systems?|receiving (?:systems?|hosts?)|reply codes?|smtp-capable hosts?|"
    r"hosts? that (?:expects?|receives?))\b"
)
_NOT_OBSERVABLE = re.compile(
    r"\b(?:log(?:s|ged|ging)?|administrators?|operators?|site polic(?:y|ies)|local polic"
    r"(?:y|ies)|configur\w*|documentation|secrets?|passwords? (?:file|database)|disk|"
    r"internal(?:ly)?|implementors?|users? (?:should|must) be)\b"
)
_REGISTRATION = re.compile(r"\b(?:IANA|regist(?:er|ered|ry|ration)|standards-track RFC)\b")
_EDITORIAL_TITLE = re.compile(r"Changes|Differences|Acknowledg|References|History|Examples?\b")
_REGISTRATION_TITLE = re.compile(r"IANA|Registration|Registry")
# RFCs whose requirements are mostly on messages: what binds no client is checkable on one.
_MESSAGE_FORMAT = {2045, 2046, 2047, 2049, 5322, 6532}
_REGISTRATION_RFCS = {2048}


def _actor(entry: Entry) -> str:
    """The words before the last keyword, lower-cased: whom each of its clauses binds
    ("Clients SHOULD retry, and servers MUST wait" binds both)."""
    sentence = entry.lead or entry.text
    keywords = "|".join(re.escape(keyword) for keyword in entry.keywords) or "$^"
    found = list(re.finditer(rf"\b(?:{keywords})\b", sentence, re.IGNORECASE))
    return (sentence[: found[-1].start()] if found else sentence).lower()


def reason_by_rule(entry: Entry) -> str:
    """The reason the rules give for an untested entry (see the module's docstring)."""
    if entry.rfc in _REGISTRATION_RFCS or _REGISTRATION_TITLE.search(entry.title):
        return "registration"
    if _REGISTRATION.search(entry.text):
        return "registration"
    if _EDITORIAL_TITLE.search(entry.title):
        return "editorial"
    actor = _actor(entry)
    client, server = bool(_CLIENT.search(actor)), bool(_SERVER.search(actor))
    if client and not server:
        return "client"
    if _NOT_OBSERVABLE.search(entry.text.lower()):
        return "not-observable"
    if server or entry.rfc in _MESSAGE_FORMAT:
        return "open"
    return "unclassified"


@dataclass(frozen=True, kw_only=True)
class Override:
    id: str
    reason: str
    note: str


@functools.cache
def load_overrides() -> dict[str, Override]:
    """``catalogue/overrides.toml``: ``[[override]]`` tables of id, reason and note."""
    path = resources.files("conformance") / "catalogue" / "overrides.toml"
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    overrides = {}
    for raw in document.get("override", []):
        override = Override(id=str(raw["id"]), reason=str(raw["reason"]), note=str(raw["note"]))
        overrides[override.id] = override
    return overrides
