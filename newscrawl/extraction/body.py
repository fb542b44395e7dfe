"""Main-text extraction: the article's paragraphs, without page furniture."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from newscrawl.extraction.body_blocks import Block, Layout, Span, layout
from newscrawl.extraction.body_jsonld import jsonld_article_body, reconcile
from newscrawl.extraction.body_scoring import (
    HEADINGS,
    best_span,
    cut_tail,
    is_link_list,
    is_prose,
    lead_span,
    teaser_blocks,
    weigh,
    widen,
)
from newscrawl.extraction.boilerplate import (
    MAX_FURNITURE_SHARE,
    is_furniture_label,
    prune_boilerplate,
)
from newscrawl.extraction.document import Document, body_or_root, text_of
from newscrawl.extraction.structured import elements, meta_content

# Blocks that may follow the last prose block: a closing list and its headings.
_CLOSING_LIST_TAGS = HEADINGS | {"li", "tr"}
# A heading or label holding the headline and at most half as much again (a kicker) repeats it.
MAX_HEADLINE_LINE = 1.5
# This many short lines before the first or after the last prose are a list (tour dates,
# results, a schedule), not furniture.
MIN_CLOSING_LINES = 6
# A body shorter than this is looked at a second time, without the class/id vocabulary...
MIN_CONFIDENT_CHARS = 300
# ...and the second look is kept when this many times longer.
MIN_SECOND_LOOK_GAIN = 3
# When teaser cards hold this many times the body's text, they may be the article's items
# (a listicle: linked heading, then its paragraph)...
MIN_CARD_SHARE = 1
# ...and a look that reads them as text is kept when this many times longer, if the page
# has a body to widen and this share of its subheading links lead to other sites.
MIN_CARD_LOOK_GAIN = 1.5
MIN_OFF_SITE_SHARE = 0.5
# ...or its linked subheadings are numbered in sequence for this many items (1., 2., 3.).
MIN_NUMBERED_ITEMS = 3
# A run of blocks repeating an earlier run word for word, and holding this many characters,
# is a second copy of the text (a mobile and a desktop version, a tab shown twice).
MIN_REPEATED_RUN_CHARS = 1000
# "/descendant::h2" rather than "//h2": libxml2 reads "//" as a step over every node first,
# two to three times slower here.
_HEADING_LINKS = etree.XPath(
    "/descendant::h2/descendant::a[@href] | /descendant::h3/descendant::a[@href] | /descendant::h4/descendant::a[@href]")
_LINKED_HEADINGS = etree.XPath(
    "/descendant::h2[descendant::a[@href]] | /descendant::h3[descendant::a[@href]] | /descendant::h4[descendant::a[@href]]")
_ITEM_NUMBER = re.compile(r"\s*#?(\d{1,3})\b")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Placeholder text of a template block the site left unfilled: never the article's.
_PLACEHOLDER = re.compile(r"lorem ipsum\b", re.IGNORECASE)
_ESCAPED_PARAGRAPH = re.compile(r"\\u003c/p(?:>|\\u003e)", re.IGNORECASE)
# A header outside the article and the main content, linking somewhere and without the
# headline, is the site's masthead (logo, tagline, contact line), not the article's header.
_IS_MASTHEAD = etree.XPath(
    "not(ancestor::article or ancestor::main or descendant::h1) and descendant::a[@href]")


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
    pruned = _pruned(doc.root)
    blocks, teaser_chars = _dom_blocks(pruned, headlines)
    if doc.whole and blocks and _may_be_listicle(doc, teaser_chars / _chars(blocks)):
        blocks = _longer(blocks, _cards_as_text(pruned, headlines), MIN_CARD_LOOK_GAIN)
    if doc.whole and _chars(blocks) < MIN_CONFIDENT_CHARS:
        blocks = _longer(blocks, _second_look(pruned, headlines), MIN_SECOND_LOOK_GAIN)
    checked = reconcile(blocks, article_body)
    blocks = blocks if checked is None else checked
    if not blocks:
        embedded = script_html(doc.text)
        blocks = [] if embedded is None else _dom_blocks(_pruned(embedded), headlines)[0]
    return [block.text for block in _drop_repeated_runs(blocks)]


def _chars(blocks: list[Block]) -> int:
    return sum(len(block.text) for block in blocks)


def _longer(blocks: list[Block], other: list[Block], gain: float) -> list[Block]:
    """``other`` when it holds ``gain`` times the text of ``blocks``, else ``blocks``."""
    return other if _chars(other) >= gain * _chars(blocks) else blocks


def _may_be_listicle(doc: Document, card_share: float) -> bool:
    """Whether teaser cards holding ``card_share`` times the body's text may be its items."""
    return card_share >= MIN_CARD_SHARE and (
        _headings_link_off_site(doc.root, doc.url) or _headings_numbered(doc.root))


