"""Run the benchmarks and print machine info and one table of figures, ratios and targets.

``python -m benchmarks [--quick] [--only extraction,crawl,memory,hostile,state] [--markdown]
[--json FILE] [--readme] [--corpus DIR]``, from the repository root. Each baseline is
measured in the same run as the figure it is compared with.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.corpus import load_pages
from benchmarks.crawl import REPO, Crawl, loopback_site, run_crawl
from benchmarks.machine import machine_info
from benchmarks.report import Figure, Target, machine_lines, markdown_table, plain_table

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
README = Path(__file__).with_name("README.md")
RESULTS_START, RESULTS_END = "<!-- results:start -->", "<!-- results:end -->"
BENCHMARKS = ("extraction", "crawl", "memory", "hostile", "state")
SERVER_CHECK_SECONDS = 3.0
# Page worker processes of the news crawls, and the share of raw Scrapy's rate each must reach.
CRAWL_PROCESSES = (1, 2)
CRAWL_TARGETS = {1: 0.5, 2: 0.75}
CRAWL_DISCOVERIES = {"sitemap + links (DEPTH_LIMIT 3)": {}}


@dataclass(frozen=True)
class Sizes:
    """How much each benchmark does; ``--quick`` shrinks all of them."""

    rounds: int = 3
    crawl_articles: int = 1_579  # the whole corpus once
    memory_articles: int = 20_000
    memory_checkpoint: int = 5_000
    hostile_pages: int = 2_000
    state_articles: int = 1_000_000
    state_budget_seconds: float = 480.0


QUICK = Sizes(rounds=1, crawl_articles=200, memory_articles=2_000, memory_checkpoint=500,
              hostile_pages=200, state_articles=5_000, state_budget_seconds=20.0)


def extraction_figures(corpus: Path, sizes: Sizes) -> list[Figure]:
    """extract_article's median ms/page against trafilatura's, on every corpus page."""
    from benchmarks.extraction import measure_extraction

    times = measure_extraction(load_pages(corpus), sizes.rounds)
    label = f"median ms/page, {times.pages} pages x {times.rounds} rounds"
    return [
        Figure("extraction", label, times.newscrawl_median, "ms", times.trafilatura_median,
               "trafilatura", Target("ratio", "<=", 0.5)),
        Figure("extraction", "mean ms/page", statistics.fmean(times.newscrawl_ms), "ms",
               statistics.fmean(times.trafilatura_ms), "trafilatura"),
    ]


def crawl_figures(corpus: Path, sizes: Sizes) -> list[Figure]:
    """The news crawl's pages/s against raw Scrapy's on the same site and discovery.

    With the project's ``DEPTH_LIMIT`` (3) both follow the pages' same-host links, most of
    which the server answers 404, as for pages it does not have.
    """
    from benchmarks.server import measure_throughput

    figures, server = [], None
    for name, settings in CRAWL_DISCOVERIES.items():
        pages = sizes.crawl_articles
        with loopback_site(pages, corpus) as site, _workdir() as workdir:
            server = server or measure_throughput(site.base_url, site.article_paths(),
                                                  SERVER_CHECK_SECONDS)
            figures += _discovery_figures(site, workdir, f"{name}, {pages:,} corpus pages", settings)
    raw_rate = figures[0].value
    return [Figure("crawl", "loopback server alone, pages/s", server, "/s", raw_rate,
                   "raw Scrapy", Target("ratio", ">=", 3)), *figures]


def _discovery_figures(site, workdir: Path, label: str, settings: dict[str, str]) -> list[Figure]:
    """raw Scrapy, then the news crawl with each number of page processes, on one discovery."""
    raw = run_crawl("raw", site, workdir / "raw", settings=settings)
    figures = [
        Figure("crawl", f"raw Scrapy, {label}, responses/s", raw.pages_per_second, "/s"),
        Figure("crawl", f"raw Scrapy, {label}: 404 responses / responses", _not_found(raw), "",
               raw.responses),
    ]
    for processes in CRAWL_PROCESSES:
        full = run_crawl("news", site, workdir / f"news-{processes}",
                         settings={**settings, "NEWSCRAWL_EXTRACT_PROCESSES": str(processes)})
        crawl = f"scrapy crawl news, {processes} page process{'es' if processes > 1 else ''}"
        figures += [
            Figure("crawl", f"{crawl}, {label}, responses/s", full.pages_per_second, "/s",
                   raw.pages_per_second, "raw Scrapy", Target("ratio", ">=", CRAWL_TARGETS[processes])),
            Figure("crawl", f"{crawl}: records published / responses", _published(full), "",
                   full.responses),
        ]
    return figures


def memory_figures(corpus: Path, sizes: Sizes) -> list[Figure]:
    """Peak RSS of a full-pipeline crawl, and its growth from the checkpoint to the end."""
    with loopback_site(sizes.memory_articles, corpus) as site, _workdir() as workdir:
        crawl = run_crawl("news", site, workdir / "news")
    early, late = crawl.peak_mb_at(sizes.memory_checkpoint), crawl.peak_mb
    pages = f"{sizes.memory_articles:,} corpus pages"
    return [
        Figure("memory", f"peak RSS of the crawl process, {pages}", late, "MB",
               target=Target("value", "<=", 250)),
        Figure("memory", f"peak RSS growth, {sizes.memory_checkpoint:,} -> "
               f"{sizes.memory_articles:,} pages", late, "MB", early,
               f"at {sizes.memory_checkpoint:,}", Target("ratio", "<=", 1.10)),
        Figure("memory", f"peak RSS with its page workers, {pages}", crawl.peak_total_mb, "MB",
               crawl.peak_total_mb_at(sizes.memory_checkpoint), f"at {sizes.memory_checkpoint:,}"),
        Figure("memory", "crawl rate over the whole run", crawl.pages_per_second, "/s"),
        Figure("memory", "responses", crawl.responses, ""),
    ]


def hostile_figures(corpus: Path, sizes: Sizes) -> list[Figure]:
    """Peak RSS of a crawl whose every fifth page is hostile, and of its page workers."""
    from benchmarks.hostile_memory import HOSTILE_EVERY, crawl_hostile

    crawl = crawl_hostile(sizes.hostile_pages, corpus)
    pages = f"{sizes.hostile_pages:,} pages, {sizes.hostile_pages // HOSTILE_EVERY:,} hostile"
    over_budget = sum(v for k, v in crawl.stats.items() if k.startswith("newscrawl/extraction/over_budget/"))
    return [
        Figure("hostile", f"peak RSS of the crawl process, {pages}", crawl.peak_mb, "MB",
               target=Target("value", "<=", 400)),
        Figure("hostile", "peak RSS of each page worker, summed", crawl.workers_peak_mb, "MB"),
        Figure("hostile", "crawl process and page workers: highest RSS sampled at once",
               crawl.peak_total_mb, "MB"),
        Figure("hostile", "pages over the extraction budget", over_budget, ""),
        Figure("hostile", "records published", crawl.stats.get("item_scraped_count", 0), ""),
        Figure("hostile", "crawl rate over the whole run", crawl.pages_per_second, "/s"),
    ]


def state_figures(corpus: Path, sizes: Sizes) -> list[Figure]:
    """The SQLite state store filled with published articles: write and query speed, size."""
    from benchmarks.state_store import measure_state

    state = measure_state(sizes.state_articles, sizes.state_budget_seconds)
    at = f"at {state.articles:,}"
    return [
        Figure("state", f"articles stored within {sizes.state_budget_seconds:g} s", state.articles,
               "", target=Target("value", ">=", sizes.state_articles)),
        Figure("state", "inserts/s (batches of a run), whole fill", state.inserts_per_second, "/s"),
        Figure("state", "inserts/s, last batch", state.last_batch_inserts_per_second, "/s"),
        Figure("state", f"lookups/s by URL key, one a call, {at}", state.lookups_per_second,
               "/s", target=Target("value", ">=", 50_000)),
        Figure("state", f"fingerprint lookups/s, {at}", state.fingerprint_lookups_per_second, "/s"),
        Figure("state", f"near-duplicate query median, {at}", state.near_duplicate_median_ms, "ms"),
        Figure("state", f"near-duplicate query p99, {at}", state.near_duplicate_p99_ms, "ms",
               target=Target("value", "<=", 5)),
        Figure("state", f"file size, {at}", state.file_mb, "MB"),
    ]


RUNNERS: dict[str, Callable[[Path, Sizes], list[Figure]]] = {
    "extraction": extraction_figures, "crawl": crawl_figures,
    "memory": memory_figures, "hostile": hostile_figures, "state": state_figures,
}


def _not_found(crawl: Crawl) -> float:
    return float(crawl.stats.get("downloader/response_status_count/404", 0))


def _published(crawl: Crawl) -> float:
    return float(crawl.stats.get("item_scraped_count", 0))


@contextmanager
def _workdir() -> Iterator[Path]:
    """A temporary folder for a crawl's output, state and logs."""
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as path:
        yield Path(path)


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--only", type=_benchmark_list, default=list(BENCHMARKS),
                        metavar="LIST", help=f"comma-separated, of: {','.join(BENCHMARKS)}")
    parser.add_argument("--articles", type=int, metavar="N",
                        help="corpus pages of the crawl benchmark's site when links are followed "
                             "(default 1,579: the corpus once)")
    parser.add_argument("--memory-articles", type=int, metavar="N",
                        help="articles of the memory crawl (default 20,000; checkpoint at 1/4)")
    parser.add_argument("--hostile-pages", type=int, metavar="N",
                        help="pages of the hostile crawl, a fifth of them hostile (default 2,000)")
    parser.add_argument("--state-articles", type=int, metavar="N",
                        help="articles to fill the state store with (default 1,000,000)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of corpus sets (default: ../shared/corpus)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write all figures here")
    parser.add_argument("--readme", action="store_true",
                        help="also write the results into benchmarks/README.md")
    return parser


