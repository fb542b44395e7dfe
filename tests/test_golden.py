"""Every saved page under fixtures/pages gives exactly its expected record."""

from __future__ import annotations

import pytest

from newscrawl.fixtures import current_json, fixture_names
from tests.conftest import REPO

PAGES = REPO / "fixtures" / "pages"


def test_enough_fixture_pages():
    assert len(fixture_names(PAGES)) >= 12


@pytest.mark.parametrize("name", fixture_names(PAGES))
def test_page_gives_expected_record(name):
    expected = (PAGES / f"{name}.json").read_text("utf-8")
    assert current_json(PAGES, name) == expected, (
        "run `python -m newscrawl.fixtures diff` to see the change; "
        "`--overwrite` once it is right"
    )
