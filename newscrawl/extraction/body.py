"""Main-text extraction: the article's paragraphs, without page furniture."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from newscrawl.extraction.body_blocks import Block, layout
from newscrawl.extraction.body_jsonld import jsonld_article_body, reconcile
from newscrawl.extraction.body_scoring import (
    HEADINGS,
    best_span,
    is_link_list,
    is_prose,
    lead_span,
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
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_ESCAPED_PARAGRAPH = re.compile(r"\\u003c/p(?:>|\\u003e)", re.IGNORECASE)


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
    blocks = _trim_furniture_lines(_dom_blocks(doc.root, headlines))
    checked = reconcile(blocks, article_body)
    blocks = blocks if checked is None else checked
    if not blocks:
        embedded = script_html(doc.text)
        blocks = [] if embedded is None else _trim_furniture_lines(_dom_blocks(embedded, headlines))
    return [block.text for block in blocks]


def script_html(page: str) -> lxml_html.HtmlElement | None:
    """The HTML that inline scripts carry as escaped JSON strings (Next.js and the like), parsed.

    Pages rendered in the browser may hold their text only there. Each distinct string
    holding an escaped ``</p>`` is decoded once.

    >>> root = script_html('<script>push([1,"\\\\u003cp\\\\u003eIt rained.\\\\u003c/p\\\\u003e"])</script>')
    >>> root.text_content()
    'It rained.'
    >>> script_html('<script>var a = "<p>";</script>') is None
    True
    """
    strings = dict.fromkeys(
        string
        for script in _scripts(page) if _ESCAPED_PARAGRAPH.search(script)
        for string in _strings(script) if _ESCAPED_PARAGRAPH.search(string)
    )
    text = "".join(map(_decoded, strings))
    try:
        return lxml_html.document_fromstring(text) if text.strip() else None
    except (ValueError, etree.ParserError):
        return None


def _decoded(string: str) -> str:
    """The value of a JSON string literal; '' for a JavaScript-only one (``"\\x41"``)."""
    try:
        return json.loads(string)
    except ValueError:
        return ""


def _scripts(page: str) -> Iterator[str]:
    """The inline scripts of ``page`` with their opening tags, found in linear time.

    >>> list(_scripts('<p>a</p><script>x = 1</script><script src="b.js"></script>'))
    ['<script>x = 1', '<script src="b.js">']
    """
    for chunk in page.split("</script>"):
        start = chunk.rfind("<script")
        if start >= 0:
            yield chunk[start:]


def _strings(script: str) -> Iterator[str]:
    """The double-quoted string literals of ``script``, read left to right in linear time.

    >>> list(_strings('f("a", "b\\\\"c") + x'))
    ['"a"', '"b\\\\"c"']
    """
    start = script.find('"')
    while start >= 0:
        match = _JSON_STRING.match(script, start)
        if match is None:  # an unterminated string runs to the end
            return
        yield match.group()
        start = script.find('"', match.end())


def _dom_blocks(root: etree._Element, headlines: set[str]) -> list[Block]:
    """The blocks of the heaviest element of the pruned ``root`` and of its lead paragraph.

    Links, teasers and the headline are left out.
    """
    prune_boilerplate(root)
    body = root.find("body")
    page = layout(body if body is not None else root)
    teasers = teaser_blocks(page)
    span = best_span(page, teasers)
    if span is None:
        return []
    lead = lead_span(page, span)
    indexes = range(span.start, span.end) if lead is None else [
        *range(lead.start, lead.end), *range(span.start, span.end)]
    return [
        page.blocks[index]
        for index in indexes
        if index not in teasers
        and not is_link_list(page.blocks[index])
        and page.blocks[index].text.casefold() not in headlines
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
