"""Visible bylines: the author names printed near the headline.

Candidates are elements marked as authors (``itemprop=author``, ``rel=author``, links to
author pages), elements whose class or id says byline/author, and labelled fields such as
``<strong>Author</strong> Jane Doe``. Those after the ``<h1>`` come first, teasers and
author boxes are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import chain, islice, takewhile

from lxml import etree

from newscrawl.extraction.document import following_elements, text_of
from newscrawl.extraction.values import XML_BLANKS, folds_shorter

_MAX_BYLINE_CHARS = 250
_MAX_CANDIDATES = 40
_MAX_NAME_WORDS = 5
_MAX_PREFIXED_CHARS = 100
_MAX_BOX_NAME_CHARS = 60
# "uthor" and "ame" match author and name in any capitalisation ("author-box__name", "authorName").
# Found by the class attribute, then its element: a third faster than a test of every element.
_AUTHOR_NAME_CLASS = etree.XPath(
    "/descendant::body/descendant::*/@class[contains(., 'uthor') or contains(., 'UTHOR')]"
    "[contains(., 'ame') or contains(., 'AME')]"
    f"/parent::*[string-length(normalize-space()) < {_MAX_BOX_NAME_CHARS}]"
)
_AUTHOR_PATH = re.compile("/auth?or")
#: What an element marked or named as an author's holds in its class, id, ``itemprop``, ``rel``
#: or link (see :func:`_is_marked_or_named`, :func:`author_box_names`): a page whose text holds
#: none of these (see :func:`~newscrawl.extraction.values.may_hold`) has no such element.
AUTHOR_MARKS = ("uthor", "UTHOR", "yline", "YLINE", "/autor")
_HEADLINE = etree.XPath("/descendant::h1[1]")
_BODY = etree.XPath("/descendant::body[1]")
_BY_WORDS = ("By", "Von", "Por", "Par", "Door", "Written by", "Posted by", "Written By", "Posted By",
             "by", "written by", "posted by", "By:", "by:")
# "Written by" opens a short text anywhere: an author box at the foot of the page.
_SIGNED = re.compile(r"^(?:Written|Posted|Article) [bB]y ")
# "By" opens the element's own text (its first text that is not blank: pretty-printed markup
# puts blanks before a child element), or is all of it ("<span>By <a>Ann</a></span>"). The
# elements are walked in Python, their tag tested in C, and those whose text does not start
# with the first letter of one of the words (nearly all) are passed over before an XPath test:
# libxml2 takes longer to test each element.
_PREFIXED_TAGS = ("p", "span", "div", "li")
_BY_INITIALS = frozenset(by[0] for by in _BY_WORDS)
# The words that are all of the text, and the one-word ones that open it, are each found with
# one test of the text between line breaks (which no normalized text holds), not one per word:
# the text is normalized for each test, and a page has thousands of texts starting with "P".
_LEAD = "normalize-space(text()[normalize-space()])"
_ALL_BY_WORDS = "\n" + "\n".join(_BY_WORDS) + "\n"
_ONE_BY_WORDS = "\n" + "\n".join(by for by in _BY_WORDS if " " not in by) + "\n"
_IS_PREFIXED = etree.XPath(
    f"contains('{_ALL_BY_WORDS}', concat('\n', {_LEAD}, '\n'))"
    f" or contains('{_ONE_BY_WORDS}', concat('\n', substring-before({_LEAD}, ' '), '\n'))"
    + "".join(f" or starts-with({_LEAD}, '{by} ')" for by in _BY_WORDS if " " in by)
)
_MAX_PREFIXED = 6
_FIRST_TEXT = etree.XPath(_LEAD)
_NAME_PARTS = etree.XPath("descendant::*[@itemprop='name']")
# Inside a byline, the element that holds only the name: its class says so ("author-name",
# "authorName"), or it links to the author's page.
_NAME_ELEMENTS = etree.XPath(
    ".//*[@class][contains(@class, 'uthor') or contains(@class, 'UTHOR')][contains(@class, 'ame') or contains(@class, 'AME')]"
    "[normalize-space()]"
)
_OTHER_CREDIT = re.compile(r"\s*(?!by\b)\w+(?:\s+\w+)?\s+by\b", re.IGNORECASE)
_AUTHOR_LINKS = etree.XPath("descendant::a[@rel='author' or contains(@href, '/author/')][normalize-space()]")
# The elements whose short text may be a label ("Autor:", "Written by") or sign the article
# ("Written by Ann Lee"): one pass over the page serves both.
_SHORT_TEXT_TAGS = ("strong", "b", "dt", "th", "span", "label", "p", "div", "li", "h2", "h3", "h4", "h5", "h6")
_MAX_LABEL_CHARS = 25
_MAX_BIO_NAME_WORDS = 4
_BOX_DEPTH = 3
_BIO_SIBLINGS = 3
# The verbs an author's bio goes on with after the name: "Ann Lee is a writer", "Ann Lee has covered".
_BIO_VERBS = frozenset({"is", "has", "was", "writes", "works", "covers", "joined", "holds", "serves", "leads"})
_EXCLUDED = re.compile(
    r"avatar|image|img|photo|bio|desc|social|follow|more|related|teaser|comment|title|label|"
    r"overlay|box|popup|modal|brand|date|time|share|list-item-author-image",
    re.IGNORECASE,
)
# A CSS module's class: the component's name, the element's, a hash ("authorDateBlock_authorName__N6j3Y").
_MODULE_PREFIX = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*_(?=[A-Za-z][A-Za-z0-9]*__[\w-]+)")
_BY = re.compile(r"^(?:by|von|por|par|door|av|af|di)\b\s*:?", re.IGNORECASE)
_BLOCK_LABELS = frozenset({"p", "div", "dt", "h2", "h3", "h4", "h5", "h6"})
_LABEL_WORDS = re.compile(
    r"^(?:autor(?:in)?(?:/autor(?:in)?)?|autoren|author|authors|author\(s\)|contributors?|by|(?:written|article|post|posted) by|text|texte|"
    r"auteur|auteurs|autore|autori|door|reporter|journalist|redakteur(?:in)?)\s*:?$",
    re.IGNORECASE,
)


def byline_names(root: etree._Element, split: Callable[[str], list[str]], has_marks: bool = True) -> list[str]:
    """Names of the best visible byline, split by ``split``; ``[]`` when there is none.
    ``has_marks=False`` says the page holds no element marked or named as an author's (its text
    holds none of :data:`AUTHOR_MARKS`): the tree is not walked for one.

    >>> from lxml import html
    >>> page = html.fromstring('<div><h1>T</h1><p class="Byline">By Ann Lee and Bo Li</p></div>')
    >>> byline_names(page, lambda text: text.removeprefix("By ").split(" and "))
    ['Ann Lee', 'Bo Li']

    With no name in the bylines, the author box's:

    >>> page = html.fromstring('<div><h1>T</h1><p class="byline">updated today</p>'
    ...                        '<div class="author-box"><h4 class="author-box__name">Liz Kenny</h4></div></div>')
    >>> byline_names(page, lambda text: [text]), byline_names(page, lambda text: [text], has_marks=False)
    (['Liz Kenny'], [])
    """
    best: tuple[int, list[str]] | None = None
    read = 0
    for read, element in enumerate(_candidates(root) if has_marks else (), 1):
        if is_excluded(element.get("class", "")):
            continue
        texts = _texts(element)
        marked = _is_marked(element)
        names = [n for text in texts for n in split(text) if marked or is_visible_name(n)]
        rank = 0 if marked or (texts and _BY.match(texts[0])) else 1
        if names and (best is None or rank < best[0]):
            best = (rank, names)
        if best and best[0] == 0:
            break
    if best:
        return best[1]
    # With no candidate, the body holds no element marked or named as an author's (see
    # _candidates): nor one named as the author's name, and the author box is not searched.
    return prefixed_names(root, split) or labelled_names(root, split) or (author_box_names(root, split) if read else [])


def author_box_names(root: etree._Element, split: Callable[[str], list[str]]) -> list[str]:
    """The name in an author box, the element whose class says it is the author's name
    (``author-box__name``, ``authorName``): blog platforms print the author there, away from
    the headline, when they print no byline.

    >>> from lxml import html
    >>> page = html.fromstring('<div><p>Story</p><div class="author-box"><h4 class="author-box__name"> Liz Kenny </h4><p>Liz writes about consulting and more.</p></div></div>')
    >>> author_box_names(page, lambda text: [text])
    ['Liz Kenny']
    """
    for element in _AUTHOR_NAME_CLASS(root)[:_MAX_CANDIDATES]:
        names = [name for name in split(" ".join(" ".join(element.itertext()).split())) if is_visible_name(name)]
        if names:
            return names
    return []


def prefixed_names(root: etree._Element, split: Callable[[str], list[str]]) -> list[str]:
    """Names in the first short text after the ``<h1>`` that starts with "By", "Von", "Por"...

    >>> from lxml import html
    >>> page = html.fromstring('<div><h1>T</h1><p>By TPN, in <a>Europe</a>, <a>Asia</a></p></div>')
    >>> prefixed_names(page, lambda text: text.removeprefix("By ").split(", "))
    ['TPN']

    The "By" may follow a child element rather than open the element:

    >>> page = html.fromstring('<div><h1>T</h1><p><b>Live</b>By Jo Doe</p></div>')
    >>> prefixed_names(page, lambda text: text.removeprefix("By ").split(", "))
    ['Jo Doe']

    A colon may follow the "By", and the name may be a text of its own:

    >>> page = html.fromstring('<div><h1>T</h1><p>by: <!-- -->Ziyi Xu<!-- -->, Dec 17</p></div>')
    >>> prefixed_names(page, lambda text: text.removeprefix("by: ").split(" , "))
    ['Ziyi Xu']
    """
    headline = _HEADLINE(root)
    for element in islice(_prefixed_after(headline[0]), _MAX_PREFIXED) if headline else ():
        lead = _FIRST_TEXT(element)
        text = lead if _BY.sub("", lead).strip(" ,") else " ".join(" ".join(element.itertext()).split())
        if len(text) > _MAX_PREFIXED_CHARS:
            continue
        names = [name for name in split(text) if is_visible_name(name)]
        if names:
            return names
    return []


def _prefixed_after(element: etree._Element) -> Iterator[etree._Element]:
    """The elements after ``element`` whose own text starts with "By", "Von", "Posted by"...,
    in page order (XPath's ``following::*``), each found only when asked.

    >>> from lxml import html
    >>> page = html.fromstring('<div><h1>T</h1><div>By A<p>By B</p></div><p>Other</p><li>Von C</li></div>')
    >>> [" ".join(e.itertext()) for e in _prefixed_after(page.find("h1"))]
    ['By A By B', 'By B', 'Von C']
    """
    for found in following_elements(element, *_PREFIXED_TAGS):
        if _lead_initial(found) in _BY_INITIALS and _IS_PREFIXED(found):
            yield found


def _lead_initial(element: etree._Element) -> str:
    """The first character of an element's own first text that is not blank (XPath's
    ``substring(normalize-space(text()[normalize-space()]), 1, 1)``), ``""`` with none.

    >>> from lxml import html
    >>> _lead_initial(html.fromstring("<p>\\n <b>x</b> By</p>")), _lead_initial(html.fromstring("<p><b>x</b></p>"))
    ('B', '')
    """
    lead = (element.text or "").lstrip(XML_BLANKS)
    for child in element if not lead else ():
        lead = (child.tail or "").lstrip(XML_BLANKS)
        if lead:
            break
    return lead[:1]


def labelled_names(root: etree._Element, split: Callable[[str], list[str]]) -> list[str]:
    """Names printed after a label such as ``Autor:`` or ``Written by`` (a heading too), or in
    a short text that starts with "Written by", "Posted by" (an author box at the foot of the
    page): the first such text of the page that gives a name.

    >>> from lxml import html
    >>> page = html.fromstring('<ul><li><strong>Autor</strong> Max Muster</li></ul>')
    >>> labelled_names(page, lambda text: [text])
    ['Max Muster']

    A label that is an element of its own (a heading, a paragraph) names what the next element says:

    >>> page = html.fromstring('<div><h3>Article by</h3><p>Lisa D. Ellis</p><button>Subscribe</button></div>')
    >>> labelled_names(page, lambda text: [text])
    ['Lisa D. Ellis']
    >>> page = html.fromstring('<div><h6>Author(s)</h6><ul><li><a>John A. Alic</a></li><li><a>Edward S. Rubin</a></li></ul></div>')
    >>> labelled_names(page, lambda text: text.split(", "))
    ['John A. Alic', 'Edward S. Rubin']
    >>> page = html.fromstring('<div><p>Story.</p><h3>Written by Cassidy Horton</h3><p>Cassidy writes.</p></div>')
    >>> labelled_names(page, lambda text: [text.removeprefix("Written by ")])
    ['Cassidy Horton']
    >>> page = html.fromstring('<div><p>Tips</p><div><strong>Contributors:</strong> Janet Loughrey</div></div>')
    >>> labelled_names(page, lambda text: [text])
    ['Janet Loughrey']

    With no label, the name an author's bio opens with, printed above it (see :func:`opens_bio`):

    >>> page = html.fromstring('<div><p>Story.</p><div><h4>Bence Kovács</h4><p>Bence Kovács is a developer.</p></div></div>')
    >>> labelled_names(page, lambda text: [text])
    ['Bence Kovács']
    """
    bio: list[str] = []
    for element, text in _short_texts(root):
        own = " ".join(text.split())
        if len(own) < _MAX_LABEL_CHARS and _LABEL_WORDS.match(own) and (parent := element.getparent()) is not None:
            text = _labelled_text(element, parent, own)
        elif _SIGNED.match(own):
            text = own
        else:
            bio = bio or ([own] if opens_bio(element, own) else [])
            continue
        names = [name for name in split(text) if is_visible_name(name)] if len(text) <= _MAX_BYLINE_CHARS else []
        if names:
            return names
    return [name for name in split(bio[0]) if is_visible_name(name)] if bio else []


def _short_texts(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """The elements of the body whose own first text is not blank and whose whole text is short,
    with that text, in page order. The tree's walk to the tags is read in C and each element's
    text once: an XPath from every text to its parent reads a big element's text once for each
    of its texts.

    >>> from lxml import html
    >>> page = html.fromstring('<div><p> <b>Autor</b> Max</p><span>Written by Ann</span><li>' + 'long ' * 30 + '</li></div>')
    >>> [(element.tag, text) for element, text in _short_texts(page)]
    [('b', 'Autor'), ('span', 'Written by Ann')]
    """
    for body in root.getroottree().getroot().iter("body"):
        for element in body.iter(*_SHORT_TEXT_TAGS):
            first = element.text
            if first is None:  # a loop spelled out: a generator here costs as much as the rest
                for child in element:
                    first = child.tail
                    if first is not None:
                        break
            if not (first and first.strip(XML_BLANKS)):
                continue
            text = text_of(element) if len(element) else first  # a leaf's text is its first
            if folds_shorter(text, _MAX_PREFIXED_CHARS):
                yield element, text


def opens_bio(element: etree._Element, name: str) -> bool:
    """Whether ``element`` prints a person's name (2-4 capitalised words) above the bio that
    starts with it: "Ann Lee is a writer", "Ann Lee has covered...". Blog platforms print the
    author so, in a box after the post, when they print no byline.

    >>> from lxml import html
    >>> box = html.fromstring('<div><p><span>Julia Gralberg</span></p><p>Julia Gralberg is a travel writer.</p></div>')
    >>> opens_bio(box.find(".//span"), "Julia Gralberg")
    True
    >>> box = html.fromstring('<div class="blog-author"><div><h4>Bence Kovács</h4><p>Bence is a developer.</p></div></div>')
    >>> opens_bio(box.find(".//h4"), "Bence Kovács")
    True
    >>> section = html.fromstring('<div><h3>Theft Protection</h3><p>Theft protection is a must.</p></div>')
    >>> opens_bio(section.find("h3"), "Theft Protection")
    False
    """
    words = name.split()
    if not (2 <= len(words) <= _MAX_BIO_NAME_WORDS and all(word[:1].isupper() for word in words)):
        return False
    lead = _first_text_after(element)
    if lead is None and element.getparent() is not None:
        lead = _first_text_after(element.getparent())
    if not lead:
        return False
    if _word_after(lead, name) in _BIO_VERBS:
        return True
    # an author box may call the author by first name
    return _word_after(lead, words[0]) in _BIO_VERBS and _in_author_box(element)


def _word_after(text: str, start: str) -> str | None:
    """The word after ``start`` when ``text`` opens with it.

    >>> _word_after("Ann Lee is a writer.", "Ann Lee"), _word_after("Ann Leeds is", "Ann Lee")
    ('is', None)
    """
    return text[len(start):].split(maxsplit=1)[0] if text.startswith(start + " ") else None


def _in_author_box(element: etree._Element) -> bool:
    """Whether an element is in one whose class says it is the author's, a few levels up."""
    return any(_names_author(parent.get("class")) for parent in islice(element.iterancestors(), _BOX_DEPTH))


