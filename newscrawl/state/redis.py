"""The Redis state store (``NEWSCRAWL_STATE_URI=redis://HOST:PORT/DB``), shared by many workers.

Same contract as :class:`newscrawl.state.sqlite.SqliteState` (``tests/test_state_contract.py``
runs on both, and on a Redis Cluster). Keys live under ``newscrawl:`` (on a Redis
Cluster, ``redis+cluster://HOST:PORT``, under ``{newscrawl}:``: one hash tag, so every
script and multi-key command stays in one slot):

- ``article:<id>`` the article as JSON; ``key:<record id>`` and ``fingerprint:<sha>``
  name its id; ``band:<band>`` and ``article-bands:<id>`` index its near-duplicate bands;
  ``sites`` the sites with articles; ``validators`` a hash of feed validators;
  ``fields:<site>`` a hash of ``<field>:records`` and ``<field>:present`` counts, what
  earlier runs extracted for a site (the layout-change alarm);
- ``batch:<name>`` a pending batch (with everything its commit writes, precomputed),
  ``batches:<host>:<directory>`` the pending names of one output directory of one
  machine, ``pending:<id>`` the batch an article is pending in;
- ``claim:id:<id>`` and ``claim:fp:<sha>``: which worker is publishing an article
  (:meth:`RedisState.claim`), released when its batch is committed or discarded;
- ``worker:<run name>``: a live worker's lease (see :mod:`newscrawl.distributed.worker`);
  its claims and pending batches hold only while it lives;
- ``schema-version``: :data:`SCHEMA_VERSION`; a database of another layout is refused.

Claim, begin, commit and discard are Lua scripts, so each is one atomic step for every
worker. Begin and commit check that no article of the batch was claimed by another worker
or published meanwhile (which happens only after this worker's lease lapsed); a batch that
fails the check is refused (:class:`~newscrawl.state.StaleBatch`) and forgotten.
Every command goes through :class:`RedisLink`: bounded retries with back-off while
Redis is unreachable, then a :class:`~newscrawl.state.StateError`.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from newscrawl import settings as defaults
from newscrawl.neardup import band_keys
from newscrawl.state.model import Article, Batch, StaleBatch, StateError, Validators

logger = logging.getLogger(__name__)

T = TypeVar("T")
PREFIX = "newscrawl:"
#: The prefix on a Redis Cluster: one hash tag puts every key in one slot.
CLUSTER_PREFIX = "{newscrawl}:"
CLUSTER_SCHEME = "redis+cluster://"
#: The layout of the keys, kept in ``schema-version``; 2: band keys are 64-bit hashes.
SCHEMA_VERSION = "2"
_FIRST_DELAY_S = 0.2
_MAX_DELAY_S = 5.0
_CHUNK = 500
_SOCKET_TIMEOUT_S = 10.0
#: Claims of a worker that died are taken over once its heartbeat key is gone; this
#: only bounds how long a claim nobody takes over stays in Redis.
CLAIM_TTL_MS = 7 * 24 * 3600 * 1000
_UNREACHABLE = (redis.ConnectionError, redis.TimeoutError, redis.exceptions.ClusterDownError,
                redis.exceptions.RedisClusterException)

#: Helpers of the scripts below. ``p`` is the key prefix; a batch's owner is the worker
#: (run name) that publishes it; a worker holds its claims and pending batches while its
#: key ``worker:<owner>`` lives (its lease, renewed by its heartbeat).
_COMMON_LUA = """
local function alive(p, owner) return redis.call('EXISTS', p .. 'worker:' .. owner) == 1 end
local function owner_of(name) return string.match(name, '^(.*)%-[^%-]*$') or name end
local function version_of(a) return tonumber(a.version or cjson.decode(a.json).version) end
local function taken(p, a, owner)
  for _, claim in ipairs({'claim:id:' .. a.id, 'claim:fp:' .. a.fingerprint}) do
    local holder = redis.call('GET', p .. claim)
    if holder and holder ~= owner then return 'claimed' end
  end
  local known = redis.call('GET', p .. 'article:' .. a.id)
  if known and cjson.decode(known).version >= version_of(a) then return 'published' end
  local fp_owner = redis.call('GET', p .. 'fingerprint:' .. a.fingerprint)
  if fp_owner and fp_owner ~= a.id then return 'published' end
  return false
