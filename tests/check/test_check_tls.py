"""``conformance check`` grades STARTTLS, the certificate and the TLS versions of an MX.

The MX is the reference SMTP server on 127.0.0.1 with a certificate made per test; the
domain's records come from a private DNS server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
from collections.abc import Callable
from typing import Any

import pytest
from conftest import Served
from private_dns import private_dns

from conformance import _check_tls
from conformance._check_tls import Endpoint, VersionProbe, name_matches, probe_version
from conformance._smtp_check import STARTTLS
from conformance.cli import main

_ZONE = """
example.test. 300 IN MX 10 mx.example.test.
mx.example.test. 300 IN A 127.0.0.1
"""
_MTA_STS = '_mta-sts.example.test. 300 IN TXT "v=STSv1; id=20260101"\n'


def _check(
    capsys: pytest.CaptureFixture[str], served: Served, zone: str = _ZONE, *extra: str
) -> tuple[int, dict[str, Any]]:
    """Run ``conformance check example.test --tls-only --json``; exit status and the host."""
    with private_dns(zone) as server:
        code = main(
            [
                "check",
                "example.test",
                "--dns-server",
                server,
                "--port",
                str(served.port),
                "--ca-file",
                str(served.ca_file),
                "--tls-only",
                "--json",
                "--timeout",
                "5",
                *extra,
            ]
        )
    (host,) = json.loads(capsys.readouterr().out)["hosts"]
    return code, host


def _skip_unless_tls_1_0_can_be_offered() -> None:
    """Only where this machine cannot send a TLS 1.0 hello: the check then says "not
    probed" (as the test of a version this machine cannot offer shows), and a server's
    answer to TLS 1.0 cannot be graded here."""
    if _check_tls._why_we_cannot_offer(ssl.TLSVersion.TLSv1) is not None:
        pytest.skip("this machine's OpenSSL cannot offer TLS 1.0, so cannot probe it")


def _outcomes(host: dict[str, Any]) -> dict[str, str]:
    return {finding["check"]: finding["outcome"] for finding in host["findings"]}


def test_a_well_configured_mx_gets_grade_a(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    served = smtp_server()
    code, host = _check(capsys, served)
    outcomes = _outcomes(host)
    assert host["url"] == f"smtp://mx.example.test:{served.port}"
    assert outcomes["STARTTLS"] == "passed"
    assert outcomes["certificate chain"] == "passed"
    assert outcomes["certificate name"] == "passed"
    assert outcomes["certificate expiry"] == "passed"
    # Debian's OpenSSL 3 has no SSL 3.0 at all: the check says so rather than "refused".
    cannot = _check_tls._why_we_cannot_offer(ssl.TLSVersion.SSLv3) is not None
    assert outcomes["SSL 3.0"] == ("not probed" if cannot else "passed")
    assert outcomes["TLS 1.0"] == "passed"  # not offered
    assert outcomes["TLS 1.1"] == "passed"
    assert outcomes["TLS 1.2 or later"] == "passed"
    assert (host["grade"], code) == ("A", 0)


def test_a_certificate_for_another_name_warns_without_mta_sts(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    code, host = _check(capsys, smtp_server(("other.example.test",)))
    assert _outcomes(host)["certificate name"] == "warned"
    assert (host["grade"], code) == ("B", 0)


def test_a_certificate_for_another_name_fails_under_mta_sts(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    code, host = _check(capsys, smtp_server(("other.example.test",)), _ZONE + _MTA_STS)
    name = next(f for f in host["findings"] if f["check"] == "certificate name")
    assert name["outcome"] == "failed"
    assert name["rule"].startswith("RFC 8461 §4.2")
    assert (host["grade"], code) == ("F", 1)


def test_an_expired_certificate_is_graded_down(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    expired = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    code, host = _check(capsys, smtp_server(not_after=expired), _ZONE + _MTA_STS)
    outcomes = _outcomes(host)
    assert outcomes["certificate expiry"] == "failed"
    chain = next(f for f in host["findings"] if f["check"] == "certificate chain")
    assert chain["outcome"] == "failed" and "expired" in chain["detail"]
    assert (host["grade"], code) == ("F", 1)


def test_a_certificate_expiring_within_the_warning_days_warns(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    served = smtp_server(not_after=soon)
    _, host = _check(capsys, served)
    assert _outcomes(host)["certificate expiry"] == "warned"
    _, host = _check(capsys, served, _ZONE, "--expiry-warning", "3")
    assert _outcomes(host)["certificate expiry"] == "passed"


def test_an_mx_without_starttls_is_warned_and_fails_under_mta_sts(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    served = smtp_server(starttls=False)
    code, host = _check(capsys, served)
    assert _outcomes(host) == {"STARTTLS": "warned"}
    assert (host["grade"], code) == ("B", 0)
    code, host = _check(capsys, served, _ZONE + _MTA_STS)
    assert _outcomes(host) == {"STARTTLS": "failed"}
    assert (host["grade"], code) == ("F", 1)


def test_an_mx_accepting_tls_1_0_fails_rfc_8996(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    served = smtp_server(old_versions=True)
    _skip_unless_tls_1_0_can_be_offered()
    code, host = _check(capsys, served)
    tls10 = next(f for f in host["findings"] if f["check"] == "TLS 1.0")
    assert (tls10["outcome"], tls10["rule"]) == ("failed", "RFC 8996 §2")
    assert (host["grade"], code) == ("F", 1)


def test_an_mx_speaking_only_tls_1_0_is_probed_not_written_off(
    smtp_server: Callable[..., Served], capsys: pytest.CaptureFixture[str]
) -> None:
    """The first handshake (TLS 1.2 or later) fails; the probes still find TLS 1.0."""
    served = smtp_server(only_old=True)
    _skip_unless_tls_1_0_can_be_offered()
    code, host = _check(capsys, served)
    outcomes = _outcomes(host)
    assert outcomes["STARTTLS"] == "failed"
    assert outcomes["TLS 1.0"] == "failed"
    assert outcomes["TLS 1.2 or later"] == "warned"  # no MTA-STS: RFC 8314 binds no MX
    assert (host["grade"], code) == ("F", 1)


def test_a_version_this_machine_cannot_offer_is_not_probed_not_refused(
    smtp_server: Callable[..., Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hello fails to build here (no version between minimum and maximum): the probe
    says it could not ask, never that the server refused."""
    served = smtp_server(old_versions=True)

    def impossible(version: ssl.TLSVersion) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        return context

    monkeypatch.setattr(_check_tls, "_context_for", impossible)
    endpoint = Endpoint(
        name="mx.example.test",
        address="127.0.0.1",
        port=served.port,
        upgrade=STARTTLS,
        timeout=5,
    )
    result, detail = probe_version(endpoint, ssl.TLSVersion.TLSv1)
    assert result is VersionProbe.CANNOT_PROBE, detail
    assert "cannot offer" in detail


@pytest.mark.parametrize(
    ("host", "names", "expected"),
    [
        ("mx.example.test", ("mx.example.test",), True),
        ("MX.Example.Test", ("mx.example.test",), True),
        ("mx.example.test", ("*.example.test",), True),
        ("a.mx.example.test", ("*.example.test",), False),  # RFC 6125 §6.4.3: one label
        ("example.test", ("*.example.test",), False),
        ("mx.example.test", ("other.example.test",), False),
        ("127.0.0.1", ("localhost", "127.0.0.1"), True),
        ("127.0.0.2", ("localhost", "127.0.0.1"), False),
    ],
)
def test_name_matching(host: str, names: tuple[str, ...], expected: bool) -> None:
    assert name_matches(host, names) is expected
