"""Reference-server cores with one SMTP smuggling weakness each.

Every weakness is a rewrite of the octets that arrive while the core is in the DATA
state, before its end-of-data detection sees them: the look-alike becomes a real
<CRLF>.<CRLF>, so what follows it is read as commands, as in the vulnerable MTAs.  The
rest of each core is the reference server's.  The catch tests run them with the
reference server's refusal of mail data sent before the 354 turned off, except where a
variant models a server that has it (Exim before 4.97.1), so that a smuggled DATA
transaction is accepted whole.
"""

from __future__ import annotations

import re

from reference_impl.smtp import ServerConnection, State

__all__ = [
    "BareCrEndsCommands",
    "EndsDataAtLookAlikes",
    "ExtraCrDropped",
    "LfModeAfterLfHeaders",
    "NulDropped",
    "SplitCrLfEndsData",
]

_END = b"\r\n.\r\n"


class _DataRewrite(ServerConnection):
    """Rewrites what arrives while in the DATA state (``_rewrite``), through the public
    ``receive_data`` only, so the weakness survives refactoring of the core."""

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        if self.state is State.DATA:
            data = self._rewrite(bytes(data))
        else:
            self._new_message()
        super().receive_data(data)

    def _new_message(self) -> None:
        """Called for octets outside DATA: what follows in DATA is another message."""

    def _rewrite(self, data: bytes) -> bytes:
        raise NotImplementedError


class EndsDataAtLookAlikes(_DataRewrite):
    """Takes <LF>.<LF>, <CRLF>.<LF> and <LF>.<CRLF> for the end of data (the sequences
    of Exim's CVE-2023-51766 advisory)."""

    def _rewrite(self, data: bytes) -> bytes:
        # Not the LF of a real <CRLF>.<CRLF>: that one stays as it is.
        return re.sub(rb"\r\n\.\n|(?<!\r)\n\.\r?\n", _END, data)


class SplitCrLfEndsData(_DataRewrite):
    """Any CR or LF, alone or in CRLF, ends a data line: <CR>.<LF> and <LF>.<CR> end data."""

    def _rewrite(self, data: bytes) -> bytes:
        return re.sub(rb"\r\n|\r|\n", b"\r\n", data)


class ExtraCrDropped(_DataRewrite):
    """Drops a CR that stands before a CRLF, so <CRLF>.<CR><CR><LF> ends data (what Postfix
    did before its 20240106 change)."""

    def _rewrite(self, data: bytes) -> bytes:
        return re.sub(rb"\r+\r\n", b"\r\n", data)


class NulDropped(_DataRewrite):
    """Drops NUL octets from mail data before looking for the end of data."""

    def _rewrite(self, data: bytes) -> bytes:
        return data.replace(b"\x00", b"")


class LfModeAfterLfHeaders(_DataRewrite):
    """Strict CRLF, except for a message whose first line ends in a bare LF: that one is
    read in "LF mode", where a bare LF ends a line (and so <LF>.<LF> ends the data)."""

    _lf_mode: bool | None = None  # None: not decided yet for this message

    def _new_message(self) -> None:
        self._lf_mode = None

    def _rewrite(self, data: bytes) -> bytes:
        if self._lf_mode is None:
            first_lf = data.find(b"\n")
            self._lf_mode = first_lf > 0 and data[first_lf - 1 : first_lf] != b"\r"
        return re.sub(rb"(?<!\r)\n", b"\r\n", data) if self._lf_mode else data


class BareCrEndsCommands(ServerConnection):
    """Outside DATA, a bare CR ends a command line: "RSET<CR>QUIT<CRLF>" is two commands."""

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        if self.state is not State.DATA:
            data = re.sub(rb"\r(?!\n)", b"\r\n", bytes(data))
        super().receive_data(data)
