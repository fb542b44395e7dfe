"""What ``scrapy reextract`` and ``scrapy backfill`` share: run the archive spider like a crawl."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.archive.spider import ArchiveJob, ArchiveSpider
from newscrawl.archive.writer import WARC_SUFFIX
from newscrawl.config import ConfigError, Site, load_sites
from newscrawl.context import crawl_context
from newscrawl.urls import is_http_url


class ArchiveCommand(ScrapyCommand):
    """A command that publishes the records of archived pages through the crawl's pipelines."""

    requires_project = True

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--sites", metavar="FILE", help="the sites config (selectors, timezones, hosts)")

    def run_job(self, job: ArchiveJob) -> None:
        crawler = self.crawler_process.create_crawler(ArchiveSpider)
        self.crawler_process.crawl(crawler, job=job)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or crawl_context(crawler).run.failures:
            self.exitcode = 1


def sites_of(path: str | None) -> tuple[Site, ...]:
    if not path:
        return ()
    try:
        return tuple(load_sites(path))
    except ConfigError as exc:
        raise UsageError(str(exc), print_help=False) from exc


def warc_files(arguments: list[str], urls: bool) -> tuple[str, ...]:
    """The WARC files named: a directory stands for its finished ``*.warc.gz`` files."""
    files = []
    for argument in arguments:
        path = Path(argument)
        if urls and is_http_url(argument):
            files.append(argument)
        elif path.is_dir():
            files.extend(str(p) for p in sorted(path.glob(f"*{WARC_SUFFIX}")) if not p.name.startswith("."))
        elif path.is_file():
            files.append(argument)
        else:
            raise UsageError(f"{argument}: no such file or directory", print_help=False)
    if not files:
        raise UsageError("no WARC file to read", print_help=False)
    return tuple(files)
