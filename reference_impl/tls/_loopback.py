"""A throwaway CA and a server certificate for loopback listeners.

trustme issues a certificate valid for ``localhost`` and ``127.0.0.1``
(subjectAltName DNS and IP), so clients can verify it by either name; its subject
common name is the first name too, for clients that still match the CN only
(fetchmail's ``sslcommonname``).
"""

from __future__ import annotations

import ssl
from pathlib import Path

import trustme

__all__ = ["LoopbackTLS"]


class LoopbackTLS:
    """``ca_file`` is what clients trust; ``server_context()`` serves the cert."""

    def __init__(self, ca_file: Path, *, names: tuple[str, ...] = ("localhost", "127.0.0.1")):
        self._ca = trustme.CA()
        self._cert = self._ca.issue_cert(*names, common_name=names[0])
        self.ca_file = ca_file
        self._ca.cert_pem.write_to_path(str(ca_file))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._cert.configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))
