"""Find the element holding the article text.

Every text block gets a weight: positive for prose (its characters outside links),
negative for link lists and short furniture lines. The article container is the
element whose blocks weigh the most in total: wrapping more paragraphs adds weight,
wrapping more furniture takes it away, however deep the markup nests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from lxml import etree

from newscrawl.extraction.body_blocks import Block, Layout, Span
from newscrawl.extraction.boilerplate import is_lead

# A block with this many characters outside links is no link list...
PROSE_CHARS = 50
# ...and one with this many is prose...
LONG_PROSE_CHARS = 120
# ...and so is a shorter one of at least this many that ends a sentence
# (a headline seldom ends with a full stop).
SENTENCE_CHARS = 15
# A block with more than this share of its characters in links is a link list.
MAX_LINK_SHARE = 0.5
# Each character of a link list weighs this much against its container.
LINK_LIST_PENALTY = 2
# Each link character inside prose weighs this much against it.
INLINE_LINK_PENALTY = 1
# Most a short non-prose line (date, byline, label) weighs against its container.
SHORT_LINE_PENALTY = 20
# A teaser card (linked heading, then date, byline, excerpt...) has at most this many blocks...
MAX_CARD_BLOCKS = 5
# ...and at most this many characters of prose.
MAX_CARD_PROSE = 600
# The element marked up as the article body (itemprop=articleBody) counts this much more.
ARTICLE_BODY_BONUS = 1.25
# A run of sibling elements stands for their parent when it weighs this much more than
# the best element found before it (all those inside it among them)...
MIN_RUN_GAIN = 1.2
# ...and the parent's blocks left out of it are links, with prose weighing at most this
# share of the run.
MAX_CUT_PROSE_SHARE = 0.25
# A container of the article span is taken when it holds this many times its prose...
MIN_WIDER_PROSE = 2
# ...and what it adds weighs at least this share of the prose it adds (links count against)...
MIN_ADDED_BALANCE = -1.5
# ...looking this many containers up.
MAX_WIDEN_STEPS = 4
HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))  # h1 is the headline, pruned
# A block opening with a link this long is a headline; two such blocks in a row are teasers.
MIN_HEADLINE_LINK_CHARS = 25
# A lead paragraph ends at most this many (non-prose) blocks before the article container...
MAX_LEAD_GAP = 3
# ...and has at most this many blocks.
MAX_LEAD_BLOCKS = 3
# The text ends with the smallest element holding this share of the article span's prose:
# the prose after it in the span (an author's bio, a call to action, related posts) is not text.
MIN_CORE_PROSE_SHARE = 0.9
# Short list items and table rows are content or nothing, never furniture lines.
_NEUTRAL_TAGS = frozenset(("li", "tr"))
_HAS_LINKED_PICTURE = etree.XPath("boolean(descendant::a[@href]//img)")
_URL = re.compile(r"(?:https?://|www\.)\S+$")
_SENTENCE_END = frozenset('.!?…:;"”»“。！？」』')


def is_link_list(block: Block) -> bool:
    """Whether most of the block's text is link text, and the rest is no prose.

    >>> is_link_list(Block("More news", "li", 9)), is_link_list(Block("Said so.", "p", 0))
    (True, False)
    """
    own = block.widths(len(block.text) - block.link_chars)
    if own >= SENTENCE_CHARS and block.text[-1] in _SENTENCE_END and block.lead_link_chars == 0:
        return False
    return block.link_chars > MAX_LINK_SHARE * len(block.text) and own < PROSE_CHARS


def is_prose(block: Block) -> bool:
    """Whether the block reads like running text rather than a label.

    >>> is_prose(Block("He said it would rain.", "p", 0)), is_prose(Block("By Jo Doe", "p", 0))
    (True, False)
    >>> is_prose(Block("https://example.com/news/2019/11/19/a-very-long-address.html", "p", 0))
    False
    """
    own = block.widths(len(block.text) - block.link_chars)
    if _URL.match(block.text):
        return False
    if own >= LONG_PROSE_CHARS:
        return True
    return own >= SENTENCE_CHARS and block.text[-1] in _SENTENCE_END


def block_weight(block: Block) -> int:
    """Positive for prose, negative for link lists and furniture lines, 0 for list items and rows.

    >>> block_weight(Block("Home", "li", 4)), block_weight(Block("Rain is due today.", "p", 0))
    (-8, 18)
    """
    if is_link_list(block):
        return -LINK_LIST_PENALTY * block.width
    if is_prose(block):
        return block.width - (1 + INLINE_LINK_PENALTY) * block.widths(block.link_chars)
    if block.tag in _NEUTRAL_TAGS:
        return 0
    return -min(block.width, SHORT_LINE_PENALTY)


def teaser_blocks(page: Layout) -> set[int]:
    """Indexes of blocks inside teaser cards: small elements led by a linked heading.

    >>> from lxml import etree
    >>> from newscrawl.extraction.body_blocks import layout
    >>> sorted(teaser_blocks(layout(etree.fromstring(
    ...     '<div><p>Story text, long enough to be prose for sure.</p><article>'
    ...     '<h3><a href="/b">Other story</a></h3><p>Its excerpt, long enough to be prose too.</p>'
    ...     '</article></div>'))))
    [1, 2]
    """
    teasers = _headline_runs(page.blocks)
    for span in page.spans:
        if (2 <= span.end - span.start <= MAX_CARD_BLOCKS
                and _is_card(page.blocks[span.start:span.end], span.element)):
            teasers.update(range(span.start, span.end))
    return teasers


def _headline_runs(blocks: list[Block]) -> set[int]:
    """Indexes of blocks opening with a headline link, next to another such block."""
    led = [b.lead_link_chars >= MIN_HEADLINE_LINK_CHARS for b in blocks]
    return {
        i for i, flag in enumerate(led)
        if flag and ((i > 0 and led[i - 1]) or (i + 1 < len(led) and led[i + 1]))
    }


def _is_card(blocks: list[Block], element: etree._Element) -> bool:
    """Whether the blocks of one element are a linked heading and a short excerpt; with a
    linked picture, a title that is all link stands for the heading.

    >>> card = etree.fromstring('<div><a href="/b"><img src="b.jpg"/></a><div><a href="/b">Buckwheat'
    ...     ' diet</a></div><div>Lose up to five kilos in a week, two menus.</div></div>')
    >>> blocks = [Block("Buckwheat diet", "div", 14), Block("Lose up to five kilos in a week, two menus.", "div", 0)]
    >>> _is_card(blocks, card), _is_card(blocks, card[1])
    (True, False)
    """
    head = blocks[0]
    if not is_link_list(head):
        return False
    if head.tag not in HEADINGS and not (
            head.link_chars == len(head.text) and _HAS_LINKED_PICTURE(element)):
        return False
    prose = sum(b.width for b in blocks if is_prose(b))
    return 0 < prose <= MAX_CARD_PROSE


@dataclass(frozen=True, slots=True)
class Weights:
    """Running totals of the weights of a page's blocks, teasers counting as link lists:
    ``totals[j] - totals[i]`` weighs blocks ``i`` to ``j``; ``prose`` counts only what prose
    weighs, ``links`` only what link lists weigh.

    >>> from lxml import etree
    >>> from newscrawl.extraction.body_blocks import layout
    >>> page = layout(etree.fromstring('<div><p>Rain is due today.</p><p><a href="/">Home</a></p></div>'))
    >>> weigh(page, set()), weigh(page, {0}).totals
    (Weights(totals=[0, 18, 10], prose=[0, 18, 18], links=[0, 0, -8]), [0, -36, -44])
    """

    totals: list[int]
    prose: list[int]
    links: list[int]

    def prose_in(self, span: Span) -> int:
        return self.prose[span.end] - self.prose[span.start]

    def cut_furniture(self, whole: Span, run: Span, run_total: float) -> bool:
        """Whether the blocks of ``whole`` left out of ``run`` weigh against it as links,
        and hold little prose (a closing list of short lines is no reason to cut)."""
        def cut(sums: list[int]) -> int:
            return sums[run.start] - sums[whole.start] + sums[whole.end] - sums[run.end]
        return cut(self.links) < 0 and cut(self.prose) <= MAX_CUT_PROSE_SHARE * run_total


def weigh(page: Layout, teasers: set[int]) -> Weights:
    """The :class:`Weights` of the page's blocks, weighed once for every step that compares them."""
    links = [i in teasers or is_link_list(block) for i, block in enumerate(page.blocks)]
    weights = [
        -LINK_LIST_PENALTY * block.width if link else block_weight(block)
        for block, link in zip(page.blocks, links)
    ]
    return Weights(
        totals=_running_totals(weights),
        prose=_running_totals(max(weight, 0) for weight in weights),
        links=_running_totals(weight if link else 0 for weight, link in zip(weights, links)),
    )


