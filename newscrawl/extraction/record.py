"""Assemble the article record of one page through the item loader."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone
from urllib.parse import urlsplit

from newscrawl.config import is_xpath
from newscrawl.extraction.body import extract_body
from newscrawl.extraction.classify import page_type
from newscrawl.extraction.dates import reads_month_first, utc_moment
from newscrawl.extraction.document import Document, parse_document
from newscrawl.extraction.metadata import extract_metadata
from newscrawl.extraction.page_features import page_features, page_signals
from newscrawl.items import SCHEMA_VERSION, empty_record
from newscrawl.loaders import ArticleLoader
from newscrawl.processors import word_count
from newscrawl.urls import canonical_url, is_http_url, record_id

_METADATA_FIELDS = (
    "headline", "description", "authors", "datePublished", "dateModified", "inLanguage",
    "publisher", "articleSection", "keywords",
)
#: How far past the download time a date may lie (time zones, clock skew) before it is wrong.
FUTURE_TOLERANCE = timedelta(days=1)
_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"})


def extract_article(
    html: str | bytes,
    url: str,
    *,
    selectors: dict[str, str] | None = None,
    timezone: str | None = None,
    content_type: str | None = None,
    listed: bool = False,
) -> dict:
    """Turn one page into an article record; never raises on page content.

    ``selectors`` (record field -> CSS or XPath) win over generic extraction;
    ``timezone`` (an IANA name) applies to dates the page gives without an offset;
    ``listed`` says a feed or sitemap listed the page, which the page-type judgement weighs.

    >>> record = extract_article(b"<title>Hi</title><p>" + b"Some words here. " * 40, "https://e.com/a")
    >>> record["headline"], record["wordCount"], record["metadata"]["pageType"]
    ('Hi', 120, 'article')
    """
    doc = parse_document(html, url, content_type)
    return build_record(doc, selectors or {}, timezone, listed)


def extract_features(html: str | bytes, url: str, *, listed: bool = False) -> dict[str, float]:
    """The page-type model's inputs for one page, as :func:`extract_article` computes them."""
    return _record_and_features(parse_document(html, url), {}, None, listed)[1]


def build_record(
    doc: Document, selectors: dict[str, str], timezone: str | None, listed: bool = False
) -> dict:
    """The record of a parsed page: site selectors first, then metadata, then the body."""
    return _record_and_features(doc, selectors, timezone, listed)[0]


def _record_and_features(
    doc: Document, selectors: dict[str, str], timezone: str | None, listed: bool
) -> tuple[dict, dict[str, float]]:
    signals = page_signals(doc)  # before the body extraction prunes the tree
    loader = ArticleLoader(timezone=timezone, month_first=reads_month_first(doc))
    for field, query in selectors.items():
        loader.add_value(field, _selected_values(doc, field, query))
    metadata = extract_metadata(doc, timezone)
    for field in _METADATA_FIELDS:
        if not loader.get_collected_values(field):
            loader.add_value(field, metadata.get(field))
    if not loader.get_collected_values("articleBody"):
        loader.add_value("articleBody", "\n".join(extract_body(doc)))
    record = empty_record() | loader.load_item()
    _add_identity(record, doc.url, metadata)
    record["wordCount"] = word_count(record["articleBody"])
    features = page_features(signals, metadata, record["articleBody"], doc.url, listed)
    judged = page_type(features) if record["articleBody"] else "other"  # no text, no article
    record["metadata"] = _record_metadata(judged)
    _drop_future_dates(record, datetime.now(dt_timezone.utc))
    return record, features


def _drop_future_dates(record: dict, now: datetime) -> None:
    """A date later than the download (beyond :data:`FUTURE_TOLERANCE`) is wrong, not news."""
    for field in ("datePublished", "dateModified"):
        moment = utc_moment(record[field])
        if moment and moment > now + FUTURE_TOLERANCE:
            record[field] = None


def _add_identity(record: dict, url: str, metadata: dict) -> None:
    canonical = metadata.get("canonicalUrl")
    if not (canonical and is_http_url(canonical) and _same_site(canonical, url)):
        canonical = url
    record["url"] = url
    record["canonicalUrl"] = canonical_url(canonical)
    record["id"] = record_id(canonical)
    image = metadata.get("mainImage")
    record["mainImage"] = {"url": image} if is_http_url(image) else None


def _same_site(candidate: str, url: str) -> bool:
    """A canonical link is trusted only on the page's own host (``www.`` aside)."""
    def host(u: str) -> str:
        return (urlsplit(u).hostname or "").removeprefix("www.")
    return host(candidate) == host(url)


def _record_metadata(judged_type: str) -> dict:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "dateDownloaded": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"),
        "pageType": judged_type,
    }


def _selected_values(doc: Document, field: str, query: str) -> list[str]:
    selected = doc.selector.xpath(query) if is_xpath(query) else doc.selector.css(query)
    values = []
    for node in selected:
        root = node.root
        if isinstance(root, str):
            values.append(root)
        elif field == "articleBody":
            values.append(_element_blocks(root))
        else:
            values.append(root.text_content())
    return ["\n".join(values)] if field == "articleBody" else values


def _element_blocks(element) -> str:
    """Text of the outermost block elements inside ``element``, one per line."""
    blocks = [el.text_content() for el in element.iter(*_BLOCK_TAGS)
              if not _inside_block(el, element)]
    return "\n".join(blocks) if blocks else element.text_content()


def _inside_block(element, top) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not top:
        if parent.tag in _BLOCK_TAGS:
            return True
        parent = parent.getparent()
    return False
