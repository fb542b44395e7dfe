"""The state store contract: every backend (SQLite, Redis, Redis Cluster) passes these tests."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
import redis

from newscrawl import neardup
from newscrawl.state import Article, Batch, StateError, Validators, open_state

WIRE = " ".join(f"word{i}" for i in range(80))


def sqlite_uri(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'state' / 'newscrawl.db'}"


def redis_uri(request, fixture: str) -> str:
    """An empty database on the session's redis-server or 3-node Redis Cluster."""
    server = request.getfixturevalue(fixture)
    server.flush()
    return server.url


@pytest.fixture(params=["sqlite", "redis", "cluster"])
def uri(request, tmp_path) -> str:
    if request.param == "sqlite":
        return sqlite_uri(tmp_path)
    return redis_uri(request, "redis_server" if request.param == "redis" else "redis_cluster")


def redis_client(uri: str) -> tuple[redis.Redis | redis.RedisCluster, str]:
    """A plain client of the store at ``uri``, and the prefix of newscrawl's keys there."""
    if uri.startswith("redis+cluster://"):
        return redis.RedisCluster.from_url(uri.replace("redis+cluster://", "redis://")), "{newscrawl}:"
    return redis.Redis.from_url(uri), "newscrawl:"


@pytest.fixture
def store(uri):
    opened = open_state(uri)
    yield opened
    opened.close()


def article(article_id: str, **changes) -> Article:
    fields = dict(url=f"https://e.com/{article_id}", site="herald", fingerprint=f"fp-{article_id}",
                  modified="2026-11-10T08:00:00Z", url_keys=(f"url-{article_id}",))
    return Article(article_id, **{**fields, **changes})


def publish(store, name: str, *articles: Article, directory: str = "/out/news") -> None:
    store.begin_batch(Batch(name, directory, articles))
    store.commit_batch(name)


def test_committed_articles_are_found_by_id_and_url_key(store):
    a = article("a", signature=neardup.signature(WIRE), duplicate_of="z", version=2)
    publish(store, "b1", a)
    assert store.articles(["a", "url-a", "other"]) == {"a": a, "url-a": a}


def test_known_keys_are_the_ids_and_url_keys_of_committed_articles(store):
    publish(store, "b1", article("a"))
    store.begin_batch(Batch("b2", "/out/news", (article("b"),)))
    assert store.known_keys(["a", "url-a", "b", "url-b", "other", "a"]) == {"a", "url-a"}
    assert store.known_keys([]) == set()


def test_pending_articles_are_not_seen_until_committed(store):
    store.begin_batch(Batch("b1", "/out/news", (article("a"),)))
    assert store.articles(["a"]) == {}
    assert store.known_keys(["a"]) == set()
    assert store.fingerprint_owners(["fp-a"]) == {}
    assert [b.name for b in store.pending_batches("/out/news")] == ["b1"]
    store.commit_batch("b1")
    assert set(store.articles(["a"])) == {"a"}
    assert store.pending_batches("/out/news") == []


def test_discarded_batch_leaves_its_articles_unseen(store):
    store.begin_batch(Batch("b1", "/out/news", (article("a"),)))
    store.discard_batch("b1")
    store.commit_batch("b1")  # committing a batch that is no longer pending does nothing
    assert store.articles(["a"]) == {}
    assert store.pending_batches("/out/news") == []


def test_pending_batches_are_kept_per_directory_with_their_articles(store):
    a = article("a", signature=(1,) * neardup.NUM_PERM)
    store.begin_batch(Batch("b1", "/out/news", (a,)))
    store.begin_batch(Batch("b2", "/out/other", (article("b"),)))
    assert store.pending_batches("/out/news") == [Batch("b1", "/out/news", (a,))]


def test_fingerprints_name_their_article(store):
    publish(store, "b1", article("a"), article("b"))
    assert store.fingerprint_owners(["fp-a", "fp-x"]) == {"fp-a": "a"}


