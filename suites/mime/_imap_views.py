"""The IMAP views of a message as a server returns them, compared with the reference parse.

``fetch_one`` reads one message's FETCH data; ``body_differences`` and
``envelope_differences`` compare a BODY / BODYSTRUCTURE / ENVELOPE the server returned
with the one ``reference_impl.mime`` computes, only where RFC 3501 fixes the value:

- media type, subtype, transfer encoding, parameter and disposition names, and the
  charset value are compared case-insensitively (RFC 2045 §5.1, §6.1; RFC 2046 §4.1.2);
  other parameter values exactly; parameters as a set (their order carries nothing);
- NIL and "" are the same (RFC 3501 §7.4.2: "Clients SHOULD treat NIL and empty string
  as identical");
- a text part's line count is its CRLFs, or one more for a last line without CRLF (a
  body part's last CRLF belongs to the delimiter, RFC 2046 §5.1.1, and RFC 3501 does not
  say whether that line counts); a message/rfc822 part's line count is not compared;
- a text part without charset may come with the default charset=us-ascii (RFC 2045
  §5.2, "defaulting various fields as necessary");
- extension data is compared as far as the server sends it ("can be returned"), and
  none may follow the defined fields ("MUST NOT send such extension data").
"""

from __future__ import annotations

import re

from conformance._mime_sources import AppendedMessage
from reference_impl._escape import escape_octets
from reference_impl.imap import ImapResponse
from reference_impl.mime import Entity, ImapValue

from ..imap._values import DataError, Reader, Value

__all__ = [
    "body_differences",
    "envelope_differences",
    "fetch_one",
    "grammar_fault",
    "part_numbers",
    "section_data",
    "shown",
]

_BASIC = 7  # type, subtype, params, id, description, encoding, size (RFC 3501 §7.4.2)
_EXTENSIONS_SINGLE = ("md5", "disposition", "language", "location")
_EXTENSIONS_MULTI = ("parameters", "disposition", "language", "location")


class _StructureReader(Reader):
    """Reads lists where RFC 3501 §9 puts items side by side without SP: the bodies of
    body-type-mpart (1*body) and the addresses of env-from and the others (1*address).
    A SP there is taken too: these tests judge the values, not that spacing."""

    def list(self) -> list[Value]:
        self.expect(b"(")
        items: list[Value] = []
        while not self.skip(b")"):
            adjacent = self.peek() == b"(" and bool(items) and isinstance(items[-1], list)
            if items and not self.skip(b" ") and not adjacent:
                self.expect(b" ")
            items.append(self.value())
        return items


_FETCH_HEAD = re.compile(rb"\* [0-9]+ FETCH \(", re.IGNORECASE)


def _attributes(response: ImapResponse) -> dict[bytes, Value]:
    """``* n FETCH (name value ...)`` as {name: value} (RFC 3501 §7.4.2)."""
    head = _FETCH_HEAD.match(response.framed.parts[0])
    assert head is not None, f"not a FETCH response: '{escape_octets(response.line[:80])}'"
    reader = _StructureReader(response.framed, head.end())
    found: dict[bytes, Value] = {}
    while not reader.skip(b")"):
        if found:
            reader.expect(b" ")
        name = reader.att_name()
        reader.expect(b" ")
        found[name] = reader.value()
    return found


def fetch_one(message: AppendedMessage, items: str) -> dict[bytes, Value]:
    """FETCH 1 ``items``: the data of message 1 (several responses merged)."""
    completed = message.session.command("FETCH", b"1", items.encode())
    response = completed.response
    assert response.status == b"OK", (
        f"sent FETCH 1 {items}, expected OK, got '{escape_octets(response.line[:160])}'"
    )
    found: dict[bytes, Value] = {}
    for untagged in completed.untagged:
        if untagged.keyword.upper() == b"FETCH" and untagged.number == 1:
            found.update(_attributes(untagged))
    return found


def section_data(message: AppendedMessage, section: str, partial: str = "") -> bytes | None:
    """What BODY.PEEK[``section``]``partial`` returned (the string; None for NIL)."""
    data = fetch_one(message, f"(BODY.PEEK[{section}]{partial})")
    keys = [key for key in data if key.startswith(b"BODY[")]
    assert len(keys) == 1, f"sent FETCH 1 (BODY.PEEK[{section}]{partial}), got {shown(data)}"
    value = data[keys[0]]
    assert not isinstance(value, list), f"BODY[{section}] is a list: {shown(value)}"
    return value


