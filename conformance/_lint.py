"""``conformance lint FILE.eml...``: check message files against RFC 5322 and MIME.

Every defect the strict parser finds is printed with its line, its level and the rule with
its RFC section; octets from the files reach the terminal only escaped.  Exit status: 0 no
MUST broken, 1 some MUST broken, 2 bad usage or a file that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from reference_impl._escape import escape_octets

__all__ = ["add_lint", "lint"]

_EPILOG = """\
output: one line per file, then one line per defect:
  FILE: N defects, M break a MUST
    line L: KIND (MUST|SHOULD) evidence: rule (RFC section)
  --json prints one object per file instead: file, breaks_must, dropped, defects
  [{kind, level, line, detail, rule}].

exit status: 0 no MUST broken in any file, 1 a MUST broken, 2 bad usage or unreadable file.
"""


def add_lint(commands: Any) -> None:
    lint_parser = commands.add_parser(
        "lint",
        help="check message files against RFC 5322 and MIME",
        description="Parse each message file strictly and print every departure from RFC "
        "5322, RFC 2045-2047, RFC 2231, RFC 2183 and RFC 6532 with its line and rule.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lint_parser.add_argument("files", nargs="+", type=Path, metavar="FILE.eml")
    lint_parser.add_argument(
        "--utf8",
        action="store_true",
        help="the messages travel under RFC 6532 (SMTPUTF8): UTF-8 header fields allowed",
    )
    lint_parser.add_argument("--json", action="store_true", help="machine-readable output")


def lint(args: argparse.Namespace) -> int:
    from reference_impl.mime import parse_message

    status = 0
    reports: list[dict[str, Any]] = []
    for path in args.files:
        shown = escape_octets(os.fsencode(path))
        try:
            raw = path.read_bytes()
        except OSError as exc:
            print(f"conformance: cannot read {shown}: {exc.strerror or exc}", file=sys.stderr)
            status = 2
            continue
        parsed = parse_message(raw, utf8=args.utf8)
        if parsed.breaks_must and status == 0:
            status = 1
        reports.append(_report(shown, parsed))
    for report in reports:
        print(json.dumps(report) if args.json else _text(report))
    return status


def _report(shown: str, parsed: Any) -> dict[str, Any]:
    defects = [
        {
            "kind": d.kind.name,
            "level": d.level.value,
            "line": d.line,
            "detail": d.detail,
            "rule": d.rule,
        }
        for d in parsed.defects
    ]
    return {
        "file": shown,
        "breaks_must": parsed.breaks_must,
        "dropped": parsed.dropped,
        "defects": defects,
    }


def _text(report: dict[str, Any]) -> str:
    defects = report["defects"]
    musts = sum(1 for d in defects if d["level"] == "MUST")
    lines = [f"{report['file']}: {len(defects)} defects, {musts} break a MUST"]
    for d in defects:
        evidence = f" {d['detail']}" if d["detail"] else ""
        lines.append(f"  line {d['line']}: {d['kind']} ({d['level']}){evidence}: {d['rule']}")
    if report["dropped"]:
        lines.append(f"  ... and {report['dropped']} more of kinds already shown")
    return "\n".join(lines)