def _first_text_after(element: etree._Element) -> str | None:
    """The start of the text of the first of the next few siblings that has any."""
    for sibling in islice(element.itersiblings(), _BIO_SIBLINGS):
        if isinstance(sibling.tag, str):
            lead = " ".join(" ".join(islice(sibling.itertext(), 4)).split())
            if lead:
                return lead
    return None


def _labelled_text(label: etree._Element, parent: etree._Element, own: str) -> str:
    """The text a label names: the next element's when the label stands alone, else the rest
    of its parent's text."""
    following = label.getnext()
    if label.tag in _BLOCK_LABELS and not (label.tail or "").strip() and following is not None:
        items = following.findall("li") if following.tag in ("ul", "ol") else [following]
        return ", ".join(" ".join(" ".join(item.itertext()).split()) for item in items)
    return " ".join(" ".join(parent.itertext()).split()).replace(own, "", 1).strip()


def is_excluded(classes: str) -> bool:
    """Whether an element's classes say it holds no byline (an avatar, a date, a teaser...).

    A CSS module's class is read without its component's name: the author's name in a block of
    the author and the date is no date.

    >>> is_excluded("authorDateBlock_authorName__N6j3Y"), is_excluded("authorDateBlock_date__x1Y2z"), is_excluded("byline__date")
    (False, True, True)
    """
    return _EXCLUDED.search(_MODULE_PREFIX.sub("", classes)) is not None


