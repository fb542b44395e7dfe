"""The shared frontier on Redis: leased pops, seeding, and idle exit.

scrapy-redis marks a URL seen when it is enqueued and pops requests destructively,
so a worker that dies loses what it had taken, and the URLs stay "seen". Here:

- enqueueing is one script: mark the fingerprint seen and add the request, or do
  neither (a request handed back by a redirect or retry releases its old lease in
  the same step);
- popping is one script that moves the request into a lease (``leases``, a sorted
  set of deadlines by Redis's clock); the worker's heartbeat extends its leases,
  and any pop first returns expired leases to the queue, so a dead worker's
  requests come back after one lease period (``NEWSCRAWL_LEASE_SECONDS``);
- a lease is acknowledged (:mod:`newscrawl.distributed.leases`) when its page's
  work is done and published.

:mod:`newscrawl.distributed.scheduler` puts this under scrapy-redis's scheduler.

Keys (``newscrawl:<spider>:``): ``requests`` (scrapy-redis's priority queue),
``dupefilter`` (request fingerprints of this run), ``leases``, ``lease-requests``,
``lease-scores``, ``lease-counter``, and ``seeded`` (``<worker> seeding|done``).
A run ends when its frontier is empty: the last worker clears ``dupefilter`` and
``seeded``, so the next start seeds a new run.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from scrapy.crawler import Crawler

from newscrawl.context import crawl_context
from newscrawl.distributed.worker import Worker, crawler_worker
from newscrawl.state.redis import PREFIX

logger = logging.getLogger(__name__)

_NOW_MS = ("local t = redis.call('TIME') "
           "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ")
#: KEYS: queue, leases, lease-requests, lease-scores, publishing, dupefilter. ARGV: fingerprint ('' for
#: dont_filter), score, request, lease handed back ('' for none). Returns 1 if queued.
_ENQUEUE_LUA = """
local added = 1
if ARGV[1] ~= '' then added = redis.call('SADD', KEYS[6], ARGV[1]) end
if added == 1 then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3]) end
if ARGV[4] ~= '' then
  redis.call('ZREM', KEYS[2], ARGV[4])
  for k = 3, 5 do redis.call('HDEL', KEYS[k], ARGV[4]) end
end
return added
"""
#: KEYS: queue, leases, lease-requests, lease-scores, publishing, lease-counter. ARGV: lease ms.
#: Returns {expired leases requeued, lease id, request} or {expired} when the queue is empty.
_POP_LUA = _NOW_MS + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  local data = redis.call('HGET', KEYS[3], id)
  if data then redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], id), data) end
  redis.call('ZREM', KEYS[2], id)
  for k = 3, 5 do redis.call('HDEL', KEYS[k], id) end
end
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return {#expired} end
local id = tostring(redis.call('INCR', KEYS[6]))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), id)
redis.call('HSET', KEYS[3], id, popped[1]); redis.call('HSET', KEYS[4], id, popped[2])
return {#expired, id, popped[1]}
"""
#: KEYS: leases. ARGV: lease ms, lease ids. Extends the leases that still exist.
_EXTEND_LUA = _NOW_MS + """
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return #ARGV - 1
"""
#: KEYS: queue, leases, publishing. ARGV: worker key prefix. Requests queued or leased,
#: less the leases whose page is done and whose live worker is only publishing its items.
_OUTSTANDING_LUA = """
local count = redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])
local publishing = redis.call('HGETALL', KEYS[3])
for i = 2, #publishing, 2 do
  if redis.call('EXISTS', ARGV[1] .. publishing[i]) == 1 then count = count - 1 end
end
return count
"""
#: KEYS: seeded, queue, leases, dupefilter. ARGV: worker, worker key prefix.
#: Returns false when this worker is to seed, else the ``seeded`` value it joins.
_SEED_LUA = """
local seeded = redis.call('GET', KEYS[1])
local empty = redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[3]) == 0
if seeded then
  local owner, phase = string.match(seeded, '^(%S+) (%a+)$')
  if phase == 'seeding' and redis.call('EXISTS', ARGV[2] .. owner) == 1 then return seeded end
  if phase == 'done' and not empty then return seeded end
end
if empty then redis.call('DEL', KEYS[4]) end
redis.call('SET', KEYS[1], ARGV[1] .. ' seeding')
return false
"""
#: KEYS: seeded, queue, leases, dupefilter. Ends a seeded run whose frontier is empty.
_END_RUN_LUA = """
if redis.call('ZCARD', KEYS[2]) > 0 or redis.call('ZCARD', KEYS[3]) > 0 then return 0 end
local seeded = redis.call('GET', KEYS[1])
if seeded and not string.find(seeded, ' done$') then return 0 end
redis.call('DEL', KEYS[1], KEYS[4])
return 1
"""


