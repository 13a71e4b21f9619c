"""Every message of the corpus parses to its expected structure with exactly its expected
defect kinds: each known defect found, none invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_impl.mime import (
    Entity,
    imap_body_structure,
    imap_envelope,
    parse_message,
    part_of,
)

CORPUS = Path(__file__).resolve().parents[2] / "suites" / "mime" / "corpus"
MESSAGES = sorted(CORPUS.glob("*.eml"))


def structure(entity: Entity) -> str:
    """media/type, with the children of a multipart or message in parentheses."""
    if entity.message is not None:
        return f"{entity.media_type}({structure(entity.message)})"
    if entity.content_type.main == "multipart":
        return f"{entity.media_type}({','.join(structure(p) for p in entity.parts)})"
    return entity.media_type


def expected(path: Path) -> dict[str, object]:
    return dict(json.loads(path.with_suffix(".expected.json").read_text("utf-8")))


def test_corpus_is_large_enough() -> None:
    assert len(MESSAGES) >= 60


@pytest.mark.parametrize("path", MESSAGES, ids=[p.stem for p in MESSAGES])
def test_corpus_message(path: Path) -> None:
    want = expected(path)
    parsed = parse_message(path.read_bytes(), utf8=bool(want["utf8"]))
    assert structure(parsed.root) == want["structure"]
    assert sorted(parsed.kinds()) == want["defects"], [str(d) for d in parsed.defects]


_EDITS = st.lists(
    st.tuples(st.integers(min_value=0), st.integers(0, 12), st.binary(max_size=6)), max_size=6
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MESSAGES), _EDITS)
def test_mutated_corpus_messages_never_raise(
    path: Path, edits: list[tuple[int, int, bytes]]
) -> None:
    """Cut and splice the corpus (how the non-ASCII charset and 5-digit year crashes were
    found): parsing, ENVELOPE, BODYSTRUCTURE and sections return values, never raise."""
    raw = bytearray(path.read_bytes())
    for at, cut, insert in edits:
        start = at % (len(raw) + 1)
        raw[start : start + cut] = insert
    message = bytes(raw)
    parse_message(message)
    imap_envelope(message)
    imap_body_structure(message, extensible=True)
    part_of(message, "1.2.MIME")
