"""The IMAP suite's reader of FETCH data takes lists of lists as RFC 3501 §9 writes them:
the bodies of a multipart BODYSTRUCTURE and the addresses of an ENVELOPE follow one
another without a space (body-type-mpart = 1*body SP media-subtype; env-to = "("
1*address ")" / nil)."""

from __future__ import annotations

import pytest

from reference_impl.imap import Framed, parse_response
from suites.imap._values import DataError, fetch_attributes

MULTIPART = (
    b'* 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3 1)'
    b'("TEXT" "HTML" NIL NIL NIL "7BIT" 5 1) "ALTERNATIVE"))'
)
ENVELOPE = (
    b'* 2 FETCH (ENVELOPE (NIL "s" (("A" NIL "a" "x.example")) NIL NIL '
    b'((NIL NIL "b" "x.example")(NIL NIL "c" "x.example")) NIL NIL NIL NIL))'
)


def attributes(line: bytes) -> dict[bytes, object]:
    response = parse_response(Framed(parts=(line,), literals=()))
    assert response is not None
    return dict(fetch_attributes(response))


def test_bodies_of_a_multipart_follow_one_another() -> None:
    structure = attributes(MULTIPART)[b"BODYSTRUCTURE"]
    assert isinstance(structure, list) and len(structure) == 3
    assert structure[2] == b"ALTERNATIVE"


def test_addresses_of_an_envelope_follow_one_another() -> None:
    envelope = attributes(ENVELOPE)[b"ENVELOPE"]
    assert isinstance(envelope, list) and len(envelope[5]) == 2


def test_atoms_still_need_their_space() -> None:
    with pytest.raises(DataError):
        attributes(b"* 3 FETCH (FLAGS (\\Seen\\Draft)X)")
