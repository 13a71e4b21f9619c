"""mail-conformance harness: the pytest plugin, target URLs, profiles, sessions, transcripts.

Suites use the fixtures (``smtp``, ``smtp_connect``, ``smtp_target``, ``accounts``,
``readback``, ``conformance_profile``; for POP3 ``pop3``, ``pop3_connect``, ``pop3_login``,
``pop3_target``, ``pop3_account``, ``pop3_capabilities``, ``pop3_maildrop``,
``pop3_messages``; for POP2 ``pop2``, ``pop2_connect``, ``pop2_login``, ``pop2_target``,
``pop2_account``, ``pop2_mailbox``; for IMAP ``imap``, ``imap_connect``, ``imap_login``,
``imap_target``, ``imap_account``, ``imap_mailbox``, ``imap_capabilities``) and the markers
``rfc``, ``requires`` and ``delivers``;
tools use the classes below.
Without accounts, ``sender``, ``recipient`` and ``mail_domain`` name envelope addresses any
server accepts (``_envelope``).
"""

from ._delivery_fixtures import MailRoute
from ._errors import (
    ConfigurationError,
    HarnessError,
    ProfileError,
    SessionUnusable,
    TargetClosedConnection,
    TargetFramingError,
    TargetReplyTooLarge,
    TargetStoppedAnswering,
    TargetTimeout,
    TargetTlsFailure,
    TargetUnreachable,
    TargetUrlError,
)
from ._imap_fixtures import ImapAccount
from ._imap_session import Completion as ImapCompletion
from ._imap_session import ImapSession
from ._pcap import write_pcap
from ._pop2_fixtures import Pop2Account, Pop2Mailbox, Pop2Message
from ._pop2_session import Pop2Session
from ._pop3_fixtures import Pop3Capabilities
from ._pop3_maildrop import LONG_LINE, Pop3Account, Pop3Messages, SeededMaildrop, SeededMessage
from ._pop3_responses import Pop3DefectKind, Pop3Response
from ._pop3_session import Pop3Session, apop_digest
from ._profile import Account, DeliverySettings, Mailbox, Profile, load_profile
from ._readback import Readback
from ._smtp_session import Bdat, Content, SmtpSession, dot_stuff
from ._targets import Security, Target, TlsSettings, parse_target
from ._transcript import Direction, Transcript, TranscriptEvent, escape_bytes
from ._verdicts import Level, Outcome, RfcKey

__all__ = [
    "LONG_LINE",
    "Account",
    "Bdat",
    "ConfigurationError",
    "Content",
    "DeliverySettings",
    "Direction",
    "HarnessError",
    "ImapAccount",
    "ImapCompletion",
    "ImapSession",
    "Level",
    "MailRoute",
    "Mailbox",
    "Outcome",
    "Pop2Account",
    "Pop2Mailbox",
    "Pop2Message",
    "Pop2Session",
    "Pop3Account",
    "Pop3Capabilities",
    "Pop3DefectKind",
    "Pop3Messages",
    "Pop3Response",
    "Pop3Session",
    "Profile",
    "ProfileError",
    "Readback",
    "RfcKey",
    "Security",
    "SeededMaildrop",
    "SeededMessage",
    "SessionUnusable",
    "SmtpSession",
    "Target",
    "TargetClosedConnection",
    "TargetFramingError",
    "TargetReplyTooLarge",
    "TargetStoppedAnswering",
    "TargetTimeout",
    "TargetTlsFailure",
    "TargetUnreachable",
    "TargetUrlError",
    "TlsSettings",
    "Transcript",
    "TranscriptEvent",
    "apop_digest",
    "dot_stuff",
    "escape_bytes",
    "load_profile",
    "parse_target",
    "write_pcap",
]
