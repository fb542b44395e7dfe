"""One parsed page, shared by every extractor.

A page is decoded and parsed exactly once; structured data, metadata and body
extraction all read the same tree.

libxml2 stops parsing at 2048 nested elements and keeps only what came before,
which would make a record of the first part of a page. Runs of opening tags are
collapsed and the page parsed again; a page that still stops early gives an
empty tree (and so no record), with a warning.

Before it is parsed the page is fitted to its budget (:mod:`newscrawl.extraction.budget`); the
document keeps the limits, the limits the page hit and when its extraction started.
"""

from __future__ import annotations

import codecs
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from charset_normalizer import from_bytes
from lxml import etree, html as lxml_html
from parsel import Selector
from w3lib.encoding import html_to_unicode

from newscrawl.extraction.budget import DETECTION_SAMPLE_BYTES, SECONDS, Limits, OutOfTime, fit_source

logger = logging.getLogger(__name__)
T = TypeVar("T")

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Declared encodings that servers often claim for pages that are really UTF-8.
_LATIN1_LIKE = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15"})
# C0 controls but tab, line feed and carriage return, and the two non-characters that libxml2
# parses but lxml refuses to set back (as dropping an element does, joining tails).
_CONTROL_CHAR_LIST = tuple(map(chr, (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0xfffe, 0xffff)))
_CONTROL_CHARS = re.compile(f"[{re.escape(''.join(_CONTROL_CHAR_LIST))}]")
# The controls in UTF-8, a byte each; and the two non-characters (three bytes each).
_CONTROL_BYTES = tuple(char.encode("utf-8") for char in _CONTROL_CHAR_LIST if char < " ")
_NONCHARACTERS = ("\ufffe", "\uffff")
# 64 or more opening tags in a row, nothing but white space between them.
_OPENING_TAG_RUN = re.compile(r"(?:<[A-Za-z][^<>]*>\s*){64,}")
_LAST_OPENING_TAG = re.compile(r"<[A-Za-z][^<>]*>\s*$")
# lxml.html's elements, looked up in C: lxml.html's own lookup calls Python for every element
# the tree hands out, to give forms and inputs classes of their own that no extractor uses.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
    pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity,
)
# Encodings that detection may name for a page that is neither UTF-8 nor declared. Latin-script
# legacy encodings are left out: detection confuses them, and cp1252 decodes them best.
_DETECTABLE = frozenset({
    "cp932", "shift_jis", "shift_jis_2004", "euc_jp", "euc_jis_2004", "iso2022_jp", "gb18030",
    "gbk", "gb2312", "big5", "big5hkscs", "euc_kr", "cp949", "cp1251", "koi8_r", "koi8_u",
    "cp1253", "cp1255", "cp1256", "tis_620", "cp874",
})