def _headings_link_off_site(root: etree._Element, url: str) -> bool:
    """Whether most links in subheadings lead to other sites: the items of a listicle (places,
    products, other blogs), not the stories of a listing, which link within the site.

    >>> root = lxml_html.fromstring('<div><h3><a href="https://trails.org/">Trail</a></h3>'
    ...     '<h3><a href="/news/a">A story</a></h3><h3><a href="https://e.com/b">B</a></h3></div>')
    >>> _headings_link_off_site(root, "https://www.e.com/list"), _headings_link_off_site(root, "https://news.org/")
    (False, True)
    """
    host = _site(url)
    hrefs = [a.get("href") or "" for a in _HEADING_LINKS(root)]
    off_site = sum(_site(href) not in ("", host) for href in hrefs)
    return bool(hrefs) and off_site >= MIN_OFF_SITE_SHARE * len(hrefs)


def _headings_numbered(root: etree._Element) -> bool:
    """Whether linked subheadings number :data:`MIN_NUMBERED_ITEMS` items in sequence: the
    items of a listicle (linking to the site's own product or place pages), never a listing.

    >>> root = lxml_html.fromstring('<div><h2><a href="/p/1">1. Corn plant</a></h2>'
    ...     '<h2><a href="/p/2">2. Pothos</a></h2><h2><a href="/p/3">3. Fern</a></h2></div>')
    >>> _headings_numbered(root)
    True
    >>> _headings_numbered(lxml_html.fromstring('<div><h2><a href="/a">2 dead in crash</a></h2>'
    ...     '<h2><a href="/b">3 things to know</a></h2><h2><a href="/c">4 new bridges</a></h2></div>'))
    False
    """
    run, previous = 0, 0
    for heading in _LINKED_HEADINGS(root):
        match = _ITEM_NUMBER.match(text_of(heading))
        number = int(match.group(1)) if match else 0
        run = run + 1 if run and number == previous + 1 else int(number == 1)
        if run >= MIN_NUMBERED_ITEMS:
            return True
        previous = number
    return False


def _site(url: str) -> str:
    """The host of ``url`` without ``www.``; '' for a relative link.

    >>> _site("https://www.e.com/a"), _site("/a")
    ('e.com', '')
    """
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


@dataclass
class _Pruned:
    """A page pruned of its furniture and laid out, the mastheads it had, and what puts back
    the furniture found by class/id alone."""

    root: etree._Element
    page: Layout
    mastheads: set[etree._Element]
    restore_named: Callable[[], None]


def _pruned(root: etree._Element) -> _Pruned:
    """``root`` pruned in place, and laid out."""
    mastheads = {el for el in root.iter("header") if _IS_MASTHEAD(el)}  # before h1 goes
    restore_named = prune_boilerplate(root)
    return _Pruned(root, layout(body_or_root(root)), mastheads, restore_named)


def _second_look(pruned: _Pruned, headlines: set[str]) -> list[Block]:
    """The blocks of the page pruned by tag and hidden state only: the furniture found by
    class/id is put back (in the tree the document parsed: it is not parsed again).

    For whole pages where the first look found (almost) nothing: a wrapper named like
    furniture ("under-menu", "sidebar-enabled") may have taken the article with it.
    """
    pruned.restore_named()
    return _dom_blocks(replace(pruned, page=layout(body_or_root(pruned.root))), headlines)[0]


