"""A DNS server on 127.0.0.1 answering from a zone text, for ``conformance check`` tests.

Names are absolute (the zone's origin is the root), so one zone holds the domain under test
and its MX hosts, ``localhost.`` included: no question ever needs another server.  A name
absent from the zone gets NXDOMAIN, a present name without the asked type an empty answer
(the "no MX records" case of RFC 5321 §5.1).  UDP only; a thread serves until ``stop``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rrset
import dns.zone

__all__ = ["private_dns"]


def _answer(zone: dns.zone.Zone, query: dns.message.Message) -> dns.message.Message:
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    question = query.question[0]
    node = zone.get_node(question.name)
    if node is None:
        response.set_rcode(dns.rcode.NXDOMAIN)
        return response
    found = node.get_rdataset(dns.rdataclass.IN, question.rdtype)
    if found is not None:
        response.answer.append(dns.rrset.from_rdata_list(question.name, found.ttl, found))
    return response


def _serve(sock: socket.socket, zone: dns.zone.Zone, stopping: threading.Event) -> None:
    sock.settimeout(0.2)
    while not stopping.is_set():
        try:
            wire, peer = sock.recvfrom(4096)
        except TimeoutError:
            continue
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            continue
        sock.sendto(_answer(zone, query).to_wire(), peer)


@contextmanager
def private_dns(zone_text: str) -> Iterator[str]:
    """Serve ``zone_text``; yields ``127.0.0.1:PORT`` for ``--dns-server``."""
    zone = dns.zone.from_text(zone_text, origin=dns.name.root, relativize=False, check_origin=False)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    stopping = threading.Event()
    thread = threading.Thread(target=_serve, args=(sock, zone, stopping), daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stopping.set()
        thread.join(timeout=5)
        sock.close()
