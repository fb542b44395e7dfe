"""Golden files: saved pages with their expected records, checked by one test.

``python -m newscrawl.fixtures diff`` shows how current extraction differs from the
expected records; ``--overwrite`` rewrites them after you have read that diff.
``python -m newscrawl.fixtures save FILE_OR_URL --name NAME [--url URL] [--overwrite]`` pins a
new page; an existing fixture is replaced only with ``--overwrite``.

A fixture is ``NAME.html`` (the page as served), ``NAME.url`` (its URL) and
``NAME.json`` (the expected record, keys sorted, without ``metadata.dateDownloaded``).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import re
import urllib.error
import urllib.request
from pathlib import Path

from newscrawl.commands.usage import OneLineArgumentParser
from newscrawl.extraction import extract_article
from newscrawl.urls import is_http_url

PROG = "python -m newscrawl.fixtures"
PAGES_DIR = Path("fixtures/pages")
FIXTURE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")
VOLATILE = ("dateDownloaded",)
DERIVED = ("datePublishedUtc",)  # follows from the pinned datePublished; tested on its own


class FixtureError(Exception):
    """A page that cannot be pinned; the message says why in one line."""


def pinned_record(html: bytes, url: str) -> dict:
    """The record of a page without the fields that change from run to run."""
    record = extract_article(html, url)
    for key in VOLATILE + DERIVED:
        record["metadata"].pop(key, None)
    return record


def as_json(record: dict) -> str:
    """The golden-file form of a record: sorted keys, UTF-8, two-space indent."""
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def fixture_names(directory: Path) -> list[str]:
    """Names of the saved pages in ``directory``."""
    return sorted(p.stem for p in directory.glob("*.html"))


def current_json(directory: Path, name: str) -> str:
    """What extraction gives now for the saved page ``name``."""
    url = (directory / f"{name}.url").read_text(encoding="utf-8").strip()
    return as_json(pinned_record((directory / f"{name}.html").read_bytes(), url))


def diff(directory: Path, overwrite: bool) -> int:
    """Print the diff of every changed fixture; rewrite them with ``overwrite``."""
    changed = 0
    for name in fixture_names(directory):
        expected_path = directory / f"{name}.json"
        expected = expected_path.read_text("utf-8") if expected_path.exists() else ""
        current = current_json(directory, name)
        if current != expected:
            changed += 1
            sys.stdout.writelines(difflib.unified_diff(
                expected.splitlines(True), current.splitlines(True),
                f"{name}.json (expected)", f"{name}.json (now)"))
            if overwrite:
                expected_path.write_text(current, encoding="utf-8")
    print(f"{changed} of {len(fixture_names(directory))} fixtures differ"
          + (" (rewritten)" if overwrite and changed else ""))
    return 1 if changed and not overwrite else 0


def fixture_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a fixture (it must stay inside the fixture folder), or ``None``.

    >>> fixture_name_problem("herald-article") is None
    True
    >>> fixture_name_problem("../x")
    'use letters, digits, ".", "_" and "-", not starting with "."'
    """
    return None if FIXTURE_NAME.match(name) else 'use letters, digits, ".", "_" and "-", not starting with "."'


def fetch_page(url: str) -> tuple[bytes, str]:
    """The body and final URL of ``url``; a failure is :class:`FixtureError` in one line."""
    request = urllib.request.Request(url, headers={"User-Agent": "newscrawl-fixtures"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read(), response.geturl()
    except urllib.error.HTTPError as exc:
        raise FixtureError(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise FixtureError(f"{url}: unreachable ({getattr(exc, 'reason', exc)})") from None


def save(directory: Path, source: str, name: str, url: str | None) -> None:
    """Save a page from a file or URL as fixture ``name`` with its current record."""
    if is_http_url(source):
        html, fetched = fetch_page(source)
        url = url or fetched
    else:
        html = Path(source).read_bytes()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.html").write_bytes(html)
    (directory / f"{name}.url").write_text(url + "\n", encoding="utf-8")
    (directory / f"{name}.json").write_text(current_json(directory, name), encoding="utf-8")
    print(f"saved {directory / name}.html, .url and .json; read the .json before committing")


def _parser() -> argparse.ArgumentParser:
    parser = OneLineArgumentParser(prog=PROG, description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=PAGES_DIR, help="fixture folder")
    commands = parser.add_subparsers(dest="command", required=True)
    diff_parser = commands.add_parser("diff", help="compare expected and current records")
    diff_parser.add_argument("--overwrite", action="store_true", help="rewrite expected records")
    save_parser = commands.add_parser("save", help="pin a new page")
    save_parser.add_argument("source", help="a saved HTML file or an http(s) URL")
    save_parser.add_argument("--name", required=True, help="fixture name, e.g. herald-article")
    save_parser.add_argument("--url", help="the page's URL (required for a file)")
    save_parser.add_argument("--overwrite", action="store_true",
                             help="replace a fixture of the same name")
    return parser


def _check_save(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    problem = fixture_name_problem(args.name)
    if problem:
        parser.error(f"--name {args.name}: {problem}")
    if not args.overwrite and (args.dir / f"{args.name}.html").exists():
        parser.error(f"--name {args.name}: {args.dir / args.name}.html exists; "
                     "add --overwrite to replace it")
    if args.url and not is_http_url(args.url):
        parser.error(f"--url {args.url}: not an http(s) URL")
    if not is_http_url(args.source):
        if not Path(args.source).is_file():
            parser.error(f"{args.source}: no such file, and not an http(s) URL")
        if not args.url:
            parser.error(f"{args.source}: a saved file needs --url, the page's URL")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "diff":
        if not args.dir.is_dir():
            parser.error(f"--dir {args.dir}: no such folder")
        return diff(args.dir, args.overwrite)
    _check_save(parser, args)
    try:
        save(args.dir, args.source, args.name, args.url)
    except FixtureError as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
