"""Page type: the features extraction computes, the shipped model, and its training command."""

from __future__ import annotations

import gzip
import json
import random
from re import _constants as sre, _parser

import pytest
from lxml import etree

from newscrawl import extract_article
from newscrawl.evaluation import train
from newscrawl.extraction.classify import MODEL_FILE, PageTypeModel, page_type, shipped_model
from newscrawl.extraction.document import parse_document
from newscrawl.extraction import page_features
from newscrawl.extraction.page_features import _LINK_TEXT_NOT_NOSCRIPT, _SHOWN_TEXT, count_phrases, shown_and_link_text
from newscrawl.extraction.record import extract_features
from tests.conftest import CORPUS

STORY = " ".join(
    f"The council met on day {n} and argued at length about the bridge, its cost and its age."
    for n in range(30)
)
NEWS = f"""<html><head><title>Council closes the old bridge</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Council closes the old bridge",
 "datePublished": "2026-11-03T10:00:00Z", "author": {{"@type": "Person", "name": "Jo Doe"}}}}</script>
</head><body><article><h1>Council closes the old bridge</h1><p>By Jo Doe</p>
{"".join(f"<p>{STORY[i:i + 400]}</p>" for i in range(0, len(STORY), 400))}</article></body></html>"""
SHOP = """<html><head><title>Steel kettle 1.7 l</title>
<script type="application/ld+json">{"@type": "Product", "name": "Steel kettle",
 "offers": {"@type": "Offer", "price": "39.99", "priceCurrency": "USD"}}</script></head>
<body><h1>Steel kettle 1.7 l</h1><p>$39.99</p><p>In stock</p><form><select><option>Black</option>
</select><input type="number"><button>Add to cart</button></form>
<ul>""" + "".join(f'<li><a href="/p/{n}">Kettle model {n}</a> $2{n}.99</li>' for n in range(12)) + """</ul>
<p>Boils fast. Free shipping on orders over $50.</p></body></html>"""


def test_a_news_story_is_an_article_and_a_shop_page_is_not():
    assert extract_article(NEWS, "https://news.example.com/2026/11/council-closes-old-bridge")[
        "metadata"]["pageType"] == "article"
    assert extract_article(SHOP, "https://shop.example.com/products/steel-kettle")[
        "metadata"]["pageType"] == "other"


def test_a_bare_story_without_byline_or_date_is_an_article():
    """A wire story as simple sites print it: a headline and paragraphs, nothing else. A
    refitted model once judged such pages other (their score fell from 1.2 to -0.2), so a
    chaos crawl of them published nothing."""
    rng = random.Random(7)
    words = ["harbour", "council", "ferry", "winter", "budget", "school", "river", "market", "bridge"]
    paragraphs = "".join(f"<p>Story 7. {' '.join(rng.choice(words) for _ in range(40)).capitalize()}.</p>"
                         for _ in range(5))
    html = (f"<!doctype html><html><head><title>Wire story 7: ferry budget</title></head><body>"
            f"<article><h1>Wire story 7: ferry budget</h1>{paragraphs}</article></body></html>")
    assert extract_article(html, "http://127.0.0.1:8080/wire/007.html")["metadata"]["pageType"] == "article"


def test_features_are_what_the_shipped_model_reads():
    features = extract_features(NEWS, "https://news.example.com/2026/11/council-closes-old-bridge")
    assert set(shipped_model().features) <= set(features)
    assert all(isinstance(value, float | int) for value in features.values())


def test_shown_and_link_text_are_every_text_node_outside_code():
    """Reading with the code taken out gives what an XPath over every text node gives, scripts
    inside <noscript> and a page nested deeper than Python recurses included, and leaves the
    tree as it was."""
    pages = [NEWS, SHOP, "<body><div>a<noscript>b<p>c<script>d</script></p>e</noscript>f</div>g</body>",
             "<body><a href=/>a<noscript><a href=/x>b</a></noscript><script>c</script>d</a>e</body>",
             "<body>" + "<div>" * 1500 + "a<script>b</script>c" + "</div>" * 1500 + "d</body>"]
    for page in pages:
        root = parse_document(page, "https://e.com/").root
        markup = etree.tostring(root)
        shown, links = shown_and_link_text(root)
        assert shown == "".join(_SHOWN_TEXT(root))
        assert "".join(links) == "".join(_LINK_TEXT_NOT_NOSCRIPT(root))
        assert etree.tostring(root) == markup
    assert shown_and_link_text(parse_document(pages[-1], "https://e.com/").root)[0] == "acd"


PHRASES = [page_features._SHOP_WORDS, page_features._SERVICE_WORDS, page_features._FORUM_WORDS,
           page_features._BYLINE_WORDS]


