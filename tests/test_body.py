"""Main-text extraction on small inline pages: what must stay, what must go."""

from __future__ import annotations

import json

import pytest

from newscrawl.extraction.body import extract_body
from newscrawl.extraction.boilerplate import name_verdict
from newscrawl.extraction.document import parse_document

PARAGRAPHS = [
    "The council voted on Tuesday, after a long debate, to close the old bridge to traffic.",
    "Engineers had warned for years that the structure, built in 1932, was no longer safe.",
    "Repairs will start in the spring and should take about eighteen months, officials said.",
]


def body_of(html: str) -> list[str]:
    return extract_body(parse_document(html, "https://news.example.com/2024/bridge"))


def paragraphs(texts: list[str] = PARAGRAPHS) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def article(inside: str = "", after: str = "", texts: list[str] = PARAGRAPHS) -> str:
    """A page: headline, the article's paragraphs then ``inside``, then ``after`` the article."""
    return (
        f"<html><body><h1>Bridge closes</h1><article>{paragraphs(texts)}{inside}</article>"
        f"{after}</body></html>"
    )


def test_article_paragraphs_in_order() -> None:
    assert body_of(article()) == PARAGRAPHS


def test_headline_is_not_body() -> None:
    assert "Bridge closes" not in body_of(article())


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<html><body></body></html>"])
def test_empty_page_gives_no_blocks(html: str) -> None:
    assert body_of(html) == []


def test_adjacent_paragraphs_stay_apart() -> None:
    texts = ["Troops withdrew from the border in Syria.", "Already taken aback, allies asked why."]
    assert body_of(article(texts=texts)) == texts


def test_br_separated_paragraphs_become_blocks() -> None:
    text = "<br><br>".join(PARAGRAPHS)
    assert body_of(f"<html><body><div class='story'>{text}</div></body></html>") == PARAGRAPHS


def test_inline_markup_keeps_word_boundaries() -> None:
    text = "The <b>council</b> voted <a href='/x'>on</a> Tuesday to close the un<i>safe</i> bridge."
    assert body_of(article(texts=[text])) == [
        "The council voted on Tuesday to close the unsafe bridge."
    ]


def test_subheadings_and_lists_are_kept() -> None:
    section = (
        "<h2>What happens next</h2><ul><li>Buses will use the east road.</li>"
        f"<li>Cyclists may still cross.</li></ul>{paragraphs()}"
    )
    blocks = body_of(article(inside=section))
    assert blocks[3:6] == [
        "What happens next", "Buses will use the east road.", "Cyclists may still cross."
    ]


WORDPRESS_COMMENTS = """
<div id="comments" class="comments-area">
  <h2 class="comments-title">2 thoughts on "Bridge closes"</h2>
  <ol class="comment-list"><li class="comment"><div class="comment-content">
    <p>About time, the bridge has been shaking for years, I cross it every day.</p></div></li></ol>
  <div id="respond" class="comment-respond"><h3 id="reply-title">Leave a Reply</h3>
    <form id="commentform"><p class="comment-notes">Your email address will not be published.</p>
    <p>You may use these HTML tags and attributes: &lt;a href=""&gt; &lt;b&gt;</p>
    <textarea name="comment"></textarea></form></div>
</div>"""


def test_comment_section_and_form_are_dropped() -> None:
    text = " ".join(body_of(article(inside=WORDPRESS_COMMENTS)))
    for furniture in ("Leave a Reply", "will not be published", "HTML tags", "About time"):
        assert furniture not in text


def test_comment_form_in_other_languages_is_dropped() -> None:
    form = (
        '<div class="comment-respond"><h3>Schreibe einen Kommentar</h3>'
        "<p>Deine E-Mail-Adresse wird nicht veröffentlicht, und das ist auch gut so.</p></div>"
    )
    assert "Kommentar" not in " ".join(body_of(article(inside=form)))


def test_link_heavy_related_block_is_dropped() -> None:
    related = "<div class='more'><h3>More stories</h3><ul>" + "".join(
        f"<li><a href='/s{i}'>Another headline about the town number {i}</a></li>" for i in range(6)
    ) + "</ul></div>"
    assert body_of(article(after=related)) == PARAGRAPHS


