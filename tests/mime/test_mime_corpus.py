"""Every message of the corpus parses to its expected structure with exactly its expected
defect kinds: each known defect found, none invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reference_impl.mime import Entity, parse_message

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