def test_new_version_replaces_the_article_and_keeps_old_fingerprints(store):
    publish(store, "b1", article("a"))
    newer = article("a", fingerprint="fp-a2", modified="2026-11-12T08:00:00Z", version=2)
    publish(store, "b2", newer)
    assert store.articles(["a", "url-a"]) == {"a": newer, "url-a": newer}
    assert store.known_keys(["a", "url-a"]) == {"a", "url-a"}
    assert store.fingerprint_owners(["fp-a", "fp-a2"]) == {"fp-a": "a", "fp-a2": "a"}


def test_near_duplicate_candidates_share_a_band(store):
    original = neardup.signature(WIRE)
    publish(store, "b1", article("a", signature=original), article("b"))
    edited = neardup.signature(WIRE.replace("word40", "changed"))
    unrelated = neardup.signature(" ".join(f"other{i}" for i in range(80)))
    assert [a.id for a in store.candidates(edited)] == ["a"]
    assert store.candidates(unrelated) == []
    assert store.candidates(()) == []


def test_new_version_replaces_the_near_duplicate_bands(store):
    original, rewritten = neardup.signature(WIRE), neardup.signature(" ".join(f"new{i}" for i in range(80)))
    publish(store, "b1", article("a", signature=original))
    publish(store, "b2", article("a", version=2, signature=rewritten))
    assert store.candidates(original) == []
    assert [a.version for a in store.candidates(rewritten)] == [2]


def test_two_versions_in_one_batch_keep_the_last_ones_bands(store):
    original, rewritten = neardup.signature(WIRE), neardup.signature(" ".join(f"new{i}" for i in range(80)))
    publish(store, "b1", article("a", signature=original),
            article("a", fingerprint="fp-a2", version=2, signature=rewritten))
    assert store.candidates(original) == []
    assert [a.version for a in store.candidates(rewritten)] == [2]
    assert store.fingerprint_owners(["fp-a", "fp-a2"]) == {"fp-a": "a", "fp-a2": "a"}


def edited_copies(count: int, words: int = 120) -> dict[str, str]:
    """A story and ``count`` copies with more and more of its words changed, then unrelated stories."""
    rng = random.Random(11)
    story = [f"word{i}" for i in range(words)]
    bodies = {}
    for number in range(count):
        copy = list(story)
        for position in rng.sample(range(words), number * words // (2 * count)):
            copy[position] = f"changed{number}-{position}"
        bodies[f"copy{number}"] = " ".join(copy)
    return bodies | {f"other{n}": " ".join(f"other{n}-{i}" for i in range(words)) for n in range(3)}


def share_a_band(a: neardup.Signature, b: neardup.Signature) -> bool:
    """What a band match means: the same values in the same band (keys are only hashes of them)."""
    rows = neardup.ROWS
    return any(a[i:i + rows] == b[i:i + rows] for i in range(0, len(a), rows))


def one_band_copies(sig: neardup.Signature) -> dict[str, neardup.Signature]:
    """Per band, a signature with that band's values of ``sig`` and random values elsewhere."""
    rng, rows = random.Random(5), neardup.ROWS
    return {f"band{band}": tuple(value if i // rows == band else rng.getrandbits(32)
                                 for i, value in enumerate(sig)) for band in range(neardup.BANDS)}


def test_near_duplicate_candidates_are_exactly_the_articles_sharing_a_band(store):
    bodies = edited_copies(12)
    signatures = {name: neardup.signature(body) for name, body in bodies.items()}
    signatures |= one_band_copies(signatures["copy0"])
    publish(store, "b1", *(article(name, signature=sig) for name, sig in signatures.items()))
    queries = {**signatures, **{f"{name} edited": neardup.signature(body.replace("word7 ", "w7 "))
                                for name, body in bodies.items()}}
    expected = {query: {name for name, sig in signatures.items() if share_a_band(sig, q)}
                for query, q in queries.items()}
    assert len({frozenset(names) for names in expected.values()}) > 5  # partial overlaps, not all or none
    assert {query: {a.id for a in store.candidates(q)} for query, q in queries.items()} == expected


def test_sites_with_articles(store):
    publish(store, "b1", article("a", site="herald"))
    assert store.sites_with_articles(["herald", "gazette"]) == {"herald"}


def test_validators_are_saved_and_replaced(store):
    store.save_validators({"https://e.com/feed": Validators('"v1"', None)})
    store.save_validators({"https://e.com/feed": Validators('"v2"', "Tue, 10 Nov 2026 08:00:00 GMT")})
    assert store.validators(["https://e.com/feed", "https://e.com/x"]) == {
        "https://e.com/feed": Validators('"v2"', "Tue, 10 Nov 2026 08:00:00 GMT")}


def test_state_survives_reopening(uri):
    first = open_state(uri)
    publish(first, "b1", article("a"))
    first.begin_batch(Batch("b2", "/out/news", (article("b"),)))
    first.close()
    again = open_state(uri)
    assert set(again.articles(["a", "b"])) == {"a"}
    assert [b.name for b in again.pending_batches("/out/news")] == ["b2"]
    again.close()


def test_many_keys_are_looked_up_in_chunks(store):
    publish(store, "b1", *(article(f"a{i}") for i in range(1200)))
    assert len(store.articles(f"a{i}" for i in range(1500))) == 1200
    assert len(store.known_keys(f"url-a{i}" for i in range(1500))) == 1200


def test_corrupt_sqlite_file_is_an_error_naming_it(tmp_path):
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateError, match=str(path)):
        open_state(f"sqlite:///{path}")
    assert path.read_bytes().startswith(b"this is not a database")  # never reset


