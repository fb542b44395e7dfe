"""What the ``news`` spider does with one downloaded page, away from the reactor.

:class:`PageHandler` turns a :class:`PageJob` (the page's bytes and what the request
knows) into a :class:`PageResult`: the record :func:`newscrawl.extraction.extract_page`
gives, the page's links worth following (on the site, not denied, within the date window,
not searches or print and share variants), each with the state key it would be published
under, and counts of what was left out. It is a pure function of the job and the sites
config, so it runs the same in a worker process (:mod:`newscrawl.spiders.pool`) as in the
crawl's own; the page crosses the process boundary once, as bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from newscrawl.config import Site
from newscrawl.discovery.window import DateWindow
from newscrawl.extraction import Limits, extract_page
from newscrawl.discovery.links import host_in_domains, http_host
from newscrawl.urls import record_id

# Links that lead to no page of their own: (kind, pattern), counted as not_page/<kind>.
NON_PAGE_LINKS = (
    ("search", re.compile(r"[?&]s=")),
    ("reply", re.compile(r"[?&]replytocom=")),
    ("share", re.compile(r"[?&](?:share|shared)=|/share/?(?:[?#]|$)", re.IGNORECASE)),
    ("print", re.compile(r"[?&](?:print|output=print|view=print)\b|/print/?(?:[?#]|$)",
                         re.IGNORECASE)),
    # href="www.example.com/a" without a scheme resolves to a path on the linking page's site.
    ("schemeless", re.compile(r"^https?://[^/]+/(?:[^?#]*/)?www\.[^/?#]+\.[a-z]{2,}(?:[/?#]|$)",
                              re.IGNORECASE)),
)


@dataclass(frozen=True)
class PageJob:
    """One downloaded page and what its request knows."""

    url: str
    body: bytes
    content_type: str
    site: str
    hints: dict[str, str | None] | None = None
    follow_links: bool = True


@dataclass
class PageResult:
    """What a page gave: its record (``None`` when its URL cannot be an article), the links
    to follow as ``(url, state key)``, and events to count per site."""

    record: dict | None
    links: list[tuple[str, str]] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)


def non_page_kind(url: str) -> str | None:
    """The kind of a link that leads to no page of its own, or ``None``.

    >>> [non_page_kind(u) for u in ("https://e.com/?s=flood", "https://e.com/a/?replytocom=12",
    ...  "https://e.com/a/?share=facebook", "https://e.com/a/print/", "https://e.com/a/www.x.org/b",
    ...  "https://e.com/2026/11/flood-pact/", "https://e.com/news?section=world")]
    ['search', 'reply', 'share', 'print', 'schemeless', None, None]
    """
    for kind, pattern in NON_PAGE_LINKS:
        if pattern.search(url):
            return kind
    return None


class PageHandler:
    """Handles pages of the sites of one crawl; picklable, so worker processes get a copy."""

    def __init__(self, sites: dict[str, Site], window: DateWindow | None, skip_non_pages: bool,
                 limits: Limits):
        self.sites = sites
        self.window = window
        self.skip_non_pages = skip_non_pages
        self.limits = limits

    def __call__(self, job: PageJob) -> PageResult:
        site = self.sites[job.site]
        is_article = site.is_article_url(job.url)
        page = extract_page(job.body, job.url, selectors=site.selectors or None,
                            timezone=site.timezone, content_type=job.content_type,
                            limits=self.limits, hints=job.hints, listed=job.hints is not None,
                            links=job.follow_links, record=is_article)
        events = Counter()
        if not page.whole:
            events["not_parsed_whole"] += 1
        if page.out_of_time:
            events["out_of_time"] += 1
        links = self._followed(site, page.links, events)
        if not is_article:
            events["not_article_url"] += 1
        else:
            events.update(f"hint_used/{name}" for name in page.hinted)
            if page.listing:
                events[f"listing/{page.listing}"] += 1
        return PageResult(page.record, links, dict(events))

    def _followed(self, site: Site, urls: list[str], events: Counter) -> list[tuple[str, str]]:
        followed = []
        for url in urls:
            event = self.link_event(site, url)
            if event:
                events[event] += 1
            else:
                followed.append((url, record_id(url)))
        return followed

    def link_event(self, site: Site, url: str) -> str | None:
        """Why a link is not followed, or ``None`` when it is."""
        host = http_host(url)
        if host is None:
            return "link_not_http"
        if not host_in_domains(host, site.domains):
            return "offsite/link"
        if site.is_denied_url(url):
            return "denied/link"
        if self.window and self.window.url_before(url):
            return "window_skipped/link"
        kind = non_page_kind(url) if self.skip_non_pages else None
        return f"not_page/{kind}" if kind else None
