"""The links of a page, for the ``news`` spider: Scrapy's link extractor over a tree parsed once.

The spider parses each page once (:func:`newscrawl.extraction.document.parse_document`);
:class:`TreeLinkExtractor` reads that tree instead of parsing the response again through
``response.selector``, and finds the same links as Scrapy's ``LinkExtractor()`` with its
defaults. Its other differences are for speed: an ``href`` value seen before on the page is
not resolved again (a third of a news page's links repeat one; unique links keep the first
anyway); an absolute or root-relative ``href`` resolved on an earlier page of the same
origin is taken from a bounded cache (menus and footers repeat on every page); and the check against the ignored extensions (``.jpg``, ``.pdf``, ... ~90 of them)
is a set lookup, not a scan of every suffix per link.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlparse, urlsplit

from parsel import Selector
from scrapy.http import TextResponse
from scrapy.link import Link
from scrapy.linkextractors import LinkExtractor, _is_valid_url
from scrapy.linkextractors.lxmlhtml import LxmlParserLinkExtractor, _collect_string_content, _identity
from scrapy.utils.misc import rel_has_nofollow
from scrapy.utils.python import unique as unique_list
from scrapy.utils.response import get_base_url
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

_HOST_CACHE_SIZE = 4096
_URL_CACHE_SIZE = 16_384
# A scheme and a host: the URL it starts resolves the same whatever the page's URL.
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s\\]")


class TreeLinkExtractor(LinkExtractor):
    """``LinkExtractor`` whose :meth:`links` reads a tree that was already parsed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parser = self.link_extractor
        if parser.unique and parser.process_attr is _identity:
            self.link_extractor = _FirstOfEachValue(
                tag=parser.scan_tag, attr=parser.scan_attr, unique=True,
                process=parser.process_attr, strip=parser.strip, canonicalized=True)
        self._simple_extensions = frozenset(e for e in self.deny_extensions if e.count(".") == 1)
        self._compound_extensions = tuple(self.deny_extensions - self._simple_extensions)

    def links(self, selector: Selector, response: TextResponse) -> list[Link]:
        """The links ``extract_links(response)`` finds, read from ``selector``'s tree."""
        found = self._extract_links(selector, response.url, response.encoding,
                                    get_base_url(response))
        return unique_list(self._process_links(found), key=self.link_extractor.link_key)

    def _link_allowed(self, link: Link) -> bool:
        if self.allow_res or self.deny_res or self.allow_domains or self.deny_domains \
                or self.restrict_text:
            return super()._link_allowed(link)
        return _is_valid_url(link.url) and not self.has_denied_extension(link.url)

    def has_denied_extension(self, url: str) -> bool:
        """What Scrapy's ``url_has_any_extension(url, self.deny_extensions)`` says.

        >>> extractor = TreeLinkExtractor()
        >>> [extractor.has_denied_extension(u) for u in ("https://e.com/a.JPG", "https://e.com/a.html",
        ...  "https://e.com/x.tar.gz", "https://e.com/.pdf", "https://e.com/a.pdf/b", "https://e.com/")]
        [True, False, True, True, False, False]
        """
        path = urlparse(url).path.lower()
        _, dot, suffix = path.rpartition(".")
        if dot and f".{suffix}" in self._simple_extensions:
            return True
        return any(path.endswith(extension) for extension in self._compound_extensions)


class _FirstOfEachValue(LxmlParserLinkExtractor):
    """Scrapy's parser-level extractor, reading each distinct attribute value once.

    The same value gives the same URL, and only the first link of a URL is kept. Resolved
    URLs that do not depend on the page (absolute ones, and root-relative ones given the
    origin of the base URL) are cached across pages.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._resolved: dict[tuple, str | None] = {}

    def _extract_links(self, selector, response_url, response_encoding, base_url):
        links = []
        origin = _origin(base_url)
        for element, _, value in self._iter_links(selector.root):
            url = self._resolve(value, response_url, response_encoding, base_url, origin)
            if url is not None:
                links.append(Link(url, _collect_string_content(element) or "",
                                  nofollow=rel_has_nofollow(element.get("rel"))))
        return self._deduplicate_if_needed(links)

    def _resolve(self, value, response_url, encoding, base_url, origin) -> str | None:
        """Scrapy's steps for one attribute value; the URL, or ``None`` for a bogus one."""
        stripped = strip_html5_whitespace(value) if self.strip else value
        if _ABSOLUTE.match(stripped):
            key = (value, encoding)
        elif origin and stripped[:1] == "/":
            key = (value, encoding, origin)
        else:
            return _resolve(value, response_url, encoding, base_url, self.strip)
        if key not in self._resolved:
            if len(self._resolved) >= _URL_CACHE_SIZE:
                self._resolved.clear()
            self._resolved[key] = _resolve(value, response_url, encoding, base_url, self.strip)
        return self._resolved[key]

    def _iter_links(self, document):
        seen = set()
        for element, attribute, value in super()._iter_links(document):
            if value not in seen:
                seen.add(value)
                yield element, attribute, value


def _resolve(value: str, response_url: str, encoding: str, base_url: str, strip: bool) -> str | None:
    """What ``LxmlParserLinkExtractor._extract_links`` makes of one attribute value."""
    try:
        url = urljoin(base_url, strip_html5_whitespace(value) if strip else value)
        url = safe_url_string(url, encoding=encoding)
    except ValueError:
        return None
    return urljoin(response_url, url)


def _origin(base_url: str) -> str | None:
    """``scheme://host`` of an http(s) base URL with a host, which root-relative links need."""
    try:
        parts = urlsplit(base_url)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def http_host(url: str) -> str | None:
    """The lower-case host of an absolute http(s) URL; ``None`` for anything else.

    The same URLs pass as :func:`newscrawl.urls.is_http_url`'s, with one split.

    >>> http_host("https://News.Example.com/a"), http_host("file:///etc/passwd"), http_host("https:///a")
    ('news.example.com', None, None)
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    return host if host and parts.scheme in ("http", "https") else None


@lru_cache(maxsize=_HOST_CACHE_SIZE)
def host_in_domains(host: str, domains: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one.

    >>> host_in_domains("www.example.com", ("example.com",)), host_in_domains("badexample.com", ("example.com",))
    (True, False)
    """
    return any(host == d or host.endswith(f".{d}") for d in domains)
