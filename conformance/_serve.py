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

from reference_impl._listeners import PROTOCOLS, ReferenceProtocol

from ._errors import ConfigurationError
from ._options import positive_count

if TYPE_CHECKING:
    from reference_impl._listeners import Service
    from reference_impl.auth import Accounts
from reference_impl.store import MailStore

__all__ = ["add_serve", "serve"]

_ALL = "all"
_FIRST = next(iter(PROTOCOLS.values()))

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
        description=f"Run the reference {_titles('or')} server (or all of them, sharing one "
        "store) on HOST until Ctrl-C or SIGTERM, logging each connection.  Mail is stored "
        "in --store (a temporary directory by default).  Without --config two demo users "
        "exist: alice / alice-password and bob / bob-password, at alice@example.test and "
        "bob@example.test.",
        epilog=_SERVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve_parser.add_argument(
        "protocol",
        choices=(*PROTOCOLS, _ALL),
        help=f"which server: {', '.join(PROTOCOLS)} or {_ALL}",
    )
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (127.0.0.1)"
    )
    serve_parser.add_argument(
        "--port",
        type=_port,
        metavar="P",
        help=f"port to listen on; 0 lets the OS choose ({_port_help()})",
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
        help="write each connection's transcript (C:/S: lines, octets escaped, and the "
        "RFC rules the client broke) to a file in DIR; at most 1 MiB per connection",
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
    for protocol, service, what in _extra_services():
        serve_parser.add_argument(
            _option(service),
            type=_port,
            metavar="P",
            help=f"{protocol.name}: also {what}; 0 lets the OS choose; off by default",
        )


def _titles(conjunction: str) -> str:
    titles = [protocol.title for protocol in PROTOCOLS.values()]
    return ", ".join(titles[:-1]) + f" {conjunction} {titles[-1]}" if len(titles) > 1 else titles[0]


def _port_help() -> str:
    """The ports ``_ports`` picks, as in "smtp 2525, ...; all: smtp on P, ... on P+1"."""
    defaults = ", ".join(f"{name} {protocol.serve_port}" for name, protocol in PROTOCOLS.items())
    spread = ", ".join(
        f"{name} on P" + (f"+{number}" if number else "") for number, name in enumerate(PROTOCOLS)
    )
    return f"{defaults}; {_ALL}: {spread}, default {_FIRST.serve_port}"


def _extra_services() -> list[tuple[ReferenceProtocol, str, str]]:
    """(protocol, service, description) of each service that has its own --port option."""
    return [
        (protocol, service, what)
        for protocol in PROTOCOLS.values()
        for service, what in protocol.extra.items()
    ]


def _option(service: str) -> str:
    return f"--{service}-port"


def _extra_port(args: argparse.Namespace, service: str) -> int | None:
    port: int | None = getattr(args, f"{service}_port")
    return port


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number 0-65535")
    return int(text)


def _ports(args: argparse.Namespace) -> dict[str, int]:
    """The port of each service to start, by service name: each protocol's first
    service, and the extra ones asked for."""
    default = PROTOCOLS[args.protocol].serve_port if args.protocol != _ALL else _FIRST.serve_port
    base = default if args.port is None else args.port
    step = 1 if base else 0  # port 0: every listener gets its own OS-chosen port
    served = _served(args)
    ports = {
        PROTOCOLS[name].services[0]: base + number * step for number, name in enumerate(served)
    }
    for protocol, service, _ in _extra_services():
        port = _extra_port(args, service)
        if port is not None and protocol.name in served:
            ports[service] = port
    return ports


def _served(args: argparse.Namespace) -> tuple[str, ...]:
    return tuple(PROTOCOLS) if args.protocol == _ALL else (args.protocol,)


def _usage_problem(args: argparse.Namespace) -> str | None:
    for protocol, service, _ in _extra_services():
        if _extra_port(args, service) is None:
            continue
        option, owner = _option(service), protocol.name
        if owner not in _served(args):
            return f"{option} needs the {owner} server (conformance serve {owner} or {_ALL})"
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
        served = [services[name] for name in _ports(args)]
        if args.sink and not any(service.sink for service in served):
            print(
                f"conformance: --sink needs a server that receives mail; "
                f"none of {', '.join(s.name for s in served)} does",
                file=sys.stderr,
            )
            return 2
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
    from reference_impl._service import MessageSink
    from reference_impl._shell import ConnectionLimits
    from reference_impl.tls import LoopbackTLS

    names = ("localhost", args.host)
    context = None if ca_file is None else LoopbackTLS(ca_file, names=names).server_context()
    settings = _listeners.ServiceSettings(
        accounts=accounts,
        store=store,
        tls_context=context,
        hostname=_listeners.SERVER_NAME,
        limits=ConnectionLimits(total=args.max_connections, per_address=args.max_per_address),
        session_log_dir=args.log_sessions,
        sink=MessageSink() if args.sink else None,
    )
    services: dict[str, Service] = {}
    for name in PROTOCOLS:
        services.update(_listeners.build_services(name, settings))
    return services


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
    sink = next((service.sink for service in services.values() if service.sink), None)
    if sink is None:
        return ""
    return f"; the sink accepted {sink.messages} messages, {sink.octets} octets"


def _banner(service: Service, host: str, port: int, store_dir: Path, ca_file: Path | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    sink = service.sink is not None
    where = "messages counted, not stored" if sink else f"mail stored in {store_dir}"
    line = (
        f"conformance: reference {service.protocol} server on {shown}:{port} "
        f"({service.security}), {where}"
    )
    if ca_file is not None and service.security != "no TLS":
        line += f", CA in {ca_file}"
    return line
