"""Peak memory and time of ``extract_article`` on one hostile page of each shape.

``python -m benchmarks.page_budget [--shape NAME ...]`` extracts each shape in a child process of
its own and prints one line per shape: the page's size, the peak resident memory of the extraction
less what the process held before it (Linux's ``VmHWM``, reset once the page is built), the
extraction's wall-clock and CPU time, the body's word count and the limits the record says were
hit (``metadata.overBudget``, empty when none). Wall-clock time varies with the machine's load,
CPU time much less; compare the figures of one run, or of runs close together.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARAGRAPH = b"<p>" + b"The harbour authority said the ferry fares would stay the same all winter. " * 4 + b"</p>"
ARTICLE_HEAD = b"<html><head><title>Hostile</title></head><body><article><h1>Hostile</h1>" + PARAGRAPH * 3

#: Each shape: Python source of an expression giving the page's bytes (so no page is built twice).
SHAPES = {
    "text-node-50MB": "HEAD + b'<p>' + b'word ' * (10 * 1024 * 1024) + b'</p></article>'",
    "million-elements": "HEAD + b'<p>w</p>' * 1_000_000 + b'</article>'",
    "attribute-10MB": "HEAD + b'<div data-x=\"' + b'a' * (10 * 1024 * 1024) + b'\">' + PARA + b'</div></article>'",
    "attributes-10x10MB": "HEAD + b''.join(b'<div data-x=\"' + b'a' * (10 * 1024 * 1024) + b'\"></div>' for _ in range(10)) + b'</article>'",
    "nesting-200k": "HEAD + b'<div>' * 200_000 + PARA + b'</article>'",
    "nesting-mixed-50k": "HEAD + b'<div><span>x</span>' * 50_000 + PARA + b'</article>'",
}

_CHILD = """
import json, sys, time
from benchmarks.page_budget import ARTICLE_HEAD as HEAD, PARAGRAPH as PARA, memory_kib
from newscrawl import extract_article
page = {shape}
with open("/proc/self/clear_refs", "w") as reset:
    reset.write("5")  # the peak (VmHWM) starts again from here, without what building the page took
before = memory_kib("VmRSS")
start, cpu = time.perf_counter(), time.process_time()
record = extract_article(page, "https://hostile.example/2026/11/page.html")
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({{"bytes": len(page), "peak_mib": (memory_kib("VmHWM") - before) / 1024, "seconds": seconds,
                  "cpu": cpu, "words": record["wordCount"], "over_budget": record["metadata"].get("overBudget", [])}}))
"""


def memory_kib(name: str) -> int:
    """This process's ``VmRSS`` (resident memory) or ``VmHWM`` (its peak) in KiB, from Linux's /proc."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(name + ":"))


def measure(shape: str) -> dict:
    """The figures of one shape, measured in a fresh Python process."""
    done = subprocess.run([sys.executable, "-c", _CHILD.format(shape=SHAPES[shape])], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="default: all")
    args = parser.parse_args(argv)
    print(f"{'shape':<20} {'MiB in':>7} {'peak MiB':>9} {'seconds':>8} {'cpu s':>6} {'words':>9}  over budget")
    for shape in args.shape or SHAPES:
        figures = measure(shape)
        print(f"{shape:<20} {figures['bytes'] / 2**20:>7.1f} {figures['peak_mib']:>9.0f} "
              f"{figures['seconds']:>8.2f} {figures['cpu']:>6.2f} {figures['words'] or 0:>9}  {','.join(figures['over_budget'])}")


if __name__ == "__main__":
    main()