def shown(value: object) -> str:
    """A server's value for a message: escaped (repr) and bounded."""
    text = repr(value)
    return text if len(text) <= 600 else text[:600] + "..."


def _same_string(want: ImapValue, got: Value, *, fold: bool = False) -> bool:
    if isinstance(want, list) or isinstance(got, list) or isinstance(want, int):
        return False
    left, right = want or b"", got or b""
    return left.lower() == right.lower() if fold else left == right


def _parameters(value: Value | ImapValue) -> dict[bytes, bytes] | None:
    if not isinstance(value, list):
        return {} if value in (None, b"") else None
    flat = [item for item in value if isinstance(item, bytes)]
    if len(flat) != len(value) or len(flat) % 2:
        return None
    pairs = {name.lower(): text for name, text in zip(flat[::2], flat[1::2], strict=True)}
    if b"charset" in pairs:
        pairs[b"charset"] = pairs[b"charset"].lower()
    return pairs


def _parameter_faults(path: str, want: ImapValue, got: Value, *, text: bool) -> list[str]:
    expected, found = _parameters(want), _parameters(got)
    defaulted = expected is not None and text and b"charset" not in expected
    if defaulted and found is not None and found.get(b"charset") == b"us-ascii":
        del found[b"charset"]  # RFC 2045 §5.2 default, filled in
    if expected != found:
        return [f"{path} parameters: expected {want!r}, got {shown(got)}"]
    return []


def _field_faults(
    path: str, name: str, want: ImapValue, got: Value, fold: bool = False
) -> list[str]:
    if _same_string(want, got, fold=fold):
        return []
    return [f"{path} {name}: expected {want!r}, got {shown(got)}"]


def _number_faults(path: str, name: str, want: ImapValue, got: Value, slack: int = 0) -> list[str]:
    allowed = {str(want + n).encode() for n in range(slack + 1)} if isinstance(want, int) else set()
    if got in allowed:
        return []
    return [
        f"{path} {name}: expected {want!r}"
        + (f" (or up to +{slack})" if slack else "")
        + f", got {shown(got)}"
    ]


def body_differences(want: ImapValue, got: Value, path: str = "body") -> list[str]:
    """Where ``got`` (a server's BODY or BODYSTRUCTURE) departs from ``want``."""
    if not isinstance(want, list) or not isinstance(got, list) or not got:
        return [f"{path}: expected {want!r}, got {shown(got)}"]
    if isinstance(want[0], list):
        return _multipart_differences(want, got, path)
    if isinstance(got[0], list):
        return [f"{path}: expected a single part, got a multipart {shown(got)}"]
    return _single_differences(want, got, path)


def _multipart_differences(want: list[ImapValue], got: list[Value], path: str) -> list[str]:
    children, kids = want[: _leading_lists(want)], got[: _leading_lists(got)]
    count = len(kids)
    if len(kids) != len(children):
        return [f"{path}: expected {len(children)} parts, got {len(kids)}: {shown(got)}"]
    faults = []
    for number, (child, kid) in enumerate(zip(children, kids, strict=True), start=1):
        faults += body_differences(child, kid, f"{path}.{number}")
    rest_want, rest_got = want[len(children) :], got[count:]
    if not rest_got:
        return [*faults, f"{path}: no multipart subtype after the parts"]
    faults += _field_faults(path, "subtype", rest_want[0], rest_got[0], fold=True)
    return faults + _extension_faults(path, _EXTENSIONS_MULTI, rest_want[1:], rest_got[1:])


def _leading_lists(values: list[ImapValue] | list[Value]) -> int:
    """How many bodies open a multipart (body-type-mpart = 1*body SP subtype ...)."""
    return next((i for i, part in enumerate(values) if not isinstance(part, list)), len(values))


