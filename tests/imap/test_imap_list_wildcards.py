"""LIST and LSUB patterns (RFC 9051 §6.3.9: "*" matches zero or more characters, "%" the
same but not the hierarchy delimiter) are matched in time that grows with the pattern
and name lengths, not exponentially: a 25-octet pattern of wildcards against a long
name must not tie the server up (it did, by regex backtracking, for minutes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from imap_driver import logged_in

from reference_impl.imap._list_command import _pattern

# In a child process, so a matcher that backtracks without end is stopped by the guard.
_LIST_WITH_WILDCARDS = """
import sys
sys.path.insert(0, {here!r})
from pathlib import Path
from imap_driver import logged_in
pair = logged_in(Path({root!r}))
pair.send(b'c CREATE "' + b"a" * 40 + b'"\\r\\n')
for pattern in (b"*" * 24 + b"b", b"%*" * 12 + b"b", b"*a" * 12 + b"b"):
    reply = pair.send(b'l LIST "" "' + pattern + b'"\\r\\n')
    assert reply.endswith(b"l OK listed\\r\\n") and b"* LIST" not in reply, reply
print("done")
"""
GUARD_SECONDS = 60  # the match takes milliseconds; the guard only stops a runaway


def test_many_wildcards_are_matched_without_backtracking_blowup(tmp_path: Path) -> None:
    code = _LIST_WITH_WILDCARDS.format(here=str(Path(__file__).parent), root=str(tmp_path))
    try:
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=GUARD_SECONDS
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"LIST with 24 wildcards against a 40-octet name ran past {GUARD_SECONDS} s")
    assert run.stdout.strip() == "done", run.stderr[-2000:]


@pytest.mark.parametrize(
    ("reference", "pattern", "name", "matched"),
    [
        ("", "*", "a/b/c", True),
        ("", "%", "a/b", False),
        ("", "%", "a", True),
        ("", "a%", "ab", True),
        ("", "a%", "a/b", False),
        ("", "%/%", "a/b", True),
        ("", "*b", "a/b", True),
        ("", "*%*", "", True),
        ("", "a*c", "abbbc", True),
        ("", "a*c", "abbbd", False),
        ("a/", "%", "a/b", True),
        ("a/", "%", "a/b/c", False),
        ("", "a.b", "a.b", True),
        ("", "a.b", "axb", False),  # no regular expression meaning leaks in
        ("", "", "", True),
        ("", "", "a", False),
    ],
)
def test_wildcards_keep_their_meaning(
    reference: str, pattern: str, name: str, matched: bool
) -> None:
    assert bool(_pattern(reference, pattern).fullmatch(name)) is matched


def test_list_still_selects_by_pattern(tmp_path: Path) -> None:
    pair = logged_in(tmp_path)
    for name in (b"work", b"work/2024", b"job"):
        pair.send(b'c CREATE "' + name + b'"\r\n')
    listed = pair.send(b'l LIST "" "w%"\r\n')
    assert b'"/" work\r\n' in listed and b"work/2024" not in listed and b"job" not in listed
