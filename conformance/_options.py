"""Command-line options of the plugin: the "conformance" group and its ``type=`` parsers.

Each parser raises ``argparse.ArgumentTypeError``, which pytest turns into a usage error
naming the option, so bad input stops the run before any test starts.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ._errors import ConfigurationError
from ._guard import TargetGuard, WireLimits
from ._profile import Profile, load_profile
from ._protocols import PROTOCOLS, embedded_services
from ._targets import Target, parse_target

__all__ = [
    "OPTIONS_KEY",
    "Options",
    "add_options",
    "mail_domain_name",
    "options_of",
    "target_guard",
]


def target_url(text: str) -> Target:
    try:
        return parse_target(text)
    except ConfigurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def profile_file(text: str) -> Profile:
    try:
        return load_profile(Path(text))
    except ConfigurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# RFC 5321 §4.1.2 Domain, ASCII labels only: a domain a mailbox can sit in.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


def mail_domain_name(text: str) -> str:
    if len(text) > 255 or _DOMAIN.fullmatch(text) is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a domain name (letters, digits, hyphens, dots; e.g. example.com)"
        )
    return text


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r}: the timeout must be a number above 0")
    return value


def mailbox_address(text: str) -> str:
    """A ``local@domain`` address to deliver test mail to (RFC 5321 §4.1.2 Mailbox, loosely:
    the target is the judge of the rest)."""
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or any(c in text for c in " <>\r\n\t"):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an address like alice@example.org (no <>, no spaces)"
        )
    return text


def positive_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the value must be above 0")
    return value


def _listeners_help() -> str:
    """Each protocol's listeners, as in "smtp or submission or smtps for SMTP; ..."."""
    return "; ".join(
        " or ".join(spec.services) + f" for {spec.title}"
        for spec in PROTOCOLS.values()
        if spec.services
    )


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "mail protocol conformance (RFC-keyed suites)")
    group.addoption(
        "--target",
        action="append",
        type=target_url,
        default=[],
        metavar="URL",
        help="server under test, e.g. smtp://127.0.0.1:2525, smtp+starttls://host, "
        "smtps://host:465, submission://user:pass@host:587 (repeatable: each SMTP target "
        "runs every test). Default: the target in --profile, else the embedded "
        "reference servers on loopback.",
    )
    group.addoption(
        "--embedded",
        choices=embedded_services(),
        default=embedded_services()[0],
        metavar="SERVICE",
        help="without --target or --profile: which embedded reference listener to test "
        "instead of its protocol's first one (the tests of the other protocols keep "
        f"theirs): {_listeners_help()}.",
    )
    group.addoption(
        "--profile",
        type=profile_file,
        default=None,
        metavar="FILE",
        help="profile TOML naming targets, TLS checking, accounts and whether mail may be "
        "delivered (see docs/results-format.md and the README).",
    )
    group.addoption(
        "--domain",
        type=mail_domain_name,
        default=None,
        metavar="DOMAIN",
        help="a mail domain the target receives for: without accounts in a profile the "
        "tests send to postmaster@DOMAIN (RFC 5321 §4.5.1) and deliver nothing. "
        "Default: [delivery] local_domain of the profile, else the target's greeting "
        "name if it accepts postmaster there, else <Postmaster> with no domain.",
    )
    group.addoption(
        "--deliver-to",
        type=mailbox_address,
        default=None,
        metavar="ADDRESS",
        help="allow the tests that must deliver a message to do so, to ADDRESS only (also "
        "the sender): the SMTP smuggling probes then run without a profile. Verdicts come "
        "from the replies, and from reading the mail back where the profile (or the "
        "embedded servers) can read ADDRESS's mailbox.",
    )
    group.addoption(
        "--strict-should",
        action="store_true",
        default=False,
        help="count a broken SHOULD as a failure (default: passed with a warning).",
    )
    group.addoption(
        "--pcap",
        action="store_true",
        default=False,
        help="write each test's sessions to <report-dir>/pcap/<test>.pcap "
        "(open with: tshark -r FILE -d tcp.port==PORT,smtp).",
    )
    group.addoption(
        "--report-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="write results.json (and pcaps) into DIR.",
    )
    group.addoption(
        "--conformance-timeout",
        type=positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="how long to wait for each reply or delivery (default: 10).",
    )

    limits = WireLimits()
    for name, default, help_text in (
        (
            "--max-reply-octets",
            limits.max_reply_octets,
            "give up on a reply (or a reply line) longer than N octets: the test errors "
            "with 'reply exceeds N octets' and the run goes on",
        ),
        (
            "--max-multiline-octets",
            limits.max_multiline_octets,
            "the same bound for a multi-line body (POP3 RETR, CAPA, LIST; POP2 message data)",
        ),
        (
            "--max-timeouts",
            limits.max_timeouts,
            "after N replies in a row timed out on one target, the remaining tests on it "
            "error at once with 'stopped answering' (counted per process)",
        ),
    ):
        group.addoption(
            name,
            type=positive_count,
            default=default,
            metavar="N",
            help=f"{help_text} (default: {default}).",
        )


@dataclass(frozen=True, kw_only=True)
class Options:
    targets: tuple[Target, ...]
    profile: Profile | None
    strict_should: bool
    pcap: bool
    report_dir: Path | None
    timeout: float
    embedded: str = field(default_factory=lambda: embedded_services()[0])
    domain: str | None = None
    deliver_to: str | None = None
    limits: WireLimits = field(default_factory=WireLimits)


OPTIONS_KEY = pytest.StashKey[Options]()


def options_of(config: pytest.Config) -> Options:
    """Read the options once; profile TLS settings apply to --target URLs as well."""
    if OPTIONS_KEY in config.stash:
        return config.stash[OPTIONS_KEY]
    profile: Profile | None = config.getoption("profile")
    targets: list[Target] = list(config.getoption("target"))
    if profile is not None:
        if not targets:
            targets = list(profile.all_targets)
        targets = [profile.with_credentials(target.with_tls(profile.tls)) for target in targets]
    for target in targets:
        if target.requires_auth and not target.has_credentials:
            raise pytest.UsageError(
                f"{target.url} needs credentials: write submission://USER:PASS@host "
                "or give a --profile with [[accounts]]"
            )
    report_dir: Path | None = config.getoption("report_dir")
    pcap: bool = config.getoption("pcap")
    if pcap and report_dir is None:
        raise pytest.UsageError("--pcap needs --report-dir DIR to know where to write")
    options = Options(
        targets=tuple(targets),
        profile=profile,
        strict_should=config.getoption("strict_should"),
        pcap=pcap,
        report_dir=report_dir,
        timeout=config.getoption("conformance_timeout"),
        embedded=config.getoption("embedded"),
        domain=config.getoption("domain"),
        deliver_to=config.getoption("deliver_to"),
        limits=WireLimits(
            max_reply_octets=config.getoption("max_reply_octets"),
            max_multiline_octets=config.getoption("max_multiline_octets"),
            max_timeouts=config.getoption("max_timeouts"),
        ),
    )
    config.stash[OPTIONS_KEY] = options
    return options


_GUARDS_KEY = pytest.StashKey[dict[str, TargetGuard]]()


def target_guard(config: pytest.Config, target: Target) -> TargetGuard:
    """What this process has learnt about ``target`` (timeouts, a broken greeting)."""
    guards = config.stash.setdefault(_GUARDS_KEY, {})
    if target.url not in guards:
        guards[target.url] = TargetGuard(url=target.url, limits=options_of(config).limits)
    return guards[target.url]