def _single_differences(want: list[ImapValue], got: list[Value], path: str) -> list[str]:
    if len(got) < _BASIC:
        return [f"{path}: fewer than the 7 basic fields: {shown(got)}"]
    kind = (want[0], want[1])
    text = isinstance(kind[0], bytes) and kind[0].upper() == b"TEXT"
    faults = _field_faults(path, "type", want[0], got[0], fold=True)
    faults += _field_faults(path, "subtype", want[1], got[1], fold=True)
    faults += _parameter_faults(path, want[2], got[2], text=text)
    faults += _field_faults(path, "id", want[3], got[3])
    faults += _field_faults(path, "description", want[4], got[4])
    faults += _field_faults(path, "encoding", want[5], got[5], fold=True)
    faults += _number_faults(path, "size", want[6], got[6])
    at = _BASIC
    if kind[0] == b"MESSAGE" and kind[1] == b"RFC822":
        if len(got) < _BASIC + 3:
            missing = "message/rfc822 without envelope, body and lines"
            return [*faults, f"{path}: {missing}: {shown(got)}"]
        faults += envelope_differences(want[7], got[7], f"{path} envelope")
        faults += body_differences(want[8], got[8], f"{path} body")
        at = _BASIC + 3  # the line count (want[9]) is not compared
    elif text:
        if len(got) < _BASIC + 1:
            return [*faults, f"{path}: a text part without its line count: {shown(got)}"]
        faults += _number_faults(path, "lines", want[7], got[7], slack=1)
        at = _BASIC + 1
    return faults + _extension_faults(path, _EXTENSIONS_SINGLE, want[at:], got[at:])


def _extension_faults(
    path: str, names: tuple[str, ...], want: list[ImapValue], got: list[Value]
) -> list[str]:
    if len(got) > len(want):  # BODY has none; BODYSTRUCTURE only the defined ones
        return [f"{path}: extension data not expected here: {shown(got[len(want) :])}"]
    faults = []
    for name, expected, found in zip(names, want, got, strict=False):
        if name == "parameters":
            faults += _parameter_faults(path, expected, found, text=False)
        elif name == "disposition":
            faults += _disposition_faults(path, expected, found)
        elif name == "language":
            faults += _language_faults(path, expected, found)
        else:
            faults += _field_faults(path, name, expected, found)
    return faults


def _disposition_faults(path: str, want: ImapValue, got: Value) -> list[str]:
    if want is None or got is None:
        return [] if want == got else [f"{path} disposition: expected {want!r}, got {shown(got)}"]
    if not isinstance(want, list) or not isinstance(got, list) or len(got) != 2:
        return [f"{path} disposition: expected {want!r}, got {shown(got)}"]
    return _field_faults(path, "disposition", want[0], got[0], fold=True) + _parameter_faults(
        f"{path} disposition", want[1], got[1], text=False
    )


def _language_faults(path: str, want: ImapValue, got: Value) -> list[str]:
    """body-fld-lang = nstring / "(" string *(SP string) ")": one tag either way."""

    def tags(value: ImapValue | Value) -> list[bytes]:
        listed = value if isinstance(value, list) else [value] if value else []
        return [tag.lower() for tag in listed if isinstance(tag, bytes)]

    if tags(want) == tags(got):
        return []
    return [f"{path} language: expected {want!r}, got {shown(got)}"]


def envelope_differences(
    want: ImapValue, got: Value, path: str = "envelope", comments: frozenset[bytes] = frozenset()
) -> list[str]:
    """Where ``got`` (a server's ENVELOPE) departs from ``want`` (RFC 3501 §7.4.2).

    A server may take a comment after an addr-spec (``bob@example.org (Bob)``) for the
    personal name where the address has no display name, as RFC 822-era software did:
    RFC 3501 does not say where the personal name comes from, so ``comments`` (the
    comment texts of the header) are taken for a NIL name."""
    if not isinstance(want, list) or not isinstance(got, list) or len(got) != 10:
        return [f"{path}: expected 10 fields {want!r}, got {shown(got)}"]
    names = (
        "date",
        "subject",
        "from",
        "sender",
        "reply-to",
        "to",
        "cc",
        "bcc",
        "in-reply-to",
        "message-id",
    )
    faults = []
    for name, expected, found in zip(names, want, got, strict=True):
        if 2 <= names.index(name) <= 7:
            faults += _address_faults(f"{path} {name}", expected, found, comments)
        else:
            faults += _field_faults(path, name, expected, found)
    return faults


