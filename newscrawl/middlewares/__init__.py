"""Downloader and spider middlewares: what happens to a request and its response on the way.

- :mod:`~newscrawl.middlewares.robotstxt`: robots.txt per RFC 9309;
- :mod:`~newscrawl.middlewares.retry_after`: retries that honour ``Retry-After``;
- :mod:`~newscrawl.middlewares.safety`, ``safety_compression``, ``safety_redirect``: hostile input refused;
- :mod:`~newscrawl.middlewares.incremental`: conditional requests, published pages skipped;
- :mod:`~newscrawl.middlewares.page_bytes`: big pages held at once, bounded (backpressure).
"""
