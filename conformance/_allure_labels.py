"""The Allure labels and link of a test, so ``allure-results/`` reads as the RFCs do.

Allure 3 (and 2) group results by parent suite, suite and sub-suite: here protocol, RFC and
section, instead of Python package, module and class.  Severity follows the level: a broken
MUST is what a reader fixes first.
"""

from __future__ import annotations

from typing import Any

from ._verdicts import Level, RfcKey

__all__ = ["label_by_rfc", "rfc_url"]

SEVERITY = {Level.MUST: "critical", Level.SHOULD: "normal", Level.MAY: "minor"}


def rfc_url(key: RfcKey) -> str:
    """The section in the RFC Editor's HTML rendering of the RFC."""
    return f"https://www.rfc-editor.org/rfc/rfc{key.number}#section-{key.section}"


def label_by_rfc(dynamic: Any, key: RfcKey, protocol: str | None) -> None:
    """Set the labels and link on ``allure.dynamic`` (untyped, hence Any)."""
    if protocol:
        dynamic.parent_suite(protocol.upper())
    dynamic.suite(f"RFC {key.number}")
    dynamic.sub_suite(f"§{key.section}")
    dynamic.severity(SEVERITY[key.level])
    dynamic.link(rfc_url(key), name=f"RFC {key.number} §{key.section}")
