"""Building well-formed messages of any structure: leaves in every transfer encoding,
multiparts of any subtype, message/rfc822 nesting (RFC 2045, RFC 2046, RFC 5322).

A node is a frozen description; ``build`` turns it into octets whose every line ends in
CRLF, whose boundaries occur in no part (RFC 2046 §5.1.1: chosen after the parts are
written), and whose header fields are folded and encoded as ``_encode`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reference_impl.mime._encode import (
    encode_base64,
    encode_quoted_printable,
    fold_field,
    format_parameters,
    phrase,
    unstructured,
)

__all__ = ["Encapsulated", "Leaf", "MessageSpec", "Multipart", "Node", "build", "mailbox"]

_STRUCTURED = frozenset({"from", "to", "cc", "bcc", "sender", "reply-to", "date", "message-id",
                         "in-reply-to", "references", "content-id"})
_LINE_ENDS = re.compile(rb"\r(?!\n)|(?<!\r)\n|\x00")
_LONG_LINE = re.compile(rb"^[^\r\n]{999,}", re.MULTILINE)


@dataclass(frozen=True)
class Leaf:
    """A discrete body: ``encoding`` is one of 7bit, 8bit, binary, quoted-printable, base64."""

    media_type: str = "text/plain"
    body: bytes = b""
    encoding: str = "7bit"
    params: dict[str, str] = field(default_factory=dict)
    disposition: str | None = None
    disposition_params: dict[str, str] = field(default_factory=dict)
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Multipart:
    subtype: str = "mixed"
    parts: tuple[Node, ...] = ()
    preamble: bytes = b""
    epilogue: bytes = b""
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MessageSpec:
    """A whole message: its own header fields (name, value) and its body."""

    headers: tuple[tuple[str, str], ...]
    body: Node


@dataclass(frozen=True)
class Encapsulated:
    """A message/rfc822 body part; ``implicit`` leaves out Content-Type (digest default)."""

    message: MessageSpec
    implicit: bool = False


Node = Leaf | Multipart | Encapsulated


def mailbox(name: str | None, address: str) -> str:
    """``name <address>`` with the name written as a phrase, or the bare address."""
    return f"{phrase(name)} <{address}>" if name else address


def build(spec: MessageSpec) -> bytes:
    """The message as octets, MIME-Version added (RFC 2045 §4)."""
    head = _fields(spec.headers) + b"MIME-Version: 1.0\r\n"
    return _entity(spec.body, head)


def _fields(headers: tuple[tuple[str, str], ...]) -> bytes:
    out = []
    for name, value in headers:
        if name.lower() in _STRUCTURED:
            out.append(fold_field(name, value))
        else:
            out.append(unstructured(name, value))
    return b"".join(out)


def _entity(node: Node, head: bytes = b"") -> bytes:
    if isinstance(node, Leaf):
        return _leaf(node, head)
    if isinstance(node, Encapsulated):
        inner = build(node.message)
        encoding = "7bit" if inner.isascii() else "8bit"  # RFC 2046 §5.2.1
        fields = head if node.implicit else head + fold_field("Content-Type", "message/rfc822")
        return fields + fold_field("Content-Transfer-Encoding", encoding) + b"\r\n" + inner
    return _multipart(node, head)


def _multipart(node: Multipart, head: bytes) -> bytes:
    parts = [_entity(part) for part in node.parts]
    boundary = _boundary(parts, node.preamble, node.epilogue)
    params = {"boundary": boundary, **node.params}
    content_type = format_parameters(f"multipart/{node.subtype}", params)
    encoding = "7bit" if all(part.isascii() for part in parts) else "8bit"  # RFC 2045 §6.4
    out = [head, fold_field("Content-Type", content_type)]
    out.append(fold_field("Content-Transfer-Encoding", encoding) + b"\r\n")
    if node.preamble:
        out.append(node.preamble + b"\r\n")
    dash = b"--" + boundary.encode("ascii")
    for part in parts:
        out.append(dash + b"\r\n" + part + b"\r\n")
    out.append(dash + b"--\r\n")  # a message SMTP can carry ends with CRLF
    out.append(node.epilogue)
    return b"".join(out)


def _boundary(parts: list[bytes], preamble: bytes, epilogue: bytes) -> str:
    """A boundary no line of the parts starts with (RFC 2046 §5.1.1), at most 70 chars."""
    everything = b"\n".join([preamble, *parts, epilogue])
    number = 0
    while b"--=_part_%d_" % number in everything:
        number += 1
    return f"=_part_{number}_"


def _leaf(node: Leaf, head: bytes) -> bytes:
    content_type = format_parameters(node.media_type, node.params)
    out = [head, fold_field("Content-Type", content_type)]
    out.append(fold_field("Content-Transfer-Encoding", node.encoding))
    if node.disposition:
        disposition = format_parameters(node.disposition, node.disposition_params)
        out.append(fold_field("Content-Disposition", disposition))
    out.append(_fields(node.headers) + b"\r\n")
    out.append(_encode_body(node))
    return b"".join(out)


def _encode_body(node: Leaf) -> bytes:
    if node.encoding == "base64":
        return encode_base64(node.body)
    if node.encoding == "quoted-printable":
        return encode_quoted_printable(node.body)
    if _LINE_ENDS.search(node.body) or _LONG_LINE.search(node.body):
        raise ValueError("a 7bit/8bit/binary body needs CRLF lines of <= 998 octets, no NUL")
    if node.encoding == "7bit" and not node.body.isascii():
        raise ValueError("a 7bit body holds only US-ASCII (RFC 2045 §2.7)")
    if node.encoding not in ("7bit", "8bit", "binary"):
        raise ValueError(f"unknown transfer encoding {node.encoding!r}")
    return node.body
