"""Every way a message can depart from RFC 5322 and MIME, as one defect kind each.

The value of each member is the rule, with its RFC section, so a report can print it as is;
``level`` says how binding the rule is (RFC 2119).  Rules written as "MUST" or "must" in the
RFC, and grammar the text requires, are ``Level.MUST``; "SHOULD" rules are ``Level.SHOULD``.
"""

from __future__ import annotations

from reference_impl._defects import Level, RuleKind

__all__ = ["MimeDefectKind"]

_M = Level.MUST
_S = Level.SHOULD


class MimeDefectKind(RuleKind):
    """Departures from RFC 5322, RFC 2045-2047, RFC 2231, RFC 2183 and RFC 6532."""

    # Lines (RFC 5322 §2.1, §2.1.1, §2.3; RFC 2045 §2.7-2.8)
    BARE_CR = "CR not followed by LF: CR and LF MUST only occur together as CRLF (RFC 5322 §2.3)"
    BARE_LF = "LF not preceded by CR: CR and LF MUST only occur together as CRLF (RFC 5322 §2.3)"
    NUL = "NUL octet in a message: not allowed in text (RFC 5322 §2.3, RFC 2045 §2.7-2.8)"
    LINE_TOO_LONG = "line longer than 998 octets excluding CRLF (RFC 5322 §2.1.1)"
    LINE_OVER_78 = ("line longer than 78 octets excluding CRLF (RFC 5322 §2.1.1 SHOULD)", _S)

    # Header section (RFC 5322 §2.2, §2.2.3, §3.5, §3.6)
    HEADER_SYNTAX = "header line is neither 'name: value' nor a folded continuation (RFC 5322 §2.2)"
    HEADER_NAME = (
        "field name has octets outside printable US-ASCII 33-126 minus ':' (RFC 5322 "
        "§2.2)"
    )
    HEADER_FOLD_FIRST = (
        "first header line starts with white space, folding nothing (RFC 5322 "
        "§2.2.3)"
    )
    HEADER_WS_ONLY_LINE = (
        "folded header line made only of white space (RFC 5322 §4.2 obs-FWS; §4: MUST "
        "NOT generate)"
    )
    HEADER_CONTROL = "control octet in a header field body (RFC 5322 §2.2: printable US-ASCII, WSP)"
    HEADER_8BIT = "octet above 127 in a header field without RFC 6532 (RFC 5322 §2.2)"
    HEADER_BAD_UTF8 = "header octets above 127 that are not valid UTF-8 (RFC 6532 §3.1, §3.2)"
    MISSING_DATE = "no Date field: the origination date field is required (RFC 5322 §3.6)"
    MISSING_FROM = "no From field: the originator field is required (RFC 5322 §3.6)"
    DUPLICATE_FIELD = "field that may occur at most once occurs more than once (RFC 5322 §3.6)"
    MISSING_SENDER = "From has more than one mailbox and no Sender field (RFC 5322 §3.6.2)"
    MISSING_MESSAGE_ID = (
        "no Message-ID field (RFC 5322 §3.6.4: every message SHOULD have "
        "one)",
        _S,
    )
    NESTED_HEADERS_MISSING = (
        "message/rfc822 body has none of From, Subject, Date (RFC 2046 §5.2.1)"
    )

    # Structured fields (RFC 5322 §3.3, §3.4, §3.6.4, §4)
    DATE_SYNTAX = (
        "Date is not a date-time: [day ','] day month year hh:mm[:ss] zone (RFC 5322 "
        "§3.3)"
    )
    DATE_RANGE = "date-time value out of range or day-of-week not the date's (RFC 5322 §3.3)"
    DATE_OBSOLETE = (
        "obsolete date syntax (2-digit year or named zone) (RFC 5322 §4.3 MUST NOT "
        "generate)"
    )
    ADDRESS_SYNTAX = "address field is not a valid address-list (RFC 5322 §3.4, §3.4.1)"
    ADDRESS_COUNT = "Sender holds more than one address (RFC 5322 §3.6.2: exactly one mailbox)"
    MSG_ID_SYNTAX = "message identifier is not '<' id-left '@' id-right '>' (RFC 5322 §3.6.4)"

    # MIME header fields (RFC 2045 §4, §5, §6; RFC 2183 §2)
    MIME_VERSION_MISSING = "MIME header fields without MIME-Version in the message (RFC 2045 §4)"
    MIME_VERSION_SYNTAX = "MIME-Version is not '1.0' (comments aside) (RFC 2045 §4)"
    CONTENT_TYPE_SYNTAX = "Content-Type is not type '/' subtype *(';' parameter) (RFC 2045 §5.1)"
    PARAMETER_SYNTAX = "parameter is not attribute '=' (token / quoted-string) (RFC 2045 §5.1)"
    DISPOSITION_SYNTAX = "Content-Disposition is not type *(';' parameter) (RFC 2183 §2)"
    CTE_UNKNOWN = "Content-Transfer-Encoding is not a known mechanism or x-token (RFC 2045 §6.1)"
    CTE_NOT_ALLOWED = (
        "multipart or message/rfc822 encoded other than 7bit, 8bit or binary, or "
        "message/partial or external-body other than 7bit (RFC 2045 §6.4, RFC 2046 §5.2.1-5.2.3)"
    )

    # Bodies against their transfer encoding (RFC 2045 §2.7, §6.7, §6.8)
    BODY_8BIT_IN_7BIT = "octet above 127 in a 7bit body (RFC 2045 §2.7)"
    QP_LINE_TOO_LONG = "quoted-printable line longer than 76 characters (RFC 2045 §6.7 rule 5)"
    QP_BAD_ESCAPE = (
        "'=' in quoted-printable not followed by two hex digits or line end (RFC 2045 "
        "§6.7)"
    )
    QP_LOWERCASE_HEX = "quoted-printable hex digits in lower case (RFC 2045 §6.7 rule 1)"
    QP_LITERAL_OCTET = (
        "octet that quoted-printable must encode sent literally (RFC 2045 §6.7 rule "
        "2)"
    )
    QP_TRAILING_SPACE = "white space at the end of a quoted-printable line (RFC 2045 §6.7 rule 3)"
    BASE64_BAD_CHAR = "character outside the base64 alphabet in a base64 body (RFC 2045 §6.8)"
    BASE64_BAD_PADDING = (
        "base64 body not a whole number of 4-character groups / bad '=' (RFC 2045 "
        "§6.8)"
    )
    BASE64_LINE_TOO_LONG = "base64 line longer than 76 characters (RFC 2045 §6.8)"

    # Multipart (RFC 2046 §5.1)
    BOUNDARY_MISSING = "multipart Content-Type without a boundary parameter (RFC 2046 §5.1.1)"
    BOUNDARY_SYNTAX = "boundary not 1-70 bchars, or ends in a space (RFC 2046 §5.1.1)"
    BOUNDARY_IN_PART = (
        "line inside a part starts with the boundary delimiter (RFC 2046 §5.1.1: "
        "MUST NOT appear on a line by itself or as the prefix of any line)"
    )
    NO_FIRST_DELIMITER = "multipart body has no boundary delimiter line, no parts (RFC 2046 §5.1.1)"
    NO_CLOSE_DELIMITER = (
        "multipart body ends without its close delimiter '--boundary--' (RFC 2046 "
        "§5.1.1)"
    )
    TRANSPORT_PADDING = (
        "white space after a boundary delimiter (RFC 2046 §5.1.1: composers MUST NOT generate "
        "non-zero length transport padding)"
    )

    # Encoded words (RFC 2047) and parameter values (RFC 2231)
    EW_TOO_LONG = "encoded-word longer than 75 characters (RFC 2047 §2)"
    EW_LINE_TOO_LONG = "header line holding an encoded-word longer than 76 characters (RFC 2047 §2)"
    EW_BAD_ENCODING = "encoded-word encoding is neither B nor Q (RFC 2047 §4)"
    EW_BAD_TEXT = (
        "encoded-word text not valid for its encoding, or for a Q word in a phrase "
        "(RFC 2047 §4.1, §4.2, §5 (3))"
    )
    EW_UNKNOWN_CHARSET = ("encoded-word charset unknown here; left undecoded (RFC 2047 §6.2)", _S)
    EW_NOT_DELIMITED = "encoded-word not separated from adjacent text by white space (RFC 2047 §5)"
    EW_MISPLACED = (
        "encoded-word inside a quoted-string, addr-spec, msg-id or MIME parameter (RFC 2047 §5)"
    )
    RFC2231_SECTIONS = (
        "parameter continuations with a gap, a duplicate or a leading zero (RFC 2231 "
        "§3)"
    )
    RFC2231_ENCODING = "extended parameter value not charset'language'%XX-encoded (RFC 2231 §4)"
    RFC2231_UNKNOWN_CHARSET = (
        "RFC 2231 parameter charset unknown here; left undecoded (RFC 2231 "
        "§4)",
        _S,
    )

    # Limits of this parser: no RFC rule broken, but the rest is not examined
    NESTING_TOO_DEEP = ("MIME nesting deeper than this parser's limit; kept as one opaque part", _S)
