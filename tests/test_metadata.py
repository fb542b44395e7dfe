"""Metadata extraction from inline pages: each test names the rule it guards."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from newscrawl.extraction.document import parse_document
from newscrawl.extraction.metadata import extract_metadata

URL = "https://www.example-news.com/politics/2024/05/03/story.html"
KEYS = {
    "headline", "description", "authors", "datePublished", "dateModified", "inLanguage", "publisher",
    "articleSection", "keywords", "mainImage", "canonicalUrl", "pageTypes",
}


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def metadata(html: str, timezone: str | None = None, url: str = URL) -> dict:
    return extract_metadata(parse_document(html, url), timezone)


def test_record_has_every_key_on_an_empty_page():
    record = metadata("")
    assert set(record) == KEYS
    assert record["authors"] == [] and record["keywords"] == [] and record["headline"] is None


def test_jsonld_article_fields_win_over_meta_tags():
    head = jsonld({"@type": "NewsArticle", "headline": "Real headline", "datePublished": "2024-05-03T15:47:42.389Z",
                   "author": [{"@type": "Person", "name": "Ann Lee"}], "publisher": {"name": "The Daily"}})
    head += '<meta property="og:title" content="Social title"><meta name="author" content="Someone Else">'
    record = metadata(page(head))
    assert record["headline"] == "Real headline"
    assert record["authors"] == ["Ann Lee"]
    assert record["datePublished"] == "2024-05-03T15:47:42.389000+00:00"
    assert record["publisher"] == "The Daily"


def test_article_object_is_chosen_over_webpage_and_image_dates():
    head = jsonld({"@graph": [
        {"@type": "ImageObject", "datePublished": "2020-01-01"},
        {"@type": "WebPage", "datePublished": "2021-01-01T00:00:00Z"},
        {"@type": "NewsArticle", "headline": "H", "datePublished": "2024-05-03T17:47:42+02:00"},
    ]})
    assert metadata(page(head))["datePublished"] == "2024-05-03T17:47:42+02:00"


def test_author_reference_into_graph_is_resolved():
    head = jsonld({"@graph": [
        {"@type": "Article", "headline": "H", "author": {"@id": "#jane"}},
        {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
    ]})
    assert metadata(page(head))["authors"] == ["Jane Doe"]


def test_site_suffix_is_removed_from_og_title():
    head = ('<meta property="og:title" content="Storm hits the coast | Weather | The Daily">'
            '<meta property="og:site_name" content="The Daily">')
    assert metadata(page(head))["headline"] == "Storm hits the coast"


def test_dash_inside_headline_without_site_name_is_kept():
    head = '<meta property="og:title" content="Budget 2024 - what it means for you">'
    assert metadata(page(head))["headline"] == "Budget 2024 - what it means for you"


def test_meta_headline_beats_og_title_with_section_suffix():
    head = ('<meta name="headline" content="Vote delayed again">'
            '<meta property="og:title" content="Vote delayed again-Politics | The Daily">')
    assert metadata(page(head))["headline"] == "Vote delayed again"


def test_og_title_beats_jsonld_headline_that_only_repeats_the_seo_title():
    head = jsonld({"@type": "NewsArticle", "headline": "Storm live: what we know"})
    head += '<title>Storm live: what we know | The Daily</title>'
    head += '<meta property="og:site_name" content="The Daily">'
    head += '<meta property="og:title" content="Storm hits the coast">'
    assert metadata(page(head))["headline"] == "Storm hits the coast"


def test_jsonld_headline_stays_when_twitter_title_agrees_with_it():
    head = jsonld({"@type": "NewsArticle", "headline": "Storm live: what we know"})
    head += '<title>Storm live: what we know</title>'
    head += '<meta property="og:title" content="Storm hits the coast">'
    head += '<meta name="twitter:title" content="Storm live - what we know">'
    assert metadata(page(head))["headline"] == "Storm live: what we know"


def test_og_title_with_the_kicker_the_h1_shows_beats_jsonld_headline_without_it():
    head = jsonld({"@type": "NewsArticle", "headline": "Strike ends after ten days"})
    head += '<meta property="og:title" content="Rail / Strike ends after ten days">'
    body = '<article><h1><span>Rail</span>Strike ends after ten days</h1></article>'
    assert metadata(page(head, body))["headline"] == "Rail / Strike ends after ten days"


def test_kicker_in_a_breadcrumb_h1_is_not_the_headline():
    head = jsonld({"@type": "NewsArticle", "headline": "Strike ends after ten days"})
    head += '<meta property="og:title" content="Rail: Strike ends after ten days">'
    body = ('<nav class="crumbs"><h1>Rail: Strike ends after ten days</h1></nav>'
            '<ol><li class="breadcrumb-item"><h1>Rail: Strike ends after ten days</h1></li></ol>'
            '<article><h2>Strike ends after ten days</h2></article>')
    assert metadata(page(head, body))["headline"] == "Strike ends after ten days"


def test_kicker_the_h1_does_not_show_is_dropped_from_og_title():
    head = '<meta property="og:title" content="Iran and Israel: Talks resume in Doha">'
    body = ('<h1 itemprop="headline"><span class="overline">Middle East</span>'
            '<span class="offscreen"> - </span><span class="text">Talks resume in Doha</span></h1>')
    assert metadata(page(head, body))["headline"] == "Talks resume in Doha"


def test_kicker_the_h1_shows_above_the_headline_is_kept():
    head = '<meta property="og:title" content="Middle East: Talks resume in Doha">'
    body = '<h1><span class="topline">Middle East</span><span class="text">Talks resume in Doha</span></h1>'
    assert metadata(page(head, body))["headline"] == "Middle East: Talks resume in Doha"


def test_h1_wins_when_the_titles_disagree_with_each_other_and_with_it():
    head = jsonld({"@type": "NewsArticle", "headline": "Heat chaos: old trams and brittle concrete"})
    head += '<title>Heat chaos: old trams and brittle concrete</title>'
    head += '<meta property="og:title" content="When trams stall and concrete cracks">'
    body = '<article><h1>How the trams are readied for the next heatwave</h1></article>'
    assert metadata(page(head, body))["headline"] == "How the trams are readied for the next heatwave"


def test_jsonld_headline_stays_when_the_h1_tells_another_story():
    head = jsonld({"@type": "NewsArticle", "headline": "Heat chaos: old trams and brittle concrete"})
    head += '<meta property="og:title" content="When trams stall and concrete cracks">'
    body = '<h1>Subscribe to our morning briefing today</h1>'
    assert metadata(page(head, body))["headline"] == "Heat chaos: old trams and brittle concrete"


def test_headline_entities_and_tags_are_cleaned():
    head = jsonld({"@type": "NewsArticle", "headline": "Schubert: &quot;Nicht <b>mehr</b>&quot;  viel"})
    assert metadata(page(head))["headline"] == 'Schubert: "Nicht mehr" viel'


def test_meta_author_byline_is_split_and_cleaned():
    head = '<meta name="author" content="Von Felix Schröder und Jörg Soldwisch, dpa">'
    assert metadata(page(head))["authors"] == ["Felix Schröder", "Jörg Soldwisch", "dpa"]


def test_url_authors_in_meta_are_ignored():
    head = ('<meta property="article:author" content="https://www.facebook.com/daily">'
            '<meta name="author" content="Ann Lee">')
    assert metadata(page(head))["authors"] == ["Ann Lee"]


def test_visible_byline_after_headline_beats_teaser_authors():
    body = ('<aside><span class="teaser__author">By Not Me</span></aside>'
            '<h1>Title</h1><p class="article-byline">By Jane Doe and John Roe | 03.05.2024</p>')
    assert metadata(page(body=body))["authors"] == ["Jane Doe", "John Roe"]


def test_publisher_named_as_author_gives_way_to_a_person_in_the_byline():
    head = jsonld({"@type": "NewsArticle", "headline": "T", "author": {"@type": "Organization", "name": "The Daily"}})
    head += '<meta property="og:site_name" content="The Daily">'
    body = '<h1>T</h1><div class="authors"><span class="author-name">von Jemima Kelly</span></div>'
    assert metadata(page(head, body))["authors"] == ["Jemima Kelly"]


def test_publisher_author_is_kept_when_no_person_is_named():
    head = jsonld({"@type": "NewsArticle", "headline": "T", "author": {"@type": "Organization", "name": "The Daily"}})
    head += '<meta property="og:site_name" content="The Daily">'
    body = '<h1>T</h1><div class="article-author">von APA</div>'
    assert metadata(page(head, body))["authors"] == ["The Daily"]


def test_labelled_author_field_is_read():
    body = "<h1>T</h1><ul><li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>"
    assert metadata(page(body=body))["authors"] == ["Roman Goncharenko"]


def test_naive_meta_date_takes_the_site_timezone():
    head = '<meta property="article:published_time" content="2024-05-03 17:47">'
    assert metadata(page(head), "Europe/Vienna")["datePublished"] == "2024-05-03T17:47:00+02:00"


def test_page_offset_is_kept_not_converted():
    head = '<meta property="article:published_time" content="2024-08-28T07:26:02-0400">'
    assert metadata(page(head), "Europe/Vienna")["datePublished"] == "2024-08-28T07:26:02-04:00"


def test_date_only_value_stays_a_date():
    head = '<meta name="date" content="2025-10-20">'
    assert metadata(page(head), "Europe/Berlin")["datePublished"] == "2025-10-20"


@pytest.mark.parametrize("value", ["2020", "May 2020", "2020/05"])
def test_a_year_or_a_month_is_no_publication_day(value):
    # dateutil fills the missing month and day from today: a record must not change with the clock
    head = f'<meta name="citation_publication_date" content="{value}">'
    assert metadata(page(head), url="https://e.com/a")["datePublished"] is None


def test_time_element_and_url_are_date_fallbacks():
    assert metadata(page(body='<article><time datetime="2024-01-02T03:04:05Z">x</time></article>'),
                    url="https://e.com/a")["datePublished"] == "2024-01-02T03:04:05+00:00"
    assert metadata(page())["datePublished"] == "2024-05-03"


def test_dates_before_1990_are_refused():
    head = '<meta property="article:published_time" content="1970-01-01T00:00:00Z">'
    assert metadata(page(head), url="https://e.com/a")["datePublished"] is None


def test_modified_date_is_read_from_jsonld():
    head = jsonld({"@type": "Article", "dateModified": "2024-05-04T10:00:00+02:00"})
    assert metadata(page(head))["dateModified"] == "2024-05-04T10:00:00+02:00"


@pytest.mark.parametrize(("markup", "expected"), [
    ('<html lang="de-AT">', "de"),
    ('<html><meta property="og:locale" content="pt_BR">', "pt"),
    ('<html><meta http-equiv="content-language" content="fr">', "fr"),
    ('<html lang="Deutsch">', None),
])
def test_language_code(markup, expected):
    assert metadata(markup)["inLanguage"] == expected


def test_canonical_url_is_absolute_and_http_only():
    assert metadata('<link rel="canonical" href="/a/b">')["canonicalUrl"] == "https://www.example-news.com/a/b"
    assert metadata('<link rel="canonical" href="javascript:alert(1)">')["canonicalUrl"] is None


def test_small_fields():
    head = jsonld({"@type": "BlogPosting", "articleSection": ["Politics"], "keywords": "a, b, a",
                   "image": {"url": "/img.jpg"}})
    head += '<meta name="description" content="Desc &amp; more"><meta property="og:type" content="article">'
    record = metadata(page(head))
    assert record["articleSection"] == "Politics"
    assert record["keywords"] == ["a", "b"]
    assert record["mainImage"] == "https://www.example-news.com/img.jpg"
    assert record["description"] == "Desc & more"
    assert record["pageTypes"] == ["article", "blogposting"]


def test_mojibake_in_meta_is_repaired():
    head = '<meta property="og:title" content="jetzt fÃ¼r nur 5,99 Euro">'
    assert metadata(page(head))["headline"] == "jetzt für nur 5,99 Euro"


@pytest.mark.parametrize("data", [
    {"@type": "NewsArticle", "headline": 5, "author": 42, "datePublished": ["2024-05-03", "x"],
     "dateModified": {"a": 1}, "inLanguage": 7, "keywords": [1, None], "image": [None], "publisher": [3]},
    {"@type": ["NewsArticle", 3], "headline": ["A", "B"], "author": [[[[[[[{"name": "Deep"}]]]]]]]},
    {"@type": "NewsArticle", "headline": "x" * 10_000_000, "author": {"name": {"name": {"name": None}}}},
    {"@type": "NewsArticle", "datePublished": "9999-99-99", "dateModified": "-1"},
    [None, 1, "s", {"@graph": "not a list"}],
])
def test_hostile_jsonld_never_raises(data):
    record = metadata(page(jsonld(data) + "<h1>Fallback</h1>"))
    assert set(record) == KEYS
    assert record["headline"] is None or len(record["headline"]) <= 5_000
    assert all(isinstance(name, str) for name in record["authors"])


def test_deeply_nested_jsonld_never_raises():
    nested = "[" * 5000 + "]" * 5000
    html = f'<script type="application/ld+json">{nested}</script><title>T</title>'
    assert metadata(html)["headline"] == "T"


def test_extraction_does_not_modify_the_tree():
    html = page(jsonld({"@type": "NewsArticle", "headline": "H"}), "<h1>H</h1><p class='byline'>By A B</p>")
    doc = parse_document(html, URL)
    before = etree.tostring(doc.root)
    extract_metadata(doc)
    assert etree.tostring(doc.root) == before


def test_date_printed_under_the_headline_with_a_month_name():
    html = page(body='<h1>Notes from a night train</h1><div class="post-info">By Maria Lopez '
                     '&middot; November 12, 2026 &middot; <a href="/culture/">Culture</a></div>')
    assert metadata(html, url="https://blog.example/notes-from-a-night-train/")["datePublished"] == "2026-11-12"


def test_rdfa_creation_date_as_drupal_prints_it():
    html = page(body='<h1>Footbridge</h1><span property="dc:date dc:created" '
                     'content="2026-11-10T14:05:00+00:00">Submitted on Tue, 11/10/2026</span>')
    assert metadata(html)["datePublished"] == "2026-11-10T14:05:00+00:00"


@pytest.mark.parametrize(("lang", "printed", "expected"), [
    ("de", "03/11/2026", "2026-11-03"),
    ("en-GB", "03/11/2026", "2026-11-03"),
    ("en-US", "03/11/2026", "2026-03-11"),
    ("en-US", "25/03/2022", "2022-03-25"),
    ("fr", "11/20/2019", "2019-11-20"),
])
def test_slash_date_under_the_headline_is_read_in_the_pages_order(lang, printed, expected):
    html = page(body=f'<h1>Night train</h1><div class="meta">Published {printed}</div>', lang=lang)
    assert metadata(html, url="https://blog.example/night-train/")["datePublished"] == expected


def test_ambiguous_slash_date_in_meta_is_day_first_outside_en_us():
    html = page('<meta name="date" content="03/11/2026 14:05">', lang="fr")
    assert metadata(html, timezone="Europe/Paris")["datePublished"] == "2026-11-03T14:05:00+01:00"


BLOG_URL = "https://blog.example/notes/"


def test_numeric_time_is_read_in_the_order_the_page_prints_it_with_a_month_name():
    body = ('<h1>Pixel-perfect UI</h1><ul><li>Bence</li><li><time datetime="02-12-2025">02-12-2025</time></li></ul>'
            f'<p>{"Story text. " * 20}</p><aside><h4><a href="/pixel-perfect-ui">Pixel-perfect UI</a></h4>'
            '<time datetime="2025-12-02">December 02, 2025</time><h4><a href="/older">Older post</a></h4>'
            '<time datetime="2024-12-11">December 11, 2024</time></aside>')
    assert metadata(page(body=body), url=BLOG_URL)["datePublished"] == "2025-12-02"


def test_day_shown_by_the_headline_beats_a_structured_day_the_page_never_prints():
    head = '<meta property="article:published_time" content="2012-09-12T16:45:28+00:00">'
    body = '<h1>How to rent a car</h1><p>Travel</p><p>September 8, 2021 &middot; 5 min read</p><p>Story.</p>'
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2021-09-08"


def test_structured_day_stays_when_the_page_prints_it_too():
    head = '<meta property="article:published_time" content="2021-01-18T19:55:00+01:00">'
    body = ('<h1>Choosing a tool</h1><p>Recent: August 9, 2021</p><p>Story.</p>'
            '<footer>Published 2021-01-18</footer>')
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2021-01-18T19:55:00+01:00"


def test_updated_day_by_the_headline_does_not_replace_the_published_one():
    head = '<meta property="article:published_time" content="2024-10-15T18:50:03+00:00">'
    body = '<h1>I tried Amp</h1><p>By Mirel Zaman <span>Updated on</span> June 18, 2025</p>'
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2024-10-15T18:50:03+00:00"


def test_day_printed_above_the_headline_without_structured_data():
    body = '<p>Nutrition</p><p>March 1, 2024</p><h1>Healthy eating tips</h1><p>Eat well.</p>'
    assert metadata(page(body=body), url=BLOG_URL)["datePublished"] == "2024-03-01"


def test_posted_by_line_of_a_blog_gives_the_day():
    body = '<h1>Advent of Code, week 2</h1><p>Posted by <a href="/about">Roger</a> on November 3, 2025</p>'
    assert metadata(page(body=body), url=BLOG_URL)["datePublished"] == "2025-11-03"


def test_day_in_a_photo_caption_or_in_the_story_is_not_the_publication_day():
    head = '<meta property="article:published_time" content="2023-04-28">'
    body = ('<h1>Counter-offensive</h1><div><a><img src="t.jpg"></a><p>Tanks near Bakhmut, 24 April 2023</p></div>'
            '<p>' + "The army prepares. " * 8 + 'Strikes like the one on 26 April 2023 had become rare.</p>')
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2023-04-28"


@pytest.mark.parametrize("name", ["rnews:datePublished", "OriginalPublicationDate", "published", "published-date"])
def test_other_meta_names_for_the_publication_date(name):
    html = page(f'<meta name="{name}" content="2021-02-16">')
    assert metadata(html, url=BLOG_URL)["datePublished"] == "2021-02-16"


def test_publication_date_of_the_parsely_page_tag():
    html = page("""<meta name="parsely-page" content='{"title": "T", "pub_date": "2024-05-03T15:47:42Z"}'>""")
    assert metadata(html, url=BLOG_URL)["datePublished"] == "2024-05-03T15:47:42+00:00"


@pytest.mark.parametrize("epoch", [1714751262, 1714751262389])
def test_jsonld_dates_in_epoch_seconds_and_milliseconds(epoch):
    html = page(jsonld({"@type": "BlogPosting", "headline": "H", "datePublished": epoch}))
    assert metadata(html, url=BLOG_URL)["datePublished"] == "2024-05-03T15:47:42+00:00"


def test_url_date_followed_by_a_plus():
    url = "https://blog.example/articles/2025-12-15+Rust+GCC+backend"
    assert metadata(page(body="<h1>Rust GCC backend</h1><p>Text.</p>"), url=url)["datePublished"] == "2025-12-15"


def test_dotted_date_is_read_in_the_pages_order():
    head = '<meta property="article:published_time" content="2021-01-18">'
    body = "<h1>Renovation phases</h1><p>By Block Renovation 09.10.2024</p>"
    assert metadata(page(head, body, lang="en-US"), url=BLOG_URL)["datePublished"] == "2024-09-10"


@pytest.mark.parametrize(("byline", "expected"), [
    ("Meghan Neville Content Marketing Coordinator", ["Meghan Neville"]),
    ("Rasmus Barslund Founder", ["Rasmus Barslund"]),
    ("Mateusz Haberny Founder at Oakywood", ["Mateusz Haberny"]),
    ("Brian Truitt USA TODAY", ["Brian Truitt"]),
    ("André Oliver KLEIN", ["André Oliver KLEIN"]),
    ("Written byEdzel Tabing", ["Edzel Tabing"]),
    ("Authored by: Ann Lee", ["Ann Lee"]),
    ("Authors: Ann Lee, Bo Li", ["Ann Lee", "Bo Li"]),
    ('"David Kim"', ["David Kim"]),
    ("Genevieve Carlton, Ph.D.", ["Genevieve Carlton"]),
    ("Written By", []),
    ("Full Bio", []),
    ("Published in Startup Notes", []),
    ("Top Growth Marketing", ["Top Growth Marketing"]),
    ("by ALLIN ONE on Jan 22, 2025", ["ALLIN ONE"]),
    ("Posted by Jo Roe on Jan 22", ["Jo Roe"]),
    ("Von Max Muster am 3. Mai 2024", ["Max Muster"]),
    ("By Craig McCarthy Last updated on Jan 22", ["Craig McCarthy"]),
])
def test_byline_text_gives_only_names(byline, expected):
    from newscrawl.extraction.authors import split_authors
    assert split_authors(byline) == expected


@pytest.mark.parametrize("byline", [
    '<div class="meta"><p>Written by</p><p>Edzel Tabing</p></div>',
    '<p class="page-header__meta"><span>Category</span> <span>By <a href="/producers/edzel">Edzel Tabing</a></span></p>',
    '<p class="author">Edzel Tabing 4 August 2010</p>',
    '<p>Share</p><p>Save</p><p>Print</p><p>Listen</p><p>Written by Edzel Tabing</p>',
])
def test_blog_platform_bylines(byline):
    html = page(body=f"<h1>Restaurant trends</h1>{byline}<p>{'Story text. ' * 20}</p>")
    assert metadata(html, url=BLOG_URL)["authors"] == ["Edzel Tabing"]


@pytest.mark.parametrize("title", [
    "Best Camping Hammocks of 2026, Tested & Reviewed",
    "Best Camping Hammocks of 2026 | Outdoor Gear Reviews",
    "Best Camping Hammocks of 2026 ⋆",
])
def test_title_tail_goes_when_the_h1_shows_the_bare_title(title):
    head = f'<meta property="og:title" content="{title}"><title>{title}</title>'
    html = page(head, "<h1>Best Camping Hammocks of 2026</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "Best Camping Hammocks of 2026"


def test_social_title_the_h1_confirms_beats_a_jsonld_headline_worded_otherwise():
    head = jsonld({"@type": "Article", "headline": "Take a look at the top tools for data analysis."})
    head += '<meta property="og:title" content="Top 24 tools for data analysis | Splunk">'
    html = page(head, "<h1>Top 24 Tools for Data Analysis</h1><p>Text.</p>")
    assert metadata(html, url="https://www.splunk.com/blog/tools.html")["headline"] == "Top 24 tools for data analysis"


def test_page_title_alone_does_not_confirm_the_h1():
    head = '<meta property="og:title" content="I sell Disney World holidays"><title>I sell Walt Disney World holidays</title>'
    html = page(head, "<h1>I sell Walt Disney World holidays</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "I sell Disney World holidays"


def test_subdomain_host_still_names_the_site():
    html = page("<title>GAME CHANGER | Newegg.com</title>", "<p>Text.</p>")
    assert metadata(html, url="https://promotions.newegg.com/zotac/index.html")["headline"] == "GAME CHANGER"


def test_h1_of_a_guide_beats_its_seo_worded_jsonld_headline():
    head = jsonld({"@type": "BlogPosting", "headline": "5 Best Blockchain Development Trends for 2026"})
    html = page(head, "<h1>Top 5 Blockchain Technology Trends to Watch in 2026</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "Top 5 Blockchain Technology Trends to Watch in 2026"


def test_news_article_keeps_its_jsonld_headline_over_the_h1():
    head = jsonld({"@type": "NewsArticle", "headline": "Campaigns brace for a sprint to Election Day"})
    html = page(head, "<h1>Campaigns brace for an intense sprint to Election Day</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "Campaigns brace for a sprint to Election Day"


def test_day_under_a_heading_that_is_not_an_h1():
    head = "<title>Top 5 HR Management Software in 2026 | DianaHR</title>"
    body = '<div class="title">Top 5 HR Management Software in 2026</div><p>DianaHR Team</p><p>Feb 16, 2026</p><p>Text.</p>'
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2026-02-16"


def test_month_glued_to_the_name_before_it():
    body = "<h1>Spice Cayenne</h1><p>Luke KimDecember 17, 2025</p>"
    assert metadata(page(body=body), url=BLOG_URL)["datePublished"] == "2025-12-17"


def test_posted_on_line_at_the_foot_of_the_page():
    body = "<h1>Index types</h1>" + "<p>Story text goes on.</p>" * 40 + "<p>Written by Dana, Posted on April 13, 2023</p>"
    assert metadata(page(body=body), url=BLOG_URL)["datePublished"] == "2023-04-13"


def test_modified_date_dates_a_page_that_gives_no_other():
    head = '<meta property="article:modified_time" content="2023-06-12T10:39:42+00:00">'
    assert metadata(page(head, "<h1>Portfolio</h1>"), url=BLOG_URL)["datePublished"] == "2023-06-12T10:39:42+00:00"


def test_home_page_masthead_and_todays_date_give_no_publication_day():
    head = '<title>The Loopback Herald – Independent news since 1894</title><meta property="og:site_name" content="The Loopback Herald">'
    body = '<div class="logo">The Loopback Herald</div><p class="today">Monday 16 November 2026</p><h3>Flood pact</h3>'
    assert metadata(page(head, body), url="https://www.example-news.test/")["datePublished"] is None


def test_weekday_printed_before_the_date_is_not_an_author():
    body = '<h1>Glacier station opens</h1><div class="byline">By <a href="/author/jane-doe.html" rel="author">Jane Doe</a> · Saturday 14 November 2026</div>'
    assert metadata(page(body=body), url=BLOG_URL)["authors"] == ["Jane Doe"]


@pytest.mark.parametrize("name", ["w-published-date", "og:publish_date", "citation_publication_date", "published_at"])
def test_meta_names_that_end_in_a_publication_date(name):
    html = page(f'<meta name="auto-publish" content="2020-01-01"><meta name="{name}" content="2025-05-27T06:03:43Z">')
    assert metadata(html, url=BLOG_URL)["datePublished"] == "2025-05-27T06:03:43+00:00"


def test_url_date_with_a_month_name():
    url = "https://wine.example/knowledge/blog/2023/october/03/wine-types/"
    assert metadata(page(body="<h1>Wine types</h1><p>Text.</p>"), url=url)["datePublished"] == "2023-10-03"


def test_day_shown_by_the_headline_and_given_by_the_url_beats_the_structured_one():
    head = '<meta property="article:published_time" content="2025-12-17T02:41:41+00:00">'
    body = ("<h1>Comfort watches, day eighteen</h1><p>Posted on</p><p>December 18, 2025</p><p>Story.</p>"
            "<div><p>Ann</p><p>December 17, 2025, 9:46 pm</p><p>A comment.</p></div>")
    url = "https://blog.example/2025/12/18/comfort-watches/"
    assert metadata(page(head, body), url=url)["datePublished"] == "2025-12-18"


def test_updated_day_by_the_headline_beats_a_date_element_elsewhere_when_nothing_else_dates_the_page():
    body = (f'<p>Last updated:</p><p>Dec 12, 2025</p><h1>Top agencies of the year</h1><p>{"Story text. " * 60}</p>'
            '<aside><span class="post-date">Dec 2, 2025</span></aside>')
    assert metadata(page(body=body), url=BLOG_URL)["datePublished"] == "2025-12-12"


@pytest.mark.parametrize("title", ["Garnix Blog: Hardware-Attested Nix Builds", "Hardware-Attested Nix Builds (via Passle)"])
def test_title_head_or_bracketed_tail_goes_when_the_h1_shows_the_bare_title(title):
    head = f'<meta property="og:title" content="{title}"><title>{title}</title>'
    html = page(head, "<h1>Hardware-Attested Nix Builds</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "Hardware-Attested Nix Builds"


def test_h1_that_is_only_the_blogs_name_gives_way_to_the_page_title():
    html = page("<title>rustc_codegen_gcc: Progress Report #39</title>", "<h1>Antoyo's Blog</h1><p>Text.</p>")
    assert metadata(html, url="https://blog.antoyo.xyz/progress-report-39")["headline"] == (
        "rustc_codegen_gcc: Progress Report #39")


def test_h1_alone_loses_its_site_suffix():
    html = page(body="<h1>How to help toddlers sleep | Patient Education | UC Davis Children's Hospital</h1>")
    url = "https://health.ucdavis.edu/children/patient-education/helping-children-sleep"
    assert metadata(html, url=url)["headline"] == "How to help toddlers sleep"


def test_jsonld_headline_cut_short_gives_way_to_the_social_title_that_continues_it():
    full = "Fix It Friday: We Help 4 Readers (Including One Universal Trick)"
    head = jsonld({"@type": "Article", "headline": "Fix It Friday: We Help 4 Readers (Including"})
    head += f'<meta property="og:title" content="{full} - Emily Henderson"><meta property="og:site_name" content="Emily Henderson">'
    assert metadata(page(head, "<p>Text.</p>"), url=BLOG_URL)["headline"] == full


def test_title_in_utf8_read_as_latin1_is_repaired():
    head = '<meta property="og:title" content="A DIY Investor\u00e2\u0080\u0099s Guide">'
    assert metadata(page(head), url=BLOG_URL)["headline"] == "A DIY Investor\u2019s Guide"


def test_an_admin_account_is_not_an_author():
    html = page('<meta name="author" content="NOC Admin">',
                f'<h1>Tech conferences</h1><p class="author">By Marie Stafford</p><p>{"Story text. " * 20}</p>')
    assert metadata(html, url=BLOG_URL)["authors"] == ["Marie Stafford"]


@pytest.mark.parametrize("box", [
    "<div><h3>Author</h3><p>Lisa D. Ellis</p></div>",
    "<div><h2>Article by</h2><div>Lisa D. Ellis</div><button>Let's talk</button><button>Subscribe</button></div>",
])
def test_author_named_under_a_heading_label(box):
    html = page(body=f"<h1>AI for clinicians</h1><p>{'Story text. ' * 20}</p>{box}")
    assert metadata(html, url=BLOG_URL)["authors"] == ["Lisa D. Ellis"]


def test_h1_that_words_a_blog_post_otherwise_than_its_social_title_wins():
    head = '<meta property="og:title" content="Best Office Chairs for Back Pain Relief">'
    html = page(head, "<h1>Best Office Chairs to Prevent Back Pain</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "Best Office Chairs to Prevent Back Pain"


@pytest.mark.parametrize(("extra_head", "shown"), [
    (jsonld({"@type": "NewsArticle"}), "Chairs that prevent back pain, say doctors"),
    ("", "Best Office Chairs for Lower Back Pain Relief"),
])
def test_social_title_stays_on_news_or_when_the_h1_only_adds_a_word(extra_head, shown):
    head = '<meta property="og:title" content="Best Office Chairs for Back Pain Relief">' + extra_head
    html = page(head, f"<h1>{shown}</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "Best Office Chairs for Back Pain Relief"


def test_title_tail_after_a_question_goes_when_the_h1_ends_with_the_question():
    head = '<meta property="og:title" content="What Is Mesh WiFi? Our 2026 Exclusive Guide">'
    html = page(head, "<h1>What is Mesh WiFi?</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "What Is Mesh WiFi?"


def test_byline_in_lower_case_under_the_headline():
    html = page(body=f"<h1>Candidate experience</h1><p>03/01/2017</p><p>by Agatha Caleo</p><p>{'Story text. ' * 20}</p>")
    assert metadata(html, url=BLOG_URL)["authors"] == ["Agatha Caleo"]


def test_written_by_box_at_the_foot_of_the_page():
    html = page(body=f"<h1>Money habits</h1><p>{'Story text. ' * 20}</p>"
                     "<div><h3>Written by Cassidy Horton</h3><p>Cassidy Horton is a finance writer.</p></div>")
    assert metadata(html, url=BLOG_URL)["authors"] == ["Cassidy Horton"]


def test_by_line_after_a_child_element_in_pretty_printed_markup():
    body = ('<h1>Candidate experience</h1><div class="node__meta">\n    <time>03/01/2017</time>\n'
            '    by Agatha Caleo\n</div><p>Story.</p>')
    assert metadata(page(body=body))["authors"] == ["Agatha Caleo"]


def test_byline_gives_the_name_its_name_element_holds_not_the_title_after_it():
    body = ('<h1>Pests</h1><div class="author-line"><span class="author-label">Written By:</span> '
            '<span class="author-name">Celeste Longacre</span> Gardener &amp; Astrologer</div>'
            '<div class="byline"><span class="author-name">Edited by <b class="author-name">Bo Li</b></span></div>')
    assert metadata(page(body=body))["authors"] == ["Celeste Longacre"]


def test_last_updated_line_at_the_foot_dates_a_page_that_gives_no_other():
    body = "<h1>Webcams</h1>" + "<p>Story text goes on.</p>" * 40 + '<p style="text-align:right">Last updated: November 13, 2025</p>'
    assert metadata(page(body=body), url=BLOG_URL)["datePublished"] == "2025-11-13"


def test_title_segment_naming_the_urls_section_goes():
    head = '<meta property="og:title" content="Homestead gardening makes communities self-reliant | District">'
    url = "https://www.example-news.com/district/343604"
    assert metadata(page(head), url=url)["headline"] == "Homestead gardening makes communities self-reliant"


def test_h1_of_a_theme_whose_body_class_mentions_breadcrumbs_is_the_page_heading():
    head = '<meta property="og:title" content="How to Negotiate Salary - Center for Career Development">'
    html = (f'<html lang="en"><head>{head}</head><body class="genesis-breadcrumbs-visible">'
            '<div class="site-title"><h1>How to Negotiate Salary</h1></div><p>Story.</p></body></html>')
    assert metadata(html)["headline"] == "How to Negotiate Salary"


def test_day_shown_by_the_headline_a_day_before_a_structured_time_no_time_zone_puts_on_that_day():
    head = '<meta property="article:published_time" content="2025-12-19T22:02:58+00:00">'
    body = '<h1>A new interpretability method</h1><div>Dec 18, 2025</div><p>Story.</p>'
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2025-12-18"


def test_day_shown_by_the_headline_a_day_off_in_another_time_zone_keeps_the_structured_time():
    head = '<meta property="article:published_time" content="2025-07-05T00:04:00+00:00">'
    body = '<h1>Fireworks</h1><div>July 4, 2025</div><p>Story.</p>'
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2025-07-05T00:04:00+00:00"


def test_scholarly_citation_authors_one_a_tag():
    head = ('<meta name="DC.Creator" content="Jennifer Huberty"><meta name="citation_authors" content="Jennifer Huberty">'
            '<meta name="citation_authors" content="Green, Jeni"><meta name="citation_authors" content="Chong Lee">')
    assert metadata(page(head, "<h1>Yoga</h1><p>Abstract.</p>"))["authors"] == ["Jennifer Huberty", "Jeni Green", "Chong Lee"]


@pytest.mark.parametrize("head", [
    '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Staff">',
    jsonld({"@type": "Article", "headline": "T", "author": {"@type": "Person", "name": "SFist Contributor"}}),
])
def test_a_page_signed_only_by_a_desk_keeps_that_signature(head):
    from newscrawl import extract_article
    signature = "Staff" if "Staff" in head else "SFist Contributor"
    html = page(head + '<meta property="og:site_name" content="SFist">', f"<h1>Movers</h1><p>{'Story text. ' * 30}</p>")
    assert extract_article(html, BLOG_URL)["authors"] == [{"name": signature}]


def test_an_admin_account_does_not_sign_a_page():
    from newscrawl import extract_article
    html = page('<meta name="author" content="admin">', f"<h1>Movers</h1><p>{'Story text. ' * 30}</p>")
    assert extract_article(html, BLOG_URL)["authors"] == []


def test_time_marked_pubdate_is_the_publication_day_over_structured_data():
    head = jsonld({"@type": "Article", "headline": "T", "datePublished": "2025-11-29T12:28:31-05:00"})
    body = ('<h1>Free accounting tools</h1><p>' + 'Story text. ' * 80 + '</p>'
            '<div class="published">Published <time pubdate datetime="2025-08-13">August 13, 2025</time></div>')
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2025-08-13"


def test_date_shown_by_the_h2_title_of_a_page_without_h1():
    head = "<title>Spice Cayenne data accelerator | Spice AI</title>"
    body = ("<div>Spice AI</div><h2>Introducing Spice Cayenne: the next data accelerator</h2>"
            f"<div><p>Luke Kim</p><small>December 17, 2025</small></div><p>{'Story text. ' * 30}</p>")
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2025-12-17"


def test_time_marked_pubdate_on_the_structured_day_keeps_the_structured_time():
    head = jsonld({"@type": "Article", "headline": "T", "datePublished": "2024-05-28T11:43:23-04:00"})
    body = '<h1>Composition</h1><p>Posted <time pubdate datetime="2024-05-28">May 28</time></p>'
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2024-05-28T11:43:23-04:00"


def test_day_shown_with_month_and_day_the_other_way_round_keeps_the_structured_date():
    head = '<meta property="article:published_time" content="2023-10-12T19:38:01+00:00">'
    body = '<p>10/12/2023 7:38:01 PM</p><h1>Skiplagging in relocation</h1><p>Story.</p>'
    assert metadata(page(head, body, lang="en-GB"), url=BLOG_URL)["datePublished"] == "2023-10-12T19:38:01+00:00"


def test_date_by_a_headline_nested_in_an_unclosed_menu_button_is_read():
    head = '<meta property="article:published_time" content="2012-09-12T16:45:28+00:00">'
    body = ('<header><button class="menu-button"><span>Menu</span><main><h1>Digital marketing</h1>'
            '<div class="byline">By Ann Lee, March 13, 2026</div><p>Story.</p></main></header>')
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2026-03-13"


def test_day_shown_by_the_headline_that_is_the_meta_modified_day_keeps_the_meta_published_one():
    head = ('<meta property="article:published_time" content="2022-05-10T17:34:08+00:00">'
            '<meta property="article:modified_time" content="2026-01-01T21:00:18+00:00">')
    body = '<h1>Best drip coffee makers</h1><p>Kev</p><p>January 1, 2026</p><p>Story.</p>'
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2022-05-10T17:34:08+00:00"


def test_day_shown_by_the_headline_that_is_the_jsonld_modified_day_still_wins():
    head = jsonld({"@type": "Article", "datePublished": "2024-09-06", "dateModified": "2025-11-14"})
    body = '<h1>Machine learning in e-commerce</h1><p>Chirag B</p><p>November 14, 2025</p><p>Story.</p>'
    assert metadata(page(head, body), url=BLOG_URL)["datePublished"] == "2025-11-14"


def test_time_element_shown_by_the_headline_beats_the_first_one_of_the_page():
    body = ('<aside><p>Next event <time datetime="2025-01-31T12:00:00Z">Jan 31, 2025</time></p></aside>'
            '<h1>Candidate experience</h1><div class="meta"><time datetime="2017-03-01T12:00:00Z">03/01/2017</time>'
            ' by Ann Lee</div><p>Story.</p>')
    assert metadata(page(body=body), url=BLOG_URL)["datePublished"] == "2017-03-01T12:00:00+00:00"


def test_a_login_in_the_structured_author_gives_way_to_the_byline():
    head = jsonld({"@type": "BlogPosting", "headline": "Meditation", "author": {"@type": "Person", "name": "andrew.keaveney"}})
    body = f'<h1>Meditation</h1><div class="author-info"><span>Denise Everheart</span></div><p>{"Story text. " * 20}</p>'
    assert metadata(page(head, body), url=BLOG_URL)["authors"] == ["Denise Everheart"]
    assert metadata(page(head, f"<h1>Meditation</h1><p>{'Story text. ' * 20}</p>"), url=BLOG_URL)["authors"] == ["andrew.keaveney"]


def test_author_name_in_a_css_module_block_named_for_the_author_and_the_date():
    body = ('<h1>Online classes</h1><div class="authorDateBlock_authorDateBlock__5gmRt">By '
            '<b><span class="authorDateBlock_authorName__N6j3Y">Reyan Perumal</span></b> Published on July 18, 2025</div>'
            f'<p>{"Story text. " * 20}</p><div class="storyArticle_author__YG_6z"><a href="/author/reyan-perumal">'
            'Written By Reyan Perumal. Reyan is a content writer based in Colombo, Sri Lanka.</a></div>')
    assert metadata(page(body=body), url=BLOG_URL)["authors"] == ["Reyan Perumal"]


def test_blog_platform_byline_posted_by_a_name_at_a_time():
    body = (f'<h1>Vibe coding</h1><div class="blogbody"><p>{"Story text. " * 20}</p>'
            '<span class="posted">Posted by David at December 16, 2025 11:15 AM</span></div>')
    assert metadata(page(body=body), url=BLOG_URL)["authors"] == ["David"]


def test_author_named_above_the_bio_that_opens_with_the_name():
    body = (f'<h1>Podcast equipment</h1><p>{"Story text. " * 20}</p><section><div class="callout">'
            '<img class="author__photo" src="a.jpg"><div class="callout__content"><h3>Alban Brooke</h3>'
            '<p>Alban Brooke is the Head of Marketing at Buzzsprout.</p></div></div></section>')
    assert metadata(page(body=body), url=BLOG_URL)["authors"] == ["Alban Brooke"]


def test_a_subheading_repeated_by_its_paragraph_is_no_author():
    body = f'<h1>Travel insurance</h1><p>{"Story text. " * 20}</p><h3>Theft Protection</h3><p>Theft protection is a must.</p>'
    assert metadata(page(body=body), url=BLOG_URL)["authors"] == []


def test_byline_sentence_this_post_was_written_by():
    body = (f'<h1>Journal indexing</h1><p>{"Story text. " * 20}</p><div class="row" id="post-author-wrapper">'
            '<div class="author-bio">This post was written by Danielle Padula</div></div>')
    assert metadata(page(body=body), url=BLOG_URL)["authors"] == ["Danielle Padula"]


def test_author_box_bio_that_calls_the_author_by_first_name():
    body = (f'<h1>Pixel-perfect UI</h1><p>{"Story text. " * 20}</p><div class="blog-author d-flex"><img src="b.jpg">'
            '<div><h4>Bence Kovács</h4><div class="social-links"><a href="/in/bence"><i class="bi"></i></a></div>'
            '<p>Bence is a software developer specializing in audio.</p></div></div>')
    assert metadata(page(body=body), url=BLOG_URL)["authors"] == ["Bence Kovács"]


def test_h1_that_continues_the_cut_title_of_a_blog_post_wins():
    head = '<meta property="og:title" content="Pros and Cons of Tiny House Living | LoadUp"><meta property="og:site_name" content="LoadUp">'
    html = page(head, "<h1>Pros and Cons of Tiny House Living: Why Live in a Tiny House?</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "Pros and Cons of Tiny House Living: Why Live in a Tiny House?"


def test_structured_headline_the_h1_repeats_beats_the_social_title_of_a_blog_post():
    head = jsonld({"@type": "Article", "headline": "Best Anime of 2025"}) + (
        '<title>Best Anime of 2025</title><meta property="og:title" content="The Best Anime of 2025 Is Not What You Expect">')
    html = page(head, "<h1>Best Anime of 2025</h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "Best Anime of 2025"


def test_h1_that_goes_on_longer_than_the_title_holds_more_than_the_headline():
    head = '<meta property="og:title" content="IAM overview">'
    html = page(head, "<h1>IAM overview <button>Stay organized with collections</button> "
                      "<button>Save and categorize content based on your preferences.</button></h1><p>Text.</p>")
    assert metadata(html, url=BLOG_URL)["headline"] == "IAM overview"


def test_title_the_url_slug_names_beats_an_h1_worded_otherwise():
    head = '<meta property="og:title" content="10 Free Accounting Tools for Small Businesses">'
    html = page(head, "<h1>10 Free Accounting Tools for Your Small Business</h1><p>Text.</p>")
    url = "https://e.com/finance/free-accounting-tools-for-small-businesses"
    assert metadata(html, url=url)["headline"] == "10 Free Accounting Tools for Small Businesses"


def test_h1_the_url_slug_names_beats_a_title_worded_otherwise():
    head = '<meta property="og:title" content="Climate change: 5 innovative solutions">'
    html = page(head, "<h1>Five innovative solutions to climate change: learning from global hotspots</h1><p>Text.</p>")
    url = "https://e.com/insights/hotspots-of-climate-change"
    assert metadata(html, url=url)["headline"] == "Five innovative solutions to climate change: learning from global hotspots"


@pytest.mark.parametrize("kind, title, h1", [
    ("NewsArticle", "Rail workers end their strike", "Rail strike ends after night of talks"),  # news: the rules decide
    ("Article", "Rail workers end strike after talks", "Rail workers end strike after night talks"),  # one word apart
])
def test_url_slug_does_not_settle_news_or_titles_worded_alike(kind, title, h1):
    html = page(jsonld({"@type": kind, "headline": title}), f"<h1>{h1}</h1><p>Text.</p>")
    assert metadata(html, url="https://e.com/news/rail-strike-ends-after-night-of-talks")["headline"] == title


def test_page_title_the_url_slug_names_beats_the_h1_of_a_page_without_social_titles():
    html = page("<title>10 Best Marketing Companies for Small Business (2024) - Podium</title>",
                "<h1>10 Top Agencies to Grow Your Business in 2024</h1><p>Text.</p>")
    url = "https://www.podium.com/article/the-best-marketing-companies-for-small-businesses"
    assert metadata(html, url=url)["headline"] == "10 Best Marketing Companies for Small Business (2024)"
