"""``scrapy published DIR [--after BATCH]``: print what a crawl published, in publication order.

Records are printed as JSON lines; ``--batches`` prints the batch file names
instead, so a downstream job can remember the last one and pass it as
``--after`` next time (see :mod:`newscrawl.reader`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.reader import batch_number, published_batches, read_published


class Command(ScrapyCommand):
    requires_project = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] <directory>"

    def short_desc(self) -> str:
        return "Print the records published in a directory (e.g. output/news), oldest batch first"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--after", metavar="BATCH",
                            help="only batches published after this batch file name")
        parser.add_argument("--batches", action="store_true",
                            help="print the batch file names, not the records")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or not Path(args[0]).is_dir():
            raise UsageError("give one directory of published batches, e.g. output/news")
        if opts.after and batch_number(Path(opts.after).name) is None:
            raise UsageError(f"--after {opts.after}: not the name of a published batch",
                             print_help=False)
        if opts.batches:
            for path in published_batches(args[0], opts.after):
                print(path.name)
            return
        for published in read_published(args[0], opts.after):
            sys.stdout.write(json.dumps(published.record, ensure_ascii=False) + "\n")