def _cards_as_text(pruned: _Pruned, headlines: set[str]) -> list[Block]:
    """The blocks of the page where no card is taken for a teaser.

    For whole pages where teaser cards hold much more text than the body found: in a
    listicle each item is a linked heading and its paragraph, like a teaser of another page.
    """
    return _dom_blocks(pruned, headlines, find_teasers=False)[0]


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


def _dom_blocks(
    pruned: _Pruned, headlines: set[str], find_teasers: bool = True,
) -> tuple[list[Block], int]:
    """The blocks of the heaviest element of the pruned page, after its lead paragraph,
    and the characters of prose in the teaser cards of the page.

    Links, teasers, the headline and the furniture lines around the text are left out.
    """
    page = pruned.page
    teasers = teaser_blocks(page) if find_teasers else set()
    left_out = teasers | _masthead_blocks(page, pruned.mastheads)
    teaser_chars = sum(len(page.blocks[i].text) for i in teasers if is_prose(page.blocks[i]))
    weights = weigh(page, teasers)
    span = best_span(page, weights)
    if span is None:
        return [], teaser_chars
    span = cut_tail(page, widen(page, span, weights), weights)
    lead = lead_span(page, span)
    def kept(part: Span) -> list[Block]:
        return [
            block for i, block in enumerate(page.blocks[part.start:part.end], part.start)
            if i not in left_out and not _is_left_out(block, headlines, not find_teasers)
        ]
    lead_blocks = [] if lead is None else kept(lead)
    return _drop_orphan_headings(lead_blocks + _trim_furniture_lines(kept(span))), teaser_chars


def _masthead_blocks(page: Layout, mastheads: set[etree._Element]) -> set[int]:
    """The indexes of the blocks inside ``mastheads``, unless they hold most of the page's
    text: then a header is the page's only wrapper, as for furniture pruned by name.

    >>> page = layout(lxml_html.fromstring(
    ...     '<div><header><p>Call us</p></header><p>It rained all day, and all night.</p></div>'))
    >>> header = page.spans[1].element
    >>> _masthead_blocks(page, {header})
    {0}
    >>> _masthead_blocks(page, {header, page.spans[2].element})
    set()
    """
    if not mastheads:
        return set()
    found = {i for span in page.spans if span.element in mastheads
             for i in range(span.start, span.end)}
    chars = sum(len(page.blocks[i].text) for i in found)
    return found if chars <= MAX_FURNITURE_SHARE * _chars(page.blocks) else set()


def _is_left_out(block: Block, headlines: set[str], linked_headings: bool) -> bool:
    """Whether a block of the article is links, a label, placeholder text or the headline; a
    linked subheading heads an item of the text when ``linked_headings`` (a listicle).

    >>> item = Block("Buffalo Bayou Trail", "h3", 19)
    >>> _is_left_out(item, set(), False), _is_left_out(item, set(), True)
    (True, False)
    >>> _is_left_out(Block("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "p", 0), set(), False)
    True
    """
    links = is_link_list(block) and not (linked_headings and block.tag in HEADINGS)
    return (links or is_furniture_label(block.text) or bool(_PLACEHOLDER.match(block.text))
            or _repeats_headline(block, headlines))


def _repeats_headline(block: Block, headlines: set[str]) -> bool:
    """Whether a line is the headline, or, outside a paragraph, the headline with a kicker.

    >>> _repeats_headline(Block("Banks: the Fed admits lapses", "h2", 0), {"the fed admits lapses"})
    True
    >>> _repeats_headline(Block("Banks: the Fed admits lapses", "p", 0), {"the fed admits lapses"})
    False
    """
    folded = block.text.casefold()
    if folded in headlines:
        return True
    return block.tag != "p" and any(
        headline and headline in folded and len(folded) <= MAX_HEADLINE_LINE * len(headline)
        for headline in headlines
    )


def _headlines(doc: Document) -> set[str]:
    """The page's headline as written in ``<h1>`` and ``og:title``, case-folded (read before
    pruning, which drops ``<h1>``). The ``<h1>`` elements are those the metadata found in its
    walk of the tree: a walk for them alone cost more than all else here."""
    titles = [text_of(h1) for h1 in elements(doc, "h1")]
    titles.append(meta_content(doc, "og:title", "twitter:title") or "")
    return {" ".join(title.split()).casefold() for title in titles}


