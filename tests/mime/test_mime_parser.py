"""The strict parser finds each departure from RFC 5322 / MIME it is meant to find, at the
right line, and nothing on a well-formed message; it never raises on garbage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_impl._defects import STRICT, DefectError, Level
from reference_impl.mime import MAX_DEPTH, MimeDefectKind, parse_message

K = MimeDefectKind

HEAD = (
    b"From: Joe <joe@example.com>\r\n"
    b"To: ann@example.org\r\n"
    b"Date: Thu, 3 Dec 2026 10:00:00 +0000\r\n"
    b"Message-ID: <1@example.com>\r\n"
    b"Subject: test\r\n"
)


def message(extra_head: bytes = b"", body: bytes = b"Hello.\r\n", head: bytes = HEAD) -> bytes:
    return head + extra_head + b"\r\n" + body


def mime(content_type: bytes, body: bytes, extra: bytes = b"") -> bytes:
    return message(b"MIME-Version: 1.0\r\nContent-Type: " + content_type + b"\r\n" + extra, body)


def kinds(raw: bytes, *, utf8: bool = False) -> set[MimeDefectKind]:
    return {d.kind for d in parse_message(raw, utf8=utf8).defects}  # type: ignore[misc]


def test_well_formed_message_has_no_defects() -> None:
    assert kinds(message()) == set()


def test_well_formed_multipart_has_no_defects_and_parts() -> None:
    raw = mime(
        b'multipart/mixed; boundary="b"',
        b"preamble\r\n--b\r\n\r\none\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>two</p>\r\n"
        b"--b--\r\nepilogue\r\n",
    )
    parsed = parse_message(raw)
    assert parsed.defects == ()
    one, two = parsed.root.parts
    assert (one.body, one.media_type) == (b"one", "text/plain")
    assert (two.body, two.media_type) == (b"<p>two</p>", "text/html")
    assert parsed.root.preamble == b"preamble"
    assert parsed.root.epilogue == b"epilogue\r\n"


# (what is wrong, the raw message, the defect kind it must produce) - each rule, its RFC section
CASES = [
    ("RFC 5322 §2.3 bare LF", message(body=b"a\nb\r\n"), K.BARE_LF),
    ("RFC 5322 §2.3 bare CR", message(body=b"a\rb\r\n"), K.BARE_CR),
    ("RFC 5322 §2.3 NUL", message(body=b"a\x00b\r\n"), K.NUL),
    ("RFC 5322 §2.1.1 998", message(body=b"x" * 999 + b"\r\n"), K.LINE_TOO_LONG),
    ("RFC 5322 §2.1.1 78", message(body=b"x" * 79 + b"\r\n"), K.LINE_OVER_78),
    ("RFC 5322 §2.2 syntax", message(b"not a field\r\n"), K.HEADER_SYNTAX),
    ("RFC 5322 §2.2 name", message(b"Bad Name: x\r\n"), K.HEADER_NAME),
    ("RFC 5322 §2.2.3 first fold", b" folded\r\n" + message(), K.HEADER_FOLD_FIRST),
    ("RFC 5322 §4.2 ws line", message(b"X-A: a\r\n \r\n b\r\n"), K.HEADER_WS_ONLY_LINE),
    ("RFC 5322 §2.2 control", message(b"X-A: a\x07b\r\n"), K.HEADER_CONTROL),
    ("RFC 5322 §2.2 8bit", message(b"Subject2: caf\xc3\xa9\r\n"), K.HEADER_8BIT),
    ("RFC 5322 §3.6 Date", message(head=HEAD.replace(b"Date", b"X-Date")), K.MISSING_DATE),
    ("RFC 5322 §3.6 From", message(head=HEAD.replace(b"From", b"X-From")), K.MISSING_FROM),
    ("RFC 5322 §3.6 once", message(b"Subject: again\r\n"), K.DUPLICATE_FIELD),
    ("RFC 5322 §3.6.2 Sender", message(b"From: a@b.example, c@d.example\r\n",
                                       head=HEAD.replace(b"From", b"X-F")), K.MISSING_SENDER),
    ("RFC 5322 §3.6.4 msg-id", message(head=HEAD.replace(b"Message-ID", b"X-M")),
     K.MISSING_MESSAGE_ID),
    ("RFC 5322 §3.3 syntax", message(head=HEAD.replace(b"10:00:00", b"10h")), K.DATE_SYNTAX),
    ("RFC 5322 §3.3 dow", message(head=HEAD.replace(b"Thu", b"Fri")), K.DATE_RANGE),
    ("RFC 5322 §3.3 day", message(head=HEAD.replace(b" 3 Dec", b" 32 Dec")), K.DATE_RANGE),
    ("RFC 5322 §4.3 zone", message(head=HEAD.replace(b"+0000", b"GMT")), K.DATE_OBSOLETE),
    ("RFC 5322 §3.4 address", message(head=HEAD.replace(b"ann@example.org", b"ann@")),
     K.ADDRESS_SYNTAX),
    ("RFC 5322 §3.6.2 Sender one", message(b"Sender: a@b.example, c@d.example\r\n"),
     K.ADDRESS_COUNT),
    ("RFC 5322 §3.6.4 id", message(head=HEAD.replace(b"<1@example.com>", b"1@x")),
     K.MSG_ID_SYNTAX),
    ("RFC 2045 §4 missing", message(b"Content-Type: text/plain\r\n"), K.MIME_VERSION_MISSING),
    ("RFC 2045 §4 value", message(b"MIME-Version: 2.0\r\n"), K.MIME_VERSION_SYNTAX),
    ("RFC 2045 §5.1 type", mime(b"text", b"x\r\n"), K.CONTENT_TYPE_SYNTAX),
    ("RFC 2045 §5.1 param", mime(b"text/plain; charset", b"x\r\n"), K.PARAMETER_SYNTAX),
    ("RFC 2183 §2", mime(b"text/plain", b"x\r\n", b"Content-Disposition: ;x\r\n"),
     K.DISPOSITION_SYNTAX),
    ("RFC 2045 §6.1", mime(b"text/plain", b"x\r\n", b"Content-Transfer-Encoding: 9bit\r\n"),
     K.CTE_UNKNOWN),
    ("RFC 2045 §6.4", mime(b'multipart/mixed; boundary="b"', b"--b\r\n\r\nx\r\n--b--\r\n",
                           b"Content-Transfer-Encoding: base64\r\n"), K.CTE_NOT_ALLOWED),
    ("RFC 2045 §2.7", mime(b"text/plain", b"caf\xc3\xa9\r\n"), K.BODY_8BIT_IN_7BIT),
    ("RFC 2045 §6.7 76", mime(b"text/plain", b"a" * 77 + b"\r\n",
                              b"Content-Transfer-Encoding: quoted-printable\r\n"),
     K.QP_LINE_TOO_LONG),
    ("RFC 2045 §6.7 =", mime(b"text/plain", b"a=ZZ\r\n",
                             b"Content-Transfer-Encoding: quoted-printable\r\n"), K.QP_BAD_ESCAPE),
    ("RFC 2045 §6.7 hex", mime(b"text/plain", b"a=c3=a9\r\n",
                               b"Content-Transfer-Encoding: quoted-printable\r\n"),
     K.QP_LOWERCASE_HEX),
    ("RFC 2045 §6.7 literal", mime(b"text/plain", b"caf\xc3\xa9\r\n",
                                   b"Content-Transfer-Encoding: quoted-printable\r\n"),
     K.QP_LITERAL_OCTET),
    ("RFC 2045 §6.7 trailing", mime(b"text/plain", b"a \r\n",
                                    b"Content-Transfer-Encoding: quoted-printable\r\n"),
     K.QP_TRAILING_SPACE),
    ("RFC 2045 §6.8 char", mime(b"text/plain", b"aGVs*bG8=\r\n",
                                b"Content-Transfer-Encoding: base64\r\n"), K.BASE64_BAD_CHAR),
    ("RFC 2045 §6.8 pad", mime(b"text/plain", b"aGVsbG8\r\n",
                               b"Content-Transfer-Encoding: base64\r\n"), K.BASE64_BAD_PADDING),
    ("RFC 2045 §6.8 76", mime(b"text/plain", b"QUFB" * 20 + b"\r\n",
                              b"Content-Transfer-Encoding: base64\r\n"), K.BASE64_LINE_TOO_LONG),
    ("RFC 2046 §5.1.1 no boundary", mime(b"multipart/mixed", b"x\r\n"), K.BOUNDARY_MISSING),
    ("RFC 2046 §5.1.1 71 chars", mime(b"multipart/mixed; boundary=" + b"b" * 71,
                                      b"--" + b"b" * 71 + b"\r\n\r\nx\r\n--" + b"b" * 71
                                      + b"--\r\n"), K.BOUNDARY_SYNTAX),
    ("RFC 2046 §5.1.1 prefix", mime(b"multipart/mixed; boundary=b",
                                    b"--b\r\n\r\n--bx\r\n--b--\r\n"), K.BOUNDARY_IN_PART),
    ("RFC 2046 §5.1.1 none", mime(b"multipart/mixed; boundary=b", b"x\r\n"),
     K.NO_FIRST_DELIMITER),
    ("RFC 2046 §5.1.1 close", mime(b"multipart/mixed; boundary=b", b"--b\r\n\r\nx\r\n"),
     K.NO_CLOSE_DELIMITER),
    ("RFC 2046 §5.1.1 padding", mime(b"multipart/mixed; boundary=b",
                                     b"--b \r\n\r\nx\r\n--b--\r\n"), K.TRANSPORT_PADDING),
    ("RFC 2046 §5.2.1", mime(b"message/rfc822", b"X-A: b\r\n\r\nx\r\n"),
     K.NESTED_HEADERS_MISSING),
    ("RFC 2047 §2 75", message(b"Subject2: =?utf-8?q?" + b"a" * 70 + b"?=\r\n"), K.EW_TOO_LONG),
    ("RFC 2047 §2 76 line", message(b"X-S: " + b"x " * 30 + b"=?utf-8?q?a?=\r\n"),
     K.EW_LINE_TOO_LONG),
    ("RFC 2047 §4", message(b"X-S: =?utf-8?x?a?=\r\n"), K.EW_BAD_ENCODING),
    ("RFC 2047 §4.1", message(b"X-S: =?utf-8?b?a?=\r\n"), K.EW_BAD_TEXT),
    ("RFC 2047 §6.2", message(b"X-S: =?no-such-set?q?a?=\r\n"), K.EW_UNKNOWN_CHARSET),
    ("RFC 2047 §5 delimited", message(b"X-S: a=?utf-8?q?a?=\r\n"), K.EW_NOT_DELIMITED),
    ("RFC 2047 §5 quoted", message(b'Cc: "=?utf-8?q?a?=" <a@b.example>\r\n'), K.EW_MISPLACED),
    ("RFC 2047 §5 param", mime(b'text/plain; name="=?utf-8?q?a?="', b"x\r\n"), K.EW_MISPLACED),
    ("RFC 2231 §3 gap", mime(b"text/plain; name*0=a; name*2=b", b"x\r\n"), K.RFC2231_SECTIONS),
    ("RFC 2231 §3 zero", mime(b"text/plain; name*0=a; name*01=b", b"x\r\n"),
     K.RFC2231_SECTIONS),
    ("RFC 2231 §4 %", mime(b"text/plain; name*=utf-8''a%zz", b"x\r\n"), K.RFC2231_ENCODING),
    ("RFC 2231 §4 charset", mime(b"text/plain; name*=nope''a", b"x\r\n"),
     K.RFC2231_UNKNOWN_CHARSET),
]


@pytest.mark.parametrize(("raw", "kind"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_is_found(raw: bytes, kind: MimeDefectKind) -> None:
    assert kind in kinds(raw)


def test_every_kind_but_the_utf8_and_depth_ones_has_a_case() -> None:
    covered = {case[2] for case in CASES}
    assert set(K) - covered == {K.HEADER_BAD_UTF8, K.NESTING_TOO_DEEP}


def test_utf8_headers_allowed_only_under_rfc_6532() -> None:
    raw = message(b"Subject2: caf\xc3\xa9\r\n")
    assert kinds(raw, utf8=True) == set()
    assert kinds(message(b"Subject2: caf\xe9\r\n"), utf8=True) == {K.HEADER_BAD_UTF8}


def test_defect_lines_are_those_of_the_file() -> None:
    raw = message(b"X-A: ok\r\nBad Name: x\r\n", body=b"ok\r\nbad\nline\r\n")
    by_kind = {d.kind: d.line for d in parse_message(raw).defects}
    assert by_kind[K.HEADER_NAME] == 7
    assert by_kind[K.BARE_LF] == 10


def test_levels_follow_the_rfc_words() -> None:
    assert K.LINE_OVER_78.level is Level.SHOULD
    assert K.LINE_TOO_LONG.level is Level.MUST
    assert parse_message(message(body=b"x" * 80 + b"\r\n")).breaks_must is False


def test_digest_parts_default_to_message_rfc822() -> None:
    """RFC 2046 §5.1.5: in a digest the default Content-Type is message/rfc822."""
    raw = mime(b"multipart/digest; boundary=d",
               b"--d\r\n\r\nFrom: a@b.example\r\nSubject: s\r\n\r\nbody\r\n--d--\r\n")
    parsed = parse_message(raw)
    assert parsed.defects == ()
    (part,) = parsed.root.parts
    assert part.media_type == "message/rfc822"
    assert part.message is not None and part.message.body == b"body"


def test_missing_content_type_means_text_plain_us_ascii() -> None:
    """RFC 2045 §5.2: default and invalid Content-Type are text/plain; charset=us-ascii."""
    assert parse_message(message()).root.content_type.params == {"charset": "us-ascii"}
    invalid = parse_message(mime(b"text", b"x\r\n")).root
    assert invalid.media_type == "text/plain"


def test_bodies_are_decoded_per_transfer_encoding() -> None:
    qp = mime(b"text/plain", b"caf=C3=A9 =\r\nsoft\r\n",
              b"Content-Transfer-Encoding: quoted-printable\r\n")
    assert parse_message(qp).root.body == "café soft\r\n".encode()
    b64 = mime(b"text/plain", b"aGVs\r\nbG8=\r\n", b"Content-Transfer-Encoding: base64\r\n")
    assert parse_message(b64).root.body == b"hello"


def test_deep_nesting_is_bounded_and_reported() -> None:
    depth = MAX_DEPTH + 10
    body = b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
        for i in range(depth)
    )
    raw = mime(b"multipart/mixed; boundary=b0", body + b"--b%d--\r\n" % depth)
    assert K.NESTING_TOO_DEEP in kinds(raw)


def test_strict_policy_raises_at_the_first_defect() -> None:
    with pytest.raises(DefectError) as caught:
        parse_message(message(body=b"a\nb"), policy=STRICT)
    assert caught.value.defect.kind is K.BARE_LF


def test_garbage_evidence_is_escaped() -> None:
    raw = message(b"X-A: \x1b[31mred\r\n")
    detail = next(d.detail for d in parse_message(raw).defects if d.kind is K.HEADER_CONTROL)
    assert "\x1b" not in detail and "\\x1b" in detail


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_octets_never_raise(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert all(isinstance(d.kind, MimeDefectKind) for d in parsed.defects)


_PIECES = st.sampled_from([
    b"\r\n", b"\n", b"\r", b"--b\r\n", b"--b--\r\n",
    b"Content-Type: multipart/mixed; boundary=b\r\n",
    b"Content-Type: message/rfc822\r\n", b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n", b"=?utf-8?q?a=?=", b"=ZZ", b"(",
    b'"', b"<", b"@", b":", b";", b" ", b"\x00", b"\xff", b"name*0*=x'y'%", b"From: ",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60))
def test_structured_garbage_never_raises(pieces: list[bytes]) -> None:
    parsed = parse_message(b"".join(pieces))
    for entity in parsed.root.walk():
        assert entity.offset <= entity.body_offset <= entity.end
