"""Hostile bytes at the library level: extraction, discovery parsers and the safety helpers.

The crawl-level cases are in test_hostile_crawl.py; these feed the same kinds of
input straight to the pure functions, where a failure names the function.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib

import brotli
import pytest

from newscrawl import extract_article
from newscrawl.config import ConfigError, load_sites
from newscrawl.discovery.sources import feed_links, parse_sitemap
from newscrawl.extraction.dates import normalize_date
from newscrawl.middlewares.safety import binary_format
from newscrawl.middlewares.safety_compression import stream_complete
from tests.conftest import REPO
from tests.test_hostile_crawl import HOSTILE, JAPANESE, PARAGRAPHS, article, quadratic_feed

URL = "https://herald.example/2026/11/ferry-fares.html"
PAGE_MEMORY_FACTOR = 30  # peak memory of one extraction, in multiples of the page's size


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


def test_nesting_that_cannot_be_parsed_whole_gives_no_partial_record(caplog):
    page = "<h1>Deep</h1><p>" + PARAGRAPHS[0] + "</p>" + "<div><span>x</span>" * 3_000 + "<p>The rest.</p>"
    record = body_of(page)
    assert record["articleBody"] is None and record["metadata"]["pageType"] == "other"
    assert "nests elements too deep to parse whole" in caplog.text


def test_fifty_megabyte_text_node_is_extracted_in_bounded_memory():
    """Run in a child process, whose peak memory (``ru_maxrss``) is this page's alone."""
    script = (
        "import resource, sys\n"
        "from newscrawl import extract_article\n"
        "page = b'<title>Big</title><article><h1>Big</h1><p>' + b'word ' * (10 * 1024 * 1024) + b'</p></article>'\n"
        "record = extract_article(page, 'https://e.example/2026/11/big.html')\n"
        "print(record['wordCount'], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    words, peak = map(int, done.stdout.split())
    assert words >= 10 * 1024 * 1024
    assert peak < PAGE_MEMORY_FACTOR * 50 * 1024 * 1024


@pytest.mark.parametrize("page", [b"", b"   ", b"<html>", "<p>" * 50_000, "</p>" * 50_000, "<!--" + "x" * 1000])
def test_empty_and_broken_pages_give_no_article(page):
    record = body_of(page)
    assert record["metadata"]["pageType"] == "other" or not record["headline"]


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
