"""Base64 framing of SASL messages, as the mail protocols carry them (RFC 4954 §4)."""

from __future__ import annotations

import base64
import binascii

__all__ = ["decode_sasl_base64", "encode_sasl_base64"]


def decode_sasl_base64(line: bytes) -> bytes | None:
    """Decode one client line; None if it is not valid base64.

    A trailing CRLF is ignored.  ``=`` decodes to an empty message: RFC 4954 §4 and
    RFC 4959 §3 send a zero-length initial response that way.  The cancel line ``*``
    (RFC 4954 §4) is not base64 and yields None: the protocol layer checks for it first.
    """
    data = line.removesuffix(b"\r\n")
    if data == b"=":
        return b""
    try:
        # strict_mode rejects characters outside the alphabet and data after padding,
        # which the default decoder would skip silently.
        return binascii.a2b_base64(data, strict_mode=True)
    except binascii.Error:
        return None


def encode_sasl_base64(data: bytes, *, initial_response: bool = False) -> bytes:
    """Encode ``data`` on one line without CRLF.

    With ``initial_response=True`` an empty message becomes ``=``, because an empty
    argument would mean "no initial response" (RFC 4954 §4, RFC 4959 §3).
    """
    if initial_response and not data:
        return b"="
    return base64.b64encode(data)
