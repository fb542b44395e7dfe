"""Hostile servers: real ``scrapy crawl news`` runs against a loopback server that misbehaves.

One fault server (:mod:`tests.fault_server`) serves fixtures/hostile/site plus a
:class:`Fault` for every hostile path; the start page links to them all. For
each case the crawl goes on, logs a line naming the URL, counts a reason in the
stats, and publishes no partial or wrong record. Three crawls: the hostile site
with small limits (``DOWNLOAD_MAXSIZE`` 2 MiB, ``DOWNLOAD_TIMEOUT`` 2 s), the
same server's big payloads under the default limits, and five robots.txt
servers. Memory is asserted on Scrapy's ``memusage`` stats, never time.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import brotli
import pytest

from tests.conftest import REPO, Crawl, run_crawl
from tests.fault_server import DiscoveryServer, Fault, start

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd  # Scrapy's own dependency before Python 3.14

HOSTILE = REPO / "fixtures" / "hostile"
SITE = "x..hostile_-site"
MIB = 1024 * 1024
BOMB_BYTES = 64 * MIB  # over the default DOWNLOAD_MAXSIZE (32 MiB) as well as the 2 MiB of the fast crawl
HTML = {"Content-Type": "text/html; charset=utf-8"}

COMMON = {"LOG_LEVEL": "DEBUG", "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.5", "DOWNLOAD_TIMEOUT": "2",
          "RETRY_TIMES": "1", "NEWSCRAWL_RETRY_BACKOFF": "0.1"}
SMALL_LIMITS = {**COMMON, "DOWNLOAD_MAXSIZE": str(2 * MIB), "DOWNLOAD_WARNSIZE": str(MIB)}
# Memory a crawl may add to what the process had when the engine started.
MEMORY_GROWTH_LIMIT = 256 * MIB

PARAGRAPHS = [
    "The harbour authority said on Monday that the ferry fares would stay the same for the whole "
    "winter, after a long campaign by island residents who depend on the boats for work and school.",
    "Officials told the council that fuel costs had fallen since the summer, and that the operator "
    "had agreed to absorb the rest of the increase until the new contract starts in April.",
    "Residents welcomed the decision but warned that the timetable cuts announced last year still "
    "leave the last boat home too early for people who work late shifts on the mainland.",
]
UMLAUTS = "ÄÖÜ äöü ß é"
JAPANESE = "フェリー運賃は冬の間据え置き"


def article(headline: str, paragraphs: list[str] = PARAGRAPHS, body: str = "") -> str:
    """An article page that extraction publishes when nothing else is wrong with it.

    Its first paragraph names the headline, so no two articles have the same body.
    """
    text = "".join(f"<p>{p}</p>" for p in [f"{headline}.", *paragraphs])
    return (f"<!doctype html><html><head><title>{headline}</title></head><body>"
            f"<article><h1>{headline}</h1>{body}{text}</article></body></html>")


def german(headline: str) -> str:
    return article(f"Fähre: Preise für den Winter eingefroren ({headline})",
                   [f"{p} {UMLAUTS}" for p in PARAGRAPHS])


def japanese(headline: str, meta: str = "") -> str:
    page = article(headline, [f"{JAPANESE}。{p}" for p in PARAGRAPHS])
    return page.replace("<head>", f"<head>{meta}")


def bomb(encoding: str, size: int = BOMB_BYTES) -> bytes:
    """``size`` bytes of white space compressed with a ``Content-Encoding``, built in chunks."""
    chunk, chunks = b" " * MIB, size // MIB
    if encoding in ("gzip", "deflate"):
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
        return b"".join(compressor.compress(chunk) for _ in range(chunks)) + compressor.flush()
    if encoding == "br":
        compressor = brotli.Compressor(quality=5)
        return b"".join(compressor.process(chunk) for _ in range(chunks)) + compressor.finish()
    compressor = zstd.ZstdCompressor()
    return b"".join(compressor.compress(chunk) for _ in range(chunks)) + compressor.flush()


def encoded(body: bytes, encoding: str) -> Fault:
    return Fault(200, {**HTML, "Content-Encoding": encoding}, body=body)


@dataclass(frozen=True)
class Case:
    """One hostile path: what the server does there, and the stats key and log line that show it."""

    path: str
    fault: Fault
    stat: str
    log: str


# Pages whose bytes, header and <meta> disagree: path -> (fault, the headline the record must have).
CHARSETS = {
    "/2026/11/bom-against-header.html": (
        Fault(200, {"Content-Type": "text/html; charset=iso-8859-1"},
              body=b"\xef\xbb\xbf" + german("BOM").encode("utf-8")), "BOM"),
    "/2026/11/header-against-meta.html": (
        Fault(200, {"Content-Type": "text/html; charset=shift_jis"},
              body=japanese(JAPANESE, '<meta charset="utf-8">').encode("shift_jis")), JAPANESE),
    "/2026/11/undeclared-cp1252.html": (
        Fault(200, {"Content-Type": "text/html"}, body=german("cp1252").encode("cp1252")), "cp1252"),
    "/2026/11/undeclared-shift-jis.html": (
        Fault(200, {"Content-Type": "text/html"}, body=japanese(f"{JAPANESE}!").encode("shift_jis")),
        f"{JAPANESE}!"),
    "/2026/11/invalid-content-type.html": (
        Fault(200, {"Content-Type": "text/html; charset=\xff\xfe\x01bogus"},
              body=german("invalid header").encode("utf-8")), "invalid header"),
    "/2026/11/mojibake-declared-cp1252.html": (
        Fault(200, {"Content-Type": "text/html; charset=windows-1252"},
              body=german("declared cp1252").encode("utf-8")), "declared cp1252"),
    "/2026/11/no-content-type.html": (Fault(200, body=german("no header").encode("utf-8")), "no header"),
}
# Every page that must become a record: path -> a part of its headline.
PUBLISHED = {
    "/2026/11/unclosed-tags.html": "Ferry fares frozen despite broken markup",
    "/2026/11/jsonld-hostile.html": "Ferry fares frozen, says JSON-LD with trailing commas",
    "/2026/11/deep-nesting.html": "Ferry fares frozen at the bottom of a deep page",
    "/2026/11/retry-after.html": "Ferry fares frozen after a 429",
    "/2026/11/over-budget.html": "Ferry fares frozen on a page of 60,000 elements",
    **{path: headline for path, (_, headline) in CHARSETS.items()},
}
TRUNCATED = gzip.compress(article("Half an article").encode())[:-40]

CASES = [
    Case("/files/report.html", Fault(200, HTML, body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
         "newscrawl/safety/not_html/pdf", "body is pdf, not HTML"),
    Case("/files/photo.html", Fault(200, HTML, body=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
         "newscrawl/safety/not_html/png", "body is png, not HTML"),
    Case("/files/blob.html", Fault(200, {}, body=bytes(range(256)) * 8),
         "newscrawl/safety/not_html/binary", "body is binary, not HTML (Content-Type '')"),
    Case("/files/empty.html", Fault(200, HTML, body=b""),
         "item_dropped_reasons_count/NotAnArticle", "Dropped (NotAnArticle)"),
    Case("/2026/11/too-deep.html", Fault(200, HTML, body=article("Too deep", body="<div>x" * 10_000)),
         "newscrawl/spider/not_parsed_whole", "nests elements too deep to parse whole"),
    *(Case(f"/bombs/{encoding}", encoded(bomb(encoding), encoding), "newscrawl/safety/decompression_bomb",
           "exceeded DOWNLOAD_MAXSIZE (2097152 B) during decompression")
      for encoding in ("gzip", "deflate", "br", "zstd")),
    Case("/files/truncated-gzip.html", encoded(TRUNCATED, "gzip"),
         "newscrawl/safety/truncated_compression", "gzip stream ends early"),
    Case("/files/short-body.html", Fault(200, HTML, body=article("Short body"), content_length=50_000),
         "retry/reason_count/scrapy.exceptions.ResponseDataLossError", "Gave up retrying"),
    Case("/files/too-big.html", Fault(200, HTML, body=b"x", content_length=3 * MIB),
         "downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError",
         "larger than download max size (2097152)"),
    Case("/files/reset.html", Fault(200, HTML, body=article("Reset mid-body"), mode="reset"),
         "retry/reason_count/scrapy.exceptions.ResponseDataLossError", "Gave up retrying"),
    Case("/files/stall.html", Fault(200, HTML, body=article("Headers then nothing"), mode="stall"),
         "retry/reason_count/scrapy.exceptions.DownloadTimeoutError", "took longer than 2.0 seconds"),
    Case("/files/drip.html", Fault(200, HTML, body=article("Slow drip"), mode="drip"),
         "retry/reason_count/scrapy.exceptions.DownloadTimeoutError", "took longer than 2.0 seconds"),
    Case("/status/404.html", Fault(404, HTML, body="gone"),
         "httperror/response_ignored_status_count/404", "HTTP status code is not handled"),
    Case("/status/500.html", Fault(500, HTML, body="oops"),
         "retry/reason_count/500 Internal Server Error", "Gave up retrying"),
    Case("/2026/11/retry-after.html", Fault(429, {"Retry-After": "1"}, times=1),
         "newscrawl/retry/waited/retry_after", "(retry_after) before retrying"),
    Case("/redirect/loop.html", Fault(302, {"Location": "{{base}}/redirect/loop.html"}),
         "newscrawl/safety/redirect/loop", "redirect loop back to"),
    Case("/redirect/hop-1.html", Fault(302, {"Location": "{{base}}/redirect/hop-2.html"}),
         "newscrawl/safety/redirect/too_many", ""),  # logged for hop 21, asserted below
    Case("/redirect/file.html", Fault(301, {"Location": "file:///etc/passwd"}),
         "newscrawl/safety/redirect/not_http", "redirects to file:"),
    Case("/redirect/ftp.html", Fault(302, {"Location": "ftp://127.0.0.1/pub/secret.txt"}),
         "newscrawl/safety/redirect/not_http", "redirects to ftp:"),
    Case("/redirect/bad-host.html", Fault(302, {"Location": "http://[zz]/2026/11/x.html"}),
         "newscrawl/safety/redirect/bad_location", "redirects to a URL that cannot be parsed"),
    Case("/redirect/other-host.html", Fault(302, {"Location": "http://localhost:{{port}}/2026/11/unclosed-tags.html"}),
         "downloader/response_status_count/302", "Redirecting (302) to <GET http://localhost:"),
]
HOPS = 30
REFUSED = "http://127.0.0.1:1/2026/11/connection-refused.html"


def hostile_faults() -> dict[str, Fault]:
    """Every scripted path of the hostile site."""
    faults = {case.path: case.fault for case in CASES}
    faults.update({f"/redirect/hop-{n}.html": Fault(302, {"Location": f"{{{{base}}}}/redirect/hop-{n + 1}.html"})
                   for n in range(2, HOPS + 1)})
    faults.update({path: fault for path, (fault, _) in CHARSETS.items()})
    faults["/2026/11/deep-nesting.html"] = Fault(200, HTML, body=article(
        PUBLISHED["/2026/11/deep-nesting.html"], body="<div>" * 10_000))
    faults["/2026/11/over-budget.html"] = Fault(200, HTML, body=article(
        PUBLISHED["/2026/11/over-budget.html"]).replace("</body>", "<i>w</i>" * 60_000 + "</body>"))
    faults["/feeds/quadratic.xml"] = Fault(200, {"Content-Type": "application/rss+xml"}, body=quadratic_feed())
    faults["/"] = Fault(200, {**HTML, "Set-Cookie": "session=s3cret; Path=/"}, body=start_page())
    return faults


def quadratic_feed() -> str:
    """A 1 MB feed whose one entity, 20,000 times, expands to 1 GB: feedparser's lenient parser did."""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE rss [\n  <!ENTITY a "' + "A" * 50_000
            + '">\n]>\n<rss version="2.0"><channel><item><title>' + "&a;" * 20_000
            + "</title><link>{{base}}/2026/11/quadratic.html</link></item></channel></rss>")


