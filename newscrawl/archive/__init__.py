"""The raw pages: the crawl's WARC archive, and records made again from WARC files.

``members`` splits a WARC file into its gzip members, ``reader`` turns records into
pages (or reasons), ``writer`` and ``middleware`` archive a crawl's pages,
``pages``, ``pool`` and ``spider`` make records of archived pages on every core for
``scrapy reextract`` and ``scrapy backfill`` (``command``), and ``versions`` is the
dedupe rule of re-extraction.
"""