def test_teaser_cards_are_dropped() -> None:
    card = (
        "<article><h3><a href='/other'>Mayor opens the new library downtown</a></h3>"
        "<p>The library, which cost four million, opened on Monday with a reading.</p></article>"
    )
    assert body_of(article(after=f"<section>{card * 3}</section>")) == PARAGRAPHS


def test_hidden_elements_are_dropped() -> None:
    hidden = "<div style='display: none'><p>Subscribe to read the rest, for one dollar.</p></div>"
    assert "Subscribe" not in " ".join(body_of(article(inside=hidden)))


def test_complete_jsonld_body_filters_boxes_out() -> None:
    box = "<p>Read our full coverage of local roads, bridges and tunnels in the city section.</p>"
    jsonld = json.dumps({"@type": "NewsArticle", "articleBody": "\n".join(PARAGRAPHS * 2)})
    page = article(inside=box + paragraphs())
    page = page.replace("<body>", f'<body><script type="application/ld+json">{jsonld}</script>')
    assert body_of(page) == PARAGRAPHS * 2


def test_jsonld_body_is_the_fallback_when_the_page_has_no_text() -> None:
    jsonld = json.dumps({"@type": "NewsArticle", "articleBody": "\n".join(PARAGRAPHS * 2)})
    page = (
        f'<html><head><script type="application/ld+json">{jsonld}</script></head>'
        '<body><div id="app"></div></body></html>'
    )
    assert body_of(page) == PARAGRAPHS * 2


def test_ten_thousand_levels_of_nesting_do_not_raise() -> None:
    page = f"<html><body>{'<div>' * 10_000}<p>{PARAGRAPHS[0]}</p>{'</div>' * 10_000}</body></html>"
    assert isinstance(body_of(page), list)


def test_deep_but_parsable_nesting_is_read() -> None:
    nested = f"{'<div><span>' * 900}<p>{PARAGRAPHS[0]}</p>{'</span></div>' * 900}"
    assert body_of(f"<html><body>{nested}</body></html>") == [PARAGRAPHS[0]]


def test_subheading_holding_a_named_anchor_is_kept() -> None:
    section = f"<h3><a name='part2'>A second look at the old bridge</a></h3>{paragraphs()}"
    assert "A second look at the old bridge" in body_of(article(inside=section))


# Links between the header and the text: the text's own element outweighs the article.
SHARE_LINKS = "".join(
    f"<div><a href='/share/{i}'>Share on {site}</a></div>"
    for i, site in enumerate(("Facebook", "Twitter", "WhatsApp"))
)


def test_lead_paragraph_just_before_the_article_container_is_kept() -> None:
    lead = "The old bridge closes for good, the council decided after a long debate."
    page = (
        f"<html><body><article><h1>Bridge closes</h1><p class='article-standfirst'>{lead}</p>"
        f"{SHARE_LINKS}<div class='text'>{paragraphs()}</div></article></body></html>"
    )
    assert body_of(page) == [lead, *PARAGRAPHS]


def test_lead_marked_up_as_alternative_headline_is_not_kept() -> None:
    dek = "The old bridge closes for good, the council decided after a long debate."
    page = (
        f"<html><body><article><p class='summary' itemprop='alternativeHeadline'>{dek}</p>"
        f"{SHARE_LINKS}<div class='text'>{paragraphs()}</div></article></body></html>"
    )
    assert body_of(page) == PARAGRAPHS


def test_info_box_inside_the_article_is_dropped() -> None:
    box = "<div class='article-infobox'><p>The bridge in numbers: built in 1932, 240 metres long.</p></div>"
    assert "in numbers" not in " ".join(body_of(article(inside=box + paragraphs())))


def test_text_hidden_only_from_screen_readers_is_kept() -> None:
    rest = "<p aria-hidden='true'>The last paragraph is marked for subscribers, but shown to all.</p>"
    assert "marked for subscribers" in " ".join(body_of(article(inside=rest)))


def test_html_carried_in_a_script_is_the_fallback_when_the_page_has_no_text() -> None:
    escaped = json.dumps("".join(f"<p>{text}</p>" for text in PARAGRAPHS)).replace("<", "\\u003c")
    page = (
        f'<html><body><div id="app"></div><script>self.__next_f.push([1,{escaped}])</script>'
        "</body></html>"
    )
    assert body_of(page) == PARAGRAPHS


