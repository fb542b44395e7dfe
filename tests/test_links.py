"""The spider's link extractor finds what Scrapy's LinkExtractor finds, from the tree parsed once."""

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from newscrawl.extraction.document import parse_document
from newscrawl.links import TreeLinkExtractor

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


def test_cached_links_match_scrapy_across_pages():
    extractor = TreeLinkExtractor()  # one instance: its cache carries over from page to page
    for url, base, charset in PAGES * 2:
        head = f'<meta charset="{charset}">' + (f'<base href="{base}">' if base else "")
        anchors = "".join(f'<a href="{href}">{n}</a>' for n, href in enumerate(HREFS))
        body = f"<html><head>{head}</head><body>{anchors}</body></html>".encode(charset)
        response = HtmlResponse(url, body=body)
        doc = parse_document(response.body, response.url)
        found = extractor.links(doc.selector, response)
        assert found == LinkExtractor().extract_links(response), (url, base)
