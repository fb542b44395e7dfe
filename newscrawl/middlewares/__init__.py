"""Downloader middlewares: robots.txt per RFC 9309, Retry-After, incremental crawling."""
