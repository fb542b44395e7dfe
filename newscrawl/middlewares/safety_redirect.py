"""``RedirectMiddleware`` that names and counts the redirects it refuses.

Scrapy follows redirects only to ``http``/``https`` and at most
``REDIRECT_MAX_TIMES`` times, and strips ``Authorization`` and ``Cookie`` when a
redirect leaves the host; but it drops loops and long chains with a debug line
only, and hands a redirect to ``file://`` or ``ftp://`` on as an unhandled 3xx.
This subclass drops each with a warning and a count under
``newscrawl/safety/redirect/<reason>``: ``loop`` (back to a URL of the same
chain), ``too_many`` (more than ``REDIRECT_MAX_TIMES``) and ``not_http``.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTTP_SCHEMES = frozenset({"http", "https"})


def redirect_target(request: Request, response: Response) -> str | None:
    """The absolute URL a 3xx response points to, or ``None`` for any other response.

    >>> redirect_target(Request("https://e.com/a/b"), Response("https://e.com/a/b", status=302,
    ...                 headers={"Location": "file:///etc/passwd"}))
    'file:///etc/passwd'
    >>> redirect_target(Request("https://e.com/a"), Response("https://e.com/a", status=200)) is None
    True
    """
    location = response.headers.get("Location")
    if response.status not in REDIRECT_STATUSES or not location:
        return None
    return urljoin(request.url, safe_url_string(location))


class SafeRedirectMiddleware(RedirectMiddleware):
    """Follow redirects as Scrapy does; drop and count loops, long chains and other schemes."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            target = redirect_target(request, response)
        except ValueError as exc:  # a port out of range, a bracketed host that is no address
            if self._follows(request, response):
                raise self._refused("bad_location", request, f"redirects to a URL that cannot be parsed ({exc})") from exc
            return response
        if target and urlsplit(target).scheme not in HTTP_SCHEMES and self._follows(request, response):
            raise self._refused("not_http", request, f"redirects to {target.split(':', 1)[0]}:")
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:
            raise self._refused("too_many", request, f"more than {self.max_redirect_times} redirects") from exc
        if isinstance(result, Request) and result.url in _chain(request):
            raise self._refused("loop", request, f"redirect loop back to {result.url}")
        return result

    def _follows(self, request: Request, response: Response) -> bool:
        """Whether Scrapy would follow this response's redirect, whatever its target."""
        handled = (*getattr(self.crawler.spider, "handle_httpstatus_list", ()),
                   *request.meta.get("handle_httpstatus_list", ()))
        return not (request.meta.get("dont_redirect") or request.meta.get("handle_httpstatus_all")
                    or response.status in handled)

    def _refused(self, reason: str, request: Request, why: str) -> IgnoreRequest:
        """Count and log a refused redirect; the exception that drops it."""
        self.crawler.stats.inc_value(f"newscrawl/safety/redirect/{reason}")
        message = f"{request.url}: {why}; dropped"
        logger.warning(message)
        return IgnoreRequest(message)


def _chain(request: Request) -> list[str]:
    """The URLs of a redirect chain so far, ``request`` included."""
    return [*request.meta.get("redirect_urls", []), request.url]
