"""Page furniture pruned: elements that never hold article text, by tag, name and style.

Used by body extraction to prune a parsed page before looking for the article; the words it
looks for are in :mod:`~newscrawl.extraction.vocabulary`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

from newscrawl.extraction.document import drop_element, put_back, text_of
from newscrawl.extraction.values import remembered
from newscrawl.extraction.vocabulary import (
    AD_PARTS,
    ARTICLE_NAMES,
    FURNITURE_LABELS,
    FURNITURE_STEMS,
    FURNITURE_TAGS,
    FURNITURE_WORDS,
    HIDDEN_PARTS,
    HIDDEN_TOKENS,
    JUNK_TAGS,
    LABEL_END,
    LEAD_NAMES,
    STAMP_LINE,
)
# A button holding paragraphs was left open in the markup, and the parser put the rest of
# the page inside it: it is unwrapped, not dropped.
_HOLDS_TEXT = etree.XPath("boolean(descendant::p)")
# A figure is an image, video or chart with its caption, unless it quotes someone or
# holds a table of figures (a WordPress table block is a figure).
_QUOTES_OR_TABULATES = etree.XPath("boolean(descendant::blockquote or descendant::table)")
# A time stamp outside a paragraph of prose is a dateline, not a word of the text.
_IN_PROSE = etree.XPath("boolean(ancestor::p[string-length(normalize-space()) > 50])")
# "/descendant::body" rather than "//body": libxml2 reads "//" as a step over every node first,
# three times slower here. Only an element with a style or the hidden attribute can be hidden.
_STYLED = etree.XPath("/descendant::body/descendant::*[@style or @hidden]")
# The bodies of the page, but one inside another.
_OUTER_BODIES = etree.XPath("/descendant::body[not(ancestor::body)]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# React streams a page in segments ``<div hidden id="S:0">`` that a script moves into place.
_STREAMED_SEGMENT = re.compile(r"S:\w+$")
# The place between the small letter and the capital of a camelCase hump, where a "-" goes:
# a literal replacement is made in C, while a template such as r"-\g<0>" calls Python back
# for every hump (Python 3.11), two and a half times slower on a value with capitals.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# An element holding more than this share of the page's paragraph text is a wrapper.
MAX_FURNITURE_SHARE = 0.5

# Lookbehinds instead of a leading "(?:^|[\s_-])": several times faster to search.
_HIDDEN_NAMES = re.compile(rf"(?<!\S)(?:{HIDDEN_TOKENS})(?!\S)|{HIDDEN_PARTS}")


def _by_first_letter(words: str) -> str:
    """The alternatives of ``words`` (no nested "|"), grouped by their first character.

    The regex engine tries alternatives one by one: grouped, it tries one per letter.

    >>> _by_first_letter("share|social|nav")
    's(?:hare|ocial)|n(?:av)'
    """
    groups: dict[str, list[str]] = {}
    for word in words.split("|"):
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


# Furniture names are searched in two passes, each starting with a known character, which
# the regex engine scans for quickly: the hiding words that stand anywhere, then the names
# that start a part, searched in the value after a space so that every part follows a
# separator. A third faster than one pattern with lookbehinds at every position.
_HIDDEN_ANYWHERE = re.compile(HIDDEN_PARTS)
_FURNITURE_PARTS = re.compile(
    rf"\s(?:{HIDDEN_TOKENS})(?!\S)|[\s_-](?:(?:{_by_first_letter(FURNITURE_STEMS)})"
    rf"|(?:{_by_first_letter(FURNITURE_WORDS)})(?!\S)|(?:{AD_PARTS})(?![^\s_-]))"
)
# How many distinct class/id values to remember the verdict of (about 160 bytes each). A
# page has about 200, a site a few thousand: a crawl taking turns over many sites needs
# room for all of theirs, or each value is judged again (the regexes cost ~5 us a value).
_VERDICT_CACHE_SIZE = 65536
# How many distinct style values to remember whether they hide (at most about 600 bytes each). A
# page styling its elements one by one repeats a few values: on the 34 heaviest pages, 27,000
# values are 1,300 distinct ones, and the search, slow on a long value, took up to 15 ms of a page.
_STYLE_CACHE_SIZE = 4096


def prune_boilerplate(root: etree._Element) -> Callable[[], None]:
    """Remove furniture elements from ``root`` in place (their tails are kept); return what
    puts back those found by class/id alone, leaving ``root`` pruned by tag and hidden state only.

    Furniture is spared when it holds most of the page's paragraph text: then it is a
    wrapper with an unlucky name.

    >>> from lxml import html
    >>> root = html.fromstring('<div><p>Text.</p><div id="comments"><p>Hi</p></div>tail<nav>Home</nav></div>')
    >>> restore_named = prune_boilerplate(root)
    >>> html.tostring(root)
    b'<div><p>Text.</p>tail</div>'
    >>> restore_named()
    >>> html.tostring(root)
    b'<div><p>Text.</p><div id="comments"><p>Hi</p></div>tail</div>'
    """
    _unwrap_open_buttons(root)
    etree.strip_elements(root, *JUNK_TAGS, with_tail=False)
    by_tag, lengths = [], {}
    for el in root.iter(*FURNITURE_TAGS, "figure", "time", "p"):  # one walk for both
        if el.tag == "p":
            lengths[el] = len(text_of(el))
        elif _is_furniture_tag(el):
            by_tag.append(el)
    spared = _wrappers(lengths)
    _drop_all(el for el in by_tag if el not in spared)
    hidden, named = _hidden_and_named(root, spared)
    _drop_all(hidden)
    dropped = [drop_element(el) for el in named]

    def restore_named() -> None:
        put_back(dropped)
        _drop_all(el for el in _STYLED(root) if _is_hidden(el) and el not in spared)  # in what came back
    return restore_named


def _wrappers(lengths: dict[etree._Element, int]) -> set[etree._Element]:
    """The elements holding more than :data:`MAX_FURNITURE_SHARE` of the paragraph text,
    given the length of each paragraph in document order.

    The paragraphs of an element follow each other in document order, so an element holding
    more than half the text holds the paragraph where the running total passes half: only
    that paragraph and its ancestors need to be counted.

    >>> from lxml import html
    >>> root = html.fromstring('<div><section><p>aaaa</p><p>bb</p></section><p>ccc</p></div>')
    >>> sorted(el.tag for el in _wrappers({p: len(p.text) for p in root.iter("p")}))
    ['body', 'div', 'html', 'section']
    """
    limit = MAX_FURNITURE_SHARE * sum(lengths.values())
    total, middle = 0, None
    for middle, length in lengths.items():
        total += length
        if total >= limit:
            break
    if middle is None:
        return set()
    chain = [middle, *middle.iterancestors()]
    # An ancestor holds all that its child holds: above the first wrapper, all are wrappers.
    first = next((i for i, el in enumerate(chain)
                  if sum(map(lengths.__getitem__, el.iter("p"))) > limit), len(chain))
    return set(chain[first:])


def _unwrap_open_buttons(root: etree._Element) -> None:
    """Keep what a button left open holds: its children take its place.

    >>> from lxml import html
    >>> root = html.fromstring('<div><button>Menu<main><p>Text.</p></main></button></div>')
    >>> _unwrap_open_buttons(root)
    >>> html.tostring(root)
    b'<div>Menu<main><p>Text.</p></main></div>'
    """
    for button in [el for el in root.iter("button") if _HOLDS_TEXT(el)]:
        button.drop_tag()


def _is_furniture_tag(el: etree._Element) -> bool:
    """Whether a furniture tag, a figure or a time stamp is furniture by where it stands.

    >>> from lxml import html
    >>> [_is_furniture_tag(el) for el in html.fromstring(
    ...     '<div><figure><img></figure><figure><blockquote>Q</blockquote></figure>'
    ...     '<time>May 1</time><p>It rained for days on end, longer than anyone could '
    ...     'remember, on <time>May 1</time>.</p><nav>Home</nav>'
    ...     '<figure><table><tr><td>1</td></tr></table></figure></div>'
    ... ).iter("figure", "time", "nav")]
    [True, False, True, False, True, False]
    """
    if el.tag == "figure":
        return not _QUOTES_OR_TABULATES(el)
    if el.tag == "time":
        return not _IN_PROSE(el)
    return True


def _drop_all(elements: Iterable[etree._Element]) -> None:
    for el in elements:
        drop_element(el)


def _is_hidden(el: etree._Element) -> bool:
    """Whether ``el`` is not displayed (``aria-hidden`` only hides from screen readers).

    >>> from lxml import html
    >>> _is_hidden(html.fromstring('<p style="display: none">x</p>'))
    True
    >>> _is_hidden(html.fromstring('<p class="paywall" aria-hidden="true">Text.</p>'))
    False

    A segment of a page streamed by React is shown once its script has run:

    >>> _is_hidden(html.fromstring('<div hidden id="S:1"><p>Text.</p></div>'))
    False
    """
    if el.get("hidden") is not None:
        return not _STREAMED_SEGMENT.match(el.get("id") or "")
    style = el.get("style")
    return bool(style) and _hides(style)


@remembered(maxsize=_STYLE_CACHE_SIZE)
def _hides(style: str) -> bool:
    """Whether a style attribute's value hides its element.

    >>> _hides("display: none"), _hides("Visibility : hidden"), _hides("display: block")
    (True, True, False)
    """
    return bool(_HIDDEN_STYLE.search(style))


@remembered(maxsize=_VERDICT_CACHE_SIZE)
def name_verdict(names: str) -> int:
    """-1 when a class/id value names article text, 1 when it names furniture, else 0.

    A class that hides the element wins over article words.

    >>> name_verdict("comments-area"), name_verdict("entry-content share-bar")
    (1, -1)
    >>> name_verdict("post tag-politics"), name_verdict("post-tags relatedArticles")
    (0, 1)

    >>> name_verdict("story-body"), name_verdict("newsletter-signup"), name_verdict("grid")
    (-1, 1, 0)
    >>> name_verdict("article-content__sign-in hidden")
    1
    """
    lowered = names.lower()
    names = lowered if lowered == names else _CAMEL.sub("-", names).lower()
    # ARTICLE_NAMES end in "body", "content" or "text": a value without them needs no search.
    if ("body" in names or "content" in names or "text" in names) and ARTICLE_NAMES.search(names):
        return 1 if _HIDDEN_NAMES.search(names) else -1
    return 1 if _HIDDEN_ANYWHERE.search(names) or _FURNITURE_PARTS.search(" " + names) else 0


def is_furniture_label(text: str) -> bool:
    """Whether a line is just the label of an ad slot, a list of links or the comments.

    >>> is_furniture_label("Advertisement"), is_furniture_label("Lire aussi :")
    (True, True)
    >>> is_furniture_label("Table of Contents"), is_furniture_label("In this article:")
    (True, True)
    >>> is_furniture_label("Read more about the bridge in our archive.")
    False

    So is a line stamping the article with its reading time or a date alone:

    >>> is_furniture_label("8 min read"), is_furniture_label("Updated: Dec 04, 2025")
    (True, True)
    >>> is_furniture_label("Posted By"), is_furniture_label("Cooking time: 10 mins")
    (True, False)
    """
    folded = text.casefold().strip(LABEL_END)
    return folded in FURNITURE_LABELS or bool(STAMP_LINE.fullmatch(folded))


def is_lead(el: etree._Element) -> bool:
    """Whether ``el`` is named as the article's lead paragraph (not a headline variant).

    >>> from lxml import html
    >>> is_lead(html.fromstring('<p class="c-article-summary">Lead.</p>'))
    True
    >>> is_lead(html.fromstring('<p class="leading-5">Text.</p>'))
    False
    >>> is_lead(html.fromstring('<p class="summary" itemprop="alternativeHeadline">Dek.</p>'))
    False
    """
    if "alternativeHeadline" in (el.get("itemprop") or ""):
        return False
    names = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return bool(names) and bool(LEAD_NAMES.search(_CAMEL.sub("-", names).lower()))


def _hidden_and_named(
    root: etree._Element, spared: set[etree._Element],
) -> tuple[list[etree._Element], list[etree._Element]]:
    """The body's elements that are hidden, and those not hidden that are named as furniture,
    but those ``spared`` and those inside one found: it goes with all it holds, which is not
    looked at (the hidden elements inside named furniture go when it comes back).

    A page gives the same class and id to many elements (the items of a menu, the cards of a
    list): each pair of them is judged once.

    >>> from lxml import html
    >>> root = html.document_fromstring('<p style="display:none">a</p><div class="share">'
    ...     '<p class="share">b</p></div><div class="share" id="story-body">c</div><div class="share">d</div>')
    >>> [[el.text_content() for el in found] for found in _hidden_and_named(root, set())]
    [['a'], ['b', 'd']]
    >>> [[el.tag for el in found] for found in _hidden_and_named(root, {root.find(".//div")})]
    [['p'], ['p', 'div']]
    """
    hidden, named, verdicts = [], [], {}
    for body in _OUTER_BODIES(root):
        walk = etree.iterwalk(body, events=("start",), tag=etree.Element)
        next(walk)  # the body itself
        for _, el in walk:
            if _is_hidden(el):
                if el not in spared:
                    hidden.append(el)
                    walk.skip_subtree()
                continue
            names = el.get("class"), el.get("id")
            furniture = verdicts.get(names)
            if furniture is None:
                furniture = verdicts[names] = _is_named_furniture(*names)
            if furniture and el not in spared:
                named.append(el)
                walk.skip_subtree()
    return hidden, named


def _is_named_furniture(class_names: str | None, ident: str | None) -> bool:
    by_class = name_verdict(class_names or "")
    if by_class < 0:
        return False
    by_id = name_verdict(ident) if ident else 0
    return by_id >= 0 and by_class + by_id > 0
