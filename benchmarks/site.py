"""The site the crawl benchmarks fetch: every real corpus page, as published, repeated.

Page ``i`` is corpus page ``order[i % len(corpus)]`` in copy ``c = i // len(corpus)``, where
``order`` is a fixed shuffle of the corpus (so that a site smaller than the corpus samples
every set of it, not the first ones), served at
``/<original host><original path and query>``, with ``copy=c`` added to the query from the
second copy on. The page is sent as it was saved: no ``<base>`` is added and no link is
rewritten, so its relative links point at paths of this server (which answers 404 for what
it does not have, as a real site does for pages that are gone; copies of a page link the
same paths), and its absolute links stay on their original (off-site) hosts. The one change: one word of the body text
is followed by ``i`` wherever it stands between spaces, so that every copy has its own body
(the dedupe pipeline would drop copies). ``robots.txt`` names one sitemap that lists every
page; the home page links the latest ones, as a news site's does.

>>> site = Site([Template(b"<p>a cat sat</p>", "cat", "https://e.com/a?b=1")], 3, "http://h")
>>> site.page_path(0), site.page_path(2)
('/e.com/a?b=1', '/e.com/a?b=1&copy=2')
>>> site.respond("/e.com/a?b=1&copy=2").body, site.respond("/e.com/a").status
(b'<p>a cat 2 sat</p>', 404)
>>> site.respond("/e.com/a?b=1&copy=3").status
404
"""

from __future__ import annotations

import html
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

from benchmarks.corpus import load_pages

HOME_LINKS = 50
SHUFFLE_SEED = 13
HTML_TYPE = "text/html"  # no charset: pages keep the encoding they declare themselves
XML_TYPE = "application/xml"
TEXT_TYPE = "text/plain; charset=utf-8"

_COPY = re.compile(r"^(.*?)[?&]copy=(\d+)$")
_WORD = re.compile(r"\b[^\W\d_]{3,}\b")
_SPACED_WORD = re.compile(r"(?<= )[^\W\d_]{3,}(?= )")


class Response(NamedTuple):
    """What the server sends for one path."""

    status: int
    content_type: str
    body: bytes


NOT_FOUND = Response(404, TEXT_TYPE, b"not found\n")


@dataclass(frozen=True)
class Template:
    """One corpus page, split around its marker word so that page ``i`` is cheap to render."""

    parts: tuple[bytes, ...]
    marker: str
    target: str  # "/<original host><path>?<query>", as a client sends it

    def __init__(self, page: bytes, marker: str | None, url: str):
        needle = f" {marker} ".encode() if marker else None
        object.__setattr__(self, "parts", tuple(page.split(needle)) if needle else (page,))
        object.__setattr__(self, "marker", marker or "")
        object.__setattr__(self, "target", original_target(url))

    def render(self, number: int) -> bytes:
        """The page of number ``number``: the marker word followed by the number."""
        return f" {self.marker} {number} ".encode().join(self.parts)


def original_target(url: str) -> str:
    """``/host/path?query`` of an original URL, percent-encoded as Scrapy requests it.

    >>> original_target("https://www.e.com/news/caf\u00e9.html?id=1#top")
    '/www.e.com/news/caf%C3%A9.html?id=1'
    """
    parts = urlsplit(safe_url_string(url))
    query = f"?{parts.query}" if parts.query else ""
    return f"/{parts.hostname}{parts.path or '/'}{query}"


def load_templates(corpus: Path) -> list[Template]:
    """A template per corpus page, in a fixed shuffled order."""
    pages = load_pages(corpus)
    random.Random(SHUFFLE_SEED).shuffle(pages)
    return [Template(page.html, marker_word(page.html, page.truth.get("articleBody") or ""),
                     page.url) for page in pages]


def marker_word(page: bytes, body: str) -> str | None:
    """The body word that stands between spaces in the page most often (so also in its body).

    >>> marker_word(b"<p>the quick brown fox, the quick fox</p>", "the quick brown fox")
    'quick'
    """
    spaced = Counter(_SPACED_WORD.findall(page.decode("utf-8", "replace")))
    candidates = [(spaced[word], len(word), word) for word in set(_WORD.findall(body))
                  if spaced[word]]
    return max(candidates)[2] if candidates else None


class Site:
    """The URL space of the benchmark site and the response for each request target."""

    def __init__(self, templates: list[Template], pages: int, base_url: str):
        self.templates = templates
        self.pages = pages
        self.base_url = base_url
        self._numbers = {template.target: n for n, template in enumerate(templates)}

    def page_path(self, number: int) -> str:
        """``/<original host><path and query>`` of page ``number``, and its copy number."""
        copy, index = divmod(number, len(self.templates))
        target = self.templates[index].target
        return f"{target}{'&' if '?' in target else '?'}copy={copy}" if copy else target

    def respond(self, target: str) -> Response:
        """The response for a request target (path and query)."""
        static = {"/": self._home, "/robots.txt": self._robots, "/sitemap.xml": self._sitemap}
        if target in static:
            return static[target]()
        match = _COPY.match(target)
        return self._page(int(match[2]), match[1]) if match else self._page(0, target)

    def _number(self, copy: int, original: str) -> int | None:
        index = self._numbers.get(original)
        if index is None:
            return None
        number = copy * len(self.templates) + index
        return number if number < self.pages else None

    def _page(self, copy: int, original: str) -> Response:
        number = self._number(copy, original)
        if number is None:
            return NOT_FOUND
        return Response(200, HTML_TYPE, self.templates[number % len(self.templates)].render(number))

    def _home(self) -> Response:
        latest = range(max(0, self.pages - HOME_LINKS), self.pages)
        items = "".join(f'<li><a href="{html.escape(self.page_path(i))}">Story {i}</a></li>'
                        for i in latest)
        page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Home</title></head>'
                f"<body><h1>Latest</h1><ul>{items}</ul></body></html>")
        return Response(200, HTML_TYPE, page.encode())

    def _robots(self) -> Response:
        robots = f"User-agent: *\nAllow: /\nSitemap: {self.base_url}/sitemap.xml\n"
        return Response(200, TEXT_TYPE, robots.encode())

    def _sitemap(self) -> Response:
        urls = "".join(f"<url><loc>{html.escape(self.base_url + self.page_path(i))}</loc></url>"
                       for i in range(self.pages))
        return _xml(f"<urlset {_SITEMAP_NS}>{urls}</urlset>")


_SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _xml(document: str) -> Response:
    return Response(200, XML_TYPE, f'<?xml version="1.0" encoding="UTF-8"?>{document}'.encode())
