"""A deliberately broken SMTP client: it sends one message, departing from the RFCs in
the ways ``--misbehave`` names (repeatable), and otherwise waits for every reply.

    python broken_smtp_client.py --host H --port P [--cafile CA] --misbehave bare-lf

Used by test_broken_client.py: each misbehaviour must fail exactly the judge's matching
checks.  It never prints what the server sent.  It exits 1 when its message was not
delivered (a transient failure reported to its user, RFC 5321 §4.2.5), unless it
misbehaves by claiming delivery; with ``retry`` it keeps the message and tries again
once, in a new session, as a queue would (§4.2.1).
"""

from __future__ import annotations

import argparse
import base64
import socket
import ssl
import sys

MISBEHAVIOURS = (
    "no-dot-stuffing",  # RFC 5321 §4.5.2
    "bare-lf",  # §2.3.8
    "pipeline-without-pipelining",  # §4.3.1
    "no-greeting-wait",  # §4.3.1
    "no-quit",  # §4.1.1.10
    "no-helo-fallback",  # §4.1.1.1
    "long-line",  # §4.5.3.1
    "password-in-clear",  # RFC 4616 §6
    "starttls",  # not a misbehaviour: upgrade with STARTTLS, for the TLS scenarios
    "helo-after-starttls",  # RFC 3207 §4.2
    "believe-injection",  # RFC 3207 §4.2
    "mail-after-refused-starttls",  # practice
    "ignore-size-refusal",  # RFC 1870 §6.2
    "repeat-refused-mail",  # RFC 5321 §4.2.1: the MAIL refused 5yz sent again at once
    "claims-delivery",  # RFC 5321 §4.2.5: exits 0 though the message was not delivered
    "retry",  # not a misbehaviour: try a message deferred (4yz, dropped) again, once
    "retry-only-latest",  # §4.2.1: two messages deferred, only the second tried again
    "resend-after-250",  # a delivered message sent again in a new session
    "two-recipients",  # not a misbehaviour: one message for two recipients
    "unbounded-reads",  # practice: reads a reply however long it goes on
    "go-on-after-out-of-range",  # RFC 5321 §4.2: takes a 6yz to MAIL for its 2yz
)
# What a client that bounds its reads takes of one reply before it gives up and closes.
REPLY_BOUND = 64 * 1024
RECIPIENTS = (b"rcpt@judge.example", b"second@judge.example")
BODY = [b".a line that starts with a period", b"..two periods", b"last line"]


class ReplyTooLong(Exception):
    """The server's reply went past ``REPLY_BOUND``: the client gives up the session."""


class Client:
    def __init__(self, host: str, port: int, cafile: str | None, bad: set[str]) -> None:
        self.sock: socket.socket = socket.create_connection((host, port), timeout=10)
        self.cafile, self.bad, self.host = cafile, bad, host
        self.buffer = b""
        self.esmtp = False

    def reply(self) -> bytes:
        """One whole reply: lines up to the one with a space after the code."""
        lines = []
        while True:
            while b"\r\n" not in self.buffer:
                self._within_bound(len(self.buffer) + sum(map(len, lines)))
                data = self.sock.recv(4096)
                if not data:
                    return b"".join(lines) or b"closed"
                self.buffer += data
            line, _, self.buffer = self.buffer.partition(b"\r\n")
            lines.append(line + b"\r\n")
            if line[3:4] != b"-":
                return b"".join(lines)

    def _within_bound(self, octets: int) -> None:
        if octets > REPLY_BOUND and "unbounded-reads" not in self.bad:
            raise ReplyTooLong(octets)

    def command(self, line: bytes) -> bytes:
        self.sock.sendall(line + b"\r\n")
        return self.reply()

    def upgrade(self) -> None:
        """Start TLS after the 220.  A client that believes the injection keeps what came
        in the clear after the 220 (waiting for it: a whole reply) as its next reply."""
        if "believe-injection" in self.bad:
            while not self.buffer.endswith(b"\r\n") or b"\r\n250 " not in b"\r\n" + self.buffer:
                self.buffer += self.sock.recv(4096)
        else:
            self.buffer = b""  # RFC 3207 §4.2: forget what came in the clear
        context = ssl.create_default_context(cafile=self.cafile)
        self.sock = context.wrap_socket(self.sock, server_hostname="localhost")


def _data(bad: set[str]) -> bytes:
    lines = list(BODY)
    if "no-dot-stuffing" not in bad:
        lines = [b"." + line if line.startswith(b".") else line for line in lines]
    if "long-line" in bad:
        lines.append(b"x" * 1100)
    header = [b"From: <sender@client.example>", b"To: <rcpt@judge.example>", b"Subject: x", b""]
    # bare-lf: the body's lines end in a bare LF, the end of data is right (a common bug).
    body = (b"\n" if "bare-lf" in bad else b"\r\n").join(lines)
    return b"\r\n".join([*header, body, b"."]) + b"\r\n"


