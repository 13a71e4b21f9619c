"""Python's smtplib as a command the judge can run: send MESSAGE-FILE from SENDER to RCPT.

    python -m suites.clients._smtplib_client HOST PORT SENDER RCPT MESSAGE-FILE [CAFILE]

With CAFILE it upgrades with STARTTLS first (verifying the judge's certificate).
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    host, port, sender, rcpt, message, *cafile = argv
    try:
        with smtplib.SMTP(host, int(port), timeout=30) as client:
            if cafile:
                client.starttls(context=ssl.create_default_context(cafile=cafile[0]))
            client.sendmail(sender, [rcpt], Path(message).read_bytes())
    except (smtplib.SMTPException, OSError) as exc:
        print(f"smtplib: {type(exc).__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
