"""extract_article never raises: real corpus pages, broken on purpose by hypothesis.

A fixed sample of shared corpus pages (the same pages on every run) is cut, pruned, padded,
nested and re-encoded, and its JSON-LD given values of any type; whatever comes out, extraction
must give a full record. An empty body
is allowed; an exception never is. Examples are derandomized and no example database is kept,
so a run in CI tries the same pages as a run here.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
import random
import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree, html as lxml_html

from newscrawl import extract_article
from newscrawl.extraction.document import decode_html
from newscrawl.extraction.items import RECORD_FIELDS
from tests.conftest import CORPUS

SAMPLE_SEED = 20261206
PAGES_PER_SET = 3
URL = "https://corpus.example/2026/11/mutated.html"
EXAMPLES = settings(max_examples=60, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def sample_pages() -> list:
    """``PAGES_PER_SET`` pages of each corpus set, the same ones on every run."""
    sets = sorted(path for path in CORPUS.iterdir() if path.is_dir())
    picker = random.Random(SAMPLE_SEED)
    return [page for folder in sets for page in picker.sample(sorted(folder.glob("*.html.gz")), PAGES_PER_SET)]


SAMPLE = sample_pages() if CORPUS.is_dir() else []


@cache
def page_text(index: int) -> str:
    return decode_html(gzip.decompress(SAMPLE[index].read_bytes()))


def assert_full_record(page: str | bytes, content_type: str | None = None) -> None:
    record = extract_article(page, URL, content_type=content_type)
    assert list(record) == list(RECORD_FIELDS)
    assert isinstance(record["authors"], list) and isinstance(record["keywords"], list)
    assert record["metadata"]["pageType"] in {"article", "other"}


# -- mutations: each takes the page's text and hypothesis' ``data`` and gives the broken text ----

def truncate(page: str, data) -> str:
    return page[:data.draw(st.integers(0, len(page)), label="cut at")]


def _tree_mutation(change):
    """A mutation that parses the page, changes one element drawn at random, and serializes it."""
    def mutate(page: str, data) -> str:
        try:
            root = lxml_html.document_fromstring(page)
        except (etree.ParserError, ValueError):
            return page
        elements = [el for el in root.iterdescendants() if isinstance(el.tag, str)]
        if not elements:
            return page
        element = elements[data.draw(st.integers(0, len(elements) - 1), label="element")]
        try:
            change(element, data)
        except ValueError:  # lxml refuses to join texts holding control characters: no change
            return page
        return lxml_html.tostring(root, encoding="unicode")
    mutate.__name__ = change.__name__
    return mutate


@_tree_mutation
def delete_element(element, data) -> None:
    element.drop_tree()


@_tree_mutation
def duplicate_element(element, data) -> None:
    for _ in range(data.draw(st.integers(1, 50), label="copies")):
        element.addnext(copy.deepcopy(element))


@_tree_mutation
def strip_text(element, data) -> None:
    for node in element.iter():
        node.text = None
        if node is not element:
            node.tail = None


@_tree_mutation
def nest_deeply(element, data) -> None:
    """Wrap the element in a tower of elements, deeper than libxml2 parses at once."""
    tag = data.draw(st.sampled_from(["div", "span", "p", "li", "table", "b"]), label="tag")
    parent, index = element.getparent(), element.getparent().index(element)
    tower = top = etree.Element(tag)
    for _ in range(data.draw(st.integers(10, 3_000), label="depth") - 1):
        top = etree.SubElement(top, tag)
    parent.remove(element)
    top.append(element)
    parent.insert(index, tower)


def open_tags(page: str, data) -> str:
    """Thousands of unclosed opening tags at a random place in the source."""
    at = data.draw(st.integers(0, len(page)), label="at")
    tag = data.draw(st.sampled_from(["<div>", "<div><span>x</span>", "<p>", "<table><tr><td>", "<ul><li>"]))
    return page[:at] + tag * data.draw(st.integers(100, 5_000), label="count") + page[at:]


def control_characters(page: str, data) -> str:
    """Stray NULs, C0/C1 controls and non-characters at random places."""
    chars = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f",
                             "\ufeff", "\ufffe", "\uffff", "\u2028", "\U0010ffff"])
    for _ in range(data.draw(st.integers(1, 40), label="count")):
        at = data.draw(st.integers(0, len(page)), label="at")
        page = page[:at] + data.draw(chars) * data.draw(st.integers(1, 5)) + page[at:]
    return page


_JSON_LD = re.compile(r"(<script[^>]*ld\+json[^>]*>)(.*?)(</script>)", re.IGNORECASE | re.DOTALL)
JSON_LD_KEYS = ["datePublished", "dateModified", "dateCreated", "headline", "name", "author", "@type",
                "@graph", "@id", "publisher", "inLanguage", "keywords", "articleBody", "image", "url"]
# What JavaScript writes and Python's JSON reader takes: wrong types, NaN, Infinity, huge numbers.
ODD_NUMBERS = st.sampled_from([math.nan, math.inf, -math.inf, 10**30, -1, 0, 1714751262389, 1e308])
JSON_VALUES = ODD_NUMBERS | st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | ODD_NUMBERS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(JSON_LD_KEYS), inner, max_size=3),
    max_leaves=8,
)


def json_ld_values(page: str, data, key: str | None = None) -> str:
    """One JSON-LD key (drawn unless given) set to a drawn value wherever the page's JSON-LD has
    it, and in a ``NewsArticle`` added before the page's own."""
    key = key or data.draw(st.sampled_from(JSON_LD_KEYS), label="key")
    value = data.draw(JSON_VALUES, label="value")

    def replace(script: re.Match) -> str:
        try:
            found = json.loads(script.group(2))
        except ValueError:
            return script.group(0)
        return script.group(1) + json.dumps(_with_value(found, key, value)) + script.group(3)

    added = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", key: value})
    return f'<script type="application/ld+json">{added}</script>' + _JSON_LD.sub(replace, page)


