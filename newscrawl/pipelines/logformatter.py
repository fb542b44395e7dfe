"""Log lines for dropped items that name the reason and the URL, not the whole record.

The line's arguments are the reason's name and message, not the exception: Scrapy keeps
them in a local of the frame that caught the drop, and the exception's traceback holds
that frame, a reference cycle that would keep the page's response alive until Python's
cycle collector runs.
"""

from __future__ import annotations

from scrapy.logformatter import LogFormatter


class NewsLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        entry = super().dropped(item, exception, response, spider)
        entry["msg"] = "Dropped (%(reason)s): %(exception)s"
        entry["args"] = {"reason": type(exception).__name__, "exception": str(exception)}
        return entry
