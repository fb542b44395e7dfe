"""Retries that back off on 429 and 503, waiting as long as ``Retry-After`` asks.

Scrapy's ``RetryMiddleware`` retries at once. This one waits first, without
blocking the reactor: ``Retry-After`` seconds (or until its HTTP date) when the
server sends it, else ``NEWSCRAWL_RETRY_BACKOFF`` seconds doubled per earlier
retry; never longer than ``NEWSCRAWL_RETRY_AFTER_MAX``. A server that asks for
longer than that is not retried this run. Other retry codes retry as in Scrapy.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep

logger = logging.getLogger(__name__)

BACKOFF_CODES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, now: datetime) -> float | None:
    """Seconds to wait that a ``Retry-After`` header asks for, or ``None`` if it asks nothing.

    >>> now = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
    >>> retry_after_seconds(b"120", now), retry_after_seconds("Fri, 27 Nov 2026 08:00:30 GMT", now)
    (120.0, 30.0)
    >>> retry_after_seconds(b"soon", now), retry_after_seconds(None, now), retry_after_seconds("-5", now)
    (None, None, 0.0)
    """
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.lstrip("-").isdigit():
        return max(0.0, float(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """``RetryMiddleware`` that waits before retrying a 429 or 503."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler.settings)
        self.crawler = crawler
        settings = crawler.settings
        self.max_wait = settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")
        self.backoff = settings.getfloat("NEWSCRAWL_RETRY_BACKOFF")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RetryAfterMiddleware":
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in BACKOFF_CODES or request.meta.get("dont_retry", False):
            return super().process_response(request, response)
        wait, reason = self._wait(request, response)
        if wait is None:
            self.crawler.stats.inc_value("newscrawl/retry/retry_after_too_long")
            logger.warning("%s: server asks to retry later than %.0f s; not retried this run",
                           request, self.max_wait)
            return response
        retry = super().process_response(request, response)
        if isinstance(retry, Request):
            self.crawler.stats.inc_value(f"newscrawl/retry/waited/{reason}")
            logger.debug("waiting %.1f s (%s) before retrying %s", wait, reason, request)
            await sleep(wait)
        return retry

    def _wait(self, request: Request, response: Response) -> tuple[float | None, str]:
        """Seconds to wait and why (``retry_after`` or ``backoff``); ``None`` if too long."""
        asked = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(timezone.utc))
        if asked is None:
            return min(self.backoff * 2 ** request.meta.get("retry_times", 0), self.max_wait), "backoff"
        return (asked if asked <= self.max_wait else None), "retry_after"
