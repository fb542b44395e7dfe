"""Processors shared by the metadata fields: text cleaning and URL checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from urllib.parse import urljoin, urlsplit

from w3lib.html import remove_tags, replace_entities

MAX_FIELD_CHARS = 5_000
_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf]|â[€\u0080-\u009f]")
# A character reference that the parser reads as an ASCII letter, "/" or ":" ("&#117;", "&sol;").
_ASCII_REFERENCE = re.compile(
    r"&(?:#(?:0*(?:47|58|6[5-9]|[78]\d|9[07-9]|1[01]\d|12[0-2])(?!\d)|[xX]0*(?:2[fF]|3[aA]|4[1-9a-fA-F]|5[0-9aA]"
    r"|6[1-9a-fA-F]|7[0-9aA])(?![0-9a-fA-F]))|sol|colon)"
)
XML_BLANKS = " \t\n\r"  # the white space of XPath's normalize-space()
_XML_SPACE = re.compile(r"[ \t\n\r]+")


def clean_text(value: object, max_chars: int = MAX_FIELD_CHARS) -> str | None:
    """Fold whitespace, decode entities and strip tags; ``None`` for empty or non-text.

    Values longer than ``max_chars`` are cut first, so hostile input stays cheap.

    >>> clean_text("  Caf&eacute; <b>au</b>\\n lait ")
    'Café au lait'
    >>> clean_text(42) is None, clean_text(" ") is None
    (True, True)
    """
    if not isinstance(value, str):
        return None
    text = value[:max_chars]
    if "<" in text and _TAG.search(text):
        text = remove_tags(text)
    if "&" in text:
        text = replace_entities(text)
    if _MOJIBAKE.search(text):
        text = fix_mojibake(text)
    return " ".join(text.split()) or None


def normalize_space(text: str) -> str:
    """XPath's ``normalize-space()``: runs of spaces, tabs and line breaks made one space, none
    at either end (other white space, such as a no-break space, is kept), for tests made in
    Python that an XPath made before.

    >>> normalize_space(" Date:\\n  3 May "), normalize_space("\\u00a0Date")
    ('Date: 3 May', '\\xa0Date')
    """
    return _XML_SPACE.sub(" ", text).strip(XML_BLANKS)


def folds_shorter(text: str, chars: int) -> bool:
    """Whether ``normalize_space(text)`` is shorter than ``chars``, without folding all of a long
    text (a list of all its words): the folding of a text's start is the start of its folding,
    so a start that folds to ``chars`` or more settles it.

    >>> folds_shorter("a  b", 4), folds_shorter(" " * 500 + "ab", 3), folds_shorter("word " * 100_000, 100)
    (True, True, False)
    """
    if len(text) < chars:
        return True
    size = chars
    while True:
        size *= 4
        if len(normalize_space(text[:size])) >= chars:
            return False
        if size >= len(text):
            return True


def may_hold(text: str, words: tuple[str, ...]) -> bool:
    """Whether a tree parsed from ``text`` may hold one of ``words`` (ASCII letters, "/" and ":")
    in a text or an attribute: ``text`` holds one, or a character reference that may spell one.
    A page's text is searched in C many times faster than its tree, so a search of the tree for
    the words is skipped when this says no.

    >>> may_hold('<p class="byline">', ("yline",)), may_hold('<p class="b&#121;line">', ("yline",))
    (True, True)
    >>> may_hold("<p class='date'>Don&#8217;t</p>", ("yline", "uthor")), may_hold("&#x75;thor &#117", ("uthor",))
    (False, True)
    """
    return any(word in text for word in words) or _ASCII_REFERENCE.search(text) is not None


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Windows-1252 or Latin-1; other text is returned as is.

    >>> fix_mojibake("jetzt fÃ¼r nur 5,99 Euro"), fix_mojibake("für")
    ('jetzt für nur 5,99 Euro', 'für')
    >>> fix_mojibake("Investorâ\x80\x99s Guide")
    'Investor’s Guide'
    """
    for encoding in ("cp1252", "latin-1"):
        try:
            return text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
    return text


def absolute_url(value: object, base: str) -> str | None:
    """Resolve ``value`` against ``base``; ``None`` unless it is an http(s) URL.

    >>> absolute_url("/a/b.jpg", "https://example.com/news/1")
    'https://example.com/a/b.jpg'
    >>> absolute_url("javascript:void(0)", "https://example.com/") is None
    True
    """
    text = clean_text(value, 4_000)
    if not text or " " in text:
        return None
    try:
        url = urljoin(base, text)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


#: Longest string a :func:`remembered` function remembers: a hostile page's megabyte value would
#: stay in memory as a key.
REMEMBERED_CHARS = 512


def remembered(maxsize: int) -> Callable[[Callable[[str], object]], Callable[[str], object]]:
    """Cache a function of one string (an ``lru_cache`` of ``maxsize`` entries) for strings of up
    to :data:`REMEMBERED_CHARS` characters only, kept as plain ``str``: an lxml string result
    would keep its whole tree alive.

    >>> calls = []
    >>> @remembered(8)
    ... def shout(text):
    ...     calls.append(text)
    ...     return text.upper()
    >>> shout("a"), shout("a"), len(shout("x" * 600)), len(shout("x" * 600)), len(calls)
    ('A', 'A', 600, 600, 3)
    """
    def decorate(function: Callable[[str], object]) -> Callable[[str], object]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(text: str) -> object:
            return cached(str(text)) if len(text) <= REMEMBERED_CHARS else function(text)
        return call
    return decorate


# The keys of the names a page compares (site names, headings, titles, bylines) are asked for
# again and again: a page asks about 75 times for about 20 distinct ones.
@remembered(maxsize=4096)
def name_key(text: str) -> str:
    """A comparison key for names: casefolded letters and digits only.

    >>> name_key("derStandard.at › Panorama"), name_key("Seznam Zprávy")
    ('derstandardatpanorama', 'seznamzpravy')
    """
    return "".join(filter(str.isalnum, unicodedata.normalize("NFKD", text.casefold())))


def names_match(name: str, site: str) -> bool:
    """Whether two name keys denote the same name: equal, or one contains a long enough other.

    >>> names_match("derstandardatpanorama", "derstandard"), names_match("news", "dailynews")
    (True, False)
    """
    if not name or not site:
        return False
    short, long = sorted((name, site), key=len)
    return short == long or (len(short) >= 4 and short in long and len(short) * 2 >= len(long))
