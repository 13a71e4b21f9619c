"""Deliberately broken IMAP and POP3 server cores that mishandle the messages they hold:
each breaks one rule the MIME suite checks when it reads messages back (RFC 3501 §6.4.5,
§7.4.2; RFC 1939 §7).

The IMAP cores rewrite what the reference core sends: a FETCH item, or the octets of a
literal after a given section name (its length announced anew), so the rest of the
conversation stays correct.  ``EmbeddedServers(cores={"imap": ...})`` serves them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reference_impl.imap import ServerConnection as ImapConnection
from reference_impl.pop3 import ServerConnection as Pop3Connection

__all__ = ["BROKEN_ACCESS"]

Rewrite = Callable[[bytes], bytes]


def _rewrite_literals(data: bytes, section: bytes, change: Rewrite) -> bytes:
    """``data`` with the literal after each ``section`` (a regex of the item name before
    " {n}") replaced by ``change(literal)``, its octet count written anew."""
    pattern = re.compile(rb"(" + section + rb") \{([0-9]+)\}\r\n")
    out, at = bytearray(), 0
    for found in pattern.finditer(data):
        if found.start() < at:
            continue
        start = found.end()
        literal = data[start : start + int(found.group(2))]
        changed = change(literal)
        out += data[at : found.start()] + found.group(1) + b" {%d}\r\n" % len(changed) + changed
        at = start + len(literal)
    return bytes(out + data[at:])


class _Rewriting(ImapConnection):
    def data_to_send(self) -> bytes:
        return self.rewrite(super().data_to_send())

    def rewrite(self, data: bytes) -> bytes:
        raise NotImplementedError


class HeaderNameUpperCased(_Rewriting):
    """§6.4.5: BODY[] is not the message stored: a Subject field's name is upper-cased
    (a store that "normalizes" header field names)."""

    def rewrite(self, data: bytes) -> bytes:
        return _rewrite_literals(
            data, rb"BODY\[\]", lambda text: text.replace(b"Subject:", b"SUBJECT:", 1)
        )


class SizeCountsLfOnly(_Rewriting):
    """§7.4.2: RFC822.SIZE one short of the octets BODY[] returns (a size counted
    before the last CRLF was added)."""

    def rewrite(self, data: bytes) -> bytes:
        return re.sub(
            rb"RFC822\.SIZE ([0-9]+)", lambda m: b"RFC822.SIZE %d" % (int(m.group(1)) - 1), data
        )


class BodySizesDecoded(_Rewriting):
    """§7.4.2: body-fld-octets of 7BIT parts one more than the part's octets (a size
    taken with the delimiter's CRLF), in BODY and BODYSTRUCTURE alike."""

    def rewrite(self, data: bytes) -> bytes:
        return re.sub(rb'"7BIT" ([0-9]+)', lambda m: b'"7BIT" %d' % (int(m.group(1)) + 1), data)


class EnvelopeMailboxUpperCased(_Rewriting):
    """§7.4.2: the mailbox name of each ENVELOPE address upper-cased (a local part is
    case-sensitive, RFC 5321 §2.4)."""

    _ADDRESS = re.compile(rb'\((NIL|"[^"]*") NIL "([^"]+)" "')

    def rewrite(self, data: bytes) -> bytes:
        if b"ENVELOPE (" not in data:
            return data
        return self._ADDRESS.sub(
            lambda m: b"(" + m.group(1) + b' NIL "' + m.group(2).upper() + b'" "', data
        )


class PartBodyWithDelimiterCrlf(_Rewriting):
    """§6.4.5: BODY[n] ends with the CRLF that belongs to the next boundary delimiter
    (RFC 2046 §5.1.1)."""

    def rewrite(self, data: bytes) -> bytes:
        return _rewrite_literals(data, rb"BODY\[[0-9.]*[0-9]\]", lambda text: text + b"\r\n")


class MimeHeaderWithoutBlankLine(_Rewriting):
    """§6.4.5: BODY[n.MIME] without the empty line that ends the part's header."""

    def rewrite(self, data: bytes) -> bytes:
        return _rewrite_literals(
            data, rb"BODY\[[0-9.]+\.MIME\]", lambda text: text.removesuffix(b"\r\n")
        )


