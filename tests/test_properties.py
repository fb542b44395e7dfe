"""Properties on any input hypothesis can think of: text processors, URLs, and hostile-input helpers.

tests/test_processors.py has the first few (clean_body idempotent, prose never glued,
tracking parameters dropped); these add arbitrary text, arbitrary URLs and bytes.
"""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings, strategies as st

from newscrawl.discovery.sources import declares_entities, iso_date
from newscrawl.extraction.dates import normalize_date
from newscrawl.middlewares.retry_after import retry_after_seconds
from newscrawl.middlewares.safety import binary_format
from newscrawl.extraction.processors import (
    clean_body, fold_whitespace, split_paragraphs, strip_comment_section, strip_prompts,
)
from newscrawl.urls import canonical_url, is_http_url, record_id

text = st.text(st.characters(blacklist_categories=("Cs",)))
lines = st.lists(text, max_size=8)
segment = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"), max_size=12)
http_urls = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}://{host}/{'/'.join(path)}?{query}#{fragment}",
    st.sampled_from(["http", "https", "HTTP"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,6}){1,2}", fullmatch=True),
    st.lists(segment, max_size=4), text, text,
)


@given(text)
def test_fold_whitespace_is_idempotent_and_trimmed(value):
    folded = fold_whitespace(value)
    assert folded is None or (fold_whitespace(folded) == folded and folded == folded.strip()
                              and "  " not in folded and "\n" not in folded)


@given(lines)
def test_clean_body_never_glues_lines_together(parts):
    """Every paragraph of the body is one whole line of the input, white space folded."""
    body = clean_body("\n".join(parts))
    assert body is None or set(body.split("\n\n")) <= set(split_paragraphs("\n".join(parts)))


@given(lines)
def test_clean_body_keeps_paragraph_order(parts):
    paragraphs = split_paragraphs("\n".join(parts))
    body = clean_body("\n".join(parts))
    kept = body.split("\n\n") if body else []
    remaining = iter(paragraphs)
    assert all(any(p == q for q in remaining) for p in kept)  # a subsequence, in order


@given(st.lists(text.filter(lambda t: "\n" not in t), max_size=8))
def test_paragraph_filters_only_drop_paragraphs(paragraphs):
    for strip in (strip_comment_section, strip_prompts):
        kept = strip(paragraphs)
        remaining = iter(paragraphs)
        assert all(any(p is q for q in remaining) for p in kept)


@given(text)
def test_clean_body_on_crlf_and_unicode_line_breaks_is_idempotent(value):
    once = clean_body(value.replace("\n", "\r\n\u2028"))
    assert once is None or clean_body(once) == once


@given(http_urls)
def test_canonical_url_is_idempotent_on_any_http_url(url):
    once = canonical_url(url)
    assert canonical_url(once) == once and "#" not in once
    assert record_id(url) == record_id(once)


@given(text)
def test_url_helpers_never_raise(value):
    is_http_url(value)
    if is_http_url(value):
        assert len(record_id(value)) == 32


@given(st.binary(max_size=2048))
@settings(max_examples=300)
def test_byte_sniffers_never_raise(body):
    binary_format(body)
    declares_entities(body)


@given(text)
def test_date_readers_never_raise(value):
    normalized = normalize_date(value)
    assert normalized is None or 1990 <= int(normalized[:4]) <= 2100
    iso_date(value)
    retry_after_seconds(value.encode("utf-8", "replace"), datetime.now(timezone.utc))
