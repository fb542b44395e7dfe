"""Hostile bytes at the library level: extraction, discovery parsers and the safety helpers.

The crawl-level cases are in test_hostile_crawl.py; these feed the same kinds of
input straight to the pure functions, where a failure names the function.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tracemalloc
import zlib

import brotli
import pytest

from scrapy.settings import Settings

from newscrawl import extract_article
from newscrawl.config import ConfigError, load_sites
from newscrawl.discovery.sources import feed_links, parse_sitemap
from newscrawl.extraction.budget import Limits
from newscrawl.extraction.dates import normalize_date
from newscrawl.extraction.items import RECORD_FIELDS
from newscrawl.middlewares.safety import binary_format
from newscrawl.middlewares.safety_compression import stream_complete
from tests.conftest import REPO
from tests.test_hostile_crawl import HOSTILE, JAPANESE, PARAGRAPHS, article, quadratic_feed

URL = "https://herald.example/2026/11/ferry-fares.html"


def body_of(page: str | bytes, content_type: str | None = None) -> dict:
    return extract_article(page, URL, content_type=content_type)


# -- encodings: bytes, header and <meta> that disagree ------------------------------------------

GERMAN = "Fähre: Preise für den Winter eingefroren"


@pytest.mark.parametrize(("body", "content_type", "headline"), [
    (b"\xef\xbb\xbf" + article(GERMAN).encode("utf-8"), "text/html; charset=iso-8859-1", GERMAN),
    (article(JAPANESE).replace("<head>", '<head><meta charset="utf-8">').encode("shift_jis"),
     "text/html; charset=Shift_JIS", JAPANESE),
    (article(GERMAN).encode("cp1252"), None, GERMAN),
    (article(JAPANESE).encode("shift_jis"), None, JAPANESE),
    (article(JAPANESE).encode("euc_jp"), "text/html", JAPANESE),
    (article("러시아 대사관 앞에서 시위가 열렸다").encode("euc_kr"), None, "러시아 대사관 앞에서 시위가 열렸다"),
    (article("Москва сегодня провела заседание правительства").encode("cp1251"), None,
     "Москва сегодня провела заседание правительства"),
    (article(GERMAN).encode("utf-8"), "text/html; charset=\xff\xfe\x00bogus", GERMAN),
    (article(GERMAN).encode("utf-8"), "text/html; charset=windows-1252", GERMAN),  # would be mojibake
], ids=["bom-vs-header", "header-vs-meta", "undeclared-cp1252", "undeclared-shift-jis",
        "undeclared-euc-jp", "undeclared-euc-kr", "undeclared-cp1251", "invalid-content-type",
        "utf8-declared-cp1252"])
def test_record_text_is_correct_unicode(body, content_type, headline):
    record = body_of(body, content_type)
    assert record["headline"] == headline
    assert record["articleBody"].split("\n\n")[-3:] == PARAGRAPHS


def test_literal_mojibake_in_a_headline_is_repaired():
    assert body_of(article("FÃ¤hre: Preise fÃ¼r den Winter"))["headline"] == "Fähre: Preise für den Winter"


# -- malformed HTML -----------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [300, 2_500, 10_000])
def test_deep_nesting_keeps_the_whole_article(depth):
    record = body_of(article("Deep", body="<div>" * depth))
    assert record["articleBody"].split("\n\n")[-3:] == PARAGRAPHS


@pytest.mark.parametrize("depth", [600, 1_000])
def test_deep_nesting_before_the_headline_keeps_the_record(depth):
    """The texts before the headline are read backwards for its date; that walk recursed once per
    level and raised RecursionError past ~500. Found by running tests/test_mutations.py's
    ``nest_deeply`` over every corpus page with random draws."""
    menu = "<div>" * depth + "<p>Menu</p>" + "</div>" * depth
    record = body_of(article("Deep", body="<p>May 3, 2024</p>").replace("<article>", menu + "<article>"))
    assert record["datePublished"].startswith("2024-05-03")
    assert record["articleBody"].split("\n\n")[-3:] == PARAGRAPHS


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
@pytest.mark.parametrize("encode", [str, lambda page: page.encode("utf-8")], ids=["text", "utf-8"])
def test_non_characters_after_dropped_furniture_are_left_out(char, encode):
    """libxml2 keeps U+FFFE and U+FFFF; dropping the <nav> joined its tail to the text before it,
    and lxml refused to set that text: ValueError. Found by tests/test_mutations.py (control
    characters in a UTF-16-BE page read as UTF-16-LE, which swaps U+FEFF into U+FFFE)."""
    record = body_of(encode(article("Ferry fares frozen", body=f"<nav>Home</nav>{char} menu{char}")))
    assert record["articleBody"].split("\n\n")[-3:] == PARAGRAPHS


def test_nesting_that_cannot_be_parsed_whole_gives_no_partial_record(caplog):
    page = "<h1>Deep</h1><p>" + PARAGRAPHS[0] + "</p>" + "<div><span>x</span>" * 3_000 + "<p>The rest.</p>"
    record = body_of(page)
    assert record["articleBody"] is None and record["metadata"]["pageType"] == "other"
    assert "nests elements too deep to parse whole" in caplog.text


# -- the budget of one page (NEWSCRAWL_EXTRACT_MAX_*) ------------------------------------------

#: Hostile markup after a whole article, as Python source of bytes (built in the child process).
HOSTILE_SHAPES = {
    "text-node-50MB": ("b'<p>' + b'word ' * (10 * 1024 * 1024) + b'</p>'", {"text"}),
    "million-elements": ("b'<p>w</p>' * 1_000_000", {"elements"}),
    "attributes-10MB": ("(b'<div data-x=\"' + b'a' * (10 * 1024 * 1024) + b'\"></div>') * 2", {"text"}),
    "nesting-200k": ("b'<div>' * 200_000 + b'<p>deep</p>'", {"elements"}),
}
#: Peak memory one hostile page's extraction may add (the first two shapes took 0.75 and 1 GB before
#: there was a budget: python -m benchmarks.page_budget).
PAGE_PEAK_MIB = 200
_SHAPE_CHILD = """
import json
from newscrawl import extract_article
from tests.test_hostile_crawl import article
page = article("Hostile").encode().replace(b"</body>", {shape} + b"</body>")
with open("/proc/self/clear_refs", "w") as reset:
    reset.write("5")  # measure the peak (VmHWM) from here: extraction, not building the page
