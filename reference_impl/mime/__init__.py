"""MIME and the Internet Message Format (RFC 5322, RFC 2045-2047, RFC 2231, RFC 2183,
RFC 6532): a strict parser that reports every departure as a typed defect and never raises
on garbage, a builder of well-formed messages, and the IMAP views of a message (ENVELOPE,
BODYSTRUCTURE, body sections).  Sans-IO: octets in, values out.
"""

from reference_impl.mime._addresses import Address, Group, Mailbox
from reference_impl.mime._headers import HeaderField
from reference_impl.mime._kinds import MimeDefectKind
from reference_impl.mime._params import MimeValue
from reference_impl.mime._parser import MAX_DEPTH, parse_message
from reference_impl.mime._tree import Entity, ParsedMessage

__all__ = [
    "MAX_DEPTH",
    "Address",
    "Entity",
    "Group",
    "HeaderField",
    "Mailbox",
    "MimeDefectKind",
    "MimeValue",
    "ParsedMessage",
    "parse_message",
]