class EncapsulatedSectionsCut(_Rewriting):
    """§6.4.5: n.HEADER and n.TEXT of a message/rfc822 part lose their last line end."""

    def rewrite(self, data: bytes) -> bytes:
        return _rewrite_literals(data, rb"BODY\[[0-9.]+\.(?:HEADER|TEXT)\]", lambda text: text[:-2])


class HeaderFieldsCaseSensitive(_Rewriting):
    """§6.4.5: HEADER.FIELDS matches the names case-sensitively, so names asked for in
    another case than the message's find nothing (only the blank line comes back)."""

    def rewrite(self, data: bytes) -> bytes:
        return _rewrite_literals(
            data, rb"BODY\[(?:[0-9.]+\.)?HEADER\.FIELDS \([^)]*\)\]", lambda text: b"\r\n"
        )


class PartialOneOctetLate(_Rewriting):
    """§6.4.5: a partial fetch starts one octet after the origin asked for."""

    def rewrite(self, data: bytes) -> bytes:
        return _rewrite_literals(data, rb"BODY\[[^\]]*\]<[0-9]+>", lambda text: text[1:] + b"x")


class BodiesSpacedApart(_Rewriting):
    """§9: a SP between the bodies of a multipart and between the addresses of a list
    (``("TEXT" ...) ("TEXT" ...)``), where the grammar has none."""

    def rewrite(self, data: bytes) -> bytes:
        if b"{" in data:  # literals (message text) are left alone
            return data
        return data.replace(b')("', b') ("').replace(b")(NIL", b") (NIL")


class RetrDropsTrailingBlankLines(Pop3Connection):
    """RFC 1939 §7: RETR sends the message without the empty lines at its end."""

    def message_loaded(self, data: bytes) -> None:
        if self._session.top_lines is None:
            data = data.rstrip(b"\r\n") + b"\r\n"
        super().message_loaded(data)


_CROSS = "test_rfc5321_cross_protocol.py"
_STRUCTURE = "test_rfc3501_message_structure.py"


def _all(test: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{test}[{name}]" for name in names)


# Each broken core, the protocol it serves, and the suite tests (below suites/mime/) that
# must fail on it.
BROKEN_ACCESS: dict[type, tuple[str, tuple[str, ...]]] = {
    HeaderNameUpperCased: (
        "imap",
        (
            f"{_CROSS}::test_data_then_imap_fetch_is_unchanged_below_the_trace_fields",
            f"{_CROSS}::test_bdat_then_imap_fetch_is_unchanged_below_the_trace_fields",
            f"{_CROSS}::test_append_then_fetch_is_unchanged",
            f"{_CROSS}::test_8bitmime_body_keeps_every_bit_through_imap",
            f"{_CROSS}::test_received_fields_added_are_time_stamp_lines",
            f"{_CROSS}::test_return_path_added_is_a_return_path_line",
        ),
    ),
    SizeCountsLfOnly: ("imap", (f"{_STRUCTURE}::test_rfc822_size_is_the_octets_of_the_message",)),
    BodySizesDecoded: (
        "imap",
        (
            f"{_STRUCTURE}::test_bodystructure_describes_the_mime_structure",
            f"{_STRUCTURE}::test_body_is_the_structure_without_extension_data",
        ),
    ),
    EnvelopeMailboxUpperCased: ("imap", (f"{_STRUCTURE}::test_envelope_is_the_parsed_header",)),
    PartBodyWithDelimiterCrlf: (
        "imap",
        (f"{_STRUCTURE}::test_numbered_sections_are_the_parts_bodies",),
    ),
    MimeHeaderWithoutBlankLine: (
        "imap",
        (f"{_STRUCTURE}::test_mime_sections_are_the_parts_headers",),
    ),
    EncapsulatedSectionsCut: (
        "imap",
        (f"{_STRUCTURE}::test_header_and_text_of_an_encapsulated_message",),
    ),
    HeaderFieldsCaseSensitive: (
        "imap",
        (f"{_STRUCTURE}::test_header_fields_match_names_case_insensitively",),
    ),
    PartialOneOctetLate: ("imap", (f"{_STRUCTURE}::test_partial_fetch_of_a_section",)),
    BodiesSpacedApart: (
        "imap",
        (f"{_STRUCTURE}::test_structures_are_written_as_the_grammar_says",),
    ),
    RetrDropsTrailingBlankLines: (
        "pop3",
        _all(
            f"{_CROSS}::test_data_then_pop3_retr_is_unchanged_below_the_trace_fields",
            "dot-lines-and-998",
        ),
    ),
}