@dataclass(frozen=True)
class FrontierKeys:
    """The Redis keys of one spider's frontier.

    >>> FrontierKeys.of("news").queue
    'newscrawl:news:requests'
    """

    queue: str
    dupefilter: str
    leases: str
    lease_requests: str
    lease_scores: str
    lease_counter: str
    seeded: str
    publishing: str

    @classmethod
    def of(cls, spider: str) -> FrontierKeys:
        base = f"{PREFIX}{spider}:"
        return cls(*(base + name for name in ("requests", "dupefilter", "leases", "lease-requests",
                                              "lease-scores", "lease-counter", "seeded",
                                              "publishing")))

    @property
    def lease_keys(self) -> list[str]:
        return [self.queue, self.leases, self.lease_requests, self.lease_scores, self.publishing]


class Frontier:
    """The frontier's operations, each one atomic script or transaction on Redis."""

    def __init__(self, worker: Worker, spider: str):
        self.worker = worker
        self.link = worker.link
        self.keys = FrontierKeys.of(spider)
        self.last_busy = time.monotonic()
        scripts = (_ENQUEUE_LUA, _POP_LUA, _EXTEND_LUA, _SEED_LUA, _END_RUN_LUA, _OUTSTANDING_LUA)
        (self._enqueue, self._pop, self._extend, self._seed, self._end_run,
         self._outstanding) = map(self.link.script, scripts)

    def enqueue(self, data: str, score: int, fingerprint: str, handed_back: str) -> bool:
        """Queue a request unless its fingerprint was seen; release the lease it came back from."""
        keys, args = [*self.keys.lease_keys, self.keys.dupefilter], [fingerprint, score, data, handed_back]
        return bool(self.link.call(lambda r: self._enqueue(keys, args, client=r), "enqueue"))

    def pop(self) -> tuple[str, str] | None:
        """``(lease id, request)`` of the next request, leased to this worker; ``None`` if empty."""
        keys, args = [*self.keys.lease_keys, self.keys.lease_counter], [self.worker.options.lease_ms]
        reply = self.link.call(lambda r: self._pop(keys, args, client=r), "pop")
        if reply[0]:
            self.worker.crawler.stats.inc_value("newscrawl/frontier/lease_expired", reply[0])
            logger.warning("%d expired leases (a worker died or stalled) returned to the queue", reply[0])
        if len(reply) == 1:
            return None
        self.last_busy = time.monotonic()
        return reply[1], reply[2]

    def extend(self, leases: list[str]) -> None:
        if leases:
            args = [self.worker.options.lease_ms, *leases]
            self.link.call(lambda r: self._extend([self.keys.leases], args, client=r), "extend leases")

    def ack(self, lease: str) -> None:
        """Forget a lease whose work is done."""
        self.link.call(lambda r: self._ack(r, lease), "acknowledge")

    def _ack(self, client, lease: str) -> None:
        with client.pipeline(transaction=True) as multi:
            multi.zrem(self.keys.leases, lease)
            for key in (self.keys.lease_requests, self.keys.lease_scores, self.keys.publishing):
                multi.hdel(key, lease)
            multi.execute()

    def publishing(self, lease: str) -> None:
        """The page of ``lease`` is done; its items wait for this worker's next batch."""
        self.link.call(lambda r: r.hset(self.keys.publishing, lease, self.worker.name), "publishing")

    def outstanding(self, own_working: int = 0) -> int:
        """Requests queued, or leased and not done, by other workers; a non-zero count keeps
        the idle clock at 0. Leases of live workers that only wait for their batch to be
        published are left out (they publish it as they close); a dead worker's are not.
        """
        keys, args = [self.keys.queue, self.keys.leases, self.keys.publishing], [f"{PREFIX}worker:"]
        count = self.link.call(lambda r: self._outstanding(keys, args, client=r), "count")
        count = max(0, count - own_working)
        if count:
            self.last_busy = time.monotonic()
        return count

    def begin_seeding(self) -> str | None:
        """``None`` when this worker seeds the run, else who seeded the run it joins."""
        keys = [self.keys.seeded, self.keys.queue, self.keys.leases, self.keys.dupefilter]
        args = [self.worker.name, f"{PREFIX}worker:"]
        return self.link.call(lambda r: self._seed(keys, args, client=r), "seed")

    def finish_seeding(self) -> None:
        value = f"{self.worker.name} done"
        self.link.call(lambda r: r.set(self.keys.seeded, value, xx=True), "seeded")

    def end_run(self) -> bool:
        """Close the run when its frontier is empty: the next worker to start seeds anew."""
        keys = [self.keys.seeded, self.keys.queue, self.keys.leases, self.keys.dupefilter]
        return bool(self.link.call(lambda r: self._end_run(keys, [], client=r), "end run"))


def crawler_frontier(crawler: Crawler) -> Frontier:
    """The crawl's :class:`Frontier`, created on first use."""
    return crawl_context(crawler).service(
        Frontier, lambda: Frontier(crawler_worker(crawler), crawler.spidercls.name))
