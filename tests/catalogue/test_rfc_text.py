"""The extractor's reading of an RFC text, on small texts shaped like the RFC Editor's."""

from __future__ import annotations

from conformance._rfc_text import (
    keywords_in,
    requirements,
    sections,
    sentences,
    title_of,
    unpaginate,
)

HEADER = """\
Network Working Group                                          A. Writer
Request for Comments: 9999                                       Example

                       A Protocol for Testing Things

Status of This Memo

   This memo is a memo.

Table of Contents

   1.  Introduction . . . . . . . . . . . . . . . . . . . . . . . .  2
   2.  The Rules  . . . . . . . . . . . . . . . . . . . . . . . . . .  2

1.  Introduction

   The key words "MUST", "MUST NOT" and "MAY" in this document are to be
   interpreted as described in RFC 2119.

2.  The Rules

   A server MUST answer every command with exactly one reply; a non-
   conforming server is one that does not.  The client MAY send NOOP
   at any time, e.g. to keep a connection open.  Servers MUST send the
   reply

Writer                       Standards Track                    [Page 1]
\f
RFC 9999                        Testing                     January 2030


   before reading the next command.

   The server MUST send the following items:

   o  a greeting

   o  a farewell, which MAY be empty

   size-param ::= [1*DIGIT]
                  ; the number MUST NOT have leading zeros

2.1.  Definitions

   Nothing here must count in a text that cites RFC 2119.
"""


def test_page_footer_form_feed_and_running_header_are_removed() -> None:
    lines = unpaginate(HEADER)
    assert not any("[Page 1]" in line or "\f" in line or "January 2030" in line for line in lines)
    # The paragraph cut by the page break is one paragraph again.
    at = lines.index("   reply")
    assert lines[at + 1] == "   before reading the next command."


def test_sections_skip_the_table_of_contents() -> None:
    found = [(s.number, s.title) for s in sections(HEADER)]
    assert found == [("1", "Introduction"), ("2", "The Rules"), ("2.1", "Definitions")]
    assert title_of(HEADER) == "A Protocol for Testing Things"


def test_requirements_are_sentences_with_their_section_and_keywords() -> None:
    found = {r.text: r for r in requirements(9999, HEADER)}
    one_reply = found[
        "A server MUST answer every command with exactly one reply; a non-conforming server "
        "is one that does not."
    ]  # "non-" at a line end is a compound broken at its hyphen
    assert (one_reply.section, one_reply.title, one_reply.keywords) == ("2", "The Rules", ("MUST",))
    assert "The client MAY send NOOP at any time, e.g. to keep a connection open." in found
    assert "Servers MUST send the reply before reading the next command." in found  # page break
    assert "the number MUST NOT have leading zeros" in found  # an ABNF comment
    # The RFC 2119 boilerplate quotes keywords; it states none.
    assert not any("key words" in text for text in found)
    # A lower-case "must" is no keyword in a text that cites RFC 2119.
    assert not any("Nothing here" in text for text in found)


def test_a_list_item_completes_the_sentence_that_introduces_it() -> None:
    found = {r.text: r for r in requirements(9999, HEADER)}
    greeting = found["o a greeting"]
    assert greeting.lead == "The server MUST send the following items:"
    assert greeting.keywords == ("MUST",)
    assert greeting.holds("items: o a greeting")
    assert found["o a farewell, which MAY be empty"].keywords == ("MAY",)


def test_lower_case_keywords_count_before_rfc_2119() -> None:
    old = HEADER.replace("RFC 2119", "the usual way")
    found = {r.text: r.keywords for r in requirements(9999, old)}
    assert found["Nothing here must count in a text that cites the usual way."] == ("MUST",)
    assert keywords_in("It should be noted that this may apply.", lower_case_counts=True) == ()
    assert keywords_in('Use "MUST" and MUST NOT.') == ("MUST NOT",)


def test_cited_sentences_without_a_keyword_are_kept_apart() -> None:
    cited = ["Servers send a reply", "size-param ::= [1*DIGIT]"]
    found = {r.text: r for r in requirements(9999, HEADER, cited)}
    figure = next(r for text, r in found.items() if text.startswith("size-param ::="))
    assert not figure.is_requirement
    assert all(r.is_requirement for r in found.values() if r is not figure)


def test_sentences_do_not_end_at_abbreviations_or_initials() -> None:
    text = "See e.g. RFC 5321. The server, i.e. the receiver, MUST act. J. Postel wrote it."
    assert sentences(text) == [
        "See e.g. RFC 5321.",
        "The server, i.e. the receiver, MUST act.",
        "J. Postel wrote it.",
    ]
    assert sentences("1. The server MUST act. (b). It MAY stop.") == [
        "1. The server MUST act.",
        "(b). It MAY stop.",
    ]
