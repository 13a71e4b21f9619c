"""Encoded words in header fields (RFC 2047): checked, and decoded where they may appear."""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Callable

from reference_impl.mime._kinds import MimeDefectKind

__all__ = ["ENCODED_WORD", "charset_known", "decode_words", "decoded_text"]

_K = MimeDefectKind
# encoded-word = "=?" charset "?" encoding "?" encoded-text "?=" (RFC 2047 §2); charset may
# carry "*language" (RFC 2231 §5)
ENCODED_WORD = re.compile(r"=\?([^?\s]*)\?([^?\s]*)\?([^?\s]*)\?=")
_B_TEXT = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
# Q: printable ASCII but '=', '?', SP; '=' only before two hex digits (RFC 2047 §4.2)
_Q_TEXT = re.compile(r"(?:[\x21-\x3c\x3e\x40-\x7e]|=[0-9A-Fa-f]{2})*")
_MAX_WORD = 75  # RFC 2047 §2
_OPENS = " \t(\"<,:;"
_CLOSES = " \t)\">,;"

Report = Callable[[MimeDefectKind, str], None]


def charset_known(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def decode_words(text: str, report: Report) -> str:
    """``text`` with its encoded words decoded, white space between adjacent ones dropped
    (RFC 2047 §6.2); a word that breaks a rule is reported and left as written."""
    out: list[str] = []
    pos = 0
    previous_decoded = False
    for match in ENCODED_WORD.finditer(text):
        gap = text[pos : match.start()]
        decoded = _decode_one(match, text, report)
        if not (previous_decoded and decoded is not None and gap.strip(" \t") == ""):
            out.append(gap)
        out.append(match.group() if decoded is None else decoded)
        previous_decoded = decoded is not None
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _decode_one(match: re.Match[str], text: str, report: Report) -> str | None:
    word = match.group()
    if len(word) > _MAX_WORD:
        report(_K.EW_TOO_LONG, word)
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    if before not in _OPENS or after not in _CLOSES:
        report(_K.EW_NOT_DELIMITED, word)
        return None
    charset, encoding, encoded = match.group(1).split("*", 1)[0], match.group(2), match.group(3)
    octets = _octets(encoding.upper(), encoded, word, report)
    if octets is None:
        return None
    if not charset_known(charset):
        report(_K.EW_UNKNOWN_CHARSET, word)
        return None
    return octets.decode(charset, "replace")


def _octets(encoding: str, encoded: str, word: str, report: Report) -> bytes | None:
    if encoding == "B":
        if not _B_TEXT.fullmatch(encoded):
            report(_K.EW_BAD_TEXT, word)
            return None
        return binascii.a2b_base64(encoded)
    if encoding == "Q":
        if not _Q_TEXT.fullmatch(encoded):
            report(_K.EW_BAD_TEXT, word)
            return None
        return binascii.a2b_qp(encoded.encode("ascii"), header=True)
    report(_K.EW_BAD_ENCODING, word)
    return None


def decoded_text(text: str) -> str:
    """``text`` with its valid encoded words decoded, faults ignored (for display)."""
    return decode_words(text, lambda kind, why: None)