def best_span(page: Layout, weights: Weights) -> Span | None:
    """The element, or run of sibling elements, whose blocks weigh the most.

    A run of consecutive children is weighed as well
    as their parent: the article is often a run of siblings between furniture. The
    widest span wins ties: list items and table rows weigh nothing, so the container
    holding a table beside the text weighs the same as the text alone.

    >>> from lxml import etree
    >>> from newscrawl.extraction.body_blocks import layout
    >>> page = layout(etree.fromstring(
    ...     '<body><ul><li><a href="/">Home</a></li></ul><div><p>It will rain today, they said.</p>'
    ...     '<p>Take an umbrella.</p></div></body>'))
    >>> best_span(page, weigh(page, set())).element.tag
    'div'
    >>> page = layout(etree.fromstring(
    ...     '<body><div><p>It will rain today, they said.</p></div><div><p>Take an umbrella.</p>'
    ...     '</div><ul><li><a href="/">Home</a></li><li><a href="/w">Weather</a></li></ul></body>'))
    >>> span = best_span(page, weigh(page, set()))
    >>> span.element.tag, [b.text for b in page.blocks[span.start:span.end]]
    ('body', ['It will rain today, they said.', 'Take an umbrella.'])
    """
    totals = weights.totals
    best, best_total = None, 0
    for span in page.spans:
        bonus = ARTICLE_BODY_BONUS if span.element.get("itemprop") == "articleBody" else 1
        total = bonus * (totals[span.end] - totals[span.start])
        goal = MIN_RUN_GAIN * max(best_total, total)  # what a run of its children must weigh
        if len(span.children) > 1 and bonus * weights.prose_in(span) >= goal:
            run = _best_run(span, totals)
            run_total = bonus * (totals[run.end] - totals[run.start])
            if run_total >= goal and weights.cut_furniture(span, run, run_total):
                span, total = run, run_total
        if total > best_total or (total == best_total and _holds(span, best)):
            best, best_total = span, total
    return best


