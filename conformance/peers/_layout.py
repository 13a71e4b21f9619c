"""Where everything of one peer run lives, the accounts, the ports, and the TLS certificate."""

from __future__ import annotations

import json
import os
import pwd
import secrets
import stat
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ._errors import PeerError

__all__ = ["LOCAL_DOMAIN", "PeerAccount", "Ports", "RunLayout", "make_certificate", "prepare_dir"]

LOCAL_DOMAIN = "example.test"
USERS = ("alice", "bob")
SUBDIRS = ("cur", "new", "tmp")  # Maildir

# sun_path is 108 bytes on Linux, including the terminating NUL.
_MAX_SOCKET_PATH = 107


@dataclass(frozen=True, kw_only=True)
class PeerAccount:
    user: str
    password: str
    address: str


@dataclass(frozen=True, kw_only=True)
class Ports:
    """The loopback TCP ports; all chosen by the OS (bind to port 0, then released)."""

    smtp: int
    submission: int
    pop3: int
    pop3s: int
    imap: int
    imaps: int


@dataclass(frozen=True, kw_only=True)
class RunLayout:
    """Paths inside one run directory; every daemon's files stay under ``root``."""

    root: Path

    @property
    def state_file(self) -> Path:
        return self.root / "peers.json"

    @property
    def profile(self) -> Path:
        return self.root / "profile.toml"

    @property
    def submission_profile(self) -> Path:
        return self.root / "profile-submission.toml"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def cert(self) -> Path:
        return self.root / "tls" / "cert.pem"

    @property
    def key(self) -> Path:
        return self.root / "tls" / "key.pem"

    @property
    def mail(self) -> Path:
        return self.root / "mail"

    @property
    def dovecot(self) -> Path:
        return self.root / "dovecot"

    @property
    def dovecot_run(self) -> Path:
        """Dovecot's ``base_dir``: its sockets and ``master.pid``."""
        return self.dovecot / "run"

    @property
    def lmtp_socket(self) -> Path:
        return self.dovecot_run / "lmtp"

    @property
    def auth_socket(self) -> Path:
        return self.dovecot_run / "auth-postfix"

    @property
    def postfix(self) -> Path:
        return self.root / "postfix"

    @property
    def postfix_config(self) -> Path:
        return self.postfix / "etc"

    @property
    def postfix_queue(self) -> Path:
        return self.postfix / "queue"

    @property
    def postfix_pid_file(self) -> Path:
        return self.postfix_queue / "pid" / "master.pid"

    @property
    def dovecot_pid_file(self) -> Path:
        return self.dovecot_run / "master.pid"

    def maildir_for(self, user: str) -> Path:
        return self.mail / user / "Maildir"


def prepare_dir(root: Path) -> Path:
    """Create ``root`` (mode 755) and check the daemons' users can reach files below it.

    Dovecot's mail processes run as ``mail`` and Postfix's as ``postfix``; both must
    traverse every parent to open the sockets, certificates and Maildirs kept here.
    """
    root = root.expanduser().absolute()
    missing = [p for p in (root, *root.parents) if not p.exists()]
    root.mkdir(parents=True, exist_ok=True)
    for created in [*missing, root]:
        created.chmod(0o755)
    for directory in (root, *root.parents):
        if not directory.stat().st_mode & stat.S_IXOTH:
            raise PeerError(
                f"{directory} is not traversable by other users (mode "
                f"{stat.filemode(directory.stat().st_mode)}); the mail daemons' users cannot "
                "reach the run directory. chmod o+x it or use a directory under /tmp"
            )
    _check_socket_length(RunLayout(root=root))
    return root


def _check_socket_length(layout: RunLayout) -> None:
    longest = max(len(os.fsencode(p)) for p in (layout.lmtp_socket, layout.auth_socket))
    if longest > _MAX_SOCKET_PATH - len("-master"):  # Dovecot adds suffixes to some sockets
        raise PeerError(
            f"run directory {layout.root} is too long for Unix socket paths "
            f"({longest} bytes under {layout.dovecot_run}); use a shorter one, e.g. under /tmp"
        )


def new_accounts() -> tuple[PeerAccount, ...]:
    """Fresh random passwords each run; hex keeps them usable in URLs without escaping."""
    return tuple(
        PeerAccount(user=user, password=secrets.token_hex(8), address=f"{user}@{LOCAL_DOMAIN}")
        for user in USERS
    )


def make_certificate(layout: RunLayout) -> None:
    """A self-signed certificate for CN=localhost, with SANs for the name and the address.

    Made with the openssl CLI so the peers need nothing beyond Debian's packages; the
    address SAN lets clients that connect to 127.0.0.1 verify it too.
    """
    layout.cert.parent.mkdir(mode=0o755, exist_ok=True)
    argv = [
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", str(layout.key), "-out", str(layout.cert),
    ]  # fmt: skip
    try:
        completed = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False
        )
    except FileNotFoundError:
        raise PeerError("openssl not found; run scripts/install-debian-deps") from None
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip()
        raise PeerError(f"openssl could not make the test certificate: {detail}")
    layout.key.chmod(0o600)
    layout.cert.chmod(0o644)


def make_maildirs(layout: RunLayout, accounts: tuple[PeerAccount, ...]) -> None:
    """Maildirs exist (owned by ``mail``) before any delivery, so readers can watch them."""
    mail_user = pwd.getpwnam("mail")
    layout.mail.mkdir(mode=0o755, exist_ok=True)
    for account in accounts:
        home = layout.mail / account.user
        for directory in (home, home / "Maildir", *(home / "Maildir" / s for s in SUBDIRS)):
            directory.mkdir(mode=0o700, exist_ok=True)
            os.chown(directory, mail_user.pw_uid, mail_user.pw_gid)
        home.chmod(0o755)  # readable by the harness when it is not root
        (home / "Maildir").chmod(0o755)


@dataclass(frozen=True, kw_only=True)
class RunState:
    """What ``stop`` and ``status`` need later, possibly from another process."""

    ports: Ports
    accounts: tuple[PeerAccount, ...]
    dovecot_pid: int
    postfix_pid: int

    def save(self, path: Path) -> None:
        data = asdict(self)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        path.chmod(0o600)

    @classmethod
    def load(cls, path: Path) -> RunState:
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                ports=Ports(**data["ports"]),
                accounts=tuple(PeerAccount(**entry) for entry in data["accounts"]),
                dovecot_pid=int(data["dovecot_pid"]),
                postfix_pid=int(data["postfix_pid"]),
            )
        except FileNotFoundError:
            raise PeerError(f"{path} not found: no peers were started in {path.parent}") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PeerError(f"{path} is unreadable or damaged: {exc}") from None
