"""Host checks for the links the ``news`` spider may follow.

The links themselves come from extraction (:mod:`newscrawl.extraction.links`, which
``newscrawl.links`` and this module's :class:`TreeLinkExtractor` name for old imports).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from newscrawl.extraction.links import PLAIN_URL, TreeLinkExtractor, is_plain_url
from newscrawl.urls import url_problem

__all__ = ["TreeLinkExtractor", "host_in_domains", "http_host", "is_plain_url"]

_HOST_CACHE_SIZE = 4096


def http_host(url: str) -> str | None:
    """The lower-case host of an absolute http(s) URL; ``None`` for anything else.

    The same URLs pass as :func:`newscrawl.urls.is_http_url`'s (checked by the same
    :func:`~newscrawl.urls.url_problem`); a plain URL (:func:`is_plain_url`) is not split at all.

    >>> http_host("https://News.Example.com/a"), http_host("file:///etc/passwd"), http_host("https:///a")
    ('news.example.com', None, None)
    >>> http_host("https://example.com:99999/a"), http_host("https://example.com:8080/a")
    (None, 'example.com')
    """
    plain = PLAIN_URL.fullmatch(url)
    if plain:
        return plain["host"]
    if url_problem(url):
        return None
    parts = urlsplit(url.strip())
    return parts.hostname if parts.hostname and parts.scheme in ("http", "https") else None


@lru_cache(maxsize=_HOST_CACHE_SIZE)
def host_in_domains(host: str, domains: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one.

    >>> host_in_domains("www.example.com", ("example.com",)), host_in_domains("badexample.com", ("example.com",))
    (True, False)
    """
    return any(host == d or host.endswith(f".{d}") for d in domains)
