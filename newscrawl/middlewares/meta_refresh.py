"""Meta refresh redirects read from the head of the page, not from all of its text.

Scrapy's ``MetaRefreshMiddleware`` looks for ``<meta http-equiv="refresh">`` in the first
4,096 characters of ``response.text``, which decodes the whole body and keeps the text on
the response: every page then holds its bytes and its text in the crawl's process (a 30 MB
page, 60 MB and more) until it is processed, though the page is parsed in a worker process.
This one decodes the first :data:`HEAD_BYTES` bytes only; otherwise it is Scrapy's, with
its settings (``METAREFRESH_ENABLED``, ``METAREFRESH_MAXDELAY``, ``METAREFRESH_IGNORE_TAGS``).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.httpobj import urlparse_cached
from w3lib.encoding import html_to_unicode
from w3lib.html import get_base_url, get_meta_refresh

HEAD_BYTES = 4096


def head_meta_refresh(body: bytes, content_type: str | None, url: str,
                      ignore_tags: list[str]) -> tuple[float | None, str | None]:
    """The refresh delay and URL declared in the first :data:`HEAD_BYTES` of ``body``.

    >>> page = b'<html><head><meta http-equiv="refresh" content="5; url=/next"></head>'
    >>> head_meta_refresh(page, "text/html", "https://e.com/a/b", [])
    (5.0, 'https://e.com/next')
    >>> head_meta_refresh(b"<html>" + b" " * HEAD_BYTES + page, None, "https://e.com/", [])
    (None, None)
    """
    encoding, text = html_to_unicode(content_type, body[:HEAD_BYTES])
    return get_meta_refresh(text, get_base_url(text, url, encoding), encoding, ignore_tags=ignore_tags)


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh redirects, without decoding the whole page."""

    def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:
        if (request.meta.get("dont_redirect", False) or request.method == "HEAD"
                or not isinstance(response, HtmlResponse)
                or urlparse_cached(request).scheme not in {"http", "https"}):
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        interval, url = head_meta_refresh(response.body, content_type, response.url, self._ignore_tags)
        if not url:
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if interval < self._maxdelay:
            return self._redirect(redirected, request, "meta refresh")
        return response
