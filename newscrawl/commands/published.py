"""``scrapy published DIR [--after BATCH]``: print what a crawl published, in publication order.

Records are printed as JSON lines; ``--batches`` prints the batch file names
instead, so a downstream job can remember the last one and pass it as
``--after`` next time (see :mod:`newscrawl.reader`). A reader that stops early
(``| head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.commands import quiet_on_closed_pipe
from newscrawl.commands.usage import one_line_usage_errors
from newscrawl.reader import batch_number, published_batches, read_published


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
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

    @one_line_usage_errors
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            raise UsageError("give one directory of published batches, e.g. output/news",
                             print_help=False)
        if not Path(args[0]).is_dir():
            raise UsageError(f"{args[0]}: no such directory; give the folder of published "
                             "batches, e.g. output/news", print_help=False)
        if opts.after and batch_number(Path(opts.after).name) is None:
            raise UsageError(f"--after {opts.after}: not the name of a published batch "
                             "(e.g. 20261127T080000Z-ab12cd34-000001.jsonl)", print_help=False)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        with quiet_on_closed_pipe():
            if opts.batches:
                for path in published_batches(args[0], opts.after):
                    sys.stdout.write(path.name + "\n")
                return
            for published in read_published(args[0], opts.after):
                sys.stdout.write(json.dumps(published.record, ensure_ascii=False) + "\n")
