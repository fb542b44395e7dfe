"""Article links from feeds, sitemaps and robots.txt: pure parsing, no requests.

Feeds are RSS 0.9x, RSS 1.0 (RDF), RSS 2.0 or Atom (feedparser reads them all);
sitemaps are url sets or sitemap indexes, plain or gzipped, with ``lastmod`` and
the Google News ``news:publication_date`` and ``news:title``. Every date is
normalised to ISO 8601 so it can fill a record and be compared with a date window.

A feed or sitemap that declares XML entities is refused unread: entities are how
XML carries external-entity (XXE) and entity-expansion (billion laughs, quadratic
blow-up) attacks, and no real feed or sitemap needs one. feedparser's lenient
fallback parser expands the entities it deems safe without any limit.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from urllib.parse import urljoin

import feedparser
import lxml.etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newscrawl import settings as defaults
from newscrawl.urls import is_http_url

logger = logging.getLogger(__name__)

_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
# A reference to a surrogate (55296-57343 in decimal; the decimal form also takes a few
# references on either side, which surrogates_resolved leaves as they are).
_SURROGATE_REFERENCE = re.compile(rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*5[5-7][0-9]{3});")
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
# Characters no Latin-1 byte decodes to: those the surrogate references became.
_FROM_REFERENCES = re.compile("[\ud800-\udfff\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Link:
    """A URL found in a feed or sitemap, with what the source said about it.

    ``published`` and ``modified`` are ISO 8601 strings (a date alone as ``YYYY-MM-DD``).
    """

    url: str
    title: str | None = None
    published: str | None = None
    modified: str | None = None

    @property
    def hints(self) -> dict[str, str | None]:
        """What the entry says about the page, by record field, for extraction to fill gaps with.

        >>> Link("https://e.com/a", "Title", "2026-11-01").hints
        {'headline': 'Title', 'datePublished': '2026-11-01'}
        """
        return {"headline": self.title, "datePublished": self.published}

    @property
    def date(self) -> str | None:
        """The date to compare with a date window: publication, else last modification."""
        return self.published or self.modified


@dataclass(frozen=True)
class SitemapLimits:
    """How much of one sitemap is read: entries, and bytes after decompression."""

    max_urls: int = defaults.NEWSCRAWL_SITEMAP_MAX_URLS
    max_bytes: int = defaults.NEWSCRAWL_SITEMAP_MAX_BYTES


@dataclass(frozen=True)
class SitemapPage:
    """What one sitemap file gave: its kind, its entries, and whether some were cut off."""

    kind: str
    links: list[Link]
    truncated: bool = False


def feed_links(body: bytes, base_url: str = "") -> list[Link]:
    """Entry links of an RSS or Atom feed, in feed order, relative links resolved.

    >>> rss = b'''<rss version="2.0"><channel><item><title>A</title>
    ... <link>/a</link><pubDate>Tue, 10 Nov 2026 08:00:00 +0100</pubDate></item>
    ... <item><link>javascript:alert(1)</link></item></channel></rss>'''
    >>> feed_links(rss, "https://e.com/feed.xml")
    [Link(url='https://e.com/a', title='A', published='2026-11-10T07:00:00+00:00', modified=None)]
    """
    if declares_entities(body):
        logger.warning("feed declares XML entities (XXE or entity expansion); refused: %s", base_url)
        return []
    parsed = feedparser.parse(surrogates_resolved(body), sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and parsed.entries:
        logger.warning("feed is not well-formed (%s); read leniently: %s", parsed.bozo_exception, base_url)
    links = []
    for entry in parsed.entries:
        url = _joined(base_url, entry.get("link"))
        if is_http_url(url):
            links.append(Link(url, entry.get("title") or None, *_entry_dates(entry)))
    return links


def surrogates_resolved(body: bytes) -> bytes:
    """The feed or sitemap with its character references to UTF-16 surrogates resolved: a high
    one and a low one in a row (an emoji, as some encoders write it) become the character they
    make, any other U+FFFD. feedparser's lenient parser raises on them, and libxml2 keeps them as
    bytes lxml refuses to decode. The bytes are read as Latin-1, so any ASCII-compatible encoding
    passes.

    >>> surrogates_resolved(b"Hi &#55357;&#56832; &#xD83D;&#xde00; &#xd800; &amp; &#233; \\xc3\\xa9")
    b'Hi &#128512; &#128512; &#65533; &amp; &#233; \\xc3\\xa9'
    """
    if not _SURROGATE_REFERENCE.search(body):
        return body
    text = _CHARACTER_REFERENCE.sub(_as_surrogate, body.decode("latin-1"))
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")  # pairs joined
    return _FROM_REFERENCES.sub(_as_reference, text).encode("latin-1")


def _as_surrogate(reference: re.Match) -> str:
    code = int(reference[1], 16) if reference[1] else int(reference[2])
    return chr(code) if 0xD800 <= code <= 0xDFFF else reference[0]


def _as_reference(character: re.Match) -> str:
    code = ord(character[0])
    return f"&#{0xFFFD if code <= 0xDFFF else code};"


def _joined(base_url: str, link: str | None) -> str | None:
    """``link`` resolved against the feed's URL; None when it cannot be parsed.

    >>> _joined("https://e.com/feed", " /a "), _joined("https://e.com/feed", "http://[zz]/a")
    ('https://e.com/a', None)
    """
    try:
        return urljoin(base_url, (link or "").strip())
    except ValueError:  # a bracketed host that is no IP address
        return None


def _entry_dates(entry: dict) -> tuple[str | None, str | None]:
    # dict.get: FeedParserDict.get("updated_parsed") falls back to the published date.
    published = dict.get(entry, "published_parsed")
    return _struct_time_iso(published), _struct_time_iso(dict.get(entry, "updated_parsed"))


def _struct_time_iso(value) -> str | None:
    """feedparser's UTC ``time.struct_time`` as ISO 8601.

    >>> import time
    >>> _struct_time_iso(time.gmtime(0)), _struct_time_iso(None)
    ('1970-01-01T00:00:00+00:00', None)
    >>> _struct_time_iso(time.struct_time((-1, 1, 1, 0, 0, 0, 0, 1, 0)))  # a feed's year "-1"
    """
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), timezone.utc).isoformat()
    except (ValueError, OverflowError, OSError):  # a year out of the calendar's range
        return None


def parse_sitemap(body: bytes, limits: SitemapLimits = SitemapLimits()) -> SitemapPage:
    """The kind (``urlset`` or ``sitemapindex``) and the entries of a sitemap.

    Gzipped bodies are decompressed up to ``limits.max_bytes``; at most
    ``limits.max_urls`` entries are read. A body that is not a sitemap gives kind ``""``.

    >>> page = parse_sitemap(b'''<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    ...   xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    ... <url><loc>https://e.com/a</loc><lastmod>2026-11-10</lastmod></url>
    ... <url><loc>https://e.com/b</loc><news:news><news:title>B</news:title>
    ... <news:publication_date>2026-11-09T10:00Z</news:publication_date></news:news></url>
    ... <url><loc>https://e.com/c</loc></url></urlset>''', SitemapLimits(max_urls=2))
    >>> page.kind, page.truncated, [link.url for link in page.links]
    ('urlset', True, ['https://e.com/a', 'https://e.com/b'])
    >>> page.links[1]
    Link(url='https://e.com/b', title='B', published='2026-11-09T10:00:00+00:00', modified=None)
    >>> parse_sitemap(b"<html><body>not found</body></html>").kind
    ''
    """
    xml = _sitemap_xml(body, limits.max_bytes)
    if xml is None:
        return SitemapPage("", [])
    if declares_entities(xml):
        logger.warning("sitemap declares XML entities (XXE or entity expansion); refused")
        return SitemapPage("", [])
    try:
        return _read_sitemap(surrogates_resolved(xml), limits.max_urls)
    except lxml.etree.LxmlError as exc:
        logger.warning("unparsable sitemap body: %s", exc)
        return SitemapPage("", [])


def declares_entities(xml: bytes) -> bool:
    """True when an XML document declares entities before its root element (in a DOCTYPE).

    NUL bytes are ignored, so UTF-16 and UTF-32 documents are read too.

    >>> declares_entities(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')
    True
    >>> declares_entities('<!DOCTYPE r [<!ENTITY a "b">]><r/>'.encode("utf-16"))
    True
    >>> declares_entities(b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"><rss/>')
    False
    >>> declares_entities(b'<rss><title>&lt;!ENTITY in text</title></rss>')
    False
    """
    text = xml.replace(b"\x00", b"")
    root = _ELEMENT_START.search(text)
    prolog = text[: root.start()] if root else text
    return _ENTITY_DECLARATION.search(prolog) is not None


def _read_sitemap(xml: bytes, max_urls: int) -> SitemapPage:
    events = lxml.etree.iterparse(
        BytesIO(xml), events=("start", "end"), recover=True, resolve_entities=False,
        remove_comments=True, remove_pis=True, no_network=True,
    )
    _, root = next(events, (None, None))
    kind = _local_name(getattr(root, "tag", None))
    if kind not in ("urlset", "sitemapindex"):
        return SitemapPage("", [])
    links = []
    for event, element in events:
        if event != "end" or element.getparent() is not root:
            continue
        if len(links) == max_urls:
            return SitemapPage(kind, links, truncated=True)
        link = _sitemap_entry(element)
        if link is not None:
            links.append(link)
        element.clear()
    return SitemapPage(kind, links)


def _sitemap_entry(element) -> Link | None:
    """A ``<url>`` or ``<sitemap>`` element as a :class:`Link`, if its ``<loc>`` is http(s)."""
    fields = {_local_name(child.tag): (child.text or "").strip() for child in element}
    news = {_local_name(child.tag): (child.text or "").strip()
            for child in element.iter(f"{{{_NEWS_NS}}}*")}
    url = fields.get("loc")
    if not is_http_url(url):
        return None
    return Link(url, news.get("title") or None,
                iso_date(news.get("publication_date")), iso_date(fields.get("lastmod")))


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def iso_date(value: str | None) -> str | None:
    """A W3C datetime (the sitemap date format) as ISO 8601, or ``None`` if it is not one.

    >>> iso_date("2026-11-10T08:00:00Z"), iso_date("2026-11-10"), iso_date("last week")
    ('2026-11-10T08:00:00+00:00', '2026-11-10', None)
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.isoformat() if "T" in value else parsed.date().isoformat()


def _sitemap_xml(body: bytes, max_bytes: int) -> bytes | None:
    if not is_gzip(body):
        return body if len(body) <= max_bytes else None
    try:
        return gunzip(body, max_size=max_bytes)
    except (OSError, EOFError, ValueError):  # truncated, corrupt, or over the size limit
        logger.warning("sitemap could not be decompressed within %d bytes", max_bytes)
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
