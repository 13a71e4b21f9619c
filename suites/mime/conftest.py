"""The message-source fixtures the MIME suite uses, and the messages its tests run on."""

import pytest

from conformance._mime_fixtures import retrieved_message, stored_message
from conformance._mime_sources import appended_message, imap_delivered_message, message_files

from ._corpus import corpus_message, picks_of

__all__ = [
    "appended_message",
    "imap_delivered_message",
    "pytest_generate_tests",
    "retrieved_message",
    "stored_message",
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``mime_message``: the files (and other messages) the run was given, else the
    corpus messages the test picked with ``@messages``."""
    if "mime_message" not in metafunc.fixturenames:
        return
    given = message_files(metafunc.config)
    chosen = given or [corpus_message(name) for name in picks_of(metafunc.function)]
    if not chosen:
        reason = "no message to judge: name message files with --message FILE"
        metafunc.parametrize(
            "mime_message",
            [pytest.param(None, marks=pytest.mark.skip(reason=reason))],
            ids=["no-message"],
        )
        return
    metafunc.parametrize("mime_message", chosen, ids=[m.name for m in chosen])
