"""``conformance check DOMAIN``: grade a deployed mail domain without delivering anything.

For each MX host (RFC 5321 §5.1) and each of its addresses: STARTTLS offered and working,
the certificate (chain, name, expiry), the TLS versions offered one by one; then the SMTP
suite as far as a URL alone allows (``conformance run smtp://ADDRESS`` delivers nothing,
see ``_left_out``).  ``--url`` names imaps://, pop3s://, smtps:// or submission:// servers
the same way.  One graded summary per host; exit status as ``run``'s.

This module is the command line only: the work (``_check_run``) and its DNS and TLS
libraries load when the command runs, so every other command starts as fast as before.
"""

from __future__ import annotations

import argparse
import ipaddress
import re
from pathlib import Path
from typing import Any

from ._options import mail_domain_name, positive_count, positive_seconds, target_url
from ._waivers import waiver_file

__all__ = ["add_check", "check", "dns_server"]

_EPILOG = """\
checks, per address of each host:
  STARTTLS offered and completing a handshake (implicit TLS for imaps, pop3s, smtps)
  certificate: chains to the system trust store (or --ca-file), carries a DNS-ID
    for the host's name (RFC 6125 §6.4), not expiring within --expiry-warning days
  SSL 3.0, TLS 1.0 and 1.1 each offered alone: TLS 1.0/1.1 accepted -> failed
    (RFC 8996 §2, §3), SSL 3.0 accepted -> warned (RFC 8314 §4);
    TLS 1.2 or later offered (RFC 8314 §4); a version this machine's OpenSSL cannot
    offer is reported "not probed", never "not offered"
  then, on the host's first address, the protocol's suite as a URL alone allows
  (nothing delivered, no mailbox changed; --tls-only leaves it out)

levels: for imaps, pop3s, smtps and submission servers a certificate or TLS fault
  fails (RFC 8314 §4, §4.4); for an MX it fails when the domain publishes an
  MTA-STS policy (_mta-sts TXT record, RFC 8461 §4.2), and warns otherwise.

grades: A nothing failed or warned, B warnings only, F a requirement broken or
  the host could not be checked.

examples:
  conformance check example.com
  conformance check example.com --tls-only --json
  conformance check example.test --dns-server 127.0.0.1:5353 --port 2525 --ca-file ca.pem
  conformance check --url imaps://imap.example.com --url submission://U:P@smtp.example.com

exit status: 0 no host failed, 1 a host failed (grade F), 2 bad usage, no usable
  DNS answer, or a host unreachable.
"""


def add_check(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="grade a deployed domain's MX hosts (or named servers) read-only",
        description="Look up DOMAIN's MX hosts and grade each: STARTTLS, certificate, TLS "
        "versions and the SMTP suite as far as a URL alone allows.  Nothing is delivered.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "domain",
        nargs="?",
        type=mail_domain_name,
        metavar="DOMAIN",
        help="the mail domain whose MX hosts to check (optional with --url)",
    )
    parser.add_argument(
        "--url",
        action="append",
        type=target_url,
        default=[],
        metavar="URL",
        help="also check this server: imaps://, pop3s://, smtps://, submission:// or "
        "smtp:// URL (repeatable)",
    )
    parser.add_argument(
        "--port", type=_port, default=25, help="SMTP port of the MX hosts (default: 25)"
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="per DNS lookup, connection and reply (default: 10)",
    )
    parser.add_argument(
        "--dns-server",
        type=_dns_server_option,
        metavar="ADDRESS[:PORT]",
        help="ask this DNS server instead of the system's resolvers",
    )
    parser.add_argument(
        "--ca-file",
        type=_readable_file,
        metavar="PEM",
        help="trust these CA certificates instead of the system trust store",
    )
    parser.add_argument(
        "--expiry-warning",
        type=positive_count,
        default=14,
        metavar="DAYS",
        help="warn when a certificate expires within DAYS days (default: 14)",
    )
    parser.add_argument(
        "--waivers",
        type=waiver_file,
        metavar="FILE",
        help="accepted deviations for the suite runs, as for run (docs/waivers.md)",
    )
    parser.add_argument(
        "--tls-only", action="store_true", help="leave the protocol suites out: TLS checks only"
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="where each suite run writes its report (default: reports)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (1-65535)")
    return int(text)


def _readable_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text!r} is not a readable file")
    return path


def _dns_server_option(text: str) -> tuple[str, int]:
    try:
        return dns_server(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not ADDRESS or ADDRESS:PORT (e.g. 127.0.0.1:5353, [::1]:53)"
        ) from None


# ADDRESS, ADDRESS:PORT, [V6ADDRESS]:PORT, or a bare IPv6 address.
_SERVER = re.compile(
    r"\[(?P<bracketed>[^\]]+)\](?::(?P<port6>\d+))?"
    r"|(?P<v4>[^:\[\]]+)(?::(?P<port4>\d+))?"
    r"|(?P<v6>[0-9A-Fa-f:.]+)"
)


def dns_server(text: str) -> tuple[str, int]:
    """The address and port of a DNS server; ``ValueError`` for anything else (a name
    would need a resolver to find the resolver)."""
    match = _SERVER.fullmatch(text)
    if match is None:
        raise ValueError(f"not ADDRESS[:PORT]: {text!r}")
    host = match["bracketed"] or match["v4"] or match["v6"]
    port = int(match["port6"] or match["port4"] or 53)
    ipaddress.ip_address(host)
    if not 0 < port < 65536:
        raise ValueError(f"bad port in {text!r}")
    return host, port


def check(args: argparse.Namespace) -> int:
    from ._check_run import run_check

    return run_check(args)