record = extract_article(page, "https://e.example/2026/11/hostile.html")
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(json.dumps({{"record": record, "peak_kib": int(status["VmHWM"].split()[0]) - int(status["VmRSS"].split()[0])}}))
"""


@pytest.mark.parametrize("shape", HOSTILE_SHAPES)
def test_a_hostile_page_gives_a_record_of_what_fits_in_bounded_memory(shape):
    """Run in a child process of its own, whose peak memory (``VmHWM``) is this page's alone."""
    source, limits = HOSTILE_SHAPES[shape]
    done = subprocess.run([sys.executable, "-c", _SHAPE_CHILD.format(shape=source)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    record = result["record"]
    assert list(record) == list(RECORD_FIELDS) and record["headline"] == "Hostile"
    assert "\n\n".join(PARAGRAPHS) in record["articleBody"]
    assert set(record["metadata"]["overBudget"]) == limits
    assert result["peak_kib"] < PAGE_PEAK_MIB * 1024


def test_a_long_text_costs_extraction_a_few_copies_of_it_not_a_list_of_its_words():
    """A text node under the text limit is folded and counted piece by piece: each
    ``" ".join(text.split())`` over it once built a list of all its words, some 11 MB for
    these 200,000 words (16 bytes of traced memory per character at the peak; 5 now)."""
    text = "word " * 200_000
    page = article("Long").replace("</body>", f"<p>{text}</p></body>")
    tracemalloc.start()
    try:
        record = extract_article(page, URL, limits=Limits(max_seconds=0))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert record["wordCount"] > 200_000 and "overBudget" not in record["metadata"]
    assert peak < 8 * len(text)


def test_hostile_names_are_not_kept_after_their_page():
    """Class values and headings are remembered between pages (they repeat), but not long ones:
    each page's distinct megabyte class value and heading once stayed in memory as keys."""
    pages = [article("x" * 200_000 + str(n)).replace("<body>", f'<body class="{n} {"y" * 1_000_000}">')
             for n in range(4)]
    tracemalloc.start()
    try:
        for page in pages:
            extract_article(page, URL, limits=Limits(max_seconds=0))
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert kept < 1_000_000


def test_a_page_within_the_limits_is_not_marked():
    assert "overBudget" not in body_of(article("Ferry fares frozen"))["metadata"]


def test_time_limit_keeps_the_steps_that_came_before():
    record = extract_article(article("Ferry fares frozen"), URL, limits=Limits(max_seconds=1e-9))
    assert list(record) == list(RECORD_FIELDS) and record["articleBody"] is None
    assert record["metadata"]["overBudget"] == ["seconds"]


def test_zero_is_no_limit():
    page = article("Ferry fares frozen") + "<p>w</p>" * 60_000
    assert body_of(page)["metadata"]["overBudget"] == ["elements"]
    unlimited = extract_article(page, URL, limits=Limits(max_source_chars=0, max_elements=0, max_text_chars=0, max_seconds=0))
    assert "overBudget" not in unlimited["metadata"]


def test_limits_are_read_from_the_settings():
    settings = Settings({"NEWSCRAWL_EXTRACT_MAX_SOURCE_CHARS": "1000", "NEWSCRAWL_EXTRACT_MAX_ELEMENTS": "20",
                         "NEWSCRAWL_EXTRACT_MAX_TEXT_CHARS": "300", "NEWSCRAWL_EXTRACT_MAX_SECONDS": "0.5"})
    assert Limits.from_settings(settings) == Limits(max_source_chars=1000, max_elements=20, max_text_chars=300,
                                                    max_seconds=0.5)


@pytest.mark.parametrize("page", [b"", b"   ", b"<html>", "<p>" * 50_000, "</p>" * 50_000, "<!--" + "x" * 1000])
def test_empty_and_broken_pages_give_no_article(page):
    record = body_of(page)
    assert record["metadata"]["pageType"] == "other" or not record["headline"]


@pytest.mark.parametrize("href", ["https://herald.example:99999/a", "https://herald.example:-1/a"])
def test_a_canonical_link_that_cannot_be_parsed_is_not_the_canonical_url(href):
    """A canonical link on the page's own host with a port out of range raised ValueError out of
    extract_article (found by fuzzing the URLs of corpus pages)."""
    record = body_of(article("Ferry fares frozen").replace("</head>", f'<link rel="canonical" href="{href}"></head>'))
    assert record["canonicalUrl"] == URL


@pytest.mark.parametrize("url", ["https://herald.example:99999/a", "https://[::1", "https://herald.example/\ud800"])
def test_a_page_url_that_cannot_be_parsed_is_a_clear_error(url):
    with pytest.raises(ValueError, match="the page's URL cannot be parsed"):
        extract_article(article("Ferry fares frozen"), url)


# -- JSON-LD --------------------------------------------------------------------------------------

def jsonld_page(*scripts: str) -> str:
    tags = "".join(f'<script type="application/ld+json">{script}</script>' for script in scripts)
    return article("Ferry fares frozen").replace("</head>", f"{tags}</head>")


@pytest.mark.parametrize("script", [
    '{"@type": "NewsArticle", "headline": "From JSON-LD", "author": {"name": "Ana Silva"},}',
    '<!-- {"@type": "NewsArticle", "headline": "From JSON-LD", "author": {"name": "Ana Silva"}} -->',
    '//<![CDATA[\n{"@type": "NewsArticle", "headline": "From JSON-LD", "author": {"name": "Ana Silva"}}\n//]]>',
], ids=["trailing-commas", "html-comment", "js-cdata"])
def test_lenient_json_ld_is_read(script):
    record = body_of(jsonld_page(script))
    assert record["headline"] == "From JSON-LD" and record["authors"] == [{"name": "Ana Silva"}]


@pytest.mark.parametrize("script", [
    '{"@type": "NewsArticle", "headline": "' + "x" * 10_000_000 + '"}',
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    '{"@type": "NewsArticle", "headline": "unterminated',
], ids=["10-MB-string", "deep-list", "deep-object", "unterminated"])
def test_oversized_or_broken_json_ld_is_ignored(script):
    record = body_of(jsonld_page(script))
    assert record["headline"] == "Ferry fares frozen"
    assert record["articleBody"].split("\n\n")[-3:] == PARAGRAPHS


def test_json_ld_strings_cut_inside_an_emoji_give_a_record_that_is_valid_utf8():
    """A lone \\ud83d escape became a lone surrogate in the record, which no file can hold as UTF-8."""
    record = body_of(jsonld_page(r'{"@type": "NewsArticle", "author": {"name": "Ana Silva \ud83d"}, '
                                 r'"description": "Fares frozen \ud83d\ude00 for winter \udc00", '
                                 r'"keywords": ["ferry \ud83d"]}').encode("utf-8"))
    assert record["authors"] and record["keywords"] and "😀" in record["description"]
    json.dumps(record, ensure_ascii=False).encode("utf-8")


def test_json_ld_of_the_wrong_types_gives_no_wrong_values():
    record = body_of(jsonld_page(json.dumps({
        "@type": "NewsArticle", "headline": 42, "author": 12345,
        "datePublished": ["2026-11-20T09:30:00+01:00", "garbage"], "dateModified": {"a": 1},
        "publisher": {"name": 7}, "keywords": {"nested": True}, "inLanguage": 42, "image": 3.5,
    })))
    assert record["headline"] == "Ferry fares frozen"
    assert record["authors"] == [] and record["keywords"] == []
    assert record["datePublished"] == "2026-11-20T09:30:00+01:00" and record["dateModified"] is None
    assert record["publisher"] is None and record["mainImage"] is None


def test_json_ld_not_a_number_gives_no_date():
    """Python's JSON reader takes the NaN and Infinity that JavaScript writes; read as epoch
    seconds they raised ValueError and OverflowError out of extract_article (found by fuzzing
    the JSON-LD of corpus pages)."""
    record = body_of(jsonld_page('{"@type": "NewsArticle", "datePublished": NaN, "dateModified": -Infinity}'))
    assert record["datePublished"] is None and record["dateModified"] is None
    assert record["articleBody"].split("\n\n")[-3:] == PARAGRAPHS


# -- dates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "timezone", "expected"), [
    ("1989-12-31T10:00:00Z", None, None),
    ("0001-01-01", None, None),
    ("2026-11-03T10:00:00", None, "2026-11-03T10:00:00"),
    ("2026-11-03T10:00:00", "Europe/Vienna", "2026-11-03T10:00:00+01:00"),
    ("Tue, 03 Nov 2026 10:00:00 GMT", None, "2026-11-03T10:00:00+00:00"),
    ("3. November 2026", None, "2026-11-03"),
    ("03.11.2026 10:00", "Europe/Berlin", "2026-11-03T10:00:00+01:00"),
])
def test_dates_are_read_or_refused(value, timezone, expected):
    assert normalize_date(value, timezone) == expected


