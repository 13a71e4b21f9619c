"""A private Dovecot: IMAP, POP3 and LMTP on loopback, with SASL for Postfix."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import time
from pathlib import Path

from ._errors import PeerError
from ._layout import PeerAccount, Ports, RunLayout
from ._process import read_pid, run_detached, tail, wait_for_file

__all__ = ["start_dovecot", "write_dovecot_config"]

_CONFIG = """\
# Private Dovecot for mail-conformance tests; generated, do not edit.
base_dir = {run}
state_dir = {state}
instance_name = conformance-peers
listen = 127.0.0.1
protocols = imap pop3 lmtp
hostname = localhost
postmaster_address = postmaster@example.test

log_path = {log}
info_log_path = {log}
debug_log_path = {log}

ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
# Loopback tests log in over plain connections too (POP3 USER/PASS, IMAP LOGIN).
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5
# LMTP recipients arrive as alice@example.test; the users file holds bare names.
auth_username_format = %Ln
# A failed login is answered at once, not after the default 2 s anti-guessing delay, so
# the suites' negative AUTH tests stay fast and inside their reply timeouts.
auth_failure_delay = 0
# The suites fail logins on purpose, all from 127.0.0.1: anvil's per-IP auth
# penalty would then delay every later login by up to 15 s.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}

passdb {{
  driver = passwd-file
  args = scheme=PLAIN {users}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail}/%n
}}
# The mail user's UID is below Dovecot's default floor of 500.
first_valid_uid = {uid}
first_valid_gid = {gid}

mail_location = maildir:~/Maildir
# Store messages with CRLF, as they travel on the wire, so the files compare byte for
# byte with what a test sent (RFC 5322 section 2.1: lines end in CRLF).
mail_save_crlf = yes
# Concurrency tests open many sessions for one user from 127.0.0.1 (default 10).
mail_max_userip_connections = 1000

service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0600
    user = postfix
    group = postfix
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0600
    user = postfix
    group = postfix
  }}
}}
"""


def write_dovecot_config(
    layout: RunLayout, ports: Ports, accounts: tuple[PeerAccount, ...]
) -> None:
    mail = pwd.getpwnam("mail")
    users = layout.dovecot / "users"
    layout.dovecot.mkdir(mode=0o755, exist_ok=True)
    (layout.dovecot / "state").mkdir(mode=0o755, exist_ok=True)
    layout.logs.mkdir(mode=0o755, exist_ok=True)
    # passwd-file format: user:password:uid:gid:gecos:home:shell:extra (userdb is static).
    users.write_text(
        "".join(f"{a.user}:{{PLAIN}}{a.password}::::::\n" for a in accounts), encoding="utf-8"
    )
    # The auth process runs as the dovecot user and reads this file itself.
    users.chmod(0o640)
    os.chown(users, 0, grp.getgrnam("dovecot").gr_gid)
    text = _CONFIG.format(
        run=layout.dovecot_run,
        state=layout.dovecot / "state",
        log=layout.logs / "dovecot.log",
        cert=layout.cert,
        key=layout.key,
        users=users,
        uid=mail.pw_uid,
        gid=mail.pw_gid,
        mail=layout.mail,
        imap=ports.imap,
        imaps=ports.imaps,
        pop3=ports.pop3,
        pop3s=ports.pop3s,
    )
    config_path(layout).write_text(text, encoding="utf-8")


def config_path(layout: RunLayout) -> Path:
    return layout.dovecot / "dovecot.conf"


def start_dovecot(layout: RunLayout, *, deadline: float) -> int:
    """Start Dovecot (it daemonizes itself); return the master PID from ``master.pid``."""
    binary = shutil.which("dovecot", path=_SBIN_PATH)
    if binary is None:
        raise PeerError("dovecot not found; run scripts/install-debian-deps")
    start_log = layout.logs / "dovecot-start.log"
    status = run_detached(
        [binary, "-c", os.fspath(config_path(layout))],
        log=start_log,
        timeout=max(1.0, deadline - time.monotonic()),
    )
    if status != 0 or not wait_for_file(layout.dovecot_pid_file, deadline=deadline):
        raise PeerError(
            f"dovecot did not start (exit status {status}).\n"
            f"--- {start_log} ---\n{tail(start_log)}\n"
            f"--- {layout.logs / 'dovecot.log'} ---\n{tail(layout.logs / 'dovecot.log')}"
        )
    pid = read_pid(layout.dovecot_pid_file)
    if pid is None:
        raise PeerError(f"{layout.dovecot_pid_file} holds no PID")
    return pid


_SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/local/sbin"])
