"""The lease protocol of distributed publication, one transition at a time, on a real Redis
and a real 3-node Redis Cluster (see the state diagram in the README's distributed section).

A worker's lease is its key ``worker:<run name>``; here a test makes a worker alive or
lapsed by writing or deleting that key, which is what its heartbeat and Redis's expiry do.
"""

from __future__ import annotations

import pytest
import redis

from newscrawl.pipelines.publish import BatchFile, Publisher
from newscrawl.state import Article, Batch, StaleBatch, open_state

W1, W2 = "20261206T050000Z-aaaa1111", "20261206T050001Z-bbbb2222"


@pytest.fixture(params=["redis", "cluster"])
def server(request):
    fixture = "redis_server" if request.param == "redis" else "redis_cluster"
    server = request.getfixturevalue(fixture)
    server.flush()
    return server


@pytest.fixture
def store(server):
    opened = open_state(server.url)
    yield opened
    opened.close()


class Leases:
    """Makes workers alive or lapsed, as their heartbeats and Redis's expiry do."""

    def __init__(self, url: str, prefix: str):
        if url.startswith("redis+cluster://"):
            self.client = redis.RedisCluster.from_url(url.replace("redis+cluster://", "redis://"))
        else:
            self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def alive(self, *workers: str) -> None:
        for worker in workers:
            self.client.set(f"{self.prefix}worker:{worker}", "alive", px=60_000)

    def lapse(self, worker: str) -> None:
        self.client.delete(f"{self.prefix}worker:{worker}")


@pytest.fixture
def leases(server, store):
    both = Leases(server.url, store.prefix)
    both.alive(W1, W2)
    return both


def article(article_id: str = "a", version: int = 1) -> Article:
    return Article(article_id, f"https://e.com/{article_id}", "herald", f"fp-{article_id}",
                   "2026-11-10T08:00:00Z", url_keys=(f"url-{article_id}",), version=version)


def batch(worker: str, number: int, *articles: Article, directory: str = "/out/w") -> Batch:
    return Batch(f"{worker}-{number:06d}.jsonl", directory, articles or (article(),))


def test_claim_of_a_live_worker_is_refused(store, leases):
    assert store.claim(article(), W1) is None
    assert store.claim(article(), W2) == "claimed"
    assert store.claim(article(), W1) is None  # a worker's own claim stays its own


def test_claim_of_a_lapsed_worker_is_taken_over(store, leases):
    store.claim(article(), W1)
    leases.lapse(W1)
    assert store.claim(article(), W2) is None
    leases.alive(W1)  # W1 comes back: the claim is W2's now
    assert store.claim(article(), W1) == "claimed"


def test_pending_batch_of_a_live_worker_holds_its_articles(store, leases):
    store.claim(article(), W1)
    store.begin_batch(batch(W1, 1))
    assert store.claim(article(), W2) == "pending"


def test_pending_batch_of_a_lapsed_worker_is_taken_over_and_refused_at_its_commit(store, leases):
    store.claim(article(), W1)
    store.begin_batch(batch(W1, 1))
    leases.lapse(W1)
    assert store.claim(article(), W2) is None
    leases.alive(W1)  # W1 resumes after its lease lapsed, and commits
    with pytest.raises(StaleBatch, match="article a claimed by another worker"):
        store.commit_batch(batch(W1, 1).name)
    assert store.articles(["a"]) == {}  # nothing committed
    assert store.pending_batches("/out/w") == []  # W1's stale batch is forgotten
    assert store.claim(article(), W1) == "claimed"  # W2's claim is untouched
    store.begin_batch(batch(W2, 1, directory="/out/w2"))
    store.commit_batch(batch(W2, 1).name)
    assert set(store.articles(["a"])) == {"a"}


def test_commit_after_the_taker_published_is_refused(store, leases):
    store.claim(article(), W1)
    store.begin_batch(batch(W1, 1))
    leases.lapse(W1)
    store.claim(article(), W2)
    store.begin_batch(batch(W2, 1, directory="/out/w2"))
    store.commit_batch(batch(W2, 1).name)  # releases W2's claims: only the article remains
    with pytest.raises(StaleBatch, match="article a"):
        store.commit_batch(batch(W1, 1).name)
    assert store.pending_batches("/out/w") == []


def test_taker_is_refused_when_the_lapsed_worker_committed_first(store, leases):
    store.claim(article(), W1)
    store.begin_batch(batch(W1, 1))
    leases.lapse(W1)
    store.claim(article(), W2)  # taken over...
    leases.alive(W1)
    with pytest.raises(StaleBatch):  # ...so W1 may not commit, even alive again
        store.commit_batch(batch(W1, 1).name)
    assert store.claim(article(), W2) is None