def chosen_sizes(args: argparse.Namespace) -> Sizes:
    """The default or ``--quick`` sizes, with the sizes given on the command line."""
    sizes = QUICK if args.quick else Sizes()
    if args.articles:
        sizes = replace(sizes, crawl_articles=args.articles)
    if args.memory_articles:
        sizes = replace(sizes, memory_articles=args.memory_articles,
                        memory_checkpoint=args.memory_articles // 4)
    if args.hostile_pages:
        sizes = replace(sizes, hostile_pages=args.hostile_pages)
    if args.state_articles:
        sizes = replace(sizes, state_articles=args.state_articles)
    return sizes


def _benchmark_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {','.join(BENCHMARKS)}; got {value!r}")
    return [name for name in BENCHMARKS if name in names]


def run(names: list[str], corpus: Path, sizes: Sizes) -> list[Figure]:
    """Run the named benchmarks in order, reporting progress on stderr."""
    figures = []
    for name in names:
        start = time.monotonic()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures += RUNNERS[name](corpus, sizes)
        print(f"  {name} took {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
    return figures


def render(info: dict[str, str], figures: list[Figure], command: str, markdown: bool) -> str:
    """Machine info, the command and the table."""
    table = markdown_table(figures) if markdown else plain_table(figures)
    code = f"`{command}`" if markdown else command
    return f"{machine_lines(info, markdown)}\n\ncommand: {code}\n\n{table}\n"


def write_readme(results: str) -> None:
    """Replace the results block of benchmarks/README.md."""
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(RESULTS_START)
    _, _, tail = rest.partition(RESULTS_END)
    README.write_text(f"{head}{RESULTS_START}\n{results}{RESULTS_END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks``; exit status 0 whether or not targets are met."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not any(args.corpus.glob("*/truth.jsonl")):
        parser.error(f"{args.corpus}: no corpus sets (folders with truth.jsonl); use --corpus")
    command = " ".join(["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])])
    info = machine_info()
    figures = run(args.only, args.corpus.resolve(), chosen_sizes(args))
    print(render(info, figures, command, args.markdown))
    if args.readme:
        write_readme(render(info, figures, command, markdown=True))
    if args.json:
        data = {"machine": info, "command": command, "figures": [f.to_json() for f in figures]}
        args.json.write_text(json.dumps(data, indent=2))
    return 0
