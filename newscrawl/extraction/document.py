"""One parsed page, shared by every extractor.

A page is decoded and parsed exactly once; structured data, metadata and body
extraction all read the same tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree, html as lxml_html
from parsel import Selector
from w3lib.encoding import html_to_unicode

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Declared encodings that servers often claim for pages that are really UTF-8.
_LATIN1_LIKE = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15"})
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Document:
    """A decoded, parsed page: the text, its lxml root and a parsel selector."""

    url: str
    text: str
    root: lxml_html.HtmlElement
    selector: Selector = field(repr=False)
    cache: dict = field(default_factory=dict, repr=False)  # per-page memo for extractors


def decode_html(html: str | bytes, content_type: str | None = None) -> str:
    """Decode page bytes using the header charset, a BOM or ``<meta charset>``.

    >>> decode_html('<p>café</p>'.encode('cp1252') + b'<meta charset="windows-1252">')
    '<p>café</p><meta charset="windows-1252">'
    >>> decode_html(b'\\xef\\xbb\\xbf<p>caf\\xc3\\xa9</p>')
    '<p>café</p>'
    >>> decode_html('<p>café</p>'.encode('cp1252'))
    '<p>café</p>'

    A page that declares Latin-1 but is valid UTF-8 with non-ASCII bytes is UTF-8:

    >>> decode_html('<meta charset="iso-8859-1"><p>Günstige</p>'.encode('utf-8'))
    '<meta charset="iso-8859-1"><p>Günstige</p>'
    """
    if isinstance(html, str):
        return html
    encoding, text = html_to_unicode(content_type, html, auto_detect_fun=_undeclared_encoding)
    if encoding in _LATIN1_LIKE and not text.isascii() and _undeclared_encoding(html) == "utf-8":
        return html.decode("utf-8")
    return text


def _undeclared_encoding(body: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8, else cp1252, the web's most common legacy encoding.

    >>> _undeclared_encoding("café".encode("utf-8")), _undeclared_encoding("café".encode("cp1252"))
    ('utf-8', 'cp1252')
    """
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def parse_document(html: str | bytes, url: str, content_type: str | None = None) -> Document:
    """Decode and parse a page into a :class:`Document`; never raises on content.

    >>> doc = parse_document(b'<title>Hi</title><p>One', 'https://example.com/')
    >>> doc.selector.css('p::text').get()
    'One'
    >>> parse_document('', 'https://example.com/').selector.css('p').getall()
    []
    """
    text = decode_html(html, content_type)
    cleaned = _CONTROL_CHARS.sub("", _XML_DECLARATION.sub("", text, count=1))
    root = _parse_tree(cleaned)
    return Document(url=url, text=cleaned, root=root, selector=Selector(root=root, type="html"))


def _parse_tree(text: str) -> lxml_html.HtmlElement:
    parser = lxml_html.HTMLParser(remove_comments=True, huge_tree=True)
    try:
        root = lxml_html.document_fromstring(text or "<html></html>", parser=parser)
    except (etree.ParserError, ValueError):
        root = lxml_html.document_fromstring("<html></html>", parser=parser)
    return root
