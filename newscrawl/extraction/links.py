"""The links of a parsed page, as Scrapy's ``LinkExtractor()`` finds them in the response.

:func:`page_links` reads them from the tree extraction parsed (before it prunes it), with
the encoding and base URL Scrapy would use for the response, so a crawl needs no second
parse for its links. :class:`TreeLinkExtractor` finds the same links as Scrapy's
``LinkExtractor()`` with its defaults, from a tree already parsed. Its other differences
are for speed: lxml finds the ``<a>`` and ``<area>`` elements itself, instead of Python
looking at every element of the page; an ``href`` value seen before on the page is not
resolved again (a third of a news page's links repeat one; unique links keep the first
anyway); a plain URL (:func:`is_plain_url`, 95% of the links of the benchmark corpus) skips
Scrapy's resolution steps and URL parses, which would give it back unchanged; and the check
against the ignored extensions (``.jpg``, ``.pdf``, ... ~90 of them) is a set lookup, not a
scan of every suffix per link.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache, partial
from urllib.parse import urljoin, urlparse, urlsplit

from parsel import Selector
from scrapy.http import HtmlResponse, TextResponse
from scrapy.link import Link
from scrapy.linkextractors import LinkExtractor, _is_valid_url
from scrapy.linkextractors.lxmlhtml import (
    XHTML_NAMESPACE,
    LxmlParserLinkExtractor,
    _collect_string_content,
    _identity,
    _name_matches,
)
from scrapy.utils.misc import rel_has_nofollow
from scrapy.utils.python import unique as unique_list
from scrapy.utils.response import get_base_url
from w3lib.html import get_base_url as base_url_of, strip_html5_whitespace
from w3lib.url import safe_url_string

from newscrawl.extraction.document import Document

# What urljoin and safe_url_string leave as it is in a path; a query also keeps out "'"
# (safe_url_string quotes it there), and all three ";" (urljoin drops an empty parameter).
_PATH_CHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,=:@%/"
_QUERY_CHARS = _PATH_CHARS.replace("'", "") + "?"
_FRAGMENT_CHARS = _PATH_CHARS + "?"
PLAIN_URL = re.compile(
    rf"https?://(?P<host>[a-z0-9.-]+)(?P<path>/[{re.escape(_PATH_CHARS)}]*)"
    rf"(?:\?[{re.escape(_QUERY_CHARS)}]+)?(?:#[{re.escape(_FRAGMENT_CHARS)}]+)?"
)


class TreeLinkExtractor(LinkExtractor):
    """``LinkExtractor`` whose :meth:`links` reads a tree that was already parsed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parser = self.link_extractor
        if parser.unique and parser.process_attr is _identity:
            self.link_extractor = _FirstOfEachValue(
                tag=parser.scan_tag, attr=parser.scan_attr, unique=True,
                process=parser.process_attr, strip=parser.strip, canonicalized=True,
                tag_names=_listed_names(parser.scan_tag), attr_names=_listed_names(parser.scan_attr))
        self._simple_extensions = frozenset(e for e in self.deny_extensions if e.count(".") == 1)
        self._compound_extensions = tuple(self.deny_extensions - self._simple_extensions)

    def links(self, selector: Selector, response: TextResponse) -> list[Link]:
        """The links ``extract_links(response)`` finds, read from ``selector``'s tree."""
        return self.links_from(selector, response.url, response.encoding, get_base_url(response))

    def links_from(self, selector: Selector, url: str, encoding: str, base_url: str) -> list[Link]:
        """The links of a page at ``url``, read from ``selector``'s tree."""
        found = self._extract_links(selector, url, encoding, base_url)
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
        plain = PLAIN_URL.fullmatch(url)
        path = (plain["path"] if plain else urlparse(url).path).lower()
        _, dot, suffix = path.rpartition(".")
        if dot and f".{suffix}" in self._simple_extensions:
            return True
        return any(path.endswith(extension) for extension in self._compound_extensions)


