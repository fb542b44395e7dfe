"""Is this page an article? A small model judges from the page's features; the URL and link
density helpers are its inputs (and the crawl's listing check)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit


#: The page-type model: boosted decision trees over :mod:`newscrawl.extraction.page_features`,
#: fitted by ``python -m newscrawl.evaluation.train``. Read as a package resource: a deployed
#: egg is a zip file.
MODEL_FILE = Path(__file__).with_name("page_type_model.json")
_MODEL_RESOURCE = "extraction/page_type_model.json"


@dataclass(frozen=True)
class PageTypeModel:
    """Boosted trees: the article score of a page is the sum of one leaf of each tree.

    A tree is a leaf value or ``[feature index, threshold, lower tree, higher tree]``; a
    feature below the threshold goes to the lower tree. A score at or above ``threshold``
    means an article.
    """

    features: list[str]
    trees: list
    threshold: float = 0.0

    def score(self, features: dict[str, float]) -> float:
        """The article score of a page with these ``features`` (a missing one counts as 0).

        >>> model = PageTypeModel(["words", "links"], [[0, 100, -1.0, [1, 0.5, 2.0, -0.5]]])
        >>> model.score({"words": 50}), model.score({"words": 300, "links": 0.1})
        (-1.0, 2.0)
        """
        values = [features.get(name, 0.0) for name in self.features]
        score = 0  # the walk of leaf_value, inline: a call per tree cost a fifth of the time
        for tree in self.trees:
            while type(tree) is list:
                tree = tree[2] if values[tree[0]] < tree[1] else tree[3]
            score += tree
        return score

    def to_json(self) -> dict:
        return asdict(self)


def leaf_value(tree, values: list[float]) -> float:
    """The leaf of ``tree`` that feature ``values`` fall in.

    >>> leaf_value([0, 0.5, -1.0, [1, 2.0, 0.5, 1.5]], [0.7, 3.0])
    1.5
    """
    while isinstance(tree, list):
        tree = tree[2] if values[tree[0]] < tree[1] else tree[3]
    return tree


@lru_cache(maxsize=1)
def shipped_model() -> PageTypeModel:
    """The model shipped in the package, read once."""
    text = resources.files("newscrawl").joinpath(_MODEL_RESOURCE).read_text(encoding="utf-8")
    return PageTypeModel(**json.loads(text))


def page_type(features: dict[str, float], model: PageTypeModel | None = None) -> str:
    """``"article"`` or ``"other"``, as the page-type model (the shipped one by default) judges
    a page from its :func:`~newscrawl.extraction.page_features.page_features`.

    >>> model = PageTypeModel(["type_article"], [[0, 0.5, -1.0, 1.0]])
    >>> page_type({"type_article": 1.0}, model), page_type({"type_article": 0.0}, model)
    ('article', 'other')
    """
    model = model or shipped_model()
    return "article" if model.score(features) >= model.threshold else "other"


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


def link_density(text_chars: int, link_chars: int) -> float:
    """Share of a page's shown text, ``text_chars`` long, that sits inside links.

    >>> link_density(16, 8), link_density(0, 0)
    (0.5, 0.0)
    """
    return round(link_chars / text_chars, 3) if text_chars > 0 else 0.0


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
