"""mail-conformance harness: the pytest plugin, target URLs, profiles, sessions, transcripts.

Suites use the fixtures (``smtp``, ``smtp_connect``, ``smtp_target``, ``accounts``,
``readback``, ``conformance_profile``) and the markers ``rfc``, ``requires`` and
``delivers``; tools use the classes below.
"""

from ._errors import (
    ConfigurationError,
    HarnessError,
    ProfileError,
    TargetClosedConnection,
    TargetTimeout,
    TargetUnreachable,
    TargetUrlError,
)
from ._pcap import write_pcap
from ._profile import Account, DeliverySettings, Profile, load_profile
from ._readback import Readback
from ._smtp_session import SmtpSession, dot_stuff
from ._targets import Security, SmtpTarget, TlsSettings, parse_target
from ._transcript import Direction, Transcript, TranscriptEvent, escape_bytes
from ._verdicts import Level, Outcome, RfcKey

__all__ = [
    "Account",
    "ConfigurationError",
    "DeliverySettings",
    "Direction",
    "HarnessError",
    "Level",
    "Outcome",
    "Profile",
    "ProfileError",
    "Readback",
    "RfcKey",
    "Security",
    "SmtpSession",
    "SmtpTarget",
    "TargetClosedConnection",
    "TargetTimeout",
    "TargetUnreachable",
    "TargetUrlError",
    "TlsSettings",
    "Transcript",
    "TranscriptEvent",
    "dot_stuff",
    "escape_bytes",
    "load_profile",
    "parse_target",
    "write_pcap",
]
