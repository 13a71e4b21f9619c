"""The IMAP views of a message: ENVELOPE and BODY / BODYSTRUCTURE (RFC 3501 §7.4.2,
RFC 9051 §7.5.2), as plain values an IMAP serializer writes out.

``ImapValue``: None is NIL, int a number, bytes a string (quoted or literal, the serializer
chooses), list a parenthesised list.  Strings come from the header as sent (unfolded; RFC 2047
words and RFC 2822 quoting left as they are, as the RFC's examples show), except where the
RFC asks to remove quoting (addr-name, addr-mailbox).  Media type, subtype and transfer
encoding are upper-cased as in the RFC's examples; IMAP compares them case-insensitively
(RFC 3501 §9 note 1).
"""

from __future__ import annotations

from reference_impl.mime._addresses import Group, Mailbox, parse_address_list
from reference_impl.mime._params import MimeValue
from reference_impl.mime._parser import parse_message
from reference_impl.mime._tree import Entity

__all__ = ["ImapValue", "body_structure", "envelope", "imap_body_structure", "imap_envelope"]

ImapValue = None | int | bytes | list["ImapValue"]

_ENVELOPE_ADDRESSES = ("from", "sender", "reply-to", "to", "cc", "bcc")
# An empty multipart still needs one body (RFC 3501 §9: body-type-mpart = 1*body SP subtype).
_EMPTY_PART: list[ImapValue] = [b"TEXT", b"PLAIN", [b"CHARSET", b"US-ASCII"], None, None,
                                b"7BIT", 0, 0]


def imap_envelope(raw: bytes) -> ImapValue:
    """ENVELOPE of the message ``raw``."""
    return envelope(parse_message(raw).root)


def imap_body_structure(raw: bytes, *, extensible: bool) -> ImapValue:
    """BODYSTRUCTURE (``extensible``) or BODY (not) of the message ``raw``."""
    return body_structure(parse_message(raw).root, extensible=extensible)


def envelope(message: Entity) -> ImapValue:
    """date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id."""
    addresses = {name: _address_list(message, name) for name in _ENVELOPE_ADDRESSES}
    for defaulted in ("sender", "reply-to"):  # absent or empty: the from member
        if addresses[defaulted] is None:
            addresses[defaulted] = addresses["from"]
    return [
        _field_string(message, "date"),
        _field_string(message, "subject"),
        *(addresses[name] for name in _ENVELOPE_ADDRESSES),
        _field_string(message, "in-reply-to"),
        _field_string(message, "message-id"),
    ]


def _field_string(entity: Entity, name: str) -> bytes | None:
    """The field's unfolded value as sent; NIL when absent, "" when present but empty."""
    header = entity.get(name)
    return None if header is None else header.value.strip(b" \t")


def _address_list(message: Entity, name: str) -> ImapValue:
    header = message.get(name)
    if header is None:
        return None
    addresses, _ = parse_address_list(header.value.decode("utf-8", "surrogateescape"))
    out: list[ImapValue] = []
    for address in addresses:
        if isinstance(address, Group):
            out.append([None, None, _octets(address.name), None])  # start of group
            out.extend(_address(member) for member in address.members)
            out.append([None, None, None, None])  # end of group
        else:
            out.append(_address(address))
    return out or None


def _address(mailbox: Mailbox) -> ImapValue:
    name = _octets(mailbox.name) if mailbox.name is not None else None
    route = _octets(mailbox.route) if mailbox.route is not None else None
    return [name, route, _octets(mailbox.local), _octets(mailbox.domain)]


def _octets(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def body_structure(entity: Entity, *, extensible: bool) -> ImapValue:
    """The body structure of ``entity`` (a message or a body part)."""
    if entity.content_type.main == "multipart":
        return _multipart(entity, extensible=extensible)
    return _single(entity, extensible=extensible)


def _multipart(entity: Entity, *, extensible: bool) -> ImapValue:
    children: list[ImapValue] = [body_structure(p, extensible=extensible) for p in entity.parts]
    out: list[ImapValue] = children or [list(_EMPTY_PART)]
    out.append(_octets(entity.content_type.sub.upper()))
    if extensible:
        out.append(_parameters(entity.content_type))
        out.extend(_disposition_language_location(entity))
    return out


def _single(entity: Entity, *, extensible: bool) -> ImapValue:
    kind = entity.content_type
    out: list[ImapValue] = [
        _octets(kind.main.upper()),
        _octets(kind.sub.upper()),
        _parameters(kind),
        _field_string(entity, "content-id"),
        _field_string(entity, "content-description"),
        _octets(entity.transfer_encoding.upper()),
        len(entity.raw_body),
    ]
    if entity.message is not None:
        out.append(envelope(entity.message))
        out.append(body_structure(entity.message, extensible=extensible))
        out.append(_lines(entity.raw_body))
    elif kind.main == "text":
        out.append(_lines(entity.raw_body))
    if extensible:
        out.append(_field_string(entity, "content-md5"))
        out.extend(_disposition_language_location(entity))
    return out


def _lines(body: bytes) -> int:
    """Text lines of a body as sent, counted by their line ends.  A body part's last line
    has none (its CRLF belongs to the next delimiter, RFC 2046 §5.1.1) and is not counted,
    as Dovecot counts: RFC 3501 leaves that case open."""
    return body.count(b"\n")


def _parameters(value: MimeValue) -> ImapValue:
    """body-fld-param: ("attr" "value" ...) as written, or NIL when there are none."""
    flat: list[ImapValue] = []
    for name, text in value.written:
        flat.extend((_octets(name), _octets(text)))
    return flat or None


def _disposition_language_location(entity: Entity) -> list[ImapValue]:
    disposition: ImapValue = None
    if entity.disposition is not None:
        disposition = [_octets(entity.disposition.main.upper()), _parameters(entity.disposition)]
    return [disposition, _language(entity), _field_string(entity, "content-location")]


def _language(entity: Entity) -> ImapValue:
    """body-fld-lang: one tag as a string, several as a list (RFC 3501 §9), NIL if absent."""
    header = entity.get("content-language")
    if header is None:
        return None
    tags: list[ImapValue] = [
        _octets(tag.strip()) for tag in header.text.split(",") if tag.strip()
    ]
    return tags[0] if len(tags) == 1 else (tags or None)
