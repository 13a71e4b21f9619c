"""A reader that stops early (``conformance coverage | head``) ends the command quietly:
no traceback about the broken pipe."""

from __future__ import annotations

import subprocess
import sys


def test_a_closed_pipe_ends_the_command_without_a_traceback() -> None:
    command = [sys.executable, "-m", "conformance.cli", "coverage"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline().startswith(b"RFC")
        child.stdout.close()  # as `head -1` does
        errors = child.stderr.read()
        child.wait(timeout=60)
    assert b"Traceback" not in errors, errors.decode(errors="replace")[-2000:]