def start_page() -> str:
    links = [*(case.path for case in CASES), *PUBLISHED, REFUSED]
    return "<html><body>" + "".join(f'<a href="{link}">{link}</a> ' for link in links) + "</body></html>"


def default_limit_faults() -> dict[str, Fault]:
    """Payloads that only the default limits (32 MiB, 50,000 sitemap URLs, 50 MiB sitemaps) meet."""
    urls = "".join(f"<url><loc>{{{{base}}}}/huge/{n}.html</loc></url>" for n in range(100_000))
    return {
        "/big/": Fault(200, HTML, body='<a href="/big/bomb.html">bomb</a> <a href="/big/50mb.html">big</a>'),
        "/big/bomb.html": encoded(bomb("gzip"), "gzip"),
        "/big/50mb.html": Fault(200, HTML, body=b"", content_length=50 * MIB, mode="stall"),
        "/sitemaps/huge.xml": Fault(200, {"Content-Type": "application/xml"}, body=(
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')),
        "/sitemaps/bomb.xml.gz": Fault(200, {"Content-Type": "application/gzip"}, body=bomb("gzip")),
    }


@pytest.fixture(scope="module")
def server() -> Iterator[DiscoveryServer]:
    server = start(HOSTILE / "site")
    server.faults.update(hostile_faults())
    server.faults.update(default_limit_faults())
    yield server
    server.shutdown()


def other_base(server: DiscoveryServer) -> str:
    """The server's base URL under another host name: another domain for the crawl."""
    return f"http://localhost:{server.server_address[1]}"


def write_sites(template: Path, server: DiscoveryServer, workdir: Path) -> Path:
    text = template.read_text().replace("{{base}}", server.base_url).replace("{{other}}", other_base(server))
    path = workdir / "sites.toml"
    path.write_text(text)
    return path


def logged(crawl: Crawl, *fragments: str) -> bool:
    """Whether one line of the crawl's log holds every fragment."""
    return any(all(f in line for f in fragments) for line in crawl.output.splitlines())


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture(scope="module")
def hostile(server, tmp_path_factory) -> tuple[Crawl, Path, DiscoveryServer]:
    workdir = tmp_path_factory.mktemp("hostile")
    server.reset()
    result = run_crawl(write_sites(HOSTILE / "sites.toml", server, workdir), workdir,
                       DUPEFILTER_DEBUG="1",
                       HTTPAUTH_USER="alice", HTTPAUTH_PASS="s3cret",
                       HTTPAUTH_DOMAIN=server.base_url.removeprefix("http://"), **SMALL_LIMITS)
    assert result.returncode == 0, result.output[-3000:]
    return result, workdir, server


@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
def test_every_hostile_path_is_counted_and_logged(hostile, case):
    result, _, _ = hostile
    assert result.stats.get(case.stat, 0) >= 1, case.stat
    assert logged(result, case.log, case.path), (case.log, case.path)


def test_the_crawl_finishes_and_publishes_exactly_the_sound_articles(hostile):
    result, _, _ = hostile
    assert result.stats["finish_reason"] == "finished"
    published = {path_of(record["url"]): record for record in result.records}
    assert set(published) == set(PUBLISHED)  # nothing partial: no truncated, reset, short or binary page
    for path, headline in PUBLISHED.items():
        assert headline in published[path]["headline"], path
    assert result.stats["newscrawl/publish/records"] == len(PUBLISHED)


def test_counts_match_the_cases_one_to_one(hostile):
    result, _, _ = hostile
    assert result.stats["newscrawl/safety/decompression_bomb"] == 4  # gzip, deflate, br, zstd
    assert result.stats["newscrawl/safety/redirect/not_http"] == 2  # file:, ftp:
    assert result.stats["newscrawl/safety/redirect/too_many"] == 1
    assert result.stats["newscrawl/safety/xml_entities"] == 4  # 3 feeds, 1 sitemap


def test_record_text_is_correct_unicode_whatever_the_declarations(hostile):
    result, _, _ = hostile
    published = {path_of(record["url"]): record for record in result.records}
    for path, (_, headline) in CHARSETS.items():
        record = published[path]
        assert headline in record["headline"], (path, record["headline"])
        text = record["headline"] + record["articleBody"]
        assert UMLAUTS in text or JAPANESE in text, path
        assert "\ufffd" not in text and "Ã" not in text and "ƒ" not in text, path


def test_malformed_and_deeply_nested_pages_give_whole_paragraphs(hostile):
    result, _, _ = hostile
    published = {path_of(record["url"]): record for record in result.records}
    for path in ("/2026/11/unclosed-tags.html", "/2026/11/deep-nesting.html"):
        paragraphs = published[path]["articleBody"].split("\n\n")
        assert paragraphs[-3:] == PARAGRAPHS, path


def test_a_page_over_the_extraction_budget_gives_what_fits_and_is_counted(hostile):
    result, _, _ = hostile
    (record,) = [r for r in result.records if r["url"].endswith("/over-budget.html")]
    assert "\n\n".join(PARAGRAPHS) in record["articleBody"]
    assert record["metadata"]["overBudget"] == ["elements"]
    assert result.stats["newscrawl/extraction/over_budget/elements"] == 1
    assert logged(result, "page over the extraction budget (elements)", "/2026/11/over-budget.html")


def test_adversarial_json_ld_gives_no_wrong_values(hostile):
    result, _, _ = hostile
    (record,) = [r for r in result.records if r["url"].endswith("/jsonld-hostile.html")]
    assert record["authors"] == []  # "author": 12345
    assert record["datePublished"] == "2026-11-20T09:30:00+01:00"  # the first of a list
    assert record["publisher"] is None and record["keywords"] == []


def test_feeds_and_sitemaps_declaring_entities_are_never_parsed(hostile):
    result, _, server = hostile
    for path in ("/feeds/xxe.xml", "/feeds/laughs.xml", "/feeds/quadratic.xml", "/sitemaps/xxe.xml"):
        assert logged(result, "declares XML entities", path), path
    assert not [path for path in server.paths() if "xxe-" in path or "quadratic.html" in path]
    assert not [r for r in result.records if "root:" in r["headline"] + r["articleBody"]]


def test_feed_with_undefined_entities_and_broken_dates_is_read_leniently(hostile):
    result, _, _ = hostile
    assert logged(result, "feed is not well-formed", "undefined entity", "/feeds/broken.xml")
    assert result.stats[f"newscrawl/site/{SITE}/queued/feed"] >= 2


def test_sitemap_index_including_itself_and_nesting_deeper_end(hostile):
    result, _, server = hostile
    paths = server.paths()
    assert paths.count("/sitemaps/self-index.xml") == 1
    assert result.stats["dupefilter/filtered"] >= 1
    assert logged(result, "Filtered duplicate request", "/sitemaps/self-index.xml")
    assert "/sitemaps/nested-2.xml" in paths and "/sitemaps/nested-3.xml" not in paths
    assert result.stats["newscrawl/spider/sitemap_too_deep"] == 1
    assert logged(result, "sitemap index nested deeper than 2")


def test_redirect_chains_stop_at_the_limit(hostile):
    result, _, server = hostile
    paths = server.paths()
    assert "/redirect/hop-21.html" in paths and "/redirect/hop-22.html" not in paths
    assert logged(result, "more than 20 redirects", "/redirect/hop-21.html")
    assert server.paths().count("/redirect/loop.html") == 1


def test_credentials_and_cookies_do_not_cross_domains(hostile):
    _, _, server = hostile
    seen = server.headers
    assert any("authorization" in headers for _, headers in seen if headers["host"].startswith("127.0.0.1"))
    elsewhere = [headers for _, headers in seen if headers["host"].startswith("localhost")]
    assert elsewhere, "the redirect to another host was followed"
    assert not [headers for headers in elsewhere if "authorization" in headers]
    assert not [headers for _, headers in seen if "cookie" in headers]  # COOKIES_ENABLED is off


def test_connection_refused_host_is_skipped(hostile):
    result, _, _ = hostile
    assert result.stats["downloader/exception_type_count/scrapy.exceptions.DownloadConnectionRefusedError"] >= 1
    assert result.stats["newscrawl/robots/unreachable"] == 1
    assert logged(result, "robots.txt of 127.0.0.1:1 could not be fetched")


def test_memory_stays_bounded(hostile):
    result, _, _ = hostile
    assert result.stats["memusage/max"] - result.stats["memusage/startup"] < MEMORY_GROWTH_LIMIT


def test_output_stays_inside_the_output_dir_whatever_the_site_name(hostile):
    result, workdir, _ = hostile
    output = workdir / "output"
    written = {p.relative_to(workdir).parts[0] for p in workdir.rglob("*") if p.is_file()}
    assert written == {"sites.toml", "output", "state"}
    assert {p.parent for p in output.rglob("*") if p.is_file()} == {output / "news"}
    assert result.stats[f"newscrawl/site/{SITE}/emitted"] == len(PUBLISHED)


@pytest.fixture(scope="module")
def defaults(server, tmp_path_factory) -> tuple[Crawl, DiscoveryServer]:
    workdir = tmp_path_factory.mktemp("defaults")
    server.reset()
    result = run_crawl(write_sites(HOSTILE / "defaults.toml", server, workdir), workdir,
                       **COMMON)
    assert result.returncode == 0, result.output[-3000:]
    return result, server


def test_default_limits_hold(defaults):
    result, _ = defaults
    assert result.stats["newscrawl/safety/decompression_bomb"] == 1
    assert logged(result, "exceeded DOWNLOAD_MAXSIZE (33554432 B) during decompression", "/big/bomb.html")
    assert result.stats["downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError"] == 1
    assert logged(result, "larger than download max size (33554432)", "/big/50mb.html")
    assert result.stats["newscrawl/spider/sitemap_truncated"] == 1
    assert logged(result, "sitemap has more than 50000 entries", "/sitemaps/huge.xml")
    assert result.stats["newscrawl/spider/denied/sitemap"] == 50_000
    assert result.stats["newscrawl/spider/sitemap_invalid"] == 1
    assert logged(result, "sitemap could not be decompressed within 52428800 bytes")
    assert logged(result, "not a sitemap", "/sitemaps/bomb.xml.gz")
    assert result.records == []
    assert result.stats["memusage/max"] - result.stats["memusage/startup"] < MEMORY_GROWTH_LIMIT


# robots.txt answers: name -> (fault, whether the host is crawled, stats key, log line).
ROBOTS = {
    "404": (Fault(404, body="no robots here"), True, "robotstxt/response_status_count/404", "Crawled (404)"),
    "403": (Fault(403, body="forbidden"), True, "robotstxt/response_status_count/403", "Crawled (403)"),
    "redirect": (Fault(301, {"Location": "{{base}}/robots-moved.txt"}), True,
                 "robotstxt/response_status_count/200", "Redirecting (301) to"),
    "503": (Fault(503, {"Retry-After": "0"}, body="down"), False, "newscrawl/robots/unreachable",
            "answered 503: not crawling this host in this run"),
    "timeout": (Fault(200, {"Content-Type": "text/plain"}, body="User-agent: *\n", mode="stall"), False,
                "newscrawl/robots/unreachable", "could not be fetched"),
}
ROBOTS_PAGES = {
    "/": Fault(200, HTML, body='<a href="/2026/11/open.html">open</a> <a href="/private/x.html">private</a>'),
    "/robots-moved.txt": Fault(200, {"Content-Type": "text/plain"}, body="User-agent: *\nDisallow: /private/\n"),
}


@pytest.fixture(scope="module")
def robots(tmp_path_factory) -> Iterator[tuple[Crawl, dict[str, DiscoveryServer]]]:
    servers = {}
    for name, (fault, _, _, _) in ROBOTS.items():
        page = Fault(200, HTML, body=article(f"Robots {name}"))
        servers[name] = start(HOSTILE / "site", {**ROBOTS_PAGES, "/robots.txt": fault,
                                                 "/2026/11/open.html": page, "/private/x.html": page})
    workdir = tmp_path_factory.mktemp("robots")
    sites = "".join(f'[[site]]\nname = "robots-{name}"\ndomains = ["127.0.0.1"]\n'
                    f'start_urls = ["{server.base_url}/"]\n\n' for name, server in servers.items())
    (workdir / "sites.toml").write_text(sites)
    try:
        result = run_crawl(workdir / "sites.toml", workdir, **COMMON)
        yield result, servers
    finally:
        for server in servers.values():
            server.shutdown()


@pytest.mark.parametrize("name", ROBOTS)
def test_robots_txt_status_decides_what_is_crawled(robots, name):
    result, servers = robots
    _, crawled, stat, log = ROBOTS[name]
    netloc = servers[name].base_url.removeprefix("http://")
    requested = servers[name].paths()
    assert ("/2026/11/open.html" in requested) is crawled
    if not crawled:
        assert set(requested) == {"/robots.txt"}
    assert result.stats[stat] >= 1
    assert logged(result, log, netloc), (log, netloc)


def test_robots_txt_redirect_is_followed_and_obeyed(robots):
    result, servers = robots
    assert "/robots-moved.txt" in servers["redirect"].paths()
    assert "/private/x.html" not in servers["redirect"].paths()
    assert "/private/x.html" in servers["404"].paths()
    assert result.stats["robotstxt/forbidden"] >= 1
    assert result.stats["newscrawl/robots/unreachable"] == 2  # 503 and the time-out
