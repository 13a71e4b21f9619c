"""Where ENVELOPE and BODYSTRUCTURE come from: the reference MIME engine, whose values
are the ``ImapValue`` this package serializes (RFC 9051 §7.5.2)."""

from __future__ import annotations

from reference_impl.mime import imap_body_structure, imap_envelope

__all__ = ["imap_body_structure", "imap_envelope"]