@pytest.mark.parametrize("value", ["3 novembre 2026", "3 de noviembre de 2026", "2026年11月3日",
                                   "3 ноября 2026", "vor 3 Stunden", "2026-13-45", "99999999999999999999"])
def test_dates_in_formats_not_understood_are_left_out_not_guessed(value):
    assert normalize_date(value) is None


def test_a_publication_date_in_the_future_is_refused():
    page = article("Ferry fares").replace("<head>", '<head><meta property="article:published_time" '
                                                     'content="2099-01-01T10:00:00Z">')
    assert body_of(page)["datePublished"] is None


# -- feeds and sitemaps -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["xxe.xml", "laughs.xml"])
def test_feeds_declaring_entities_are_refused(name, caplog):
    assert feed_links((HOSTILE / "site" / "feeds" / name).read_bytes(), "https://e.example/feed") == []
    assert "declares XML entities" in caplog.text


def test_quadratic_entity_blowup_is_refused_before_feedparser_expands_it():
    """feedparser's lenient parser expanded this 1 MB feed to a 1 GB title (and 3 GB of memory)."""
    body = quadratic_feed().encode()
    assert feed_links(body, "https://e.example/feed") == []
    assert feed_links(body.decode().encode("utf-16"), "https://e.example/feed") == []


def test_feed_with_undefined_entities_and_broken_dates_still_gives_its_links():
    body = (HOSTILE / "site" / "feeds" / "broken.xml").read_bytes().replace(b"{{base}}", b"https://e.example")
    links = feed_links(body, "https://e.example/feed")
    assert [link.url for link in links] == ["https://e.example/2026/11/unclosed-tags.html",
                                            "https://e.example/2026/11/jsonld-hostile.html"]
    assert [link.published for link in links] == [None, None]


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0"?><rss version="2.0"><channel>' + "".join(
        f"<item><link>{link}</link><pubDate>{date}</pubDate></item>" for link, date in items) + "</channel></rss>").encode()


