"""Maildir message files: write to ``tmp/``, fsync, rename into ``new/``, fsync the directory.

The rename is what makes a delivery visible; fsyncing the file before it and the directory
after it is what makes the delivery survive a crash (a rename is only durable once the
directory entry is on disk).
"""

from __future__ import annotations

import functools
import itertools
import os
import platform
import secrets
import threading
import time
from pathlib import Path

__all__ = ["Maildir", "mailbox_dirname"]

_SUBDIRS = ("tmp", "new", "cur")

# Characters kept as they are in a mailbox's directory name; everything else is
# percent-encoded so any mailbox name (including IMAP hierarchy separators) maps to one
# safe, reversible path component.
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")


def mailbox_dirname(mailbox: str) -> str:
    """Return the single path component that stores ``mailbox``.

    A leading dot is encoded too, so no mailbox can become ``.``/``..`` or a hidden file.
    """
    if not mailbox:
        raise ValueError("mailbox name must not be empty")
    raw = mailbox.encode("utf-8")
    parts = [
        chr(octet) if octet in _SAFE and not (index == 0 and octet == ord(".")) else f"%{octet:02X}"
        for index, octet in enumerate(raw)
    ]
    return "".join(parts)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@functools.cache
def _hostname() -> str:
    # The Maildir naming convention replaces "/" and ":" in the host part, because "/"
    # is a path separator and ":" starts the info suffix of files in cur/.
    name = platform.node() or "localhost"
    return name.replace("/", r"\057").replace(":", r"\072")


class Maildir:
    """One Maildir directory (``tmp/``, ``new/``, ``cur/``)."""

    _counter = itertools.count()
    _counter_lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path

    def create(self) -> None:
        """Create the directory and its subdirectories, durably; a no-op if they exist."""
        created = False
        for sub in _SUBDIRS:
            target = self.path / sub
            if not target.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                created = True
        if created:
            _fsync_directory(self.path)
            _fsync_directory(self.path.parent)

    def deliver(self, data: bytes) -> Path:
        """Store ``data`` as a new message file and return its path in ``new/``.

        Returns only after the file and the ``new/`` directory entry are on disk.
        """
        name = self._unique_name()
        tmp_path = self.path / "tmp" / name
        new_path = self.path / "new" / name
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp_path.unlink(missing_ok=True)
            raise
        os.close(fd)
        os.rename(tmp_path, new_path)
        _fsync_directory(new_path.parent)
        return new_path

    def link(self, source: Path) -> Path:
        """Give the message file ``source`` a second name in ``new/``; return it.

        A hard link: the copy costs no data, and removing the source name later (MOVE)
        leaves the bytes in place.  Returns only after the directory entry is on disk.
        """
        new_path = self.path / "new" / self._unique_name()
        os.link(source, new_path)
        _fsync_directory(new_path.parent)
        return new_path

    @staticmethod
    def remove(path: Path) -> None:
        """Remove a message file and make the removal durable."""
        path.unlink(missing_ok=True)
        _fsync_directory(path.parent)

    @classmethod
    def _unique_name(cls) -> str:
        # Time, microseconds, pid and a per-process counter make the name unique within
        # this host (the Maildir convention); the random part also covers two processes
        # that reuse a pid across a fast restart.
        with cls._counter_lock:
            sequence = next(cls._counter)
        now = time.time_ns()
        seconds, micros = divmod(now // 1000, 1_000_000)
        rand = secrets.token_hex(4)
        return f"{seconds}.M{micros}P{os.getpid()}Q{sequence}R{rand}.{_hostname()}"
