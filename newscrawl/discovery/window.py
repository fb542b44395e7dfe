"""The date window of ``-a since=``: which feed, sitemap and link dates fall before it.

``since`` is an ISO 8601 date or time (``2026-11-01``, ``2026-11-01T06:00+01:00``)
or an age (``48h``, ``7d``, ``90m``, ``2w``). Dates without an offset are UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from newscrawl.extraction.dates import utc_moment

_AGE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_AGE_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# A /YYYY/MM/ (optionally /DD/) date in a URL path, as news sites put in article URLs.
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(?:(0?[1-9]|[12]\d|3[01])/)?")
_ONE_DAY = timedelta(days=1)


def parse_since(value: str, now: datetime) -> datetime:
    """The start of the window as an aware UTC datetime; ``ValueError`` if ``value`` is neither form.

    >>> now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    >>> parse_since("48h", now).isoformat(), parse_since("2026-11-01", now).isoformat()
    ('2026-11-25T12:00:00+00:00', '2026-11-01T00:00:00+00:00')
    >>> parse_since("2026-11-01T06:00+01:00", now).isoformat()
    '2026-11-01T05:00:00+00:00'
    >>> parse_since("last week", now)
    Traceback (most recent call last):
    ValueError: since='last week': use an ISO 8601 date or time (2026-11-01) or an age (48h, 7d)
    """
    age = _AGE.match(value)
    if age:
        return now - timedelta(**{_AGE_UNITS[age[2].lower()]: int(age[1])})
    try:
        return _as_utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise ValueError(
            f"since={value!r}: use an ISO 8601 date or time (2026-11-01) or an age (48h, 7d)"
        ) from None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class DateWindow:
    """Everything published at or after ``since``."""

    since: datetime

    def before(self, value: str | None) -> bool:
        """True when the ISO 8601 ``value`` is certainly before the window.

        A date alone counts as its whole day, so it is before only when the day
        ends before ``since``; a missing or unreadable date is never before.

        >>> window = DateWindow(datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc))
        >>> window.before("2026-10-31"), window.before("2026-11-01"), window.before(None)
        (True, False, False)
        >>> window.before("2026-11-01T07:59:00+00:00"), window.before("2026-11-01T08:30:00+01:00")
        (True, True)
        """
        end = _latest_moment(value)
        return end is not None and end < self.since

    def url_before(self, url: str) -> bool:
        """True when the /YYYY/MM/(DD/) date in ``url``'s path ends a day or more before ``since``.

        The day of slack covers sites that date URLs in their own time zone.

        >>> window = DateWindow(datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc))
        >>> window.url_before("https://e.com/2026/09/a.html"), window.url_before("https://e.com/2026/10/a")
        (True, False)
        >>> window.url_before("https://e.com/2026/10/30/a"), window.url_before("https://e.com/world/a")
        (True, False)
        >>> window.url_before("https://e.com/2015/02/31/no-such-day")
        False
        """
        match = _URL_DATE.search(url)
        end = _period_end(*match.groups()) if match else None
        return end is not None and end + _ONE_DAY <= self.since


def _latest_moment(value: str | None) -> datetime | None:
    """The last instant ``value`` can mean: itself for a time, the end of the day for a date."""
    moment = utc_moment(value)
    if moment is None or "T" in value or " " in value.strip():
        return moment
    return moment + _ONE_DAY


def _period_end(year: str, month: str, day: str | None) -> datetime | None:
    """The end of the day, or of the month, a URL date names (UTC); ``None`` for no such day.

    >>> _period_end("2026", "12", None).isoformat(), _period_end("2026", "2", "28").isoformat()
    ('2027-01-01T00:00:00+00:00', '2026-03-01T00:00:00+00:00')
    """
    try:
        start = date(int(year), int(month), int(day or 1))
    except ValueError:
        return None
    if day:
        end = start + _ONE_DAY
    else:
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return datetime(end.year, end.month, end.day, tzinfo=timezone.utc)