@dataclass
class Document:
    """A decoded, parsed page: the text, its lxml root and a parsel selector."""

    url: str
    text: str
    root: lxml_html.HtmlElement
    selector: Selector = field(repr=False)
    cache: dict = field(default_factory=dict, repr=False)  # per-page memo for extractors
    whole: bool = True  # False when the page nests too deep to parse and ``root`` is empty
    limits: Limits = field(default_factory=Limits, repr=False)
    over_budget: list[str] = field(default_factory=list)  # names of the limits the page hit
    started: float = field(default_factory=time.thread_time, repr=False)  # CPU time of this thread

    def out_of_time(self) -> bool:
        """Whether extraction has spent the page's ``max_seconds`` of CPU time; notes the limit when so.

        CPU time of the thread, not wall-clock time: a machine busy with other work does not
        make a page go over its budget.

        >>> doc = parse_document("<p>x</p>", "https://e.com/", limits=Limits(max_seconds=1e-9))
        >>> doc.out_of_time(), doc.out_of_time(), doc.over_budget
        (True, True, ['seconds'])
        """
        if SECONDS in self.over_budget:
            return True
        if self.limits.max_seconds and time.thread_time() - self.started > self.limits.max_seconds:
            logger.warning("extraction took over %s s of CPU time; skipping its remaining steps: %s",
                           self.limits.max_seconds, self.url)
            self.over_budget.append(SECONDS)
            return True
        return False

    def run_step(self, name: str, step: Callable[..., T], *args, default: T) -> T:
        """``step(*args)``; ``default`` when the page is out of time before the step starts, or
        while it runs (the hard limit raised :class:`OutOfTime` in it), noting the limit.

        >>> doc = parse_document("<p>x</p>", "https://e.com/")
        >>> doc.run_step("count", len, "abc", default=0), doc.run_step("late", _raise_out_of_time, default=0)
        (3, 0)
        >>> doc.over_budget, doc.run_step("count", len, "abc", default=0)
        (['seconds'], 0)
        """
        if self.out_of_time():
            return default
        try:
            return step(*args)
        except OutOfTime:
            logger.warning("extraction interrupted in its %s step, over %s s of CPU time; keeping what "
                           "came before: %s", name, self.limits.max_seconds, self.url)
            self.over_budget.append(SECONDS)
            return default


def _raise_out_of_time() -> None:
    raise OutOfTime("a doctest's step")


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

    A declared charset that names a codec but no text encoding is not followed:

    >>> decode_html('<meta charset="base64"><p>café</p>'.encode('utf-8'))
    '<meta charset="base64"><p>café</p>'
    >>> decode_html('<p>café</p>'.encode('cp1252'), 'text/html; charset=idna')
    '<p>café</p>'
    """
    return _decode(html, content_type)[0]


def _decode(html: str | bytes, content_type: str | None) -> tuple[str, bool]:
    """:func:`decode_html`'s text, and whether it is exactly ``html`` decoded as UTF-8 (no
    byte-order mark, no byte replaced), so that the page's bytes say what the text holds.

    >>> _decode("<p>café</p>".encode("utf-8"), None), _decode("<p>café</p>".encode("cp1252"), None)
    (('<p>café</p>', True), ('<p>café</p>', False))
    >>> _decode(b"\\xef\\xbb\\xbf<p>x", None), _decode(b"<p>caf\\xc3", "text/html; charset=utf-8")
    (('<p>x', False), ('<p>caf\ufffd', False))
    """
    if isinstance(html, str):
        return html, False
    try:
        encoding, text = html_to_unicode(content_type, html, auto_detect_fun=_undeclared_encoding)
    except (LookupError, UnicodeError):  # 'base64', 'rot13', 'idna', 'punycode'...
        encoding = _undeclared_encoding(html)
        text = html.decode(encoding, "replace")
    if encoding in _LATIN1_LIKE and not text.isascii() and _undeclared_encoding(html) == "utf-8":
        return html.decode("utf-8"), True
    return text, encoding == "utf-8" and not html.startswith(codecs.BOM_UTF8) and "\ufffd" not in text


def _undeclared_encoding(body: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8; else a CJK, Cyrillic, Greek, Hebrew, Arabic or
    Thai encoding when detection finds one; else cp1252, the web's most common legacy encoding.

    >>> _undeclared_encoding("café".encode("utf-8")), _undeclared_encoding("café".encode("cp1252"))
    ('utf-8', 'cp1252')
    >>> _undeclared_encoding("<p>フェリー運賃は冬の間据え置き。東京で会議が開かれました。</p>".encode("shift_jis"))
    'cp932'
    """
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body[:DETECTION_SAMPLE_BYTES]).best()
        return best.encoding if best is not None and best.encoding in _DETECTABLE else "cp1252"
    return "utf-8"


