"""Properties of the text processors, on any input hypothesis can think of."""

from __future__ import annotations

from hypothesis import given, strategies as st

from newscrawl.extraction.processors import clean_body, split_paragraphs
from newscrawl.urls import canonical_url

paragraph = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)
sentence = st.builds(
    lambda first, rest: f"{first}{rest}.",
    st.sampled_from(["The", "Officials", "Rain", "Markets", "Police", "In"]),
    st.from_regex(r"( [a-z]{2,9}){3,12}", fullmatch=True),
)
prose = st.lists(sentence, min_size=1, max_size=8)


@given(st.text())
def test_clean_body_never_raises_and_is_idempotent(text):
    once = clean_body(text)
    assert once is None or clean_body(once) == once


@given(prose)
def test_paragraphs_are_never_glued(paragraphs):
    body = clean_body("\n".join(paragraphs))
    assert body.split("\n\n") == paragraphs


@given(st.lists(paragraph, max_size=6))
def test_split_paragraphs_keeps_no_blank_or_padded_paragraph(paragraphs):
    for part in split_paragraphs("\n\n".join(paragraphs)):
        assert part == part.strip() and part and "\n" not in part


@given(st.text(), st.sampled_from(["utm_source", "fbclid", "gclid", "utm_campaign"]))
def test_canonical_url_drops_tracking_and_is_idempotent(value, tracking):
    from urllib.parse import quote

    url = f"https://example.com/a?{tracking}={quote(value)}&id=7"
    once = canonical_url(url)
    assert tracking not in once and "id=7" in once
    assert canonical_url(once) == once


def test_seed_glue_is_split_and_comment_form_removed():
    text = ("in Syria.\nAlready taken aback by Russian planes.\nLeave a Reply\n"
            "Your email address will not be published. Required fields are marked *\n"
            'You may use these HTML tags and attributes: <a href="" title="">')
    assert clean_body(text) == "in Syria.\n\nAlready taken aback by Russian planes."


def test_zero_width_joiners_stay_as_published():
    persian = "می\u200cخواهم"  # ZWNJ is part of Persian spelling
    assert clean_body(persian) == persian
    assert clean_body("\ufeffBody") == "Body"


def test_soft_hyphens_stay_as_published():
    assert clean_body("Helikopter\u00adlandeplatz") == "Helikopter\u00adlandeplatz"
