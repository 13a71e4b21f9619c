"""What the server remembers of a client across commands, to see the departures no
single command shows: no HELO after a refused EHLO, no EHLO first after TLS, mail sent in
the clear after a refused STARTTLS, no RSET or QUIT after a SIZE refusal, a MAIL refused
with a 5yz sent again at once.

Pure bookkeeping: the server core tells it each command (before running it) and each
reply of note, and reports the kinds it returns as ``ClientDefect`` events, each kind
once per connection (one departure repeated is one finding, and the log stays short).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl.smtp._client_defects import ClientDefectKind as K

__all__ = ["ClientWatch"]

_AFTER_SIZE_REFUSAL = frozenset({"RSET", "QUIT"})
_CLEARTEXT_PASSWORDS = frozenset({b"PLAIN", b"LOGIN"})
_MAIL_OR_LOGIN = frozenset({"MAIL", "AUTH"})
# Sent in one group with a MAIL (RFC 2920 §3.1), before its refusal could be read.
_GROUPED_AFTER_MAIL = frozenset({"RCPT", "DATA", "BDAT"})


@dataclass
class ClientWatch:
    ehlo_refused: bool = False
    helo_sent: bool = False
    tls_fresh: bool = False  # the handshake is done and no command came since
    tls_refused: bool = False  # STARTTLS was answered 454
    size_refused: bool = False  # MAIL was answered 552
    refused_mail: bytes | None = None  # the argument of a MAIL just answered 5yz
    reported: set[K] = field(default_factory=set)

    def command(self, verb: str, argument: bytes, *, tls_active: bool) -> list[K]:
        """The departures ``verb`` shows, given what came before."""
        found: list[K] = []
        if self.tls_fresh and verb != "EHLO":
            found.append(K.NO_EHLO_AFTER_TLS)
        if self.size_refused and verb not in _AFTER_SIZE_REFUSAL:
            found.append(K.SIZE_REFUSAL_IGNORED)
        if self.tls_refused and verb in _MAIL_OR_LOGIN:
            found.append(K.CLEAR_AFTER_TLS_REFUSED)
        mechanism = argument.strip().split(b" ", 1)[0].upper()
        if verb == "AUTH" and not tls_active and mechanism in _CLEARTEXT_PASSWORDS:
            found.append(K.PLAIN_AUTH_IN_CLEAR)
        if verb == "MAIL" and argument == self.refused_mail:
            found.append(K.REPEATED_REFUSED_MAIL)  # §4.2.1: 5yz, not "in the same sequence"
        if verb not in _GROUPED_AFTER_MAIL:
            self.refused_mail = None
        self.tls_fresh = self.size_refused = False
        self.helo_sent = self.helo_sent or verb == "HELO"
        return self._new(found)

    def tls_started(self) -> None:
        self.tls_fresh = True
        self.tls_refused = False

    def closed_by_client(self, *, mid_session: bool) -> list[K]:
        """The departures the client's closing shows; ``mid_session``: the server had
        not closed (no 221 or 421 sent) and no handshake was under way."""
        found = [K.CLOSED_WITHOUT_QUIT] if mid_session else []
        if self.ehlo_refused and not self.helo_sent:
            found.append(K.NO_HELO_FALLBACK)
        return self._new(found)

    def once(self, kind: K) -> bool:
        """Whether ``kind`` is reported now (the first time)."""
        return bool(self._new([kind]))

    def _new(self, kinds: list[K]) -> list[K]:
        fresh = [kind for kind in kinds if kind not in self.reported]
        self.reported.update(fresh)
        return fresh
