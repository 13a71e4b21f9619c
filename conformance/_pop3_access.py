"""Logging in to a POP3 maildrop: the credentials checked once, a busy maildrop waited for.

A wrong password in the URL or the profile would fail every test that logs in, each one
blamed on the server.  So the login is tried once before the tests (``conformance run``)
and once per process (the fixtures); a refusal becomes one clear reason.

RFC 1939 §4 has the server lock the maildrop for a session, and sets no time for the
release when a connection ends without QUIT (§6 orders it before the close only after
QUIT).  A conforming server may therefore refuse a login right after an earlier session
was dropped: ``-ERR [IN-USE]`` (RFC 2449 §8.1.2), or a bare ``-ERR`` to PASS from a
server without response codes.  A login that is not itself what a test examines waits
for that lock: it tries again with a growing pause, up to a bound, and notes each wait
in the transcript.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from ._errors import HarnessError
from ._lock_wait import lock_pauses
from ._pop3_responses import Pop3Response
from ._pop3_session import Pop3Session
from ._targets import Target

__all__ = ["end_politely", "login_refusal", "login_waiting", "wait_until_free"]

_IN_USE = "IN-USE"


def _may_be_locked(response: Pop3Response, *, bare_err_too: bool) -> bool:
    """Whether a refused PASS may only mean that another session still holds the lock."""
    if response.code is not None:
        return response.code.upper() == _IN_USE
    return bare_err_too


def login_waiting(
    connect: Callable[[], Pop3Session],
    user: str,
    password: str,
    *,
    bound: float,
    bare_err_too: bool = True,
) -> tuple[Pop3Session, Pop3Response]:
    """USER/PASS in a new session; while PASS is refused for a lock, try again in another.

    Returns the last session and its response (``+OK`` to PASS, or the refusal).  A bare
    ``-ERR`` counts as "locked" only with ``bare_err_too``: after the credentials were
    checked, nothing else explains it as well.
    """
    pauses = lock_pauses(bound)
    while True:
        session = connect()
        response = session.user(user)
        if not response.ok:
            return session, response  # RFC 2449 §8.1.2: IN-USE answers PASS, not USER
        response = session.pass_(password)
        locked = not response.ok and _may_be_locked(response, bare_err_too=bare_err_too)
        pause = next(pauses, None) if locked else None
        if pause is None:
            return session, response
        session.transcript.note(
            session.label,
            f"maildrop busy, trying again in {pause:g} s: a server may release the lock of "
            "an ended session late (RFC 1939 §4)",
        )
        end_politely(session)
        time.sleep(pause)


def end_politely(session: Pop3Session) -> None:
    """QUIT (tolerating a server that already closed), then close.

    Only for sessions that marked nothing as deleted: QUIT enters UPDATE (RFC 1939 §6).
    """
    with contextlib.suppress(AssertionError, HarnessError, OSError):
        if session.quit().ok:
            session.expect_closed(timeout=min(session.timeout, 2.0))
    session.close()


def wait_until_free(
    connect: Callable[[], Pop3Session], user: str, password: str, *, bound: float
) -> None:
    """Return once ``user`` can log in, ending that session with QUIT (nothing deleted).

    After QUIT the server releases the lock before it closes (RFC 1939 §6), so the test
    that follows starts on a free maildrop, whatever earlier sessions left behind.
    """
    session, response = login_waiting(connect, user, password, bound=bound)
    end_politely(session)
    if not response.ok:
        raise HarnessError(
            f"the POP3 maildrop of {user} stayed locked for {bound:g} s after the earlier "
            f"sessions ended (PASS got {response})"
        )


def login_refusal(target: Target, user: str, password: str, timeout: float) -> str | None:
    """Why ``target`` refuses USER/PASS as ``user``, as one line; None when it logs in."""
    try:
        session, response = login_waiting(
            lambda: Pop3Session.connect(target, label="credentials", timeout=timeout),
            user,
            password,
            bound=timeout,
            bare_err_too=False,
        )
        end_politely(session)
    except (AssertionError, HarnessError, OSError) as exc:
        return f"cannot log in to {target.url} as {user!r}: {exc}"
    if response.ok:
        return None
    busy = " (the maildrop stayed in use)" if response.code == _IN_USE else ""
    return (
        f"{target.url} refused the login of {user!r}{busy}: {response}; check USER:PASS "
        "in the URL, or the first [[accounts]] of the profile"
    )
