"""Where ENVELOPE and BODYSTRUCTURE come from: the reference MIME engine, whose values
are the ``ImapValue`` this package serializes (RFC 9051 §7.5.2).

Their wire form is not ``serialize``'s one SP between list items everywhere: the §9
grammar puts the bodies of a multipart side by side (body-type-mpart = 1*body SP
media-subtype) and the addresses of an address list too (env-from = "(" 1*address ")" /
nil), as the examples of RFC 3501 §7.4.2 show: ``(("TEXT" ...)("TEXT" ...) "MIXED")``.
"""

from __future__ import annotations

from reference_impl.imap._values import ImapValue, serialize
from reference_impl.mime import imap_body_structure, imap_envelope

__all__ = ["body_structure_wire", "envelope_wire", "imap_body_structure", "imap_envelope"]

_ADDRESS_FIELDS = range(2, 8)  # from, sender, reply-to, to, cc, bcc
_ENCAPSULATED = 7  # of a message/rfc822 body: envelope, then body, then lines


def envelope_wire(raw: bytes) -> bytes:
    """ENVELOPE of the message ``raw`` as the §9 grammar writes it."""
    return _envelope(imap_envelope(raw))


def body_structure_wire(raw: bytes, *, extensible: bool) -> bytes:
    """BODYSTRUCTURE (``extensible``) or BODY of the message ``raw`` on the wire."""
    return _body(imap_body_structure(raw, extensible=extensible))


def _envelope(value: ImapValue) -> bytes:
    assert isinstance(value, list)
    fields = [
        _address_list(item) if index in _ADDRESS_FIELDS else serialize(item)
        for index, item in enumerate(value)
    ]
    return b"(" + b" ".join(fields) + b")"


def _address_list(value: ImapValue) -> bytes:
    if not isinstance(value, list):
        return serialize(value)
    return b"(" + b"".join(serialize(address) for address in value) + b")"


def _body(value: ImapValue) -> bytes:
    assert isinstance(value, list)
    bodies = next((i for i, item in enumerate(value) if not isinstance(item, list)), len(value))
    if bodies:  # a multipart: its bodies side by side, then SP and the rest
        rest = b" ".join(serialize(item) for item in value[bodies:])
        return b"(" + b"".join(_body(body) for body in value[:bodies]) + b" " + rest + b")"
    fields = [serialize(item) for item in value]
    if _is_message(value):
        fields[_ENCAPSULATED] = _envelope(value[_ENCAPSULATED])
        fields[_ENCAPSULATED + 1] = _body(value[_ENCAPSULATED + 1])
    return b"(" + b" ".join(fields) + b")"


def _is_message(value: list[ImapValue]) -> bool:
    """A message/rfc822 body: type-specific fields envelope, body, lines (§7.4.2)."""
    kind = value[:2]
    return (
        len(value) > _ENCAPSULATED + 2
        and all(isinstance(word, bytes) for word in kind)
        and [bytes(word).upper() for word in kind if isinstance(word, bytes)]
        == [b"MESSAGE", b"RFC822"]
    )
