"""The state store at scale: a million published articles in the SQLite store.

This is the one module that knows the store's interface; it uses only
``newscrawl.state``'s public names:

- ``open_state(uri)`` and ``close()``;
- ``begin_batch(Batch(name, directory, articles))`` then ``commit_batch(name)``, the way
  the publisher records a run's file of articles (one batch of :data:`BATCH` articles a run);
- ``known_keys([key])``: one URL key at a time, as the dedupe step asks before publishing
  and the incremental skip before scheduling (both read the whole article, with
  ``articles([key])``, only for a known key);
- ``fingerprint_owners([fingerprint])``: one body fingerprint at a time;
- ``candidates(signature)``: the near-duplicate query of one MinHash signature.

Articles are synthetic but shaped like real ones (hex ids and fingerprints, a URL, a site
among :data:`SITES`, a second URL key, a 64-value signature); signatures are random, as
those of unrelated articles are, and each near-duplicate query shares bands with one
stored article, as a syndicated copy would.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newscrawl.neardup import NUM_PERM, ROWS
from newscrawl.state import Article, Batch, open_state

BATCH = 1_000  # articles a run publishes: an hourly crawl of a few dozen sites
SITES = 100
LOOKUPS = 20_000
NEAR_DUPLICATE_QUERIES = 2_000
_SEED = 8
_SIGNATURE = struct.Struct(f"<{NUM_PERM}I")  # random values, drawn 10 times faster than one by one


@dataclass(frozen=True)
class StateFigures:
    """What the state benchmark measured; ``articles`` falls short of the goal when filling
    the store ran out of its time budget."""

    articles: int
    inserts_per_second: float
    last_batch_inserts_per_second: float
    lookups_per_second: float
    fingerprint_lookups_per_second: float
    near_duplicate_median_ms: float
    near_duplicate_p99_ms: float
    file_mb: float


def article(number: int, rng: random.Random) -> Article:
    """The synthetic article ``number``."""
    key = hashlib.sha256(f"article-{number}".encode()).hexdigest()
    site = f"site-{number % SITES}"
    return Article(
        id=key[:32],
        url=f"https://{site}.example/news/2026/11/{number:07d}-a-headline-made-into-a-slug",
        site=site,
        fingerprint=hashlib.sha256(f"body-{number}".encode()).hexdigest(),
        modified="2026-11-27T08:00:00Z",
        url_keys=(key[32:],),
        signature=_SIGNATURE.unpack(rng.randbytes(_SIGNATURE.size)),
    )


@dataclass
class Fill:
    """How filling the store went: articles stored, seconds spent, a sample to look up."""

    articles: int = 0
    seconds: float = 0.0
    last_batch_seconds: float = 0.0
    sample: list[Article] = field(default_factory=list)


def fill(store, count: int, budget_seconds: float, rng: random.Random) -> Fill:
    """Publish up to ``count`` articles in batches of :data:`BATCH`, within the time budget."""
    done, per_batch = Fill(), max(1, LOOKUPS * BATCH // count)
    while done.articles < count and done.seconds < budget_seconds:
        batch = [article(n, rng) for n in range(done.articles, min(count, done.articles + BATCH))]
        start = time.perf_counter()
        _publish(store, f"run-{done.articles:08d}", batch)
        done.last_batch_seconds = time.perf_counter() - start
        done.seconds += done.last_batch_seconds
        done.articles += len(batch)
        done.sample.extend(rng.sample(batch, min(len(batch), per_batch)))
    return done


def _publish(store, name: str, batch: list[Article]) -> None:
    """Record one run's batch as the publisher does: pending, then committed."""
    store.begin_batch(Batch(name, "output/news", tuple(batch)))
    store.commit_batch(name)


def near_copy(original: Article, rng: random.Random) -> tuple[int, ...]:
    """A signature sharing the first band with ``original``: a syndicated copy's."""
    values = list(original.signature)
    for i in range(ROWS, NUM_PERM):
        if rng.random() < 0.3:
            values[i] = rng.getrandbits(32)
    return tuple(values)


def per_second(call: Callable[[str], object], keys: list[str]) -> float:
    """Calls per second of ``call`` over ``keys``, one key a call."""
    start = time.perf_counter()
    for key in keys:
        call(key)
    return len(keys) / (time.perf_counter() - start)


def query_times_ms(store, signatures: list[tuple[int, ...]]) -> list[float]:
    """Milliseconds of each near-duplicate query."""
    times = []
    for signature in signatures:
        start = time.perf_counter()
        store.candidates(signature)
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure_state(count: int, budget_seconds: float) -> StateFigures:
    """Fill a fresh store with ``count`` articles (or what the budget allows), reopen it
    and time the queries."""
    rng = random.Random(_SEED)
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-state-") as tmp:
        path = Path(tmp) / "newscrawl.db"
        store = open_state(f"sqlite:///{path}")
        done = fill(store, count, budget_seconds, rng)
        store.close()
        store = open_state(f"sqlite:///{path}")  # a new run opens the store
        figures = _queries(store, done.sample, rng)
        store.close()
        file_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
    last_batch = min(BATCH, done.articles) / done.last_batch_seconds
    return StateFigures(done.articles, done.articles / done.seconds, last_batch, *figures, file_mb)


def _queries(store, sample: list[Article], rng: random.Random) -> tuple[float, ...]:
    """Lookups/s (half hits, half misses), fingerprint lookups/s, near-duplicate ms."""
    misses = [hashlib.md5(str(n).encode()).hexdigest() for n in range(len(sample))]
    keys = [key for pair in zip((a.id for a in sample), misses) for key in pair]
    fingerprints = [a.fingerprint for a in sample] + [m * 2 for m in misses]
    rng.shuffle(fingerprints)
    lookups = per_second(lambda key: store.known_keys([key]), keys)
    fingerprint_lookups = per_second(lambda fp: store.fingerprint_owners([fp]), fingerprints)
    originals = rng.sample(sample, min(len(sample), NEAR_DUPLICATE_QUERIES))
    times = query_times_ms(store, [near_copy(a, rng) for a in originals])
    p99 = statistics.quantiles(times, n=100)[98] if len(times) > 1 else times[0]
    return lookups, fingerprint_lookups, statistics.median(times), p99
