"""The crawl cuts a hostile page's long runs, and the ASCII bytes past its element limit, out of
its bytes before a worker gets them (:func:`newscrawl.extraction.fit_body`); the record is the same
as from the whole page."""

from __future__ import annotations

import tracemalloc

import pytest

from newscrawl.extraction import Limits, extract_page, fit_body

LIMITS = Limits(max_text_chars=50_000)
HEAD = "<!doctype html><html><head><title>Long runs</title>{meta}</head><body><article><h1>Long runs</h1>"
PARAGRAPH = "<p>The harbour authority said the ferry fares would stay the same all winter.</p>"


def page(run: str, encoding: str = "utf-8", meta: str = "", attribute: bool = False) -> bytes:
    long_run = f'<div data-x="{run}"></div>' if attribute else f"<p>{run}</p>"
    html = HEAD.format(meta=meta) + PARAGRAPH * 3 + long_run + PARAGRAPH + "</article></body></html>"
    return html.encode(encoding)


CASES = {
    "ascii text node": page("word " * 100_000),
    "two-byte characters": page("café über " * 40_000),
    "three- and four-byte characters": page("漢字😀 " * 60_000),
    "cp1252, undeclared": page("café über " * 40_000, "cp1252"),
    "cp1252, declared": page("naïve " * 50_000, "cp1252", '<meta charset="windows-1252">'),
    "attribute": page("a" * 600_000, attribute=True),
    "shift_jis": page("東京で会議 " * 50_000, "shift_jis"),
}


def record(body: bytes) -> dict:
    extracted = extract_page(body, "https://e.com/2026/11/long.html", limits=LIMITS, links=True)
    extracted.record["metadata"].pop("dateDownloaded")
    return extracted.record


@pytest.mark.parametrize("name", CASES)
def test_the_fitted_bytes_give_the_same_record(name):
    body = CASES[name]
    fitted = fit_body(body, LIMITS)
    assert len(fitted) < len(body)
    assert record(fitted) == record(body)


@pytest.mark.parametrize("run", ["word " * 1_600_000, "café " * 1_000_000], ids=["ascii", "utf-8"])
def test_a_long_run_is_cut_without_a_copy_of_it(run):
    """The run was copied out of the page twice (the match, then its middle for the ISO-2022
    check): a 30 MB text node cost the crawl's process 56 MB more than its page at the peak."""
    body = page(run)
    tracemalloc.start()
    try:
        fitted = fit_body(body, LIMITS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(fitted) < 250_000
    assert peak < len(body) / 4


def test_a_page_that_may_be_utf_16_is_left_whole():
    body = page("word " * 100_000, "utf-16-le")
    assert fit_body(body, LIMITS) is body


def test_a_page_without_long_runs_is_the_same_object():
    body = page("word " * 100)
    assert fit_body(body, LIMITS) is body


ELEMENT_LIMITS = Limits(max_elements=20_000)
TINY_ELEMENTS = "<p>w</p>" * 50_000  # 400,000 bytes, 50,000 opening tags


def many_elements(head: str, tail: str = "", encoding: str = "utf-8") -> bytes:
    html = HEAD.format(meta="") + PARAGRAPH * 3 + head + TINY_ELEMENTS + tail + "</article></body></html>"
    return html.encode(encoding)


@pytest.mark.parametrize("body", [many_elements(""), many_elements("<p>café über</p>"),
                                  many_elements("<p>café über</p>", encoding="cp1252")],
                         ids=["ascii", "utf-8 before the cut", "cp1252 before the cut"])
def test_the_bytes_past_the_element_limit_are_left_out_when_ascii(body):
    fitted = fit_body(body, ELEMENT_LIMITS)
    assert len(fitted) < len(body) / 2
    extracted = extract_page(fitted, "https://e.com/2026/11/many.html", limits=ELEMENT_LIMITS, links=True)
    whole = extract_page(body, "https://e.com/2026/11/many.html", limits=ELEMENT_LIMITS, links=True)
    for page in (extracted, whole):
        page.record["metadata"].pop("dateDownloaded")
    assert extracted.record == whole.record and extracted.links == whole.links
    assert extracted.record["metadata"]["overBudget"] == ["elements"]


def test_bytes_past_the_element_limit_that_are_not_ascii_are_kept():
    body = many_elements("", tail="<p>café</p>")
    assert fit_body(body, ELEMENT_LIMITS) is body