def _trim_furniture_lines(blocks: list[Block]) -> list[Block]:
    """Drop the short lines (dates, bylines, labels) before the first and after the last prose.

    Subheadings before the first prose stay (kicker, subtitle), and so does a long run of
    short lines (a schedule), before or after the prose; after it, list items stay too.

    >>> lines = [Block(t, "p", 0) for t in ("By Jo Doe", "It rained all day.", "Share")]
    >>> [b.text for b in _trim_furniture_lines(lines)]
    ['It rained all day.']

    A heading that reads as prose is never trimmed away with the headings after it:

    >>> lines = [Block("A heading that reads like one whole sentence of prose.", "h2", 0)]
    >>> len(_trim_furniture_lines(lines))
    1
    """
    prose = [i for i, block in enumerate(blocks) if is_prose(block)]
    if not prose:
        return blocks
    head = blocks[:prose[0]]
    if len(head) < MIN_CLOSING_LINES:
        head = [b for b in head if b.tag in HEADINGS]
    end = prose[-1] + 1
    if len(blocks) - end >= MIN_CLOSING_LINES:
        return head + blocks[prose[0]:]
    while end < len(blocks) and blocks[end].tag in _CLOSING_LIST_TAGS:
        end += 1
    while end - 1 > prose[0] and blocks[end - 1].tag in HEADINGS:
        end -= 1
    return head + blocks[prose[0]:end]


def _drop_orphan_headings(blocks: list[Block]) -> list[Block]:
    """Drop the subheadings after the first prose that head nothing: the next block is a
    heading of the same or a higher level (the links or teasers under it were left out).

    Stacked headings before the text are its summary, and stay.

    >>> blocks = [Block(t, tag, 0) for t, tag in (("Rain", "h2"), ("It rained all day.", "p"),
    ...     ("Also read", "h3"), ("Wind", "h2"), ("Gusts broke a tree.", "p"))]
    >>> [b.text for b in _drop_orphan_headings(blocks)]
    ['Rain', 'It rained all day.', 'Wind', 'Gusts broke a tree.']
    """
    first = next((i for i, block in enumerate(blocks) if is_prose(block)), len(blocks))
    return blocks[:first] + [
        block for block, after in zip(blocks[first:], [*blocks[first + 1:], None])
        if block.tag not in HEADINGS or after is None or after.tag not in HEADINGS
        or after.tag > block.tag
    ]


def _drop_repeated_runs(blocks: list[Block]) -> list[Block]:
    """Drop each run of blocks, starting with prose, that repeats an earlier run word for
    word and holds :data:`MIN_REPEATED_RUN_CHARS`: the page holds its text twice.

    A line repeated alone (a refrain, a recurring list label) stays.

    >>> text = [Block(f"Paragraph {i} of the text, which runs on and on." * 5, "p", 0) for i in range(5)]
    >>> len(_drop_repeated_runs(text + text)), len(_drop_repeated_runs(text + text[:1]))
    (5, 6)
    """
    first: dict[str, int] = {}
    kept: list[Block] = []
    i = 0
    while i < len(blocks):
        length = _repeat_length(blocks, first.get(blocks[i].text), i)
        if length and _chars(blocks[i:i + length]) >= MIN_REPEATED_RUN_CHARS:
            i += length
            continue
        first.setdefault(blocks[i].text, i)
        kept.append(blocks[i])
        i += 1
    return kept


def _repeat_length(blocks: list[Block], earlier: int | None, i: int) -> int:
    """How many blocks from ``i`` on repeat those from ``earlier`` on (0 unless block ``i`` is
    prose: runs of short lines, repeated everywhere, are not worth comparing)."""
    if earlier is None or not is_prose(blocks[i]):
        return 0
    length = 0
    while (i + length < len(blocks) and earlier + length < i
           and blocks[earlier + length].text == blocks[i + length].text):
        length += 1
    return length
