"""``scrapy extract FILE_OR_URL``: print the article record of one page as JSON.

A URL is fetched as the crawl would fetch it (robots.txt obeyed); when no page comes
back (unreachable host, an HTTP error status, a URL robots.txt disallows) the command
says so in one line and exits with status 1. Mistakes in the arguments exit with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.http import Response
from twisted.python.failure import Failure

from newscrawl.archive.reader import Skipped, read_page_at
from newscrawl.commands import quiet_on_closed_pipe
from newscrawl.commands.checks import check_settings
from newscrawl.commands.usage import one_line_usage_errors
from newscrawl.config import ConfigError, Site, load_sites
from newscrawl.extraction import extract_article
from newscrawl.urls import is_http_url

FAILED_EXIT = 1


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

    @one_line_usage_errors
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if not (opts.loglevel or opts.nolog):  # stdout for the record, stderr for one line
            self.settings.set("LOG_LEVEL", "CRITICAL", priority="cmdline")
        if len(args) != 1:
            raise UsageError("give one file or URL, e.g. scrapy extract https://site/article",
                             print_help=False)
        if not is_http_url(args[0]) and not Path(args[0]).is_file():
            raise UsageError(f"{args[0]}: no such file, and not an http(s) URL", print_help=False)
        if opts.url and not is_http_url(opts.url):
            raise UsageError(f"--url {opts.url}: not an http(s) URL", print_help=False)
        opts.chosen_site = _chosen_site(opts.sites, opts.site)
        check_settings(self.settings)

    @one_line_usage_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        target = args[0]
        if is_http_url(target):
            self._fetch_and_print(target, opts.chosen_site)
            return
        path = Path(target)
        if opts.offset is not None:
            self._print_archived(path, opts.offset, opts.chosen_site)
            return
        _print_record(path.read_bytes(), opts.url or path.resolve().as_uri(), opts.chosen_site, None)

    def _fetch_and_print(self, url: str, site: Site | None) -> None:
        problems: list[str] = []

        def callback(response: Response) -> None:
            if response.status >= 400:
                problems.append(f"HTTP {response.status}")
                return
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            _print_record(response.body, response.url, site, content_type)

        def errback(failure: Failure) -> None:
            problems.append(fetch_problem(failure.value, crawler.stats.get_stats()))

        async def start(spider: scrapy.Spider):
            yield scrapy.Request(url, callback, errback=errback, dont_filter=True,
                                 meta={"handle_httpstatus_all": True})

        spidercls = type("ExtractSpider", (scrapy.Spider,), {"name": "extract", "start": start})
        crawler = self.crawler_process.create_crawler(spidercls)
        self.crawler_process.crawl(crawler)
        self.crawler_process.start()
        if problems or self.crawler_process.bootstrap_failed:
            sys.stderr.write(f"scrapy extract: {url}: {(problems or ['not fetched'])[0]}\n")
            self.exitcode = FAILED_EXIT

    def _print_archived(self, path: Path, offset: int, site: Site | None) -> None:
        page = read_page_at(str(path), offset, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if isinstance(page, Skipped):
            raise UsageError(f"{path} at offset {offset}: no page ({page.reason})", print_help=False)
        _print_record(page.body, page.url, site, page.content_type)


def fetch_problem(error: BaseException, stats: dict) -> str:
    """Why a page could not be fetched, in a few words.

    >>> fetch_problem(IgnoreRequest("Forbidden by robots.txt"), {})
    'disallowed by robots.txt'
    >>> fetch_problem(IgnoreRequest("Forbidden by robots.txt"), {"newscrawl/robots/unreachable": 1})
    'unreachable (its robots.txt could not be fetched)'
    >>> fetch_problem(ConnectionRefusedError("Connection refused"), {})
    'unreachable (ConnectionRefusedError: Connection refused)'
    """
    if isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
        if stats.get("newscrawl/robots/unreachable"):
            return "unreachable (its robots.txt could not be fetched)"
        return "disallowed by robots.txt"
    if isinstance(error, IgnoreRequest):
        return f"not fetched ({error})"
    return f"unreachable ({type(error).__name__}: {error})"




def _chosen_site(sites_file: str | None, name: str | None) -> Site | None:
    if not sites_file:
        if name:
            raise UsageError(f"--site {name}: give the sites config too (--sites FILE)",
                             print_help=False)
        return None
    try:
        sites = load_sites(sites_file)
    except ConfigError as exc:
        raise UsageError(str(exc), print_help=False) from exc
    chosen = [s for s in sites if name in (None, s.name)]
    if not chosen:
        raise UsageError(f"--site {name}: no such site in {sites_file}; its sites are: "
                         + ", ".join(s.name for s in sites), print_help=False)
    return chosen[0]


def _print_record(html: bytes, url: str, site: Site | None, content_type: str | None) -> None:
    record = extract_article(
        html, url,
        selectors=site.selectors if site else None,
        timezone=site.timezone if site else None,
        content_type=content_type,
    )
    with quiet_on_closed_pipe():
        json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
