"""Reading the user's TOML files (profiles, waivers) with one kind of message per problem."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ._errors import ConfigurationError

__all__ = ["read_toml"]


def read_toml(path: Path, what: str, error: type[ConfigurationError]) -> dict[str, Any]:
    """The parsed file; a missing, unreadable or invalid one raises ``error`` naming it."""
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise error(f"{what} {path}: file not found") from None
    except OSError as exc:
        raise error(f"{what} {path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{what} {path}: not valid TOML: {exc}") from None
