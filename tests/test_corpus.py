"""extract_article returns a full record, and never raises, on every real corpus page."""

from __future__ import annotations

import gzip

import pytest

from newscrawl import extract_article
from newscrawl.extraction.items import RECORD_FIELDS
from tests.conftest import CORPUS

PAGES = sorted(CORPUS.glob("*/*.html.gz"))


def test_corpus_is_present():
    assert len(PAGES) >= 200, f"expected the shared corpus under {CORPUS}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name[:24]}")
def test_page_gives_a_record(page):
    record = extract_article(gzip.decompress(page.read_bytes()), "https://corpus.example/a")
    assert list(record) == list(RECORD_FIELDS)
    assert isinstance(record["authors"], list)
