"""URL canonicalisation and record ids."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_TRACKING_PARAM = re.compile(
    r"^(?:utm_\w*|fbclid|gclid|gclsrc|dclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"ocid|cmpid|ns_\w+|at_\w+|ito|icid|xtor|spm|ref_src|__twitter_impression)$",
    re.IGNORECASE,
)


def is_http_url(url: object) -> bool:
    """True for an absolute http(s) URL with a host, one :func:`canonical_url` can read.

    >>> is_http_url("https://example.com/a"), is_http_url("javascript:alert(1)")
    (True, False)
    >>> is_http_url("https://example.com:99999/a"), is_http_url("http://[zz]/a")
    (False, False)
    """
    if not isinstance(url, str) or url_problem(url):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be read as a URL (its port, a bracketed host, a lone surrogate), or None.

    >>> url_problem("https://e.com:99999/a"), url_problem("https://[::1"), url_problem("https://e.com/a")
    ('Port out of range 0-65535', 'Invalid IPv6 URL', None)
    """
    try:
        urlsplit(url.strip()).port
        url.encode("utf-8")
    except ValueError as error:
        return str(error)
    return None


def canonical_url(url: str) -> str:
    """The URL without tracking parameters or fragment, in w3lib's canonical form.

    >>> canonical_url("HTTPS://Example.com/a?utm_source=x&b=2&fbclid=y&a=1#top")
    'https://example.com/a?a=1&b=2'
    """
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING_PARAM.match(k)]
    cleaned = urlunsplit(parts._replace(query=urlencode(query)))
    return canonicalize_url(cleaned)


def record_id(url: str) -> str:
    """A stable record id: the first 16 bytes of SHA-256 of the canonical URL, in hex.

    >>> record_id("https://example.com/a?utm_medium=email") == record_id("https://example.com/a")
    True
    >>> len(record_id("https://example.com/a"))
    32
    """
    return canonical_id(canonical_url(url))


def canonical_id(canonical: str) -> str:
    """:func:`record_id` of a URL already in :func:`canonical_url`'s form, not canonicalised again.

    >>> canonical_id(canonical_url("https://example.com/a")) == record_id("https://example.com/a")
    True
    """
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
