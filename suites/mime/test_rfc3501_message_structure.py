"""RFC 3501 §6.4.5, §7.4.2: what an IMAP server computes from a MIME message it holds
(RFC822.SIZE, BODYSTRUCTURE, BODY, ENVELOPE, body sections, partial fetches) matches the
message: the expected values are the reference parse of the octets APPENDed
(``reference_impl.mime``), compared where the RFC fixes them (``_imap_views``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from conformance._mime_sources import AppendedMessage, MessageFile
from reference_impl.mime import (
    imap_body_structure,
    imap_envelope,
    parse_message,
    part_of,
)

from ._corpus import messages
from ._imap_views import (
    body_differences,
    envelope_differences,
    fetch_one,
    grammar_fault,
    part_numbers,
    section_data,
    shown,
)

Append = Callable[[bytes], AppendedMessage]
FETCH_BASIS = (
    "§7.4.2 defines the fetch item's value from the message; a server that returns "
    "another value breaks the definition"
)
_STRUCTURES = (
    "plain-ascii",
    "nested-alternative-in-mixed",
    "rfc822-in-mixed",
    "mixed-text-and-image",
    "related-html-cid",
    "inline-disposition",
    "digest-default-rfc822",
    "dot-lines-and-998",
)
_NESTED = (
    "rfc822-in-mixed",
    "nested-alternative-in-mixed",
    "rfc822-three-deep",
    "digest-default-rfc822",
)
# RFC 5322 §3.2.2: comment = "(" *([FWS] ccontent) [FWS] ")"; the innermost are enough.
_COMMENT = re.compile(rb"\(([^()\\]*)\)")


def _leaf_sections(raw: bytes) -> list[str]:
    """Part numbers of the parts that are no multipart (BODY[n] is their body)."""
    root = parse_message(raw).root
    return [n for n in part_numbers(root) if not _is_multipart(raw, n)]


def _is_multipart(raw: bytes, number: str) -> bool:
    mime = part_of(raw, number + ".MIME") or b""
    return b"multipart/" in mime.lower() and b"content-type" in mime.lower()


def _nested_in_multipart(raw: bytes) -> list[str]:
    """Part numbers of parts that stand in a multipart (they have a MIME header)."""
    root = parse_message(raw).root
    return [
        n
        for n in part_numbers(root)
        if part_of(raw, n + ".MIME") is not None
        and (root.content_type.main == "multipart" or "." in n)
    ]


def _rfc822_parts(raw: bytes) -> list[str]:
    """Part numbers of message/rfc822 parts (they have HEADER and TEXT)."""
    root = parse_message(raw).root
    return [n for n in part_numbers(root) if part_of(raw, n + ".HEADER") is not None]


def _wrong_sections(
    appended: AppendedMessage, sections: list[str]
) -> dict[str, tuple[bytes | None, bytes | None]]:
    """(expected, got) of each BODY.PEEK[section] the server returned otherwise."""
    wrong = {}
    for section in sections:
        want, got = part_of(appended.stored, section), section_data(appended, section)
        if got != want:
            wrong[section] = (want, got)
    return wrong


@pytest.mark.rfc(3501, "7.4.2", "MUST", basis=FETCH_BASIS)
@messages("dot-lines-and-998", "rfc822-three-deep", "mixed-text-and-image")
def test_rfc822_size_is_the_octets_of_the_message(
    mime_message: MessageFile, appended_message: Append
) -> None:
    """RFC822.SIZE A number expressing the [RFC-2822] size of the message.

    The size is that of the message FETCH BODY[] returns, octet for octet.
    """
    appended = appended_message(mime_message.octets)
    size = fetch_one(appended, "(RFC822.SIZE)").get(b"RFC822.SIZE")
    assert size == str(len(appended.stored)).encode(), (
        f"APPENDed {mime_message.origin}: RFC822.SIZE {shown(size)}, but BODY[] has "
        f"{len(appended.stored)} octets"
    )


@pytest.mark.rfc(3501, "7.4.2", "MUST", basis=FETCH_BASIS)
@messages(*_STRUCTURES)
def test_bodystructure_describes_the_mime_structure(
    mime_message: MessageFile, appended_message: Append
) -> None:
    """BODYSTRUCTURE A parenthesized list that describes the [MIME-IMB] body structure of
    a message.  This is computed by the server by parsing the [MIME-IMB] header fields,
    defaulting various fields as necessary."""
    appended = appended_message(mime_message.octets)
    got = fetch_one(appended, "(BODYSTRUCTURE)").get(b"BODYSTRUCTURE")
    want = imap_body_structure(appended.stored, extensible=True)
    faults = body_differences(want, got)
    assert not faults, f"BODYSTRUCTURE of {mime_message.origin}:\n  " + "\n  ".join(faults)


@pytest.mark.rfc(
    3501,
    "7.4.2",
    "MUST",
    basis="'never' states the rule without a keyword: BODY is the non-extensible form",
)
@messages("mixed-text-and-image", "rfc822-in-mixed")
def test_body_is_the_structure_without_extension_data(
    mime_message: MessageFile, appended_message: Append
) -> None:
    """Extension data is never returned with the BODY fetch, but can be returned with a
    BODYSTRUCTURE fetch."""
    appended = appended_message(mime_message.octets)
    got = fetch_one(appended, "(BODY)").get(b"BODY")
    want = imap_body_structure(appended.stored, extensible=False)
    faults = body_differences(want, got)
    assert not faults, f"BODY of {mime_message.origin}:\n  " + "\n  ".join(faults)


@pytest.mark.rfc(3501, "7.4.2", "MUST", basis=FETCH_BASIS)
@messages(
    "plain-ascii",
    "quoted-names-and-comments",
    "group-with-members",
    "two-authors-no-sender",
    "encoded-words-subject-and-name",
)
def test_envelope_is_the_parsed_header(mime_message: MessageFile, appended_message: Append) -> None:
    """ENVELOPE A parenthesized list that describes the envelope structure of a message.
    This is computed by the server by parsing the [RFC-2822] header into the component
    parts, defaulting various fields as necessary."""
    appended = appended_message(mime_message.octets)
    got = fetch_one(appended, "(ENVELOPE)").get(b"ENVELOPE")
    header = part_of(appended.stored, "HEADER") or b""
    comments = frozenset(text.strip() for text in _COMMENT.findall(header))
    faults = envelope_differences(imap_envelope(appended.stored), got, comments=comments)
    assert not faults, f"ENVELOPE of {mime_message.origin}:\n  " + "\n  ".join(faults)


@pytest.mark.rfc(3501, "6.4.5", "MUST")
@messages(*_NESTED)
def test_numbered_sections_are_the_parts_bodies(
    mime_message: MessageFile, appended_message: Append
) -> None:
    """Multipart messages are assigned consecutive part numbers, as they occur in the
    message.  If a particular part is of type message or multipart, its parts MUST be
    indicated by a period followed by the part number within that nested multipart part.
    """
    appended = appended_message(mime_message.octets)
    wrong = _wrong_sections(appended, _leaf_sections(appended.stored))
    assert not wrong, f"BODY[n] of {mime_message.origin} (expected, got): {shown(wrong)}"


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis="§6.4.5 defines the MIME part specifier so")
@messages(*_NESTED)
def test_mime_sections_are_the_parts_headers(
    mime_message: MessageFile, appended_message: Append
) -> None:
    """The MIME part specifier refers to the [MIME-IMB] header for this part."""
    appended = appended_message(mime_message.octets)
    sections = [number + ".MIME" for number in _nested_in_multipart(appended.stored)]
    wrong = _wrong_sections(appended, sections)
    assert not wrong, f"BODY[n.MIME] of {mime_message.origin} (expected, got): {shown(wrong)}"


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis="§6.4.5 defines HEADER and TEXT of a part so")
@messages("rfc822-in-mixed", "rfc822-three-deep", "digest-default-rfc822")
def test_header_and_text_of_an_encapsulated_message(
    mime_message: MessageFile, appended_message: Append
) -> None:
    """The HEADER, HEADER.FIELDS, and HEADER.FIELDS.NOT part specifiers refer to the
    [RFC-2822] header of the message or of an encapsulated [MIME-IMT] MESSAGE/RFC822
    message.

    And TEXT of such a part is the encapsulated message's body.
    """
    appended = appended_message(mime_message.octets)
    numbers = _rfc822_parts(appended.stored)
    if not numbers:
        pytest.skip(f"{mime_message.origin} has no message/rfc822 part")
    sections = [f"{n}.{which}" for n in numbers for which in ("HEADER", "TEXT")]
    wrong = _wrong_sections(appended, sections)
    where = f"BODY[n.HEADER] / [n.TEXT] of {mime_message.origin}"
    assert not wrong, f"{where} (expected, got): {shown(wrong)}"


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis="§6.4.5 defines HEADER.FIELDS matching so")
@messages("rfc822-in-mixed", "plain-ascii")
def test_header_fields_match_names_case_insensitively(
    mime_message: MessageFile, appended_message: Append
) -> None:
    """The field-matching is case-insensitive but otherwise exact.

    The names are asked for in another case than the message writes them, at the top and
    (where there is one) in an encapsulated message, with HEADER.FIELDS and .NOT.
    """
    appended = appended_message(mime_message.octets)
    specs = ["HEADER.FIELDS (fROM sUBJECT mime-VERSION)", "HEADER.FIELDS.NOT (DATE to)"]
    sections = specs + [f"{n}.{spec}" for n in _rfc822_parts(appended.stored) for spec in specs]
    wrong = _wrong_sections(appended, sections)
    assert not wrong, f"header subsets of {mime_message.origin} (expected, got): {shown(wrong)}"


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis="§6.4.5 defines partial fetches' origin and length")
@messages("nested-alternative-in-mixed", "rfc822-in-mixed")
def test_partial_fetch_of_a_section(mime_message: MessageFile, appended_message: Append) -> None:
    """It is possible to fetch a substring of the designated text.  This is done by
    appending an open angle bracket ("<"), the octet position of the first desired octet,
    a period, the maximum number of octets desired, and a close angle bracket (">") to the
    part specifier.

    Of a numbered part, of TEXT, and of a HEADER.FIELDS subset ("A substring fetch of a
    HEADER.FIELDS or HEADER.FIELDS.NOT part specifier is calculated after subsetting the
    header").
    """
    appended = appended_message(mime_message.octets)
    last = _leaf_sections(appended.stored)[-1]
    wrong = {}
    for section in (last, "TEXT", "HEADER.FIELDS (SUBJECT FROM)"):
        whole = part_of(appended.stored, section) or b""
        got = section_data(appended, section, "<3.9>")
        if got != whole[3:12]:
            wrong[f"{section}<3.9>"] = (whole[3:12], got)
    assert not wrong, f"partial fetches of {mime_message.origin} (expected, got): {shown(wrong)}"


@pytest.mark.rfc(3501, "9", "MUST")
@messages("rfc822-in-mixed", "nested-alternative-in-mixed", "two-authors-no-sender")
def test_structures_are_written_as_the_grammar_says(
    mime_message: MessageFile, appended_message: Append
) -> None:
    """Note: [ABNF] rules MUST be followed strictly; in particular:

    Bodies of a multipart follow each other with no SP between them (body-type-mpart =
    1*body SP media-subtype), as do the addresses of a list (env-to = "(" 1*address ")"
    / nil); "In all cases, SP refers to exactly one space".
    """
    appended = appended_message(mime_message.octets)
    faults = {item: grammar_fault(appended, item) for item in ("BODYSTRUCTURE", "BODY", "ENVELOPE")}
    broken = {item: fault for item, fault in faults.items() if fault is not None}
    assert not broken, f"{mime_message.origin}: not as RFC 3501 §9 writes them: {broken}"