@pytest.mark.parametrize("name", ["ad-slot ad-inline", "ad_container", "ads"])
def test_ad_slots_named_ad_something_are_pruned(name: str) -> None:
    slot = (f'<div class="{name}"><p>Advertise with the Herald, reach two million readers '
            "a month with a campaign on our pages today.</p></div>")
    assert body_of(article(inside=slot)) == PARAGRAPHS


def test_words_merely_containing_ad_are_not_furniture() -> None:
    kept = ('<div class="load-more head-note"><p>Residents can comment on the plans at the '
            "town hall until the end of the month, the council said.</p></div>")
    assert len(body_of(article(inside=kept))) == len(PARAGRAPHS) + 1


def test_short_cjk_sentences_count_as_prose() -> None:
    texts = [
        "気象庁は13日、宮崎県で震度5弱の地震があったと発表した。津波注意報も出された。",
        "政府は被害の確認を急ぐ。",
    ]
    assert body_of(article(texts=texts)) == texts


def test_cut_off_cjk_paragraph_is_kept() -> None:
    cut = "一方で、イスラエル軍は13日、ガザ北部の戦闘でイスラエル兵5人が死亡したと発表した【エルサレム"
    lead = "パレスチナ自治区ガザ地区の停戦交渉を仲介しているカタールの外務省報道官は、交渉が最終段階にあると述べた。"
    texts = [lead * 2, cut]
    assert body_of(article(texts=texts)) == texts


TEASER_LIST = "<section><h3>More news</h3>" + "".join(
    f"<div><h4><a href='/n{i}'>Headline of another story from the town, number {i}</a></h4>"
    f"<p><a href='/n{i}'>An excerpt of that other story, long enough to look like its lead.</a>"
    "</p></div>"
    for i in range(4)
) + "</section>"


def test_article_split_over_sibling_elements_is_kept_whole() -> None:
    page = (
        "<html><body><h1>Bridge closes</h1><div class='page'>"
        + "".join(f"<div class='block'>{text}</div>" for text in PARAGRAPHS)
        + f"{TEASER_LIST}</div></body></html>"
    )
    assert body_of(page) == PARAGRAPHS


def test_teasers_closing_the_article_element_are_cut_off() -> None:
    lead = ("Engineers and the council agree: the old bridge over the river has to go, and soon. "
            "What replaces it, and when, is less clear, and the town is split over the cost.")
    page = (
        f"<html><body><h1>Bridge closes</h1><div class='section'><p>{lead}</p>"
        f"<ul><li><a href='#a'>What happens next</a></li><li><a href='#b'>The costs</a></li></ul>"
        f"<div>{paragraphs()}</div>{TEASER_LIST}</div>{TEASER_LIST}</body></html>"
    )
    assert body_of(page) == [lead, *PARAGRAPHS]


def test_closing_list_of_short_lines_is_not_cut_off() -> None:
    dates = "".join(f"<p>June {day} -- Riverside Arena, Springfield</p>" for day in range(1, 16))
    page = (f"<html><body><h1>Tour</h1><div class='story'>{paragraphs(PARAGRAPHS * 2)}{dates}</div>"
            f"{TEASER_LIST}</body></html>")
    assert body_of(page)[-1] == "June 15 -- Riverside Arena, Springfield"


def test_sentence_mostly_made_of_a_link_is_kept() -> None:
    linked = ("The mayor, <a href='/jo'>Jo Doe, was re-elected in a landslide last</a> week.")
    assert "The mayor, Jo Doe, was re-elected in a landslide last week." in body_of(
        article(texts=[*PARAGRAPHS, linked]))


@pytest.mark.parametrize("name", [
    "article-gallery", "carousel", "c-slideshow", "affiliate-disclaimer", "article-meta",
    "whatsapp-group",
])
def test_galleries_disclaimers_and_metadata_are_pruned(name: str) -> None:
    box = (f'<div class="{name}"><p>Photo 2 of 12: the old bridge at dawn, seen from the east '
           "bank of the river, in the spring.</p></div>")
    assert body_of(article(inside=box)) == PARAGRAPHS


@pytest.mark.parametrize("name", ["h-offscreen", "u-visually-hidden", "a-screen-reader-only"])
def test_screen_reader_only_text_is_pruned(name: str) -> None:
    label = f"<span class='{name}'>Open the box</span>"
    texts = [f"{PARAGRAPHS[0][:-1]}{label}.", *PARAGRAPHS[1:]]
    assert body_of(article(texts=texts)) == PARAGRAPHS