end
local function forget(p, name, batch)
  redis.call('DEL', p .. 'batch:' .. name)
  redis.call('SREM', p .. 'batches:' .. batch.scope, name)
  for _, a in ipairs(batch.articles) do
    if redis.call('GET', p .. 'pending:' .. a.id) == name then redis.call('DEL', p .. 'pending:' .. a.id) end
    for _, claim in ipairs({'claim:id:' .. a.id, 'claim:fp:' .. a.fingerprint}) do
      if redis.call('GET', p .. claim) == batch.owner then redis.call('DEL', p .. claim) end
    end
  end
end
"""
#: KEYS: the schema-version key (routes the script on a cluster). ARGV: prefix, name, plan.
#: Records the batch as pending, or returns {why, article id} when an article of it was
#: claimed by another worker or published meanwhile (then nothing is written).
_BEGIN_LUA = _COMMON_LUA + """
local p, name, raw = ARGV[1], ARGV[2], ARGV[3]
local batch = cjson.decode(raw)
for _, a in ipairs(batch.articles) do
  local why = taken(p, a, batch.owner)
  if why then return {why, a.id} end
end
redis.call('SET', p .. 'batch:' .. name, raw)
redis.call('SADD', p .. 'batches:' .. batch.scope, name)
for _, a in ipairs(batch.articles) do redis.call('SET', p .. 'pending:' .. a.id, name) end
return false
"""
#: KEYS: as above. ARGV: prefix, name. Returns {'committed', ids...}; {'stale', why, id} when
#: the batch may no longer be committed (it is then forgotten, and nothing else changes);
#: {} when it is not pending (committed or discarded already).
_COMMIT_LUA = _COMMON_LUA + """
local p, name = ARGV[1], ARGV[2]
local raw = redis.call('GET', p .. 'batch:' .. name)
if not raw then return {} end
local batch = cjson.decode(raw)
for _, a in ipairs(batch.articles) do
  local why = false
  if redis.call('GET', p .. 'pending:' .. a.id) ~= name then why = 'taken over' end
  why = why or taken(p, a, batch.owner)
  if why then
    forget(p, name, batch)
    return {'stale', why, a.id}
  end
end
for _, a in ipairs(batch.articles) do
  redis.call('SET', p .. 'article:' .. a.id, a.json)
  for _, key in ipairs(a.keys) do redis.call('SETNX', p .. 'key:' .. key, a.id) end
  redis.call('SETNX', p .. 'fingerprint:' .. a.fingerprint, a.id)
  redis.call('SADD', p .. 'sites', a.site)
  for _, band in ipairs(redis.call('SMEMBERS', p .. 'article-bands:' .. a.id)) do
    redis.call('SREM', p .. 'band:' .. band, a.id)
  end
  redis.call('DEL', p .. 'article-bands:' .. a.id)
  for _, band in ipairs(a.bands) do
    redis.call('SADD', p .. 'band:' .. band, a.id)
    redis.call('SADD', p .. 'article-bands:' .. a.id, band)
  end
end
forget(p, name, batch)
local ids = {'committed'}
for _, a in ipairs(batch.articles) do table.insert(ids, a.id) end
return ids
"""
_DISCARD_LUA = _COMMON_LUA + """
local p, name = ARGV[1], ARGV[2]
local raw = redis.call('GET', p .. 'batch:' .. name)
if not raw then return 0 end
forget(p, name, cjson.decode(raw))
return 1
"""
#: KEYS: as above. ARGV: prefix, id, fingerprint, version, owner, ttl. Returns why not, or
#: false when claimed. Claims and pending batches of a worker whose lease lapsed are taken over.
_CLAIM_LUA = _COMMON_LUA + """
local p, id, fp, version, owner = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local known = redis.call('GET', p .. 'article:' .. id)
if known and cjson.decode(known).version >= version then return 'published' end
local fp_owner = redis.call('GET', p .. 'fingerprint:' .. fp)
if fp_owner and fp_owner ~= id then return 'published' end
local pending = redis.call('GET', p .. 'pending:' .. id)
if pending and alive(p, owner_of(pending)) then return 'pending' end
for _, claim in ipairs({'claim:id:' .. id, 'claim:fp:' .. fp}) do
  local holder = redis.call('GET', p .. claim)
  if holder and holder ~= owner and alive(p, holder) then return 'claimed' end
