"""A mixed IMAP workload (LOGIN, SELECT, FETCH, STORE, APPEND, LOGOUT) from many
concurrent sessions, to compare the reference IMAP server with another server.

    python benchmarks/imap_mixed.py serve --port 14300            # the reference server
    python benchmarks/imap_mixed.py load 127.0.0.1 14300 alice alice-pw --sessions 20

``load`` prints sessions per second; run it against both servers on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import imaplib
import tempfile
import threading
import time
from pathlib import Path

MESSAGE = b"From: bob@example.test\r\nSubject: load\r\n\r\n" + b"line of text\r\n" * 50


def one_session(host: str, port: int, user: str, password: str) -> None:
    client = imaplib.IMAP4(host, port, timeout=30)
    client.login(user, password)
    client.append("INBOX", None, None, MESSAGE)
    _, data = client.select("INBOX")
    count = int(data[0] or b"0")
    client.fetch(f"{max(1, count - 9)}:*", "(FLAGS RFC822.SIZE)")
    client.fetch(str(count), "(BODY.PEEK[])")
    client.store(str(count), "+FLAGS", r"(\Flagged)")
    client.logout()


def load(args: argparse.Namespace) -> None:
    done = 0
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def worker() -> None:
        nonlocal done
        while time.monotonic() < deadline:
            one_session(args.host, args.port, args.user, args.password)
            with lock:
                done += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(f"{done} sessions in {elapsed:.1f} s: {done / elapsed:.1f} sessions/s")


def serve(args: argparse.Namespace) -> None:
    from reference_impl.auth import Accounts
    from reference_impl.imap import ServerConfig
    from reference_impl.imap.server import Listener, start_server
    from reference_impl.store import MailStore

    accounts = Accounts.from_mapping(
        {"local_domains": ["example.test"], "users": [{"name": "alice", "password": "alice-pw"}]}
    )
    store = MailStore(Path(args.store or tempfile.mkdtemp()))
    listener = Listener(config=ServerConfig(accounts=accounts), store=store)

    async def main() -> None:
        server = await start_server(listener, port=args.port)
        print(f"serving on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
        await server.serve_forever()

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True)
    served = commands.add_parser("serve", help="run the reference IMAP server")
    served.add_argument("--port", type=int, default=0)
    served.add_argument("--store", help="store directory (default: a new temp directory)")
    served.set_defaults(run=serve)
    loading = commands.add_parser("load", help="run the workload against HOST PORT")
    for name in ("host", "port", "user", "password"):
        loading.add_argument(name, type=int if name == "port" else str)
    loading.add_argument("--sessions", type=int, default=20, help="concurrent sessions")
    loading.add_argument("--seconds", type=float, default=10.0)
    loading.set_defaults(run=load)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
