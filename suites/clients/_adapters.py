"""How each real client is run against the judge: its command for plain SMTP and for
STARTTLS (RFC 3207), placeholders as ``conformance judge`` fills them, and the scenarios
each command meets.

The generic adapter takes a command template from ``CONFORMANCE_CLIENT_COMMAND`` (and,
for TLS, ``CONFORMANCE_CLIENT_TLS_COMMAND``; ``CONFORMANCE_CLIENT_STDIN`` for a client
that reads its message on standard input), so a vendor grades their own client or MTA
with the same tests.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass

from reference_impl._scenarios import Scenario
from reference_impl.smtp._scenarios import JUDGING

__all__ = ["ADAPTERS", "TLS_SCENARIOS", "Adapter", "scenarios_for"]

# The scenarios a client meets with STARTTLS on; the others it meets in plaintext.
TLS_SCENARIOS = ("starttls-required", "starttls-injection", "starttls-refused")


@dataclass(frozen=True, kw_only=True)
class Adapter:
    name: str
    plain: tuple[str, ...]
    tls: tuple[str, ...]
    stdin: str | None = None
    needs: str | None = None  # the program that must be installed

    def command(self, tls: bool) -> list[str]:
        return list(self.tls if tls else self.plain)

    @property
    def missing(self) -> str | None:
        """Why it cannot run here, or None."""
        if self.needs is None:
            return "set CONFORMANCE_CLIENT_COMMAND to a command template to grade a client"
        if shutil.which(self.needs) is None:
            return f"{self.needs} is not installed (scripts/install-debian-deps)"
        return None


_CURL = ("curl", "-sS", "smtp://{host}:{port}/client.example", "--mail-from", "{sender}")
_CURL += ("--mail-rcpt", "{rcpt}", "--upload-file", "{message}")
_SWAKS = ("swaks", "--server", "{host}:{port}", "--from", "{sender}", "--to", "{rcpt}")
_SWAKS += ("--data", "{message}", "--silent", "2")
_MSMTP = ("msmtp", "--host={host}", "--port={port}", "--auth=off", "--from={sender}")
_SMTPLIB = (sys.executable, "-m", "suites.clients._smtplib_client")
_SMTPLIB += ("{host}", "{port}", "{sender}", "{rcpt}", "{message}")


def _generic() -> Adapter:
    plain = os.environ.get("CONFORMANCE_CLIENT_COMMAND", "")
    tls = os.environ.get("CONFORMANCE_CLIENT_TLS_COMMAND", plain)
    program = shlex.split(plain)[0] if plain else None
    return Adapter(
        name="generic",
        plain=tuple(shlex.split(plain)),
        tls=tuple(shlex.split(tls)),
        stdin=os.environ.get("CONFORMANCE_CLIENT_STDIN") or None,
        needs=program,
    )


ADAPTERS = {
    adapter.name: adapter
    for adapter in (
        Adapter(
            name="curl",
            plain=_CURL,
            tls=(*_CURL, "--ssl-reqd", "--cacert", "{cafile}"),
            needs="curl",
        ),
        Adapter(
            name="swaks",
            plain=_SWAKS,
            tls=(*_SWAKS, "--tls", "--tls-verify", "--tls-ca-path", "{cafile}"),
            needs="swaks",
        ),
        Adapter(
            name="msmtp",
            plain=(*_MSMTP, "--tls=off", "{rcpt}"),
            tls=(*_MSMTP, "--tls=on", "--tls-starttls=on", "--tls-trust-file={cafile}", "{rcpt}"),
            stdin="{message}",
            needs="msmtp",
        ),
        Adapter(name="smtplib", plain=_SMTPLIB, tls=(*_SMTPLIB, "{cafile}"), needs=sys.executable),
        # Graded only when configured: unset, it would add a skip to every case.
        *((_generic(),) if os.environ.get("CONFORMANCE_CLIENT_COMMAND") else ()),
    )
}


def scenarios_for(tls: bool) -> list[Scenario]:
    return [s for s in JUDGING.scenarios if (s.name in TLS_SCENARIOS) == tls]
