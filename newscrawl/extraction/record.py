"""Assemble the article record of one page through the item loader."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone
from urllib.parse import urlsplit

from newscrawl.config import is_xpath
from newscrawl.extraction.body import extract_body
from newscrawl.extraction.budget import SECONDS, Limits, OutOfTime, cpu_deadline
from newscrawl.extraction.classify import listing_reason, page_type
from newscrawl.extraction.dates import reads_month_first, utc_moment
from newscrawl.extraction.document import Document, parse_document
from newscrawl.extraction.metadata import extract_metadata
from newscrawl.extraction.links import page_links
from newscrawl.extraction.page_features import page_features, page_signals
from newscrawl.extraction.items import SCHEMA_VERSION, empty_record
from newscrawl.extraction.loader import ArticleLoader
from newscrawl.extraction.processors import word_count
from newscrawl.urls import canonical_id, canonical_url, is_http_url, url_problem

logger = logging.getLogger(__name__)
_METADATA_FIELDS = (
    "headline", "description", "authors", "datePublished", "dateModified", "inLanguage",
    "publisher", "articleSection", "keywords",
)
#: How far past the download time a date may lie (time zones, clock skew) before it is wrong.
FUTURE_TOLERANCE = timedelta(days=1)
_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"})


@dataclass(frozen=True)
class ExtractedPage:
    """What :func:`extract_page` finds on a page: its record and what a crawl needs besides.

    ``links`` are the page's links as Scrapy's ``LinkExtractor()`` finds them (when asked
    for); ``listing`` says why a page that reads like an article was judged a listing
    (``"url"`` or ``"links"``); ``hinted`` names the record fields that came from ``hints``.
    """

    record: dict | None
    links: list[str] = field(default_factory=list)
    whole: bool = True
    listing: str | None = None
    hinted: tuple[str, ...] = ()
    out_of_time: bool = False


def extract_article(
    html: str | bytes,
    url: str,
    *,
    selectors: dict[str, str] | None = None,
    timezone: str | None = None,
    content_type: str | None = None,
    limits: Limits | None = None,
    hints: dict[str, str | None] | None = None,
    listed: bool = False,
) -> dict:
    """Turn one page into an article record; never raises on page content (a ``url`` that cannot
    be parsed, such as one with a port out of range, is a ValueError).

    ``selectors`` (record field -> CSS or XPath) win over generic extraction;
    ``timezone`` (an IANA name) applies to dates the page gives without an offset;
    ``limits`` is the page's budget (:class:`~newscrawl.extraction.budget.Limits`, its
    defaults when not given): a page over it gives a record of what fits, and the record's
    ``metadata.overBudget`` names the limits hit.
    ``hints`` (record field -> value, what a feed or sitemap entry said about the page)
    fill fields the page does not give, through the same processors.
    ``listed`` says a feed or sitemap listed the page, which the page-type judgement weighs.

    >>> page = b"<title>Hi</title><article><p>" + b"Some words here. " * 40 + b"</article>"
    >>> record = extract_article(page, "https://e.com/a")
    >>> record["headline"], record["wordCount"], record["metadata"]["pageType"]
    ('Hi', 120, 'article')
    >>> record = extract_article(b"<title>Hi</title><p>" + b"Some words here. " * 40, "https://e.com/a",
    ...                          limits=Limits(max_source_chars=300))
    >>> record["wordCount"], record["metadata"]["overBudget"]
    (50, ['source'])
    """
    return extract_page(html, url, selectors=selectors, timezone=timezone,
                        content_type=content_type, limits=limits, hints=hints,
                        listed=listed).record


def extract_page(
    html: str | bytes,
    url: str,
    *,
    selectors: dict[str, str] | None = None,
    timezone: str | None = None,
    content_type: str | None = None,
    limits: Limits | None = None,
    hints: dict[str, str | None] | None = None,
    listed: bool = False,
    links: bool = False,
    record: bool = True,
) -> ExtractedPage:
    """:func:`extract_article`'s record of a page, with its links (``links=True``) and page facts.

    The page is parsed once: links and link density are read before extraction
    prunes the tree, and the page type is judged here, once, for every caller.
    ``record=False`` reads only the links (a page whose URL cannot be an article).

    >>> page = extract_page(b"<title>Tags</title><a href='/a'>A</a>", "https://e.com/tag/x", links=True)
    >>> page.links, page.record["metadata"]["pageType"], page.listing
    (['https://e.com/a'], 'other', None)
    """
    if problem := url_problem(url):
        raise ValueError(f"the page's URL cannot be parsed ({problem}): {url!r}")
    limits, found = limits or Limits(), []
    try:  # around the deadline: its one signal may come as it is disarmed
        with cpu_deadline(limits.max_seconds):
            doc = parse_document(html, url, content_type, limits)
            found = page_links(doc, html, content_type) if links else []
            if not record:
                return ExtractedPage(None, found, doc.whole)
            article, hinted, features = _record_with_hints(doc, selectors or {}, timezone, hints or {}, listed)
    except OutOfTime:
        logger.warning("extraction interrupted, over %s s of CPU time; no record: %s", limits.max_seconds, url)
        return ExtractedPage(_out_of_time_record(url) if record else None, found, out_of_time=True)
    listing = None
    if article["metadata"]["pageType"] == "article":
        listing = listing_reason(url, lambda: features["link_density"])  # read before pruning
        if listing:
            article["metadata"]["pageType"] = "other"
    return ExtractedPage(article, found, doc.whole, listing, hinted, SECONDS in doc.over_budget)


def _out_of_time_record(url: str) -> dict:
    """The record of a page whose time ran out outside the steps that may be skipped: its URL alone."""
    record = empty_record()
    _add_identity(record, url, {})
    record["metadata"] = _record_metadata("other", [SECONDS])
    set_published_utc(record)
    return record


def extract_features(html: str | bytes, url: str, *, listed: bool = False) -> dict[str, float]:
    """The page-type model's inputs for one page, as :func:`extract_article` computes them."""
    return _record_with_hints(parse_document(html, url), {}, None, {}, listed)[2]


