"""``conformance serve``: the reference servers in the foreground, until Ctrl-C or SIGTERM.

The listeners are built by ``reference_impl._listeners``, as for the embedded servers the
suites run against, so what a user serves here is what the suites grade.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import logging
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import ConfigurationError
from ._options import positive_count

if TYPE_CHECKING:
    from reference_impl._listeners import Service
    from reference_impl.auth import Accounts
from reference_impl.store import MailStore

__all__ = ["add_serve", "serve"]

_PROTOCOLS = ("smtp", "pop3", "pop2", "all")
# Unprivileged stand-ins for 25, 110 and 109; "all" uses --port and the next two.
_DEFAULT_PORTS = {"smtp": 2525, "pop3": 1110, "pop2": 1109, "all": 2525}

_SERVE_EPILOG = """\
examples:
  conformance serve smtp --port 2525 --store ./mail
  conformance serve pop3 --port 0 --pop3s-port 0      # ports chosen by the OS
  conformance serve all --port 0 --config accounts.toml
  conformance serve smtp --sink --no-tls              # count messages, store nothing
  openssl s_client -starttls smtp -connect 127.0.0.1:2525 -CAfile ./mail/ca.pem

Each listener prints one line on stderr, e.g.
  conformance: reference SMTP server on 127.0.0.1:2525 (STARTTLS), mail stored in
  DIR, CA in DIR/ca.pem
