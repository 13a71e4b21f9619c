"""Reading delivered mail back, to check what the target stored.

``store:PATH``   the reference MailStore at PATH (the embedded servers use this)
``maildir:PATH`` Maildirs; ``{user}`` in PATH is replaced by the account's user name
``none``         tests needing readback are skipped
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

__all__ = ["MaildirReadback", "Readback", "StoreReadback"]

_POLL = 0.05


class Readback:
    """Finds a delivered message by a marker it contains; polls until the deadline."""

    def __init__(self, *, timeout: float, mailbox_of: Callable[[str], str | None]) -> None:
        self.timeout = timeout
        self._mailbox_of = mailbox_of

    def wait_for(self, address: str, marker: bytes, timeout: float | None = None) -> bytes:
        """The message for ``address`` containing ``marker``; fails the test if none arrives."""
        mailbox = self._mailbox_of(address)
        if mailbox is None:
            pytest.fail(f"readback: {address} is not one of the profile's accounts")
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            for message in self._messages(mailbox):
                if marker in message:
                    return message
            if time.monotonic() >= deadline:
                pytest.fail(
                    f"no message containing {marker!r} arrived for {address} within {limit} s "
                    f"(looked in {self.describe(mailbox)})"
                )
            time.sleep(_POLL)

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
                    yield path.read_bytes()
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
            stored = store.messages(mailbox) if mailbox in store.mailboxes() else []
            contents = [store.read(mailbox, message.uid) for message in reversed(stored)]
        yield from contents

    def describe(self, mailbox: str) -> str:
        return f"mailbox {mailbox!r} of the store at {self.root}"


def mailbox_lookup(accounts: Mapping[str, str]) -> Callable[[str], str | None]:
    """Map an address (case-insensitive domain) to a mailbox name via ``accounts``."""
    table = {_normal(address): user for address, user in accounts.items()}
    return lambda address: table.get(_normal(address))


def _normal(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"
