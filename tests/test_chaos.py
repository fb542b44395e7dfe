"""Chaos: three workers crawl while workers, Redis and the output disk fail at random moments.

Three ``scrapy crawl news`` workers share one redis-server and crawl two sites: the
demo site, and a wire site on the fault server (articles, a few of them answered first
with a 503, a reset connection or a stalled one). A schedule drawn from a seed (printed;
``NEWSCRAWL_CHAOS_SEED=<seed>`` replays it) then, at random moments:

- ``kill``: SIGKILLs a crawling worker, and starts it again on the same output directory;
- ``pause``: SIGSTOPs a crawling worker for longer than its lease, then SIGCONTs it;
- ``redis``: restarts Redis (its append-only file keeps the data);
- ``disk``: fills the disk the workers publish to for a few seconds (a small tmpfs;
  where mounting is not allowed, the workers' file-size limit is set to 0 instead, so
  every write fails as on a full disk).

Faults begin once a worker has opened its spider; a kill or pause waits for a worker that
is crawling (not starting up). A worker that exits while faults go on is started again.
Afterwards the workers run to
the end (a failed one is started again), and every article must be published exactly
once across the three output directories, with no partial line and no temporary file
left. Nothing here measures time: waits are generous bounds, the schedule's moments are
only when faults are injected.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis as redis_client

from tests.conftest import DEMO, FAST, crawl_command
from tests.fault_server import Fault, start
from tests.redis_server import RedisServer
from tests.watched import Watched

pytestmark = pytest.mark.chaos

SEED_ENV = "NEWSCRAWL_CHAOS_SEED"
WORKERS = 3
EVENTS = 34
MIN_EVENTS = 30
LEASE_S = 3.0
KINDS = ("kill", "pause", "redis", "disk")
WEIGHTS = (2, 3, 2, 2)
WIRE_ARTICLES = 60
DEMO_ARTICLES = sorted(p.name for p in (DEMO / "site" / "2026" / "11").glob("*.html"))
#: Bounds on waiting, never assertions on time.
END_TIMEOUT_S = 400.0
START_TIMEOUT_S = 180.0
TARGET_TIMEOUT_S = 30.0
RESTARTS_AT_END = 12
SETTINGS = {**FAST, "DOWNLOAD_DELAY": "0.5", "LOG_LEVEL": "INFO",
            "NEWSCRAWL_LEASE_SECONDS": str(LEASE_S), "NEWSCRAWL_IDLE_EXIT": "2",
            "NEWSCRAWL_BATCH_RECORDS": "3", "NEWSCRAWL_BATCH_SECONDS": "0.5",
            "NEWSCRAWL_WORKER_LEASES": "2", "NEWSCRAWL_REDIS_GIVE_UP": "60",
            "DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "3", "NEWSCRAWL_RETRY_BACKOFF": "0.1",
            "NEWSCRAWL_SUMMARY_ENABLED": "0"}


@dataclass(frozen=True)
class Event:
    """One fault: ``at`` seconds into the fault phase, on worker slot ``worker``, for ``length`` s."""

    at: float
    kind: str
    worker: int
    length: float


def schedule(seed: int, count: int = EVENTS) -> list[Event]:
    """The faults of one run: every kind at least once, the rest drawn at random.

    >>> schedule(7) == schedule(7), len(schedule(7)), {e.kind for e in schedule(7)} == set(KINDS)
    (True, 34, True)
    """
    rng = random.Random(seed)
    kinds = [*KINDS, *rng.choices(KINDS, WEIGHTS, k=count - len(KINDS))]
    rng.shuffle(kinds)
    at, events = 1.0, []
    for kind in kinds:
        at += rng.uniform(0.5, 2.5)
        length = LEASE_S + rng.uniform(0.5, 2.5) if kind == "pause" else rng.uniform(0.5, 1.5)
        events.append(Event(round(at, 2), kind, rng.randrange(WORKERS), round(length, 2)))
    return events


def chaos_seed() -> int:
    return int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(1 << 32))


def wire_page(number: int) -> str:
    """An article of the wire site: its own words, so no two bodies are alike."""
    rng = random.Random(number)
    words = ["harbour", "council", "ferry", "winter", "budget", "school", "river", "market", "bridge",
             "library", "station", "festival", "orchard", "museum", "clinic", "stadium", "tunnel"]
    paragraphs = [" ".join(rng.choice(words) for _ in range(40)).capitalize() + "." for _ in range(5)]
    headline = f"Wire story {number}: {' '.join(rng.sample(words, 4))}"
    text = "".join(f"<p>Story {number}. {p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{headline}</title></head><body>"
            f"<article><h1>{headline}</h1>{text}</article></body></html>")


def write_wire_site(root: Path) -> list[str]:
    """The wire site's files; the names of its articles."""
    names = [f"{n:03d}.html" for n in range(WIRE_ARTICLES)]
    (root / "wire").mkdir(parents=True)
    for n, name in enumerate(names):
        (root / "wire" / name).write_text(wire_page(n))
    links = "".join(f'<li><a href="/wire/{name}">Story {name}</a></li>' for name in names)
    (root / "index.html").write_text(f"<!doctype html><html><body><ul>{links}</ul></body></html>")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    return names