def _record_with_hints(
    doc: Document, selectors: dict[str, str], timezone: str | None,
    hints: dict[str, str | None], listed: bool,
) -> tuple[dict, tuple[str, ...], dict[str, float]]:
    """The record of a parsed page (selectors, then metadata, then hints, then the body),
    the fields hints filled, and the page-type model's inputs.

    A step that starts after the page's time limit is skipped: the record keeps what came before.
    """
    signals = page_signals(doc)  # before the body extraction prunes the tree
    loader = ArticleLoader(timezone=timezone, month_first=reads_month_first(doc))
    for field_name, query in selectors.items():
        loader.add_value(field_name, _selected_values(doc, field_name, query))
    metadata = doc.run_step("metadata", extract_metadata, doc, timezone, default={})
    for field_name in _METADATA_FIELDS:
        if not loader.get_collected_values(field_name):
            loader.add_value(field_name, metadata.get(field_name))
    hinted = tuple(name for name, value in hints.items()
                   if value and not loader.get_collected_values(name))
    for field_name in hinted:
        loader.add_value(field_name, hints[field_name])
    if not loader.get_collected_values("articleBody"):
        loader.add_value("articleBody", "\n".join(doc.run_step("body", extract_body, doc, default=[])))
    record = empty_record() | loader.load_item()
    _add_identity(record, doc.url, metadata)
    record["wordCount"] = word_count(record["articleBody"])
    features = page_features(signals, metadata, record["articleBody"], doc.url, listed)
    judged = page_type(features) if record["articleBody"] else "other"  # no text, no article
    record["metadata"] = _record_metadata(judged, doc.over_budget)
    _drop_future_dates(record, datetime.now(dt_timezone.utc))
    set_published_utc(record)
    return record, tuple(name for name in hinted if record.get(name)), features


def utc_instant(value: str | None) -> str | None:
    """A record date as a full UTC instant ending in ``Z``; a date alone is midnight UTC of
    that date, a time without offset is taken as UTC.

    >>> utc_instant("2026-11-10T09:15:00+01:00"), utc_instant("2026-11-10"), utc_instant(None)
    ('2026-11-10T08:15:00Z', '2026-11-10T00:00:00Z', None)
    """
    moment = utc_moment(value)
    return moment.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def set_published_utc(record: dict) -> None:
    """Set ``metadata.datePublishedUtc`` from ``datePublished``."""
    record["metadata"]["datePublishedUtc"] = utc_instant(record["datePublished"])


def _drop_future_dates(record: dict, now: datetime) -> None:
    """A date later than the download (beyond :data:`FUTURE_TOLERANCE`) is wrong, not news."""
    for name in ("datePublished", "dateModified"):
        moment = utc_moment(record[name])
        if moment and moment > now + FUTURE_TOLERANCE:
            record[name] = None


def _add_identity(record: dict, url: str, metadata: dict) -> None:
    canonical = metadata.get("canonicalUrl")
    if not (canonical and is_http_url(canonical) and _same_site(canonical, url)):
        canonical = url
    record["url"] = url
    record["canonicalUrl"] = canonical_url(canonical)
    record["id"] = canonical_id(record["canonicalUrl"])
    image = metadata.get("mainImage")
    record["mainImage"] = {"url": image} if is_http_url(image) else None


def _same_site(candidate: str, url: str) -> bool:
    """A canonical link is trusted only on the page's own host (``www.`` aside)."""
    def host(u: str) -> str:
        return (urlsplit(u).hostname or "").removeprefix("www.")
    return host(candidate) == host(url)


def _record_metadata(judged_type: str, over_budget: list[str]) -> dict:
    """The record's ``metadata``; ``overBudget`` only on a page that hit a limit."""
    return {
        "schemaVersion": SCHEMA_VERSION,
        "dateDownloaded": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"),
        "pageType": judged_type,
    } | ({"overBudget": list(over_budget)} if over_budget else {})


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
