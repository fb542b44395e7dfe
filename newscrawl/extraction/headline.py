"""The headline: JSON-LD ``headline``, ``og:title``, the ``<h1>``, ``<title>``; site names removed."""

from __future__ import annotations

import re

from lxml import etree

from newscrawl.extraction.document import Document
from newscrawl.extraction.structured import article_object, meta_content, site_names
from newscrawl.extraction.values import clean_text, name_key, names_match

_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—»›·•:/*]|-{1,2}|::)\s+|\s*[｜：ㅣ]\s*")
_MAX_SUFFIX_WORDS = 6
_H1 = etree.XPath("(//*[@itemprop='headline'] | //h1)")


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
    """The article's headline, from the most trusted source that gives one."""
    article = article_object(doc) or {}
    names = site_names(doc)
    candidates = (
        lambda: strip_site_suffix(_first(article.get("headline")), names),
        lambda: strip_site_suffix(meta_content(doc, "og:title", "twitter:title"), names),
        lambda: first_heading(doc),
        lambda: strip_site_suffix(doc.root.findtext(".//title"), names),
    )
    return next((text for text in (candidate() for candidate in candidates) if text), None)


def first_heading(doc: Document) -> str | None:
    """Text of the first ``itemprop=headline`` element or ``<h1>`` that has text."""
    for element in _H1(doc.root):
        text = clean_text(element.get("content") or element.text_content())
        if text:
            return text
    return None


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def _names_site(part: str, keys: list[str]) -> bool:
    key = name_key(part)
    return any(names_match(key, site) or (len(site) >= 4 and site in key) for site in keys)


def _join(parts: list[str], separators: list[str]) -> str:
    text = parts[0]
    for separator, part in zip(separators, parts[1:]):
        text += separator + part
    return text