WIRE_FAULTS = {
    "/wire/003.html": Fault(503, {"Retry-After": "1"}, times=1),
    "/wire/007.html": Fault(200, {"Content-Type": "text/html"}, times=1, body="<html>" + "x" * 4000,
                            mode="reset"),
    "/wire/011.html": Fault(200, {"Content-Type": "text/html"}, times=1, body="<html>", mode="stall"),
}


def write_sites(path: Path, demo_url: str, wire_url: str) -> Path:
    demo = (DEMO / "sites.toml").read_text().replace("{{base}}", demo_url)
    wire = f'[[site]]\nname = "chaos-wire"\ndomains = ["127.0.0.1"]\nstart_urls = ["{wire_url}/"]\n'
    path.write_text(f"{demo}\n{wire}")
    return path


class Disk:
    """The output disk, filled and freed on demand: a small tmpfs when it can be mounted."""

    def __init__(self, root: Path):
        self.root = root
        self.full = False
        root.mkdir(parents=True)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(root)],
                                 capture_output=True)
        self.tmpfs = mounted.returncode == 0
        self.filler = root / "filler"

    @property
    def how(self) -> str:
        return "a 16 MiB tmpfs" if self.tmpfs else "a file-size limit of 0 (no tmpfs could be mounted)"

    def fill(self, pids: list[int]) -> None:
        self.full = True
        if self.tmpfs:
            with self.filler.open("wb", buffering=0) as filler:  # nothing left to flush at close
                try:
                    while True:
                        filler.write(b"\0" * (1 << 16))
                except OSError:
                    pass
        for pid in pids:
            self.limit(pid)

    def limit(self, pid: int) -> None:
        """A worker started while the disk is full cannot write either."""
        if self.full and not self.tmpfs:
            _set_file_size_limit(pid, 0)

    def free(self, pids: list[int]) -> None:
        self.full = False
        if self.tmpfs:
            self.filler.unlink(missing_ok=True)
        for pid in pids:
            _set_file_size_limit(pid, resource.RLIM_INFINITY)

    def release(self) -> None:
        if self.tmpfs:
            subprocess.run(["umount", "-l", str(self.root)], capture_output=True)


def _set_file_size_limit(pid: int, limit: int) -> None:
    try:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    except (ProcessLookupError, PermissionError):
        pass  # the worker has just exited


