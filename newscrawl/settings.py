"""Scrapy settings for newscrawl: safe, polite defaults for crawling news sites.

Every ``NEWSCRAWL_*`` setting is documented in the README with its default.
"""

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

ITEM_PIPELINES = {
    "newscrawl.pipelines.validate.ValidatePipeline": 100,
    "newscrawl.pipelines.dedupe.DedupePipeline": 200,
    "newscrawl.pipelines.publish.JsonLinesPipeline": 900,
}

EXTENSIONS = {"newscrawl.extensions.RunSummary": 500}

NEWSCRAWL_OUTPUT_DIR = "output"
NEWSCRAWL_OUTPUT_GZIP = False
NEWSCRAWL_SUMMARY_ENABLED = True
NEWSCRAWL_STATE_URI = "sqlite:///state/newscrawl.db"

LOG_FORMATTER = "newscrawl.logformatter.NewsLogFormatter"
LOG_LEVEL = "INFO"
