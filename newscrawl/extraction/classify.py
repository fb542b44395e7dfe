"""Is this page an article? Structured type hints first, then the shape of the text."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from lxml import etree

_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "report", "techarticle", "socialmediaposting", "scholarlyarticle", "posting",
})
_LISTING_TYPES = frozenset({
    "website", "collectionpage", "itemlist", "profilepage", "searchresultspage",
    "profile", "aboutpage", "contactpage",
})
MIN_ARTICLE_WORDS = 80  # below this, a page with no type hints is a teaser or a stub
MIN_WORDS_PER_PARAGRAPH = 12  # teaser lists are many short blocks


def page_type(type_hints: list[str], body: str | None) -> str:
    """``"article"`` or ``"other"``, from og:type / JSON-LD types, else from the body's shape.

    >>> page_type(["newsarticle", "webpage"], "Short.")
    'article'
    >>> page_type(["website"], "A long text " * 100)
    'other'
    >>> page_type([], "Word " * 100)
    'article'
    >>> page_type([], "Teaser one\\n\\nTeaser two\\n\\nTeaser three")
    'other'
    """
    hints = {hint.lower() for hint in type_hints}
    if hints & _ARTICLE_TYPES:
        return "article"
    if hints & _LISTING_TYPES or not body:
        return "other"
    words = len(body.split())
    paragraphs = body.count("\n\n") + 1
    if words >= MIN_ARTICLE_WORDS and words / paragraphs >= MIN_WORDS_PER_PARAGRAPH:
        return "article"
    return "other"


# Path segments that name a listing: tag, author, category, archive and search pages.
# The token may follow one segment (/news/tag/x) and take one name (/tag/climate.html).
_LISTING_SEGMENT = re.compile(
    r"^/(?:[^/]+/)?(?:tags?|topics?|authors?|category|categories|archives?|search|"
    r"contributors?|people)(?:/[^/]+)?/?$",
    re.IGNORECASE,
)
# Pagination: /page/2, /page/2.html, or ?page=2 and higher (page 1 is often the article).
_PAGINATION = re.compile(r"/page/\d+(?:\.html?)?/?$|[?&](?:page|pg)=(?:[2-9]|\d{2,})\b",
                         re.IGNORECASE)
# Article-like paths: a /YYYY/MM/ date, a slug of four or more words, a long numeric id,
# or a last segment that is a long letters-and-digits id (asahi.com: AST1F4445T1FUTIL02SM).
_ARTICLE_SHAPE = re.compile(
    r"/(?:19|20)\d\d/\d{1,2}/|(?:[^/\W_]+[-_]){3,}[^/\W_]+|\d{5,}"
    r"|/(?=[A-Za-z]*\d)[A-Za-z0-9]{10,}(?:\.html?)?$"
)
MAX_ARTICLE_LINK_DENSITY = 0.6  # above this share of text in links, a page is a link list


def url_shape(url: str) -> str:
    """``"listing"``, ``"article"`` or ``""`` (unknown), from the URL alone.

    >>> url_shape("https://e.com/tag/climate.html"), url_shape("https://e.com/world/page/2/")
    ('listing', 'listing')
    >>> url_shape("https://e.com/"), url_shape("https://e.com/2026/11/city-signs-flood-pact.html")
    ('listing', 'article')
    >>> url_shape("https://e.com/world/")
    ''
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    target = f"{path}?{parts.query}" if parts.query else path
    if path == "/" or _LISTING_SEGMENT.search(path) or _PAGINATION.search(target):
        return "listing"
    return "article" if _ARTICLE_SHAPE.search(path) else ""


def link_density(root: etree._Element) -> float:
    """Share of the visible text of ``<body>`` that sits inside links.

    >>> from lxml import html
    >>> link_density(html.document_fromstring("<p>two words <a>two links</a></p>"))
    0.5
    >>> link_density(html.document_fromstring("<body></body>"))
    0.0
    """
    text = _text_length([_BODY_TEXT(root)]) - _text_length(_CODE_TEXT(root))
    linked = _text_length(_LINK_TEXT(root))
    return round(linked / text, 3) if text > 0 else 0.0


# All of <body>'s text in one string, less what scripts and styles hold: cheaper than
# testing the ancestors of every text node. Plain strings: no smart-string back-references.
_BODY_TEXT = etree.XPath("string(//body)")
_CODE_TEXT = etree.XPath("//body//*[self::script or self::style or self::noscript]//text()",
                         smart_strings=False)
_LINK_TEXT = etree.XPath(
    "//body//a//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]",
    smart_strings=False,
)


def _text_length(texts: list[str]) -> int:
    """Characters other than white space: fair to scripts that do not space words."""
    return len("".join("".join(texts).split()))


def listing_reason(url: str, density: Callable[[], float]) -> str | None:
    """Why a page that extraction took for an article is a listing, or ``None``.

    The URL shape is trusted first (tag, author, pagination and home pages); a
    page whose URL does not look like an article is a listing when most of its
    text is links. ``density`` is called only then: it walks the whole page.

    >>> listing_reason("https://e.com/author/jane-doe.html", lambda: 0.1)
    'url'
    >>> listing_reason("https://e.com/world/", lambda: 0.8), listing_reason("https://e.com/world/", lambda: 0.2)
    ('links', None)
    >>> listing_reason("https://e.com/2026/11/city-signs-flood-pact.html", lambda: 0.8) is None
    True
    """
    shape = url_shape(url)
    if shape == "listing":
        return "url"
    if shape != "article" and density() > MAX_ARTICLE_LINK_DENSITY:
        return "links"
    return None
