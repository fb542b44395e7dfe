"""The date a reader sees next to the headline: "Mar 13, 2026", "Posted by X on November 3, 2025".

The page's text is read in document order around its ``<h1>``: the first date printed just
after the headline (in the byline, the dateline, an "Updated" line), else the last one printed
just above it. Dates written with a month name (several languages), in ISO order, with dots
(``13.03.2026``), with slashes (in the page's own order) or in CJK order are found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from lxml import etree

from newscrawl.extraction.document import Document, body_or_root, text_of
from newscrawl.extraction.headline import article_heading
from newscrawl.extraction.structured import meta_content, site_names
from newscrawl.extraction.values import name_key, names_match
from newscrawl.extraction.words import fold_spaces

#: Characters of text read after the headline, and before it.
AFTER_HEADLINE, BEFORE_HEADLINE = 600, 200
#: A date in a longer text is part of the story ("on 9 June 2024 she..."), not its dateline.
MAX_DATELINE_CHARS = 120
_LABEL_CHARS = 40
_CAPTION_TAGS = frozenset({"p", "div", "span", "figure"})
_CAPTION_CANDIDATES = _CAPTION_TAGS | {"figcaption"}  # the tags is_caption can say yes to
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")  # a cheap test before the date pattern
_MIN_TITLE_CHARS = 12
# The texts that may hold a year (a date's, see _DATE), but not a script's or a style's: found by
# libxml2, where walking every element of a big page in Python costs several times more.
_YEAR_TEXTS = etree.XPath(
    "descendant::text()[contains(., '19') or contains(., '20')][not(parent::script or parent::style)]"
    " | following-sibling::node()[1][self::text()][contains(., '19') or contains(., '20')]"
)
_PUBLISHED = re.compile(
    r"(?:posted|published|publié|veröffentlicht|publicado|pubblicato|written)(?:\s+(?:on|am|le|el|il))?\W{0,3}$",
    re.IGNORECASE,
)
_UPDATED = re.compile(
    r"(?:updated|modified|revised|aktualisiert|mis à jour|actualizado|atualizado|bijgewerkt|aggiornato)"
    r"\W{0,3}(?:\w+\W{1,3}){0,2}$",
    re.IGNORECASE,
)
_SKIPPED = frozenset({"script", "style", "noscript", "template", "nav", "svg", "select", "button"})
_MONTHS = {name: number for number, names in enumerate((
    "january jan januar janvier enero gennaio janeiro januari",
    "february feb februar février fevrier febrero febbraio fevereiro februari",
    "march mar märz maerz mars marzo março maart",
    "april apr avril abril aprile",
    "may mai mayo maggio maio mei",
    "june jun juni juin junio giugno junho",
    "july jul juli juillet julio luglio julho",
    "august aug août aout agosto augustus",
    "september sep sept septembre septiembre settembre setembro",
    "october oct oktober octobre octubre ottobre outubro okt",
    "november nov novembre noviembre novembro",
    "december dec dezember décembre decembre diciembre dicembre dezembro",
), start=1) for name in names.split()}
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# A month name may follow a name glued to it ("Luke KimDecember 17, 2025"), so it is spelled out.
_MONTH_NAME = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_DATE = re.compile(
    r"(?:\b(?P<day>\d{1,2})(?:\.|st|nd|rd|th)?\s+(?:de\s+|of\s+)?(?P<month>[^\W\d_]{3,9})\.?,?\s+(?:de\s+)?" + _YEAR
    + r"|(?:(?<=[a-z])(?=[A-Z])|\b)(?P<month2>" + _MONTH_NAME + r")\.?\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    + _YEAR.replace("year", "year2")
    + r"|\b(?P<iso>(?:19|20)\d\d)(?P<isosep>[-./])(?P<isomonth>\d\d)(?P=isosep)(?P<isoday>\d\d)(?:T\d\d)?"
    + r"|\b(?P<d1>\d{1,2})(?P<sep>[./])\s?(?P<d2>\d{1,2})(?P=sep)\s?(?P<year3>(?:19|20)\d\d)"
    + r"|\b(?P<cjk>(?:19|20)\d\d)\s*[年년]\s*(?P<cjkmonth>\d{1,2})\s*[月월]\s*(?P<cjkday>\d{1,2})"
    + r")\b(?!\s*[%$€£])"
)


@dataclass(frozen=True)
class ShownDate:
    """A printed day; whether a label says it is the day of an update, or of publication."""

    day: str
    updated: bool = False
    published: bool = False


def shown_dates(doc: Document, month_first: bool = True) -> list[ShownDate]:
    """Dates printed in short texts near the page's ``<h1>``, nearest first: those after it in
    order, then those before it, backwards. Dates inside long texts (the story's own prose) are
    left out.

    ``month_first`` reads ``03/11/2026`` as March 11 (the page's locale writes the month first).

    >>> from newscrawl.extraction.document import parse_document
    >>> def shown(html): return [(d.day, d.updated) for d in shown_dates(parse_document(html, "https://e.com/"))]
    >>> shown("<p>May 1, 2020</p><h1>Title</h1><p>Posted by <a>Ann</a> on November 3, 2025</p>")
    [('2025-11-03', False), ('2020-05-01', False)]
    >>> shown("<h1>T</h1><p>By Ann · 12.12.2025</p><p><span>Updated</span> <time>2025-02-22</time></p>")
    [('2025-12-12', False), ('2025-02-22', True)]
    >>> shown("<h1>Title</h1><p>" + "Words of the story. " * 5 + "On May 3, 2024 it rained.</p>")
    []
    """
    return list(_near(doc, month_first))


def labelled_day(doc: Document, month_first: bool = True) -> str | None:
    """The first day printed anywhere after a "Posted on", "Published" label: bylines printed
    at the foot of the page, or in a page without an ``<h1>``.

    >>> from newscrawl.extraction.document import parse_document
    >>> html = "<h2>Index types</h2><p>" + "Text. " * 50 + "</p><p>Written by Dana, Posted on April 13, 2023</p>"
    >>> labelled_day(parse_document(html, "https://e.com/"))
    '2023-04-13'
    """
    return _everywhere(doc, month_first)[1]


def labelled_update_day(doc: Document, month_first: bool = True) -> str | None:
    """The first day printed anywhere after an "Updated", "Last modified" label: the day a page
    that shows no other dates itself by.

    >>> from newscrawl.extraction.document import parse_document
    >>> html = "<h2>Webcams</h2><p>" + "Text. " * 50 + "</p><p>Last updated: November 13, 2025</p>"
    >>> labelled_update_day(parse_document(html, "https://e.com/"))
    '2025-11-13'
    """
    return _everywhere(doc, month_first)[2]


def printed_days(doc: Document, month_first: bool = True) -> set[str]:
    """Every day printed in the page's text (outside scripts and navigation) but not labelled as
    an update, as ``YYYY-MM-DD``.

    >>> from newscrawl.extraction.document import parse_document
    >>> html = "<h1>T</h1><p>It rained on 3 May 2024 and 4 May 2024.</p><p>Updated May 9, 2024</p>"
    >>> sorted(printed_days(parse_document(html, "https://e.com/")))
    ['2024-05-03', '2024-05-04']
    """
    return _everywhere(doc, month_first)[0]


def _near(doc: Document, month_first: bool) -> list[ShownDate]:
    key = ("shown_dates", month_first)
    if key not in doc.cache:
        headline = _story_heading(doc)
        if headline is not None:
            before, after = _around(doc, headline)
        else:
            titled, after = _split_at_title(_page_texts(doc), _page_titles(doc), lambda text: _is_masthead(doc, text))
            headline = None if titled else _first_subheading(doc)
            before, after = _around(doc, headline) if headline is not None else (reversed(titled), iter(after))
        above = _window(before, BEFORE_HEADLINE)[::-1]
        near = [*_dates_in(_window(after, AFTER_HEADLINE), month_first), *reversed(_dates_in(above, month_first))]
        doc.cache[key] = near if (headline is not None or above) else []
    return doc.cache[key]


def _everywhere(doc: Document, month_first: bool) -> tuple[set[str], str | None, str | None]:
    """Days printed anywhere but not as an update; the first one labelled as the publication
    day; the first one labelled as an update."""
    key = ("printed_days", month_first)
    if key not in doc.cache:
        everywhere = _page_dates(doc, month_first)
        printed = {date.day for date in everywhere if not date.updated}
        labelled = next((date.day for date in everywhere if date.published and not date.updated), None)
        updated = next((date.day for date in everywhere if date.updated), None)
        doc.cache[key] = (printed, labelled, updated)
    return doc.cache[key]


def _page_texts(doc: Document, holders: frozenset = frozenset()) -> list[str]:
    """The page's texts (see :func:`_read`), whitespace-folded: those of a page without a story
    heading, or around a heading they leave out."""
    return list(_pieces(_read(body_or_root(doc.root), holders)))


def _around(doc: Document, headline: etree._Element) -> tuple[Iterator[str], Iterator[str]]:
    """The page's texts up to the headline's end, last first, and those after it, in order,
    whitespace-folded; read only as far as asked. A headline the page's texts leave out (in a
    caption) does not end: all the texts are before it.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document('<p>Menu</p><div><h1>Title</h1><p>By Ann</p></div><p>May 3, 2024</p>', "https://e.com/")
    >>> [list(texts) for texts in _around(doc, doc.root.find('.//h1'))]
    [['Title', 'Menu'], ['By Ann', 'May 3, 2024']]
    """
    root, holders = body_or_root(doc.root), _holders(headline)
    if not _is_read(headline, True, root, holders):
        return reversed(_page_texts(doc, holders)), iter(())
    return _pieces(_read_backwards(headline, True, root, holders)), _pieces(_texts_after(headline, root, holders))


def _first_subheading(doc: Document) -> etree._Element | None:
    """The page's first ``<h2>``, the heading of a page without an ``<h1>`` whose title does not
    start its text either (themes that print the post's title as an h2, under the site's name):
    a title's length, not the site's name.

    >>> from newscrawl.extraction.document import parse_document
    >>> html = "<title>Spice Cayenne | Spice AI</title><h2>Introducing Spice Cayenne: a data accelerator</h2>"
    >>> _first_subheading(parse_document(html, "https://e.com/")).text
    'Introducing Spice Cayenne: a data accelerator'
    >>> _first_subheading(parse_document("<h2>Menu</h2>", "https://e.com/")) is None
    True
    """
    heading = next(doc.root.iter("h2"), None)
    if heading is None:
        return None
    text = text_of(heading)
    return heading if len(name_key(text)) >= _MIN_TITLE_CHARS and not _is_masthead(doc, text) else None


def _story_heading(doc: Document) -> etree._Element | None:
    headline = article_heading(doc)
    return None if headline is None or _is_masthead(doc, text_of(headline)) else headline


def printed_day(text: str, month_first: bool = True) -> str | None:
    """The first date written in ``text``, as ``YYYY-MM-DD``.

    >>> printed_day("Posted November 12th, 2026"), printed_day("3. Mai 2024"), printed_day("5 de mayo de 2024")
    ('2026-11-12', '2024-05-03', '2024-05-05')
    >>> printed_day("Published 03/11/2026", month_first=False), printed_day("Chapter 12 2024") is None
    ('2026-11-03', True)

    Year first, with dashes, dots or slashes, and a time of day glued on as ISO 8601 writes it:

    >>> printed_day("Published: 2025.12.17 |"), printed_day("2022-11-23T08:10+02:00"), printed_day("2025/12/17")
    ('2025-12-17', '2022-11-23', '2025-12-17')
    """
    return next((day for day in map(lambda m: _as_iso(m, month_first), _DATE.finditer(text)) if day), None)


def _page_titles(doc: Document) -> list[str]:
    titles = (meta_content(doc, "og:title"), doc.root.findtext(".//title"))
    return [name_key(title) for title in titles if title and name_key(title) and not _is_masthead(doc, title)]


def _is_masthead(doc: Document, text: str) -> bool:
    """Whether a heading or title is only the site's name (a home page's h1), not a story's.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document('<meta property="og:site_name" content="The Loopback Herald">', "https://e.test/")
    >>> _is_masthead(doc, "The Loopback Herald"), _is_masthead(doc, "Glacier station opens")
    (True, False)
    """
    key = name_key(text)
    return any(names_match(key, name_key(site)) for site in site_names(doc))


def _split_at_title(
    pieces: list[str], titles: list[str], is_masthead: Callable[[str], bool] = lambda text: False
) -> tuple[list[str], list[str]]:
    """The texts up to the first one that starts a page title (the heading of a page without an
    ``<h1>``; the site's name in the masthead does not count), and those after it; ``[]`` and
    all of them when none does.

    >>> _split_at_title(["Spice AI", "Spice Cayenne: a data accelerator", "Luke Kim", "December 17, 2025"],
    ...                 ["spicecayenneadataacceleratorspiceai"], lambda text: text == "Spice AI")
    (['Spice AI', 'Spice Cayenne: a data accelerator'], ['Luke Kim', 'December 17, 2025'])
    """
    for index, piece in enumerate(pieces):
        key = name_key(piece)
        if len(key) >= _MIN_TITLE_CHARS and any(title.startswith(key) for title in titles) and not is_masthead(piece):
            return pieces[: index + 1], pieces[index + 1:]
    return [], pieces


def _window(pieces: Iterable[str], chars: int) -> list[str]:
    """The first pieces of text, up to the one that reaches ``chars`` characters."""
    kept, size = [], 0
    for piece in pieces:
        kept.append(piece)
        size += len(piece)
        if size >= chars:
            break
    return kept


def _dates_in(pieces: list[str], month_first: bool, max_chars: int | None = MAX_DATELINE_CHARS) -> list[ShownDate]:
    dates = []
    for index, piece in enumerate(pieces):
        if not max_chars or len(piece) <= max_chars:
            dates += _dates_of(piece, lambda: pieces[index - 1] if index else "", month_first)
    return dates


def _dates_of(piece: str, previous: Callable[[], str], month_first: bool) -> list[ShownDate]:
    """The dates written in one text, each labelled by what is printed just before it: the
    start of the text, and the end of the ``previous()`` text (asked once, and only for a date).

    >>> [(d.day, d.updated) for d in _dates_of("May 3, 2024 · 9 May 2024", lambda: "Updated", True)]
    [('2024-05-03', True), ('2024-05-09', False)]
    >>> _dates_of("No date", lambda: 1 / 0, True)
    []
    """
    if not _YEAR_DIGITS.search(piece):
        return []
    dates, before = [], None
    for match in _DATE.finditer(piece):
        day = _as_iso(match, month_first)
        if day:
            before = previous() if before is None else before
            label = (before + " " + piece[: match.start()])[-_LABEL_CHARS:]
            dates.append(ShownDate(day, bool(_UPDATED.search(label)), bool(_PUBLISHED.search(label))))
    return dates


def _page_dates(doc: Document, month_first: bool) -> list[ShownDate]:
    """The dates of :func:`_dates_in` over all the page's texts (see :func:`_read`), found
    without reading them all: libxml2 picks the few texts that may hold a year, and only around
    those is the tree read (is the text one of the page's, which text comes before it).

    >>> from newscrawl.extraction.document import parse_document
    >>> html = "<p>Posted on</p><nav>May 9, 2024</nav><p>May 3, 2024<script>x</script>2 June 2024</p>"
    >>> [(d.day, d.published) for d in _page_dates(parse_document(html, "https://e.com/"), True)]
    [('2024-05-03', True), ('2024-06-02', False)]
    """
    headline = _story_heading(doc)
    root, holders = body_or_root(doc.root), _holders(headline)
    dates, seen = [], set()
    for text in _YEAR_TEXTS(root):
        element, tail = text.getparent(), text.is_tail
        if (element, tail) not in seen and _is_read(element, tail, root, holders):
            seen.add((element, tail))  # a text split in two nodes (a tail moved next to another) is read once
            piece = fold_spaces(element.tail if tail else element.text)
            dates += _dates_of(piece, lambda: _piece_before(element, tail, root, holders), month_first)
    return dates


def _is_read(element: etree._Element, tail: bool, root: etree._Element, holders: frozenset) -> bool:
    """Whether the walk from ``root`` reads the element's tail (or its text): it enters the
    element's ancestors (and, for its text, the element).

    >>> from lxml import html
    >>> root = html.fromstring('<div><nav><b>n</b>t</nav>tail<p class="caption">c</p></div>')
    >>> nav, b, p = root[0], root[0][0], root[1]
    >>> _is_read(nav, True, root, frozenset()), _is_read(b, True, root, frozenset()), _is_read(p, False, root, frozenset())
    (True, False, False)
    """
    if not isinstance(element.tag, str):
        return False
    if tail:
        if element is root:
            return True
        element = element.getparent()
    while element is not None:
        if _skipped(element, holders):
            return False
        if element is root:
            return True
        element = element.getparent()
    return False


def _piece_before(element: etree._Element, tail: bool, root: etree._Element, holders: frozenset) -> str:
    """The last text the walk reads, folded, before the element's tail (or its text); ``""``
    before the first.

    >>> from lxml import html
    >>> root = html.fromstring('<div><p>Posted <b>on</b></p><script>x</script><p>May 3, 2024</p></div>')
    >>> _piece_before(root[2], False, root, frozenset()), _piece_before(root, False, root, frozenset())
    ('on', '')
    """
    return next(_pieces(_read_backwards(element, tail, root, holders)), "")


def _read_backwards(
    element: etree._Element, tail: bool, root: etree._Element, holders: frozenset
) -> Iterator[str | None]:
    """The texts the walk reads before the element's tail (or its text), last first."""
    if tail and not _skipped(element, holders):
        yield from _texts_backwards(element, holders)
    yield from _texts_before(element, root, holders)


def _texts_after(element: etree._Element, root: etree._Element, holders: frozenset) -> Iterator[str | None]:
    """The texts the walk reads from the element's tail on, in order."""
    while True:
        yield element.tail
        if element is root:
            return
        for sibling in element.itersiblings():
            yield from _read(sibling, holders)
        element = element.getparent()


def _pieces(texts: Iterable[str | None]) -> Iterator[str]:
    """The texts that are not blank, whitespace-folded."""
    return (fold_spaces(text) for text in texts if text and not text.isspace())


def _texts_before(element: etree._Element, root: etree._Element, holders: frozenset) -> Iterator[str | None]:
    """The texts the walk reads before it enters the element, last first."""
    while element is not root:
        yield from _texts_of_backwards(element.itersiblings(preceding=True), holders)
        element = element.getparent()
        yield element.text


def _texts_backwards(element: etree._Element, holders: frozenset) -> Iterator[str | None]:
    """The texts the walk reads inside an element it enters, last first."""
    yield from _texts_of_backwards(reversed(element), holders)
    yield element.text


def _texts_of_backwards(elements: Iterable[etree._Element], holders: frozenset) -> Iterator[str | None]:
    """The texts the walk reads in and after each of ``elements`` (siblings, last first).

    A stack of the elements entered, not recursion: pages nest deeper than Python recurses.

    >>> from lxml import html
    >>> root = html.fromstring('<div><p>a<b>b</b>c</p>d<nav>n</nav>e</div>')
    >>> [text for text in _texts_of_backwards(reversed(root), frozenset()) if text]
    ['e', 'd', 'c', 'b', 'a']
    """
    entered = [(None, iter(elements))]
    while entered:
        parent, children = entered[-1]
        element = next(children, None)
        if element is None:
            entered.pop()
            if parent is not None:
                yield parent.text
        elif isinstance(element.tag, str):
            yield element.tail
            if not _skipped(element, holders):
                entered.append((element, reversed(element)))


def _read(element: etree._Element, holders: frozenset) -> Iterator[str]:
    """The walk of the page's texts, here of an element and its tail: the texts that are not
    blank, in order (the page's are those of its ``<body>``, else its root: ``body_or_root``).
    Scripts, navigation, buttons and captions are left out (see :func:`_skipped`), and comments.

    >>> from lxml import html
    >>> root = html.fromstring('<div><button>Menu</button><h1>Title</h1><p>May 3, 2024</p></div>')
    >>> list(_read(root, frozenset())), list(_read(root[0], frozenset([root[0]])))
    (['Title', 'May 3, 2024'], ['Menu'])
    """
    if not isinstance(element.tag, str):
        return
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start" and _skipped(node, holders):
            walker.skip_subtree()
            continue
        text = node.text if event == "start" else node.tail
        if text and not text.isspace():
            yield text


def _holders(headline: etree._Element | None) -> frozenset:
    """The headline's ancestors: markup broken so that the whole page nests in a menu's ``<button>``."""
    return frozenset(headline.iterancestors()) if headline is not None else frozenset()


def _skipped(element: etree._Element, holders: frozenset) -> bool:
    """Whether the page's texts leave out an element and all it holds: a script, a menu, a
    button (but not one that holds the headline, see :func:`_holders`), a caption.

    >>> from lxml import html
    >>> menu = html.fromstring('<nav><h1>Title</h1></nav>')
    >>> _skipped(menu, frozenset()), _skipped(menu, frozenset([menu])), _skipped(menu[0], frozenset())
    (True, False, False)
    """
    tag = element.tag
    return (tag in _SKIPPED and element not in holders) or not isinstance(tag, str) or (
        tag in _CAPTION_CANDIDATES and is_caption(element))


def is_caption(element: etree._Element) -> bool:
    """Whether an element is a picture's caption: ``<figcaption>``, a "caption" class, or a
    paragraph right after a picture (captions often carry the day the photo was taken).

    >>> from lxml import html
    >>> box = html.fromstring('<div><a><img src="a.jpg"></a><p>Tanks near Bakhmut, 24 April 2023</p><p>Story</p></div>')
    >>> [is_caption(p) for p in box.iter("p")]
    [True, False]
    """
    tag = element.tag
    if tag == "figcaption":
        return True
    if tag in _CAPTION_TAGS:
        classes = element.get("class")
        if classes is not None and "caption" in classes.lower():
            return True
    if tag != "p":
        return False
    previous = element.getprevious()
    while previous is not None and previous.tag == "a" and len(previous) == 1:
        previous = previous[0]
    return previous is not None and previous.tag in ("img", "picture")


def month_number(name: str) -> int | None:
    """The number of a month written as a word, in any of the languages read here.

    >>> month_number("October"), month_number("mai"), month_number("Monday")
    (10, 5, None)
    """
    return _MONTHS.get(name.casefold())


def _as_iso(match: re.Match, month_first: bool) -> str | None:
    """The matched date as ``YYYY-MM-DD``; ``None`` when it is not a real day."""
    if match["iso"]:
        year, month, day = match["iso"], int(match["isomonth"]), int(match["isoday"])
    elif match["cjk"]:
        year, month, day = match["cjk"], int(match["cjkmonth"]), int(match["cjkday"])
    elif match["year3"]:
        first, second = int(match["d1"]), int(match["d2"])
        day_first = first > 12 or (not month_first and second <= 12)
        year, month, day = match["year3"], *((second, first) if day_first else (first, second))
    else:
        name = (match["month"] or match["month2"]).casefold()
        year, month, day = match["year"] or match["year2"], _MONTHS.get(name), int(match["day"] or match["day2"])
    if not month or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    return f"{year}-{month:02d}-{day:02d}"