def _holds(span: Span, inner: Span | None) -> bool:
    """Whether ``span`` holds all the blocks of ``inner`` (and maybe more)."""
    return inner is not None and span.start <= inner.start and inner.end <= span.end


def widen(page: Layout, span: Span, weights: Weights) -> Span:
    """The span, or the nearest container of it that holds much more prose at little cost.

    An article cut in sections by lists of links (a changelog, a guide with a table of
    contents) weighs less as a whole than its heaviest section: the container is taken
    when it holds :data:`MIN_WIDER_PROSE` times the span's prose, and its blocks outside
    the span weigh at least :data:`MIN_ADDED_BALANCE` of the prose they add.

    >>> from lxml import etree
    >>> from newscrawl.extraction.body_blocks import layout
    >>> prose = "<p>" + "A sentence of the article that runs on for a while. " * 3 + "</p>"
    >>> links = "<ul>" + '<li><a href="/x">A link to one change made</a></li>' * 4 + "</ul>"
    >>> page = layout(etree.fromstring(f"<div><div>{prose}{links}</div><div>{prose}{links}"
    ...     f"</div><div>{prose * 2}</div></div>"))
    >>> weights = weigh(page, set())
    >>> span = best_span(page, weights)
    >>> wider = widen(page, span, weights)
    >>> (span.start, span.end), (wider.start, wider.end)
    ((10, 12), (0, 12))
    """
    prose, totals = weights.prose, weights.totals
    own = {whole.element: whole for whole in page.spans}
    def parent(element: etree._Element) -> Span | None:
        return own.get(element.getparent())
    whole = own.get(span.element)
    is_run = whole is not None and (whole.start, whole.end) != (span.start, span.end)
    container = whole if is_run else parent(span.element)
    best = span
    for _ in range(MAX_WIDEN_STEPS):
        if container is None:
            break
        def gain(sums: list[int]) -> int:
            return sums[container.end] - sums[container.start] - sums[best.end] + sums[best.start]
        if (prose[container.end] - prose[container.start]
                >= MIN_WIDER_PROSE * (prose[span.end] - prose[span.start])
                and gain(totals) >= MIN_ADDED_BALANCE * gain(prose)):
            best = container
        container = parent(container.element)
    return best