def test_time_stamps_outside_paragraphs_are_dropped() -> None:
    stamp = "<div class='entry'><time datetime='2024-07-18T11:48'>21 mins ago 11:48</time></div>"
    assert body_of(article(inside=stamp + paragraphs())) == PARAGRAPHS * 2


def test_time_inside_a_sentence_is_kept() -> None:
    text = ("The council met on <time datetime='2024-07-16'>Tuesday</time> and voted to close "
            "the bridge.")
    assert body_of(article(texts=[*PARAGRAPHS, text]))[-1] == (
        "The council met on Tuesday and voted to close the bridge.")


def test_named_lead_without_a_full_stop_is_kept() -> None:
    lead = "The best way to cross the river while the old bridge is closed"
    page = (
        f"<html><body><article><h1>Bridge closes</h1><p class='standfirst'>{lead}</p>"
        f"{SHARE_LINKS}<div class='text'>{paragraphs()}</div></article></body></html>"
    )
    assert body_of(page) == [lead, *PARAGRAPHS]


def test_subheading_whose_links_were_left_out_is_dropped() -> None:
    links = "<h3>Also read</h3><ul><li><a href='/a'>Another story</a></li></ul>"
    section = f"{links}<h2>What happens next</h2>{paragraphs()}"
    blocks = body_of(article(inside=section))
    assert "Also read" not in blocks and "What happens next" in blocks


def test_stacked_summary_headings_before_the_text_are_kept() -> None:
    summary = "<h2>The bridge closes on Monday</h2><h2>Buses take the east road</h2>"
    page = (f"<html><body><h1>Bridge closes</h1><article>{summary}{paragraphs()}</article>"
            "</body></html>")
    assert body_of(page) == ["The bridge closes on Monday", "Buses take the east road", *PARAGRAPHS]


@pytest.mark.parametrize(
    "label", ["Advertisement", "Anzeige", "Lire aussi :", "Read more", "Publicité"])
def test_lines_labelling_furniture_are_dropped(label: str) -> None:
    texts = [PARAGRAPHS[0], label, *PARAGRAPHS[1:]]
    assert body_of(article(texts=texts)) == PARAGRAPHS


def test_headline_repeated_with_a_kicker_is_not_body() -> None:
    page = article().replace("<article>", "<article><h2>City: Bridge closes</h2>")
    assert body_of(page) == PARAGRAPHS


def test_hidden_class_wins_over_article_words() -> None:
    prompt = ("<div class='article-content__sign-in hidden'><p>Register or sign in to unlock more "
              "articles from across the country with one account.</p></div>")
    assert body_of(article(inside=prompt)) == PARAGRAPHS


def test_text_after_removed_scripts_and_buttons_stays_in_its_paragraph() -> None:
    texts = [
        "The council voted on Tuesday<script>track('vote')</script>, after a long debate, "
        "to close the old bridge to traffic.",
        "Engineers had warned for years<button>Share</button> that the structure, built in 1932, "
        "was no longer safe.",
        PARAGRAPHS[2],
    ]
    assert body_of(article(texts=texts)) == PARAGRAPHS


def test_figure_quoting_someone_is_kept_and_a_picture_is_not() -> None:
    quote = "We should have closed it ten years ago, frankly, said the mayor of the town."
    figures = (f"<figure><blockquote><p>{quote}</p></blockquote></figure>"
               "<figure><img src='b.jpg'><figcaption>The bridge at dawn, seen from the east "
               "bank of the river.</figcaption></figure>")
    assert body_of(article(inside=figures)) == [*PARAGRAPHS, quote]


@pytest.mark.parametrize(("names", "verdict"), [
    ("comments", 1), ("commentary", 0), ("post-comments", 1), ("main-nav", 1), ("navy", 0),
    ("ad", 1), ("head ad_slot", 1), ("load-more", 0), ("sr-only", 1), ("not-sr-only", 0),
    ("card--hidden", 1), ("card--hide-me", 0), ("hide", 1), ("tag-list", 1), ("tag-listing", 0),
    ("shareBar", 1), ("story-body", -1), ("story-body sr-only", 1),
])
def test_class_verdict_reads_every_part_of_the_value(names: str, verdict: int) -> None:
    assert name_verdict(names) == verdict


