"""The JSON-LD ``articleBody``: a check on the DOM text, and a fallback without one.

Publishers often fill ``articleBody`` with the full text and nothing else, but some
truncate it to a teaser, drop the lead or subheadings, or strip its paragraph breaks.
So it is trusted only as far as it agrees with the text found in the page.
"""

from __future__ import annotations

import re

from w3lib.html import remove_tags, replace_entities

from newscrawl.extraction.body_blocks import Block
from newscrawl.extraction.body_scoring import HEADINGS, is_prose
from newscrawl.extraction.document import Document
from newscrawl.extraction.structured import jsonld_objects

# An articleBody shorter than this is a teaser, never the whole text.
MIN_JSONLD_CHARS = 400
# A block is confirmed when this share of its word trigrams is in the articleBody.
MIN_CONFIRMED_SHARE = 0.6
# The articleBody checks the DOM text when the confirmed blocks hold this share of it...
MIN_JSONLD_COVERAGE = 0.8
# ...and it is at least this share of the DOM text (not a truncated teaser).
MIN_JSONLD_SHARE = 0.5
# The DOM text is missing when it is shorter than this share of the articleBody.
MISSING_DOM_SHARE = 0.2
_WORDS = re.compile(r"\w+")
_LINE_BREAKS = re.compile(r"\s*\n\s*")


def jsonld_article_body(doc: Document) -> str:
    """The longest ``articleBody`` of the page's JSON-LD, as plain text ('' when none).

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '<script type="application/ld+json">{"articleBody": "A &amp; <b>B</b>"}</script>'
    >>> jsonld_article_body(parse_document(page, "https://e.com/"))
    'A & B'
    """
    bodies = [obj.get("articleBody") for obj in jsonld_objects(doc)]
    longest = max((b for b in bodies if isinstance(b, str)), key=len, default="")
    return replace_entities(remove_tags(longest)).strip()


def trigrams(text: str) -> set[tuple[str, ...]]:
    """The word trigrams of ``text``, case-folded; one shorter tuple for 1-2 words.

    >>> sorted(trigrams("One two, three four"))
    [('one', 'two', 'three'), ('two', 'three', 'four')]
    """
    words = _WORDS.findall(text.casefold())
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return set(zip(words, words[1:], words[2:]))


def reconcile(blocks: list[Block], article_body: str) -> list[Block] | None:
    """Check the DOM ``blocks`` against a JSON-LD ``article_body``; ``None`` when it says nothing.

    When the articleBody is complete and found in the page, blocks after the first
    confirmed prose that it does not contain are dropped (subheadings stay: it often
    omits them). When the page shows (almost) none of it, it replaces the blocks.
    """
    if len(article_body) < MIN_JSONLD_CHARS:
        return None
    dom_chars = sum(len(b.text) for b in blocks)
    if dom_chars < MISSING_DOM_SHARE * len(article_body):
        return [Block(line, "p", 0) for line in _LINE_BREAKS.split(article_body) if line]
    known = trigrams(article_body)
    confirmed = [_is_confirmed(b, known) for b in blocks]
    confirmed_chars = sum(len(b.text) for b, ok in zip(blocks, confirmed) if ok)
    if confirmed_chars < MIN_JSONLD_COVERAGE * min(len(article_body), dom_chars):
        return None
    if len(article_body) < MIN_JSONLD_SHARE * dom_chars:
        return None
    first = next(i for i, b in enumerate(blocks) if confirmed[i] and is_prose(b))
    return blocks[:first] + [
        b for b, ok in zip(blocks[first:], confirmed[first:]) if ok or b.tag in HEADINGS
    ]


def _is_confirmed(block: Block, known: set[tuple[str, ...]]) -> bool:
    grams = trigrams(block.text)
    return bool(grams) and len(grams & known) >= MIN_CONFIRMED_SHARE * len(grams)