def _running_totals(values: Iterable[int]) -> list[int]:
    """``totals[j] - totals[i]`` is the sum of ``values[i:j]``.

    >>> _running_totals([3, -1, 2])
    [0, 3, 2, 4]
    """
    return [0, *accumulate(values)]


def _best_run(parent: Span, totals: list[int]) -> Span:
    """The run of consecutive children of ``parent`` whose blocks weigh the most (Kadane's scan).

    A child holding no block (a ``<br>``, a link inside a line) still marks where a run may
    start or end:

    >>> from lxml import etree
    >>> from newscrawl.extraction.body_blocks import layout
    >>> page = layout(etree.fromstring(
    ...     '<div><a href="/">Home</a><br/>It rained all day, they said.<br/>Share</div>'))
    >>> run = _best_run(page.spans[-1], weigh(page, set()).totals)
    >>> [b.text for b in page.blocks[run.start:run.end]]
    ['It rained all day, they said.']
    """
    best = parent
    low = None  # the child start with the lowest running total so far
    for start, end in parent.children:
        if low is None or totals[start] < totals[low]:
            low = start
        if totals[end] - totals[low] > totals[best.end] - totals[best.start]:
            best = Span(parent.element, low, end)
    return best


def lead_span(page: Layout, body: Span) -> Span | None:
    """The lead paragraph just before the article container ``body``, when it is outside it.

    It is named as a lead (standfirst, summary, teaser...), and only short lines
    (captions, bylines, dates) stand between it and ``body``.

    >>> from lxml import html
    >>> from newscrawl.extraction.body_blocks import layout
    >>> page = layout(html.fromstring(
    ...     '<article><p class="standfirst">The lead, in a sentence.</p><span>By Jo Doe</span>'
    ...     '<div><p>It will rain today, they said.</p></div></article>'))
    >>> page.blocks[lead_span(page, page.spans[-2]).start].text
    'The lead, in a sentence.'
    """
    for span in page.spans:
        if body.start - MAX_LEAD_GAP <= span.end <= body.start and (
            1 <= span.end - span.start <= MAX_LEAD_BLOCKS
            and is_lead(span.element)
            and not any(is_link_list(b) for b in page.blocks[span.start:span.end])
            and not any(is_prose(b) for b in page.blocks[span.end:body.start])
        ):
            return span
    return None


def cut_tail(page: Layout, span: Span, weights: Weights) -> Span:
    """``span`` ending with the smallest element holding :data:`MIN_CORE_PROSE_SHARE` of its
    prose, and the list items and table rows right after it.

    >>> from lxml import etree
    >>> from newscrawl.extraction.body_blocks import layout
    >>> prose = "<p>" + "A sentence of the article that runs on for a while. " * 3 + "</p>"
    >>> page = layout(etree.fromstring(
    ...     f"<div><div>{prose * 9}</div><table><tr><td>1</td></tr></table>"
    ...     "<div><p>Jo Doe writes about the weather for us, and loves to hike.</p></div></div>"))
    >>> span = cut_tail(page, page.spans[-1], weigh(page, set()))
    >>> page.blocks[span.end - 1].text, len(page.blocks) - span.end
    ('1', 1)
    """
    prose = weights.prose
    need = MIN_CORE_PROSE_SHARE * (prose[span.end] - prose[span.start])
    core = None
    for inner in page.spans:
        if (span.start <= inner.start and inner.end <= span.end
                and prose[inner.end] - prose[inner.start] >= need
                and (core is None or inner.end - inner.start < core.end - core.start)):
            core = inner
    if core is None:
        return span
    end = core.end
    while end < span.end and page.blocks[end].tag in _NEUTRAL_TAGS:
        end += 1
    return Span(span.element, span.start, end, span.children)
