"""User accounts and local domains of the reference servers.

An accounts file is TOML::

    local_domains = ["example.test"]
    postmaster = "alice"        # optional; the user receiving postmaster mail,
                                # default the first user

    [[users]]
    name = "alice"
    password = "alice-pw"
    addresses = ["alice@example.test"]   # optional; default name@ each local domain

    [[users]]
    name = "bob"
    password = "bob-pw"

A user's mailbox in the store is named after the user.  Unknown keys are errors, so a
misspelt key does not silently change behaviour.

Address matching follows RFC 5321: domains are case-insensitive (§2.4); local-parts are
case-sensitive (§2.4), except the reserved "postmaster", which is case-insensitive and
must be accepted at every local domain and without a domain (§4.5.1, §4.1.1.3).
"""

from __future__ import annotations

import hmac
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Accounts", "AccountsError", "User"]

_USER_KEYS = frozenset({"name", "password", "addresses"})
_TOP_KEYS = frozenset({"local_domains", "postmaster", "users"})
_POSTMASTER = "postmaster"


class AccountsError(ValueError):
    """The accounts configuration is invalid."""


@dataclass(frozen=True, kw_only=True)
class User:
    name: str
    password: str
    addresses: tuple[str, ...]


def _split_address(address: str) -> tuple[str, str] | None:
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return None
    return _unquote_local_part(local), domain.lower()


def _unquote_local_part(local: str) -> str:
    # RFC 5321 §4.1.2: a quoted-string local-part names the same mailbox as its
    # unquoted form when the content is the same, e.g. "alice" and alice.
    if len(local) >= 2 and local[0] == local[-1] == '"':
        body = local[1:-1]
        out: list[str] = []
        escaped = False
        for ch in body:
            if escaped or ch != "\\":
                out.append(ch)
                escaped = False
            else:
                escaped = True
        return "".join(out)
    return local


def _address_key(local: str, domain: str) -> tuple[str, str]:
    if local.lower() == _POSTMASTER:
        return _POSTMASTER, domain
    return local, domain


def _str_list(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise AccountsError(f"{what} must be a list of non-empty strings")
    return list(value)


def _required_str(entry: Mapping[str, object], key: str, what: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise AccountsError(f"{what}: {key!r} must be a non-empty string")
    return value


def _parse_user(entry: object, index: int, domains: list[str]) -> User:
    what = f"users[{index}]"
    if not isinstance(entry, Mapping):
        raise AccountsError(f"{what} must be a table")
    unknown = set(entry) - _USER_KEYS
    if unknown:
        raise AccountsError(f"{what}: unknown keys {sorted(unknown)}")
    name = _required_str(entry, "name", what)
    password = _required_str(entry, "password", what)
    if "addresses" in entry:
        addresses = _str_list(entry["addresses"], f"{what}.addresses")
    else:
        addresses = [f"{name}@{domain}" for domain in domains]
    return User(name=name, password=password, addresses=tuple(addresses))


class Accounts:
    """Users with passwords and addresses, and the domains mail is delivered for."""

    def __init__(
        self,
        *,
        users: Iterable[User],
        local_domains: Iterable[str],
        postmaster: str | None = None,
    ) -> None:
        self.users: tuple[User, ...] = tuple(users)
        self._users = {user.name: user for user in self.users}
        if len(self._users) != len(self.users):
            raise AccountsError("duplicate user names")
        self.local_domains: tuple[str, ...] = tuple(d.lower() for d in local_domains)
        self.postmaster: str | None = self._choose_postmaster(postmaster)
        self._by_address = self._address_map()

    @classmethod
    def from_toml(cls, path: Path | str) -> Accounts:
        """Load an accounts file (format in the module docstring); AccountsError if invalid."""
        with Path(path).open("rb") as file:
            try:
                data = tomllib.load(file)
            except tomllib.TOMLDecodeError as exc:
                raise AccountsError(f"{path}: {exc}") from exc
        return cls.from_mapping(data)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Accounts:
        """Build from the same structure the TOML file has; AccountsError if invalid."""
        unknown = set(data) - _TOP_KEYS
        if unknown:
            raise AccountsError(f"unknown keys {sorted(unknown)}")
        domains = _str_list(data.get("local_domains", []), "local_domains")
        entries = data.get("users", [])
        if not isinstance(entries, list):
            raise AccountsError("users must be an array of tables")
        users = [_parse_user(entry, index, domains) for index, entry in enumerate(entries)]
        postmaster = data.get("postmaster")
        if postmaster is not None and not isinstance(postmaster, str):
            raise AccountsError("postmaster must be a user name")
        return cls(users=users, local_domains=domains, postmaster=postmaster)

    def user(self, name: str) -> User | None:
        return self._users.get(name)

    def authenticate(self, user: str, password: str) -> bool:
        """True if ``user`` exists and ``password`` is its password (compared in constant time)."""
        expected = self.password_of(user)
        # Compare even for an unknown user, so timing does not reveal which users exist.
        ok = hmac.compare_digest(
            password.encode("utf-8"), (expected if expected is not None else "").encode("utf-8")
        )
        return ok and expected is not None

    def password_of(self, user: str) -> str | None:
        """The clear-text password (CRAM-MD5 needs it as the shared secret, RFC 2195 §2)."""
        found = self._users.get(user)
        return None if found is None else found.password

    def is_local_domain(self, domain: str) -> bool:
        """True if mail for ``domain`` is delivered here (case-insensitive, RFC 5321 §2.4)."""
        return domain.lower() in self.local_domains

    def mailbox_for(self, address: str) -> str | None:
        """The mailbox (user name) receiving mail for ``address``, or None.

        ``address`` is a bare mailbox (``alice@example.test``), without angle brackets.
        A bare ``Postmaster`` (RFC 5321 §4.1.1.3) also resolves.
        """
        if address.lower() == _POSTMASTER:
            return self.postmaster
        parts = _split_address(address)
        if parts is None or parts[1] not in self.local_domains:
            return None
        local, domain = parts
        user = self._by_address.get(_address_key(local, domain))
        if user is None and local.lower() == _POSTMASTER:
            return self.postmaster
        return user

    def _choose_postmaster(self, postmaster: str | None) -> str | None:
        if postmaster is None:
            return self.users[0].name if self.users else None
        if postmaster not in self._users:
            raise AccountsError(f"postmaster {postmaster!r} is not a configured user")
        return postmaster

    def _address_map(self) -> dict[tuple[str, str], str]:
        mapping: dict[tuple[str, str], str] = {}
        for user in self.users:
            for address in user.addresses:
                parts = _split_address(address)
                if parts is None:
                    raise AccountsError(f"user {user.name!r}: invalid address {address!r}")
                if parts[1] not in self.local_domains:
                    raise AccountsError(f"user {user.name!r}: {address!r} is not in a local domain")
                key = _address_key(*parts)
                if mapping.setdefault(key, user.name) != user.name:
                    raise AccountsError(f"address {address!r} belongs to two users")
        return mapping
