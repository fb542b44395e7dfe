"""Main-text extraction: the article's paragraphs, without page furniture."""

from __future__ import annotations

from lxml import etree

from newscrawl.extraction.body_blocks import Block, layout
from newscrawl.extraction.body_jsonld import jsonld_article_body, reconcile
from newscrawl.extraction.body_scoring import (
    HEADINGS,
    best_span,
    is_link_list,
    is_prose,
    teaser_blocks,
)
from newscrawl.extraction.boilerplate import prune_boilerplate
from newscrawl.extraction.document import Document
from newscrawl.extraction.structured import meta_content

# Blocks that may follow the last prose block: a closing list and its headings.
_CLOSING_LIST_TAGS = HEADINGS | {"li", "tr"}
# This many short lines after the last prose are a closing list (tour dates, results).
MIN_CLOSING_LINES = 6
_H1 = etree.XPath("//h1")  # read before pruning, which drops it


def extract_body(doc: Document) -> list[str]:
    """Return the article's text blocks (paragraphs, subheadings, list items) in order.

    Called last: prunes ``doc.root`` in place.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '''<body><div><p>First paragraph, with enough words to count.</p>
    ... <p>Second paragraph, also long enough to count.</p></div>
    ... <div id="comments"><p>Nice article, thanks, really a great read.</p></div></body>'''
    >>> extract_body(parse_document(page, "https://example.com/a"))
    ['First paragraph, with enough words to count.', 'Second paragraph, also long enough to count.']
    """
    headlines = _headlines(doc)
    article_body = jsonld_article_body(doc)  # before pruning, which drops the scripts
    blocks = _trim_furniture_lines(_dom_blocks(doc, headlines))
    checked = reconcile(blocks, article_body)
    return [block.text for block in (blocks if checked is None else checked)]


def _dom_blocks(doc: Document, headlines: set[str]) -> list[Block]:
    """The blocks of the heaviest element of the pruned page, minus links, teasers, headline."""
    prune_boilerplate(doc.root)
    body = doc.root.find("body")
    page = layout(body if body is not None else doc.root)
    teasers = teaser_blocks(page)
    span = best_span(page, teasers)
    if span is None:
        return []
    return [
        block
        for index, block in enumerate(page.blocks[span.start:span.end], span.start)
        if index not in teasers
        and not is_link_list(block)
        and block.text.casefold() not in headlines
    ]


def _headlines(doc: Document) -> set[str]:
    """The page's headline as written in ``<h1>`` and ``og:title``, case-folded."""
    titles = [h1.text_content() for h1 in _H1(doc.root)]
    titles.append(meta_content(doc, "og:title", "twitter:title") or "")
    return {" ".join(title.split()).casefold() for title in titles}


def _trim_furniture_lines(blocks: list[Block]) -> list[Block]:
    """Drop the short lines (dates, bylines, labels) before the first and after the last prose.

    Subheadings before the first prose stay (kicker, subtitle), and so does a closing
    list after the last prose: list items, or a long run of short lines.

    >>> lines = [Block(t, "p", 0) for t in ("By Jo Doe", "It rained all day.", "Share")]
    >>> [b.text for b in _trim_furniture_lines(lines)]
    ['It rained all day.']
    """
    prose = [i for i, block in enumerate(blocks) if is_prose(block)]
    if not prose:
        return blocks
    head = [b for b in blocks[:prose[0]] if b.tag in HEADINGS]
    end = prose[-1] + 1
    if len(blocks) - end >= MIN_CLOSING_LINES:
        return head + blocks[prose[0]:]
    while end < len(blocks) and blocks[end].tag in _CLOSING_LIST_TAGS:
        end += 1
    while blocks[end - 1].tag in HEADINGS:
        end -= 1
    return head + blocks[prose[0]:end]
