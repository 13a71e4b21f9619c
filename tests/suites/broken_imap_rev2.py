"""Deliberately broken IMAP server cores for the rev2 and limits tests: each breaks one
rule where a wire rule of ``scripted_imap_limits`` cannot say it (it depends on session
state, or on a refusal the core makes while a line is still arriving)."""

from __future__ import annotations

import re
from collections.abc import Callable

from reference_impl.imap import ServerConnection

__all__ = ["BROKEN_CORES"]

REV2 = "test_rfc9051_rev2.py"
LIMITS = "test_rfc2683_limits.py"

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


BROKEN_CORES: dict[Callable[..., ServerConnection], tuple[str, ...]] = {
    CapabilitiesChangedByEnable: (f"{REV2}::test_enable_leaves_the_capability_list_unchanged",),
    OverlongLineEndsTheSession: (f"{LIMITS}::test_command_line_past_the_maximum_gets_bad",),
}
