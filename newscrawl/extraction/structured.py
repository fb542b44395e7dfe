"""Structured data embedded in a page: JSON-LD objects and ``<meta>`` properties."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml import etree

from newscrawl.extraction.document import Document

_MAX_JSONLD_CHARS = 2_000_000
_MAX_DEPTH = 20
# Comment and CDATA wrappers, also inside JavaScript comments: //<![CDATA[ ... //]]> or /*<![CDATA[*/.
_CDATA_START = re.compile(r"^\s*(?://|/\*)?\s*(?:<!--|<!\[CDATA\[)(?:\s*\*/)?")
# The end one is sought only in a text that ends as it does: a search for a pattern anchored at
# the end tries every position of the text (a tenth of a millisecond for a 2 kB script).
_CDATA_END = re.compile(r"(?://|/\*)?\s*(?:-->|\]\]>)(?:\s*\*/)?\s*$")
_CDATA_END_CHARS = ("-->", "]]>", "*/")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
# A \uD800-\uDFFF escape that is not half of a pair (a string cut inside an emoji): as a lone
# surrogate it would reach the record, which then cannot be written as UTF-8.
_LONE_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


# The tags of the few elements the metadata reads from all over the page: one walk of the tree
# finds them all, where a walk for each tag cost about as much as the whole of what is read.
_INDEXED_TAGS = ("meta", "link", "script", "time", "h1")


def elements(doc: Document, tag: str) -> list[etree._Element]:
    """The page's ``<meta>``, ``<link>``, ``<script>``, ``<time>`` or ``<h1>`` elements (``tag``),
    in page order; one walk of the tree finds those of every tag.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document('<meta name="a"><h1>T</h1><p><time>May</time><time>June</time></p>', "https://e.com/")
    >>> [element.text for element in elements(doc, "time")], len(elements(doc, "meta")), elements(doc, "link")
    (['May', 'June'], 1, [])
    """
    index = doc.cache.get("elements")
    if index is None:
        index = doc.cache["elements"] = {name: [] for name in _INDEXED_TAGS}
        for element in doc.root.iter(*_INDEXED_TAGS):
            index[element.tag].append(element)
    return index[tag]


def jsonld_objects(doc: Document) -> list[dict]:
    """Every JSON-LD object of the page, ``@graph`` members and nested lists flattened.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '''<script type="application/ld+json">
    ... {"@graph": [{"@type": "NewsArticle", "headline": "A",}, {"@type": "Person"}]}
    ... </script>'''
    >>> [o["@type"] for o in jsonld_objects(parse_document(page, "https://e.com/"))]
    ['NewsArticle', 'Person']
    """
    objects = doc.cache.get("jsonld")
    if objects is None:
        objects = doc.cache["jsonld"] = []
        for script in elements(doc, "script"):
            if "ld+json" in (script.get("type") or ""):
                objects.extend(_flatten(parse_jsonld(script.text or ""), 0))
    return objects


def parse_jsonld(text: str) -> object:
    """Parse one JSON-LD script leniently; ``None`` when it is not JSON.

    >>> parse_jsonld('<!-- {"a": [1, 2,],} -->')
    {'a': [1, 2]}
    >>> parse_jsonld('{broken') is None
    True
    >>> parse_jsonld('//<![CDATA[ {"a": 1} //]]>'), parse_jsonld('/*<![CDATA[*/{"a": 1}/*]]>*/')
    ({'a': 1}, {'a': 1})
    >>> parse_jsonld(r'["cut \\ud83d", "\\udc00", "whole \\ud83d\\ude00"]')
    ['cut �', '�', 'whole 😀']
    """
    if len(text) > _MAX_JSONLD_CHARS:
        return None
    text = _CDATA_START.sub("", text.strip())
    if text.endswith(_CDATA_END_CHARS):
        text = _CDATA_END.sub("", text)
    if "\\u" in text:
        text = _LONE_SURROGATE.sub(r"\\ufffd", text)
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _flatten(data: object, depth: int) -> Iterator[dict]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for member in data:
            yield from _flatten(member, depth + 1)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _flatten(graph, depth + 1)
        if "@type" in data or graph is None:
            yield data


def meta_content(doc: Document, *names: str) -> str | None:
    """The first non-empty ``<meta>`` content whose ``property``/``name``/``itemprop`` is in ``names``.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document('<meta property="og:title" content=" T ">', "https://e.com/")
    >>> meta_content(doc, "twitter:title", "og:title")
    'T'
    """
    index = _meta_index(doc)
    for name in names:
        for value in index.get(name.lower(), ()):
            if value.strip():
                return value.strip()
    return None


def meta_contents(doc: Document, *names: str) -> list[str]:
    """Every non-empty ``<meta>`` content for ``names``, in the order of ``names``.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document('<meta name="author" content="A"><meta name="author" content="B">', "https://e.com/")
    >>> meta_contents(doc, "author")
    ['A', 'B']
    """
    index = _meta_index(doc)
    return [value.strip() for name in names for value in index.get(name.lower(), ()) if value.strip()]


def meta_named(doc: Document, pattern: re.Pattern) -> str | None:
    """The first non-empty ``<meta>`` content whose (lower-cased) name ``pattern`` matches.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document('<meta name="a" content="1"><meta name="w-published-date" content="2">', "https://e.com/")
    >>> meta_named(doc, re.compile("published-date$"))
    '2'
    """
    for name, values in _meta_index(doc).items():
        value = next((value.strip() for value in values if value.strip()), None) if pattern.search(name) else None
        if value:
            return value
    return None


def _meta_index(doc: Document) -> dict[str, list[str]]:
    cached = doc.cache.get("meta_index")
    if cached is None:
        cached = doc.cache["meta_index"] = {}
        for meta in elements(doc, "meta"):
            content = meta.get("content")
            if content is None:
                continue
            for attr in ("property", "name", "itemprop"):
                key = meta.get(attr)
                if key:
                    cached.setdefault(key.strip().lower(), []).append(content)
    return cached


def parsely_page(doc: Document) -> dict:
    """The JSON object of ``<meta name="parsely-page">`` (Parse.ly's tag: title, pub_date,
    author...); ``{}`` when the page has none or it is not a JSON object.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '''<meta name="parsely-page" content='{"pub_date": "2024-05-03T15:47:42Z"}'>'''
    >>> parsely_page(parse_document(page, "https://e.com/"))
    {'pub_date': '2024-05-03T15:47:42Z'}
    """
    value = parse_jsonld(meta_content(doc, "parsely-page") or "")
    return value if isinstance(value, dict) else {}


_MAX_SITE_NAME_WORDS = 5
_ARTICLE_TYPES = frozenset({"blogposting", "liveblogposting", "socialmediaposting", "report"})
_AUXILIARY_TYPES = frozenset({
    "breadcrumblist", "listitem", "imageobject", "organization", "newsmediaorganization",
    "person", "website", "searchaction", "sitenavigationelement", "wpheader", "wpfooter",
    "wpsidebar", "thing", "entrypoint", "contactpoint", "postaladdress", "corporation",
    "readaction", "speakablespecification", "propertyvalue", "country", "place",
})


def jsonld_types(obj: dict) -> list[str]:
    """The lowercase ``@type`` names of a JSON-LD object, prefixes dropped.

    >>> jsonld_types({"@type": ["schema:NewsArticle", "http://schema.org/WebPage"]})
    ['newsarticle', 'webpage']
    >>> jsonld_types({"@type": 7})
    []
    """
    types = obj.get("@type")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        return []
    names = (t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in types if isinstance(t, str))
    return [name.strip().lower() for name in names if name.strip()]


def is_article_type(name: str) -> bool:
    """Whether a lowercase schema.org type names an article.

    >>> is_article_type("reportagenewsarticle"), is_article_type("webpage")
    (True, False)
    """
    return name.endswith("article") or name in _ARTICLE_TYPES


def article_object(doc: Document) -> dict | None:
    """The JSON-LD object of the page's article (``mainEntity`` members included).

    When several qualify, the one carrying the most article fields wins.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '''<script type="application/ld+json">[{"@type": "VideoObject", "name": "V"},
    ... {"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": "H"}}]</script>'''
    >>> article_object(parse_document(page, "https://e.com/"))["headline"]
    'H'
    """
    if "jsonld_article" not in doc.cache:
        candidates = [obj for obj in _with_main_entities(jsonld_objects(doc))
                      if any(is_article_type(t) for t in jsonld_types(obj))]
        doc.cache["jsonld_article"] = max(candidates, key=_article_weight, default=None)
        doc.cache["jsonld_articles"] = candidates
    return doc.cache["jsonld_article"]


def article_objects(doc: Document) -> list[dict]:
    """The article's JSON-LD object first, then others with the same headline.

    Pages often describe one article twice, e.g. from the CMS and from an SEO plugin.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '''<script type="application/ld+json">[{"@type": "Article", "headline": "H"},
    ... {"@type": "NewsArticle", "headline": "H"}, {"@type": "NewsArticle", "headline": "Other"}]</script>'''
    >>> len(article_objects(parse_document(page, "https://e.com/")))
    2
    """
    main = article_object(doc)
    if main is None:
        return []
    same = [obj for obj in doc.cache["jsonld_articles"]
            if obj is not main and obj.get("headline") == main.get("headline")]
    return [main, *same]


def page_types(doc: Document) -> list[str]:
    """Lowercase type hints of the main JSON-LD objects (not logos, breadcrumbs, people...).

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '<script type="application/ld+json">[{"@type": "NewsArticle"}, {"@type": "Person"}]</script>'
    >>> page_types(parse_document(page, "https://e.com/"))
    ['newsarticle']
    """
    names = {t for obj in _with_main_entities(jsonld_objects(doc)) for t in jsonld_types(obj)}
    return sorted(names - _AUXILIARY_TYPES)


def resolve_reference(doc: Document, value: object) -> object:
    """Replace a bare ``{"@id": ...}`` reference by the ``@graph`` object it names.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '<script type="application/ld+json">{"@graph": [{"@id": "#p", "name": "Ann"}]}</script>'
    >>> resolve_reference(parse_document(page, "https://e.com/"), {"@id": "#p"})
    {'@id': '#p', 'name': 'Ann'}
    """
    if not isinstance(value, dict) or "name" in value:
        return value
    key = value.get("@id")
    if not isinstance(key, str):
        return value
    return _id_index(doc).get(key, value)


def _id_index(doc: Document) -> dict[str, dict]:
    index = doc.cache.get("jsonld_ids")
    if index is None:
        index = doc.cache["jsonld_ids"] = {}
        for obj in jsonld_objects(doc):
            key = obj.get("@id")
            if isinstance(key, str) and len(obj) > 1:
                index.setdefault(key, obj)
    return index


def _with_main_entities(objects: list[dict]) -> Iterator[dict]:
    for obj in objects:
        yield obj
        entity = obj.get("mainEntity")
        if isinstance(entity, dict) and entity is not obj:
            yield entity


def _article_weight(obj: dict) -> int:
    fields = ("headline", "datePublished", "author", "articleBody", "inLanguage")
    return sum(1 for name in fields if obj.get(name))


def site_names(doc: Document) -> list[str]:
    """Names the site goes by: ``og:site_name``, the publisher, app titles and the host name.

    Long values are left out: they are page titles put in the wrong field.

    >>> from newscrawl.extraction.document import parse_document
    >>> site_names(parse_document('<meta property="og:site_name" content="The Daily">', "https://www.daily.co.uk/a"))
    ['The Daily', 'daily.co.uk', 'daily']
    """
    names = doc.cache.get("site_names")
    if names is None:
        values = meta_contents(doc, "og:site_name", "application-name", "apple-mobile-web-app-title",
                               "publisher", "twitter:site")
        values += [_name_of(obj) for obj in jsonld_objects(doc) if _is_site_object(obj)]
        values += _host_names(doc.url)
        short = (v for v in values if v and len(v.split()) <= _MAX_SITE_NAME_WORDS)
        names = doc.cache["site_names"] = list(dict.fromkeys(short))
    return names


def publisher_name(doc: Document) -> str | None:
    """The publisher: the article's JSON-LD ``publisher.name``, else ``og:site_name``.

    >>> from newscrawl.extraction.document import parse_document
    >>> page = '<script type="application/ld+json">{"@type": "Article", "publisher": {"name": "P"}}</script>'
    >>> publisher_name(parse_document(page, "https://e.com/"))
    'P'
    """
    article = article_object(doc) or {}
    publisher = resolve_reference(doc, article.get("publisher"))
    if isinstance(publisher, list) and publisher:
        publisher = resolve_reference(doc, publisher[0])
    return _name_of(publisher) or meta_content(doc, "og:site_name")


def _name_of(obj: object) -> str | None:
    name = obj.get("name") if isinstance(obj, dict) else obj
    return (name.strip() or None) if isinstance(name, str) else None


def _is_site_object(obj: dict) -> bool:
    return any(t in ("website", "newsmediaorganization", "organization") for t in jsonld_types(obj))


def _host_names(url: str) -> list[str]:
    """The host and its distinctive labels (``www`` and the top-level domain left out).

    >>> _host_names("https://promotions.newegg.com/a"), _host_names("https://www.daily.co.uk/")
    (['promotions.newegg.com', 'promotions', 'newegg'], ['daily.co.uk', 'daily'])
    """
    try:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return []
    labels = [label for label in host.split(".")[:-1] if len(label) > 3 or label == max(host.split(".")[:-1], key=len)]
    return [host, *labels] if labels else []
