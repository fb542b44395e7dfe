"""Peak memory of a crawl in which a fifth of the pages are hostile (issue 17).

``python -m benchmarks.hostile_memory [--pages 2000] [--corpus DIR]`` serves ``--pages`` pages
from :class:`HostileSite` (``python -m benchmarks.server --hostile``): every fifth one hostile,
one of :data:`SHAPES` in turn, the others real corpus pages as published, all listed in the
sitemap. The crawl is a real ``scrapy crawl news`` with the benchmark settings, fetching the
sitemap's pages only: the sites config denies the links the pages carry (the crawl benchmark
follows them; here they would add tens of thousands of 404s and nothing hostile). Memory is
sampled from ``/proc``: the crawl process's peak (VmHWM) and its page workers' peaks, which
hold the hostile pages while they are parsed; and their proportional set size (PSS, from
``/proc/PID/smaps_rollup``), beside RSS: RSS summed over the processes counts the library pages
they share once per process, PSS counts each once in all. ``python -m benchmarks --only hostile``
runs it too, with a target of 400 MB for the crawl and its workers together (RSS).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from benchmarks.crawl import REPO, Crawl, loopback_site, run_crawl
from benchmarks.site import HTML_TYPE, NOT_FOUND, Response, Site, Template

HOSTILE_EVERY = 5
HEAD = (b"<!DOCTYPE html><html><head><title>Hostile page</title></head><body><article>"
        b"<h1>Hostile page</h1>" + b"<p>The harbour authority said the ferry fares would stay.</p>" * 3)
MIB = 1024 * 1024
#: The hostile pages, each under the default DOWNLOAD_MAXSIZE (32 MiB), so extraction sees it whole.
SHAPES = {
    "text-node-30mb": lambda: HEAD + b"<p>" + b"word " * (6 * MIB) + b"</p></article>",
    "million-elements": lambda: HEAD + b"<p>w</p>" * 1_000_000 + b"</article>",
    "attributes-2x10mb": lambda: HEAD + (b'<div data-x="' + b"a" * (10 * MIB) + b'"></div>') * 2
    + b"</article>",
    "nesting-200k": lambda: HEAD + b"<div>" * 200_000 + b"<p>At the bottom.</p></article>",
}
_PAGE = re.compile(r"^/news/([a-z0-9-]+?)-(\d+)\.html$")
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
#: The sitemap's pages only: links the pages carry are denied (counted as denied/link).
SITES = """[[site]]
name = "hostile-bench"
domains = ["127.0.0.1"]
sitemaps = ["robots"]
start_urls = ["{base}/"]
deny_url_patterns = ['^http://[^/]+/(?!$|news/[a-z0-9-]+-\\d+\\.html$)']
"""


class HostileSite(Site):
    """``pages`` pages: page ``i`` at ``/news/<shape>-<i>.html`` when ``i % 5 == 4``, else corpus
    page ``i`` at ``/news/story-<i>.html``; robots.txt and the sitemap of :class:`benchmarks.site.Site`.

    >>> site = HostileSite([Template(b"<p>a cat sat</p>", "cat", "https://e.com/a")], 10, "http://h")
    >>> [site.page_path(i) for i in (0, 4, 9)]
    ['/news/story-0.html', '/news/text-node-30mb-4.html', '/news/million-elements-9.html']
    >>> [site.respond(f"/news/story-{i}.html") for i in (3, 4, 10)]  # doctest: +NORMALIZE_WHITESPACE
    [Response(status=200, content_type='text/html', body=b'<p>a cat 3 sat</p>'),
     Response(status=404, content_type='text/plain; charset=utf-8', body=b'not found\\n'),
     Response(status=404, content_type='text/plain; charset=utf-8', body=b'not found\\n')]
    >>> len(site.respond("/news/million-elements-9.html").body) > 8_000_000
    True
    """

    def __init__(self, templates: list[Template], pages: int, base_url: str):
        super().__init__(templates, pages, base_url)
        self._bodies: dict[str, bytes] = {}

    def page_path(self, number: int) -> str:
        if number % HOSTILE_EVERY != HOSTILE_EVERY - 1:
            return f"/news/story-{number}.html"
        shape = list(SHAPES)[number // HOSTILE_EVERY % len(SHAPES)]
        return f"/news/{shape}-{number}.html"

    def respond(self, target: str) -> Response:
        static = {"/": self._home, "/robots.txt": self._robots, "/sitemap.xml": self._sitemap}
        if target in static:
            return static[target]()
        match = _PAGE.match(target)
        number = int(match[2]) if match else self.pages
        if number >= self.pages or self.page_path(number) != target:
            return NOT_FOUND
        if match[1] == "story":
            return Response(200, HTML_TYPE, self.templates[number % len(self.templates)].render(number))
        return Response(200, HTML_TYPE, self._hostile(match[1]))

    def _hostile(self, shape: str) -> bytes:
        if shape not in self._bodies:
            self._bodies[shape] = SHAPES[shape]()
        return self._bodies[shape]

    def _home(self) -> Response:
        return Response(200, HTML_TYPE, b"<!DOCTYPE html><html><body><h1>Hostile bench</h1></body></html>")



def crawl_hostile(pages: int, corpus: Path, workdir: Path | None = None,
                  settings: dict[str, str] | None = None) -> Crawl:
    """A news crawl of a :class:`HostileSite` of ``pages`` pages, memory sampled; its log,
    output and state go to ``workdir`` (default: a temporary folder); ``settings`` are
    given to ``scrapy crawl`` as ``-s NAME=VALUE``."""
    with loopback_site(pages, corpus, hostile=True) as site, ExitStack() as stack:
        workdir = workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        workdir.mkdir(parents=True, exist_ok=True)
        sites = workdir / "sites.toml"
        sites.write_text(SITES.format(base=site.base_url), encoding="utf-8")
        return run_crawl("news", site, workdir, sites_file=sites, settings=settings)


def main(argv: list[str] | None = None) -> None:
    """Command line: crawl, then print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile_memory",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the crawl's log and output here")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the crawl, as scrapy crawl -s takes it")
    args = parser.parse_args(argv)
    settings = dict(item.split("=", 1) for item in args.set)
    crawl = crawl_hostile(args.pages, args.corpus.resolve(), args.keep, settings)
    stats = crawl.stats
    print(f"pages {args.pages} ({args.pages // HOSTILE_EVERY} hostile), responses {crawl.responses}, "
          f"records {stats.get('item_scraped_count', 0)}, over budget "
          f"{ {k.rsplit('/', 1)[1]: v for k, v in stats.items() if '/over_budget/' in k} }")
    print(f"crawl process peak RSS {crawl.peak_mb:.0f} MB; page workers' peaks, summed "
          f"{crawl.workers_peak_mb:.0f} MB; together {crawl.peak_mb + crawl.workers_peak_mb:.0f} MB; "
          f"highest sampled RSS of all at once {crawl.peak_total_mb:.0f} MB", file=sys.stdout)
    print(f"PSS (shared pages counted once): crawl process highest sampled {crawl.peak_pss_mb:.0f} MB; "
          f"highest sampled PSS of all at once {crawl.peak_total_pss_mb:.0f} MB", file=sys.stdout)


if __name__ == "__main__":
    main()