def test_unreadable_sqlite_path_is_an_error_naming_it(tmp_path):
    path = tmp_path / "state.db"
    path.mkdir()
    with pytest.raises(StateError, match=str(path)):
        open_state(f"sqlite:///{path}")


def write_old_store(uri: str) -> None:
    """What newscrawl wrote before schema version 2 (text band keys), for one article."""
    if uri.startswith("redis"):
        client, prefix = redis_client(uri)
        client.sadd(f"{prefix}sites", "herald")
        client.sadd(f"{prefix}band:0:1.2.3.4", "a")
        return
    path = Path(uri.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE bands (band TEXT, id TEXT, PRIMARY KEY (band, id)) WITHOUT ROWID")
        db.execute("INSERT INTO bands VALUES ('0:1.2.3.4', 'a')")
        db.execute("PRAGMA user_version=1")


def old_store_untouched(uri: str) -> bool:
    if uri.startswith("redis"):
        client, prefix = redis_client(uri)
        keys = client.keys(f"{prefix}*".replace("{", "\\{").replace("}", "\\}"))
        return sorted(keys) == [f"{prefix}band:0:1.2.3.4".encode(), f"{prefix}sites".encode()]
    with sqlite3.connect(uri.removeprefix("sqlite:///")) as db:
        return (db.execute("PRAGMA user_version").fetchone()[0] == 1
                and db.execute("SELECT * FROM bands").fetchall() == [("0:1.2.3.4", "a")])


def test_store_of_an_older_schema_is_refused_and_kept(uri):
    write_old_store(uri)
    with pytest.raises(StateError, match="schema version 1; this newscrawl reads version 2"):
        open_state(uri)
    assert old_store_untouched(uri)


def test_a_new_store_is_marked_with_its_schema_version(uri):
    open_state(uri).close()
    again = open_state(uri)  # a store this version wrote opens again
    again.close()
    if uri.startswith("redis"):
        client, prefix = redis_client(uri)
        assert client.get(f"{prefix}schema-version") == b"2"
    else:
        with sqlite3.connect(uri.removeprefix("sqlite:///")) as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == 2


def test_sqlite_file_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(StateError, match="not a newscrawl state store"):
        open_state(f"sqlite:///{path}")


def test_store_of_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "state.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(StateError, match="schema version 99"):
        open_state(f"sqlite:///{path}")


def test_sqlite_store_uses_wal(tmp_path):
    store = open_state(f"sqlite:///{tmp_path / 's.db'}")
    store.close()
    with sqlite3.connect(tmp_path / "s.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
