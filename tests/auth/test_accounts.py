"""Accounts: TOML loading and RFC 5321 address matching (§2.4, §4.1.1.3, §4.5.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_impl.auth import Accounts, AccountsError, User

TOML = """
local_domains = ["Example.TEST", "other.test"]
postmaster = "bob"

[[users]]
name = "alice"
password = "alice-pw"
addresses = ["alice@example.test", "Alice.Smith@other.test"]

[[users]]
name = "bob"
password = "bob-pw"
"""


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    path = tmp_path / "accounts.toml"
    path.write_text(TOML, encoding="utf-8")
    return Accounts.from_toml(path)


def test_loads_users_and_default_addresses(accounts: Accounts) -> None:
    assert accounts.local_domains == ("example.test", "other.test")
    assert accounts.users == (
        User(
            name="alice",
            password="alice-pw",
            addresses=("alice@example.test", "Alice.Smith@other.test"),
        ),
        User(name="bob", password="bob-pw", addresses=("bob@Example.TEST", "bob@other.test")),
    )
    assert accounts.postmaster == "bob"


def test_authenticate(accounts: Accounts) -> None:
    assert accounts.authenticate("alice", "alice-pw")
    assert not accounts.authenticate("alice", "bob-pw")
    assert not accounts.authenticate("nobody", "")
    assert not accounts.authenticate("Alice", "alice-pw")
    assert accounts.password_of("bob") == "bob-pw"
    assert accounts.password_of("nobody") is None


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("alice@example.test", "alice"),
        ("alice@EXAMPLE.test", "alice"),  # domains are case-insensitive (§2.4)
        ("Alice@example.test", None),  # local-parts are case-sensitive (§2.4)
        ("Alice.Smith@other.test", "alice"),
        ("alice.smith@other.test", None),
        ('"alice"@example.test', "alice"),  # quoted form names the same mailbox (§4.1.2)
        ("bob@other.test", "bob"),
        ("alice@elsewhere.test", None),
        ("carol@example.test", None),
        ("PostMaster@Example.Test", "bob"),  # postmaster is case-insensitive (§4.5.1)
        ("postmaster@other.test", "bob"),
        ("Postmaster", "bob"),  # RCPT TO:<Postmaster> without a domain (§4.1.1.3)
        ("postmaster@elsewhere.test", None),
        ("alice", None),
        ("@example.test", None),
    ],
)
def test_mailbox_for(accounts: Accounts, address: str, mailbox: str | None) -> None:
    assert accounts.mailbox_for(address) == mailbox


def test_is_local_domain(accounts: Accounts) -> None:
    assert accounts.is_local_domain("EXAMPLE.test")
    assert not accounts.is_local_domain("example.org")


def test_postmaster_defaults_to_first_user() -> None:
    accounts = Accounts.from_mapping(
        {"local_domains": ["example.test"], "users": [{"name": "zed", "password": "p"}]}
    )
    assert accounts.mailbox_for("postmaster@example.test") == "zed"


def test_explicit_postmaster_address_wins() -> None:
    accounts = Accounts.from_mapping(
        {
            "local_domains": ["example.test"],
            "users": [
                {"name": "a", "password": "p"},
                {"name": "pm", "password": "p", "addresses": ["POSTMASTER@example.test"]},
            ],
        }
    )
    assert accounts.mailbox_for("postmaster@example.test") == "pm"
    assert accounts.mailbox_for("Postmaster") == "a"


@pytest.mark.parametrize(
    "data",
    [
        {"local_domain": ["example.test"]},
        {"local_domains": "example.test"},
        {"users": [{"name": "a"}]},
        {"users": [{"name": "a", "password": "p", "adresses": []}]},
        {"users": [{"name": "a", "password": "p"}, {"name": "a", "password": "q"}]},
        {"local_domains": ["x.test"], "users": [{"name": "a", "password": "p"}], "postmaster": "b"},
        {"users": [{"name": "a", "password": "p", "addresses": ["a@not-local.test"]}]},
        {
            "local_domains": ["x.test"],
            "users": [
                {"name": "a", "password": "p", "addresses": ["same@x.test"]},
                {"name": "b", "password": "p", "addresses": ["same@x.test"]},
            ],
        },
    ],
)
def test_invalid_configuration_is_rejected(data: dict[str, object]) -> None:
    with pytest.raises(AccountsError):
        Accounts.from_mapping(data)


def test_invalid_toml_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("users = [", encoding="utf-8")
    with pytest.raises(AccountsError, match=r"bad\.toml"):
        Accounts.from_toml(path)
