"""``requires(capability)`` means "the target advertises this capability", in the terms
of the test's protocol; each protocol's probe is in its registry entry's hooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

POP2_TEST = '''
import pytest

@pytest.mark.requires("TOP")
@pytest.mark.rfc(937, "3", "MUST", basis="RFC 937 predates RFC 2119")
def test_needs_a_capability(pop2_target):
    """A POP2 test cannot require a capability."""
'''


def test_requires_on_a_pop2_test_is_an_error_not_a_skip(pytester: pytest.Pytester) -> None:
    """RFC 937 has no capability discovery, so the marker can never be met: the test is
    wrong, and saying so (an error) beats skipping it for ever.  No connection is made."""
    pytester.makepyfile(test_pop2=POP2_TEST)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--target", "pop2://127.0.0.1:9", "--report-dir", "out"
    )
    document = json.loads((Path(pytester.path) / "out" / "results.json").read_text())
    (only,) = document["results"]
    assert (only["outcome"], only["protocol"]) == ("error", "pop2"), result.stdout.str()
    assert "POP2 has no way to advertise capabilities" in only["reason"]