def parse_document(html: str | bytes, url: str, content_type: str | None = None,
                   limits: Limits = Limits()) -> Document:
    """Decode and parse a page, fitted to ``limits``, into a :class:`Document`; never raises on content.

    >>> doc = parse_document(b'<title>Hi</title><p>One', 'https://example.com/')
    >>> doc.selector.css('p::text').get()
    'One'
    >>> parse_document('', 'https://example.com/').selector.css('p').getall()
    []
    >>> doc = parse_document(b'<p>One</p><p>Two</p>', 'https://example.com/', limits=Limits(max_elements=1))
    >>> doc.selector.css('p::text').getall(), doc.over_budget
    (['One'], ['elements'])
    """
    started = time.thread_time()
    text, utf8 = _decode(html, content_type)
    cleaned = _XML_DECLARATION.sub("", text, count=1)
    if not utf8 or _holds_control_chars(html, text):
        cleaned = strip_control_chars(cleaned)
    cleaned, fitted = fit_source(cleaned, limits)
    if fitted:
        logger.warning("page over the extraction budget (%s); extracting what fits: %s", ", ".join(fitted), url)
    # Each step above only takes characters out: a text of the same length is the page's whole
    # text, and libxml2 reads it from the page's own UTF-8 bytes, without encoding it again.
    root = _parse_tree(cleaned, url, html if utf8 and len(cleaned) == len(text) else None)
    whole = root is not None
    if not whole:
        root = _parse_whole("")
    return Document(url=url, text=cleaned, root=root, selector=Selector(root=root, type="html"),
                    whole=whole, limits=limits, over_budget=list(fitted), started=started)


def _holds_control_chars(utf8: bytes, text: str) -> bool:
    """Whether a page, ``text`` decoded from the ``utf8`` bytes, holds one of the characters
    :func:`strip_control_chars` takes out.

    A search for one byte or one character is several times faster than one for three bytes:
    the one-byte controls are looked for in the bytes, the two non-characters in the text.

    >>> [_holds_control_chars(text.encode(), text) for text in ("a\\x0bb", "a\\ufffeb", "\\uff01\\t")]
    [True, True, False]
    """
    return any(byte in utf8 for byte in _CONTROL_BYTES) or any(char in text for char in _NONCHARACTERS)


def strip_control_chars(text: str) -> str:
    """``text`` without the C0 control characters other than tab, line feed and carriage return,
    and without the non-characters U+FFFE and U+FFFF, which no XML text may hold.

    Looking for each of them first is three times faster than a regular expression over a
    page that has none, as nearly every page.

    >>> strip_control_chars("a\\x00b\\x0cc\\td\\r\\n"), strip_control_chars("plain")
    ('abc\\td\\r\\n', 'plain')
    >>> strip_control_chars("a\\ufffeb\\uffffc")
    'abc'
    """
    if any(char in text for char in _CONTROL_CHAR_LIST):
        return _CONTROL_CHARS.sub("", text)
    return text


def _parse_tree(text: str, url: str = "", utf8: bytes | None = None) -> lxml_html.HtmlElement | None:
    """The page's tree, whole; ``None`` when libxml2 cannot read all of it. ``utf8``, when given,
    is ``text`` in UTF-8, which libxml2 reads faster than a Python string."""
    root = _parse_whole(text if utf8 is None else utf8)
    if root is None:
        root = _parse_whole(_OPENING_TAG_RUN.sub(_last_tag, text))
    if root is None:
        logger.warning("page nests elements too deep to parse whole; not extracted: %s", url)
    return root


def _parse_whole(text: str | bytes) -> lxml_html.HtmlElement | None:
    """Parse ``text`` (bytes are UTF-8); ``None`` when the parser stopped before the end (a fatal error).

    >>> _parse_whole("<p>café").findtext(".//p") == _parse_whole("<p>café".encode("utf-8")).findtext(".//p")
    True
    """
    parser = etree.HTMLParser(remove_comments=True, huge_tree=True,
                              encoding="utf-8" if isinstance(text, bytes) else None)
    parser.set_element_class_lookup(_HTML_CLASSES)
    try:
        root = lxml_html.document_fromstring(text or "<html></html>", parser=parser)
    except (etree.ParserError, ValueError):
        return lxml_html.document_fromstring("<html></html>", parser=parser)
    if any(error.level == etree.ErrorLevels.FATAL for error in parser.error_log):
        return None
    return root


