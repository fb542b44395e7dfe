"""The generated news site the crawl benchmarks fetch: corpus pages under generated URLs.

Article ``i`` is corpus page ``i % len(corpus)`` made distinct: one word of its body text
is followed by ``i`` wherever it stands between spaces, so every article has its own body
fingerprint (the dedupe pipeline would drop copies), and a ``<base href>`` to the page's
original URL keeps its relative links pointing at the original (off-site) host, as they
did when the page was saved. The site also has a home page, paginated section pages
linking every article, ``robots.txt`` and a sitemap index, like a real news site.

>>> site = Site([Template(b"<p>a cat sat</p>", "cat", "T")], 3, "http://127.0.0.1:8000")
>>> site.respond("/section-02/000002-t.html").body
b'<p>a cat 2 sat</p>'
>>> site.respond("/nowhere").status
404
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from benchmarks.corpus import load_pages

SECTIONS = 20
ARTICLES_PER_SECTION_PAGE = 50
URLS_PER_SITEMAP = 1000
HTML_TYPE = "text/html"  # no charset: pages keep the encoding they declare themselves
XML_TYPE = "application/xml"
TEXT_TYPE = "text/plain; charset=utf-8"

_ARTICLE_PATH = re.compile(r"^/section-\d\d/(\d{6})-[\w-]*\.html$")
_SECTION_PATH = re.compile(r"^/(section-\d\d)/(?:page/(\d+)/)?$")
_SITEMAP_PATH = re.compile(r"^/sitemaps/(\d+)\.xml$")
_HEAD_TAG = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
_WORD = re.compile(r"\b[^\W\d_]{3,}\b")
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


class Response(NamedTuple):
    """What the server sends for one path."""

    status: int
    content_type: str
    body: bytes


NOT_FOUND = Response(404, TEXT_TYPE, b"not found\n")


@dataclass(frozen=True)
class Template:
    """One corpus page, split around its marker word so that article ``i`` is cheap to render."""

    parts: tuple[bytes, ...]
    marker: str
    headline: str

    def __init__(self, page: bytes, marker: str | None, headline: str):
        needle = f" {marker} ".encode() if marker else None
        object.__setattr__(self, "parts", tuple(page.split(needle)) if needle else (page,))
        object.__setattr__(self, "marker", marker or "")
        object.__setattr__(self, "headline", headline)

    def render(self, number: int) -> bytes:
        """The page of article ``number``: the marker word followed by the number."""
        return f" {self.marker} {number} ".encode().join(self.parts)

    @property
    def slug(self) -> str:
        """A URL slug from the headline.

        >>> Template(b"", None, "Ça va? Yes, 100%!").slug
        'a-va-yes-100'
        """
        return _SLUG_CHARS.sub("-", self.headline.lower()).strip("-")[:60] or "article"


def load_templates(corpus: Path) -> list[Template]:
    """A template per corpus page, in corpus order."""
    templates = []
    for page in load_pages(corpus):
        body = page.truth.get("articleBody") or ""
        html_bytes = _with_base(page.html, page.url)
        headline = page.truth.get("headline") or page.url.rstrip("/").rsplit("/", 1)[-1]
        templates.append(Template(html_bytes, marker_word(html_bytes, body), headline))
    return templates


def marker_word(page: bytes, body: str) -> str | None:
    """The body word that stands between spaces in the page most often (so also in its body).

    >>> marker_word(b"<p>the quick brown fox, the quick fox</p>", "the quick brown fox")
    'quick'
    """
    found = {word: page.count(f" {word} ".encode()) for word in set(_WORD.findall(body))}
    candidates = [(n, len(word), word) for word, n in found.items() if n]
    return max(candidates)[2] if candidates else None


def _with_base(page: bytes, url: str) -> bytes:
    """The page with ``<base href=URL>`` first in its head (prepended when it has none)."""
    base = f'<base href="{html.escape(url)}">'.encode()
    match = _HEAD_TAG.search(page)
    if match is None:
        return base + page
    return page[:match.end()] + base + page[match.end():]


class Site:
    """The URL space of the generated site and the response for each path."""

    def __init__(self, templates: list[Template], articles: int, base_url: str):
        self.templates = templates
        self.articles = articles
        self.base_url = base_url

    def article_path(self, number: int) -> str:
        """``/section-NN/NNNNNN-slug.html``; article ``i`` is in section ``i % SECTIONS``."""
        template = self.templates[number % len(self.templates)]
        return f"/section-{number % SECTIONS:02d}/{number:06d}-{template.slug}.html"

    def respond(self, path: str) -> Response:
        """The response for a request path (query strings are not used by the site)."""
        if match := _ARTICLE_PATH.match(path):
            return self._article(int(match[1]), path)
        if match := _SECTION_PATH.match(path):
            return self._section(match[1], int(match[2] or 1))
        if match := _SITEMAP_PATH.match(path):
            return self._sitemap(int(match[1]))
        static = {"/": self._home, "/robots.txt": self._robots, "/sitemap.xml": self._index}
        return static[path]() if path in static else NOT_FOUND

    def _article(self, number: int, path: str) -> Response:
        if number >= self.articles or path != self.article_path(number):
            return NOT_FOUND
        template = self.templates[number % len(self.templates)]
        return Response(200, HTML_TYPE, template.render(number))

    def _home(self) -> Response:
        sections = [(f"/section-{s:02d}/", f"Section {s}") for s in range(SECTIONS)]
        latest = self._links(range(max(0, self.articles - ARTICLES_PER_SECTION_PAGE),
                                   self.articles))
        return Response(200, HTML_TYPE, _html_page("Home", sections + latest))

    def _section(self, section: str, page: int) -> Response:
        number = int(section.removeprefix("section-"))
        members = range(number, self.articles, SECTIONS)
        start = (page - 1) * ARTICLES_PER_SECTION_PAGE
        if number >= SECTIONS or page < 1 or (start >= len(members) and page > 1):
            return NOT_FOUND
        links = self._links(members[start:start + ARTICLES_PER_SECTION_PAGE])
        if start + ARTICLES_PER_SECTION_PAGE < len(members):
            links.append((f"/{section}/page/{page + 1}/", "Older articles"))
        return Response(200, HTML_TYPE, _html_page(f"Section {number}, page {page}", links))

    def _links(self, numbers) -> list[tuple[str, str]]:
        return [(self.article_path(i), self.templates[i % len(self.templates)].headline)
                for i in numbers]

    def _robots(self) -> Response:
        robots = f"User-agent: *\nAllow: /\nSitemap: {self.base_url}/sitemap.xml\n"
        return Response(200, TEXT_TYPE, robots.encode())

    def _index(self) -> Response:
        count = -(-self.articles // URLS_PER_SITEMAP)
        entries = "".join(f"<sitemap><loc>{self.base_url}/sitemaps/{k}.xml</loc></sitemap>"
                          for k in range(count))
        return _xml(f"<sitemapindex {_SITEMAP_NS}>{entries}</sitemapindex>")

    def _sitemap(self, number: int) -> Response:
        end = min(self.articles, (number + 1) * URLS_PER_SITEMAP)
        numbers = range(number * URLS_PER_SITEMAP, end)
        if not numbers:
            return NOT_FOUND
        urls = "".join(f"<url><loc>{self.base_url}{self.article_path(i)}</loc></url>"
                       for i in numbers)
        return _xml(f"<urlset {_SITEMAP_NS}>{urls}</urlset>")


_SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _xml(document: str) -> Response:
    return Response(200, XML_TYPE, f'<?xml version="1.0" encoding="UTF-8"?>{document}'.encode())


def _html_page(title: str, links: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a href="{href}">{html.escape(text)}</a></li>' for href, text in links)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title></head><body><h1>{html.escape(title)}</h1><ul>{items}</ul></body></html>"
            ).encode()
