"""ENVELOPE, BODY, BODYSTRUCTURE and body sections exactly as RFC 3501 §7.4.2 / §6.4.5
(RFC 9051 §7.5.2 / §6.4.5) define them; expected values worked out by hand."""

from __future__ import annotations

from reference_impl.mime import imap_body_structure, imap_envelope, part_of

DATE = b"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"

# The message of RFC 3501 §8's sample FETCH, with a two-line body of 14 octets.
SIMPLE = (
    b"Date: " + DATE + b"\r\n"
    b"From: Terry Gray <gray@cac.washington.edu>\r\n"
    b"Subject: IMAP4rev1 WG mtg summary and minutes\r\n"
    b"To: imap@cac.washington.edu\r\n"
    b"cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n"
    b"Message-Id: <B27397-0100000@cac.washington.edu>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
    b"\r\n"
    b"Hello\r\nWorld\r\n"
)

MULTIPART = (
    b"From: a@example.com\r\n"
    b"Date: " + DATE + b"\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="XX"; foo=bar\r\n'
    b"Content-Language: en\r\n"
    b"\r\n"
    b"--XX\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-ID: <c1@example.com>\r\n"
    b"Content-Description: first part\r\n"
    b"\r\n"
    b"one\r\n"
    b"--XX\r\n"
    b'Content-Type: application/pdf; name="a b.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n"
    b'Content-Disposition: attachment; filename="a b.pdf"; size=3\r\n'
    b"Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
    b"Content-Language: en, de\r\n"
    b"Content-Location: http://example.com/a.pdf\r\n"
    b"\r\n"
    b"YWJj\r\n"
    b"--XX--\r\n"
)

INNER = (
    b"Subject: inner\r\n"
    b"From: =?utf-8?q?J=C3=B6rg?= <jo@example.com>\r\n"
    b"\r\n"
    b"inner body\r\n"
)
ENCAPSULATING = (
    b'From: "Smith, J." <j@example.com>\r\n'
    b"Sender: \r\n"
    b'To: Friends: a@example.com, "B" <b@example.com>;, c@example.com\r\n'
    b"Subject:\r\n"
    b"Date: " + DATE + b"\r\n"
    b"Message-ID: <m@example.com>\r\n"
    b"In-Reply-To: <p@example.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: message/rfc822\r\n"
    b"\r\n" + INNER
)


def test_envelope_of_the_rfc_sample() -> None:
    gray = [b"Terry Gray", None, b"gray", b"cac.washington.edu"]
    assert imap_envelope(SIMPLE) == [
        DATE,
        b"IMAP4rev1 WG mtg summary and minutes",
        [gray], [gray], [gray],
        [[None, None, b"imap", b"cac.washington.edu"]],
        [[None, None, b"minutes", b"CNRI.Reston.VA.US"],
         [b"John Klensin", None, b"KLENSIN", b"MIT.EDU"]],
        None,
        None,
        b"<B27397-0100000@cac.washington.edu>",
    ]


def test_body_of_a_text_message_counts_octets_and_lines() -> None:
    expected = [b"TEXT", b"PLAIN", [b"CHARSET", b"US-ASCII"], None, None, b"7BIT", 14, 2]
    assert imap_body_structure(SIMPLE, extensible=False) == expected
    assert imap_body_structure(SIMPLE, extensible=True) == [*expected, None, None, None, None]


def test_bodystructure_of_a_multipart_with_extension_data() -> None:
    text = [b"TEXT", b"PLAIN", [b"charset", b"utf-8"], b"<c1@example.com>", b"first part",
            b"7BIT", 3, 1]
    pdf = [b"APPLICATION", b"PDF", [b"name", b"a b.pdf"], None, None, b"BASE64", 4]
    assert imap_body_structure(MULTIPART, extensible=True) == [
        [*text, None, None, None, None],
        [*pdf, b"Q2hlY2sgSW50ZWdyaXR5IQ==",
         [b"ATTACHMENT", [b"filename", b"a b.pdf", b"size", b"3"]],
         [b"en", b"de"], b"http://example.com/a.pdf"],
        b"MIXED",
        [b"boundary", b"XX", b"foo", b"bar"], None, b"en", None,
    ]
    assert imap_body_structure(MULTIPART, extensible=False) == [text, pdf, b"MIXED"]


def test_encapsulated_message_has_envelope_body_and_lines() -> None:
    jorg = [[b"=?utf-8?q?J=C3=B6rg?=", None, b"jo", b"example.com"]]
    inner_envelope = [None, b"inner", jorg, jorg, jorg, None, None, None, None, None]
    inner_body = [b"TEXT", b"PLAIN", [b"CHARSET", b"US-ASCII"], None, None, b"7BIT", 12, 1]
    assert imap_body_structure(ENCAPSULATING, extensible=False) == [
        b"MESSAGE", b"RFC822", None, None, None, b"7BIT", 76, inner_envelope, inner_body, 4,
    ]


def test_envelope_groups_defaults_and_empty_fields() -> None:
    """Sender present but empty takes the from member; Subject present but empty is ""."""
    smith = [[b"Smith, J.", None, b"j", b"example.com"]]
    assert imap_envelope(ENCAPSULATING) == [
        DATE, b"", smith, smith, smith,
        [[None, None, b"Friends", None], [None, None, b"a", b"example.com"],
         [b"B", None, b"b", b"example.com"], [None, None, None, None],
         [None, None, b"c", b"example.com"]],
        None, None, b"<p@example.com>", b"<m@example.com>",
    ]


def test_sections_of_a_multipart() -> None:
    assert part_of(MULTIPART, "") == MULTIPART
    assert part_of(MULTIPART, "1") == b"one"
    assert part_of(MULTIPART, "2") == b"YWJj"
    assert part_of(MULTIPART, "1.MIME") == (
        b"Content-Type: text/plain; charset=utf-8\r\nContent-ID: <c1@example.com>\r\n"
        b"Content-Description: first part\r\n\r\n"
    )
    assert part_of(MULTIPART, "HEADER.FIELDS (date FROM)") == (
        b"From: a@example.com\r\nDate: " + DATE + b"\r\n\r\n"
    )
    assert part_of(MULTIPART, "HEADER.FIELDS.NOT (Date From MIME-Version Content-Type)") == (
        b"Content-Language: en\r\n\r\n"
    )
    assert part_of(MULTIPART, "TEXT") == MULTIPART[MULTIPART.index(b"--XX\r\n") :]
    assert part_of(MULTIPART, "3") is None
    assert part_of(MULTIPART, "1.HEADER") is None  # part 1 is not a message/rfc822


def test_sections_of_an_encapsulated_message() -> None:
    assert part_of(ENCAPSULATING, "1") == INNER
    assert part_of(ENCAPSULATING, "1.HEADER") == INNER[: INNER.index(b"inner body")]
    assert part_of(ENCAPSULATING, "1.TEXT") == b"inner body\r\n"
    assert part_of(ENCAPSULATING, "1.1") == b"inner body\r\n"
    assert part_of(SIMPLE, "1") == b"Hello\r\nWorld\r\n"


def test_header_of_a_message_without_body_has_no_blank_line() -> None:
    raw = b"From: a@example.com\r\nDate: " + DATE + b"\r\n"
    assert part_of(raw, "HEADER") == raw
    assert part_of(raw, "HEADER.FIELDS (From)") == b"From: a@example.com\r\n"
    assert imap_body_structure(raw, extensible=False) == [
        b"TEXT", b"PLAIN", [b"CHARSET", b"US-ASCII"], None, None, b"7BIT", 0, 0,
    ]
