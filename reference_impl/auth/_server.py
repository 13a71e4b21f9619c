"""Sans-IO SASL server mechanisms: PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195).

A mechanism is stepped by the protocol shell: ``start(initial_response)`` once, then
``step(response)`` for each client response, until it returns ``Succeeded`` or
``Failed``.  Base64 and the cancel line ``*`` are the shell's business (RFC 4954 §4).

Passwords are compared as given, without SASLprep: RFC 4616 §2 leaves the preparation
algorithm to the server ("including none").
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from ._client import cram_md5_digest
from ._steps import Challenge, Failed, SaslProtocolError, SaslStep, Succeeded

__all__ = [
    "LOGIN_PASSWORD_PROMPT",
    "LOGIN_USERNAME_PROMPT",
    "SERVER_MECHANISMS",
    "CramMd5Mechanism",
    "CredentialStore",
    "LoginMechanism",
    "Mechanism",
    "PlainCredentials",
    "PlainMechanism",
    "parse_cram_md5_response",
    "parse_plain",
    "server_mechanism",
]

SERVER_MECHANISMS: tuple[str, ...] = ("PLAIN", "LOGIN", "CRAM-MD5")

# The de-facto LOGIN prompts; clients ignore their text and answer in order.
LOGIN_USERNAME_PROMPT = b"Username:"
LOGIN_PASSWORD_PROMPT = b"Password:"


class CredentialStore(Protocol):
    """What the mechanisms need from the accounts (``reference_impl.auth.Accounts``)."""

    def authenticate(self, user: str, password: str) -> bool: ...

    def password_of(self, user: str) -> str | None: ...


class Mechanism(Protocol):
    """A server mechanism in progress."""

    @property
    def name(self) -> str: ...

    def start(self, initial_response: bytes | None) -> SaslStep: ...

    def step(self, response: bytes) -> SaslStep: ...


class _State(Enum):
    INITIAL = "initial"
    """Nothing exchanged yet; only ``start`` is allowed."""
    AWAIT_MESSAGE = "await-message"
    """PLAIN sent its empty challenge (RFC 4422 §5 (a)); the message comes next."""
    AWAIT_USERNAME = "await-username"
    AWAIT_PASSWORD = "await-password"
    AWAIT_DIGEST = "await-digest"
    """CRAM-MD5 sent its challenge; ``user SP digest`` comes next (RFC 2195 §2)."""
    DONE = "done"
    """Succeeded or failed; no further steps."""


_Handler = Callable[[bytes], tuple[SaslStep, _State]]


@dataclass(frozen=True, kw_only=True)
class PlainCredentials:
    authzid: str
    authcid: str
    password: str


def parse_plain(message: bytes) -> PlainCredentials | None:
    """Parse ``[authzid] NUL authcid NUL passwd`` (RFC 4616 §2); None if malformed.

    authcid and passwd are ``1*SAFE`` (non-empty) and every field must be UTF-8.
    """
    fields = message.split(b"\0")
    if len(fields) != 3 or not fields[1] or not fields[2]:
        return None
    try:
        authzid, authcid, password = (field.decode("utf-8") for field in fields)
    except UnicodeDecodeError:
        return None
    return PlainCredentials(authzid=authzid, authcid=authcid, password=password)


def parse_cram_md5_response(response: bytes) -> tuple[str, str] | None:
    """Split ``user SP digest`` (RFC 2195 §2); None unless digest is 32 lower-case hex."""
    user, space, digest = response.rpartition(b" ")
    if not space or not user or len(digest) != 32:
        return None
    # RFC 2195 §2: the digest is sent "using lower-case ASCII characters".
    if digest.strip(b"0123456789abcdef"):
        return None
    try:
        return user.decode("utf-8"), digest.decode("ascii")
    except UnicodeDecodeError:
        return None


def _decode_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


_MALFORMED_UTF8 = Failed(reason="response is not UTF-8", malformed=True)
_BAD_CREDENTIALS = Failed(reason="invalid credentials", malformed=False)


class _ServerMechanism:
    """The state machine shared by the mechanisms: one handler per awaiting state."""

    name = ""

    def __init__(self, accounts: CredentialStore) -> None:
        self._accounts = accounts
        self._state = _State.INITIAL
        self._handlers: dict[_State, _Handler] = {}

    @property
    def finished(self) -> bool:
        return self._state is _State.DONE

    def start(self, initial_response: bytes | None) -> SaslStep:
        if self._state is not _State.INITIAL:
            raise SaslProtocolError(f"{self.name}: start() called twice")
        result, self._state = self._start(initial_response)
        return result

    def step(self, response: bytes) -> SaslStep:
        handler = self._handlers.get(self._state)
        if handler is None:
            raise SaslProtocolError(f"{self.name}: step() in state {self._state.name}")
        result, self._state = handler(response)
        return result

    def _start(self, initial_response: bytes | None) -> tuple[SaslStep, _State]:
        raise NotImplementedError

    def _check_password(self, user: str, password: str) -> tuple[SaslStep, _State]:
        if not self._accounts.authenticate(user, password):
            return _BAD_CREDENTIALS, _State.DONE
        return Succeeded(authzid=user, authcid=user), _State.DONE


class PlainMechanism(_ServerMechanism):
    """PLAIN (RFC 4616): one client message carrying authzid, authcid and password."""

    name = "PLAIN"

    def __init__(self, accounts: CredentialStore) -> None:
        super().__init__(accounts)
        self._handlers = {_State.AWAIT_MESSAGE: self._verify}

    def _start(self, initial_response: bytes | None) -> tuple[SaslStep, _State]:
        if initial_response is None:
            # Client-first mechanism without an initial response: the server sends an
            # empty challenge (RFC 4422 §5 (a)).
            return Challenge(data=b""), _State.AWAIT_MESSAGE
        return self._verify(initial_response)

    def _verify(self, message: bytes) -> tuple[SaslStep, _State]:
        credentials = parse_plain(message)
        if credentials is None:
            return Failed(reason="malformed PLAIN message", malformed=True), _State.DONE
        result, state = self._check_password(credentials.authcid, credentials.password)
        # Only acting as oneself is authorised here (RFC 4616 §2: the server verifies
        # that the credentials permit acting as the authzid).
        if isinstance(result, Succeeded) and credentials.authzid not in ("", result.authcid):
            reason = f"{result.authcid!r} may not act as {credentials.authzid!r}"
            return Failed(reason=reason, malformed=False), state
        return result, state


class LoginMechanism(_ServerMechanism):
    """LOGIN: "Username:" then "Password:" challenges (draft-murchison-sasl-login)."""

    name = "LOGIN"

    def __init__(self, accounts: CredentialStore) -> None:
        super().__init__(accounts)
        self._user = ""
        self._handlers = {
            _State.AWAIT_USERNAME: self._username,
            _State.AWAIT_PASSWORD: self._password,
        }

    def _start(self, initial_response: bytes | None) -> tuple[SaslStep, _State]:
        if initial_response is None:
            return Challenge(data=LOGIN_USERNAME_PROMPT), _State.AWAIT_USERNAME
        # Some clients send the user name as the initial response ("AUTH LOGIN <user>").
        return self._username(initial_response)

    def _username(self, response: bytes) -> tuple[SaslStep, _State]:
        user = _decode_utf8(response)
        if user is None:
            return _MALFORMED_UTF8, _State.DONE
        self._user = user
        return Challenge(data=LOGIN_PASSWORD_PROMPT), _State.AWAIT_PASSWORD

    def _password(self, response: bytes) -> tuple[SaslStep, _State]:
        password = _decode_utf8(response)
        if password is None:
            return _MALFORMED_UTF8, _State.DONE
        return self._check_password(self._user, password)


def _make_challenge(hostname: str) -> bytes:
    # RFC 2195 §2: random digits, a timestamp and the host name, in RFC 822 msg-id form.
    return f"<{secrets.randbelow(10**10)}.{int(time.time())}@{hostname}>".encode("ascii")


class CramMd5Mechanism(_ServerMechanism):
    """CRAM-MD5 (RFC 2195): a server-first challenge answered with ``user SP hmac-md5``."""

    name = "CRAM-MD5"

    def __init__(
        self, accounts: CredentialStore, hostname: str, *, challenge: bytes | None = None
    ) -> None:
        super().__init__(accounts)
        if not hostname.isascii():
            raise ValueError("CRAM-MD5 needs an ASCII host name for its challenge")
        self.challenge = challenge if challenge is not None else _make_challenge(hostname)
        self._handlers = {_State.AWAIT_DIGEST: self._verify}

    def _start(self, initial_response: bytes | None) -> tuple[SaslStep, _State]:
        if initial_response is not None:
            # Server-first: an initial response fails the exchange (RFC 4422 §3.3, §5 (a)).
            reason = "CRAM-MD5 does not allow an initial response"
            return Failed(reason=reason, malformed=True), _State.DONE
        return Challenge(data=self.challenge), _State.AWAIT_DIGEST

    def _verify(self, response: bytes) -> tuple[SaslStep, _State]:
        parsed = parse_cram_md5_response(response)
        if parsed is None:
            return Failed(reason="malformed CRAM-MD5 response", malformed=True), _State.DONE
        user, digest = parsed
        password = self._accounts.password_of(user)
        expected = cram_md5_digest(self.challenge, password if password is not None else "")
        if password is None or not secrets.compare_digest(digest, expected):
            return _BAD_CREDENTIALS, _State.DONE
        return Succeeded(authzid=user, authcid=user), _State.DONE


def server_mechanism(name: str, accounts: CredentialStore, hostname: str) -> Mechanism | None:
    """A fresh server mechanism for ``name`` (case-insensitive), or None if unsupported."""
    match name.upper():
        case "PLAIN":
            return PlainMechanism(accounts)
        case "LOGIN":
            return LoginMechanism(accounts)
        case "CRAM-MD5":
            return CramMd5Mechanism(accounts, hostname)
    return None
