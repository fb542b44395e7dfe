"""``scrapy backfill --sites FILE [--since WHEN] [--until WHEN] WARC...``: publish news from WARC files.

Reads WARC files (local paths or http(s) URLs, streamed), such as Common Crawl's
CC-NEWS, keeps the responses whose host belongs to a site of the sites config
and whose ``WARC-Date`` lies in ``[since, until)``, and sends them through the
crawl's extraction and item pipelines: what a crawl published is not published
again, and near-duplicates are marked or dropped as in a crawl.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from scrapy.exceptions import UsageError

from newscrawl.archive.command import ArchiveCommand, sites_of, warc_files
from newscrawl.archive.spider import ArchiveJob
from newscrawl.discovery import parse_since


class Command(ArchiveCommand):
    def syntax(self) -> str:
        return "--sites FILE [--since WHEN] [--until WHEN] <warc_path_or_url>..."

    def short_desc(self) -> str:
        return "Publish the articles of the configured sites found in WARC files (CC-NEWS)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--since", metavar="WHEN", help="keep pages fetched at or after (2026-11-01, 48h)")
        parser.add_argument("--until", metavar="WHEN", help="keep pages fetched before (2026-12-01, 24h)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args or not opts.sites:
            raise UsageError("give --sites FILE and one or more WARC files or URLs")
        sites = sites_of(opts.sites)
        since, until = _moment(opts.since, "since"), _moment(opts.until, "until")
        self.run_job(ArchiveJob(warc_files(args, urls=True), sites, backfill=True, since=since, until=until))


def _moment(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    try:
        return parse_since(value, datetime.now(timezone.utc))
    except ValueError as exc:
        raise UsageError(f"--{option}: {exc}", print_help=False) from exc
