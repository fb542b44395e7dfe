"""``scrapy crawl`` for newscrawl: a bad sites config or ``since`` is a usage error before
any request, and a run that failed (a batch that could not be published, a silent site
with ``NEWSCRAWL_FAIL_ON_SILENT_SITE``) exits with status 1."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.config import ConfigError, load_sites
from newscrawl.discovery.window import parse_since
from newscrawl.context import crawl_context


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name, e.g. scrapy crawl news -a sites=FILE")
        _check_spider_arguments(opts.spargs)
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or crawl_context(crawler).run.failures:
            self.exitcode = 1


def _check_spider_arguments(spargs: dict) -> None:
    try:
        if spargs.get("sites"):
            load_sites(spargs["sites"])
        if spargs.get("since"):
            parse_since(spargs["since"], datetime.now(timezone.utc))
    except (ConfigError, ValueError) as exc:
        raise UsageError(str(exc), print_help=False) from exc