end
redis.call('SET', p .. 'claim:id:' .. id, owner, 'PX', ARGV[6])
redis.call('SET', p .. 'claim:fp:' .. fp, owner, 'PX', ARGV[6])
return false
"""


def redacted(url: str) -> str:
    """``host:port/db`` of a Redis URL, without the password, for log lines.

    >>> redacted("redis://:secret@10.0.0.5:6380/2")
    '10.0.0.5:6380/2'
    >>> redacted("redis+cluster://10.0.0.5:7000")
    'cluster 10.0.0.5:7000'
    """
    parts = urlsplit(url)
    if url.startswith(CLUSTER_SCHEME):
        return f"cluster {parts.hostname}:{parts.port or 6379}"
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"


def connect(url: str) -> redis.Redis | redis.RedisCluster:
    """A client of the Redis (or, for ``redis+cluster://``, the Redis Cluster) at ``url``.

    Commands are not retried by the client: :meth:`RedisLink.call` retries with back-off.
    """
    timeouts = dict(socket_timeout=_SOCKET_TIMEOUT_S, socket_connect_timeout=_SOCKET_TIMEOUT_S,
                    decode_responses=True)
    if url.startswith(CLUSTER_SCHEME):
        node = urlsplit(url)._replace(scheme="redis", path="").geturl()
        return redis.RedisCluster.from_url(node, retry=Retry(NoBackoff(), 0), **timeouts)
    return redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0), **timeouts)


def batch_owner(name: str) -> str:
    """The run name a batch file name starts with: the worker that publishes it.

    >>> batch_owner("20261127T080000Z-ab12cd34-000007.jsonl.gz")
    '20261127T080000Z-ab12cd34'
    """
    return name.rsplit("-", 1)[0]


class RedisLink:
    """One Redis client whose commands retry with back-off while Redis is unreachable.

    After ``give_up`` seconds without an answer the link is lost: that command and
    every later one raise :class:`StateError` at once, and ``on_lost`` callbacks run
    (the crawl fails its run and closes).
    """

    def __init__(self, url: str, give_up: float = defaults.NEWSCRAWL_REDIS_GIVE_UP):
        self.url = url
        self.name = redacted(url)
        self.give_up = give_up
        self.stats = None
        self.lost: str | None = None
        self.on_lost: list[Callable[[str], None]] = []
        #: Every key newscrawl writes starts with this (hash-tagged on a cluster).
        self.prefix = CLUSTER_PREFIX if url.startswith(CLUSTER_SCHEME) else PREFIX
        self.client: redis.Redis | redis.RedisCluster | None = None
        self.client = self.call(lambda _: connect(url), "connect")

    def call(self, operation: Callable[[redis.Redis], T], what: str) -> T:
        """``operation(client)``, retried with back-off until it answers or the link is lost."""
        if self.lost:
            raise StateError(self.lost)
        started, delay, attempt = time.monotonic(), _FIRST_DELAY_S, 0
        while True:
            try:
                result = operation(self.client)
            except _UNREACHABLE as exc:
                attempt += 1
                waited = time.monotonic() - started
                if waited >= self.give_up:
                    self._lose(f"Redis at {self.name} unreachable for {waited:.0f} s ({what}): {exc}")
                self._count("retries")
                logger.warning("Redis at %s unreachable (%s, attempt %d): %s; retrying in %.1f s",
                               self.name, what, attempt, exc, delay)
                time.sleep(min(delay, max(self.give_up - waited, 0.0)))
                delay = min(delay * 2, _MAX_DELAY_S)
                continue
            if attempt:
                self._count("reconnected")
                logger.warning("Redis at %s reachable again after %d attempts (%s)",
                               self.name, attempt, what)
            return result

    def script(self, source: str) -> Callable[..., object]:
        """A Lua script, run by ``link.script(src)(keys=[...], args=[...])`` without retries."""
        return self.client.register_script(source)

    def _lose(self, message: str) -> None:
        self.lost = message
        self._count("lost")
        logger.error("%s; giving up", message)
        for callback in self.on_lost:
            callback(message)
        raise StateError(message)

    def _count(self, event: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newscrawl/redis/{event}")

    def close(self) -> None:
        self.client.close()


class RedisState:
    """The state store on Redis; see the module docstring for the keys."""

    def __init__(self, link: RedisLink, host: str | None = None):
        self.link = link
        self.prefix = link.prefix
        self.host = host or socket.gethostname()
        self._begin, self._commit, self._discard, self._claim = map(
            link.script, (_BEGIN_LUA, _COMMIT_LUA, _DISCARD_LUA, _CLAIM_LUA))
        #: The scripts name no key of their own; this one routes them to the slot of the store.
        self._route = [self.prefix + "schema-version"]
        #: Called with the ids of each committed batch's articles (frontier leases wait for them).
        self.commit_listeners: list[Callable[[list[str]], None]] = []
        self.link.call(lambda r: r.ping(), "ping")
        self._check_schema()

    def _check_schema(self) -> None:
        """Mark a new database with :data:`SCHEMA_VERSION`; refuse one of another version, or
        one holding articles without a version (written before versions were kept)."""
        key = self.prefix + "schema-version"
        version = self.link.call(lambda r: r.get(key), "schema version")
        if version is None and not self.link.call(lambda r: r.exists(self.prefix + "sites"), "schema version"):
            self.link.call(lambda r: r.set(key, SCHEMA_VERSION, nx=True), "schema version")
            version = self.link.call(lambda r: r.get(key), "schema version")
        if version != SCHEMA_VERSION:
            raise StateError(f"Redis state store at {self.link.name}: schema version {version or 1}; "
                             f"this newscrawl reads version {SCHEMA_VERSION}: use another database "
                             "number (its articles are then fetched and published again)")

    @classmethod
    def from_uri(cls, uri: str) -> RedisState:
        return cls(RedisLink(uri))

    def articles(self, keys: Iterable[str]) -> dict[str, Article]:
        keys = list(dict.fromkeys(keys))
        ids = dict(zip(keys, self._mget("key:", keys)))
        known = [i for i in dict.fromkeys(ids.values()) if i]
        found = {i: Article.from_json(json.loads(raw))
                 for i, raw in zip(known, self._mget("article:", known)) if raw}
        return {key: found[i] for key, i in ids.items() if i in found}

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        keys = list(dict.fromkeys(keys))  # a key is written with its article, in one commit
        return {key for key, i in zip(keys, self._mget("key:", keys)) if i}

    def fingerprint_owners(self, fingerprints: Iterable[str]) -> dict[str, str]:
        fingerprints = list(dict.fromkeys(fingerprints))
        return {fp: i for fp, i in zip(fingerprints, self._mget("fingerprint:", fingerprints)) if i}

    def candidates(self, signature: tuple[int, ...]) -> list[Article]:
        bands = [f"{self.prefix}band:{band}" for band in band_keys(signature)]
        if not bands:
            return []
        ids = sorted(self.link.call(lambda r: r.sunion(bands), "candidates"))
        return [Article.from_json(json.loads(raw)) for raw in self._mget("article:", ids) if raw]

    def sites_with_articles(self, sites: Iterable[str]) -> set[str]:
        sites = list(dict.fromkeys(sites))
        if not sites:
            return set()
        flags = self.link.call(lambda r: r.smismember(self.prefix + "sites", sites), "sites")
        return {site for site, flag in zip(sites, flags) if flag}

    def field_history(self, site: str) -> dict[str, tuple[int, int]]:
        counts = self.link.call(lambda r: r.hgetall(f"{self.prefix}fields:{site}"), "field history")
        fields = {name.rpartition(":")[0] for name in counts}
        return {field: (int(counts[f"{field}:records"]), int(counts.get(f"{field}:present", 0)))
                for field in fields}

    def add_field_counts(self, site: str, records: int, present: Mapping[str, int]) -> None:
        def add(client: redis.Redis) -> None:
            with client.pipeline(transaction=True) as multi:
                for field, count in present.items():
                    multi.hincrby(f"{self.prefix}fields:{site}", f"{field}:records", records)
                    multi.hincrby(f"{self.prefix}fields:{site}", f"{field}:present", count)
                multi.execute()
        self.link.call(add, "field counts")

    def validators(self, urls: Iterable[str]) -> dict[str, Validators]:
        urls = list(dict.fromkeys(urls))
        if not urls:
            return {}
        values = self.link.call(lambda r: r.hmget(self.prefix + "validators", urls), "validators")
        return {url: Validators(*json.loads(raw)) for url, raw in zip(urls, values) if raw}

    def save_validators(self, validators: Mapping[str, Validators]) -> None:
        if validators:
            mapping = {url: json.dumps(list(v)) for url, v in validators.items()}
            self.link.call(lambda r: r.hset(self.prefix + "validators", mapping=mapping), "save validators")

    def begin_batch(self, batch: Batch) -> None:
        """Record ``batch`` as pending; :class:`StaleBatch` (nothing written) when one of its
        articles was claimed by another worker or published meanwhile."""
        plan = json.dumps({"scope": self._scope(batch.directory), "directory": batch.directory,
                           "owner": batch_owner(batch.name),
                           "articles": [_commit_plan(a) for a in batch.articles]})
        args = [self.prefix, batch.name, plan]
        refused = self.link.call(lambda r: self._begin(self._route, args, client=r), "begin batch")
        if refused:
            raise StaleBatch(_stale_message(batch.name, *refused))

    def commit_batch(self, name: str) -> None:
        """Commit a pending batch (nothing when it is not pending); :class:`StaleBatch` when
        it may no longer be: it is then forgotten, and the caller removes its file."""
        args = [self.prefix, name]
        reply = self.link.call(lambda r: self._commit(self._route, args, client=r), "commit batch")
        if reply and reply[0] == "stale":
            raise StaleBatch(_stale_message(name, *reply[1:]))
        for listener in self.commit_listeners:
            listener(reply[1:])

    def discard_batch(self, name: str) -> None:
        args = [self.prefix, name]
        self.link.call(lambda r: self._discard(self._route, args, client=r), "discard batch")

    def pending_batches(self, directory: str) -> list[Batch]:
        scope = self.prefix + "batches:" + self._scope(directory)
        names = sorted(self.link.call(lambda r: r.smembers(scope), "pending batches"))
        plans = self._mget("batch:", names)
        return [Batch(name, directory, tuple(Article.from_json(json.loads(a["json"]))
                                             for a in json.loads(plan)["articles"]))
                for name, plan in zip(names, plans) if plan]

    def claim(self, article: Article, owner: str) -> str | None:
        """Claim ``article`` for the worker ``owner`` before it publishes it.

        ``None`` when claimed; otherwise why another worker has it: ``published``
        (committed meanwhile, or its body is), ``pending`` (in a batch being
        published), ``claimed`` (by a live worker). A dead worker's claims are taken over.
        """
        args = [self.prefix, article.id, article.fingerprint, article.version, owner, CLAIM_TTL_MS]
        refused = self.link.call(lambda r: self._claim(self._route, args, client=r), "claim")
        return refused or None

    def close(self) -> None:
        self.link.close()

    def _scope(self, directory: str) -> str:
        """Output directories are per machine: the same path elsewhere is another directory."""
        return f"{self.host}:{directory}"

    def _mget(self, kind: str, names: list[str]) -> list[str | None]:
        values: list[str | None] = []
        for start in range(0, len(names), _CHUNK):
            chunk = [self.prefix + kind + name for name in names[start:start + _CHUNK]]
            values += self.link.call(lambda r, keys=chunk: r.mget(keys), f"read {kind.rstrip(':')}")
        return values


def _commit_plan(article: Article) -> dict:
    """What the commit script writes for ``article``, computed once here.

    The article's JSON and the 64-bit band keys travel as strings, so Lua (whose
    numbers are doubles) never re-encodes a number.
    """
    return {"id": article.id, "json": json.dumps(article.to_json()), "site": article.site,
            "fingerprint": article.fingerprint, "version": article.version,
            "keys": [article.id, *article.url_keys],
            "bands": [str(band) for band in band_keys(article.signature)]}


def _stale_message(name: str, why: str, article_id: str) -> str:
    """Why a batch was refused.

    >>> _stale_message("w1-000003.jsonl", "claimed", "a1")
    'batch w1-000003.jsonl is stale: article a1 claimed by another worker meanwhile'
    """
    return f"batch {name} is stale: article {article_id} {why} by another worker meanwhile"
