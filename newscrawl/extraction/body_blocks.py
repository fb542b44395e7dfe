"""Turn a subtree into text blocks, the way a browser breaks lines.

Block-level elements and ``<br>`` start a new block; inline elements and their
whitespace are kept as written, so words are never glued nor split. Every element
also gets the span of blocks it holds, so containers can be compared cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

# Tags that start and end a block of text.
BLOCK_TAGS = frozenset((
    "address", "article", "blockquote", "body", "br", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
))
# Table cells: a row is one block, its cells separated by a space.
CELL_TAGS = frozenset(("td", "th"))


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


@dataclass(slots=True)
class Span:
    """An element and the half-open range ``[start, end)`` of the blocks inside it."""

    element: etree._Element
    start: int
    end: int


@dataclass
class Layout:
    """The blocks of a subtree and the span of every element holding at least one."""

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

    def open(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.flush()
            self.tags.append(tag)
        elif tag in CELL_TAGS:
            self.add(" ", False)

    def close(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.flush()
            self.tags.pop()
        elif tag in CELL_TAGS:
            self.add(" ", False)

    def add(self, text: str | None, in_link: bool) -> None:
        if not text:
            return
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
        if self.parts:
            text = " ".join("".join(self.parts).split())
            if text:
                links = len(" ".join("".join(self.link_parts).split()))
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
    """Whether ``el`` links somewhere: an ``<a name>`` anchor is no link.

    >>> _is_link(etree.fromstring('<a href="/x">x</a>')), _is_link(etree.fromstring('<a name="s1">x</a>'))
    (True, False)
    """
    return el.tag == "a" and el.get("href") is not None


def layout(root: etree._Element) -> Layout:
    """The text blocks of ``root``'s subtree in document order, and each element's span.

    >>> page = layout(etree.fromstring(
    ...     '<div><p>in Syria.</p><p>Already <b>taken</b> aback</p>one<br/>two</div>'))
    >>> [b.text for b in page.blocks]
    ['in Syria.', 'Already taken aback', 'one', 'two']
    >>> [(s.element.tag, s.start, s.end) for s in page.spans]
    [('p', 0, 1), ('b', 1, 1), ('p', 1, 2), ('br', 3, 3), ('div', 0, 4)]
    >>> [b.text for b in layout(etree.fromstring(
    ...     '<table><tr><th>Pos.</th><th>Driver</th></tr><tr><td>1</td><td>Busch</td></tr></table>'
    ... )).blocks]
    ['Pos. Driver', '1 Busch']
    """
    builder = _Builder()
    starts: list[int] = []
    link_depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            link_depth += _is_link(el)
            builder.open(tag)
            starts.append(len(builder.layout.blocks))
            if tag:
                builder.add(el.text, link_depth > 0)
            continue
        link_depth -= _is_link(el)
        builder.close(tag)
        builder.layout.spans.append(Span(el, starts.pop(), len(builder.layout.blocks)))
        if el is not root:
            builder.add(el.tail, link_depth > 0)
    builder.flush()
    return builder.layout
