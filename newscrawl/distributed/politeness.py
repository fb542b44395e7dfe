"""Politeness for all workers together: per-domain concurrency and delay held in Redis.

Each worker's downloader already keeps ``CONCURRENT_REQUESTS_PER_DOMAIN`` and
``DOWNLOAD_DELAY`` for itself; N workers would hit a site N times as hard. Before
a request goes out, this middleware takes a token for its host in Redis (one
script): at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` tokens held at once, and
``DOWNLOAD_DELAY`` between two tokens given out, by Redis's clock. The token is
returned with the response or the failure; a dead worker's tokens expire after
``DOWNLOAD_TIMEOUT`` plus a margin. Keys: ``newscrawl:polite:<host>:holders`` and
``newscrawl:polite:<host>:next``.
"""

from __future__ import annotations

import uuid

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from newscrawl.distributed.worker import Worker, crawler_worker
from newscrawl.state.redis import PREFIX

TOKEN_META = "newscrawl_politeness_token"
_HOLD_MARGIN_S = 30
_POLL_MS = 50
#: KEYS: holders, next. ARGV: concurrency, delay ms, hold ms, token. Returns ms to wait (0: go).
_ACQUIRE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local next_at = tonumber(redis.call('GET', KEYS[2]) or '0')
if next_at > now then return next_at - now end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return tonumber(ARGV[5]) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[2], now + tonumber(ARGV[2]), 'PX', ARGV[2]) end
return 0
"""


class HostGate:
    """Tokens to send a request to one host, shared by every worker through Redis."""

    def __init__(self, worker: Worker, concurrency: int, delay: float, hold: float):
        self.link = worker.link
        self.args = [max(1, concurrency), int(delay * 1000), int(hold * 1000)]
        self._acquire = self.link.script(_ACQUIRE_LUA)

    def try_acquire(self, host: str, token: str) -> int:
        """0 when ``token`` now holds a slot of ``host``, else how many ms to wait first."""
        keys = [f"{PREFIX}polite:{host}:holders", f"{PREFIX}polite:{host}:next"]
        args = [*self.args, token, _POLL_MS]
        return int(self.link.call(lambda r: self._acquire(keys, args, client=r), "politeness"))

    def release(self, host: str, token: str) -> None:
        self.link.call(lambda r: r.zrem(f"{PREFIX}polite:{host}:holders", token), "politeness")


class GlobalPoliteness:
    """Downloader middleware: wait for the host's shared token before each download."""

    def __init__(self, crawler: Crawler, gate: HostGate):
        self.stats = crawler.stats
        self.gate = gate

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GlobalPoliteness:
        settings = crawler.settings
        gate = HostGate(crawler_worker(crawler), settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                        settings.getfloat("DOWNLOAD_DELAY"),
                        settings.getfloat("DOWNLOAD_TIMEOUT") + _HOLD_MARGIN_S)
        return cls(crawler, gate)

    async def process_request(self, request: Request) -> None:
        host, token = urlparse_cached(request).hostname or "", uuid.uuid4().hex
        waited = False
        while wait_ms := self.gate.try_acquire(host, token):
            waited = True
            await sleep(wait_ms / 1000)
        self.stats.inc_value("newscrawl/politeness/waited" if waited else "newscrawl/politeness/immediate")
        request.meta[TOKEN_META] = token

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        token = request.meta.pop(TOKEN_META, None)
        if token is not None:
            self.gate.release(urlparse_cached(request).hostname or "", token)