def test_begin_is_refused_when_a_claim_was_taken_over(store, leases):
    store.claim(article("a"), W1)
    store.claim(article("b"), W1)
    leases.lapse(W1)
    store.claim(article("b"), W2)
    leases.alive(W1)
    with pytest.raises(StaleBatch, match="article b claimed"):
        store.begin_batch(batch(W1, 1, article("a"), article("b")))
    assert store.pending_batches("/out/w") == []  # nothing written
    assert store.claim(article("a"), W2) == "claimed"  # W1 still holds what was not taken


def test_begin_is_refused_for_an_article_published_meanwhile(store, leases):
    store.begin_batch(batch(W2, 1, directory="/out/w2"))
    store.commit_batch(batch(W2, 1).name)
    with pytest.raises(StaleBatch, match="article a published"):
        store.begin_batch(batch(W1, 1))
    store.begin_batch(batch(W1, 2, article("a", version=2)))  # a new version is no duplicate
    store.commit_batch(batch(W1, 2).name)
    assert store.articles(["a"])["a"].version == 2


def test_same_body_under_another_id_is_refused_at_commit(store, leases):
    other = Article("b", "https://e.com/b", "herald", "fp-a", "2026-11-10T08:00:00Z")
    store.begin_batch(batch(W1, 1))
    store.begin_batch(batch(W2, 1, other, directory="/out/w2"))
    store.commit_batch(batch(W2, 1).name)
    with pytest.raises(StaleBatch, match="article a published"):
        store.commit_batch(batch(W1, 1).name)


def test_lapsed_worker_whose_claims_nobody_took_commits(store, leases):
    store.claim(article(), W1)
    store.begin_batch(batch(W1, 1))
    leases.lapse(W1)
    store.commit_batch(batch(W1, 1).name)
    assert set(store.articles(["a"])) == {"a"}
    assert store.claim(article(), W2) == "published"


def test_recovery_commits_a_pending_batch_whose_file_is_in_place(store, leases, tmp_path):
    store.claim(article(), W1)
    stale = batch(W1, 1, directory=str(tmp_path))
    store.begin_batch(stale)
    (tmp_path / stale.name).write_text('{"id": "a"}\n')
    leases.lapse(W1)  # killed; nobody took its article over before the restart
    Publisher(tmp_path, store, StatsCounter()).recover()
    assert (tmp_path / stale.name).exists()
    assert set(store.articles(["a"])) == {"a"}


def test_recovery_rolls_back_a_stale_batch_file_removed_state_untouched(store, leases, tmp_path):
    store.claim(article(), W1)
    stale = batch(W1, 1, directory=str(tmp_path))
    store.begin_batch(stale)
    (tmp_path / stale.name).write_text('{"id": "a"}\n')
    leases.lapse(W1)
    store.claim(article(), W2)
    stats = StatsCounter()
    Publisher(tmp_path, store, stats).recover()
    assert not (tmp_path / stale.name).exists()
    assert stats.values == {"newscrawl/publish/rolled_back": 1,
                            "newscrawl/publish/recovered_rolled_back": 1}
    assert store.articles(["a"]) == {} and store.pending_batches(str(tmp_path)) == []
    assert store.claim(article(), W1) == "claimed"  # still W2's to publish


class PausedAfterBegin:
    """A store whose worker stalls past its lease right after its batch became pending."""

    def __init__(self, store, meanwhile):
        self.store = store
        self.meanwhile = meanwhile

    def begin_batch(self, batch: Batch) -> None:
        self.store.begin_batch(batch)
        self.meanwhile()

    def __getattr__(self, name: str):
        return getattr(self.store, name)


def test_a_batch_refused_at_its_commit_is_removed_after_its_rename(store, leases, tmp_path):
    store.claim(article(), W1)

    def taken_over() -> None:
        leases.lapse(W1)
        assert store.claim(article(), W2) is None

    stats = StatsCounter()
    publisher = Publisher(tmp_path, PausedAfterBegin(store, taken_over), stats)
    batch_file = BatchFile(tmp_path, batch(W1, 1).name, compress=False)
    batch_file.write({"id": "a", "metadata": {"site": "herald", "discoveredBy": "feed"}})
    with pytest.raises(StaleBatch, match="article a claimed"):
        publisher.publish(batch_file, [article()])
    assert list(tmp_path.iterdir()) == []  # renamed into place, then removed
    assert stats.values == {"newscrawl/publish/rolled_back": 1}
    assert store.articles(["a"]) == {} and store.pending_batches(str(tmp_path)) == []


class StatsCounter:
    """The part of Scrapy's stats collector the publisher uses."""

    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count
