"""Tokens of structured header field bodies (RFC 5322 §3.2): atoms, quoted strings,
domain literals, specials; comments and folding white space are dropped.

The token regex is transcribed from RFC 5322 §3.2.3-3.2.5 (atext, quoted-string, specials),
with UTF8-non-ascii allowed in atoms and quoted strings as RFC 6532 §3.2 extends them; the
caller reports 8-bit octets without RFC 6532 separately, once per field.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

__all__ = ["Token", "TokenKind", "strip_comments", "tokenize", "unquote"]


class TokenKind(enum.Enum):
    ATOM = "atom"  # 1*atext (RFC 5322 §3.2.3)
    QUOTED = "quoted"  # quoted-string (RFC 5322 §3.2.4)
    LITERAL = "literal"  # domain-literal (RFC 5322 §3.4.1)
    SPECIAL = "special"  # one of the specials that structure addresses and ids (§3.2.3)
    BAD = "bad"  # anything the grammar has no place for


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    spaced: bool  # white space or a comment came before it


_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff"
_TOKEN = re.compile(
    rf"""(?P<ws>[ \t\r\n]+)
    |(?P<quoted>"(?:[^"\\]|\\.)*")
    |(?P<literal>\[(?:[^\[\]\\]|\\.)*\])
    |(?P<atom>[{_ATEXT}]+)
    |(?P<special>[.<>@,;:])
    |(?P<bad>.)""",
    re.VERBOSE | re.DOTALL,
)
_PAREN = re.compile(r"\\.|[()]", re.DOTALL)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_MAX_COMMENT_DEPTH = 64


def strip_comments(text: str) -> str | None:
    """``text`` with each (nested) comment replaced by a space; None when one is unclosed.

    Quoted strings are kept whole: a parenthesis inside one is not a comment (§3.2.4).
    """
    out: list[str] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match is not None  # the last alternative matches any character
        if match.group() != "(":
            out.append(match.group())
            pos = match.end()
            continue
        end = _comment_end(text, pos)
        if end is None:
            return None
        out.append(" ")
        pos = end
    return "".join(out)


def _comment_end(text: str, start: int) -> int | None:
    """Offset just past the comment that opens at ``start`` (RFC 5322 §3.2.2 nesting)."""
    depth = 0
    for match in _PAREN.finditer(text, start):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth == 0:
                return match.end()
        if depth > _MAX_COMMENT_DEPTH:
            return None
    return None


def tokenize(text: str) -> list[Token] | None:
    """The tokens of ``text`` with comments dropped; None when a comment is unclosed."""
    bare = strip_comments(text)
    if bare is None:
        return None
    tokens: list[Token] = []
    spaced = False
    for match in _TOKEN.finditer(bare):
        kind = match.lastgroup
        if kind == "ws":
            spaced = True
            continue
        tokens.append(Token(TokenKind(kind), match.group(), spaced))
        spaced = False
    return tokens


def unquote(quoted: str) -> str:
    """The content of a quoted-string, quoted-pairs resolved (RFC 5322 §3.2.4)."""
    return _QUOTED_PAIR.sub(r"\1", quoted[1:-1])
