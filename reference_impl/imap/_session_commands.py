"""Commands about the session rather than mailboxes: CAPABILITY's list, LOGOUT, ID
(RFC 2971), ENABLE (RFC 5161), NAMESPACE (RFC 2342); and the guard that turns a name the
store refuses into NO."""

from __future__ import annotations

import dataclasses

from reference_impl.imap._grammar import Tokens
from reference_impl.imap._responses import Reply, bad, no, ok, untagged
from reference_impl.imap._session import Outcome, Session, Work
from reference_impl.store import MailboxError, MailStore

__all__ = [
    "capabilities",
    "enable",
    "id_",
    "login_allowed",
    "logout",
    "namespace",
    "refusing_bad_names",
]


def login_allowed(session: Session) -> bool:
    return session.tls_active or session.config.login_without_tls


def capabilities(session: Session, *, before_login: bool) -> bytes:
    """RFC 9051 §6.1.1 and the extensions' sections."""
    cfg = session.config
    words = [b"IMAP4rev1", b"IMAP4rev2"]
    words.append(b"LITERAL-" if cfg.limits.literal_minus else b"LITERAL+")  # RFC 7888 §5
    words += [b"SASL-IR", b"ID", b"IDLE", b"NAMESPACE", b"UIDPLUS", b"MOVE", b"UNSELECT"]
    words += [b"ENABLE", b"CHILDREN", b"ESEARCH", b"SEARCHRES", b"LIST-EXTENDED", b"LIST-STATUS"]
    words += [b"CONDSTORE", b"QRESYNC"]  # RFC 7162 §3.1.1, §3.2.2
    words += [b"SPECIAL-USE", b"CREATE-SPECIAL-USE", b"STATUS=SIZE"]  # RFC 6154, RFC 8438
    words.append(b"SORT")  # RFC 5256 §3
    words.append(b"APPENDLIMIT=%d" % cfg.limits.max_literal)  # RFC 7889 §2 (a)
    if cfg.tls_available and not session.tls_active and before_login:
        words.append(b"STARTTLS")
    if login_allowed(session):
        words += [b"AUTH=" + m.encode("ascii") for m in cfg.auth_mechanisms]
    else:
        words.append(b"LOGINDISABLED")  # RFC 9051 §6.2.3
    return b" ".join(words)


def logout(tokens: Tokens) -> Outcome:
    tokens.end()
    # RFC 9051 §6.1.3: untagged BYE, then the tagged OK.
    return dataclasses.replace(ok("logged out", data=untagged(b"BYE logging out")), closes=True)


def id_(tokens: Tokens) -> Outcome:
    tokens.sp()
    if not tokens.skip(b"NIL"):
        fields = tokens.paren_list(Tokens.nstring)
        if len(fields) % 2 or len(fields) > 60:  # RFC 2971 §3.3: at most 30 pairs
            return bad("ID takes field/value pairs")
    tokens.end()
    return ok("ID done", data=untagged(b'ID ("name" "mail-conformance")'))


def enable(session: Session, tokens: Tokens) -> Outcome:
    """RFC 5161 §3.1; IMAP4rev2 is enabled this way (RFC 9051 §6.3.1)."""
    names = []
    while not tokens.at_end():
        tokens.sp()
        names.append(tokens.atom())
    if not names:
        return bad("ENABLE needs a capability")
    enabled = [n for n in names if n.upper() in (b"IMAP4REV2", b"CONDSTORE", b"QRESYNC")]
    for name in enabled:
        if name.upper() == b"IMAP4REV2":
            session.rev2 = True
        else:
            session.condstore = True  # RFC 7162 §3.1: ENABLE CONDSTORE is an enabling command
        if name.upper() == b"QRESYNC":
            session.qresync = True  # RFC 7162 §3.2.3: until the connection closes
    if session.view is not None:
        session.view.qresync = session.qresync
    return ok("enabled", data=untagged(b"ENABLED" + b"".join(b" " + n for n in enabled)))


def namespace(tokens: Tokens) -> Outcome:
    tokens.end()
    # RFC 2342 §5: personal namespace "" with "/", no other users', no shared.
    return ok("namespaces", data=untagged(b'NAMESPACE (("" "/")) NIL NIL'))


def refusing_bad_names(work: Work) -> Work:
    """``work``, answering NO where the store refuses a name no mailbox can have (empty,
    an empty hierarchy level: ``check_name``) or an operation the namespace forbids."""

    def run(store: MailStore) -> Reply:
        try:
            return work(store)
        except (MailboxError, ValueError) as error:
            return no(f"refused: {str(error)[:200]}", b"CANNOT")  # RFC 5530 §3

    return run