def test_text_inside_a_button_left_open_is_kept() -> None:
    # Dotdash Meredith pages (investopedia, treehugger...): the menu button of the header is
    # never closed, and the parser puts the whole page inside it.
    page = ('<html><body><header><div><button class="menu-button">Menu'
            f'<main><article>{paragraphs()}</article></main></body></html>')
    assert body_of(page) == PARAGRAPHS


def test_sections_cut_by_link_lists_all_stay() -> None:
    # A progress report (blog.antoyo.xyz): each section is paragraphs and a list of links
    # to the changes; the heaviest section alone used to be taken for the article.
    links = "<ul>" + '<li><a href="/pr/1">Fix the handling of a crash</a></li>' * 4 + "</ul>"
    sections = "".join(f"<div class='sect'><p>{text}</p><p>{text}</p>{links}</div>"
                       for text in PARAGRAPHS[:2])
    page = (f"<html><body><h1>Report</h1><article><div class='content'>{sections}"
            f"<div class='sect'><p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[2]}</p></div>"
            "</div></article></body></html>")
    body = body_of(page)
    assert PARAGRAPHS[0] in body and PARAGRAPHS[1] in body and PARAGRAPHS[2] in body


def test_article_inside_a_wrapper_named_like_furniture_is_found_on_a_second_look() -> None:
    # onetreeplanted.org: the article section is "shopify-section under-menu", and the page's
    # menus and footer hold more paragraph text than the article, so the name was not spared.
    links = "".join(f"<p><a href='/t/{n}'>Trees for schools, planting season {n}</a></p>" for n in range(3))
    menus = f"<div class='nav-menu'>{links}</div>" * 5
    page = (f"<html><body>{menus}<div class='section under-menu'><article>{paragraphs()}"
            "</article></div></body></html>")
    assert body_of(page) == PARAGRAPHS


def test_segment_streamed_by_react_is_kept() -> None:
    """React streams the article in a ``<div hidden id="S:0">`` that a script moves into place."""
    segments = "".join(f"<div hidden id='S:{i}'><p>{text}</p></div>" for i, text in enumerate(PARAGRAPHS))
    page = f"<html><body><h1>Bridge closes</h1><main id='B:0'></main>{segments}</body></html>"
    assert body_of(page) == PARAGRAPHS


def test_listicle_items_led_by_a_linked_heading_are_text() -> None:
    """Each item of a list article looks like a teaser card: its linked heading, its paragraph."""
    items = [
        ("Buffalo Bayou Trail", "The trail runs for fifteen miles along the bayou, past the parks "
         "and the skyline, and it is paved from one end to the other."),
        ("White Oak Trail", "The longest continuous trail in the city links the Heights to the "
         "university, with shade for most of the way and water fountains."),
        ("Brays Bayou Greenway", "Quieter than the other trails, it crosses the south of the city "
         "for fourteen miles, from the medical center to the west side."),
    ]
    cards = "".join(f"<section><h3><a href='https://trails.example.org/{i}'>{name}</a></h3>"
                    f"<p>{text}</p></section>" for i, (name, text) in enumerate(items))
    intro = "<p>Here are our favourite trails in the city, for a ride on a Sunday.</p>"
    body = body_of(f"<html><body><h1>Best trails</h1><article>{intro}{cards}</article></body></html>")
    assert body[-2:] == [items[-1][0], items[-1][1]]


def test_numbered_listicle_items_linking_within_the_site_are_text() -> None:
    """Items numbered 1., 2., 3. are a list article's, even when they link to the site's own
    pages (its products), and hold only a little more text than the intro."""
    items = [
        ("1. Corn plant", "Corn plant has an upright habit and strappy leaves, and it grows in "
         "low light as well as in bright light, with little water."),
        ("2. Pothos", "Pothos is a vining plant with heart-shaped leaves that trails from a "
         "shelf and forgives the owner who forgets to water it."),
        ("3. Mother fern", "This fern produces lush dark-green fronds with a shiny sheen, and it "
         "likes a humid bathroom with a small window."),
    ]
    cards = "".join(f"<section><h2><a href='/plants/{i}'>{name}</a></h2><p>{text}</p></section>"
                    for i, (name, text) in enumerate(items))
    page = (f"<html><body><h1>Plants for low light</h1><article>{paragraphs()}{cards}</article>"
            "</body></html>")
    assert body_of(page)[-2:] == [items[-1][0], items[-1][1]]