def run(
    client: Client, bad: set[str], rcpts: tuple[bytes, ...] = RECIPIENTS[:1]
) -> tuple[bytes, tuple[bytes, ...]]:
    """One session delivering to ``rcpts``: the reply that ended the attempt, and the
    recipients the message was delivered to."""
    accepted = rcpts[:1]
    if "no-greeting-wait" not in bad:
        client.reply()
    if "pipeline-without-pipelining" in bad:
        group = [b"EHLO client.example", b"MAIL FROM:<sender@client.example>"]
        client.sock.sendall(b"\r\n".join([*group, b"RCPT TO:<rcpt@judge.example>", b""]))
        for _ in range(4 if "no-greeting-wait" in bad else 3):
            client.reply()
    else:
        ehlo = client.command(b"EHLO client.example")
        if "no-greeting-wait" in bad:
            client.reply()
        client.esmtp = ehlo.startswith(b"250")
        if ehlo.startswith(b"500") and "no-helo-fallback" not in bad:
            client.command(b"HELO client.example")
        elif ehlo.startswith(b"500"):
            client.command(b"QUIT")
            return ehlo, ()
        if "starttls" in bad:
            refused = not client.command(b"STARTTLS").startswith(b"220")
            if refused and "mail-after-refused-starttls" not in bad:
                client.command(b"QUIT")
                return b"454", ()
            if not refused:
                client.upgrade()
                _after_tls(client, bad)
        if "password-in-clear" in bad:
            token = base64.b64encode(b"\0alice\0alice-password")
            client.command(b"AUTH PLAIN " + token)
        size = b" SIZE=500" if client.esmtp else b""  # parameters need EHLO (RFC 5321 §2.2.1)
        mail = client.command(b"MAIL FROM:<sender@client.example>" + size)
        if mail.startswith(b"552") and "ignore-size-refusal" not in bad:
            client.command(b"QUIT")
            return mail, ()
        if mail.startswith(b"5") and "repeat-refused-mail" in bad:
            mail = client.command(b"MAIL FROM:<sender@client.example>" + size)
        went_on = mail.startswith(b"6") and "go-on-after-out-of-range" in bad
        if not mail.startswith(b"250") and not went_on and "ignore-size-refusal" not in bad:
            return _quit(client, bad, mail), ()
        # §3.3: DATA follows when any recipient was accepted; a 4yz one waits for later.
        accepted = ()
        for rcpt in rcpts:
            reply = client.command(b"RCPT TO:<" + rcpt + b">")
            if reply.startswith((b"421", b"closed")):
                return reply, ()  # the server closed: nothing more on this connection
            accepted += (rcpt,) if reply.startswith(b"2") else ()
        if not accepted:
            return _quit(client, bad, b"no recipient accepted"), ()
    ended = client.command(b"DATA")
    if ended.startswith(b"354"):
        client.sock.sendall(_data(bad))
        ended = client.reply()
    return _quit(client, bad, ended), accepted if ended.startswith(b"250") else ()


def _quit(client: Client, bad: set[str], ended: bytes) -> bytes:
    if "no-quit" not in bad and not ended.startswith((b"421", b"closed")):
        client.command(b"QUIT")
    return ended


def _after_tls(client: Client, bad: set[str]) -> None:
    if "believe-injection" in bad:
        client.sock.sendall(b"EHLO client.example\r\n")
        client.reply()  # the injected plaintext, taken for the reply
        client.sock.sendall(b"RSET\r\n")  # before the real reply: the judge sees it
        client.reply()
        client.reply()
    elif "helo-after-starttls" in bad:
        client.command(b"HELO client.example")
        client.esmtp = False
    else:
        client.command(b"EHLO client.example")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cafile")
    parser.add_argument("--misbehave", action="append", choices=MISBEHAVIOURS, default=[])
    args = parser.parse_args()
    bad = set(args.misbehave)
    queue = [RECIPIENTS[:1], RECIPIENTS[1:]] if "retry-only-latest" in bad else [RECIPIENTS[:1]]
    queue = [RECIPIENTS] if "two-recipients" in bad else queue
    delivered: set[bytes] = set()
    deferred = []
    for rcpts in queue:
        delivered.update(_attempt(args, bad, rcpts))
        deferred += [left] if (left := tuple(set(rcpts) - delivered)) else []
    if bad & {"retry", "retry-only-latest"}:
        for rcpts in deferred[-1:] if "retry-only-latest" in bad else deferred:
            delivered.update(_attempt(args, bad, rcpts))
    if "resend-after-250" in bad and delivered:
        _attempt(args, bad, (min(delivered),))
    wanted = {rcpt for rcpts in queue for rcpt in rcpts}
    if delivered != wanted and "claims-delivery" not in bad:
        sys.exit(1)  # §4.2.5: the user learns the message was not delivered


def _attempt(
    args: argparse.Namespace, bad: set[str], rcpts: tuple[bytes, ...]
) -> tuple[bytes, ...]:
    """One session for ``rcpts``; those the message was delivered to (a 250 after it)."""
    client = Client(args.host, args.port, args.cafile, bad)
    with client.sock:
        try:
            return run(client, bad, rcpts)[1]
        except ReplyTooLong:
            return ()  # closed: a server that does not end its reply gets no more


if __name__ == "__main__":
    main()
