"""Where the time goes: cProfile of ``extract_article`` over the corpus, or of a full crawl.

``python -m benchmarks.profile extraction [--top 15]`` profiles every corpus page once;
``python -m benchmarks.profile crawl [--articles 1000]`` runs ``scrapy crawl news`` under
cProfile against the generated site. Both print the top functions by cumulative and by own
time, and keep the ``.prof`` file (``--out``) for snakeviz or ``pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from pathlib import Path

from benchmarks.corpus import load_pages
from benchmarks.crawl import loopback_site, run_crawl
from benchmarks.extraction import newscrawl_call
from benchmarks.run import DEFAULT_CORPUS


def profile_extraction(corpus: Path, out: Path) -> None:
    """Profile one ``extract_article`` call per corpus page."""
    pages = load_pages(corpus)
    newscrawl_call(pages[0])  # imports and first-call set-up stay out of the profile
    profiler = cProfile.Profile()
    profiler.enable()
    for page in pages:
        newscrawl_call(page)
    profiler.disable()
    profiler.dump_stats(out)


def profile_crawl(corpus: Path, articles: int, out: Path) -> None:
    """Profile a ``scrapy crawl news`` subprocess over a site of ``articles`` articles."""
    with loopback_site(articles, corpus) as site, tempfile.TemporaryDirectory() as tmp:
        run_crawl("news", site, Path(tmp), profile=out)


def print_top(path: Path, top: int) -> None:
    """The top functions by cumulative time, then by own time."""
    for order in ("cumulative", "tottime"):
        print(f"== top {top} by {order} ==")
        pstats.Stats(str(path)).strip_dirs().sort_stats(order).print_stats(top)


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("target", choices=("extraction", "crawl"))
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=1000, help="crawl: articles on the site")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--out", type=Path, help="where to keep the profile (default: a temp file)")
    args = parser.parse_args(argv)
    out = (args.out or Path(tempfile.mkdtemp()) / f"{args.target}.prof").resolve()
    if args.target == "extraction":
        profile_extraction(args.corpus, out)
    else:
        profile_crawl(args.corpus, args.articles, out)
    print_top(out, args.top)
    print(f"profile kept in {out}")


if __name__ == "__main__":
    main()