def is_visible_name(name: str) -> bool:
    """Whether printed text can be a name: a few words, no digits, not starting lowercase.

    >>> is_visible_name("Jane Doe"), is_visible_name("capital"), is_visible_name("28. April 2023")
    (True, False, False)
    """
    return (len(name.split()) <= _MAX_NAME_WORDS and not name[:1].islower()
            and not any(ch.isdigit() for ch in name))


def _candidates(root: etree._Element) -> Iterator[etree._Element]:
    """The first elements marked or named as a byline after the ``<h1>``, else in the whole body:
    none when the body holds none.

    The page is read only as far as needed (an XPath would test every element of a big page):
    up to the byline taken, the first after the ``<h1>`` for most articles. With none after
    the ``<h1>``, the body is read up to the first element after it.
    """
    headline = _HEADLINE(root)
    after = filter(_is_marked_or_named, following_elements(headline[0])) if headline else iter(())
    first = next(after, None)
    if first is not None:
        return islice(chain([first], after), _MAX_CANDIDATES)
    body = _BODY(root)
    if not body:
        return iter(())
    end = next(following_elements(headline[0]), None) if headline else None
    return islice(filter(_is_marked_or_named, takewhile(
        lambda element: element is not end, body[0].iterdescendants(etree.Element))), _MAX_CANDIDATES)


