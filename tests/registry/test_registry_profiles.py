"""Profiles read their ``[targets]`` keys from the protocol registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance import ProfileError, load_profile
from conformance._protocols import PROTOCOLS


def _profile(tmp_path: Path, targets: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(f"[targets]\n{targets}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "allowed"),
    [
        ('smtp = "pop3://127.0.0.1:1110"', "smtp:// or smtp+starttls:// or submission://"),
        ('pop3 = "smtps://127.0.0.1:465"', "pop3:// or pop3s://"),
        ('pop2 = "pop3://127.0.0.1:110"', "pop2://"),
    ],
)
def test_a_key_takes_urls_of_its_protocol_only(tmp_path: Path, line: str, allowed: str) -> None:
    with pytest.raises(ProfileError, match=re.escape(f"must be a {allowed}")):
        load_profile(_profile(tmp_path, line + "\n"))


def test_each_protocol_gets_the_targets_under_its_keys_in_registry_order(tmp_path: Path) -> None:
    profile = load_profile(
        _profile(
            tmp_path,
            'pop2 = "pop2://127.0.0.1:1109"\n'
            'smtps = "smtps://127.0.0.1:2465"\n'
            'smtp = "smtp://127.0.0.1:2525"\n'
            'pop3 = "pop3s://127.0.0.1:1995"\n'
            'imap = "imap://127.0.0.1:1143"\n',
        )
    )
    found = {name: [t.url for t in profile.targets_of(name)] for name in PROTOCOLS}
    assert found == {
        "smtp": ["smtp://127.0.0.1:2525", "smtps://127.0.0.1:2465"],
        "pop3": ["pop3s://127.0.0.1:1995"],
        "pop2": ["pop2://127.0.0.1:1109"],
        "imap": ["imap://127.0.0.1:1143"],
    }
    assert [t.url for t in profile.all_targets] == [url for urls in found.values() for url in urls]
