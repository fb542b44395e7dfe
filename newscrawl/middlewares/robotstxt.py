"""robots.txt as RFC 9309 reads it, fetched once per host.

Scrapy's ``RobotsTxtMiddleware`` parses whatever body comes back, so a 503 error
page allows everything. RFC 9309 section 2.3.1: a 4xx robots.txt ("unavailable")
allows all; a 5xx one or a network error ("unreachable") means complete
disallow. 429 is treated as unreachable too, as Google does: a site that asks us
to slow down is not one to crawl this run.

Requests that arrive while a host's robots.txt is being fetched each get the
parser: Scrapy 2.19 hands it to the first waiter only (the shared Deferred's
next callbacks see ``None``, which allows everything).

The spider's own robots.txt request (to read ``Sitemap:`` lines) is answered from
the copy this middleware already fetched, so each host's robots.txt is fetched once.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def robots_policy(status: int) -> str:
    """How a robots.txt response of ``status`` is read: ``parse``, ``allow_all`` or ``disallow_all``.

    >>> [robots_policy(s) for s in (200, 404, 403, 429, 500, 503)]
    ['parse', 'allow_all', 'allow_all', 'disallow_all', 'disallow_all', 'disallow_all']
    """
    if status == 429 or status >= 500:
        return "disallow_all"
    if status >= 400:
        return "allow_all"
    return "parse"


class Rfc9309RobotsTxtMiddleware(RobotsTxtMiddleware):
    """``RobotsTxtMiddleware`` with RFC 9309 status handling and one fetch per host."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._bodies: dict[str, bytes] = {}

    async def process_request(self, request: Request) -> Response | None:
        await super().process_request(request)
        url = urlparse_cached(request)
        body = self._bodies.get(url.netloc)
        if body is None or url.path != "/robots.txt" or request.meta.get("dont_obey_robotstxt"):
            return None
        self._stats.inc_value("newscrawl/robots/reused")
        return TextResponse(request.url, body=body, encoding="utf-8", request=request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            return await maybe_deferred_to_future(_branch(pending))
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        policy = robots_policy(response.status)
        if policy == "disallow_all":
            self._stats.inc_value("newscrawl/robots/unreachable")
            logger.warning("robots.txt of %s answered %d: not crawling this host in this run",
                           netloc, response.status)
            response = response.replace(body=DISALLOW_ALL)
        elif policy == "allow_all":
            response = response.replace(body=b"")
        else:
            self._bodies[netloc] = response.body
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._stats.inc_value("newscrawl/robots/unreachable")
        logger.warning("robots.txt of %s could not be fetched (%s): not crawling this host "
                       "in this run", netloc, exc)
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        waiting.callback(parser)


def _branch(deferred: Deferred) -> Deferred:
    """A Deferred that fires with ``deferred``'s result and leaves it for the next waiter."""
    branch: Deferred = Deferred()

    def pass_on(result):
        branch.callback(result)
        return result

    deferred.addCallback(pass_on)
    return branch