def _literal_starts(items) -> set[tuple[str, bool]]:
    """The literal text each way through parsed regex ``items`` starts with, and whether that
    way is literal to its end; zero-width assertions are skipped."""
    starts = {("", True)}
    for op, arg in items:
        longer = set()
        for start, whole in starts:
            if not whole:
                longer.add((start, False))
            elif op is sre.LITERAL:
                longer.add((start + chr(arg), True))
            elif op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
                longer.add((start, True))
            elif op is sre.SUBPATTERN:
                longer |= {(start + more, rest) for more, rest in _literal_starts(arg[-1])}
            elif op is sre.BRANCH:
                longer |= {(start + more, rest) for way in arg[1] for more, rest in _literal_starts(way)}
            else:
                longer.add((start, False))
        starts = longer
    return starts


@pytest.mark.parametrize("phrases", PHRASES)
def test_every_match_of_a_phrase_pattern_starts_with_one_of_its_openings(phrases):
    """count_phrases tries the pattern only where an opening stands: an alternative that
    starts otherwise would never be counted."""
    starts = _literal_starts(_parser.parse(phrases.pattern.pattern))
    assert starts and all(any(start.startswith(o) for o in phrases.openings) for start, _ in starts)


def test_phrases_are_counted_as_the_pattern_finds_them():
    texts = [NEWS, SHOP, STORY, "Sign up free trial: by Jo, Par Ann; get a free quote and free "
             "consultation. 3 replies, last post: posts: 4, reposted, joined: quote"]
    for text in texts:
        for phrases in PHRASES:
            for case in (text, text.lower()):
                assert count_phrases(phrases, case) == len(phrases.pattern.findall(case))


def test_reader_words_are_counted_as_the_case_blind_pattern_finds_them():
    for text in (NEWS, SHOP, "We fix your roof; call us. Yours, youth, trust, ours, US, you, our-team, we'd"):
        lowered = text.lower()
        assert page_features._lowered_reader_words(lowered) == len(page_features._PITCH_WORDS.findall(lowered))


def test_a_feed_or_sitemap_listing_reaches_the_features():
    url = "https://news.example.com/2026/11/council-closes-old-bridge"
    assert extract_features(NEWS, url)["listed"] == 0.0
    assert extract_features(NEWS, url, listed=True)["listed"] == 1.0
    assert extract_article(NEWS, url, listed=True)["metadata"]["pageType"] == "article"


def test_page_type_follows_the_model_given():
    always = PageTypeModel(["listed"], [1.0])
    never = PageTypeModel(["listed"], [-1.0])
    features = extract_features(NEWS, "https://news.example.com/a")
    assert (page_type(features, always), page_type(features, never)) == ("article", "other")


def _write_set(root, name, pages):
    folder = root / name
    folder.mkdir()
    truths = []
    for n, (html, kind) in enumerate(pages):
        page_id = f"{name}-{n}"
        (folder / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth = {"id": page_id, "url": f"https://e{n}.example.com/{kind}/{n}", "articleBody": ""}
        truths.append(truth | ({"pageType": kind} if kind != "article" else {}))
    (folder / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in truths))


def test_training_command_checks_by_corpus_and_writes_a_model(tmp_path, capsys):
    _write_set(tmp_path, "news-a", [(NEWS, "article")] * 6)
    _write_set(tmp_path, "news-b", [(NEWS, "article")] * 6)
    _write_set(tmp_path, "others", [(SHOP, "product")] * 12)
    out = tmp_path / "model.json"
    assert train.main([str(tmp_path), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    assert "left out news-a + other pages fold 0: article 6/6" in report
    assert "left out news-b + other pages fold 1: article 6/6" in report
    model = PageTypeModel(**json.loads(out.read_text()))
    assert page_type(extract_features(SHOP, "https://e0.example.com/product/0"), model) == "other"
    assert page_type(extract_features(NEWS, "https://e0.example.com/article/0"), model) == "article"


def test_a_monotone_feature_never_lowers_the_score():
    """Pages with more words are articles, except a band of long ones labelled other: a
    monotone fit gives the band no lower score than the shorter pages below it."""
    rows = [{"words": v / 10} for v in range(60)]
    labels = [v >= 20 and not 40 <= v < 46 for v in range(60)]
    free = train.fit(rows, labels, ["words"], train.Boosting())
    steady = train.fit(rows, labels, ["words"], train.Boosting(monotone=(("words", 1),)))
    scores = [steady.score(row) for row in rows]
    assert free.score({"words": 4.2}) < free.score({"words": 3.5})
    assert scores == sorted(scores) and scores[5] < 0 < scores[30]


def test_a_bagged_fit_is_the_same_every_time():
    rows = [{"x": v / 20, "y": (v * 7 % 11) / 11} for v in range(40)]
    labels = [v >= 20 for v in range(40)]
    boosting = train.Boosting(rounds=5, bags=3, seed=4)
    first, second = (train.fit(rows, labels, ["x", "y"], boosting) for _ in range(2))
    assert train.model_text(first) == train.model_text(second)
    assert len(first.trees) == 15 and first.score({"x": 1.5}) > 0 > first.score({"x": 0.1})


def test_the_training_command_writes_the_shipped_model():
    """Refitting on the shared corpus gives the shipped file byte for byte. When this fails,
    the page features changed since the model was fitted: run the training command."""
    assert train.model_text(train.shipped_fit(train.labelled_pages(CORPUS))) == MODEL_FILE.read_text()
