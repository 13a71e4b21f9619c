"""A private Postfix: an MX-style smtpd and a submission service on loopback.

Mail for example.test goes over LMTP to the private Dovecot; everything else meets the
``error`` transport, so nothing ever leaves the machine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ._errors import PeerError
from ._layout import LOCAL_DOMAIN, PeerAccount, Ports, RunLayout
from ._process import capture, read_pid, run_detached, tail, wait_for_file

__all__ = ["postfix_binary", "start_postfix", "write_postfix_config"]

_MAIN_CF = """\
# Private Postfix for mail-conformance tests; generated, do not edit.
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
mail_owner = postfix
setgid_group = postdrop

myhostname = localhost
mydomain = {domain}
myorigin = $myhostname
mydestination =
# No client is trusted by address: relaying needs AUTH (submission only).
mynetworks =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no

virtual_mailbox_domains = {domain}
virtual_mailbox_maps = texthash:{config}/vmailbox
virtual_alias_maps = texthash:{config}/valias
virtual_transport = lmtp:unix:{lmtp}
local_transport = error:local delivery is disabled
default_transport = error:outbound mail is disabled in the test peers
relay_transport = error:relaying is disabled in the test peers
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination

# There is no syslog here: postlogd writes this file.
maillog_file = {maillog}
maillog_file_prefixes = {logs}

smtpd_tls_security_level = may
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {auth}
smtpd_sasl_auth_enable = no
"""

_MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:{smtp} inet n - n - - smtpd
127.0.0.1:{submission} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def write_postfix_config(
    layout: RunLayout, ports: Ports, accounts: tuple[PeerAccount, ...]
) -> None:
    config = layout.postfix_config
    for directory in (layout.postfix, config, layout.postfix_queue, layout.logs):
        directory.mkdir(mode=0o755, exist_ok=True)
    main = _MAIN_CF.format(
        queue=layout.postfix_queue,
        data=layout.postfix / "data",
        domain=LOCAL_DOMAIN,
        config=config,
        lmtp=layout.lmtp_socket,
        maillog=layout.logs / "postfix.log",
        logs=layout.logs,
        cert=layout.cert,
        key=layout.key,
        auth=layout.auth_socket,
    )
    (config / "main.cf").write_text(main, encoding="utf-8")
    master = _MASTER_CF.format(smtp=ports.smtp, submission=ports.submission)
    (config / "master.cf").write_text(master, encoding="utf-8")
    # texthash: tables read as plain text, so no postmap step. With an LMTP
    # virtual_transport only the keys matter (they say which recipients exist).
    mailboxes = "".join(f"{a.address} {a.user}/\n" for a in accounts)
    (config / "vmailbox").write_text(mailboxes, encoding="utf-8")
    aliases = f"postmaster@{LOCAL_DOMAIN} {accounts[0].address}\n"
    (config / "valias").write_text(aliases, encoding="utf-8")
    _backdate(config, ("main.cf", "master.cf", "vmailbox", "valias"))


def _backdate(config: Path, names: tuple[str, ...]) -> None:
    """Give the files an mtime in the past.

    Postfix distrusts a table file modified within the last second (it may still be being
    written) and re-reads it every 0.3 s until it is older: about 2 s per fresh config.
    """
    past = time.time() - 60
    for name in names:
        os.utime(config / name, (past, past))


def postfix_binary() -> str:
    for directory in ("/usr/sbin", "/usr/local/sbin"):
        candidate = Path(directory) / "postfix"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return os.fspath(candidate)
    raise PeerError("postfix not found; run scripts/install-debian-deps")


def start_postfix(layout: RunLayout, *, deadline: float) -> int:
    """``postfix -c DIR start``; return the master PID from the queue's ``pid/master.pid``."""
    binary = postfix_binary()
    config = os.fspath(layout.postfix_config)
    start_log = layout.logs / "postfix-start.log"
    status = run_detached(
        [binary, "-c", config, "start"],
        log=start_log,
        timeout=max(1.0, deadline - time.monotonic()),
    )
    pid = read_pid(layout.postfix_pid_file) if status == 0 else None
    if pid is None and status == 0 and wait_for_file(layout.postfix_pid_file, deadline=deadline):
        pid = read_pid(layout.postfix_pid_file)
    if pid is None:
        raise PeerError(f"postfix did not start (exit status {status}).\n{diagnose(layout)}")
    return pid


def diagnose(layout: RunLayout) -> str:
    """What a failed start leaves behind: ``postfix start`` only talks to a terminal."""
    check = capture([postfix_binary(), "-c", os.fspath(layout.postfix_config), "check"])
    start_log = layout.logs / "postfix-start.log"
    maillog = layout.logs / "postfix.log"
    return (
        f"--- postfix check ---\n{check}\n"
        f"--- {start_log} ---\n{tail(start_log)}\n"
        f"--- {maillog} ---\n{tail(maillog)}"
    )
