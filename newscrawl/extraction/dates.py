"""Publication and modification dates: sources in order of trust, one parser.

Structured data first (the article's JSON-LD object), then ``<meta>`` tags, then
``<time>`` elements and ``itemprop`` markup, then the URL. Every value goes through
:func:`normalize_date`, which keeps the page's own UTC offset.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone as dt_timezone
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as date_parser
from lxml import etree

from newscrawl.extraction.document import Document, following_elements
from newscrawl.extraction.headline import article_heading
from newscrawl.extraction.shown_date import (
    ShownDate, labelled_day, labelled_update_day, month_number, printed_day, printed_days, shown_dates,
)
from newscrawl.extraction.structured import (
    article_object, elements, jsonld_objects, jsonld_types, meta_content, meta_named, parsely_page,
)
from newscrawl.extraction.values import clean_text

MIN_YEAR, MAX_YEAR = 1990, 2100
#: The westmost and eastmost UTC offsets in use: a moment's day somewhere on Earth lies between.
_UTC_OFFSETS = (timedelta(hours=-12), timedelta(hours=14))
_HAS_YEAR = re.compile(r"\d{4}")
_HAS_TIME = re.compile(r"\d:\d\d|T\d\d")
_DAY_FIRST = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.")
# Day and month before the year, in either order: "03/11/2026", "3-11-26".
_SHORT_NUMERIC = re.compile(r"\b(\d{1,2})([/-])(\d{1,2})\2(?:\d\d){1,2}\b")
# Locales that write the month first (03/11/2026 is March 11); elsewhere the day comes first.
_MONTH_FIRST_LOCALES = frozenset({"en", "en-us"})
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
# dateutil fills what a text leaves out from a default (today's date unless told): two defaults
# that differ in every field of a day show whether the text named the year, month and day
_FIRST_DEFAULT, _SECOND_DEFAULT = datetime(1, 1, 1), datetime(2, 2, 2)
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2]|[a-z]{3,9})[/-]?(0[1-9]|[12]\d|3[01])(?:[/_+-]|\.html|$)",
    re.IGNORECASE,
)
# Other names sites give the publication date's <meta>: "w-published-date", "og:publish_date".
_PUBLISHED_META_NAME = re.compile(
    r"(?:^|[^a-z])(?:first_?)?(?:publish(?:ed)?[-_.]?(?:date|time|at)|publication[-_]?date|pub[-_]?date)$"
)

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "article.published", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "date", "pubdate",
    "publishdate", "publish-date", "publish_date", "publication_date", "release_date",
    "cxenseparse:recs:publishtime", "date.available", "dc.date.created", "datecreated",
    "rnews:datepublished", "originalpublicationdate", "published", "published-date",
    "article:published", "publication-date", "pub_date", "date_published",
)
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "article.updated", "dc.date.modified", "dcterms.modified", "last-modified",
    "date.modified", "lastmod",
)
# Found by the attribute, then its element (see _DATE_ELEMENTS): half the time of a test of every element.
# Both dates in one search: the record asks for the modification date of every page.
_ITEMPROP_DATES = etree.XPath(
    "/descendant::*/@itemprop[. = 'datePublished' or . = 'dateModified']/parent::*[@datetime or @content]"
)
# RDFa, as Drupal prints it: <span property="dc:date dc:created" content="2026-11-10T14:05:00+00:00">
_RDFA_CREATED = etree.XPath(
    "(/descendant::*/@property[contains(concat(' ', normalize-space(), ' '), ' dc:created ')"
    " or contains(concat(' ', normalize-space(), ' '), ' dc:date ')]/parent::*[@content])[1]/@content"
)
_MAX_DATE_ELEMENTS = 5
_DATE_LABELS = ("Datum", "Date", "Published", "Veröffentlicht", "Publicado", "Publié le", "Fecha")
# The labels, each with and without a colon, between line breaks, which no normalized text holds:
# a text is a label when it stands between two of them, found with one normalization of the text
# rather than one for each label (a big <span> costs as much as the page).
_LABEL_LIST = "".join(f"\n{label}\n{label}:" for label in _DATE_LABELS) + "\n"
# Steps by tag name and tests on the class attribute itself: libxml2 tests an element's name
# or attributes in a predicate several times slower than it walks the tree.
_DATE_ELEMENTS = etree.XPath(
    "/descendant::*/@class[contains(., 'date') or contains(., 'Date')]"
    "/parent::*[string-length(normalize-space()) < 80]"
    " | (/descendant::strong | /descendant::b | /descendant::dt | /descendant::span)["
    f"contains('{_LABEL_LIST}', concat('\n', normalize-space(), '\n'))]/.."
)
# Short elements just under the headline, where bylines print the date ("By A · May 3, 2024"),
# read one by one after the headline until enough are found.
_UNDER_HEADLINE_TAGS = frozenset({"p", "div", "span", "time", "li"})
_UNDER_HEADLINE_ELEMENTS = 4
_IS_SHORT = etree.XPath("string-length(normalize-space()) < 120")
_TIME_AFTER = etree.XPath("following::time[@datetime][1]/@datetime")


def normalize_date(value: object, timezone: str | None = None, month_first: bool = True) -> str | None:
    """An ISO 8601 string for a date value: the page's offset kept, ``timezone`` for naive times.

    A date without a time of day stays a date; years outside 1990-2100 are refused.
    ``month_first`` reads an ambiguous ``03/11/2026`` as March 11, as dateutil does; extraction
    passes the page's own order (:func:`reads_month_first`).

    >>> normalize_date("2024-05-03 17:47", "Europe/Vienna")
    '2024-05-03T17:47:00+02:00'
    >>> normalize_date("2024-05-03T15:47:42.389Z")
    '2024-05-03T15:47:42.389000+00:00'
    >>> normalize_date("03.05.2024"), normalize_date("Fri, 3 May 2024 17:47:00 +0200")
    ('2024-05-03', '2024-05-03T17:47:00+02:00')
    >>> normalize_date("0001-01-01T00:00:00") is None, normalize_date(["2024"]) is None
    (True, True)

    JSON numbers are epoch seconds or milliseconds:

    >>> normalize_date(1714751262), normalize_date(1714751262389)
    ('2024-05-03T15:47:42+00:00', '2024-05-03T15:47:42+00:00')

    Python's JSON reader takes ``NaN`` and ``Infinity``, which are no time:

    >>> normalize_date(float("nan")), normalize_date(float("-inf"))
    (None, None)
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if math.isfinite(value) else None
    text = clean_text(value, 100)
    if not text:
        return None
    parsed = parse_datetime(text, month_first)
    if parsed is None or not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return None
    if not _HAS_TIME.search(text) and not _EPOCH.match(text):
        return parsed.date().isoformat()
    if parsed.tzinfo is None and timezone:
        parsed = parsed.replace(tzinfo=_zone(timezone))
    return parsed.isoformat()


