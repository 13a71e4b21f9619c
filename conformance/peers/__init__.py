"""Private Postfix and Dovecot on 127.0.0.1: the real peers the project's tests run against.

``start_peers(run_dir)`` writes configurations, a self-signed certificate and Maildirs under
``run_dir``, starts both servers on ports the OS chose, waits until each greets, and returns
a ``PeerSystem`` (ports, accounts, ``profile_path`` for the harness, ``maildir_for(user)``,
``stop()``). The command line does the same: ``python -m conformance.peers start --dir DIR``.
Debian packages: ``scripts/install-debian-deps``.
"""

from ._errors import PeerError
from ._layout import PeerAccount, Ports
from ._system import (
    KNOWN_DEVIATIONS,
    PeerSystem,
    missing_binaries,
    peer_status,
    start_peers,
    stop_peers,
)

__all__ = [
    "KNOWN_DEVIATIONS",
    "PeerAccount",
    "PeerError",
    "PeerSystem",
    "Ports",
    "missing_binaries",
    "peer_status",
    "start_peers",
    "stop_peers",
]
