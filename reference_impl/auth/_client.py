"""Client-side SASL messages, for the harness and the reference clients.

All results are raw bytes; base64 framing is ``encode_sasl_base64``'s job.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["cram_md5_digest", "cram_md5_response", "login_responses", "plain_response"]


def plain_response(user: str, password: str, authzid: str = "") -> bytes:
    """The PLAIN message ``[authzid] NUL authcid NUL passwd`` (RFC 4616 §2).

    Raises ValueError if a field contains NUL, which the grammar forbids.
    """
    if "\0" in user or "\0" in password or "\0" in authzid:
        raise ValueError("PLAIN fields must not contain NUL (RFC 4616 §2)")
    return f"{authzid}\0{user}\0{password}".encode()


def cram_md5_digest(challenge: bytes, password: str) -> str:
    """HMAC-MD5 of the challenge keyed with the shared secret, lower-case hex (RFC 2195 §2)."""
    return hmac.new(password.encode(), challenge, hashlib.md5).hexdigest()


def cram_md5_response(challenge: bytes, user: str, password: str) -> bytes:
    """The CRAM-MD5 response ``user SP digest`` to a raw (decoded) challenge (RFC 2195 §2)."""
    return f"{user} {cram_md5_digest(challenge, password)}".encode()


def login_responses(user: str, password: str) -> tuple[bytes, bytes]:
    """The two LOGIN responses, to the "Username:" and the "Password:" challenge.

    LOGIN has no standard (draft-murchison-sasl-login); clients answer the two
    challenges in order whatever their text, and so does this helper.
    """
    return user.encode(), password.encode()
