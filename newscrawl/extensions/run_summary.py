"""The run summary written beside the published batches, and a run's exit status.

At the end of every run, ``<run name>.summary.json`` (start, end, sites, what was
published per site and source, drops by reason, duplicates by kind, errors and
all crawl stats) is written beside the batches, and a one-screen summary is
logged. A run that failed (a batch could not be published; with
``NEWSCRAWL_FAIL_ON_SILENT_SITE``, a site that yielded articles before yields
none now) makes ``scrapy crawl`` exit with status 1.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.context import Run, crawl_context
from newscrawl.state import StateStore, is_redis_uri

logger = logging.getLogger(__name__)

DROP_PREFIX = "item_dropped_reasons_count/"
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


def build_summary(run: Run, stats: dict, reason: str, sites: list[str], silent: list[str]) -> dict:
    """The run summary: what a person or a monitoring job wants to know about one run."""
    return {
        "run": run.name, "start": run.started.isoformat(),
        "end": datetime.now(timezone.utc).isoformat(), "closeReason": reason,
        "failed": bool(run.failures), "sites": sites, "silentSites": silent,
        "published": stats.get("newscrawl/publish/records", 0), "batches": list(run.batches),
        "publishedBySite": published_by_site(stats),
        "skippedBeforeDownload": counts_under(stats, "newscrawl/incremental/skipped_published/"),
        "notModified": counts_under(stats, "newscrawl/incremental/not_modified/"),
        "drops": counts_under(stats, DROP_PREFIX), "duplicates": duplicates(stats),
        "errors": errors(stats, run), "stats": stats,
    }


def summary_lines(summary: dict) -> list[str]:
    """The one-screen form of a summary, for the log."""
    published = ", ".join(f"{site} {sum(by.values())} ({', '.join(f'{s} {n}' for s, n in by.items())})"
                          for site, by in summary["publishedBySite"].items()) or "nothing"
    errs = summary["errors"]
    return [
        f"run {summary['run']}: {summary['closeReason']}{' - FAILED' if summary['failed'] else ''}",
        f"  published {summary['published']} articles in {len(summary['batches'])} batches: {published}",
        f"  skipped before download: {sum(summary['skippedBeforeDownload'].values())}, "
        f"feeds/sitemaps not modified: {sum(summary['notModified'].values())}",
        "  dropped: " + (", ".join(f"{r} {n}" for r, n in summary["drops"].items()) or "none"),
        "  duplicates: " + ", ".join(f"{k} {n}" for k, n in summary["duplicates"].items()),
        f"  errors: {errs['logged']} logged, {sum(errs['download'].values())} downloads, "
        f"{sum(errs['spider'].values())} spider; silent sites: {', '.join(summary['silentSites']) or 'none'}",
        *(f"  failure: {message}" for message in errs["run"]),
    ]


class RunSummary:
    """Write ``<run name>.summary.json`` and log the run's one-screen summary at the end."""

    def __init__(self, crawler: Crawler, directory: Path, state: StateStore, fail_on_silent: bool,
                 check_silent: bool = True):
        self.crawler = crawler
        self.state = state
        self.fail_on_silent = fail_on_silent
        self.check_silent = check_silent
        self.path = directory / f"{crawl_context(crawler).run.name}.summary.json"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_SUMMARY_ENABLED"):
            raise NotConfigured("NEWSCRAWL_SUMMARY_ENABLED is off")
        directory = Path(settings.get("NEWSCRAWL_OUTPUT_DIR")) / crawler.spidercls.name
        # A distributed worker may rightly see none of a site's pages: only one process
        # knows whether a site went silent, so workers do not judge it.
        extension = cls(crawler, directory, crawl_context(crawler).state,
                        settings.getbool("NEWSCRAWL_FAIL_ON_SILENT_SITE"),
                        check_silent=not is_redis_uri(settings.get("NEWSCRAWL_STATE_URI")))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider, reason: str) -> None:
        run, stats = crawl_context(self.crawler).run, self.crawler.stats.get_stats()
        sites = sorted(crawl_context(self.crawler).sites)
        silent = self._silent_sites(sites, stats)
        summary = build_summary(run, stats, reason, sites, silent)
        for line in summary_lines(summary):
            logger.info("%s", line)
        self._write(summary)

    def _silent_sites(self, sites: list[str], stats: dict) -> list[str]:
        if not self.check_silent:
            return []
        quiet = set(sites) - active_sites(stats)
        silent = sorted(self.state.sites_with_articles(quiet)) if quiet else []
        if silent:
            message = f"sites that yielded articles before yield none now: {', '.join(silent)}"
            logger.error("%s", message)
            if self.fail_on_silent:
                crawl_context(self.crawler).run.fail(message)
        return silent

    def _write(self, summary: dict) -> None:
        """Write the summary under a temporary name and rename it, so it too appears whole."""
        temporary = self.path.with_name(f".{self.path.name}.part")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str))
            os.replace(temporary, self.path)
        except OSError as exc:
            logger.error("cannot write the run summary %s: %s", self.path, exc)
            return
        logger.info("run summary written to %s", self.path)