def _with_value(found, key: str, value):
    if isinstance(found, list):
        return [_with_value(item, key, value) for item in found]
    if isinstance(found, dict):
        return {name: value if name == key else _with_value(item, key, value) for name, item in found.items()}
    return found


STRUCTURAL = [truncate, delete_element, duplicate_element, strip_text, nest_deeply, open_tags,
              control_characters, json_ld_values]


# -- encodings: each gives the bytes sent and the Content-Type header (or None) -------------------

def utf8_declared_wrong(page: str, data) -> tuple[bytes, str | None]:
    charset = data.draw(st.sampled_from(["shift_jis", "utf-16", "utf-32", "iso-2022-jp", "cp1252", "euc-kr",
                                         "x-bogus", "utf-7", "", "rot13", "base64", "idna"]))
    if data.draw(st.booleans(), label="in the header"):
        return page.encode("utf-8"), f"text/html; charset={charset}"
    return f'<meta charset="{charset}">{page}'.encode("utf-8"), None


def utf16(page: str, data) -> tuple[bytes, str | None]:
    codec = data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"]))
    header = data.draw(st.sampled_from([None, "text/html", "text/html; charset=utf-16",
                                        "text/html; charset=utf-8"]))
    return page.encode(codec, "surrogatepass"), header


def latin1_declared_utf8(page: str, data) -> tuple[bytes, str | None]:
    return page.encode("latin-1", "replace"), "text/html; charset=utf-8"


def stray_bytes(page: str, data) -> tuple[bytes, str | None]:
    """UTF-8 bytes with NULs and bytes that are never valid UTF-8, some inside multi-byte characters."""
    body = page.encode("utf-8", "surrogatepass")
    for _ in range(data.draw(st.integers(1, 40), label="count")):
        at = data.draw(st.integers(0, len(body)), label="at")
        body = body[:at] + data.draw(st.sampled_from([b"\x00", b"\x00\x00", b"\xff", b"\xc3", b"\xed\xa0\x80"])) + body[at:]
    return body, data.draw(st.sampled_from([None, "text/html; charset=utf-8"]))


ENCODINGS = [utf8_declared_wrong, utf16, latin1_declared_utf8, stray_bytes]

pages = st.integers(0, max(len(SAMPLE) - 1, 0))
needs_corpus = pytest.mark.skipif(not SAMPLE, reason=f"no shared corpus under {CORPUS}")


@needs_corpus
@EXAMPLES
@given(pages, st.lists(st.sampled_from(STRUCTURAL), min_size=1, max_size=3), st.data())
def test_broken_html_gives_a_full_record(index, mutations, data):
    page = page_text(index)
    for mutate in mutations:
        page = mutate(page, data)
    assert_full_record(page)


@needs_corpus
@EXAMPLES
@given(pages, st.sampled_from(ENCODINGS), st.data())
def test_odd_encodings_give_a_full_record(index, encode, data):
    assert_full_record(*encode(page_text(index), data))


@needs_corpus
@EXAMPLES
@given(pages, st.sampled_from(STRUCTURAL), st.sampled_from(ENCODINGS), st.data())
def test_broken_html_in_odd_encodings_gives_a_full_record(index, mutate, encode, data):
    assert_full_record(*encode(mutate(page_text(index), data), data))


@needs_corpus
@pytest.mark.parametrize("key", JSON_LD_KEYS)
@settings(EXAMPLES, max_examples=20)
@given(pages, st.data())
def test_json_ld_of_any_value_gives_a_full_record(key, index, data):
    assert_full_record(json_ld_values(page_text(index), data, key))