def test_schedule_of_short_lines_before_the_text_is_kept() -> None:
    """A long run of short lines is a list (a schedule), not the furniture lines of a byline."""
    rows = [f"September {day} 12pm-1pm Room 217" for day in range(10, 17)]
    schedule = "".join(f"<div>{row}</div>" for row in rows)
    page = (f"<html><body><h1>Yoga</h1><div class='main'><p>Schedule</p>{schedule}"
            f"{paragraphs()}</div></body></html>")
    assert body_of(page) == ["Schedule", *rows, *PARAGRAPHS]


def test_prose_after_the_element_holding_the_text_is_left_out() -> None:
    """A bio or a call to action after the text's own element, in the article, is no text."""
    bio = "<div class='box'><p>Jo Doe covers the city.</p></div>"
    page = (f"<html><body><h1>Bridge closes</h1><article><div class='text'>{paragraphs()}</div>"
            f"{bio}</article></body></html>")
    assert body_of(page) == PARAGRAPHS


def test_subheading_linking_to_itself_is_kept() -> None:
    """A subheading's permalink (``<a href="#id">``) is no link to elsewhere."""
    heading = "<h3 id='repairs'><a href='#repairs'>Repairs</a></h3>"
    page = article(inside=f"{heading}<p>{PARAGRAPHS[2]}</p>", texts=PARAGRAPHS[:2])
    assert body_of(page) == [*PARAGRAPHS[:2], "Repairs", PARAGRAPHS[2]]


def test_table_inside_a_figure_is_kept() -> None:
    """A WordPress table block is a ``<figure>`` holding the table: figures, not a picture."""
    table = ("<figure class='wp-block-table'><table><tr><th>Year</th><th>Crossings a day</th></tr>"
             "<tr><td>2023</td><td>41,200</td></tr></table></figure>")
    assert "2023 41,200" in body_of(article(inside=table))


def test_table_beside_the_text_in_its_container_is_kept() -> None:
    """Table rows weigh nothing: the container holding them and the text weighs the same."""
    table = ("<table><tr><td>Certificate</td><td>Certification</td></tr>"
             "<tr><td>Result of a course</td><td>Result of an exam</td></tr></table>")
    page = f"<html><body><h1>Bridge closes</h1><div><div>{paragraphs()}</div>{table}</div></body></html>"
    assert body_of(page)[-1] == "Result of a course Result of an exam"


def test_page_of_teaser_cards_alone_gets_no_body() -> None:
    """A home page is all teaser cards: reading them as a listicle's items needs a body to widen."""
    cards = "".join(
        f"<article><h3><a href='/story/{i}'>Story number {i} of the day, with a long headline</a></h3>"
        f"<p>The excerpt of story {i}, which runs on for a sentence or so.</p></article>"
        for i in range(6))
    assert body_of(f"<html><body><h1>News</h1><main>{cards}</main></body></html>") == []


def test_listing_of_the_sites_own_stories_is_not_read_as_a_listicle() -> None:
    """Cards linking within the site are a listing's teasers, even after a line of text."""
    cards = "".join(
        f"<section><h3><a href='/story/{i}'>Story number {i} of the week</a></h3>"
        f"<p>The excerpt of story {i}, which runs on for a sentence or two, as excerpts do when "
        f"they are written to make one click through.</p></section>" for i in range(6))
    intro = "<p>All the stories we wrote this week about the city's bridges.</p>"
    body = body_of(f"<html><body><h1>Bridges</h1><main>{intro}{cards}</main></body></html>")
    assert not any("excerpt" in line for line in body)


def test_the_second_looks_read_the_page_as_parsed_within_its_own_limits_not_the_defaults():
    from newscrawl.extraction.body import _cards_as_text, _pruned, _second_look
    from newscrawl.extraction.budget import Limits

    long_text = "word " * 900_000  # 4.5 million characters: over the default text limit
    doc = parse_document(f"<html><body><p>{long_text}</p></body></html>", "https://e.com/a",
                         limits=Limits(max_text_chars=0))
    pruned = _pruned(doc.root)
    for look in (_cards_as_text, _second_look):
        assert sum(len(block.text) for block in look(pruned, set())) > len(long_text) - 10