def utc_moment(value: str | None) -> datetime | None:
    """An ISO 8601 date or time as an aware datetime, a naive one taken as UTC; ``None`` if not one.

    >>> utc_moment("2026-11-10T09:15:00+01:00").isoformat(), utc_moment(" 2026-11-10 ").isoformat()
    ('2026-11-10T09:15:00+01:00', '2026-11-10T00:00:00+00:00')
    >>> utc_moment("yesterday"), utc_moment(None)
    (None, None)
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt_timezone.utc)


def parse_datetime(text: str, month_first: bool = True) -> datetime | None:
    """Parse one date string (ISO 8601, RFC 2822, ``dd.mm.yyyy``, epoch seconds); ``None`` if unsure,
    or if it names no day: a year or a month is not a date of publication.

    >>> parse_datetime("1714751262")
    datetime.datetime(2024, 5, 3, 15, 47, 42, tzinfo=datetime.timezone.utc)
    >>> parse_datetime("1 January 2020"), parse_datetime("2020"), parse_datetime("May 2020")
    (datetime.datetime(2020, 1, 1, 0, 0), None, None)
    >>> parse_datetime("no date here") is None
    True
    """
    if _EPOCH.match(text):
        return datetime.fromtimestamp(int(text[:10]), tz=dt_timezone.utc)
    if not _HAS_YEAR.search(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return _parse_whole_day(text, reads_day_first(text, month_first))
    except (ValueError, OverflowError):
        return None


def _parse_whole_day(text: str, dayfirst: bool) -> datetime | None:
    """dateutil's reading of ``text`` if the text names the year, the month and the day.

    A second reading, with other defaults, is needed only when the first could have taken one
    of them from its default (year 1, January, the 1st).

    >>> _parse_whole_day("3 May 2020", False), _parse_whole_day("2020/05", False)
    (datetime.datetime(2020, 5, 3, 0, 0), None)
    """
    parsed = date_parser.parse(text, dayfirst=dayfirst, default=_FIRST_DEFAULT)
    may_be_default = 1 in (parsed.year, parsed.month, parsed.day)
    if may_be_default and parsed != date_parser.parse(text, dayfirst=dayfirst, default=_SECOND_DEFAULT):
        return None
    return parsed


def reads_day_first(text: str, month_first: bool) -> bool:
    """Whether the day comes before the month in ``text``: ``03.11.2026``, or ``03/11/2026``
    unless ``month_first`` (the page's locale writes the month first) or the numbers say otherwise.

    >>> reads_day_first("03/11/2026", month_first=False), reads_day_first("03/11/2026", month_first=True)
    (True, False)
    >>> reads_day_first("25/03/2022", month_first=True), reads_day_first("11/20/2019", month_first=False)
    (True, False)
    >>> reads_day_first("2024/05/03", month_first=False), reads_day_first("3.11.2026", month_first=True)
    (False, True)
    """
    if _DAY_FIRST.search(text):
        return True
    match = _SHORT_NUMERIC.search(text)
    if match is None:
        return False
    first, second = int(match[1]), int(match[3])
    if first > 12 or second > 12:
        return first > 12
    return not month_first


def reads_month_first(doc: Document) -> bool:
    """Whether the page writes dates month first: English without a region or from the US, or no language.

    ``<html lang>`` and ``og:locale`` are read; a tag that names a region wins over one that does not.

    >>> from newscrawl.extraction.document import parse_document
    >>> def reads(html): return reads_month_first(parse_document(html, "https://e.com/"))
    >>> reads('<html lang="en-US">'), reads('<html lang="en">'), reads('<p>x</p>')
    (True, True, True)
    >>> reads('<html lang="de">'), reads('<html lang="en"><meta property="og:locale" content="en_GB">')
    (False, False)
    """
    tags = (doc.root.get("lang"), meta_content(doc, "og:locale"))
    tags = [tag.strip().replace("_", "-").casefold() for tag in tags if tag and tag.strip()]
    if not tags:
        return True
    return max(tags, key=lambda tag: "-" in tag) in _MONTH_FIRST_LOCALES


def date_from_url(url: str) -> str | None:
    """The date in a URL path such as ``/2024/05/03/``, ``/2024-05-03-slug`` or ``/2023/october/03/``.

    >>> date_from_url("https://e.com/news/2024/05/03/story.html"), date_from_url("https://e.com/blog/2023/october/03/wine/")
    ('2024-05-03', '2023-10-03')
    >>> date_from_url("https://e.com/article-2024-05-03-slug") is None, date_from_url("https://e.com/2024/top/10/") is None
    (True, True)
    """
    match = _URL_DATE.search(url)
    if match is None:
        return None
    year, month, day = match.groups()
    month = month if month.isdigit() else month_number(month)
    return normalize_date(f"{year}-{int(month):02d}-{day}") if month else None


def visible_dates(doc: Document, month_first: bool = True) -> list[str]:
    """Dates printed in date-classed elements, after a "Date:" label, or under the headline.

    >>> from newscrawl.extraction.document import parse_document
    >>> visible_dates(parse_document("<ul><li><strong>Datum</strong> 28.04.2023</li></ul>", "https://e.com/"))
    ['2023-04-28']
    >>> visible_dates(parse_document("<h1>T</h1><div>By Ann · November 12, 2026</div>", "https://e.com/"))
    ['2026-11-12']
    """
    elements = [*_DATE_ELEMENTS(doc.root)[:_MAX_DATE_ELEMENTS], *_under_headline(doc)]
    dates = (printed_day(" ".join(element.itertext()), month_first) for element in elements)
    return [date for date in dates if date]


def _under_headline(doc: Document) -> list[etree._Element]:
    """The first short paragraphs, divisions, spans, times and list items after the first ``<h1>``."""
    headline = elements(doc, "h1")
    under = filter(_IS_SHORT, following_elements(headline[0], *_UNDER_HEADLINE_TAGS)) if headline else ()
    return list(islice(under, _UNDER_HEADLINE_ELEMENTS))


def extract_published(doc: Document, timezone: str | None = None) -> str | None:
    """The article's publication date: structured data, unless the page shows another day
    (see :func:`day_shown_and_in_url` and :func:`prefer_shown`); then the URL, then the day
    shown by the headline (one labelled as an update too), then dates printed in date elements;
    last, the page's modification date, given or printed after an "Updated" label (a page that
    gives only that one dates itself by it)."""
    month_first = reads_month_first(doc)
    structured, written = _first_written((
        lambda: _jsonld_dates(doc, "datePublished"),
        lambda: [meta_content(doc, *PUBLISHED_META)],
        lambda: [parsely_page(doc).get("pub_date")],
        lambda: [meta_named(doc, _PUBLISHED_META_NAME)],
        lambda: _itemprop_dates(doc, "datePublished"),
        lambda: _RDFA_CREATED(doc.root),
        lambda: time_by_headline(doc, month_first),
        lambda: _jsonld_dates(doc, "dateCreated"),
    ), timezone, month_first)
    structured = other_reading_printed(structured, written, lambda: printed_days(doc, month_first))
    structured = marked_day_over(_first_date((lambda: pubdate_time(doc),), timezone, month_first), structured)
    url_day = date_from_url(doc.url)
    if structured and url_day == structured[:10]:
        return structured  # the URL confirms it: the dates shown by the headline are not read
    shown = shown_dates(doc, month_first)
    if structured:
        return day_shown_and_in_url(shown, url_day) or prefer_shown(
            structured, shown, lambda: printed_days(doc, month_first), lambda: _meta_update_day(doc, timezone))
    return _first_date((
        lambda: [url_day],
        lambda: [next((d.day for d in shown if not d.updated), None)],
        lambda: [d.day for d in shown],
        lambda: visible_dates(doc, month_first),
        lambda: [labelled_day(doc, month_first)],
        lambda: [extract_modified(doc, timezone)],
        lambda: [labelled_update_day(doc, month_first)],
    ), timezone, month_first)


def time_by_headline(doc: Document, month_first: bool = True) -> list[str]:
    """The ``datetime`` of the first ``<time>`` after the headline when it is the day shown by
    the headline, else of the page's first ``<time>`` (often a sidebar's or a listing's, printed
    before the headline). Only a page that has a ``<time>`` is searched for one after its headline.

    >>> from newscrawl.extraction.document import parse_document
    >>> html = ('<aside><time datetime="2025-01-31T12:00:00Z">Jan 31</time></aside><h1>Candidate experience</h1>'
    ...         '<div><time datetime="2017-03-01T12:00:00Z">03/01/2017</time> by Ann</div>')
    >>> time_by_headline(parse_document(html, "https://e.com/"))
    ['2017-03-01T12:00:00Z']
    >>> time_by_headline(parse_document(html.replace("03/01/2017", "Read more"), "https://e.com/"))
    ['2025-01-31T12:00:00Z']
    """
    first = _first_time_datetime(doc)
    heading = article_heading(doc) if first else None
    if heading is None:
        return first
    after = _TIME_AFTER(heading)
    shown = next((date.day for date in shown_dates(doc, month_first) if not date.updated), None)
    return after if after and shown and (normalize_date(after[0], None, month_first) or "")[:10] == shown else first


def _first_time_datetime(doc: Document) -> list[str]:
    """The ``datetime`` of the page's first ``<time>`` that has one (in an ``<article>`` or not).

    >>> from newscrawl.extraction.document import parse_document
    >>> _first_time_datetime(parse_document('<time>May</time><p><time datetime="2025-05-01">May 1</time></p>', "https://e.com/"))
    ['2025-05-01']
    """
    values = (time.get("datetime") for time in elements(doc, "time"))
    return [value for value in values if value is not None][:1]


def pubdate_time(doc: Document) -> list[str]:
    """The ``datetime`` of the first ``<time pubdate>``: the page marks the day it shows its
    readers as the article's publication day, over what its structured data says.

    >>> from newscrawl.extraction.document import parse_document
    >>> pubdate_time(parse_document('<p>Published <time pubdate datetime="2025-08-13">August 13</time></p>', "https://e.com/"))
    ['2025-08-13']
    >>> pubdate_time(parse_document('<time datetime="2025-08-13">August 13</time>', "https://e.com/"))
    []
    """
    marked = (time.get("datetime") for time in elements(doc, "time") if time.get("pubdate") is not None)
    return [value for value in marked if value is not None][:1]


def other_reading_printed(structured: str | None, written: str, printed: Callable[[], set[str]]) -> str | None:
    """The structured day with its month and day swapped when it was ``written`` so that it
    reads both ways and the page prints only the other day: ``<time datetime="02-12-2025">``
    read month first, on a page whose list of posts shows this one as "December 02, 2025".
    ``printed`` is asked only for a day written both ways.

    >>> other_reading_printed("2025-02-12", "02-12-2025", lambda: {"2025-12-02", "2024-12-11"})
    '2025-12-02'
    >>> other_reading_printed("2025-02-12T09:30:00", "02/12/2025 09:30", lambda: {"2025-12-02"})
    '2025-12-02T09:30:00'
    >>> other_reading_printed("2025-02-12", "02-12-2025", lambda: {"2025-12-02", "2025-02-12"})
    '2025-02-12'
    >>> other_reading_printed("2025-02-12", "2025-02-12", lambda: 1 / 0), other_reading_printed(None, "", lambda: 1 / 0)
    ('2025-02-12', None)
    """
    swapped = swap_month_day(structured[:10]) if structured and reads_both_ways(written) else None
    if swapped is None:
        return structured
    days = printed()
    return swapped + structured[10:] if swapped in days and structured[:10] not in days else structured


def reads_both_ways(text: str) -> bool:
    """Whether ``text`` writes a day with the month and the day both 12 or less, before the year
    and without dots (``03.11.2026`` is day first everywhere): ``03/11/2026``, ``3-11-26``.

    >>> reads_both_ways("02-12-2025"), reads_both_ways("02/12/2025 09:30"), reads_both_ways("13/02/2025")
    (True, True, False)
    >>> reads_both_ways("2025-02-12"), reads_both_ways("02.12.2025")
    (False, False)
    """
    match = _SHORT_NUMERIC.search(text)
    return match is not None and not _DAY_FIRST.search(text) and int(match[1]) <= 12 and int(match[3]) <= 12


def marked_day_over(marked: str | None, structured: str | None) -> str | None:
    """The day a ``<time pubdate>`` marks when the structured date falls on another day; else
    the structured date, which often tells the time of day too.

    >>> marked_day_over("2025-08-13", "2025-11-29T12:28:31-05:00"), marked_day_over(None, "2025-11-29")
    ('2025-08-13', '2025-11-29')
    >>> marked_day_over("2025-11-29", "2025-11-29T12:28:31-05:00"), marked_day_over("2025-11-29", None)
    ('2025-11-29T12:28:31-05:00', '2025-11-29')
    """
    return marked if marked and (not structured or structured[:10] != marked[:10]) else structured


def prefer_shown(
    structured: str, shown: list[ShownDate], printed: Callable[[], set[str]],
    update_day: Callable[[], str | None] = lambda: None,
) -> str:
    """The day printed by the headline when the page never prints the ``structured`` day:
    what readers see is the page's date. A day labelled as an update never wins, nor one next
    to the structured day (a time near midnight, shown in another time zone), nor the
    ``update_day`` (an update shown without its label, see :func:`_meta_update_day`).
    ``printed`` and ``update_day`` are asked only when needed (the first reads the whole page).

    >>> prefer_shown("2021-08-12T19:35:44+00:00", [ShownDate("2025-02-22")], lambda: {"2025-02-22"})
    '2025-02-22'
    >>> prefer_shown("2021-08-12T19:35:44+00:00", [ShownDate("2025-02-22")], lambda: {"2025-02-22", "2021-08-12"})
    '2021-08-12T19:35:44+00:00'
    >>> prefer_shown("2021-08-12", [ShownDate("2025-02-22", updated=True)], lambda: set())
    '2021-08-12'
    >>> prefer_shown("2025-07-05T00:04:00+00:00", [ShownDate("2025-07-04")], lambda: {"2025-07-04"})
    '2025-07-05T00:04:00+00:00'
    >>> prefer_shown("2022-05-10T17:34:08+00:00", [ShownDate("2026-01-01")], lambda: set(), lambda: "2026-01-01")
    '2022-05-10T17:34:08+00:00'

    Nor a day that is the structured one with its month and day read the other way round
    (``10/12/2023`` read day first where the page meant October 12):

    >>> prefer_shown("2023-10-12T19:38:01+00:00", [ShownDate("2023-12-10")], lambda: set())
    '2023-10-12T19:38:01+00:00'
    """
    first = next((date for date in shown if not date.updated), None)
    if first is None or _same_day_somewhere(structured, first.day) or swap_month_day(first.day) == structured[:10]:
        return structured
    if structured[:10] in printed() or first.day == update_day():
        return structured
    return first.day


def _meta_update_day(doc: Document, timezone: str | None) -> str | None:
    """The day of the page's modification date when its publication date is not in JSON-LD
    (``<meta>`` tags, forum threads' last post): on such pages an unlabelled day by the
    headline that is this day shows the update, not the publication (on the wcxb dev pages
    whose JSON-LD gives both dates, the truth takes the shown day as often as not).

    >>> from newscrawl.extraction.document import parse_document
    >>> meta = '<meta property="article:modified_time" content="2026-01-01T21:00:18+00:00">'
    >>> _meta_update_day(parse_document(meta, "https://e.com/"), None)
    '2026-01-01'
    >>> ld = '<script type="application/ld+json">{"@type": "Article", "datePublished": "2022-05-10"}</script>'
    >>> _meta_update_day(parse_document(meta + ld, "https://e.com/"), None) is None
    True
    """
    if any(_jsonld_dates(doc, "datePublished")):
        return None
    modified = extract_modified(doc, timezone)
    return modified[:10] if modified else None


def swap_month_day(day: str) -> str | None:
    """``YYYY-MM-DD`` with its month and day swapped, ``None`` when that is not a day (or the
    same one).

    >>> swap_month_day("2023-12-10"), swap_month_day("2023-12-13"), swap_month_day("2023-05-05")
    ('2023-10-12', None, None)
    """
    year, month, day_of_month = day.split("-")
    return f"{year}-{day_of_month}-{month}" if month != day_of_month and int(day_of_month) <= 12 else None


def _same_day_somewhere(structured: str, day: str) -> bool:
    """Whether ``day`` may be the structured date's day in some time zone (UTC-12 to UTC+14);
    a structured date without a time of day and offset may be a day off either way.

    >>> _same_day_somewhere("2025-07-05T00:04:00+00:00", "2025-07-04"), _same_day_somewhere("2025-12-19T22:02:58+00:00", "2025-12-18")
    (True, False)
    >>> _same_day_somewhere("2025-12-19", "2025-12-18"), _same_day_somewhere("2025-12-19T22:02:58", "2025-12-18")
    (True, True)
    """
    moment = utc_moment(structured)
    if moment is None or len(structured) <= 10 or datetime.fromisoformat(structured).tzinfo is None:
        return abs((date.fromisoformat(structured[:10]) - date.fromisoformat(day)).days) <= 1
    earliest, latest = (moment + offset for offset in _UTC_OFFSETS)
    return earliest.date().isoformat() <= day <= latest.date().isoformat()


def day_shown_and_in_url(shown: list[ShownDate], url_day: str | None) -> str | None:
    """The URL's day when it is the day shown by the headline: two sources that agree
    outweigh a structured day (even one the page prints elsewhere, by a comment or a sidebar).

    >>> day_shown_and_in_url([ShownDate("2025-12-18", published=True)], "2025-12-18")
    '2025-12-18'
    >>> day_shown_and_in_url([ShownDate("2025-12-18", updated=True)], "2025-12-18") is None
    True
    """
    first = next((date for date in shown if not date.updated), None)
    return url_day if url_day and first and first.day == url_day else None


def extract_modified(doc: Document, timezone: str | None = None) -> str | None:
    """The article's last modification date, or ``None``; read once per page and time zone
    (the record asks for it, and the publication date may fall back on it)."""
    key = ("modified", timezone)
    if key not in doc.cache:
        doc.cache[key] = _first_date((
            lambda: _jsonld_dates(doc, "dateModified"),
            lambda: [meta_content(doc, *MODIFIED_META)],
            lambda: _itemprop_dates(doc, "dateModified"),
        ), timezone, reads_month_first(doc))
    return doc.cache[key]


def _itemprop_dates(doc: Document, name: str) -> list[str]:
    """The ``datetime`` or ``content`` of the elements marked ``itemprop="datePublished"`` or
    ``"dateModified"`` (``name``), in order; both are found in one search of the page.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document('<time itemprop="dateModified" datetime="2025-02-01">1</time>'
    ...                      '<meta itemprop="datePublished" content="2025-01-01"><p itemprop="datePublished">x</p>', "https://e.com/")
    >>> _itemprop_dates(doc, "datePublished"), _itemprop_dates(doc, "dateModified")
    (['2025-01-01'], ['2025-02-01'])
    """
    if "itemprop_dates" not in doc.cache:
        doc.cache["itemprop_dates"] = [
            (element.get("itemprop"), [value for key, value in element.items() if key in ("datetime", "content")])
            for element in _ITEMPROP_DATES(doc.root)
        ]
    return [value for marked, values in doc.cache["itemprop_dates"] if marked == name for value in values]


def _first_date(
    sources: tuple[Callable[[], list], ...], timezone: str | None, month_first: bool
) -> str | None:
    """The first value that parses, asking each source only when the ones before gave nothing."""
    return _first_written(sources, timezone, month_first)[0]


def _first_written(
    sources: tuple[Callable[[], list], ...], timezone: str | None, month_first: bool
) -> tuple[str | None, str]:
    """The first value that parses (see :func:`_first_date`), and the text it was written as.

    >>> _first_written((lambda: [None, "soon"], lambda: ["02/12/2025"]), None, True)
    ('2025-02-12', '02/12/2025')
    """
    for source in sources:
        for value in source():
            date = normalize_date(value, timezone, month_first)
            if date:
                return date, str(value)
    return None, ""


def _jsonld_dates(doc: Document, key: str) -> list:
    """``key`` of the article object, else of a web page object; lists give their first item."""
    article = article_object(doc)
    owners = [article] if article else [
        obj for obj in jsonld_objects(doc) if any(t.endswith("page") for t in jsonld_types(obj))
    ]
    values = [owner.get(key) for owner in owners]
    return [v[0] if isinstance(v, list) and v else v for v in values]


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
