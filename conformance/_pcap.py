"""Export a Transcript as a pcap file for Wireshark / tshark.

The TCP stream is synthesized: a three-way handshake, then every recorded chunk as one or
more segments of at most 1460 octets (an Ethernet MSS), each answered by a bare ACK, then a
FIN exchange.  Sequence and acknowledgement numbers follow RFC 9293 §3.4, so Wireshark
reassembles the stream.  After STARTTLS the file holds the *decrypted* application data:
the harness records what it read and wrote above TLS.

The server port is the real one.  Wireshark dissects SMTP on port 25 by itself; for any other
port tell it which protocol to use::

    tshark -r test.pcap -d tcp.port==2525,smtp -Y smtp
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ._transcript import Direction, SessionInfo, Transcript

# scapy is imported where packets are made, not with the module: the plugin imports this
# module in every run and every xdist worker, and scapy's import costs half a second of
# CPU that only --pcap runs need.
if TYPE_CHECKING:
    from scapy.packet import Packet

__all__ = ["MSS", "write_pcap"]

MSS = 1460
_CLIENT_MAC = "02:00:00:00:00:01"
_SERVER_MAC = "02:00:00:00:00:02"
_CLIENT_IP = "127.0.0.1"
_FLAGS_DATA = "PA"


class _Stream:
    """The two halves of one synthesized TCP connection."""

    def __init__(self, info: SessionInfo, wall: float) -> None:
        self.info = info
        self.wall = wall  # monotonic -> wall clock offset
        self.seq = {Direction.SENT: 1000, Direction.RECEIVED: 5000}
        self.packets: list[Packet] = []

    def _packet(self, sender: Direction, flags: str, at: float, payload: bytes = b"") -> None:
        from scapy.layers.inet import IP, TCP
        from scapy.layers.l2 import Ether
        from scapy.packet import Raw

        other = Direction.RECEIVED if sender is Direction.SENT else Direction.SENT
        client_side = sender is Direction.SENT
        tcp = TCP(
            sport=self.info.client_port if client_side else self.info.port,
            dport=self.info.port if client_side else self.info.client_port,
            flags=flags,
            seq=self.seq[sender],
            ack=self.seq[other] if "A" in flags else 0,
            window=65535,
        )
        ether = Ether(
            src=_CLIENT_MAC if client_side else _SERVER_MAC,
            dst=_SERVER_MAC if client_side else _CLIENT_MAC,
        )
        ip = IP(
            src=_CLIENT_IP if client_side else self.info.host,
            dst=(self.info.host if client_side else _CLIENT_IP),
        )
        packet = ether / ip / tcp
        if payload:
            packet = packet / Raw(load=payload)
        packet.time = self.wall + at
        self.packets.append(packet)
        self.seq[sender] += len(payload) + (1 if ("S" in flags or "F" in flags) else 0)

    def handshake(self, at: float) -> None:
        self._packet(Direction.SENT, "S", at)
        self._packet(Direction.RECEIVED, "SA", at)
        self._packet(Direction.SENT, "A", at)

    def data(self, sender: Direction, at: float, payload: bytes) -> None:
        other = Direction.RECEIVED if sender is Direction.SENT else Direction.SENT
        for start in range(0, len(payload), MSS):
            self._packet(sender, _FLAGS_DATA, at, payload[start : start + MSS])
            self._packet(other, "A", at)

    def close(self, at: float) -> None:
        self._packet(Direction.SENT, "FA", at)
        self._packet(Direction.RECEIVED, "FA", at)
        self._packet(Direction.SENT, "A", at)


def _streams(transcript: Transcript) -> Iterator[_Stream]:
    wall = transcript.wall_start - transcript.mono_start
    events = transcript.events
    for info in transcript.sessions:
        stream = _Stream(info, wall)
        stream.handshake(info.opened)
        last = info.opened
        for event in events:
            if event.session == info.label and event.direction is not Direction.NOTE:
                # Octets the transcript did not keep leave a gap in the sequence numbers,
                # which Wireshark shows as "previous segment not captured".
                stream.seq[event.direction] += event.omitted
                stream.data(event.direction, event.timestamp, event.data)
                last = event.timestamp
        stream.close(last)
        yield stream


def write_pcap(transcript: Transcript, path: Path) -> Path:
    """Write every session of ``transcript`` to ``path``; packets ordered by time."""
    from scapy.utils import wrpcap

    packets = [packet for stream in _streams(transcript) for packet in stream.packets]
    packets.sort(key=lambda packet: float(packet.time))
    path.parent.mkdir(parents=True, exist_ok=True)
    wrpcap(str(path), packets)
    return path