def _is_marked_or_named(element: etree._Element) -> bool:
    """Whether an element is marked as an author's (``itemprop``, ``rel``, a link to an author
    page) or named as a byline or an author by its class or id.

    >>> from lxml import html
    >>> [_is_marked_or_named(html.fromstring(tag)) for tag in (
    ...     '<span class="ArticleByline">', '<div id="post-author">', '<a href="/autor/ann">',
    ...     '<span rel="author">', '<div class="by line">', '<p>')]
    [True, True, True, True, False, False]
    """
    # This runs for every element of a page without a byline: all its attribute values are read
    # in one call and the elements that hold none of AUTHOR_MARKS (most) pass no further.
    values = " ".join(element.values())
    if not (_names_author(values) or "/autor" in values):
        return False
    get = element.get
    return (_names_author(get("class")) or _names_author(get("id"))
            or get("itemprop") == "author" or get("rel") == "author"
            or (element.tag == "a" and _AUTHOR_PATH.search(get("href", "")) is not None))


def _names_author(value: str | None) -> bool:
    """Whether a class or id says byline or author, capitalised or not: holds one of the
    first four :data:`AUTHOR_MARKS` (tested one by one, several times faster than a regex).

    >>> _names_author("post-Byline"), _names_author("AUTHOR"), _names_author("by-line"), _names_author(None)
    (True, True, False, False)
    """
    return value is not None and ("uthor" in value or "yline" in value or "UTHOR" in value or "YLINE" in value)


def _texts(element: etree._Element) -> list[str]:
    parts = _NAME_PARTS(element) or _author_name_elements(element) or [element]
    texts = [part.get("content") or " ".join(" ".join(part.itertext()).split()) for part in parts]
    return texts if sum(map(len, texts)) <= _MAX_BYLINE_CHARS else []


def _author_name_elements(byline: etree._Element) -> list[etree._Element]:
    """The elements of a byline that hold only an author's name, left out those crediting
    someone else ("Updated by", "Fact checked by"); else its links to author pages.

    >>> from lxml import html
    >>> line = html.fromstring('<p>By <span class="author-name">Ann Lee</span>, Gardener & Writer '
    ...                        '<span class="author-name">Updated by <b class="author-name">Bo Li</b></span></p>')
    >>> [part.text for part in _author_name_elements(line)]
    ['Ann Lee']
    """
    named = _NAME_ELEMENTS(byline)
    credits = {part for part in named if _OTHER_CREDIT.match(text_of(part))}
    kept = [part for part in named if part not in credits and credits.isdisjoint(part.iterancestors())]
    return kept or _AUTHOR_LINKS(byline)


def _is_marked(element: etree._Element) -> bool:
    return element.get("itemprop") == "author" or element.get("rel") == "author"