class Crew:
    """The three worker slots: start, kill, pause, resume, and restart what exited."""

    def __init__(self, sites: Path, disk: Disk, redis_url: str, logs: Path):
        self.sites, self.disk, self.redis_url, self.logs = sites, disk, redis_url, logs
        self.workers: list[Watched] = []
        self.paused: dict[int, float] = {}  # slot -> when to resume it
        self.started = 0
        self.exits: list[int] = []
        for slot in range(WORKERS):
            self.workers.append(self._start(slot))

    def _start(self, slot: int) -> Watched:
        self.started += 1
        options = {**SETTINGS, "NEWSCRAWL_OUTPUT_DIR": str(self.disk.root / f"w{slot}"),
                   "NEWSCRAWL_STATE_URI": self.redis_url}
        worker = Watched(crawl_command(self.sites, None, **options),
                         self.logs / f"w{slot}-{self.started:03d}.log")
        self.disk.limit(worker.process.pid)
        return worker

    def crawling(self) -> list[int]:
        """The slots whose worker has opened its spider and is neither paused nor gone."""
        return [slot for slot, w in enumerate(self.workers)
                if w.process.poll() is None and slot not in self.paused and w.count("Spider opened")]

    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers if w.process.poll() is None]

    def target(self, slot: int) -> int | None:
        """``slot`` if it is crawling, else the next crawling one."""
        crawling = self.crawling()
        return next((s for s in [*range(slot, WORKERS), *range(slot)] if s in crawling), None)

    def crawling_any(self) -> bool:
        return bool(self.crawling())

    def kill(self, slot: int) -> None:
        worker = self.workers[slot]
        worker.process.send_signal(signal.SIGKILL)
        self.exits.append(worker.wait())
        self.paused.pop(slot, None)
        self.workers[slot] = self._start(slot)

    def pause(self, slot: int, until: float) -> None:
        self.workers[slot].process.send_signal(signal.SIGSTOP)
        self.paused[slot] = until

    def resume_due(self, now: float) -> None:
        for slot, until in list(self.paused.items()):
            if until <= now:
                self.workers[slot].process.send_signal(signal.SIGCONT)
                del self.paused[slot]

    def restart_exited(self, only_failed: bool) -> list[int]:
        """Start again the slots whose worker exited (only the failed ones, at the end)."""
        restarted = []
        for slot, worker in enumerate(self.workers):
            code = worker.process.poll()
            if code is None or (only_failed and code == 0):
                continue
            self.exits.append(worker.wait())
            self.workers[slot] = self._start(slot)
            restarted.append(slot)
        return restarted

    def done(self) -> bool:
        return all(w.process.poll() == 0 for w in self.workers)

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGCONT)
                worker.process.kill()
                worker.wait()


