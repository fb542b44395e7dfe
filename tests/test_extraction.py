"""extract_article as a library call: inputs of every kind, site selectors, never raising."""

from __future__ import annotations

import pytest

from newscrawl import extract_article
from newscrawl.extraction.items import RECORD_FIELDS

PARAGRAPHS = [
    "The council voted on Tuesday to keep the night buses running until spring, after a "
    "petition signed by more than four thousand residents reached the town hall.",
    "Drivers had warned that the routes were the only way home for hospital staff on late "
    "shifts, and several councillors changed their minds during the debate.",
    "The decision will be reviewed in March, when the transport budget is set for next year "
    "and the operator reports how many passengers used the service.",
]
PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Night buses saved - The Herald</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Night buses saved",
 "datePublished": "2026-11-20T09:30:00+01:00", "author": {{"@type": "Person", "name": "Ana Ruiz"}}}}
</script></head><body><header><nav><a href="/">Home</a> <a href="/news/">News</a></nav></header>
<article><h1 class="title">Night buses saved after petition</h1>
<span class="byline">By <a href="/by/tom">Tom Field</a></span>
<div class="text">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div></article>
<footer><p>Copyright The Herald</p></footer></body></html>"""


def test_record_has_every_field_in_order():
    record = extract_article(PAGE, "https://herald.example/news/night-buses")
    assert list(record) == list(RECORD_FIELDS)
    assert record["articleBody"].split("\n\n") == PARAGRAPHS
    assert record["wordCount"] == sum(len(p.split()) for p in PARAGRAPHS)
    assert record["metadata"]["pageType"] == "article"


def test_site_selectors_win_over_structured_data():
    selectors = {"headline": "h1.title::text", "authors": "//span[@class='byline']/a/text()",
                 "articleBody": "div.text"}
    record = extract_article(PAGE, "https://herald.example/a", selectors=selectors)
    assert record["headline"] == "Night buses saved after petition"
    assert record["authors"] == [{"name": "Tom Field"}]
    assert record["articleBody"].split("\n\n") == PARAGRAPHS


def test_an_xpath_selector_may_find_an_element_by_its_id():
    page = PAGE.replace('<h1 class="title">', '<h1 class="title" id="headline">')
    record = extract_article(page, "https://herald.example/a", selectors={"headline": "(id('headline'))/text()"})
    assert record["headline"] == "Night buses saved after petition"


def test_selector_that_matches_nothing_falls_back():
    record = extract_article(PAGE, "https://herald.example/a", selectors={"headline": "h2.none"})
    assert record["headline"] == "Night buses saved"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252", "iso-8859-15"])
def test_bytes_in_declared_encodings(encoding):
    page = f'<html><head><meta charset="{encoding}"><title>Café crème à Zürich</title></head></html>'
    assert extract_article(page.encode(encoding), "https://e.example/")["headline"] == "Café crème à Zürich"


def test_bom_wins_over_meta_charset():
    page = '<html><head><meta charset="iso-8859-1"><title>naïve</title></head></html>'
    assert extract_article(b"\xef\xbb\xbf" + page.encode("utf-8"), "https://e.example/")["headline"] == "naïve"


TOWN_HALL = ("reached the town hall", "reached the \u201ctown hall\u201d of Z\u00fcrich")
UTF8_PAGE = PAGE.replace(*TOWN_HALL)


@pytest.mark.parametrize("page", [
    UTF8_PAGE, UTF8_PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"'),
    UTF8_PAGE.replace('<div class="text">', '<div class="text">' + "<div>" * 2_500),
    UTF8_PAGE.replace("<title>", "<title>\u0001"),
])
def test_a_utf8_page_gives_the_same_record_from_its_bytes_as_from_its_text(page):
    """libxml2 reads a UTF-8 page from its own bytes, not from the decoded text."""
    from_text, from_bytes = (extract_article(p, "https://herald.example/a") for p in (page, page.encode("utf-8")))
    for record in (from_text, from_bytes):
        del record["metadata"]["dateDownloaded"]
    assert from_bytes == from_text
    assert from_bytes["articleBody"].split("\n\n")[-3:] == [p.replace(*TOWN_HALL) for p in PARAGRAPHS]


def test_canonical_link_on_another_host_is_not_trusted():
    page = PAGE.replace("<title>", '<link rel="canonical" href="https://evil.example/x"><title>')
    record = extract_article(page, "https://herald.example/news/night-buses?utm_source=x")
    assert record["canonicalUrl"] == "https://herald.example/news/night-buses"


@pytest.mark.parametrize("page", [
    b"", b"\x00\x01\x02\xff" * 100, "<html>" + "<div>" * 10_000 + "deep", "<p>unclosed <b><i>",
    "%PDF-1.4 binary junk \x00", '<script type="application/ld+json">{"@type": [1, {}], "author": 3}</script>',
])
def test_never_raises(page):
    record = extract_article(page, "https://e.example/a")
    assert list(record) == list(RECORD_FIELDS)


def test_site_selector_dates_follow_the_pages_date_order():
    page = '<html lang="{}"><body><span class="d">03/11/2026</span><p>{}</p></body></html>'
    text = "Words of the article. " * 30
    selectors = {"datePublished": "span.d::text"}
    german = extract_article(page.format("de", text), "https://e.example/a", selectors=selectors)
    american = extract_article(page.format("en-US", text), "https://e.example/a", selectors=selectors)
    assert german["datePublished"].startswith("2026-11-03")
    assert american["datePublished"].startswith("2026-03-11")


def test_comments_under_a_plain_comments_heading_are_not_body():
    story = "".join(f"<p>Sentence {i} of the council story, told in full here.</p>" for i in range(12))
    comments = "<h2>Comments</h2><p>Great piece, thanks for writing it up.</p><p>I disagree with all of it.</p>"
    record = extract_article(f"<html><body><div>{story}{comments}</div></body></html>", "https://e.example/a")
    assert "Sentence 11 of the council story" in record["articleBody"]
    assert "Great piece" not in record["articleBody"]
    assert "I disagree" not in record["articleBody"]


def test_cookie_consent_banner_inside_the_article_is_not_body():
    """aeb-dev pages (WordPress consent plugins) ended their body with the banner's text."""
    banner = ("<p>This website uses cookies to improve your experience. We'll assume you're ok "
              "with this, but you can opt-out if you wish. Accept Read More</p>")
    page = PAGE.replace("</div></article>", f"{banner}</div></article>")
    body = extract_article(page, "https://e.example/2026/11/night-buses")["articleBody"]
    assert PARAGRAPHS[-1] in body
    assert "uses cookies" not in body


def test_closing_call_to_subscribe_is_not_body():
    """aeb-dev and fundus-dev pages ended their body with the site's newsletter call."""
    call = "<p>Get the latest updates right in your inbox. Subscribe to The Herald's newsletters.</p>"
    page = PAGE.replace("</div></article>", f"<p>{PARAGRAPHS[0]}</p>{call}</div></article>")
    body = extract_article(page, "https://e.example/2026/11/night-buses")["articleBody"]
    assert body.endswith(PARAGRAPHS[0])
    assert "Subscribe" not in body
