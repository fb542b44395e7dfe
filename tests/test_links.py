"""The spider's link extractor finds what Scrapy's LinkExtractor finds, from the tree parsed once."""

import html
from urllib.parse import urljoin, urlparse, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.url import url_has_any_extension
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

from newscrawl.extraction.document import parse_document
from newscrawl.discovery.links import http_host
from newscrawl.extraction.links import PLAIN_URL as _PLAIN_URL, TreeLinkExtractor, is_plain_url

PAGE = b"""<html><head><base href="https://news.example.com/world/"></head><body>
<a href="a.html">A</a> <a href="/b?x=1&amp;y=2">B</a> <a href="a.html">A again</a>
<a href=" https://other.example.org/c ">C</a> <a href="mailto:x@example.com">mail</a>
<a href="javascript:void(0)">js</a> <a href="pic.JPG">jpg</a> <a href="dump.tar.gz">tgz</a>
<a href="/.pdf">hidden pdf</a> <a href="/doc.pdf/view">pdf dir</a> <a href="file:///etc/passwd">f</a>
<a href="caf\xc3\xa9 bar.html">non-ascii</a> <area href="/map"> <a href="#top">top</a>
<!-- <a href="/commented">no</a> --> <a href="/d" rel="nofollow">D</a></body></html>"""


def _urls(links):
    return [link.url for link in links]


def test_same_links_as_scrapy_from_the_parsed_tree():
    response = HtmlResponse("https://news.example.com/world/page.html", body=PAGE,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    expected = _urls(LinkExtractor().extract_links(response))
    doc = parse_document(response.body, response.url, "text/html; charset=utf-8")
    assert TreeLinkExtractor().links(doc.selector, response) == LinkExtractor().extract_links(response)
    assert "https://news.example.com/b?x=1&y=2" in expected
    assert not any(url.endswith((".JPG", ".tar.gz", ".pdf")) for url in expected)


def test_restrictions_fall_back_to_scrapy_checks():
    response = HtmlResponse("https://e.com/", body=b'<a href="/a">a</a><a href="/b">b</a>')
    extractor = TreeLinkExtractor(deny=r"/b$")
    assert _urls(extractor.links(response.selector, response)) == ["https://e.com/a"]


HREFS = ["/a/../b", "//cdn.example.net/x", "http://\t/y", "\u00a0http://nbsp.example.com/",
         "HTTP://Example.COM/\u00fc?q=\u00e9", "/s?q=\u00e9", "rel/page.html", "?page=2",
         "https://other.example.org/c", "/menu/world", " /menu/sport ", "http:///no-host"]
PAGES = [  # (response URL, <base href> or None, charset)
    ("https://news.example.com/2026/11/a.html", None, "utf-8"),
    ("http://news.example.com/world/b.html", None, "cp1252"),
    ("https://news.example.com/c/d.html", "https://mirror.example.org/e/", "utf-8"),
    ("https://blog.example.com/f.html", "/relative/base/", "utf-8"),
    ("https://news.example.com/g.html", "mailto:x@example.com", "utf-8"),
    ("https://news.example.com/h.html", None, "utf-8"),
]


def test_links_match_scrapy_across_pages():
    extractor = TreeLinkExtractor()  # one instance for every page, as the spider has
    for url, base, charset in PAGES * 2:
        head = f'<meta charset="{charset}">' + (f'<base href="{base}">' if base else "")
        anchors = "".join(f'<a href="{href}">{n}</a>' for n, href in enumerate(HREFS))
        body = f"<html><head>{head}</head><body>{anchors}</body></html>".encode(charset)
        response = HtmlResponse(url, body=body)
        doc = parse_document(response.body, response.url)
        found = extractor.links(doc.selector, response)
        assert found == LinkExtractor().extract_links(response), (url, base)


def _scrapy_steps(value: str, response_url: str, encoding: str, base_url: str) -> str | None:
    """What Scrapy's ``LxmlParserLinkExtractor._extract_links`` does with one ``href`` value."""
    try:
        url = safe_url_string(urljoin(base_url, strip_html5_whitespace(value)), encoding=encoding)
    except ValueError:
        return None
    return urljoin(response_url, url)


PAGE_URLS = st.sampled_from(["https://news.example.com/a/b.html", "http://news.example.com/",
                             "https://e.com", "mailto:x@example.com", ""])
ENCODINGS = st.sampled_from(["utf-8", "cp1252", "shift_jis", "gb18030", "utf-16", "cp1026"])


@settings(max_examples=500)
@given(st.from_regex(_PLAIN_URL, fullmatch=True), PAGE_URLS, PAGE_URLS, ENCODINGS)
def test_plain_urls_come_out_of_scrapy_steps_unchanged(url, response_url, base_url, encoding):
    if is_plain_url(url, encoding):
        assert _scrapy_steps(url, response_url, encoding, base_url) == url


@settings(max_examples=500)
@given(st.one_of(st.from_regex(_PLAIN_URL, fullmatch=True), st.text(max_size=40)))
def test_host_and_extension_of_any_url_as_urllib_and_scrapy_read_them(url):
    try:
        parts = urlsplit(url.strip())
        parts.port  # raises on a port out of range, a URL Scrapy could not fetch either
        host = parts.hostname if parts.scheme in ("http", "https") else None
    except ValueError:
        host = None
    assert http_host(url) == (host or None)
    extractor = TreeLinkExtractor()
    try:  # what LinkExtractor._link_allowed asks
        denied = url_has_any_extension(urlparse(url), extractor.deny_extensions)
    except ValueError:
        with pytest.raises(ValueError):
            extractor.has_denied_extension(url)
    else:
        assert extractor.has_denied_extension(url) == denied


BASE_HREFS = st.sampled_from([None, "https://news.example.com/world/", "http://e.com",
                              "HTTPS://News.Example.COM:8000/x/", "https://user@e.com/a;p?q#f",
                              "/relative/base/", "mailto:x@example.com", "http://[::1]/"])
HREF_VALUES = st.one_of(st.from_regex(_PLAIN_URL, fullmatch=True), st.text(max_size=40),
                        st.from_regex(r"\A(https?://|/|\.\./|//)?[a-zA-Z0-9%./?#;:@'\u00e9 -]{0,30}\Z"))


@settings(max_examples=500)
@given(HREF_VALUES, PAGE_URLS.filter(bool), BASE_HREFS, ENCODINGS.filter(lambda e: e != "cp1026"))
def test_links_resolve_as_scrapy_resolves_them(href, page_url, base_href, encoding):
    base = f'<base href="{html.escape(base_href)}">' if base_href else ""
    page = (f'<html><head><meta charset="{encoding}">{base}</head><body>'
            f'<a href="{html.escape(href)}">t</a></body></html>')
    response = HtmlResponse(page_url if page_url.startswith("http") else "https://e.com/p",
                            body=page.encode(encoding, "replace"))
    expected = LinkExtractor().extract_links(response)
    assert TreeLinkExtractor().links(response.selector, response) == expected
