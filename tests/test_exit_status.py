"""The exit status of ``scrapy crawl news`` tells whether the run did its job, the reason is
in the last lines of the log and in the run summary, and the log reads well: real crawls."""

from __future__ import annotations

import fcntl
import json
import re
import signal
import socket
import subprocess

import pytest

from tests.conftest import DEMO, REPO, crawl_command, run_crawl

UNREACHABLE_SITE = """
[[site]]
name = "gone-herald"
domains = ["127.0.0.1"]
start_urls = ["http://127.0.0.1:{port}/"]
"""
NO_RETRIES = {"RETRY_ENABLED": "0"}
TIMESTAMPED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[(?P<logger>[^\]]+)\] (?P<level>\w+): ")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def summary_file(workdir) -> dict:
    (path,) = (workdir / "output" / "news").glob("*.summary.json")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def demo_run(demo_server, tmp_path_factory):
    from newscrawl.demo import render_sites

    workdir = tmp_path_factory.mktemp("readable")
    sites = render_sites(DEMO / "sites.toml", demo_server, workdir / "sites.toml")
    return workdir, run_crawl(sites, workdir, LOGSTATS_INTERVAL="0.05")


def test_a_run_that_did_its_job_exits_0_with_status_ok(demo_run):
    workdir, crawl = demo_run
    assert crawl.returncode == 0, crawl.output[-3000:]
    summary = summary_file(workdir)
    assert summary["status"] == "ok" and summary["reasons"] == []
    assert summary["fetched"]["loopback-herald"] > 13


def test_the_summary_is_the_last_thing_in_the_log(demo_run):
    workdir, crawl = demo_run
    lines = log_lines(crawl.output)
    (start,) = [i for i, line in enumerate(lines) if " finished: OK" in line]
    assert all("[newscrawl.extensions.run_summary]" in line for line in lines[start:])
    assert lines[-1].endswith(f"summary: {next((workdir / 'output' / 'news').glob('*.summary.json'))}")
    assert "published 13 articles in 1 batch:" in lines[start + 1]


def test_the_log_has_progress_lines_and_no_stats_dump_or_addon_warning(demo_run):
    _, crawl = demo_run
    assert re.search(r"progress: \d+ pages fetched \(\d+/min\), \d+ articles kept, \d+ published, "
                     r"\d+ dropped .*, \d+ errors", crawl.output)
    for noise in ("Dumping Scrapy stats", "Disabled newscrawl.distributed", "Crawled 0 pages",
                  "WARNING", "Traceback"):
        assert noise not in crawl.output


def test_no_site_reachable_exits_1_with_the_reason_last(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text(UNREACHABLE_SITE.format(port=closed_port()))
    crawl = run_crawl(sites, tmp_path, **NO_RETRIES)
    assert crawl.returncode == 1
    assert log_lines(crawl.output)[-1].endswith("FAILED: no site could be fetched: gone-herald")
    assert "Traceback" not in crawl.output
    summary = summary_file(tmp_path)
    assert summary["status"] == "failed" and summary["unreachableSites"] == ["gone-herald"]
    assert summary["reasons"] == ["no site could be fetched: gone-herald"]


def assert_fails_in_one_line(crawl, words: str) -> None:
    assert crawl.returncode == 1
    last = log_lines(crawl.output)[-1]
    assert TIMESTAMPED.match(last) and TIMESTAMPED.match(last)["level"] == "ERROR", last
    assert words in last, last
    assert "Traceback" not in crawl.output and "Spider opened" not in crawl.output


def test_unwritable_output_directory_exits_1_in_one_line(demo_sites, tmp_path):
    (tmp_path / "a-file").write_text("")
    crawl = run_crawl(demo_sites, tmp_path, NEWSCRAWL_OUTPUT_DIR=str(tmp_path / "a-file" / "out"))
    assert_fails_in_one_line(crawl, "cannot write")


def test_overlapping_run_exits_1_in_one_line(demo_sites, tmp_path):
    directory = tmp_path / "output" / "news"
    directory.mkdir(parents=True)
    with open(directory / ".lock", "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        crawl = run_crawl(demo_sites, tmp_path)
    assert_fails_in_one_line(crawl, "another run is publishing there")
    assert not list(directory.glob("*.jsonl"))


def test_unreadable_state_store_exits_1_in_one_line(demo_sites, tmp_path):
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "newscrawl.db").write_text("not a database, but a note\n" * 100)
    assert_fails_in_one_line(run_crawl(demo_sites, tmp_path), "state store")


def test_a_run_stopped_before_its_end_exits_1(demo_sites, tmp_path):
    command = crawl_command(demo_sites, DOWNLOAD_DELAY="1", LOGSTATS_INTERVAL="0.5",
                            NEWSCRAWL_OUTPUT_DIR=str(tmp_path / "output"),
                            NEWSCRAWL_STATE_URI=f"sqlite:///{tmp_path / 'state.db'}")
    process = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, text=True)
    output = []
    for line in process.stderr:
        output.append(line)
        if "progress: " in line:  # the crawl is running
            process.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy closes the spider gracefully
            break
    output += process.stderr.readlines()
    assert process.wait(timeout=120) == 1
    assert log_lines("".join(output))[-1].endswith("FAILED: stopped before the end (shutdown)")
    assert summary_file(tmp_path)["reasons"] == ["stopped before the end (shutdown)"]
