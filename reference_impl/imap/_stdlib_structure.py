"""ENVELOPE and BODYSTRUCTURE (RFC 9051 §7.5.2) from the standard library's header
parsing and ``_mime_parts``: the stand-in behind ``_structure`` until the reference MIME
engine provides them."""

from __future__ import annotations

import email.headerregistry
import email.policy
import re

from reference_impl.imap._mime_parts import Part, parse_part
from reference_impl.imap._values import ImapValue

__all__ = ["imap_body_structure", "imap_envelope"]

_FOLD = re.compile(rb"\r?\n(?=[ \t])")
_REGISTRY = email.headerregistry.HeaderRegistry()


def _field(part: Part, name: str) -> bytes | None:
    """The raw value of the first ``name`` field, unfolded, or None."""
    raw = part.fields.get(name)
    if raw is None:
        return None
    value = str(raw).encode("utf-8", "surrogateescape")
    return _FOLD.sub(b"", value).strip()


def _addresses(part: Part, name: str) -> ImapValue:
    """An envelope address list: (name adl mailbox host) each; a group is framed by
    (NIL NIL group NIL) and (NIL NIL NIL NIL) (RFC 9051 §7.5.2)."""
    raw = _field(part, name)
    if not raw:
        return None
    try:
        header = _REGISTRY(name, raw.decode("utf-8", "replace"))
        groups = header.groups  # type: ignore[attr-defined]
    except (AttributeError, IndexError, ValueError):
        return None
    out: list[ImapValue] = []
    for group in groups:
        if group.display_name is not None:
            out.append([None, None, group.display_name.encode(), None])
        out += [_address(address) for address in group.addresses]
        if group.display_name is not None:
            out.append([None, None, None, None])
    return out or None


def _address(address: email.headerregistry.Address) -> ImapValue:
    name = address.display_name.encode() if address.display_name else None
    return [name, None, address.username.encode(), address.domain.encode() or None]


def imap_envelope(raw: bytes) -> ImapValue:
    return _envelope(parse_part(raw))


def _envelope(part: Part) -> ImapValue:
    sender = _addresses(part, "From")
    return [
        _field(part, "Date"),
        _field(part, "Subject"),
        sender,
        _addresses(part, "Sender") or sender,  # RFC 9051 §7.5.2: default to From
        _addresses(part, "Reply-To") or sender,
        _addresses(part, "To"),
        _addresses(part, "Cc"),
        _addresses(part, "Bcc"),
        _field(part, "In-Reply-To"),
        _field(part, "Message-ID"),
    ]


def imap_body_structure(raw: bytes, *, extensible: bool) -> ImapValue:
    return _structure(parse_part(raw), extensible)


def _params(part: Part) -> ImapValue:
    params = part.fields.get_params(header="content-type") or []
    pairs: list[ImapValue] = []
    for key, value in params[1:]:
        text = value if isinstance(value, str) else email.utils.collapse_rfc2231_value(value)
        pairs += [key.upper().encode(), text.encode("utf-8", "replace")]
    return pairs or None


def _disposition(part: Part) -> ImapValue:
    value = part.fields.get("Content-Disposition")
    if value is None:
        return None
    params = part.fields.get_params(header="content-disposition") or []
    pairs: list[ImapValue] = []
    for key, item in params[1:]:
        text = item if isinstance(item, str) else email.utils.collapse_rfc2231_value(item)
        pairs += [key.upper().encode(), text.encode("utf-8", "replace")]
    kind = str(value).split(";", 1)[0].strip().encode() or b"attachment"
    return [kind.upper(), pairs or None]


def _structure(part: Part, extensible: bool) -> ImapValue:
    maintype, _, subtype = part.content_type.partition("/")
    if part.is_multipart and part.children:
        children = [_structure(child, extensible) for child in part.children]
        out: list[ImapValue] = [*children, subtype.upper().encode()]
        if extensible:
            out += [
                _params(part),
                _disposition(part),
                _field(part, "Content-Language"),
                _field(part, "Content-Location"),
            ]
        return out
    encoding = (_field(part, "Content-Transfer-Encoding") or b"7BIT").upper()
    fields: list[ImapValue] = [
        maintype.upper().encode(),
        subtype.upper().encode(),
        _params(part),
        _field(part, "Content-ID"),
        _field(part, "Content-Description"),
        encoding,
        len(part.body),
    ]
    if part.is_message:
        inner = part.children[0]
        fields += [_envelope(inner), _structure(inner, extensible)]
    if maintype == "text" or part.is_message:
        fields.append(
            part.body.count(b"\n") + (0 if part.body.endswith(b"\n") or not part.body else 1)
        )
    if extensible:
        fields += [
            _field(part, "Content-MD5"),
            _disposition(part),
            _field(part, "Content-Language"),
            _field(part, "Content-Location"),
        ]
    return fields
