"""The headline: JSON-LD ``headline``, ``og:title``, the ``<h1>``, ``<title>``; site names removed."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from newscrawl.extraction.document import Document
from newscrawl.extraction.structured import article_object, meta_content, site_names
from newscrawl.extraction.values import clean_text, name_key, names_match

_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—»›·•:/*]|-{1,2}|::)\s+|\s*[｜：ㅣ]\s*")
_MAX_SUFFIX_WORDS = 6
_H1 = etree.XPath("(//*[@itemprop='headline'] | //h1)")
_SOCIAL_TITLES = ("og:title", "twitter:title")
_WORDS = re.compile(r"\w+")


def strip_site_suffix(title: object, names: list[str] | tuple[str, ...] = ()) -> str | None:
    """Remove trailing (or leading) segments such as `` - Site Name`` or `` | Section | Site``.

    A segment goes only when it, or a segment after it, names the site; each is short.

    >>> strip_site_suffix("Storm hits coast | Weather | The Daily News", ["The Daily News"])
    'Storm hits coast'
    >>> strip_site_suffix("Daily News | Storm hits coast", ["dailynews.com", "dailynews"])
    'Storm hits coast'
    >>> strip_site_suffix("Budget - what it means for you", ["The Daily News"])
    'Budget - what it means for you'
    """
    text = clean_text(title)
    if not text:
        return None
    keys = [key for key in map(name_key, names) if key]
    parts = _TITLE_SEPARATOR.split(text)
    separators = _TITLE_SEPARATOR.findall(text)
    for cut in range(1, len(parts)):
        tail = parts[cut:]
        if all(len(p.split()) <= _MAX_SUFFIX_WORDS for p in tail) and any(_names_site(p, keys) for p in tail):
            return _join(parts[:cut], separators)
    if len(parts) > 1 and _names_site(parts[0], keys) and len(parts[0].split()) <= _MAX_SUFFIX_WORDS:
        return _join(parts[1:], separators[1:])
    return text


def extract_headline(doc: Document) -> str | None:
    """The article's headline, from the most trusted source that gives one.

    The JSON-LD ``headline`` (else ``<meta name=headline>``) comes first, unless it is
    only the page's SEO title: see :func:`prefer_social`.
    """
    names = site_names(doc)
    structured = strip_site_suffix(_first((article_object(doc) or {}).get("headline")), names)
    structured = structured or clean_text(meta_content(doc, "headline"))
    socials = [strip_site_suffix(meta_content(doc, name), names) for name in _SOCIAL_TITLES]
    socials = [social for social in socials if social]
    page_title = strip_site_suffix(doc.root.findtext(".//title"), names)
    return (
        prefer_social(structured, socials, page_title)
        or next(iter(socials), None)
        or first_heading(doc)
        or page_title
    )


def prefer_social(structured: str | None, socials: list[str], page_title: str | None) -> str | None:
    """``structured``, or the first social title when ``structured`` is only the SEO title.

    When the JSON-LD headline repeats the ``<title>`` (the SEO headline) and every social
    title (og, twitter) words it differently, the social title is the one written for readers.

    >>> prefer_social("Storm: what we know", ["Storm hits the coast"], "Storm: what we know")
    'Storm hits the coast'
    >>> prefer_social("Storm: what we know", ["Storm: What We Know!"], "Storm: what we know")
    'Storm: what we know'
    >>> prefer_social("Storm hits the coast", ["Storm news"], "Weather today")
    'Storm hits the coast'
    """
    if not (structured and socials and page_title) or _key(page_title) != _key(structured):
        return structured
    words = _WORDS.findall(_key(structured))
    if any(_WORDS.findall(_key(social)) == words for social in socials):
        return structured
    return socials[0]


def first_heading(doc: Document) -> str | None:
    """Text of the first ``itemprop=headline`` element or ``<h1>`` that has text."""
    for element in _H1(doc.root):
        text = clean_text(element.get("content") or element.text_content())
        if text:
            return text
    return None


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _names_site(part: str, keys: list[str]) -> bool:
    key = name_key(part)
    return any(names_match(key, site) or (len(site) >= 4 and site in key) for site in keys)


def _join(parts: list[str], separators: list[str]) -> str:
    text = parts[0]
    for separator, part in zip(separators, parts[1:]):
        text += separator + part
    return text
