"""Built messages parse back to the structure they were built from, with no defect at all:
build -> serialize -> parse -> same structure (RFC 2045-2047, RFC 2231, RFC 5322)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_impl.mime import (
    Encapsulated,
    Entity,
    Leaf,
    Mailbox,
    MessageSpec,
    Multipart,
    Node,
    build,
    decoded_text,
    mailbox,
    parse_address_list,
    parse_message,
)

_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x7f"),
    max_size=120,
)
_WORDS = st.lists(st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True), min_size=1, max_size=30)
_CRLF_TEXT = st.lists(st.from_regex(r"[ -~]{0,70}", fullmatch=True), max_size=8).map(
    lambda lines: "".join(line + "\r\n" for line in lines).encode("ascii")
)
_EIGHT_BIT_TEXT = st.lists(st.text(max_size=30), max_size=6).map(
    lambda lines: "".join(
        line.replace("\r", "").replace("\n", "").replace("\x00", "") + "\r\n" for line in lines
    ).encode("utf-8")
)
_PARAM_VALUE = st.one_of(st.from_regex(r"[A-Za-z0-9.-]{1,20}", fullmatch=True), _TEXT)
_LEAVES = st.one_of(
    st.builds(Leaf, body=_CRLF_TEXT, encoding=st.just("7bit")),
    st.builds(Leaf, media_type=st.just("text/plain"), body=_EIGHT_BIT_TEXT,
              encoding=st.just("8bit"), params=st.just({"charset": "utf-8"})),
    st.builds(Leaf, media_type=st.just("application/octet-stream"), body=st.binary(max_size=300),
              encoding=st.sampled_from(["base64", "quoted-printable"]),
              disposition=st.just("attachment"),
              disposition_params=st.fixed_dictionaries({"filename": _PARAM_VALUE})),
    st.builds(Leaf, media_type=st.just("text/html"), body=st.binary(max_size=300),
              encoding=st.just("quoted-printable"),
              params=st.fixed_dictionaries({"charset": st.just("utf-8"), "name": _PARAM_VALUE}),
              headers=st.tuples(st.tuples(st.just("Content-Description"), _TEXT))),
)


def _headers(subject: str, sender: str | None) -> tuple[tuple[str, str], ...]:
    return (
        ("From", mailbox(sender, "joe@example.com")),
        ("To", "ann@example.org"),
        ("Date", "Thu, 3 Dec 2026 10:00:00 +0000"),
        ("Message-ID", "<built@example.com>"),
        ("Subject", subject),
    )


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    multipart = st.builds(
        Multipart,
        subtype=st.sampled_from(["mixed", "alternative", "related", "parallel"]),
        parts=st.lists(children, min_size=1, max_size=4).map(tuple),
        preamble=st.sampled_from([b"", b"This is a MIME message."]),
        epilogue=st.sampled_from([b"", b"epilogue"]),
    )
    inner = st.builds(MessageSpec, headers=st.builds(_headers, _TEXT, st.none()), body=children)
    digest = st.builds(
        Multipart, subtype=st.just("digest"),
        parts=st.lists(st.builds(Encapsulated, inner, implicit=st.booleans()),
                       min_size=1, max_size=3).map(tuple),
    )
    return st.one_of(multipart, digest, st.builds(Encapsulated, inner))


_NODES = st.recursive(_LEAVES, _extend, max_leaves=8)
_MESSAGES = st.builds(
    MessageSpec, headers=st.builds(_headers, _TEXT, st.one_of(st.none(), _TEXT)), body=_NODES
)


def node_shape(node: Node) -> Any:
    if isinstance(node, Leaf):
        params = {**node.params, **node.disposition_params}
        return (node.media_type, params, node.body)
    if isinstance(node, Encapsulated):
        return ("message/rfc822", message_shape(node.message))
    return (f"multipart/{node.subtype}", [node_shape(p) for p in node.parts])


def message_shape(spec: MessageSpec) -> Any:
    return (dict(spec.headers)["Subject"], node_shape(spec.body))


def entity_shape(entity: Entity) -> Any:
    if entity.message is not None:
        return ("message/rfc822", parsed_message_shape(entity.message))
    if entity.parts:
        return (entity.media_type, [entity_shape(p) for p in entity.parts])
    params = dict(entity.content_type.params)
    if entity.disposition is not None:
        params.update(entity.disposition.params)
    return (entity.media_type, params, entity.body)


def parsed_message_shape(entity: Entity) -> Any:
    subject = entity.get("Subject")
    assert subject is not None
    return (decoded_text(subject.text), entity_shape(entity))


@settings(max_examples=200, deadline=None)
@given(_MESSAGES)
def test_built_message_parses_back_to_its_structure_with_no_defect(spec: MessageSpec) -> None:
    raw = build(spec)
    parsed = parse_message(raw)
    assert [str(d) for d in parsed.defects] == []
    assert parsed_message_shape(parsed.root) == message_shape(spec)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_display_names_and_subjects_round_trip(name: str, subject: str) -> None:
    raw = build(MessageSpec(_headers(subject, name or None), Leaf()))
    parsed = parse_message(raw)
    assert [str(d) for d in parsed.defects] == []
    from_field = parsed.root.get("From")
    assert from_field is not None
    (address,), issues = parse_address_list(from_field.text)
    assert issues == [] and isinstance(address, Mailbox)
    shown = decoded_text(address.name) if address.name else ""
    assert shown.split() == name.split()


@settings(max_examples=200, deadline=None)
@given(_WORDS)
def test_long_ascii_subjects_fold_within_78(words: list[str]) -> None:
    subject = " ".join(words)
    raw = build(MessageSpec(_headers(subject, None), Leaf()))
    parsed = parse_message(raw)
    assert [str(d) for d in parsed.defects] == []
    field = parsed.root.get("Subject")
    assert field is not None and field.text == subject


def test_boundary_avoids_lines_of_the_parts() -> None:
    """RFC 2046 §5.1.1: the boundary MUST NOT appear as the prefix of any line of a part."""
    trap = b"--=_part_0_\r\n--=_part_1_--\r\n"
    spec = MessageSpec(_headers("s", None), Multipart(parts=(Leaf(body=trap),)))
    parsed = parse_message(build(spec))
    assert parsed.defects == ()
    assert parsed.root.parts[0].body == trap


def test_bodies_that_break_their_encoding_are_refused() -> None:
    for leaf in (Leaf(body=b"a\nb"), Leaf(body=b"caf\xc3\xa9\r\n"), Leaf(body=b"x" * 999)):
        with pytest.raises(ValueError):
            build(MessageSpec(_headers("s", None), leaf))
