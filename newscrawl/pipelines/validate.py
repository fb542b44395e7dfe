"""Drop records that are not publishable articles, each with a typed reason."""

from __future__ import annotations

from scrapy.exceptions import DropItem

OVER_TIME = "seconds"  # metadata.overBudget of a page over NEWSCRAWL_EXTRACT_MAX_SECONDS


class ExtractionOutOfTime(DropItem):
    """The page's time limit (``NEWSCRAWL_EXTRACT_MAX_SECONDS``) ran out before extraction had its body."""


class NotAnArticle(DropItem):
    """Extraction judged the page an index, tag, author or other non-article page."""


class MissingHeadline(DropItem):
    """An article page without a headline."""


class MissingBody(DropItem):
    """An article page without body text."""


class ValidatePipeline:
    """Let only articles with a headline and a body through.

    Scrapy's CoreStats counts each drop under ``item_dropped_reasons_count/<reason>``.
    """

    def process_item(self, item: dict) -> dict:
        url = item.get("url")
        if not item.get("articleBody") and OVER_TIME in item["metadata"].get("overBudget", ()):
            raise ExtractionOutOfTime(f"extraction ran out of time before the body text: {url}")
        if item["metadata"].get("pageType") != "article":
            raise NotAnArticle(f"not an article: {url}", log_level="DEBUG")
        if not item.get("headline"):
            raise MissingHeadline(f"no headline: {url}")
        if not item.get("articleBody"):
            raise MissingBody(f"no body text: {url}")
        return item
