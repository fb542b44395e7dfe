"""Where a crawl's CPU time goes, per component: ``scrapy crawl news`` under py-spy.

``python -m benchmarks.components [--articles 1579] [--processes 2] [--rate 100]`` serves the
benchmark site, runs the crawl under ``py-spy record --subprocesses`` (the page workers are
sampled too), and sorts every sample of a running thread into a component by the frames of
its stack (the first rule that matches wins; py-spy files the workers' stacks, which run
under ``_process_worker``, with the crawl's process). Each component's CPU milliseconds are divided
by the responses the crawl received and by the corpus pages it fetched. Idle time (threads
waiting) is not sampled. Needs ``pip install py-spy``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.crawl import loopback_site, run_crawl
from benchmarks.run import DEFAULT_CORPUS

# (component, frame pattern), for samples of the page worker processes and of the crawl's.
WORKER_RULES = (
    ("worker: parse", "parse_document"),
    ("worker: link extraction", "page_links"),
    ("worker: extraction (metadata, body, page type)", "_record_with_hints|extract_page"),
    ("worker: link filter and keys", r"_followed|PageHandler\.__call__"),
    ("worker: receiving and sending pages", ""),
)
CRAWL_RULES = (
    ("logging", r"/logging/|logformatter"),
    ("state lookups", "known_keys|SkipPublished"),
    ("pipelines (validate, dedupe, publish)", "/pipelines/"),
    ("spider (requests, counts)", "spiders/news.py"),
    ("page pool (to and from workers)", r"spiders/pool.py|concurrent/futures|multiprocessing"),
    ("scheduler and dupefilter", r"scheduler|disk_queue|queuelib|dupefilter"),
    ("downloader middlewares", r"downloadermiddlewares|newscrawl/middlewares"),
    ("spider middlewares", "spidermiddlewares"),
    ("HTTP", r"core/downloader|twisted/web|http11|webclient"),
    ("engine and scraper", r"core/scraper|core/engine"),
    ("reactor and other", ""),
)
_SAMPLE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")
# A thread blocked in one of these (py-spy does not always tell it from running) is idle.
IDLE = "idle (waiting; not counted)"
_IDLE = re.compile(r"^(?:[\w.]*\.)?(?:select|wait|poll|sleep|acquire|_exit_without_parent)\b"
                   r"|spawn_main|^process \d+:")


def component(stack: str) -> str:
    """The component one sampled stack (py-spy's raw format, root first) belongs to.

    >>> component('process 7:"python";_process_worker (concurrent/futures/process.py:1);parse_document (d.py:2)')
    'worker: parse'
    >>> component('process 6:"python";_ExecutorManagerThread.run (p.py:1);_PollLikeSelector.select (s.py:2)')
    'idle (waiting; not counted)'
    >>> component('process 6:"python -m scrapy crawl news";_link_requests (newscrawl/spiders/news.py:9);known_keys (s.py:3)')
    'state lookups'
    """
    if _IDLE.search(stack.rsplit(";", 1)[-1]):
        return IDLE
    rules = WORKER_RULES if "_process_worker" in stack else CRAWL_RULES
    return next(name for name, pattern in rules if re.search(pattern, stack))


def components(raw: str) -> Counter:
    """Samples per component in py-spy's raw (folded) output."""
    counts = Counter()
    for line in raw.splitlines():
        if match := _SAMPLE.match(line):
            counts[component(match["stack"])] += int(match["count"])
    return counts


def main(argv: list[str] | None = None) -> None:
    """Command line: profile one crawl, print ms per response and per corpus page."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.components", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=1579, help="corpus pages on the site")
    parser.add_argument("--processes", type=int, default=2, help="NEWSCRAWL_EXTRACT_PROCESSES")
    parser.add_argument("--rate", type=int, default=100, help="samples per second")
    parser.add_argument("--keep", type=Path, help="copy py-spy's raw samples here")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    with loopback_site(args.articles, args.corpus) as site, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "samples.txt"
        wrapper = [py_spy, "record", "--subprocesses", "--format", "raw", "--rate", str(args.rate),
                   "--output", str(out), "--"]
        crawl = run_crawl("news", site, Path(tmp) / "crawl", wrapper=wrapper,
                          settings={"NEWSCRAWL_EXTRACT_PROCESSES": str(args.processes)})
        counts = components(out.read_text(errors="replace"))
        if args.keep:
            shutil.copy(out, args.keep)
    pages = int(crawl.stats.get("downloader/response_status_count/200", 0))
    ms_per_sample = 1000 / args.rate
    print(f"{crawl.responses:,} responses, {pages:,} of them 200 (corpus pages, robots.txt, "
          f"sitemap, home); {args.processes} page processes")
    print("| component | ms per response | ms per 200 page | share |\n| --- | ---: | ---: | ---: |")
    idle = counts.pop(IDLE, 0)
    total = sum(counts.values())
    print(f"(idle samples left out: {idle:,})")
    for name, samples in counts.most_common():
        ms = samples * ms_per_sample
        print(f"| {name} | {ms / crawl.responses:.2f} | {ms / max(pages, 1):.1f} | "
              f"{samples / total:.0%} |")
    print(f"| all | {total * ms_per_sample / crawl.responses:.2f} | "
          f"{total * ms_per_sample / max(pages, 1):.1f} | 100% |")


if __name__ == "__main__":
    main()
