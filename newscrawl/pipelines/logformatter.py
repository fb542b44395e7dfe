"""Log lines for dropped items that name the reason and the URL, not the whole record."""

from __future__ import annotations

from scrapy.logformatter import LogFormatter


class NewsLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        entry = super().dropped(item, exception, response, spider)
        entry["msg"] = "Dropped (%(reason)s): %(exception)s"
        entry["args"] = {"reason": type(exception).__name__, "exception": exception}
        return entry
