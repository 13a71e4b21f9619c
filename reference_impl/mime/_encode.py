"""Writing header fields and bodies the strict parser accepts: folding (RFC 5322 §2.2.3),
encoded words (RFC 2047), parameter values and continuations (RFC 2045 §5.1, RFC 2231),
quoted-printable and base64 bodies (RFC 2045 §6.7, §6.8)."""

from __future__ import annotations

import base64
import re
import urllib.parse

__all__ = [
    "encode_base64",
    "encode_quoted_printable",
    "fold_field",
    "format_parameters",
    "phrase",
    "unstructured",
]

_FOLD_AT = 78  # RFC 5322 §2.1.1 SHOULD
_WORD_LINE = 76  # RFC 2047 §2: a line holding encoded words
_WORD_MAX = 75  # RFC 2047 §2
_WORD_OPEN = "=?utf-8?b?"
# A display name's words may follow a field name on the first line, which is not folded
# before its first word: 60 leaves room for "Resent-Sender: " within 76.
_PHRASE_WORD = 60
_TOKEN = re.compile(r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+")  # RFC 2045 §5.1
_ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\- ]+")  # atext and spaces: a plain phrase
_QP_SAFE = re.compile(rb"[^\x21-\x3c\x3e-\x7e \t]")
_ATTRIBUTE_CHAR = "!#$&+-.^_`{|}~"  # RFC 2231 §7 attribute-char punctuation kept unescaped
_SECTION = 40  # octets of one RFC 2231 section, so "; name*12*=" and it fit in 78


def fold_field(name: str, value: str) -> bytes:
    """``name: value`` CRLF, folded at white space so lines stay within 78 octets where the
    words allow (RFC 5322 §2.2.3); ``value`` must be US-ASCII."""
    lines = [f"{name}:"]
    for word in re.split(r"(?<=\S)(?=[ \t])", " " + value.strip(" \t")):
        limit = _WORD_LINE if "=?" in word else _FOLD_AT
        if len(lines[-1]) + len(word) > limit and lines[-1].strip() != f"{name}:":
            lines.append("")
        lines[-1] += word
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def unstructured(name: str, text: str) -> bytes:
    """An unstructured field; text that is not plain printable US-ASCII (or that looks like
    an encoded word) goes as RFC 2047 encoded words, each line within 76 octets."""
    if text.isascii() and text.isprintable() and "=?" not in text and text == text.strip():
        return fold_field(name, text)
    return _encoded_words(name, text)


def _encoded_words(name: str, text: str) -> bytes:
    """Words of at most 75 octets, each a whole number of characters (RFC 2047 §2, §5)."""
    lines = [f"{name}:"]
    chunk = ""
    for char in text:
        if len(_word(chunk + char)) > min(_WORD_MAX, _WORD_LINE - len(lines[-1]) - 1):
            if chunk:
                lines[-1] += " " + _word(chunk)
            lines.append("")
            chunk = ""
        chunk += char
    lines[-1] += " " + _word(chunk)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _word(text: str) -> str:
    return _WORD_OPEN + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def phrase(text: str) -> str:
    """A display name: atoms as they are, else a quoted-string, else encoded words (RFC 2047
    §5 (3)); for use inside an address field built with ``fold_field``."""
    if _ATOMS.fullmatch(text) and "=?" not in text and text == text.strip():
        return " ".join(text.split())
    if text.isascii() and text.isprintable() and "=?" not in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    words = [""]
    for char in text:
        if words[-1] and len(_word(words[-1] + char)) > _PHRASE_WORD:
            words.append("")
        words[-1] += char
    return " ".join(_word(chunk) for chunk in words)


def format_parameters(head: str, params: dict[str, str]) -> str:
    """``head`` followed by ``; name=value`` for each parameter: tokens bare, other ASCII
    quoted, long or non-ASCII values as RFC 2231 sections with charset utf-8."""
    pieces = [head]
    for name, value in params.items():
        if value.isascii() and value.isprintable() and len(value) <= _SECTION:
            pieces.append(f"{name}={_quoted(value)}")
        else:
            pieces.extend(_sections(name, value))
    return "; ".join(pieces)


def _quoted(value: str) -> str:
    if _TOKEN.fullmatch(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sections(name: str, value: str) -> list[str]:
    encoded = urllib.parse.quote(value, safe=_ATTRIBUTE_CHAR, encoding="utf-8")
    chunks: list[str] = []
    while encoded:
        cut = min(_SECTION, len(encoded))
        percent = encoded.rfind("%", max(0, cut - 2), cut)
        if percent != -1:
            cut = percent
        chunks.append(encoded[:cut])
        encoded = encoded[cut:]
    if len(chunks) == 1:
        return [f"{name}*=utf-8''{chunks[0]}"]
    first = [f"{name}*0*=utf-8''{chunks[0]}"]
    return first + [f"{name}*{i}*={chunk}" for i, chunk in enumerate(chunks[1:], 1)]


def encode_base64(data: bytes) -> bytes:
    """Base64 in lines of 76 characters, CRLF-ended (RFC 2045 §6.8)."""
    text = base64.b64encode(data)
    return b"".join(text[i : i + 76] + b"\r\n" for i in range(0, len(text), 76))


def encode_quoted_printable(data: bytes) -> bytes:
    """Quoted-printable with CRLF line breaks kept, all else within rules 1-5 (RFC 2045 §6.7)."""
    return b"\r\n".join(_qp_line(line) for line in data.split(b"\r\n"))


def _qp_line(line: bytes) -> bytes:
    encoded = _QP_SAFE.sub(lambda m: b"=%02X" % m.group()[0], line)
    if encoded[-1:] in (b" ", b"\t"):  # rule 3: no white space at a line's end
        encoded = encoded[:-1] + b"=%02X" % encoded[-1]
    pieces: list[bytes] = []
    while len(encoded) > 76:  # rule 5: soft breaks keep lines within 76
        cut = 75
        escape = encoded.rfind(b"=", cut - 2, cut)
        if escape != -1:
            cut = escape
        pieces.append(encoded[:cut] + b"=")
        encoded = encoded[cut:]
    pieces.append(encoded)
    return b"\r\n".join(pieces)
