"""Turn one archived page into the record a crawl would have made of it; runs in worker processes.

The steps are the news spider's for a fetched page: pages whose URL the site's
``article_url_patterns`` exclude give no record; the record, its page type included,
comes from :func:`newscrawl.extraction.extract_page` with the site's selectors and
timezone and the feed or sitemap hint the archive kept, as in a crawl. ``metadata``
says the page was downloaded when the archive's record says, and where the page is
archived.
"""

from __future__ import annotations

from collections.abc import Sequence

from newscrawl.archive.reader import ArchivedPage
from newscrawl.config import Site
from newscrawl.discovery import Link
from newscrawl.extraction import extract_page
from newscrawl.extraction.dates import utc_moment

BACKFILL_SOURCE = "backfill"
NOT_ARTICLE_URL = "not_article_url"


def page_record(page: ArchivedPage, site: Site | None, spider: str) -> dict | str:
    """The record of ``page``, or why the crawl would have made none (``not_article_url``)."""
    if site is not None and not site.is_article_url(page.url):
        return NOT_ARTICLE_URL
    hints = Link(page.url, page.hint.get("title"), page.hint.get("published")).hints if page.hint else None
    record = extract_page(page.body, page.url, selectors=site.selectors if site else None,
                          timezone=site.timezone if site else None,
                          content_type=page.content_type, hints=hints,
                          listed=hints is not None).record
    record["metadata"].update(
        site=site.name if site else page.site, spider=spider,
        discoveredBy=page.source or BACKFILL_SOURCE, archive=page.location,
        dateDownloaded=download_date(page.date) or record["metadata"]["dateDownloaded"],
    )
    return record


def page_records(tasks: Sequence[tuple[ArchivedPage, Site | None]], spider: str) -> list[dict | str]:
    """:func:`page_record` of each task: one call per chunk of pages sent to a worker."""
    return [page_record(page, site, spider) for page, site in tasks]


def download_date(warc_date: str) -> str | None:
    """A WARC-Date as the record's ``dateDownloaded`` (seconds, ``+00:00``).

    >>> download_date("2026-11-03T08:15:02Z"), download_date("2026-11-03T08:15:02.123456Z"), download_date("")
    ('2026-11-03T08:15:02+00:00', '2026-11-03T08:15:02+00:00', None)
    """
    moment = utc_moment(warc_date.replace("Z", "+00:00")) if warc_date else None
    return moment.isoformat(timespec="seconds") if moment else None

