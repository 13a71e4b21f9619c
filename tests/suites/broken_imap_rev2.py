"""Deliberately broken IMAP server cores for the rev2 and limits tests: each breaks one
rule where a wire rule of ``scripted_imap_limits`` cannot say it (it depends on session
state, or on a refusal the core makes while a line is still arriving)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reference_impl.imap import ServerConnection

__all__ = ["BROKEN_CORES"]

REV2 = "test_rfc9051_rev2.py"
LIMITS = "test_rfc2683_limits.py"
AUTH = "test_rfc3501_auth.py"

_TOO_LONG = re.compile(rb"(?m)^\S+ BAD (\[[^]]*\] )?command line too long")


class CapabilitiesChangedByEnable(ServerConnection):
    """RFC 9051 §6.3.1: once IMAP4rev2 is enabled, CAPABILITY lists IDLE no more."""

    def capabilities(self) -> bytes:
        listed = super().capabilities()
        return listed.replace(b" IDLE", b"") if self.session.rev2 else listed


class OverlongLineEndsTheSession(ServerConnection):
    """RFC 2683 §3.2.1.5: a command line past the maximum gets a BYE, not a BAD."""

    def data_to_send(self) -> bytes:
        return _TOO_LONG.sub(b"* BYE command line too long", super().data_to_send())


class PipelinedOctetsSurviveStartTls(ServerConnection):
    """RFC 9051 §6.2.1 (CVE-2011-0411): octets that came in the same buffer as STARTTLS
    are kept and run as commands once TLS is up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held = b""

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        before, starttls, after = bytes(data).partition(b"STARTTLS\r\n")
        if starttls and after:
            self._held, data = after, before + starttls
        super().receive_data(data)

    def tls_started(self) -> None:
        super().tls_started()
        held, self._held = self._held, b""
        if held:
            super().receive_data(held)


BROKEN_CORES: dict[Callable[..., ServerConnection], tuple[str, ...]] = {
    CapabilitiesChangedByEnable: (f"{REV2}::test_enable_leaves_the_capability_list_unchanged",),
    OverlongLineEndsTheSession: (f"{LIMITS}::test_command_line_past_the_maximum_gets_bad",),
    PipelinedOctetsSurviveStartTls: (
        f"{AUTH}::test_octets_after_starttls_are_not_run_as_commands",
    ),
}
