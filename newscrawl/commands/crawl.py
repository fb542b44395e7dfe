"""``scrapy crawl`` for newscrawl: every usage mistake (spider arguments, the sites config,
``since``, NEWSCRAWL_* settings) is one line and exit status 2 before the crawler starts,
and a run that did not do its job (see the run summary's ``reasons``) exits with status 1."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from newscrawl.commands.checks import check_settings, check_spider_arguments, one_line_usage_errors
from newscrawl.config import ConfigError, load_sites
from newscrawl.discovery.window import parse_since
from newscrawl.run import crawler_run

#: Spider arguments without which a spider cannot run, and what they want.
REQUIRED_ARGUMENTS = {"news": {"sites": "a sites config FILE, e.g. -a sites=sites.toml "
                                        "(sites.example.toml shows the format)"}}


class Command(ScrapyCrawlCommand):
    @one_line_usage_errors
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            raise UsageError("give one spider name, e.g. scrapy crawl news -a sites=FILE",
                             print_help=False)
        spidercls = _spider_class(self.settings, args[0])
        check_spider_arguments(spidercls, opts.spargs, REQUIRED_ARGUMENTS.get(spidercls.name, {}))
        _check_spider_values(opts.spargs)
        check_settings(self.settings)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or crawler_run(crawler).failures:
            self.exitcode = 1


def _spider_class(settings, name: str) -> type:
    loader = get_spider_loader(settings)
    try:
        return loader.load(name)
    except KeyError:
        raise UsageError(f"unknown spider {name!r}; the spiders are: "
                         + ", ".join(sorted(loader.list())), print_help=False) from None


def _check_spider_values(spargs: dict) -> None:
    try:
        if spargs.get("sites"):
            load_sites(spargs["sites"])
        if spargs.get("since"):
            parse_since(spargs["since"], datetime.now(timezone.utc))
    except (ConfigError, ValueError) as exc:
        raise UsageError(str(exc), print_help=False) from exc
