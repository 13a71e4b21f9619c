"""What one abusive client may cost the reference servers: bounded memory, no work for a
connection that is gone, connection limits, and no slow-loris hold on a connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from served_process import ServedProcess
from served_process import served as _served  # noqa: F401 (registers the fixture)

from reference_impl._misuse import MisusePolicy
from reference_impl._shell import ConnectionLimits
from reference_impl.auth import Accounts
from reference_impl.smtp import ServerConfig
from reference_impl.smtp.server import Listener, start_server
from reference_impl.store import MailStore
from reference_impl.tls import LoopbackTLS

MIB = 1024 * 1024


def _login(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    reader = sock.makefile("rb")
    assert reader.readline().startswith(b"+OK")
    for command in (b"USER alice\r\n", b"PASS alice-password\r\n"):
        sock.sendall(command)
        assert reader.readline().startswith(b"+OK"), command
    return sock


def _greets_within(port: int, seconds: float) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        return sock.recv(100).startswith((b"+OK", b"220"))


def test_a_retr_flood_that_never_reads_holds_bounded_memory(
    served: Callable[..., ServedProcess],
) -> None:
    big = b"Subject: big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 1024  # 1 MiB
    server = served("pop3", messages=(big,))
    idle = server.rss_mib()
    sock = _login(server.port)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall(b"RETR 1\r\n" * 400)  # 400 MiB of answers, never read
    time.sleep(3)
    grown = server.rss_mib() - idle
    sock.close()
    assert grown < 100, f"the server grew by {grown:.0f} MiB for a client that reads nothing"
    # The queued RETRs of the closed connection are dropped: others are served at once.
    assert _greets_within(server.port, 5)


def test_a_thousand_idle_connections_cost_little(served: Callable[..., ServedProcess]) -> None:
    server = served("smtp")
    idle = server.rss_mib()
    sockets = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(1000)]
    try:
        for sock in sockets:
            sock.settimeout(10)
            assert sock.recv(100).startswith(b"220")
        grown = server.rss_mib() - idle
    finally:
        for sock in sockets:
            sock.close()
    assert grown < 50, f"1000 idle connections cost {grown:.0f} MiB"


# -- limits and timeouts, on a server in this process with small settings -------------------


@pytest.fixture
def smtp_listener(tmp_path: Path) -> Iterator[Callable[..., int]]:
    """Start the reference SMTP server with the given Listener settings; its port."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    servers: list[asyncio.Server] = []
    store = MailStore(tmp_path / "store")
    config = ServerConfig(hostname="mx.example.test", accounts=Accounts.from_mapping({}))

    def start(config: ServerConfig = config, **settings: object) -> int:
        listener = Listener(config=config, store=store, **settings)  # type: ignore[arg-type]
        future = asyncio.run_coroutine_threadsafe(start_server(listener), loop)
        server = future.result(timeout=10)
        servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    yield start
    for server in servers:
        loop.call_soon_threadsafe(server.close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    store.close()


def test_connections_past_the_per_address_limit_get_421(smtp_listener: Callable[..., int]) -> None:
    port = smtp_listener(limits=ConnectionLimits(total=10, per_address=2))
    first, second = (socket.create_connection(("127.0.0.1", port), timeout=5) for _ in "ab")
    with first, second, socket.create_connection(("127.0.0.1", port), timeout=5) as third:
        assert first.recv(100).startswith(b"220")
        assert second.recv(100).startswith(b"220")
        refused = third.recv(200)
        assert refused.startswith(b"421 ") and refused.endswith(b"\r\n")
        assert third.recv(100) == b""  # and closed
    # A closed connection frees its place.
    time.sleep(0.2)
    assert _greets_within(port, 5)


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed ``sock`` (whatever it said first), without waiting."""
    sock.setblocking(False)
    try:
        while sock.recv(4096):
            pass
        return True
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)


def test_a_client_sending_one_octet_at_a_time_is_closed_on_time(
    smtp_listener: Callable[..., int],
) -> None:
    # RFC 5321 §4.5.3.2.7: the server times out awaiting the next command; an octet
    # now and then is not a command, so it must not hold the connection open.
    port = smtp_listener(idle_timeout=1.0)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
        assert slow.recv(100).startswith(b"220")
        started = time.monotonic()
        while not _closed_by_server(slow) and time.monotonic() - started < 15:
            with contextlib.suppress(OSError):
                slow.sendall(b"N")
            assert _greets_within(port, 5)  # the others are served meanwhile
            time.sleep(0.2)
        held = time.monotonic() - started
    assert held < 10, "a client sending an octet every 0.2 s held the connection"


def _replies(sock: socket.socket, count: int) -> list[bytes]:
    """The last line of each of the next ``count`` replies."""
    reader, lines = sock.makefile("rb"), []
    while len(lines) < count:
        line = reader.readline()
        assert line, "closed"
        if line[3:4] != b"-":
            lines.append(line)
    return lines


def test_a_delayed_auth_failure_holds_that_client_only(smtp_listener: Callable[..., int]) -> None:
    # The delay after a failed AUTH is a timer in the shell: the client that guessed
    # waits, the event loop (and every other client) does not.
    accounts = Accounts.from_mapping(
        {"local_domains": ["example.test"], "users": [{"name": "alice", "password": "pw"}]}
    )
    config = ServerConfig(
        hostname="mx.example.test",
        accounts=accounts,
        auth_without_tls=True,
        misuse=MisusePolicy(login_delay=4.0),
    )
    port = smtp_listener(config=config)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as guesser:
        assert _replies(guesser, 1)[0].startswith(b"220")
        guesser.sendall(b"EHLO a.example.test\r\n")
        assert _replies(guesser, 1)[0].startswith(b"250")
        guesser.sendall(b"AUTH PLAIN AGFsaWNlAHdyb25n\r\nNOOP\r\n")  # \0alice\0wrong
        with socket.create_connection(("127.0.0.1", port), timeout=10) as other:
            other.sendall(b"EHLO b.example.test\r\nNOOP\r\n")
            assert [r[:3] for r in _replies(other, 3)] == [b"220", b"250", b"250"]
        guesser.setblocking(False)  # nothing sent to the guesser yet, not even a close
        with pytest.raises(BlockingIOError):
            guesser.recv(100)
        guesser.setblocking(True)
        assert [r[:3] for r in _replies(guesser, 2)] == [b"535", b"250"]


@pytest.fixture
def loopback_tls(tmp_path: Path) -> LoopbackTLS:
    return LoopbackTLS(tmp_path / "ca.pem")


def _failed_handshakes(caplog: pytest.LogCaptureFixture, port: int) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if "TLS handshake failed" in r.getMessage() and f"[:{port}] 127.0.0.1:" in r.getMessage()
    ]


def _eventually(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_a_failed_implicit_tls_handshake_is_logged_with_listener_and_peer(
    smtp_listener: Callable[..., int],
    loopback_tls: LoopbackTLS,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="reference_impl")
    port = smtp_listener(tls_context=loopback_tls.server_context(), implicit_tls=True)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as plain:
        plain.sendall(b"EHLO not-a-client-hello.example.test\r\n")  # plaintext on smtps
        assert plain.recv(100) == b""  # closed, nothing said in plaintext
    assert _eventually(lambda: bool(_failed_handshakes(caplog, port)))
    # A client that does speak TLS is still served.
    context = loopback_tls.client_context()
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    with context.wrap_socket(raw, server_hostname="localhost") as tls:
        assert tls.recv(100).startswith(b"220")


def test_a_failed_starttls_handshake_is_logged_and_frees_its_connection_slot(
    smtp_listener: Callable[..., int],
    loopback_tls: LoopbackTLS,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="reference_impl")
    config = ServerConfig(
        hostname="mx.example.test", accounts=Accounts.from_mapping({}), tls_available=True
    )
    port = smtp_listener(
        config=config,
        tls_context=loopback_tls.server_context(),
        limits=ConnectionLimits(total=10, per_address=1),
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        assert _replies(sock, 1)[0].startswith(b"220")
        sock.sendall(b"STARTTLS\r\n")
        assert _replies(sock, 1)[0].startswith(b"220")
        sock.sendall(b"\x16\x03\x01\x00\x05hello")  # a broken ClientHello
        with contextlib.suppress(OSError):
            assert not sock.recv(100).startswith(b"2")
    assert _eventually(lambda: bool(_failed_handshakes(caplog, port)))
    # The connection is gone, and so is its place under the per-address limit.
    assert _eventually(lambda: _greets_within(port, 5))
