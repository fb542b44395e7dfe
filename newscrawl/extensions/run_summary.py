"""The run summary written beside the published batches, and a run's exit status.

At the end of every run, ``<run name>.summary.json`` (start, end, ``status`` and
``reasons``, sites, what was fetched and published per site and source, drops by
reason, duplicates by kind, layout changes, errors and all crawl stats) is written
beside the batches, and a one-screen summary is the last thing logged (the full
stats are logged at DEBUG). A run that did not do its job has ``status`` ``failed``
and makes ``scrapy crawl`` exit with status 1: no site could be fetched, a batch
could not be published, the run was stopped before its end, or (with their
settings on) a site went silent or a site's layout changed.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from pprint import pformat

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.context import Run, crawl_context
from newscrawl.extensions.summary_text import plural, summary_lines
from newscrawl.state import StateStore, is_redis_uri

logger = logging.getLogger(__name__)

DROP_PREFIX = "item_dropped_reasons_count/"
#: Close reasons of a run that ran to its end: the spider ran out of work (or a distributed
#: worker left an empty frontier), or reached a limit the user set (CLOSESPIDER_TIMEOUT,
#: _ITEMCOUNT, _PAGECOUNT, _TIMEOUT_NO_ITEM). Too many errors (_ERRORCOUNT) is not one.
FINISHED_REASONS = frozenset({"finished", "closespider_timeout", "closespider_itemcount",
                              "closespider_pagecount", "closespider_timeout_no_item"})
FETCHED_PREFIX = "newscrawl/fetched/"
FETCHED_STATUS = 400  # a response below this status is a page fetched
IGNORED_DOWNLOAD = ".IgnoreRequest"  # a request a middleware chose not to send
DUPLICATE_DROPS = {"url": "DuplicateUrl", "body": "DuplicateBody", "near": "NearDuplicate"}
#: Per-site counters that show a site still lists articles, new or already published.
ACTIVITY_PREFIXES = ("newscrawl/dedupe/articles/", "newscrawl/incremental/skipped_published/",
                     "newscrawl/incremental/not_modified/")


def counts_under(stats: dict, prefix: str) -> dict[str, int]:
    """The counters whose key starts with ``prefix``, by the rest of the key.

    >>> counts_under({"a/x": 1, "a/y/z": 2, "b": 3}, "a/")
    {'x': 1, 'y/z': 2}
    """
    return {key.removeprefix(prefix): value for key, value in sorted(stats.items())
            if key.startswith(prefix) and isinstance(value, int)}


def published_by_site(stats: dict) -> dict[str, dict[str, int]]:
    """Published records by site and by how they were discovered.

    >>> published_by_site({"newscrawl/publish/by_site/herald/feed": 2,
    ...                    "newscrawl/publish/by_site/herald/link": 1})
    {'herald': {'feed': 2, 'link': 1}}
    """
    by_site: dict[str, dict[str, int]] = {}
    for key, count in counts_under(stats, "newscrawl/publish/by_site/").items():
        site, _, source = key.rpartition("/")
        by_site.setdefault(site, {})[source] = count
    return by_site


def duplicates(stats: dict) -> dict[str, int]:
    """Duplicates by kind: dropped by URL, body or near-copy, marked, skipped before download.

    >>> duplicates({"item_dropped_reasons_count/DuplicateUrl": 2,
    ...             "newscrawl/incremental/skipped_published": 13})["skippedPublished"]
    13
    """
    found = {kind: stats.get(DROP_PREFIX + reason, 0) for kind, reason in DUPLICATE_DROPS.items()}
    found["nearMarked"] = stats.get("newscrawl/dedupe/near_duplicate", 0)
    found["skippedPublished"] = stats.get("newscrawl/incremental/skipped_published", 0)
    return found


def errors(stats: dict, run: Run) -> dict:
    """Errors logged, downloads that failed (robots.txt refusals are not failures), spider
    exceptions, and what failed the run.

    >>> errors({"downloader/exception_type_count/builtins.TimeoutError": 2,
    ...         "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 1}, Run())["download"]
    {'builtins.TimeoutError': 2}
    """
    downloads = counts_under(stats, "downloader/exception_type_count/")
    return {"logged": stats.get("log_count/ERROR", 0),
            "download": {k: n for k, n in downloads.items() if not k.endswith(IGNORED_DOWNLOAD)},
            "spider": counts_under(stats, "spider_exceptions/"),
            "run": list(run.failures)}


def active_sites(stats: dict) -> set[str]:
    """Sites that listed at least one article in this run, new or already published.

    >>> sorted(active_sites({"newscrawl/dedupe/articles/a": 1,
    ...                      "newscrawl/incremental/not_modified/b": 2}))
    ['a', 'b']
    """
    return {site for prefix in ACTIVITY_PREFIXES for site in counts_under(stats, prefix)}


def layout_changes(stats: dict) -> dict[str, dict[str, int]]:
    """Fields whose share fell against the site's earlier runs, by site, in points.

    >>> layout_changes({"newscrawl/layout/changed/herald/authors": 80})
    {'herald': {'authors': 80}}
    """
    changes: dict[str, dict[str, int]] = {}
    for key, points in counts_under(stats, "newscrawl/layout/changed/").items():
        site, _, field = key.rpartition("/")
        changes.setdefault(site, {})[field] = points
    return changes


def fetched_by_site(stats: dict) -> dict[str, int]:
    """Pages fetched per site: responses below 400 to the spider's own requests (robots.txt
    and refused requests are not pages).

    >>> fetched_by_site({"newscrawl/fetched/a": 3, "newscrawl/site/a/requests": 5})
    {'a': 3}
    """
    return counts_under(stats, FETCHED_PREFIX)


def unreachable_sites(sites: list[str], stats: dict) -> list[str]:
    """Sites of which not one page was fetched in this run (down, refused, robots.txt failing).

    >>> unreachable_sites(["a", "b"], {"newscrawl/fetched/a": 3})
    ['b']
    """
    fetched = fetched_by_site(stats)
    return [site for site in sites if not fetched.get(site)]


def build_summary(run: Run, stats: dict, reason: str, sites: list[str], silent: list[str],
                  unreachable: list[str]) -> dict:
    """The run summary: what a person or a monitoring job wants to know about one run."""
    return {
        "run": run.name, "start": run.started.isoformat(),
        "end": datetime.now(timezone.utc).isoformat(), "closeReason": reason,
        "status": "failed" if run.failures else "ok", "reasons": list(run.failures),
        "failed": bool(run.failures), "sites": sites, "silentSites": silent,
        "unreachableSites": unreachable, "fetched": fetched_by_site(stats),
        "published": stats.get("newscrawl/publish/records", 0), "batches": list(run.batches),
        "publishedBySite": published_by_site(stats),
        "skippedBeforeDownload": counts_under(stats, "newscrawl/incremental/skipped_published/"),
        "notModified": counts_under(stats, "newscrawl/incremental/not_modified/"),
        "drops": counts_under(stats, DROP_PREFIX), "duplicates": duplicates(stats),
        "layoutChanges": layout_changes(stats),
        "errors": errors(stats, run), "stats": stats,
    }


def run_verdicts(reason: str, sites: list[str], unreachable: list[str]) -> list[str]:
    """Why a run that closed for ``reason`` did not do its job, from what it fetched.

    >>> run_verdicts("finished", ["a", "b"], ["a", "b"])
    ['no site could be fetched: a, b']
    >>> run_verdicts("shutdown", ["a"], [])
    ['stopped before the end (shutdown)']
    >>> run_verdicts("finished", ["a", "b"], ["b"]), run_verdicts("closespider_timeout", ["a"], [])
    ([], [])
    """
    verdicts = []
    if sites and len(unreachable) == len(sites):
        verdicts.append(f"no site could be fetched: {', '.join(unreachable)}")
    if reason not in FINISHED_REASONS:
        verdicts.append(f"stopped before the end ({reason})")
    return verdicts


class RunSummary:
    """Write ``<run name>.summary.json`` at the end of the run, judge whether the run did its
    job, and log the one-screen summary as the last lines of the log."""

    def __init__(self, crawler: Crawler, directory: Path, state: StateStore, fail_on_silent: bool,
                 alone: bool = True):
        self.crawler = crawler
        self.state = state
        self.fail_on_silent = fail_on_silent
        self.alone = alone
        self.path = directory / f"{crawl_context(crawler).run.name}.summary.json"
        self.lines: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_SUMMARY_ENABLED"):
            raise NotConfigured("NEWSCRAWL_SUMMARY_ENABLED is off")
        directory = Path(settings.get("NEWSCRAWL_OUTPUT_DIR")) / crawler.spidercls.name
        # A distributed worker may rightly see none of a site's pages: only one process
        # knows whether a site went silent or could not be reached, so workers do not judge it.
        extension = cls(crawler, directory, crawl_context(crawler).state,
                        settings.getbool("NEWSCRAWL_FAIL_ON_SILENT_SITE"),
                        alone=not is_redis_uri(settings.get("NEWSCRAWL_STATE_URI")))
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def response_received(self, response, request) -> None:
        site = request.meta.get("site")
        if site and response.status < FETCHED_STATUS:
            self.crawler.stats.inc_value(FETCHED_PREFIX + site)

    def spider_closed(self, spider, reason: str) -> None:
        run, stats = crawl_context(self.crawler).run, self.crawler.stats.get_stats()
        sites = sorted(crawl_context(self.crawler).sites)
        silent = self._silent_sites(sites, stats)
        unreachable = unreachable_sites(sites, stats) if self.alone else []
        for verdict in run_verdicts(reason, sites if self.alone else [], unreachable):
            run.fail(verdict)
        if unreachable:
            logger.warning("no page fetched from %s: %s", plural(len(unreachable), "site"),
                           ", ".join(unreachable))
        summary = build_summary(run, stats, reason, sites, silent, unreachable)
        logger.debug("crawl stats:\n%s", pformat(stats))
        self.lines = summary_lines(summary, self.path if self._write(summary) else None)

    def engine_stopped(self) -> None:
        """Log the summary last, after Scrapy's own closing lines."""
        for line in self.lines:
            (logger.error if line.startswith("FAILED") else logger.info)("%s", line)

    def _silent_sites(self, sites: list[str], stats: dict) -> list[str]:
        if not self.alone:
            return []
        quiet = set(sites) - active_sites(stats)
        silent = sorted(self.state.sites_with_articles(quiet)) if quiet else []
        if silent:
            message = f"sites that yielded articles before yield none now: {', '.join(silent)}"
            if self.fail_on_silent:
                crawl_context(self.crawler).run.fail(message)
            else:
                logger.warning("%s", message)
        return silent

    def _write(self, summary: dict) -> bool:
        """Write the summary under a temporary name and rename it, so it too appears whole."""
        temporary = self.path.with_name(f".{self.path.name}.part")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str))
            os.replace(temporary, self.path)
        except OSError as exc:
            logger.error("cannot write the run summary %s: %s", self.path, exc)
            return False
        return True
