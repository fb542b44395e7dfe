"""What to fetch: article links from feeds, sitemaps, robots.txt and pages, and the date window.

- :mod:`~newscrawl.discovery.sources`: feeds, sitemaps and robots.txt parsed into :class:`Link` hints;
- :mod:`~newscrawl.discovery.links`: the links of a page parsed once, and host checks;
- :mod:`~newscrawl.discovery.window`: ``-a since`` as a :class:`DateWindow`.

Pure parsing, no requests: the ``news`` spider decides what to request from these.
"""

from newscrawl.discovery.sources import (
    Link,
    SitemapLimits,
    declares_entities,
    feed_links,
    parse_sitemap,
    robots_sitemaps,
)
from newscrawl.discovery.window import DateWindow, parse_since

__all__ = ["DateWindow", "Link", "SitemapLimits", "declares_entities", "feed_links",
           "parse_sitemap", "parse_since", "robots_sitemaps"]
