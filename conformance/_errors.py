"""Exceptions of the harness.

Two families, kept apart on purpose (DESIGN principle 3): a ``HarnessError`` means the
harness could not get a verdict (target unreachable, no reply in time), and is reported as
an *error*; ``TargetClosedConnection`` is something the target did, and is a *failure*
like any broken assertion.  Bad command-line or profile input is a ``ConfigurationError``,
which the plugin and the CLI turn into usage errors.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "HarnessError",
    "ProfileError",
    "SessionUnusable",
    "TargetClosedConnection",
    "TargetFramingError",
    "TargetReplyTooLarge",
    "TargetStoppedAnswering",
    "TargetTimeout",
    "TargetTlsFailure",
    "TargetUnreachable",
    "TargetUrlError",
]


class HarnessError(Exception):
    """The harness could not reach a verdict; reported as an error, never as a failure."""


class TargetUnreachable(HarnessError):
    """The TCP connection (or the TLS handshake setup) to the target could not be made."""


class TargetTimeout(HarnessError):
    """The target sent no complete reply before the deadline.

    ``partial`` holds the octets of the reply that had begun to arrive (say the first
    lines of a multi-line reply), so a test can still assert on them; empty when nothing
    came.
    """

    def __init__(self, message: str, *, partial: bytes = b"") -> None:
        super().__init__(message)
        self.partial = partial


class TargetReplyTooLarge(HarnessError):
    """A reply grew past the configured bound without ending; the session is abandoned."""


class TargetStoppedAnswering(HarnessError):
    """Several replies in a row timed out: the remaining tests on the target error at once."""


class SessionUnusable(HarnessError):
    """The session cannot carry a test: its greeting was broken, or it was abandoned."""


class TargetClosedConnection(AssertionError):
    """The target closed or reset the connection where the test expected a reply.

    An ``AssertionError``: closing early is the target's behaviour, so it is a verdict.
    ``partial`` holds the octets of a reply cut off by the close (evidence, never a reply).
    """

    def __init__(self, message: str, *, partial: bytes = b"") -> None:
        super().__init__(message)
        self.partial = partial


class TargetFramingError(AssertionError):
    """The target broke the framing of replies: a reply nobody asked for, a greeting that
    never ends its line, a multi-line response without its terminator.  A verdict."""


class TargetTlsFailure(TargetClosedConnection):
    """The target said it was ready for TLS, then failed the handshake on its side.

    The connection is over either way, so it is also a ``TargetClosedConnection``: a
    test that allows the target to drop the connection (say after an injection probe)
    allows this too.
    """


class ConfigurationError(ValueError):
    """Invalid user input: a target URL, a profile file, an option value."""


class TargetUrlError(ConfigurationError):
    """A target URL that cannot be used."""


class ProfileError(ConfigurationError):
    """A profile file that cannot be used."""