class Chaos:
    """Plays a schedule of faults on a crew, a Redis server and a disk."""

    def __init__(self, crew: Crew, redis: RedisServer, disk: Disk):
        self.crew, self.redis, self.disk = crew, redis, disk
        self.disk_free_at: float | None = None
        self.played: list[str] = []

    def play(self, events: list[Event]) -> None:
        self.wait(self.crew.crawling_any, START_TIMEOUT_S)
        began = time.monotonic()
        for event in events:
            self.wait(lambda: time.monotonic() - began >= event.at, float("inf"))
            if event.kind in ("kill", "pause"):
                self.wait(lambda: self.crew.target(event.worker) is not None, TARGET_TIMEOUT_S)
            self.inject(event, time.monotonic())
        self.end_faults()

    def wait(self, condition, timeout: float) -> None:
        """Tick until ``condition()`` or ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            self.tick()
            time.sleep(0.05)

    def tick(self) -> None:
        now = time.monotonic()
        self.crew.resume_due(now)
        if self.disk_free_at is not None and self.disk_free_at <= now:
            self.disk.free(self.crew.pids())
            self.disk_free_at = None
        self.crew.restart_exited(only_failed=False)

    def inject(self, event: Event, now: float) -> None:
        slot = self.crew.target(event.worker) if event.kind in ("kill", "pause") else None
        kind = event.kind if slot is not None or event.kind not in ("kill", "pause") else "redis"
        if kind == "kill":
            self.crew.kill(slot)
        elif kind == "pause":
            self.crew.pause(slot, now + event.length)
        elif kind == "redis":
            self.redis.restart()
        else:
            if self.disk_free_at is None:
                self.disk.fill(self.crew.pids())
            self.disk_free_at = now + event.length
        self.played.append(f"{event.at:6.2f}s {kind}" + (f" w{slot}" if slot is not None else ""))

    def end_faults(self) -> None:
        self.crew.resume_due(float("inf"))
        if self.disk_free_at is not None:
            self.disk.free(self.crew.pids())
            self.disk_free_at = None

    def run_to_the_end(self) -> None:
        """Let the workers finish; start again any that fails, a bounded number of times."""
        deadline, restarts = time.monotonic() + END_TIMEOUT_S, 0
        while not self.crew.done():
            assert time.monotonic() < deadline, "workers did not finish"
            restarts += len(self.crew.restart_exited(only_failed=True))
            assert restarts <= RESTARTS_AT_END, "workers keep failing after the faults ended"
            time.sleep(0.2)


#: What the workers' logs show of the faults, counted and printed after a run.
EVIDENCE = {"leases lapsed": "this worker's lease lapsed", "batches refused": r"batch \S+ is stale",
            "writes failed": "No space left|File too large", "leases expired": "expired leases",
            "Redis retries": r"Redis at \S+ unreachable", "batches published": r"published \d+ articles",
            "recovered": "recovered batch", "parts removed": "removed unpublished"}


def evidence(logs: Path) -> dict[str, int]:
    texts = [path.read_text("utf-8", "replace") for path in sorted(logs.glob("*.log"))]
    return {what: sum(len(re.findall(pattern, text)) for text in texts) for what, pattern in EVIDENCE.items()}


def published_records(root: Path) -> list[dict]:
    """Every record of every published file; each file ends with a whole line."""
    records = []
    for path in sorted(root.glob("w*/news/*.jsonl")):
        text = path.read_text("utf-8")
        assert text.endswith("\n"), f"partial last line in {path}"
        records += [json.loads(line) for line in text.splitlines()]
    return records


@pytest.fixture
def disk(tmp_path):
    made = Disk(tmp_path / "disk")
    yield made
    made.release()


@pytest.fixture
def chaos_redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def test_every_article_published_exactly_once_through_kills_pauses_redis_restarts_and_full_disks(
        demo_server, chaos_redis, disk, tmp_path):
    seed = chaos_seed()
    print(f"chaos seed {seed}: {SEED_ENV}={seed} replays this schedule; disk: {disk.how}")
    events = schedule(seed)
    wire_root = tmp_path / "wire"
    wire_names = write_wire_site(wire_root)
    wire = start(wire_root, WIRE_FAULTS)
    (tmp_path / "logs").mkdir()
    sites = write_sites(tmp_path / "sites.toml", demo_server, wire.base_url)
    crew = Crew(sites, disk, chaos_redis.url, tmp_path / "logs")
    chaos = Chaos(crew, chaos_redis, disk)
    try:
        chaos.play(events)
        chaos.run_to_the_end()
    except AssertionError as failure:
        raise AssertionError(f"seed {seed}: {failure}; played:\n" + "\n".join(chaos.played)) from None
    finally:
        crew.stop_all()
        wire.shutdown()
    print("played:\n" + "\n".join(chaos.played))
    print(f"{crew.started} worker processes; exits: {sorted(crew.exits)}; {evidence(tmp_path / 'logs')}")

    context = f"seed {seed}, logs in {tmp_path / 'logs'}"
    assert len(chaos.played) >= MIN_EVENTS, context
    assert {line.split()[1] for line in chaos.played} == set(KINDS), context
    records = published_records(disk.root)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), f"an article published twice ({context})"
    names = sorted(r["canonicalUrl"].rsplit("/", 1)[-1] for r in records)
    assert names == sorted(DEMO_ARTICLES + wire_names), f"articles missing or extra ({context})"
    assert [p for p in disk.root.rglob("*") if p.name.endswith(".part")] == [], context
    client = redis_client.Redis.from_url(chaos_redis.url)
    assert client.keys("newscrawl:batch:*") == [], f"a batch left pending ({context})"
    client.close()


def test_a_seed_replays_its_schedule(monkeypatch):
    monkeypatch.setenv(SEED_ENV, "1234")
    assert chaos_seed() == 1234
    assert schedule(chaos_seed()) == schedule(1234) != schedule(1235)

