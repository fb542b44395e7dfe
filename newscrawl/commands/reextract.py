"""``scrapy reextract DIR_OR_WARC...``: extract archived pages again and publish what changed.

Today's extraction runs over the pages a crawl archived (``NEWSCRAWL_ARCHIVE``),
with no network, through the crawl's item pipelines; an article whose record
fields changed is published again as a new version (same ``id``,
``metadata.version`` + 1), exactly once; an unchanged one is dropped as
``Unchanged``; one never published before (extraction now finds an article
where it did not) is published as version 1.
"""

from __future__ import annotations

import argparse

from scrapy.exceptions import UsageError

from newscrawl.archive.command import ArchiveCommand, sites_of, warc_files
from newscrawl.archive.spider import ArchiveJob

DEDUPE = "newscrawl.pipelines.dedupe.DedupePipeline"
REEXTRACT_DEDUPE = "newscrawl.archive.versions.ReextractDedupePipeline"


class Command(ArchiveCommand):
    def syntax(self) -> str:
        return "[options] <archive_dir_or_warc>..."

    def short_desc(self) -> str:
        return "Extract archived pages again and publish the articles whose records changed"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        pipelines = self.settings.getdict("ITEM_PIPELINES")
        order = pipelines.pop(DEDUPE, None)
        if order is None:
            raise UsageError(f"ITEM_PIPELINES has no {DEDUPE} to replace", print_help=False)
        self.settings.set("ITEM_PIPELINES", {**pipelines, DEDUPE: None, REEXTRACT_DEDUPE: order},
                          priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give the archive directory or WARC files to re-extract")
        self.run_job(ArchiveJob(warc_files(args, urls=False), sites_of(opts.sites)))
