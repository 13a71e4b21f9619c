"""MIME and the Internet Message Format (RFC 5322, RFC 2045-2047, RFC 2231, RFC 2183,
RFC 6532): a strict parser that reports every departure as a typed defect and never raises
on garbage, a builder of well-formed messages, and the IMAP views of a message (ENVELOPE,
BODYSTRUCTURE, body sections).  Sans-IO: octets in, values out.
"""

from reference_impl.mime._addresses import (
    Address,
    Group,
    Mailbox,
    parse_address_list,
    parse_msg_ids,
)
from reference_impl.mime._builder import (
    Encapsulated,
    Leaf,
    MessageSpec,
    Multipart,
    Node,
    build,
    mailbox,
)
from reference_impl.mime._headers import HeaderField, body_offset
from reference_impl.mime._imap_structure import (
    ImapValue,
    body_structure,
    envelope,
    imap_body_structure,
    imap_envelope,
)
from reference_impl.mime._kinds import MimeDefectKind
from reference_impl.mime._params import MimeValue
from reference_impl.mime._parser import MAX_DEPTH, parse_message
from reference_impl.mime._sections import part_of, section_of
from reference_impl.mime._tree import Entity, ParsedMessage
from reference_impl.mime._words import decoded_text

__all__ = [
    "MAX_DEPTH",
    "Address",
    "Encapsulated",
    "Entity",
    "Group",
    "HeaderField",
    "ImapValue",
    "Leaf",
    "Mailbox",
    "MessageSpec",
    "MimeDefectKind",
    "MimeValue",
    "Multipart",
    "Node",
    "ParsedMessage",
    "body_offset",
    "body_structure",
    "build",
    "decoded_text",
    "envelope",
    "imap_body_structure",
    "imap_envelope",
    "mailbox",
    "parse_address_list",
    "parse_message",
    "parse_msg_ids",
    "part_of",
    "section_of",
]
