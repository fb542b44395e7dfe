"""Turn a subtree into text blocks, the way a browser breaks lines.

Block-level elements and ``<br>`` start a new block; inline elements and their
whitespace are kept as written, so words are never glued nor split. Every element
holding a block also gets the span of blocks it holds, so containers can be compared cheaply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from newscrawl.extraction.words import fold_spaces

# Tags that start and end a block of text.
BLOCK_TAGS = frozenset((
    "address", "article", "blockquote", "body", "br", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
))
# A link to the page itself inside one of these is the subheading's permalink, not a link.
_SUBHEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
# Table cells: a row is one block, its cells separated by a space.
CELL_TAGS = frozenset(("td", "th"))
# Scripts written without spaces say in one character what Latin says in several: a
# Chinese or Japanese character (or full-width form) counts as this many characters...
WIDE_CHAR_WIDTH = 3
_WIDE = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# ...and a Korean syllable block as this many.
HANGUL_WIDTH = 2
_SYLLABLES = "\uac00-\ud7af"
_WIDE_CHARS, _HANGUL, _CJK = (
    re.compile(f"[{chars}]") for chars in (_WIDE, _SYLLABLES, _WIDE + _SYLLABLES))


@dataclass(slots=True)
class Block:
    """One block of text, the tag of the element holding it, and its characters in links.

    ``lead_link_chars`` counts the link characters before the first text outside links,
    when that text starts a new sentence: a block opening with a long link and going on
    with a new sentence is a headline with its teaser.
    """

    text: str
    tag: str
    link_chars: int
    lead_link_chars: int = 0
    width: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.width = text_width(self.text)

    def widths(self, chars: int) -> int:
        """How wide ``chars`` of this block's characters are, in Latin characters.

        >>> Block("東京で会議", "p", 2).widths(2), Block("Tokyo", "p", 2).widths(2)
        (6, 2)
        """
        return chars * self.width // len(self.text) if self.text else 0


def text_width(text: str) -> int:
    """The length of ``text`` in Latin characters: a CJK character says as much as several.

    >>> text_width("Rain."), text_width("雨が降った。"), text_width("비가 왔다")
    (5, 18, 9)
    """
    if text.isascii() or not _CJK.search(text):
        return len(text)
    wide = len(_WIDE_CHARS.findall(text))
    hangul = len(_HANGUL.findall(text))
    return len(text) + (WIDE_CHAR_WIDTH - 1) * wide + (HANGUL_WIDTH - 1) * hangul


@dataclass(slots=True)
class Span:
    """An element, the half-open range ``[start, end)`` of the blocks inside it, and the
    ``(start, end)`` of each of its child elements, those holding no block among them."""

    element: etree._Element
    start: int
    end: int
    children: tuple[tuple[int, int], ...] = ()


@dataclass
class Layout:
    """The blocks of a subtree and the span of every element holding at least one, in the
    order the elements end.

    Most elements of a big page (links, icons, the inline elements of a paragraph) hold no
    block of their own: they get no span, and only their parent keeps their place.
    """

    blocks: list[Block] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)


class _Builder:
    """Accumulates text pieces and cuts them into blocks."""

    def __init__(self) -> None:
        self.layout = Layout()
        self.parts: list[str] = []
        self.link_parts: list[str] = []
        self.lead_link_chars = 0
        self.in_lead = True
        self.tags: list[str] = []

    def add(self, text: str, in_link: bool) -> None:
        """Add a non-empty piece of text."""
        self.parts.append(text)
        if in_link:
            self.link_parts.append(text)
        if self.in_lead:
            if in_link:
                self.lead_link_chars += len(text.strip())
            elif not text.isspace():
                self.in_lead = False
                if not _starts_sentence(text):
                    self.lead_link_chars = 0

    def flush(self) -> None:
        """Cut the pieces so far into a block; with no pieces, the lead state is still fresh."""
        if self.parts:
            text = fold_spaces("".join(self.parts))
            if text:
                links = len(fold_spaces("".join(self.link_parts))) if self.link_parts else 0
                tag = self.tags[-1] if self.tags else ""
                self.layout.blocks.append(Block(text, tag, links, self.lead_link_chars))
            self.parts.clear()
            self.link_parts.clear()
        self.lead_link_chars = 0
        self.in_lead = True


def _starts_sentence(text: str) -> bool:
    first = text.lstrip()[:1]
    return first.isupper() or first.isdigit()


def _is_link(el: etree._Element) -> bool:
    """Whether ``el`` links somewhere: an ``<a name>`` anchor is no link, and neither is a
    subheading's link to itself (its permalink).

    >>> _is_link(etree.fromstring('<a href="/x">x</a>')), _is_link(etree.fromstring('<a name="s1">x</a>'))
    (True, False)
    >>> _is_link(etree.fromstring('<h3 id="s1"><a href="#s1">Benefits</a></h3>')[0])
    False
    """
    if el.tag != "a":
        return False
    href = el.get("href")
    if href is None:
        return False
    parent = el.getparent()
    return not (href.startswith("#") and parent is not None and parent.tag in _SUBHEADINGS)


def layout(root: etree._Element) -> Layout:
    """The text blocks of ``root``'s subtree in document order, and each element's span.

    >>> page = layout(etree.fromstring(
    ...     '<div><p>in Syria.</p><p>Already <b>taken</b> aback</p>one<br/>two</div>'))
    >>> [b.text for b in page.blocks]
    ['in Syria.', 'Already taken aback', 'one', 'two']
    >>> [(s.element.tag, s.start, s.end) for s in page.spans]
    [('p', 0, 1), ('p', 1, 2), ('div', 0, 4)]
    >>> page.spans[-1].children
    ((0, 1), (1, 2), (3, 3))
    >>> [b.text for b in layout(etree.fromstring(
    ...     '<table><tr><th>Pos.</th><th>Driver</th></tr><tr><td>1</td><td>Busch</td></tr></table>'
    ... )).blocks]
    ['Pos. Driver', '1 Busch']
    """
    builder = _Builder()
    blocks, spans = builder.layout.blocks, builder.layout.spans
    # Each open element's first block, tag, whether it is a link, and where in ``closed`` the
    # (start, end) of its ended children begin.
    opened: list[tuple[int, str, bool, int]] = []
    closed: list[tuple[int, int]] = []
    link_depth = 0
    # The builder's open and close are spelled out here: this loop runs for every element.
    # White space before any text of a block changes nothing in it, and is not added.
    parts, tags, add, flush = builder.parts, builder.tags, builder.add, builder.flush
    block_tags, cell_tags = BLOCK_TAGS, CELL_TAGS
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            tag = el.tag
            if not isinstance(tag, str):
                tag = ""
            link = tag == "a" and _is_link(el)
            link_depth += link
            if tag in block_tags:
                if parts:
                    flush()
                tags.append(tag)
            elif tag in cell_tags:
                add(" ", False)
            opened.append((len(blocks), tag, link, len(closed)))
            text = el.text if tag else None
            if text and (parts or not text.isspace()):
                add(text, link_depth > 0)
            continue
        start, tag, link, first_child = opened.pop()
        link_depth -= link
        if tag in block_tags:
            if parts:
                flush()
            tags.pop()
        elif tag in cell_tags:
            add(" ", False)
        end = len(blocks)
        if start < end:
            spans.append(Span(el, start, end, tuple(closed[first_child:])))
        del closed[first_child:]
        closed.append((start, end))
        tail = el.tail if el is not root else None
        if tail and (parts or not tail.isspace()):
            add(tail, link_depth > 0)
    flush()
    return builder.layout