def test_a_second_look_puts_back_furniture_found_by_name_only() -> None:
    """The second look restores what the first pruned by class/id, in place: what a tag or a
    hidden state prunes stays out, and the text around what comes back keeps its order."""
    links = "".join(f"<p><a href='/t/{n}'>Trees for schools, planting season {n}</a></p>" for n in range(3))
    menus = f"<div class='nav-menu'>{links}</div>" * 5
    named = PARAGRAPHS[1].replace("built in 1932", "<span class='social-share'>built in 1932</span>")
    article = (f"<p>{PARAGRAPHS[0]}</p><nav>Home</nav><p style='display: none'>Hidden offer, "
               f"subscribe now and save half on the first year.</p><p>{named}</p><p>{PARAGRAPHS[2]}</p>")
    page = f"<html><body>{menus}<div class='section under-menu'><article>{article}</article></div></body></html>"
    assert body_of(page) == PARAGRAPHS


def test_text_the_page_holds_twice_is_kept_once() -> None:
    """A page with the article twice (one copy per screen size) gives it once."""
    texts = [text * 4 for text in PARAGRAPHS]
    copy = f"<div>{paragraphs(texts)}</div>"
    assert body_of(f"<html><body><h1>Bridge closes</h1><article>{copy}{copy}</article>"
                   "</body></html>") == texts


def test_a_paragraph_repeated_alone_stays() -> None:
    texts = [text * 4 for text in PARAGRAPHS]
    assert body_of(article(texts=texts + texts[:1])) == texts + texts[:1]


def test_the_sites_masthead_is_not_body() -> None:
    masthead = ("<header><a href='/'><img alt='Logo'></a><p>We protect your brand: trademark "
                "attorneys in Tokyo, open on weekdays from nine to six.</p></header>")
    page = f"<html><body>{masthead}<div>{paragraphs()}</div></body></html>"
    assert body_of(page) == PARAGRAPHS


def test_a_header_with_the_headline_or_inside_the_article_stays() -> None:
    dek = "The span, built in 1932, had been closed twice before for urgent repairs."
    kept = f"<header><a href='/news'>News</a><p>{dek}</p></header>"
    page = f"<html><body><article>{kept}{paragraphs()}</article></body></html>"
    assert body_of(page) == [dek, *PARAGRAPHS]


def test_cards_with_a_linked_picture_and_an_all_link_title_are_teasers() -> None:
    card = ("<div class='tumb'><a href='/diet-{0}'><img src='/{0}.jpg'></a>"
            "<div class='title'><a href='/diet-{0}'>Diet {0}</a></div>"
            "<div class='body'>A popular diet for a busy life: lose up to ten kilos in two weeks.</div></div>")
    cards = "".join(card.format(n) for n in range(4))
    page = f"<html><body><div>{paragraphs()}<h2>Most popular diets</h2>{cards}</div></body></html>"
    assert body_of(page) == PARAGRAPHS


def test_furniture_named_by_class_is_put_back_exactly_as_it_was() -> None:
    """Putting back what the class/id vocabulary pruned gives the page pruned by tag and hidden
    state alone: nested furniture, and tails joined to the text before them, come back as they were."""
    from lxml import html

    from newscrawl.extraction.boilerplate import prune_boilerplate

    text = f"<p>{PARAGRAPHS[0]}</p>"
    page = (f"<html><body><div>lead<div class='share'>s1<div class='social'>s2</div>t2</div>t1"
            f"<div class='comments'>c</div>tc<nav>n<span class='related'>r</span></nav>t3{text}<aside class='ad'>a</aside>t4"
            "<div style='display: none'>h</div>t5<p class='related'>Read</p></div></body></html>")
    root = html.document_fromstring(page)
    restore_named = prune_boilerplate(root)
    assert html.tostring(root.find("body")).decode() == f"<body><div>leadt1tct3{text}t4t5</div></body>"
    restore_named()
    assert html.tostring(root.find("body")).decode() == (
        f"<body><div>lead<div class=\"share\">s1<div class=\"social\">s2</div>t2</div>t1"
        f"<div class=\"comments\">c</div>tct3{text}t4t5"
        "<p class=\"related\">Read</p></div></body>")
