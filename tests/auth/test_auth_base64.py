"""Base64 framing of SASL messages (RFC 4954 §4, RFC 4959 §3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_impl.auth import decode_sasl_base64, encode_sasl_base64


@given(st.binary())
def test_round_trip(data: bytes) -> None:
    assert decode_sasl_base64(encode_sasl_base64(data)) == data
    assert decode_sasl_base64(encode_sasl_base64(data, initial_response=True)) == data
    assert decode_sasl_base64(encode_sasl_base64(data) + b"\r\n") == data


def test_empty_initial_response_is_equals_sign() -> None:
    assert encode_sasl_base64(b"", initial_response=True) == b"="
    assert encode_sasl_base64(b"") == b""
    assert decode_sasl_base64(b"=") == b""
    assert decode_sasl_base64(b"") == b""


@pytest.mark.parametrize(
    "line", [b"*", b"abc", b"ab cd", b"YWJj!", b"YQ==YQ==", b"=YWJj", b"YW\nJj", b"\xff\xfe"]
)
def test_invalid_base64_is_none(line: bytes) -> None:
    assert decode_sasl_base64(line) is None
