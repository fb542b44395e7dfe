"""The page's texts read in parts (around the headline, around the texts that hold a year) are
those of the walk of the whole page, in the same order."""

from __future__ import annotations

import gzip

import pytest

from newscrawl.extraction.document import parse_document
from newscrawl.extraction.shown_date import (
    _around, _dates_in, _holders, _page_dates, _page_texts, _story_heading,
)
from tests.conftest import CORPUS

PAGES = sorted(CORPUS.glob("*/*.html.gz"))[::10]
HOSTILE = [
    "<p>Posted on</p><!-- a comment -->May 3, 2024<h1>A headline of a story</h1><p>By Ann</p>",
    "<nav><h1>A headline inside a menu</h1><p>Updated</p></nav><p>June 2, 2024</p><nav>May 9, 2024</nav>",
    "<div class='Caption'><h1>A headline inside a caption</h1>1 May 2024</div><p>Published: 3 May 2024</p>",
    "<a><img src='a.jpg'></a><p>Taken 24 April 2023</p><h1>Under a picture</h1><p>x<b>Posted</b> 2.3.2024</p>",
    "<h1>Split texts</h1><p>Last <i>updated</i>:</p><p>12/11/2025 and 2025-11-13</p><button>2025-11-14</button>",
    "<p>No headline, Posted 1 January 2020</p><script>var d = '2020-01-02'</script>tail 3 January 2020",
]
SOURCES = [*HOSTILE, *PAGES]


def _parsed(source):
    """The page of a hostile snippet or a corpus file, parsed when the test runs."""
    if isinstance(source, str):
        return parse_document(source, "https://e.test/story")
    return parse_document(gzip.decompress(source.read_bytes()), "https://e.test/")


@pytest.mark.parametrize("source", SOURCES)
def test_dates_found_from_the_texts_holding_a_year_are_those_of_the_whole_walk(source):
    doc = _parsed(source)
    if doc.root is None:
        pytest.skip("nothing parsed")
    texts = _page_texts(doc, _holders(_story_heading(doc)))
    for month_first in (True, False):
        assert _page_dates(doc, month_first) == _dates_in(texts, month_first, max_chars=None)


@pytest.mark.parametrize("source", SOURCES)
def test_texts_read_both_ways_from_the_headline_are_those_of_the_whole_walk(source):
    doc = _parsed(source)
    headline = None if doc.root is None else _story_heading(doc)
    if headline is None:
        pytest.skip("no story heading")
    before, after = _around(doc, headline)
    assert [*reversed(list(before)), *after] == _page_texts(doc, _holders(headline))
