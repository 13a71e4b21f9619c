"""The dialogues of RFC 937 ("Examples", pages 13-14) replayed against the server core.

The lines the RFC's server sends are matched on their indicator and number only: the
text after them is "whatever the implementer thinks is appropriate" (page 6).
"""

from __future__ import annotations

from pop2_pair import ACCOUNTS, Store

from reference_impl.pop2 import ReplyKind, ServerConfig, ServerConnection, parse_reply

CONFIG = ServerConfig(hostname="USC-ISIF.ARPA", accounts=ACCOUNTS)


def run(store: Store, dialogue: list[tuple[bytes, bytes]]) -> ServerConnection:
    """``dialogue``: (client line, expected server output); "[n]" stands for n octets."""
    server = ServerConnection(CONFIG)
    greeting, rest = parse_reply(server.data_to_send()) or (None, b"")
    assert greeting is not None and greeting.greeting_host == b"USC-ISIF.ARPA" and not rest
    for sent, expected in dialogue:
        server.receive_data(sent)
        store.serve(server)
        out = server.data_to_send()
        if expected.startswith(b"["):
            assert len(out) == int(expected[1:-1]), (sent, out)
            continue
        reply, rest = parse_reply(out) or (None, b"")
        assert reply is not None and not rest, (sent, out)
        indicator = expected.split(b" ", 1)[0]
        assert reply.kind is ReplyKind(indicator[:1].decode()), (sent, out)
        if indicator[1:]:
            assert reply.number == int(indicator[1:]), (sent, out)
    return server


def message(size: int) -> bytes:
    return b"X" * (size - 2) + b"\r\n"


def test_example_1_read_and_delete_two_messages() -> None:
    store = Store({"alice": {1: message(537), 2: message(234)}})
    run(
        store,
        [
            (b"HELO alice alice-pw\r\n", b"#2 messages in your mailbox"),
            (b"READ\r\n", b"=537 characters in message 1"),
            (b"RETR\r\n", b"[537]"),
            (b"ACKD\r\n", b"=234 characters in message 2"),
            (b"RETR\r\n", b"[234]"),
            (b"ACKD\r\n", b"=0 no more messages"),
            (b"QUIT\r\n", b"+ OK, bye, bye"),
        ],
    )
    assert store.mailboxes["alice"] == {} and store.closed


def test_example_2_fold_then_read_the_last_message() -> None:
    mailbox = {uid: message(100) for uid in range(1, 27)} | {27: message(10123)}
    store = Store({"alice": mailbox})
    run(
        store,
        [
            (b"HELO alice alice-pw\r\n", b"#27 messages"),
            (b"FOLD INBOX\r\n", b"#27 messages"),
            (b"READ 27\r\n", b"=10123 characters in that message"),
            (b"RETR\r\n", b"[10123]"),
            (b"ACKS\r\n", b"=0 no more messages"),
            (b"QUIT\r\n", b"+ bye, call again sometime."),
        ],
    )
    assert len(store.mailboxes["alice"]) == 27


def test_example_3_empty_mailbox_read_then_close() -> None:
    store = Store({"alice": {}})
    server = run(store, [(b"HELO alice alice-pw\r\n", b"#0 messages"), (b"READ\r\n", b"=0")])
    server.receive_data(b"RETR\r\n")  # "Do not attempt to RETR a message of zero characters"
    store.serve(server)
    assert server.data_to_send() == b"" and store.closed
