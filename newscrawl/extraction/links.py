"""The links of a parsed page, as Scrapy's ``LinkExtractor()`` finds them in the response.

Read from the tree extraction parsed (before it prunes it), with the encoding and base URL
Scrapy would use for the response, so a crawl needs no second parse for its links.
"""

from __future__ import annotations

from parsel import Selector
from scrapy.http import HtmlResponse
from w3lib.html import get_base_url

from newscrawl.extraction.document import Document
from newscrawl.discovery.links import TreeLinkExtractor

_BASE_SCAN_CHARS = 4096  # where Scrapy looks for <base href>
_EXTRACTOR = TreeLinkExtractor()


def page_links(doc: Document, html: str | bytes, content_type: str | None) -> list[str]:
    """The URLs of the page's links, in page order, each once.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = b"<base href='/x/'><a href='a'>A</a><a href='a'>B</a><a href='#'>C</a>"
    >>> page_links(parse_document(page, "https://e.com/p"), page, "text/html")
    ['https://e.com/x/a', 'https://e.com/x/']
    """
    encoding = _response_encoding(doc.url, html, content_type)
    base_url = get_base_url(doc.text[:_BASE_SCAN_CHARS], doc.url, encoding)
    selector = doc.selector if doc.whole else Selector(text=doc.text)  # what Scrapy reads
    return [link.url for link in _EXTRACTOR.links_from(selector, doc.url, encoding, base_url)]


def _response_encoding(url: str, html: str | bytes, content_type: str | None) -> str:
    """The encoding Scrapy gives the response (links with non-ASCII characters depend on it)."""
    if isinstance(html, str):
        return "utf-8"
    headers = {"Content-Type": content_type} if content_type else {}
    return HtmlResponse(url, body=html, headers=headers).encoding