def test_feed_entries_with_a_zero_date_or_a_link_that_cannot_be_parsed_leave_the_others():
    """A MySQL zero date (0000-00-00) became year -1 in feedparser and raised ValueError, as did a
    link with a bracketed host that is no address: the whole feed was lost (found by fuzzing)."""
    links = feed_links(rss(("https://e.example/a", "0000-00-00"), ("http://[zz]/b", ""),
                           ("https://e.example/c", "Tue, 10 Nov 2026 08:00:00 +0100")), "https://e.example/feed")
    assert [(link.url, link.published) for link in links] == [
        ("https://e.example/a", None), ("https://e.example/c", "2026-11-10T07:00:00+00:00")]


def test_feed_with_references_to_surrogates_gives_its_entries():
    """A character reference to a surrogate made feedparser's lenient parser raise UnicodeEncodeError
    (found by fuzzing); some encoders write an emoji as two such references."""
    body = rss(("https://e.example/a", ""), ("https://e.example/b", "")).replace(b"<link>", b"<title>Hi &#55357;&#56832; &#xd800;</title><link>")
    links = feed_links(body, "https://e.example/feed")
    assert [(link.url, link.title) for link in links] == [("https://e.example/a", "Hi 😀 \ufffd"), ("https://e.example/b", "Hi 😀 \ufffd")]


