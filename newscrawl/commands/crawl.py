"""``scrapy crawl`` for newscrawl: every usage mistake (spider arguments, the sites config,
``since``, NEWSCRAWL_* settings) is one line and exit status 2 before the crawler starts;
an output folder that cannot be written or is in use, or a state store that does not
open, is one line and exit status 1; and so is a run that did not do its job (the run
summary's ``reasons``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime, timezone

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    UsageError,
)
from scrapy.spiderloader import get_spider_loader

from newscrawl.commands.checks import check_settings, check_spider_arguments
from newscrawl.commands.preflight import preflight_problem
from newscrawl.commands.usage import one_line_usage_errors
from newscrawl.config import ConfigError, load_sites
from newscrawl.discovery.window import parse_since
from newscrawl.context import crawl_context
from newscrawl.pipelines.publish import PublishError
from newscrawl.state import StateError

logger = logging.getLogger(__name__)
FAILED_EXIT = 1
NETWORK_ERRORS = (DownloadConnectionRefusedError, CannotResolveHostError, DownloadTimeoutError,
                  DownloadFailedError, ResponseDataLossError, ConnectionError, TimeoutError)
#: Where Scrapy logs failed downloads with their traceback.
NETWORK_ERROR_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")

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
        problem = preflight_problem(self.settings, args[0])
        if problem:
            logger.error("%s", problem)
            self.exitcode = FAILED_EXIT
            return
        for name in NETWORK_ERROR_LOGGERS:
            logging.getLogger(name).addFilter(one_line_network_errors)
        crawler = self.crawler_process.create_crawler(args[0])
        task = self.crawler_process.crawl(crawler, **opts.spargs)
        if isinstance(task, asyncio.Future):
            task.add_done_callback(_log_start_failure)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or crawl_context(crawler).run.failures:
            self.exitcode = FAILED_EXIT


def one_line_network_errors(record: logging.LogRecord) -> bool:
    """Keep a failed download's log line, without the traceback of a network error (a
    host that refuses, times out or does not resolve is news, not a bug)."""
    if record.exc_info and isinstance(record.exc_info[1], NETWORK_ERRORS):
        record.exc_info, record.exc_text = None, None
    return True


def _log_start_failure(task: asyncio.Future) -> None:
    """A crawl that could not start: one line for the failures newscrawl names (the store,
    the output folder), the traceback for anything else."""
    error = None if task.cancelled() else task.exception()
    if isinstance(error, (PublishError, StateError)):
        logger.error("the crawl could not start: %s", error)
    elif error is not None:
        logger.error("the crawl could not start", exc_info=error)


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
