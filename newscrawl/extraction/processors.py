"""Small pure text processors that the item loader wires per record field.

Each takes one value and returns a cleaned value, or ``None`` to drop it.
"""

from __future__ import annotations

import re

from newscrawl.extraction.vocabulary import (
    CLOSING_CALL, COMMENT_FORM_HINT, COMMENT_SECTION_START, CONSENT_NOTICE, PROMPT,
)
from newscrawl.extraction.words import count_words, fold_spaces

_SPACES = re.compile(r"[^\S\n]+")
# A byte-order mark inside text is an encoding artefact. Zero-width (non-)joiners and spaces
# are not: Persian needs ZWNJ, emoji sequences ZWJ; they stay as published.
_BOM = "\ufeff"

_PROMPT_MAX_WORDS = 15  # longer paragraphs that start like a prompt are article text
# A last paragraph of at most this many words asking to subscribe is the site's call, when
# the body has at least this many paragraphs.
_CLOSING_CALL_MAX_WORDS = 40
_CLOSING_CALL_MIN_PARAGRAPHS = 4


def fold_whitespace(value: str) -> str | None:
    """Collapse runs of white space into one space; ``None`` when nothing is left.

    >>> fold_whitespace("  Breaking\\n\\t news \\ufeff ")
    'Breaking news'
    >>> fold_whitespace(" \\n ") is None
    True
    """
    folded = fold_spaces(value.replace(_BOM, ""))
    return folded or None


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: one per line, white space folded, empty lines dropped.

    >>> split_paragraphs("One  two.\\n\\n\\nThree.\\n  ")
    ['One two.', 'Three.']
    """
    return [p for p in map(fold_whitespace, text.split("\n")) if p]  # folding strips the white space around breaks


def strip_comment_section(paragraphs: list[str]) -> list[str]:
    """Drop a trailing comment section and comment-form hints from the paragraphs.

    >>> strip_comment_section(["Body.", "Leave a Reply", "Name *", "Post Comment"])
    ['Body.']
    >>> strip_comment_section(["Body.", "Your email address will not be published."])
    ['Body.']
    """
    kept = []
    for paragraph in paragraphs:
        if COMMENT_SECTION_START.match(paragraph) and kept:
            break
        if not COMMENT_FORM_HINT.match(paragraph):
            kept.append(paragraph)
    return kept


def strip_prompts(paragraphs: list[str]) -> list[str]:
    """Drop short share, newsletter and advertisement prompts, and cookie consent banners.

    >>> strip_prompts(["Share this:", "Share this story with care, said the editor, "
    ...                "because the rest of the sentence is long enough to be text."])
    ['Share this story with care, said the editor, because the rest of the sentence is long enough to be text.']
    >>> strip_prompts(["It rained.", "This website uses cookies to improve your experience. "
    ...                "We'll assume you're ok with this, but you can opt-out if you wish."])
    ['It rained.']
    >>> strip_prompts(["Cookies help a site remember you, the report says."])
    ['Cookies help a site remember you, the report says.']
    """
    return [
        p for p in paragraphs
        if not (PROMPT.match(p) and count_words(p) <= _PROMPT_MAX_WORDS or CONSENT_NOTICE.match(p))
    ]


def strip_closing_call(paragraphs: list[str]) -> list[str]:
    """Drop a short last paragraph that asks the reader to subscribe or to follow the site.

    >>> text = ["One.", "Two.", "Three.", "Get the latest updates right in your inbox."]
    >>> strip_closing_call(text)
    ['One.', 'Two.', 'Three.']
    >>> strip_closing_call(text[1:]) == text[1:]
    True
    """
    if len(paragraphs) < _CLOSING_CALL_MIN_PARAGRAPHS:
        return paragraphs
    last = paragraphs[-1]
    if count_words(last) <= _CLOSING_CALL_MAX_WORDS and CLOSING_CALL.search(last):
        return paragraphs[:-1]
    return paragraphs


def clean_body(text: str) -> str | None:
    """The article body as clean plain text, paragraphs separated by one blank line.

    >>> clean_body("in Syria.\\nAlready taken aback\\n\\nLeave a Reply\\nYou may use these HTML tags")
    'in Syria.\\n\\nAlready taken aback'
    >>> clean_body(clean_body("A\\n\\nB")) == clean_body("A\\n\\nB")
    True
    """
    paragraphs = strip_closing_call(strip_prompts(strip_comment_section(split_paragraphs(text))))
    return "\n\n".join(paragraphs) or None


def word_count(text: str | None) -> int:
    """Words of a text, split on white space.

    >>> word_count("Three short words"), word_count(None)
    (3, 0)
    """
    return count_words(text) if text else 0


def as_persons(names: list[str]) -> list[dict]:
    """Author names as schema.org-style person objects.

    >>> as_persons(["Jane Doe"])
    [{'name': 'Jane Doe'}]
    """
    return [{"name": name} for name in names]
