"""``scrapy crawl`` that rejects a bad sites config or ``since`` with a clear message before any request."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.config import ConfigError, load_sites
from newscrawl.discovery_window import parse_since


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            if opts.spargs.get("sites"):
                load_sites(opts.spargs["sites"])
            if opts.spargs.get("since"):
                parse_since(opts.spargs["since"], datetime.now(timezone.utc))
        except (ConfigError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from exc
        super().run(args, opts)
