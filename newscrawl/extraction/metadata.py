"""Record metadata from structured data and the DOM: headline, authors, dates, language...

Each field has its own module (``headline``, ``authors``, ``dates``, ``language``); this
one assembles the record and holds the small fields. Nothing here modifies ``doc.root``.
"""

from __future__ import annotations

from newscrawl.extraction.authors import extract_authors
from newscrawl.extraction.dates import extract_modified, extract_published
from newscrawl.extraction.document import Document
from newscrawl.extraction.headline import extract_headline
from newscrawl.extraction.language import extract_language
from newscrawl.extraction.structured import (
    article_object, elements, meta_content, meta_contents, page_types, publisher_name, resolve_reference,
)
from newscrawl.extraction.values import absolute_url, clean_text

MAX_KEYWORDS = 50


def extract_metadata(doc: Document, timezone: str | None = None) -> dict:
    """Return the page's metadata fields; a field the page does not give is ``None`` or ``[]``.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '''<html lang="de-AT"><meta property="og:title" content="Hallo | Die Zeitung">
    ... <meta property="og:site_name" content="Die Zeitung"><meta name="author" content="Von Ann Lee">
    ... <meta property="article:published_time" content="2024-05-03 17:47"></html>'''
    >>> record = extract_metadata(parse_document(page, "https://e.com/a"), "Europe/Vienna")
    >>> record["headline"], record["authors"], record["datePublished"], record["inLanguage"]
    ('Hallo', ['Ann Lee'], '2024-05-03T17:47:00+02:00', 'de')
    """
    article = article_object(doc) or {}
    return {
        "headline": extract_headline(doc),
        "description": clean_text(article.get("description")) or clean_text(
            meta_content(doc, "description", "og:description", "twitter:description")),
        "authors": extract_authors(doc),
        "datePublished": extract_published(doc, timezone),
        "dateModified": extract_modified(doc, timezone),
        "inLanguage": extract_language(doc),
        "publisher": clean_text(publisher_name(doc)),
        "articleSection": clean_text(_first(article.get("articleSection"))) or clean_text(
            meta_content(doc, "article:section", "parsely-section")),
        "keywords": extract_keywords(doc),
        "mainImage": main_image(doc),
        "canonicalUrl": canonical_url(doc),
        "pageTypes": sorted({*page_types(doc), *_og_types(doc)}),
    }


def extract_keywords(doc: Document) -> list[str]:
    """Keywords from JSON-LD ``keywords``, ``article:tag`` or ``<meta name=keywords>``, split on commas.

    >>> from newscrawl.extraction.document import parse_document
    >>> extract_keywords(parse_document('<meta name="keywords" content="a, b,,a">', "https://e.com/"))
    ['a', 'b']
    """
    value = (article_object(doc) or {}).get("keywords")
    values = value if isinstance(value, list) else [value]
    values = [v for v in values if isinstance(v, str)] or meta_contents(
        doc, "article:tag") or meta_contents(doc, "keywords", "news_keywords")[:1]
    words = (clean_text(word) for v in values for word in v.split(","))
    return list(dict.fromkeys(w for w in words if w))[:MAX_KEYWORDS]


def main_image(doc: Document) -> str | None:
    """The lead image URL: ``og:image``, ``twitter:image``, else the JSON-LD ``image``."""
    value = meta_content(doc, "og:image", "og:image:url", "og:image:secure_url", "twitter:image")
    if value is None:
        value = _first(resolve_reference(doc, (article_object(doc) or {}).get("image")))
        value = value.get("url") if isinstance(value, dict) else value
    return absolute_url(value, doc.url)


def canonical_url(doc: Document) -> str | None:
    """``<link rel=canonical>`` (else ``og:url``) as an absolute http(s) URL."""
    for value in (*_canonical_links(doc), meta_content(doc, "og:url")):
        url = absolute_url(value, doc.url)
        if url:
            return url
    return None


def _canonical_links(doc: Document) -> list[str]:
    """The ``href`` of every ``<link rel=canonical>``, in page order.

    >>> from newscrawl.extraction.document import parse_document
    >>> _canonical_links(parse_document('<html><link rel="canonical" href="/a"><link rel="x" href="/b"></html>', "https://e.com/"))
    ['/a']
    """
    return [link.get("href") for link in elements(doc, "link")
            if link.get("rel") == "canonical" and link.get("href") is not None]


def _og_types(doc: Document) -> list[str]:
    types = (clean_text(value) for value in meta_contents(doc, "og:type"))
    return [t.lower() for t in types if t]


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value
