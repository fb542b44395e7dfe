"""``scrapy crawl`` that rejects a bad sites config with a clear message before any request."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.config import ConfigError, load_sites


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        sites = opts.spargs.get("sites")
        if sites:
            try:
                load_sites(sites)
            except ConfigError as exc:
                raise UsageError(str(exc), print_help=False) from exc
        super().run(args, opts)
