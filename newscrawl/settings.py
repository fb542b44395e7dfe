"""Scrapy settings for newscrawl: safe, polite defaults for crawling news sites.

Every ``NEWSCRAWL_*`` setting is documented in the README with its default. This module is
the one place defaults live: code that needs one outside a crawl (an options dataclass built
in a test, ``open_state`` on its own) reads it here: ``from newscrawl import settings as defaults``.
"""

import os

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

# Set this to something that names you and how to reach you.
USER_AGENT = "newscrawl/0.1 (news article crawler; set USER_AGENT to your contact)"

# Politeness.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
DEPTH_LIMIT = 3
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# A page yields one record: more parallel item handling only starts idle tasks per response.
CONCURRENT_ITEMS = 1

DOWNLOADER_MIDDLEWARES = {
    # RFC 9309 robots.txt: 5xx/unreachable stops the host for the run, 4xx allows all.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.middlewares.robotstxt.Rfc9309RobotsTxtMiddleware": 100,
    # Retries that honour Retry-After on 429/503, with back-off otherwise.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # Incremental crawls: conditional requests for feeds and sitemaps (a 304 is not parsed).
    "newscrawl.middlewares.incremental.ConditionalRequests": 540,
    "newscrawl.middlewares.retry_after.RetryAfterMiddleware": 550,
    # Hostile input: binary "HTML", XML entity declarations, decompression bombs and
    # truncated compressed bodies, refused redirects: each dropped, logged and counted.
    "newscrawl.middlewares.safety.ResponseSafetyMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newscrawl.middlewares.safety_compression.SafeHttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    # Meta refresh read from the first 4 KiB of a page (Scrapy's decodes it all), after safety.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.middlewares.meta_refresh.HeadMetaRefreshMiddleware": 579,
    "newscrawl.middlewares.safety_redirect.SafeRedirectMiddleware": 600,
    # NEWSCRAWL_ARCHIVE: page responses as the spider reads them, to WARC files.
    "newscrawl.archive.middleware.ArchiveMiddleware": 570,
    # Big pages held by the crawl's process at once (NEWSCRAWL_MAX_HELD_PAGE_BYTES); sees a
    # download stopped for want of room before any other middleware does.
    "newscrawl.middlewares.page_bytes.PageBytesLimit": 950,
}
# Incremental crawls: article pages already published are not requested again.
SPIDER_MIDDLEWARES = {
    "newscrawl.middlewares.incremental.SkipPublished": 600,
    "newscrawl.archive.middleware.ArchiveLocationMiddleware": 610,  # metadata.archive
}
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}  # only http(s)

ITEM_PIPELINES = {
    "newscrawl.pipelines.validate.ValidatePipeline": 100,
    "newscrawl.pipelines.window.DateWindowPipeline": 150,
    "newscrawl.pipelines.dedupe.DedupePipeline": 200,
    "newscrawl.pipelines.publish.JsonLinesPipeline": 900,
}

# The log: a progress line per LOGSTATS_INTERVAL instead of Scrapy's "Crawled N pages", and
# the run summary as its last lines; the full stats are in the summary file (and at DEBUG).
EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,
    "newscrawl.extensions.layout_alarm.LayoutAlarm": 490,  # judged before the summary is
    "newscrawl.extensions.run_summary.RunSummary": 500,
    "newscrawl.extensions.site_stats.SiteStats": 510,
    "newscrawl.extensions.progress.Progress": 520,
}
STATS_DUMP = False

NEWSCRAWL_OUTPUT_DIR = "output"
NEWSCRAWL_OUTPUT_GZIP = False
NEWSCRAWL_SUMMARY_ENABLED = True
NEWSCRAWL_SITE_STATS_ENABLED = True
NEWSCRAWL_SITEMAP_MAX_DEPTH = 2
# The sitemaps.org limits of one sitemap: entries, and bytes uncompressed.
NEWSCRAWL_SITEMAP_MAX_URLS = 50_000
NEWSCRAWL_SITEMAP_MAX_BYTES = 50 * 1024 * 1024
# What extraction may spend on one page (newscrawl.extraction.budget.Limits); 0 is no limit.
NEWSCRAWL_EXTRACT_MAX_SOURCE_CHARS = 8 * 1024 * 1024
NEWSCRAWL_EXTRACT_MAX_ELEMENTS = 50_000
NEWSCRAWL_EXTRACT_MAX_TEXT_CHARS = 4_000_000
NEWSCRAWL_EXTRACT_MAX_SECONDS = 10.0
# Bytes of big pages (1 MiB or more) the crawl's process downloads or holds at once; 0: no limit.
NEWSCRAWL_MAX_HELD_PAGE_BYTES = 32 * 1024 * 1024
NEWSCRAWL_RETRY_AFTER_MAX = 60
NEWSCRAWL_RETRY_BACKOFF = 1.0
NEWSCRAWL_STATE_URI = "sqlite:///state/newscrawl.db"
NEWSCRAWL_INCREMENTAL = True
NEWSCRAWL_NEW_VERSIONS = True
NEWSCRAWL_NEAR_DUPLICATES = "mark"
NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD = 0.7  # estimated Jaccard similarity of 3-word shingles
NEWSCRAWL_BATCH_RECORDS = 1000
NEWSCRAWL_BATCH_SECONDS = 60.0
NEWSCRAWL_FAIL_ON_SILENT_SITE = False
NEWSCRAWL_FAIL_ON_LAYOUT_CHANGE = False

# The page archive (WARC), re-extraction and backfill (newscrawl/archive/).
NEWSCRAWL_ARCHIVE = False
NEWSCRAWL_ARCHIVE_DIR = "archive"
NEWSCRAWL_ARCHIVE_MAX_BYTES = 1024 * 1024 * 1024
NEWSCRAWL_ARCHIVE_WORKERS = 0

# Pages are parsed and extracted in worker processes, one per core (0: in the crawl's process).
NEWSCRAWL_EXTRACT_PROCESSES = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                               else os.cpu_count() or 1)
# A worker holding more than this many MB after a page is replaced by a fresh one (0: never).
NEWSCRAWL_EXTRACT_WORKER_MAX_MB = 90
NEWSCRAWL_SKIP_NON_PAGE_LINKS = True

# Distributed crawling: a redis:// NEWSCRAWL_STATE_URI shares the frontier and the state.
# Pending requests wait on disk (a temporary folder, or JOBDIR), unless distributed mode
# (listed first) chose its shared frontier: memory stays flat however long the queue.
ADDONS = {
    "newscrawl.distributed.DistributedMode": 0,
    "newscrawl.schedulers.disk_queue.DiskQueueMode": 10,
}
NEWSCRAWL_IDLE_EXIT = 30.0
NEWSCRAWL_LEASE_SECONDS = 60.0
NEWSCRAWL_REDIS_GIVE_UP = 60.0
NEWSCRAWL_WORKER_LEASES = 8

LOG_FORMATTER = "newscrawl.pipelines.logformatter.NewsLogFormatter"
LOG_LEVEL = "INFO"
