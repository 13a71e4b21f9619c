"""``conformance load smtp|pop3 HOST:PORT``: drive a server with many sessions on Locust.

Each protocol's users are in the module its registry entry names (``load_users``: built
on the reference client cores, every reply checked); this module turns the command line
into Locust's, so everything Locust offers works as documented there: ``--web`` for its
live charts, ``--csv`` / ``--html`` reports, and after ``--`` any other Locust option
(``--master``, ``--worker``, ``--expect-workers`` to spread a load over machines).
Locust is an optional dependency: ``pip install 'mail-conformance[load]'``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ._options import positive_count
from ._protocols import PROTOCOLS

__all__ = ["add_load", "load"]

# The protocols with a load mode, and the file of their Locust users.
_LOCUSTFILES = {
    name: Path(__file__).with_name(spec.load_users.rpartition(".")[2] + ".py")
    for name, spec in PROTOCOLS.items()
    if spec.load_users is not None
}

_EPILOG = """\
examples:
  conformance load smtp 127.0.0.1:2525 --users 20 --run-time 60s
  conformance load smtp 127.0.0.1:2525 --web          # Locust's web UI on :8089
  conformance load pop3 127.0.0.1:1110 --users 1 --run-time 30s --user alice \\
      --password alice-password
  conformance load smtp 127.0.0.1:2525 --run-time 60s -- --master --expect-workers 2
  conformance load smtp 127.0.0.1:2525 -- --worker --master-host HOST
"""


def add_load(commands: Any) -> None:
    parser = commands.add_parser(
        "load",
        help="drive an SMTP or POP3 server with many sessions (Locust)",
        description="Run many SMTP or POP3 sessions against HOST:PORT on Locust, checking "
        "every reply: failures are counted by reply code and command, latency percentiles "
        "reported per command.  Options after -- go to Locust unchanged.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("protocol", choices=tuple(_LOCUSTFILES), help="which protocol to speak")
    parser.add_argument("target", metavar="HOST:PORT", help="the server, e.g. 127.0.0.1:2525")
    parser.add_argument("--users", type=positive_count, default=10, help="sessions at once (10)")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started a second")
    parser.add_argument("--run-time", default="30s", help="how long, e.g. 60s or 5m (30s)")
    parser.add_argument("--web", action="store_true", help="Locust's web UI instead of headless")
    parser.add_argument("--seed", type=int, default=0, help="workload seed: same seed, same mail")
    parser.add_argument("--size", type=positive_count, default=1024, help="message octets")
    parser.add_argument(
        "--messages",
        type=int,
        default=1,
        help="smtp: messages per connection (1); pop3: RETRs per session (0: all)",
    )
    parser.add_argument("--from", dest="sender", default="alice@example.test")
    parser.add_argument(
        "--to", default="bob@example.test", help="recipients of each message, comma-separated"
    )
    parser.add_argument("--user", default="alice", help="pop3: the login")
    parser.add_argument("--password", default="alice-password", help="pop3: its password")
    parser.add_argument("--csv", metavar="PREFIX", help="write Locust's CSV statistics")
    parser.add_argument("--html", metavar="FILE", help="write Locust's HTML report")


def load(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("locust") is None:
        print(
            "conformance: load needs Locust: pip install 'mail-conformance[load]'",
            file=sys.stderr,
        )
        return 2
    workload = {
        "PROTOCOL": args.protocol,
        "SEED": str(args.seed),
        "SIZE": str(args.size),
        "MESSAGES": str(args.messages),
        "FROM": args.sender,
        "TO": args.to,
        "USER": args.user,
        "PASSWORD": args.password,
    }
    env = os.environ | {f"CONFORMANCE_LOAD_{k}": v for k, v in workload.items()}
    return subprocess.call(_locust_argv(args), env=env)


def _locust_argv(args: argparse.Namespace) -> list[str]:
    locustfile = _LOCUSTFILES[args.protocol]
    argv = [sys.executable, "-m", "locust", "-f", str(locustfile), "--host", args.target]
    argv += ["--users", str(args.users), "--spawn-rate", str(args.spawn_rate)]
    argv += ["--run-time", args.run_time, "--only-summary"]
    if not args.web:
        argv.append("--headless")
    if args.csv:
        argv += ["--csv", args.csv]
    if args.html:
        argv += ["--html", args.html]
    return argv + list(args.pytest_args)