class _FirstOfEachValue(LxmlParserLinkExtractor):
    """Scrapy's parser-level extractor, reading each distinct attribute value once.

    The same value gives the same URL, and only the first link of a URL is kept.
    """

    def __init__(self, *args, tag_names: frozenset[str] | None = None,
                 attr_names: frozenset[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._tags = None if tag_names is None or attr_names is None else (
            *tag_names, *(f"{{{XHTML_NAMESPACE}}}{name}" for name in tag_names))
        self._attrs = attr_names

    def _extract_links(self, selector, response_url, response_encoding, base_url):
        links = []
        origin = _origin(base_url)
        for element, _, value in self._iter_links(selector.root):
            url = _resolve(value, response_url, response_encoding, base_url, origin, self.strip)
            if url is not None:
                links.append(Link(url, _collect_string_content(element) or "",
                                  nofollow=rel_has_nofollow(element.get("rel"))))
        return self._deduplicate_if_needed(links)

    def _iter_links(self, document):
        seen = set()
        for element, attribute, value in self._iter_attributes(document):
            if value not in seen:
                seen.add(value)
                yield element, attribute, value

    def _iter_attributes(self, document):
        """What Scrapy's ``_iter_links`` yields; lxml picks the elements when the tags are named."""
        if self._tags is None:
            yield from super()._iter_links(document)
            return
        for element in document.iter(*self._tags):
            for attribute, value in element.items():
                if attribute in self._attrs:
                    yield element, attribute, value


def _listed_names(scan) -> frozenset[str] | None:
    """The names a ``LinkExtractor`` tag or attribute check accepts, when it lists them.

    ``None`` when the check takes every name (``"*"``) or is the caller's own function.

    >>> sorted(_listed_names(partial(_name_matches, {"a", "area", "link"}, {"link"})))
    ['a', 'area']
    >>> _listed_names(partial(_name_matches, {"*"}, set())) is None, _listed_names(str.isalpha)
    (True, None)
    """
    if not (isinstance(scan, partial) and scan.func is _name_matches and len(scan.args) == 2):
        return None
    allowed, denied = scan.args
    return None if "*" in allowed else frozenset(allowed) - frozenset(denied)


def _resolve(value: str, response_url: str, encoding: str, base_url: str, origin: str | None,
             strip: bool) -> str | None:
    """What ``LxmlParserLinkExtractor._extract_links`` makes of one attribute value.

    A plain URL (:func:`is_plain_url`) is what those steps give back, so they are skipped;
    so is ``urljoin`` for a path from the root that joins the base URL's ``origin``.
    """
    url = strip_html5_whitespace(value) if strip else value
    if is_plain_url(url, encoding):
        return url
    if origin and _is_root_path(url) and is_plain_url(origin + url, encoding):
        return origin + url
    try:
        url = urljoin(base_url, url)
        if is_plain_url(url, encoding):
            return url
        url = safe_url_string(url, encoding=encoding)
    except ValueError:
        return None
    return urljoin(response_url, url)


def is_plain_url(url: str, encoding: str) -> bool:
    """Whether ``url`` comes out of ``urljoin(base, url)`` (whatever the base) and of
    ``safe_url_string(url, encoding)`` as it went in: an http(s) URL with a lower-case
    scheme and host, no user or port, a path, a query and fragment that are not empty when
    present, nothing to quote, and an ``encoding`` that writes all that as ASCII does.

    >>> is_plain_url("https://news.example.com/2026/a-b.html?id=3#top", "utf-8")
    True
    >>> [is_plain_url(u, "utf-8") for u in ("HTTPS://e.com/", "https://e.com", "https://e.com/a?",
    ...  "https://e.com:443/", "https://e.com/caf\u00e9", "https://e.com/a b", "mailto:x@e.com")]
    [False, False, False, False, False, False, False]
    >>> is_plain_url("https://e.com/a", "utf-16")  # safe_url_string adds "?%FF%FE", a BOM
    False
    """
    return PLAIN_URL.fullmatch(url) is not None and _ascii_compatible(encoding)


@lru_cache(maxsize=64)
def _ascii_compatible(encoding: str) -> bool:
    """Whether ``encoding`` writes the characters of a plain URL as ASCII does (and adds no BOM).

    >>> _ascii_compatible("cp1252"), _ascii_compatible("utf-16"), _ascii_compatible("no-such")
    (True, False, False)
    """
    try:
        return _FRAGMENT_CHARS.encode(encoding) == _FRAGMENT_CHARS.encode("ascii")
    except (LookupError, UnicodeError):
        return False


def _origin(base_url: str) -> str | None:
    """``scheme://netloc`` of an http(s) base URL with a host, as ``urljoin`` reads it.

    >>> _origin("https://News.example.com:8000/a/b?c"), _origin("mailto:x@e.com"), _origin("/a")
    ('https://News.example.com:8000', None, None)
    """
    try:
        parts = urlsplit(base_url)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def _is_root_path(url: str) -> bool:
    """Whether ``urljoin`` puts ``url`` after the base URL's origin as it is: a path from the
    root with no ``.`` or ``..`` segment (nor anything else starting ``/.``).

    >>> [_is_root_path(u) for u in ("/a/b?c", "//cdn.e.com/a", "/a/../b", "/.", "a/b")]
    [True, False, False, False, False]
    """
    return url[:1] == "/" and url[1:2] != "/" and "/." not in url


_BASE_SCAN_CHARS = 4096  # where Scrapy looks for <base href>


def page_links(doc: Document, html: str | bytes, content_type: str | None) -> list[str]:
    """The URLs of the page's links, in page order, each once.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = b"<base href='/x/'><a href='a'>A</a><a href='a'>B</a><a href='#'>C</a>"
    >>> page_links(parse_document(page, "https://e.com/p"), page, "text/html")
    ['https://e.com/x/a', 'https://e.com/x/']
    """
    encoding = _response_encoding(doc.url, html, content_type)
    base_url = base_url_of(doc.text[:_BASE_SCAN_CHARS], doc.url, encoding)
    selector = doc.selector if doc.whole else Selector(text=doc.text)  # what Scrapy reads
    return [link.url for link in _extractor().links_from(selector, doc.url, encoding, base_url)]


def _response_encoding(url: str, html: str | bytes, content_type: str | None) -> str:
    """The encoding Scrapy gives the response (links with non-ASCII characters depend on it)."""
    if isinstance(html, str):
        return "utf-8"
    headers = {"Content-Type": content_type} if content_type else {}
    return HtmlResponse(url, body=html, headers=headers).encoding


@lru_cache(maxsize=1)
def _extractor() -> TreeLinkExtractor:
    return TreeLinkExtractor()
