"""Where ENVELOPE and BODYSTRUCTURE come from: the one import to change when the
reference MIME engine (``reference_impl.mime``) provides them with the same signatures."""

from __future__ import annotations

from reference_impl.imap._stdlib_structure import imap_body_structure, imap_envelope

__all__ = ["imap_body_structure", "imap_envelope"]
