"""``scrapy extract FILE_OR_URL``: print the article record of one page as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import Response

from newscrawl.archive.reader import Skipped, read_page_at
from newscrawl.config import ConfigError, Site, load_sites
from newscrawl.extraction import extract_article
from newscrawl.urls import is_http_url


class Command(ScrapyCommand):
    requires_project = False

    def syntax(self) -> str:
        return "[options] <file_or_url>"

    def short_desc(self) -> str:
        return "Print the article record of one page (a saved file or a URL) as JSON"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the page's URL, for a saved file")
        parser.add_argument("--sites", help="sites config whose selectors and timezone apply")
        parser.add_argument("--site", help="name of the site in --sites (default: the first)")
        parser.add_argument("--offset", type=int, metavar="N",
                            help="read the page from a WARC file, at this record offset "
                                 "(metadata.archive.offset of a record)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if not (opts.loglevel or opts.nolog):  # keep stdout/stderr for the record
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one file or URL")
        site = _chosen_site(opts.sites, opts.site)
        target = args[0]
        if is_http_url(target):
            self._fetch_and_print(target, site)
        else:
            path = Path(target)
            if not path.is_file():
                raise UsageError(f"{target}: no such file", print_help=False)
            if opts.offset is not None:
                self._print_archived(path, opts.offset, site)
                return
            _print_record(path.read_bytes(), opts.url or path.resolve().as_uri(), site, None)

    def _fetch_and_print(self, url: str, site: Site | None) -> None:
        def callback(response: Response) -> None:
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            _print_record(response.body, response.url, site, content_type)

        async def start(spider: scrapy.Spider):
            yield scrapy.Request(url, callback, dont_filter=True)

        spidercls = type("ExtractSpider", (scrapy.Spider,), {"name": "extract", "start": start})
        self.crawler_process.crawl(spidercls)
        self.crawler_process.start()


    def _print_archived(self, path: Path, offset: int, site: Site | None) -> None:
        page = read_page_at(str(path), offset, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if isinstance(page, Skipped):
            raise UsageError(f"{path} at offset {offset}: no page ({page.reason})", print_help=False)
        _print_record(page.body, page.url, site, page.content_type)


def _chosen_site(sites_file: str | None, name: str | None) -> Site | None:
    if not sites_file:
        return None
    try:
        sites = load_sites(sites_file)
    except ConfigError as exc:
        raise UsageError(str(exc), print_help=False) from exc
    chosen = [s for s in sites if name in (None, s.name)]
    if not chosen:
        raise UsageError(f"{sites_file}: no site named {name!r}", print_help=False)
    return chosen[0]


def _print_record(html: bytes, url: str, site: Site | None, content_type: str | None) -> None:
    record = extract_article(
        html, url,
        selectors=site.selectors if site else None,
        timezone=site.timezone if site else None,
        content_type=content_type,
    )
    json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
