"""Article links from feeds and sitemaps: pure parsing, no requests."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import feedparser
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from newscrawl.urls import is_http_url

logger = logging.getLogger(__name__)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one (uncompressed) sitemap


@dataclass(frozen=True)
class Link:
    """A URL found in a feed or sitemap, with what the source said about it."""

    url: str
    title: str | None = None
    date: str | None = None


def feed_links(body: bytes) -> list[Link]:
    """Entry links of an RSS or Atom feed, in feed order.

    >>> rss = b'''<rss version="2.0"><channel><item><title>A</title>
    ... <link>https://e.com/a</link><pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate></item>
    ... <item><link>javascript:alert(1)</link></item></channel></rss>'''
    >>> feed_links(rss)
    [Link(url='https://e.com/a', title='A', date='Tue, 10 Nov 2026 08:00:00 GMT')]
    """
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    links = []
    for entry in parsed.entries:
        url = entry.get("link")
        if is_http_url(url):
            date = entry.get("published") or entry.get("updated")
            links.append(Link(url.strip(), entry.get("title"), date))
    return links


def sitemap_links(body: bytes) -> tuple[str, list[Link]]:
    """The kind (``urlset`` or ``sitemapindex``) and the locations of a sitemap.

    Gzipped bodies are decompressed up to :data:`MAX_SITEMAP_BYTES`; a body that
    is not a sitemap gives ``("", [])``.

    >>> sitemap_links(b'''<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    ... <url><loc>https://e.com/a</loc><lastmod>2026-11-10</lastmod></url></urlset>''')
    ('urlset', [Link(url='https://e.com/a', title=None, date='2026-11-10')])
    """
    xml = _sitemap_xml(body)
    if xml is None:
        return "", []
    try:
        sitemap = Sitemap(xml)
    except Exception:  # lxml raises XMLSyntaxError and others on hostile bodies
        logger.warning("unparsable sitemap body", exc_info=True)
        return "", []
    links = [Link(e["loc"].strip(), None, e.get("lastmod")) for e in sitemap
             if is_http_url(e.get("loc"))]
    return sitemap.type or "", links


def _sitemap_xml(body: bytes) -> bytes | None:
    if not is_gzip(body):
        return body
    try:
        return gunzip(body, max_size=MAX_SITEMAP_BYTES)
    except (OSError, EOFError, ValueError):  # truncated, corrupt, or over the size limit
        logger.warning("sitemap could not be decompressed within %d bytes", MAX_SITEMAP_BYTES)
        return None


def is_gzip(body: bytes) -> bool:
    """True when ``body`` starts like a gzip stream.

    >>> is_gzip(b"\\x1f\\x8b\\x08rest"), is_gzip(b"<urlset")
    (True, False)
    """
    return body[:3] == b"\x1f\x8b\x08"


def robots_sitemaps(robots_txt: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs that a robots.txt lists.

    >>> robots_sitemaps(b"User-agent: *\\nSitemap: /sitemap.xml", "https://e.com/robots.txt")
    ['https://e.com/sitemap.xml']
    """
    return [url for url in sitemap_urls_from_robots(robots_txt, base_url) if is_http_url(url)]