def _last_tag(run: re.Match) -> str:
    """The last opening tag of a run: the element that holds the content.

    >>> _OPENING_TAG_RUN.sub(_last_tag, "<div>" * 100 + '<p class="x">text')
    '<p class="x">text'
    """
    return _LAST_OPENING_TAG.search(run.group(0)).group(0)


def text_of(element: etree._Element) -> str:
    """The text of ``element`` and its descendants, without its tail: ``text_content()``, in one
    call to libxml2 rather than an XPath evaluation, several times cheaper.

    >>> text_of(lxml_html.fromstring("<div><p>One <b>two</b></p> tail</div>").find("p"))
    'One two'
    """
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def body_or_root(root: etree._Element) -> etree._Element:
    """The page's ``<body>``, else its root (a fragment, or a page whose body did not parse).

    >>> body_or_root(lxml_html.document_fromstring("<p>x</p>")).tag, body_or_root(etree.Element("div")).tag
    ('body', 'div')
    """
    body = root.find("body")
    return body if body is not None else root


def following_elements(element: etree._Element, *tags: str) -> Iterator[etree._Element]:
    """The elements after ``element`` and outside it, in document order (XPath's ``following::*``),
    read lazily: a search that stops at its first finds does not walk the rest of the page.
    Given ``tags``, only the elements with one of them (libxml2 skips the others).

    >>> page = lxml_html.fromstring('<div><p>a<b>b</b></p><h1>T<i>i</i></h1><p><a>c</a></p></div><ul><li>d</li></ul>')
    >>> [e.tag for e in following_elements(page.find(".//h1"))]
    ['p', 'a', 'ul', 'li']
    >>> [e.tag for e in following_elements(page.find(".//h1"), "a", "li")]
    ['a', 'li']
    """
    tags = tags or (etree.Element,)
    while element is not None:
        for sibling in element.itersiblings():
            yield from sibling.iter(*tags)
        element = element.getparent()


def drop_element(el: etree._Element) -> tuple | None:
    """Drop ``el`` (unless already gone); what :func:`put_back` needs to undo it.

    ``el.drop_tree()``, written out: it would look up the parent, the previous node and the
    tail again (13% of the time of a drop).
    """
    parent = el.getparent()
    if parent is None:
        return None
    previous, tail = el.getprevious(), el.tail or ""
    if tail:  # joined to the text before the element
        if previous is None:
            parent.text = (parent.text or "") + tail
        else:
            previous.tail = (previous.tail or "") + tail
    parent.remove(el)
    return el, parent, previous, len(tail)


def put_back(dropped: list[tuple | None]) -> None:
    """Undo the drops of :func:`drop_element`, last first: each element goes back after the node
    that was before it (or first in its parent), and its tail, joined to the text before it,
    is cut back off.

    >>> root = lxml_html.fromstring('<div>a<i>b</i>c<b>d</b>e<u>f</u></div>')
    >>> i, b, u = root
    >>> dropped = [drop_element(el) for el in (b, i, u, b)]  # b twice: gone the second time
    >>> lxml_html.tostring(root), dropped[-1]
    (b'<div>ace</div>', None)
    >>> put_back(dropped)
    >>> lxml_html.tostring(root)
    b'<div>a<i>b</i>c<b>d</b>e<u>f</u></div>'
    """
    for el, parent, previous, tail in filter(None, reversed(dropped)):
        if previous is None:
            if tail:
                parent.text = parent.text[:-tail] or None
            parent.insert(0, el)
        else:
            if tail:
                previous.tail = previous.tail[:-tail] or None
            previous.addnext(el)
