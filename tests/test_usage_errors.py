"""Every usage mistake a user can make on the command line is one line and exit status 2,
before any crawler exists: the real commands, run in a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newscrawl.commands.checks import SETTING_RULES, default_names, rule_for
from tests.conftest import REPO

SCRAPY = [sys.executable, "-m", "scrapy"]
SITES = REPO / "sites.example.toml"

# (spider arguments and settings, words the one line must contain)
CRAWL_MISTAKES = [
    ([], ["-a sites="]),
    (["-a", f"site={SITES}"], ["-a site=", "did you mean 'sites'"]),
    (["-a", f"sites={SITES}", "-a", "sine=48h"], ["-a sine=48h", "'since'"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD=abc"],
     ["NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD=abc", "a number greater than 0 and at most 1"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD=5"],
     ["NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD=5", "at most 1"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_OUTPUT_GZIP=maybe"],
     ["NEWSCRAWL_OUTPUT_GZIP=maybe", "true or false"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_BATCH_RECORDS=-1"],
     ["NEWSCRAWL_BATCH_RECORDS=-1", "whole number of at least 1"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_BATCH_SECONDS=soon"],
     ["NEWSCRAWL_BATCH_SECONDS=soon", "a number of at least 0"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_STATE_URI=sqlite://state.db"],
     ["NEWSCRAWL_STATE_URI=sqlite://state.db", "sqlite:///"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_STATE_URI=postgres://db/x"],
     ["NEWSCRAWL_STATE_URI=postgres://db/x", "redis://HOST:PORT/DB"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_NEAR_DUPLICATES=maybe"],
     ["NEWSCRAWL_NEAR_DUPLICATES=maybe", "one of mark, drop, off"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_BATCH_RECORD=10"],
     ["unknown setting NEWSCRAWL_BATCH_RECORD", "NEWSCRAWL_BATCH_RECORDS"]),
    (["-a", f"sites={SITES}", "-s", "NEWSCRAWL_OUTPUT_DIR="], ["NEWSCRAWL_OUTPUT_DIR=", "non-empty"]),
    (["-a", f"sites={SITES}", "-a", "since=last tuesday"], ["since", "last tuesday"]),
]


def run(command: list[str], cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def assert_one_line(done: subprocess.CompletedProcess, words: list[str], status: int = 2) -> None:
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == status, done.stderr
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("arguments, words", CRAWL_MISTAKES,
                         ids=[" ".join(a[-1:]) or "no-sites" for a, _ in CRAWL_MISTAKES])
def test_crawl_mistake_is_one_line_and_exit_2(arguments, words, tmp_path):
    where = {"NEWSCRAWL_STATE_URI": f"sqlite:///{tmp_path / 'state.db'}",
             "NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "output")}
    given = " ".join(arguments)
    settings = [f"-s{name}={value}" for name, value in where.items() if name not in given]
    assert_one_line(run([*SCRAPY, "crawl", "news", *arguments, *settings]), words)
    assert not list(tmp_path.iterdir())  # nothing created: no state, no output


def test_unknown_spider_is_one_line():
    assert_one_line(run([*SCRAPY, "crawl", "newz", "-a", f"sites={SITES}"]), ["'newz'", "news"])


def test_every_setting_has_a_type_check():
    from newscrawl import settings

    for name in default_names():
        assert rule_for(name) is not None or isinstance(getattr(settings, name), str), name
    assert set(SETTING_RULES) <= set(default_names())  # no rule for a setting that is gone


@pytest.mark.parametrize("arguments, words", [
    (["http://127.0.0.1:1/x", "--url", "ftp://x"], ["--url ftp://x", "http(s)"]),
    (["no-such-page.html"], ["no-such-page.html", "no such file"]),
    ([str(REPO / "README.md"), "--sites", str(SITES), "--site", "nobody"], ["--site nobody"]),
    ([str(REPO / "README.md"), "--site", "herald"], ["--site herald", "--sites"]),
    (["http://127.0.0.1:1/x", "-s", "NEWSCRAWL_STATE_URI=nowhere"], ["NEWSCRAWL_STATE_URI=nowhere"]),
])
def test_extract_mistake_is_one_line_and_exit_2(arguments, words):
    assert_one_line(run([*SCRAPY, "extract", *arguments]), words)


@pytest.mark.parametrize("arguments, words", [
    (["no-such-dir"], ["no-such-dir", "no such directory"]),
    (["fixtures", "--after", "yesterday"], ["--after yesterday", "not the name of a published batch"]),
])
def test_published_mistake_is_one_line_and_exit_2(arguments, words):
    assert_one_line(run([*SCRAPY, "published", *arguments]), words)
