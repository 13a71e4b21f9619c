"""Reading delivered mail back, to check what the target stored.

``store:PATH``   the reference MailStore at PATH (the embedded servers use this)
``maildir:PATH`` Maildirs; ``{user}`` in PATH is replaced by the account's user name
``none``         tests needing readback are skipped

Messages are returned in SMTP's CRLF form: a Maildir message holding no CRLF at all was
stored with LF line ends (the Maildir convention; Postfix local and Dovecot write that),
which is a reversible local transformation (RFC 5321 §4.5.2), so each LF is turned back
into CRLF before a test compares it with what it sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

__all__ = ["MaildirReadback", "Readback", "StoreReadback", "crlf_form"]

_POLL = 0.05


class Readback:
    """Finds a delivered message by a marker it contains; polls until the deadline."""

    def __init__(self, *, timeout: float, mailbox_of: Callable[[str], str | None]) -> None:
        self.timeout = timeout
        self._mailbox_of = mailbox_of

    def wait_for(self, address: str, marker: bytes, timeout: float | None = None) -> bytes:
        """The message for ``address`` containing ``marker``; fails the test if none arrives."""
        found = self.poll(address, marker, timeout)
        if found is None:
            pytest.fail(self.missing(address, marker, timeout))
        return found

    def poll(self, address: str, marker: bytes, timeout: float | None = None) -> bytes | None:
        """Like ``wait_for``, but None when nothing arrives in time, for a test that must
        tell why (a hop after the target may have bounced it)."""
        mailbox = self._mailbox(address)
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            found = self._find(mailbox, marker)
            if found is not None or time.monotonic() >= deadline:
                return found
            time.sleep(_POLL)

    def missing(self, address: str, marker: bytes, timeout: float | None = None) -> str:
        """The message saying that nothing containing ``marker`` arrived for ``address``."""
        limit = self.timeout if timeout is None else timeout
        return (
            f"no message containing {marker!r} arrived for {address} within {limit} s "
            f"(looked in {self.describe(self._mailbox(address))})"
        )

    def find(self, address: str, marker: bytes) -> bytes | None:
        """The newest message for ``address`` containing ``marker`` stored now, or None.

        No waiting: for "must NOT have been delivered" checks, after the transaction whose
        reply says what happened (a message delivered late is not seen).
        """
        return self._find(self._mailbox(address), marker)

    def covers(self, address: str) -> bool:
        """Whether this read-back can read ``address``'s mailbox."""
        return self._mailbox_of(address) is not None

    def _mailbox(self, address: str) -> str:
        mailbox = self._mailbox_of(address)
        if mailbox is None:
            pytest.fail(f"readback: {address} is not one of the profile's accounts")
        return mailbox

    def _find(self, mailbox: str, marker: bytes) -> bytes | None:
        for message in self._messages(mailbox):
            if marker in message:
                return message
        return None

    def _messages(self, mailbox: str) -> Iterator[bytes]:
        raise NotImplementedError

    def describe(self, mailbox: str) -> str:
        raise NotImplementedError


class MaildirReadback(Readback):
    def __init__(
        self, template: str, *, timeout: float, mailbox_of: Callable[[str], str | None]
    ) -> None:
        super().__init__(timeout=timeout, mailbox_of=mailbox_of)
        self.template = template

    def _root(self, mailbox: str) -> Path:
        return Path(self.template.replace("{user}", mailbox))

    def _messages(self, mailbox: str) -> Iterator[bytes]:
        root = self._root(mailbox)
        for sub in ("new", "cur"):
            try:
                entries = sorted((root / sub).iterdir(), key=lambda p: p.name, reverse=True)
            except FileNotFoundError:
                continue
            for path in entries:
                try:
                    yield crlf_form(path.read_bytes())
                except FileNotFoundError:  # moved from new/ to cur/ while we looked
                    continue

    def describe(self, mailbox: str) -> str:
        root = self._root(mailbox)
        return f"{root / 'new'} and {root / 'cur'}"


class StoreReadback(Readback):
    """Reads the reference MailStore; opened per poll so it never shares the server's handle."""

    def __init__(
        self, root: Path, *, timeout: float, mailbox_of: Callable[[str], str | None]
    ) -> None:
        super().__init__(timeout=timeout, mailbox_of=mailbox_of)
        self.root = root

    def _messages(self, mailbox: str) -> Iterator[bytes]:
        from reference_impl.store import MailStore

        with MailStore(self.root) as store:
            stored = store.messages(mailbox)
            contents = [store.read(mailbox, message.uid) for message in reversed(stored)]
        yield from contents

    def describe(self, mailbox: str) -> str:
        return f"mailbox {mailbox!r} of the store at {self.root}"


def crlf_form(stored: bytes) -> bytes:
    """A message stored with LF line ends (no CRLF anywhere) back in CRLF form."""
    if b"\r\n" in stored or b"\n" not in stored:
        return stored
    return stored.replace(b"\n", b"\r\n")


def mailbox_lookup(accounts: Mapping[str, str]) -> Callable[[str], str | None]:
    """Map an address (case-insensitive domain) to a mailbox name via ``accounts``."""
    table = {_normal(address): user for address, user in accounts.items()}
    return lambda address: table.get(_normal(address))


def _normal(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"