def test_sitemap_entries_with_references_to_surrogates_are_read():
    """libxml2 keeps ``&#xd800;`` as bytes that are not UTF-8 and lxml raised UnicodeDecodeError
    reading them: the whole sitemap was lost (found by fuzzing)."""
    body = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            b' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://e.example/a</loc></url>'
            b"<url><loc>https://e.example/b</loc><news:news><news:title>&#55357;&#56832; &#xd800;</news:title></news:news></url>"
            b"<url><loc>https://e.example/c</loc></url></urlset>")
    links = parse_sitemap(body).links
    assert [(link.url, link.title) for link in links] == [
        ("https://e.example/a", None), ("https://e.example/b", "😀 \ufffd"), ("https://e.example/c", None)]


def test_sitemap_declaring_entities_gives_no_links():
    body = (HOSTILE / "site" / "sitemaps" / "xxe.xml").read_bytes()
    assert parse_sitemap(body).links == [] and parse_sitemap(gzip.compress(body)).kind == ""


# -- the safety helpers -------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "found"), [
    (b"%PDF-1.4", "pdf"), (b"\xff\xd8\xff\xe0", "jpeg"), (b"GIF89a", "gif"), (b"PK\x03\x04", "zip"),
    (b"RIFF\x00\x00WEBP", "riff"), (b"\x1f\x8b\x08", "gzip"), (b"\x7fELF", "elf"), (b"<html\x00>", "binary"),
    ("<p>é</p>".encode("utf-16"), None), ("<p>é</p>".encode("utf-16-be").join([b"\xfe\xff", b""]), None),
])
def test_binary_formats_are_recognised(body, found):
    assert binary_format(body) == found


@pytest.mark.parametrize(("encoding", "compress"), [
    (b"gzip", gzip.compress), (b"deflate", zlib.compress), (b"deflate", lambda b: zlib.compress(b)[2:-4]),
    (b"br", brotli.compress),
])
def test_truncated_compressed_streams_are_told_apart(encoding, compress):
    whole = compress(article("Whole article").encode())
    assert stream_complete(whole, encoding)
    assert not stream_complete(whole[: len(whole) // 2], encoding)


# -- site names never reach a path --------------------------------------------------------------

@pytest.mark.parametrize("name", ["..", "a/../../b", "..\\\\x", "herald\\n", "x\\u0000y", ".hidden", "/etc"])
def test_path_like_site_names_are_refused(tmp_path, name):
    path = tmp_path / "sites.toml"
    path.write_text(f'[[site]]\nname = "{name}"\ndomains = ["e.example"]\n')
    with pytest.raises(ConfigError, match="key 'name'"):
        load_sites(path)
