"""The POP3 server and client cores wired together in memory (RFC 1939, 2449, 5034)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from pop3_pair import TIMESTAMP, UID_VALIDITY, Pair, make_config

from reference_impl.auth import cram_md5_response, plain_response
from reference_impl.pop3 import (
    ClientConnection,
    ClientState,
    LocalProtocolError,
    MaildropRequested,
    ServerConnection,
    State,
    UpdateRequested,
)

M1 = b"Subject: one\r\n\r\nfirst body\r\n"
M2 = b"Subject: two\r\n\r\n.starts with a dot\r\n..two\r\n.\r\nline 4\r\nline 5\r\n"
M3 = b"Subject: three\r\n\r\nthird\r\n"


def maildrop() -> dict[int, bytes]:
    return {3: M1, 7: M2, 9: M3}


def logged_in(**changes: object) -> Pair:
    pair = Pair.new(maildrop(), **changes)
    assert pair.login().response.ok
    assert pair.server.state is State.TRANSACTION
    return pair


def test_greeting_carries_the_apop_timestamp() -> None:
    pair = Pair.new()
    assert pair.greeting is not None and pair.greeting.response.ok
    assert pair.greeting.response.timestamp == TIMESTAMP.encode()
    assert pair.client.state is ClientState.COMMANDS


def test_fresh_timestamps_differ_per_session() -> None:
    stamps = {ServerConnection(make_config()).timestamp for _ in range(50)}
    assert len(stamps) == 50
    assert all(s.startswith("<") and s.endswith("@pop.example.test>") for s in stamps)


def test_user_pass_opens_the_maildrop() -> None:
    pair = Pair.new(maildrop())
    received = pair.login()
    assert received.response.ok
    assert b"3 messages" in received.response.text
    assert MaildropRequested(user="alice") in pair.events


def test_wrong_password_gets_auth_code_and_stays_in_authorization() -> None:
    pair = Pair.new(maildrop())
    received = pair.login(password="wrong")
    assert (received.response.ok, received.response.code) == (False, "AUTH")
    assert pair.server.state is State.AUTHORIZATION
    assert pair.command("PASS alice-pw").response.ok is False  # USER must come again


def test_pass_keeps_spaces_in_the_password() -> None:
    pair = Pair.new()
    pair.command("USER alice")
    assert pair.command("PASS alice-pw ").response.code == "AUTH"


def test_apop() -> None:
    pair = Pair.new(maildrop())
    digest = hashlib.md5((TIMESTAMP + "alice-pw").encode()).hexdigest()
    assert pair.command(f"APOP alice {digest}").response.ok
    assert pair.server.state is State.TRANSACTION


def test_apop_wrong_digest() -> None:
    pair = Pair.new()
    received = pair.command("APOP alice " + "0" * 32)
    assert (received.response.ok, received.response.code) == (False, "AUTH")


def test_locked_maildrop_is_in_use() -> None:
    pair = Pair.new(maildrop())
    pair.locked.add("alice")
    received = pair.login()
    assert received.response.code == "IN-USE"
    assert pair.server.state is State.AUTHORIZATION


def test_transaction_commands_are_refused_before_login() -> None:
    pair = Pair.new(maildrop())
    for line in ("STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 0", "UIDL"):
        assert not pair.command(line).response.ok, line
    assert pair.server.state is State.AUTHORIZATION


def test_authorization_commands_are_refused_in_transaction() -> None:
    pair = logged_in()
    for line in ("USER alice", "PASS x", "APOP alice x", "STLS", "AUTH PLAIN"):
        assert not pair.command(line).response.ok, line
    assert pair.server.state is State.TRANSACTION


def test_stat_and_list_count_octets() -> None:
    pair = logged_in()
    total = len(M1) + len(M2) + len(M3)
    assert pair.command("STAT").response.text == f"3 {total}".encode()
    listing = pair.command("LIST").response
    assert listing.lines == (
        f"1 {len(M1)}".encode(),
        f"2 {len(M2)}".encode(),
        b"3 " + str(len(M3)).encode(),
    )
    assert pair.command("LIST 2").response.text == f"2 {len(M2)}".encode()
    assert not pair.command("LIST 4").response.ok
    assert not pair.command("LIST x").response.ok


def test_retr_is_byte_exact_after_unstuffing() -> None:
    pair = logged_in()
    response = pair.command("RETR 2").response
    assert response.ok and response.body == M2
    assert b"\r\n...two\r\n" in response.raw  # stuffed on the wire
    assert response.raw.endswith(b"\r\n.\r\n")


def test_top() -> None:
    pair = logged_in()
    assert pair.command("TOP 2 0").response.body == b"Subject: two\r\n\r\n"
    assert (
        pair.command("TOP 2 2").response.body
        == b"Subject: two\r\n\r\n.starts with a dot\r\n..two\r\n"
    )
    assert pair.command("TOP 2 99").response.body == M2
    assert not pair.command("TOP 2").response.ok
    assert not pair.command("TOP 2 -1").response.ok


def test_uidl_is_stable_and_unique() -> None:
    pair = logged_in()
    lines = list(pair.command("UIDL").response.lines)
    assert lines == [f"{n} {UID_VALIDITY}.{uid}".encode() for n, uid in ((1, 3), (2, 7), (3, 9))]
    assert pair.command("UIDL 3").response.text == f"3 {UID_VALIDITY}.9".encode()
    for line in lines:
        unique = line.split(b" ")[1]
        assert 1 <= len(unique) <= 70 and all(0x21 <= b <= 0x7E for b in unique)


def test_deleted_messages_disappear_until_rset() -> None:
    pair = logged_in()
    assert pair.command("DELE 2").response.ok
    for line in ("RETR 2", "LIST 2", "TOP 2 0", "UIDL 2", "DELE 2"):
        assert not pair.command(line).response.ok, line
    assert pair.command("STAT").response.text == f"2 {len(M1) + len(M3)}".encode()
    assert [line.split(b" ")[0] for line in pair.command("LIST").response.lines] == [b"1", b"3"]
    assert pair.command("RSET").response.ok
    assert pair.command("RETR 2").response.body == M2


def test_quit_in_transaction_commits_deletions() -> None:
    pair = logged_in()
    pair.command("DELE 1")
    pair.command("DELE 3")
    assert 3 in pair.messages  # nothing is removed before UPDATE
    received = pair.command("QUIT")
    assert received.response.ok
    assert UpdateRequested(user="alice", deleted_uids=(3, 9)) in pair.events
    assert pair.messages == {7: M2}
    assert pair.server.state is State.CLOSED and pair.client.state is ClientState.CLOSED


def test_quit_in_authorization_updates_nothing() -> None:
    pair = Pair.new(maildrop())
    assert pair.command("QUIT").response.ok
    assert not any(isinstance(e, UpdateRequested) for e in pair.events)


def test_autologout_deletes_nothing_and_sends_nothing() -> None:
    pair = logged_in()
    pair.command("DELE 1")
    pair.server.timed_out()
    assert pair.server.data_to_send() == b""
    assert pair.server.state is State.CLOSED
    assert not any(isinstance(e, UpdateRequested) for e in pair.events)


def test_store_failure_is_sys_temp() -> None:
    pair = logged_in()
    pair.fail_reads = True
    assert pair.command("RETR 1").response.code == "SYS/TEMP"
    assert pair.server.state is State.TRANSACTION


def test_pipelined_commands_are_answered_in_order() -> None:
    pair = Pair.new(maildrop())
    batch = b"".join(
        pair.client.command(line)
        for line in ("USER alice", "PASS alice-pw", "STAT", "RETR 2", "LIST", "QUIT")
    )
    received = pair.send(batch)
    assert [r.command for r in received] == ["USER", "PASS", "STAT", "RETR", "LIST", "QUIT"]
    assert all(r.response.ok for r in received)
    assert received[3].response.body == M2


def test_capa_before_and_after_login() -> None:
    pair = Pair.new(maildrop(), tls_available=True)
    before = pair.command("CAPA").response.lines
    for capability in (b"TOP", b"UIDL", b"USER", b"RESP-CODES", b"PIPELINING", b"STLS"):
        assert capability in before
    assert b"EXPIRE NEVER" in before and b"LOGIN-DELAY 0" in before
    assert b"IMPLEMENTATION mail-conformance" in before and b"AUTH-RESP-CODE" in before
    assert not any(line.startswith(b"SASL") for line in before)  # not before TLS
    pair.login()
    after = pair.command("CAPA").response.lines
    assert b"STLS" not in after and b"TOP" in after


def test_stls_resets_and_discards_pipelined_octets() -> None:
    pair = Pair.new(maildrop(), tls_available=True, user_without_tls=False)
    assert pair.command("USER alice").response.code == "AUTH"  # plaintext refused
    received = pair.send(pair.client.command("STLS") + b"USER alice\r\n")
    assert [r.command for r in received] == ["STLS"]  # the USER was dropped
    assert pair.server.tls_active and pair.client.state is ClientState.TLS
    pair.client.tls_started()
    capabilities = pair.command("CAPA").response.lines
    assert b"SASL PLAIN LOGIN CRAM-MD5" in capabilities and b"STLS" not in capabilities
    assert not pair.command("STLS").response.ok  # TLS already active
    assert pair.login().response.ok


def test_stls_unavailable() -> None:
    pair = Pair.new()
    assert not pair.command("STLS").response.ok
    assert pair.server.state is State.AUTHORIZATION


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_auth_plain_with_initial_response() -> None:
    pair = Pair.new(maildrop(), auth_without_tls=True)
    received = pair.command(f"AUTH PLAIN {b64(plain_response('alice', 'alice-pw'))}")
    assert received.response.ok and pair.server.state is State.TRANSACTION
    assert not pair.command("AUTH PLAIN").response.ok  # RFC 5034: no second AUTH


def test_auth_plain_with_empty_challenge() -> None:
    pair = Pair.new(maildrop(), auth_without_tls=True)
    challenge = pair.command("AUTH PLAIN")
    assert challenge.response.status == b"+" and challenge.response.raw == b"+ \r\n"
    (done,) = pair.send(pair.client.sasl_response(plain_response("alice", "alice-pw")))
    assert done.command == "AUTH" and done.response.ok


def test_auth_cram_md5() -> None:
    pair = Pair.new(maildrop(), auth_without_tls=True)
    challenge = base64.b64decode(pair.command("AUTH CRAM-MD5").response.text)
    (done,) = pair.send(pair.client.sasl_response(cram_md5_response(challenge, "bob", "bob-pw")))
    assert done.response.ok and pair.server.user == "bob"


def test_auth_cancel_and_bad_base64() -> None:
    pair = Pair.new(auth_without_tls=True)
    pair.command("AUTH LOGIN")
    (cancelled,) = pair.send(pair.client.sasl_response(None))
    assert not cancelled.response.ok and pair.server.state is State.AUTHORIZATION
    pair.command("AUTH LOGIN")
    pair.client.sasl_response(b"")  # leave the client's SASL state
    (bad,) = pair.send(b"not base64!\r\n")
    assert not bad.response.ok and pair.server.state is State.AUTHORIZATION


def test_auth_wrong_password_and_unknown_mechanism() -> None:
    pair = Pair.new(auth_without_tls=True)
    wrong = pair.command(f"AUTH PLAIN {b64(plain_response('alice', 'nope'))}")
    assert wrong.response.code == "AUTH"
    assert not pair.command("AUTH GSSAPI").response.ok


def test_auth_refused_before_tls_by_default() -> None:
    pair = Pair.new()
    assert pair.command("AUTH PLAIN").response.code == "AUTH"


def test_bare_auth_lists_mechanisms() -> None:
    pair = Pair.new(auth_without_tls=True)
    assert pair.command("AUTH").response.lines == (b"PLAIN", b"LOGIN", b"CRAM-MD5")


def test_long_line_is_refused_and_the_session_goes_on() -> None:
    pair = Pair.new(maildrop())
    pair.client.command("NOOP")  # pair the -ERR with a command
    assert pair.send(b"NOOP " + b"x" * 300) == []  # discarded while it arrives
    (too_long,) = pair.send(b"x" * 300 + b"\r\n")
    assert not too_long.response.ok
    assert pair.login().response.ok


def test_command_line_limits() -> None:
    pair = Pair.new(maildrop())
    assert pair.send(b"USER " + b"x" * 300 + b"\r\n")[0].response.ok is False
    # RFC 2449 §4: 255 octets with the CRLF, the argument as long as the line allows.
    assert pair.command("USER " + "x" * 249).response.ok is False
    assert pair.command("USER " + "x" * 248).response.ok is True
    assert pair.login().response.ok


def test_garbage_gets_err() -> None:
    pair = Pair.new()
    for line in (b"", b"XYZZY", b"US", b"USER\ralice", b"\x00\xff"):
        (received,) = pair.send(line + b"\r\n")
        assert not received.response.ok, line
    assert pair.server.state is State.AUTHORIZATION


def test_client_refuses_local_misuse() -> None:
    pair = Pair.new()
    with pytest.raises(LocalProtocolError):
        pair.client.command("USER a\r\nPASS b")
    with pytest.raises(LocalProtocolError):
        pair.client.sasl_response(b"x")


def test_client_discards_responses_injected_before_the_tls_handshake() -> None:
    # CVE-2011-0411, client side (RFC 2595 §4): what follows +OK to STLS in the clear
    # is not a response; CAPA after the handshake is answered from inside TLS only.
    client = ClientConnection()
    client.receive_data(b"+OK POP3 ready\r\n")
    client.command("STLS")
    client.receive_data(b"+OK Begin TLS\r\n+OK\r\nPLAIN\r\n.\r\n")
    received = []
    while (event := client.next_event()) is not None:
        received.append((event.command, event.response.ok))
    assert received == [("", True), ("STLS", True)]
    client.tls_started()
    client.command("CAPA")
    client.receive_data(b"+OK inside\r\nUSER\r\n.\r\n")
    event = client.next_event()
    assert event is not None and event.command == "CAPA"
    assert event.response.lines == (b"USER",)
    assert client.next_event() is None