TLS (STARTTLS, STLS, smtps, pop3s) uses a throwaway CA written to STORE/ca.pem at
start; give that file to the client.  POP2 (RFC 937) has no TLS.
"""


def add_serve(commands: Any) -> None:
    serve_parser = commands.add_parser(
        "serve",
        help="run reference servers in the foreground",
        description="Run the reference SMTP, POP3 or POP2 server (or all three, sharing one "
        "store) on HOST until Ctrl-C or SIGTERM, logging each connection.  Mail is stored "
        "in --store (a temporary directory by default).  Without --config two demo users "
        "exist: alice / alice-password and bob / bob-password, at alice@example.test and "
        "bob@example.test.",
        epilog=_SERVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve_parser.add_argument(
        "protocol", choices=_PROTOCOLS, help="which server: smtp, pop3, pop2 or all"
    )
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (127.0.0.1)"
    )
    serve_parser.add_argument(
        "--port",
        type=_port,
        metavar="P",
        help="port to listen on; 0 lets the OS choose (smtp 2525, pop3 1110, pop2 1109; "
        "all: smtp on P, pop3 on P+1, pop2 on P+2, default 2525)",
    )
    _add_tls_ports(serve_parser)
    serve_parser.add_argument(
        "--config",
        type=Path,
        metavar="ACCOUNTS.TOML",
        help="accounts file: local_domains = [...] and [[users]] tables "
        "with name, password, addresses",
    )
    serve_parser.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="directory for the mail store and ca.pem (default: a new temporary one)",
    )
    serve_parser.add_argument(
        "--sink",
        action="store_true",
        help="smtp: run the whole protocol with every check, but count and hash each "
        "accepted message (SHA-256 in the log) instead of storing it; for load tests",
    )
    _add_limits(serve_parser)


def _add_limits(serve_parser: argparse.ArgumentParser) -> None:
    serve_parser.add_argument(
        "--log-sessions",
        type=Path,
        metavar="DIR",
        help="write each connection's transcript (C:/S: lines, octets escaped) to a file "
        "in DIR; at most 1 MiB per connection",
    )
    serve_parser.add_argument(
        "--max-connections",
        type=positive_count,
        default=1000,
        metavar="N",
        help="connections served at once by all listeners together; past it a client "
        "gets 421 / -ERR [SYS/TEMP] and is closed (1000)",
    )
    serve_parser.add_argument(
        "--max-per-address",
        type=positive_count,
        default=100,
        metavar="N",
        help="connections served at once from one client address (100)",
    )


def _add_tls_ports(serve_parser: argparse.ArgumentParser) -> None:
    serve_parser.add_argument(
        "--no-tls",
        action="store_true",
        help="offer no STARTTLS/STLS and write no CA (default: TLS with a throwaway CA)",
    )
    for option, what in (
        ("--submission-port", "smtp: also a submission listener (RFC 6409: STARTTLS + AUTH)"),
        ("--smtps-port", "smtp: also an implicit-TLS listener (RFC 8314)"),
        ("--pop3s-port", "pop3: also an implicit-TLS listener (RFC 8314)"),
    ):
        serve_parser.add_argument(
            option, type=_port, metavar="P", help=f"{what}; 0 lets the OS choose; off by default"
        )


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number 0-65535")
    return int(text)


def _ports(args: argparse.Namespace) -> dict[str, int]:
    """The port of each service to start, by service name."""
    base = _DEFAULT_PORTS[args.protocol] if args.port is None else args.port
    step = 1 if base else 0  # port 0: every listener gets its own OS-chosen port
    if args.protocol == "all":
        ports = {"smtp": base, "pop3": base + step, "pop2": base + 2 * step}
    else:
        ports = {args.protocol: base}
    extra = {
        "submission": args.submission_port,
        "smtps": args.smtps_port,
        "pop3s": args.pop3s_port,
    }
    owner = {"submission": "smtp", "smtps": "smtp", "pop3s": "pop3"}
    for name, port in extra.items():
        if port is not None and owner[name] in ports:
            ports[name] = port
    return ports


def _usage_problem(args: argparse.Namespace) -> str | None:
    serves = {"smtp", "pop3"} if args.protocol == "all" else {args.protocol}
    if args.sink and "smtp" not in serves:
        return "--sink needs the smtp server (conformance serve smtp or all)"
    for option, owner, port in (
        ("--submission-port", "smtp", args.submission_port),
        ("--smtps-port", "smtp", args.smtps_port),
        ("--pop3s-port", "pop3", args.pop3s_port),
    ):
        if port is None:
            continue
        if owner not in serves:
            return f"{option} needs the {owner} server (conformance serve {owner} or all)"
        if args.no_tls:
            return f"{option} needs TLS; drop --no-tls"
    return None


def serve(args: argparse.Namespace) -> int:
    problem = _usage_problem(args)
    if problem:
        print(f"conformance: {problem}", file=sys.stderr)
        return 2
    try:
        from reference_impl import _listeners
        from reference_impl.auth import Accounts, AccountsError
    except ImportError as exc:
        print(f"conformance: the reference servers are not available ({exc})", file=sys.stderr)
        return 2
    try:
        accounts = Accounts.from_toml(args.config) if args.config else _listeners.demo_accounts()
    except (OSError, AccountsError, ConfigurationError) as exc:
        print(f"conformance: cannot load accounts from {args.config}: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr
    )
    store_dir: Path = args.store or Path(tempfile.mkdtemp(prefix="conformance-store-"))
    store_dir.mkdir(parents=True, exist_ok=True)
    with _ServeLock(store_dir) as held:
        if not held:
            print(
                f"conformance: {store_dir} is already served by another 'conformance serve' "
                "(its ca.pem and listeners belong to that one); stop it, or give --store "
                "another directory",
                file=sys.stderr,
            )
            return 2
        return _serve_store(args, accounts, store_dir)


def _serve_store(args: argparse.Namespace, accounts: Accounts, store_dir: Path) -> int:
    from reference_impl.store import MailStore

    with MailStore(store_dir) as store:
        ca_file = None if args.no_tls else store_dir / "ca.pem"
        services = _services(args, accounts, store, ca_file)
        try:
            asyncio.run(_serve_until_stopped(args.host, services, _ports(args), store_dir, ca_file))
        except OSError as exc:
            print(f"conformance: cannot listen on {args.host}: {exc.strerror}", file=sys.stderr)
            return 2
    return 0


class _ServeLock:
    """One ``conformance serve`` per store: a second one would write a new ca.pem over
    the first one's, and the first one's clients would then fail to verify it."""

    def __init__(self, store_dir: Path) -> None:
        self._path = store_dir / "serve.lock"
        self._file: Any = None

    def __enter__(self) -> bool:
        self._file = self._path.open("a")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def __exit__(self, *exc_info: object) -> None:
        self._file.close()  # closing releases the lock


def _services(
    args: argparse.Namespace, accounts: Accounts, store: MailStore, ca_file: Path | None
) -> dict[str, Service]:
    from reference_impl import _listeners
    from reference_impl._shell import ConnectionLimits
    from reference_impl.pop2 import ServerConfig as Pop2Config
    from reference_impl.pop3 import ServerConfig as Pop3Config
    from reference_impl.smtp._config import ServerConfig as SmtpConfig
    from reference_impl.smtp.server import MessageSink
    from reference_impl.tls import LoopbackTLS

    limits = ConnectionLimits(total=args.max_connections, per_address=args.max_per_address)
    shell: dict[str, Any] = {"limits": limits, "session_log_dir": args.log_sessions}
    names = ("localhost", args.host)
    context = None if ca_file is None else LoopbackTLS(ca_file, names=names).server_context()
    hostname = _listeners.SERVER_NAME
    smtp = SmtpConfig(accounts=accounts, tls_available=context is not None)
    pop3 = Pop3Config(hostname=hostname, accounts=accounts)
    pop2 = Pop2Config(hostname=hostname, accounts=accounts)
    return {
        **_listeners.smtp_services(
            smtp,
            store=store,
            tls_context=context,
            sink=MessageSink() if args.sink else None,
            **shell,
        ),
        **_listeners.pop3_services(pop3, store=store, tls_context=context, **shell),
        **_listeners.pop2_services(pop2, store=store, **shell),
    }


async def _serve_until_stopped(
    host: str,
    services: dict[str, Service],
    ports: dict[str, int],
    store_dir: Path,
    ca_file: Path | None,
) -> None:
    from reference_impl._listeners import start_service

    servers: list[asyncio.Server] = []
    try:
        for name, port in ports.items():
            server = await start_service(services[name], host=host, port=port)
            servers.append(server)
            bound = server.sockets[0].getsockname()[1]
            print(_banner(services[name], host, bound, store_dir, ca_file), file=sys.stderr)
        print("conformance: Ctrl-C stops", file=sys.stderr, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        for server in servers:
            server.close()
    print(f"conformance: stopped{_sink_totals(services)}", file=sys.stderr, flush=True)


def _sink_totals(services: dict[str, Service]) -> str:
    smtp = services.get("smtp")
    sink = getattr(smtp.listener, "sink", None) if smtp else None
    if sink is None:
        return ""
    return f"; the sink accepted {sink.messages} messages, {sink.octets} octets"


def _banner(service: Service, host: str, port: int, store_dir: Path, ca_file: Path | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    sink = getattr(service.listener, "sink", None) is not None
    where = "messages counted, not stored" if sink else f"mail stored in {store_dir}"
    line = (
        f"conformance: reference {service.protocol} server on {shown}:{port} "
        f"({service.security}), {where}"
    )
    if ca_file is not None and service.security != "no TLS":
        line += f", CA in {ca_file}"
    return line
