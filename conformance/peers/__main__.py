"""``python -m conformance.peers start|stop|status --dir DIR``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ._errors import PeerError
from ._system import peer_status, start_peers, stop_peers


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.peers",
        description=(
            "Run a private Postfix + Dovecot on 127.0.0.1 for the conformance suites. "
            "'start' prints the path of a profile to pass to the harness."
        ),
    )
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="run directory (configs, logs, Maildirs); 'start' makes a new one under /tmp "
        "when omitted, 'stop' and 'status' require it",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for readiness (default 30)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except PeerError as exc:
        print(f"conformance.peers: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    run_dir: Path | None = args.dir
    if args.action == "start":
        if run_dir is None:
            run_dir = Path(tempfile.mkdtemp(prefix="mail-peers-", dir="/tmp"))
        system = start_peers(run_dir, timeout=args.timeout)
        print(system.profile_path)
        print(f"started in {system.start_seconds:.2f} s", file=sys.stderr)
        return 0
    if run_dir is None:
        print(f"conformance.peers: {args.action} needs --dir DIR", file=sys.stderr)
        return 2
    if args.action == "stop":
        seconds = stop_peers(run_dir)
        print(f"stopped in {seconds:.2f} s", file=sys.stderr)
        return 0
    report = peer_status(run_dir)
    width = max(len(key) for key in report)
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    return 0 if all("running" in report[name] for name in ("dovecot", "postfix")) else 3


if __name__ == "__main__":
    sys.exit(main())
