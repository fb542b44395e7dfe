"""Shared fixtures: the demo site served over loopback, and real ``scrapy crawl`` runs."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["tests.redis_server"]  # the redis_server fixture

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "fixtures" / "demo"
CORPUS = REPO.parent / "shared" / "corpus"

# Crawl settings for tests: no politeness delays against our own loopback server.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}


@pytest.fixture(scope="session")
def demo_server():
    """Base URL of the demo site, served by a subprocess on a free loopback port."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.demo", "--root", str(DEMO / "site"), "serve"],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    base_url = process.stdout.readline().strip()
    assert base_url.startswith("http://127.0.0.1:"), base_url
    yield base_url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def demo_sites(demo_server, tmp_path) -> Path:
    """The demo sites config rendered for the running demo server."""
    from newscrawl.demo import render_sites

    return render_sites(DEMO / "sites.toml", demo_server, tmp_path / "sites.toml")


@dataclass
class Crawl:
    """What one ``scrapy crawl news`` subprocess left behind."""

    returncode: int
    output: str
    records: list[dict]
    stats: dict
    files: list[Path]


def crawl_command(sites: Path, spider_args: dict | None = None, **settings: str) -> list[str]:
    """The ``scrapy crawl news`` command line for ``sites`` with spider arguments and settings."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={sites}"]
    for name, value in (spider_args or {}).items():
        command += ["-a", f"{name}={value}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def run_crawl(sites: Path, workdir: Path, spider_args: dict | None = None, **settings: str) -> Crawl:
    """Run ``scrapy crawl news`` as a user would, with output and state under ``workdir``."""
    command = crawl_command(sites, spider_args, **crawl_settings(workdir, **settings))
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    return crawl_results(workdir, done.returncode, done.stdout + done.stderr)


def crawl_settings(workdir: Path, **settings: str) -> dict[str, str]:
    """Test settings for a crawl with its output and state under ``workdir``."""
    return {**FAST, "NEWSCRAWL_OUTPUT_DIR": str(workdir / "output"),
            "NEWSCRAWL_STATE_URI": f"sqlite:///{workdir / 'state' / 'newscrawl.db'}", **settings}


def crawl_results(workdir: Path, returncode: int, output: str) -> Crawl:
    """What a crawl run with :func:`crawl_settings` for ``workdir`` published and counted."""
    out = workdir / "output"
    files = sorted(out.glob("news/*.jsonl"))
    records = [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines()]
    summaries = sorted(out.glob("news/*.summary.json"))
    latest = max(summaries, key=lambda p: p.stat().st_mtime_ns, default=None)
    stats = json.loads(latest.read_text())["stats"] if latest else {}
    return Crawl(returncode, output, records, stats, files)