def _address_faults(
    path: str, want: ImapValue, got: Value, comments: frozenset[bytes]
) -> list[str]:
    """Address structures: name, route, mailbox exactly; the host case-insensitively
    (RFC 5321 §2.4: domain names are not case-sensitive)."""
    wanted = want if isinstance(want, list) else []
    found = got if isinstance(got, list) else []
    if len(wanted) != len(found) or not all(isinstance(a, list) and len(a) == 4 for a in found):
        return [f"{path}: expected {want!r}, got {shown(got)}"]
    faults = []
    for expected, address in zip(wanted, found, strict=True):
        assert isinstance(expected, list) and isinstance(address, list)
        name_ok = _same_string(expected[0], address[0]) or (
            expected[0] is None and address[0] in comments
        )
        same = name_ok and all(
            _same_string(e, a) for e, a in zip(expected[1:3], address[1:3], strict=True)
        )
        if not same or not _same_string(expected[3], address[3], fold=True):
            faults.append(f"{path}: expected {expected!r}, got {shown(address)}")
    return faults


def part_numbers(message: Entity, prefix: str = "") -> list[str]:
    """The part numbers of ``message`` as RFC 3501 §6.4.5 assigns them: consecutive in a
    multipart, nested below a multipart or message/rfc822 part; a message that is no
    multipart has only a part 1 (and the parts of what it encapsulates below that)."""
    children = message.parts if message.content_type.main == "multipart" else [message]
    numbers = []
    for index, child in enumerate(children, start=1):
        number = f"{prefix}{index}"
        numbers.append(number)
        if child is not message and child.content_type.main == "multipart":
            numbers += part_numbers(child, number + ".")
        elif child.message is not None:
            numbers += part_numbers(child.message, number + ".")
    return numbers


class _GrammarReader(Reader):
    """Reads a body (RFC 3501 §9 ``body``) or an ``envelope`` the way the grammar writes
    them, with no SP between the bodies of a multipart or the addresses of a list."""

    def body(self) -> None:
        self.expect(b"(")
        if self.peek() == b"(":  # body-type-mpart = 1*body SP media-subtype
            while self.peek() == b"(":
                self.body()
            self.expect(b" ")
            if not isinstance(self.value(), bytes):
                raise DataError("a body after SP where the media subtype belongs")
        else:
            kind = [self.value()]
            for _ in range(6):  # subtype, then body-fields: param id desc enc octets
                self.expect(b" ")
                kind.append(self.value())
            if [k.upper() if isinstance(k, bytes) else k for k in kind[:2]] == [
                b"MESSAGE",
                b"RFC822",
            ]:
                self.expect(b" ")
                self.envelope()
                self.expect(b" ")
                self.body()
        while not self.skip(b")"):
            self.expect(b" ")
            self.value()

    def envelope(self) -> None:
        self.expect(b"(")
        for index in range(10):
            if index:
                self.expect(b" ")
            if 2 <= index <= 7 and not self.skip(b"NIL"):
                self.expect(b"(")  # "(" 1*address ")"
                self.list()
                while self.peek() == b"(":
                    self.list()
                self.expect(b")")
            elif not 2 <= index <= 7:
                self.value()
        self.expect(b")")


def grammar_fault(message: AppendedMessage, item: str) -> str | None:
    """Where the server's BODYSTRUCTURE, BODY or ENVELOPE of message 1 departs from the
    RFC 3501 §9 grammar, or None."""
    completed = message.session.command("FETCH", b"1", f"({item})".encode())
    for response in completed.untagged:
        head = re.match(rb"\* 1 FETCH \(" + item.encode() + rb" ", response.framed.parts[0], re.I)
        if response.keyword.upper() != b"FETCH" or head is None:
            continue
        reader = _GrammarReader(response.framed, head.end())
        try:
            reader.envelope() if item == "ENVELOPE" else reader.body()
        except DataError as fault:
            return str(fault)
        return None
    return (
        f"no '* 1 FETCH ({item} ...)' response: {shown([r.line[:120] for r in completed.untagged])}"
    )
