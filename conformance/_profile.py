"""Target profiles: one TOML file describing a system under test.

The format (see ``docs/results-format.md`` for the outputs, and ``conformance run --help``)::

    [targets]
    smtp = "smtp://127.0.0.1:2525"
    pop3 = "pop3://127.0.0.1:1110"   # or pop3s://; logs in as the first account
    pop2 = "pop2://127.0.0.1:1109"   # RFC 937 (historic); also logs in as the first account
    submission = "submission://alice:secret@127.0.0.1:2587"   # also: smtps = "smtps://..."
    [tls]
    verify = true
    ca_file = "ca.pem"              # relative to the profile file
    server_name = "localhost"
    [delivery]
    allowed = true
    local_domain = "example.test"
    readback = "maildir:/srv/mail/{user}/Maildir"   # or "store:/path", or "none"
    [[accounts]]
    user = "alice"
    password = "secret"
    address = "alice@example.test"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._errors import ConfigurationError, ProfileError
from ._protocols import PROTOCOLS, RESERVED_PROFILE_KEYS
from ._targets import Target, TlsSettings, parse_target
from ._toml_file import read_toml
from ._waivers import load_waivers

__all__ = ["Account", "DeliverySettings", "Mailbox", "Profile", "load_profile", "parse_readback"]

_SECTIONS = {"targets", "tls", "delivery", "accounts", "waivers"}
# Each protocol's keys (one per service of a system: each given runs the protocol's
# suite, in this order), and keys of protocols still to come.
_PROTOCOL_OF_KEY = {key: spec for spec in PROTOCOLS.values() for key in spec.profile_keys}
_READBACK_KINDS = ("maildir:", "store:")


@dataclass(frozen=True, kw_only=True)
class Mailbox:
    """An envelope address the tests may name in MAIL or RCPT, with no login.

    ``address`` is empty for the null reverse-path ``<>``.
    """

    address: str


@dataclass(frozen=True, kw_only=True)
class Account(Mailbox):
    """A mailbox the tests may use: log in as ``user`` and send mail to ``address``."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class DeliverySettings:
    """Whether tests may deliver mail, where to, and how to read it back."""

    allowed: bool = False
    local_domain: str | None = None
    readback: str = "none"


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A parsed profile; ``targets`` keeps the other protocols' URLs as text for later use."""

    source: Path | None = None
    targets: Mapping[str, str] = field(default_factory=dict)
    tls: TlsSettings = field(default_factory=TlsSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    accounts: tuple[Account, ...] = ()
    # [waivers] file = "waivers.toml": accepted deviations of this system (see _waivers).
    waivers: Path | None = None

    def targets_of(self, protocol: str) -> tuple[Target, ...]:
        """The targets given for ``protocol`` (under each of its keys, in registry
        order), with the profile's TLS settings and credentials filled in."""
        return tuple(
            self.with_credentials(parse_target(self.targets[key], tls=self.tls))
            for key in PROTOCOLS[protocol].profile_keys
            if self.targets.get(key)
        )

    @property
    def all_targets(self) -> tuple[Target, ...]:
        """Every protocol's targets, in registry order."""
        return tuple(target for name in PROTOCOLS for target in self.targets_of(name))

    def with_credentials(self, target: Target) -> Target:
        """A submission or smtps target without ``user:pass@`` logs in as the first account."""
        if target.logs_in and not target.has_credentials and self.accounts:
            first = self.accounts[0]
            return target.with_credentials(first.user, first.password)
        return target


def load_profile(path: Path) -> Profile:
    """Read and validate a profile; every problem raises ``ProfileError`` naming the key."""
    data = read_toml(path, "profile", ProfileError)
    try:
        return _profile_from(data, path)
    except ConfigurationError as exc:
        raise ProfileError(f"profile {path}: {exc}") from None


def _profile_from(data: dict[str, Any], path: Path) -> Profile:
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        raise ProfileError(f"unknown section(s) {', '.join(unknown)}; known: {_known()}")
    tls = _tls(_table(data, "tls"), path.parent)
    targets = _targets(_table(data, "targets"), tls)
    return Profile(
        source=path,
        targets=targets,
        tls=tls,
        delivery=_delivery(_table(data, "delivery")),
        accounts=_accounts(data.get("accounts", [])),
        waivers=_waivers_file(_table(data, "waivers"), path.parent),
    )


def _known() -> str:
    return ", ".join(sorted(_SECTIONS))


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ProfileError(f"[{name}] must be a table")
    return value


def _string(table: dict[str, Any], section: str, key: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ProfileError(f"[{section}] {key} must be a string, not {type(value).__name__}")
    return value


def _check_keys(table: dict[str, Any], section: str, allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise ProfileError(f"[{section}] unknown key(s) {', '.join(unknown)}; known: {known}")


def _targets(table: dict[str, Any], tls: TlsSettings) -> dict[str, str]:
    _check_keys(table, "targets", {*_PROTOCOL_OF_KEY, *RESERVED_PROFILE_KEYS})
    targets = {key: _string(table, "targets", key) or "" for key in table}
    for key, url in targets.items():
        spec = _PROTOCOL_OF_KEY.get(key)
        # Validate now, with a clear message: a URL of the key's protocol.
        if spec is not None and parse_target(url, tls=tls).protocol != spec.name:
            schemes = " or ".join(f"{scheme.name}://" for scheme in spec.schemes)
            raise ProfileError(f"[targets] {key} = {url!r} must be a {schemes} URL")
    return targets


def _tls(table: dict[str, Any], base: Path) -> TlsSettings:
    _check_keys(table, "tls", {"verify", "ca_file", "server_name"})
    verify = table.get("verify", False)
    if not isinstance(verify, bool):
        raise ProfileError("[tls] verify must be true or false")
    ca_text = _string(table, "tls", "ca_file")
    ca_file = (base / ca_text) if ca_text else None
    if ca_file is not None and not ca_file.is_file():
        raise ProfileError(f"[tls] ca_file {str(ca_file)!r} does not exist")
    return TlsSettings(
        verify=verify, ca_file=ca_file, server_name=_string(table, "tls", "server_name")
    )


def _waivers_file(table: dict[str, Any], base: Path) -> Path | None:
    _check_keys(table, "waivers", {"file"})
    name = _string(table, "waivers", "file")
    if name is None:
        return None
    load_waivers(base / name)  # check it now: a bad entry is a usage error, not a crash later
    return base / name


def _delivery(table: dict[str, Any]) -> DeliverySettings:
    _check_keys(table, "delivery", {"allowed", "local_domain", "readback"})
    allowed = table.get("allowed", False)
    if not isinstance(allowed, bool):
        raise ProfileError("[delivery] allowed must be true or false")
    readback = _string(table, "delivery", "readback") or "none"
    parse_readback(readback)
    return DeliverySettings(
        allowed=allowed,
        local_domain=_string(table, "delivery", "local_domain"),
        readback=readback,
    )


def parse_readback(spec: str) -> tuple[str, str]:
    """Split ``"maildir:/path"`` into ``("maildir", "/path")``; "none" gives ``("none", "")``."""
    if spec == "none":
        return ("none", "")
    for prefix in _READBACK_KINDS:
        if spec.startswith(prefix) and len(spec) > len(prefix):
            return (prefix[:-1], spec[len(prefix) :])
    raise ProfileError(
        f"[delivery] readback {spec!r} must be 'maildir:PATH' (PATH may contain {{user}}), "
        "'store:PATH' or 'none'"
    )


def _accounts(value: object) -> tuple[Account, ...]:
    if not isinstance(value, list):
        raise ProfileError("accounts must be an array of tables: [[accounts]]")
    accounts = []
    for number, entry in enumerate(value, start=1):
        section = f"accounts #{number}"
        if not isinstance(entry, dict):
            raise ProfileError(f"[{section}] must be a table")
        _check_keys(entry, section, {"user", "password", "address"})
        fields = {key: _string(entry, section, key) for key in ("user", "password", "address")}
        missing = [key for key, text in fields.items() if not text]
        if missing:
            raise ProfileError(f"[{section}] missing {', '.join(missing)}")
        address = fields["address"] or ""
        if address.count("@") != 1:
            raise ProfileError(f"[{section}] address {address!r} is not local@domain")
        accounts.append(
            Account(user=fields["user"] or "", password=fields["password"] or "", address=address)
        )
    return tuple(accounts)
