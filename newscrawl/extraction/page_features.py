"""What a page shows about its kind, as named numbers for the page-type model.

Three sources, all of one page and its request: the markup before the body is cut out
(forms, prices, links, repeated cards), the structured type hints and metadata, and the
extracted body's shape. Every feature is a number in about ``[0, 1]`` or a count squashed
by ``log1p``, so one model weighs pages of any size alike.
"""

from __future__ import annotations

import math
import re
from itertools import islice
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml import etree

from newscrawl.extraction.classify import link_density, url_shape
from newscrawl.extraction.document import Document, drop_element, put_back, text_of
from newscrawl.extraction.words import count_visible, count_words

ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "report", "techarticle", "socialmediaposting", "scholarlyarticle", "posting",
})
LISTING_TYPES = frozenset({
    "website", "collectionpage", "itemlist", "profilepage", "searchresultspage",
    "profile", "aboutpage", "contactpage",
})
PRODUCT_TYPES = frozenset({
    "product", "offer", "aggregateoffer", "productgroup", "softwareapplication", "service",
    "localbusiness", "organization", "course", "event", "faqpage", "howto",
})
FORUM_TYPES = frozenset({"discussionforumposting", "qapage", "question", "comment"})
# Path words of pages that are no article: shops, services, forums, documentation, lists.
_OTHER_PATH = re.compile(
    r"/(?:products?|shop|store|cart|pricing|plans?|services?|solutions?|forums?|threads?|"
    r"community|discussions?|questions?|docs?|documentation|api|reference|manual|help|"
    r"support|kb|faq|categor(?:y|ies)|collections?|catalog|tags?|topics?|search|features?|"
    r"courses?|programs?|locations?|about|contact)(?:[/.?#_-]|$)",
    re.IGNORECASE,
)
_ARTICLE_PATH = re.compile(
    r"/(?:news|articles?|blogs?|posts?|stor(?:y|ies)|opinion|features?|reviews?|guides?|"
    r"learn|resources?|insights?|how-to|tips|magazine)(?:[/.-]|$)|/(?:19|20)\d\d/",
    re.IGNORECASE,
)
# The characters a line that ends a sentence ends with, white space aside.
_SENTENCE_ENDS = frozenset('.!?…:;"”»。！？')
# Words of a page that speaks to its reader to sell: "we", "our", "your" (English pages).
_PITCH_WORDS = re.compile(r"\b(?:we|our|us|your|you)\b", re.IGNORECASE)
_SLUG_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# The patterns below open with a plain character, not a word boundary or a look-behind: the
# regex engine then skips ahead to the characters that can start a match, three times faster.
# A word boundary before a match is the look-behind just after its first letter.
_PRICE = re.compile(r"[$€£¥\d](?:(?<=[$€£¥])\s?\d|(?<=\d)(?:[.,]\d\d)?\s?(?:€|EUR|USD)\b)")
# Every price names its currency: a sign it starts with ("$5")...
_CURRENCY_SIGNS = ("$", "€", "£", "¥")
# ...or a currency it ends with, at most this many characters after its first ("12,99 EUR").
_CURRENCY_CODES = ("€", "EUR", "USD")
MAX_CODE_OFFSET = 5


class Phrases(NamedTuple):
    """Phrases a page may say, and the strings every match of them starts with (``openings``,
    checked by the tests against ``pattern``): a page says few of them, so the matches are
    tried where an opening stands, found by a string search, rather than at each of the many
    letters a phrase can start with."""

    pattern: re.Pattern
    openings: tuple[str, ...]


_SHOP_WORDS = Phrases(re.compile(
    r"add to (?:cart|basket|bag)|buy now|in stock|out of stock|checkout|free shipping|"
    r"book (?:a|your) (?:demo|call|consultation)|request a quote|get a quote|free trial|"
    r"sign up free|contact sales|schedule a",
), ("add to ", "buy now", "in stock", "out of stock", "checkout", "free shipping", "book ",
    "request a quote", "get a quote", "free trial", "sign up free", "contact sales", "schedule a"),
)  # searched in the lower-cased text: several times faster than IGNORECASE
# Calls to hire or enrol a page makes of a service, a course or a firm (lower-cased text too).
_SERVICE_WORDS = Phrases(re.compile(
    r"(?:g(?<!\wg)et (?:started|in touch|a free)|c(?<!\wc)(?:ontact us|all (?:us|now|today)|ase stud(?:y|ies))|"
    r"f(?<!\wf)ree (?:consultation|estimate|quote|assessment)|s(?<!\ws)chedule (?:a|your)|"
    r"r(?<!\wr)equest (?:a|an|more|info)|a(?<!\wa)pply (?:now|today)|e(?<!\we)nroll? (?:now|today)|"
    r"o(?<!\wo)ur (?:services|team|clients|experts|process)|w(?<!\ww)hy (?:choose|us)|"
    r"t(?<!\wt)(?:estimonials?|uition))\b",
), ("get ", "contact us", "call ", "case stud", "free ", "schedule ", "request ", "apply ", "enrol",
    "our ", "why ", "testimonial", "tuition"),
)  # lower-cased text too, one alternative per first letter
# _PITCH_WORDS for lower-cased text, a pattern a word, each opening with the word itself: the
# engine then searches for the word, not for each of four common letters, twice as fast. The
# look-behind just after the word is the word boundary before it.
_READER_WORDS = tuple(map(re.compile, (r"we(?<!\wwe)\b", r"our(?<!\wour)\b", r"us(?<!\wus)\b",
                                       r"you(?<!\wyou)r?\b")))
_FORUM_WORDS = Phrases(re.compile(
    r"(?:r(?<!\wr)epl(?:ies|y)|p(?<!\wp)osts?: \d|j(?<!\wj)oined:?|q(?<!\wq)uote|t(?<!\wt)hread|"
    r"u(?<!\wu)pvote|a(?<!\wa)nswered|a(?<!\wa)ccepted answer|l(?<!\wl)ast post|"
    r"m(?<!\wm)embers? online)\b",
), ("repl", "post", "joined", "quote", "thread", "upvote", "answered", "accepted answer", "last post",
    "member"),
)  # lower-cased text too
_BYLINE_WORDS = Phrases(
    re.compile(r"(?:b(?<!\wb)y|v(?<!\wv)on|p(?<!\wp)ar|p(?<!\wp)or|d(?<!\wd)oor)\s+[A-Z]"),
    ("by", "von", "par", "por", "door"),
)
# Tags counted, by the signal they count in; an <input type="hidden"> is not counted.
_COUNTED_TAGS = {
    "form": "forms", "input": "inputs", "select": "inputs", "button": "inputs",
    "article": "articles", "time": "times", "h2": "h2", "h3": "h2", "p": "paragraphs",
    "li": "list_items", "img": "images", "table": "tables", "pre": "code", "code": "code",
}
# What scripts, styles and <noscript> hold is no text a reader sees.
_CODE_TAGS = ("script", "style", "noscript")
# The text of links, spelled with descendant:: rather than //: libxml2 then walks each subtree
# once instead of merging the text of every link into the result. The parser keeps a script's
# or a style's content as one text child, so their text is found by its parent; only
# <noscript>, which holds elements, needs the walk up the ancestors, and only on a page where
# a <noscript> holds text.
_NOT_CODE = "[not(parent::script or parent::style)]"
_LINK_TEXT = etree.XPath(f"/descendant::body/descendant::a/descendant::text(){_NOT_CODE}", smart_strings=False)
_LINK_TEXT_NOT_NOSCRIPT = etree.XPath(
    f"/descendant::body/descendant::a/descendant::text(){_NOT_CODE}[not(ancestor::noscript)]", smart_strings=False)
# The text of the links of an element (the page's one body) once its code elements are out of
# the tree.
_LINK_TEXT_OF_SHOWN = etree.XPath("descendant::a/descendant::text()", smart_strings=False)
_SHOWN_TEXT = etree.XPath(
    f"/descendant::body/descendant::text(){_NOT_CODE}[not(ancestor::noscript)]", smart_strings=False)
SAMPLE_CHARS = 100_000  # the shown text read for prices, shop, forum and byline words


def page_signals(doc: Document) -> dict[str, float]:
    """Counts of the markup and of the text it shows, read before the body extraction
    prunes the tree. Scripts and styles are not read: their code is no page text.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document("<body><form><input></form><p>Only $5.99!</p><script>'$1'</script></body>",
    ...                      "https://e.com/")
    >>> s = page_signals(doc)
    >>> s["forms"], s["inputs"], s["paragraphs"], s["prices"], s["page_words"]
    (0.693, 0.693, 0.693, 0.693, 1.099)
    >>> doc = parse_document("<body><p>Two words</p><noscript><p><b>Enable</b> $1</p></noscript></body>",
    ...                      "https://e.com/")
    >>> page_signals(doc)["page_words"], page_signals(doc)["prices"]
    (1.099, 0.0)
    >>> doc = parse_document("<p>Why choose us? Get a free quote, or contact us today.</p>", "https://e.com/")
    >>> page_signals(doc)["service_words"]
    1.386
    """
    root = doc.root
    shown, link_text = shown_and_link_text(root)
    text = shown[:SAMPLE_CHARS]
    lowered = text.lower()
    words = text.split()
    shown_chars = sum(map(len, words)) if len(text) == len(shown) else _visible_chars([shown])
    signals = {name: _squash(count) for name, count in _tag_counts(root).items()}
    signals.update(
        page_words=_squash(len(words)),
        link_density=link_density(shown_chars, _visible_chars(link_text)),
        prices=_squash(_prices(text)),
        shop_words=_squash(count_phrases(_SHOP_WORDS, lowered)),
        forum_words=_squash(count_phrases(_FORUM_WORDS, lowered)),
        service_words=_squash(count_phrases(_SERVICE_WORDS, lowered)),
        page_pitch=_pitch(lowered, len(words)),
        bylines=_squash(count_phrases(_BYLINE_WORDS, text)),
    )
    return signals


def count_phrases(phrases: Phrases, text: str) -> int:
    """``len(phrases.pattern.findall(text))``: the matches that do not overlap, each tried
    where an opening stands, in the order of the text, from the end of the match before.

    >>> count_phrases(_SHOP_WORDS, "sign up free trial. in stock, out of stock; add to bag")
    4
    >>> count_phrases(_FORUM_WORDS, "3 replies, last post by ann; posts: 4 (reposted)"), count_phrases(_FORUM_WORDS, "")
    (3, 0)
    """
    return _count_matches(phrases.pattern, text, _positions(text, phrases.openings))


def _count_matches(pattern: re.Pattern, text: str, starts: set[int]) -> int:
    """``len(pattern.findall(text))`` for a ``pattern`` that matches no empty string, given
    ``starts``, the places where its matches may start: the matches that do not overlap,
    each tried where it may start, in the order of the text, from the end of the match before.

    >>> _count_matches(re.compile("aa"), "aaaa ba", {0, 1, 2, 5})
    2
    """
    count = end = 0
    for start in sorted(starts):
        if start >= end and (match := pattern.match(text, start)):
            count, end = count + 1, match.end()
    return count


def _positions(text: str, openings: tuple[str, ...]) -> set[int]:
    """Where each of ``openings`` stands in ``text``, overlaps included.

    >>> sorted(_positions("aaa ba", ("aa", "b")))
    [0, 1, 4]
    """
    found = set()
    for opening in openings:
        at = text.find(opening)
        while at >= 0:
            found.add(at)
            at = text.find(opening, at + 1)
    return found


def _pitch(lowered: str, words: int) -> float:
    """How much a lower-cased text of ``words`` words speaks to its reader ("we", "our", "you"),
    0 to 1: a fifth of its words or more is 1.

    >>> _pitch("we fix your roof. call us.", 6), _pitch("the council met in youth hall.", 6), _pitch("", 0)
    (1.0, 0.0, 0.0)
    """
    return round(min(_lowered_reader_words(lowered) / words, 0.2) * 5, 3) if words else 0.0


def shown_and_link_text(root: etree._Element) -> tuple[str, list[str]]:
    """The text a reader sees (``<body>``'s text, less what scripts, styles and ``<noscript>``
    hold) and the texts of the links in it.

    Both are read with the body's code elements taken out of the tree for the moment, and put
    back as they were: libxml2 then serializes the shown text at once, and finds the link texts
    without testing the ancestors of each: together 1.6 times faster than walking around the code.

    >>> from lxml import html
    >>> root = html.fromstring(
    ...     "<html><head><title>T</title></head><body><p>One <b>two</b></p><script>x()</script>"
    ...     " three<noscript><p>Enable<script>y()</script></p><a href=/>js</a></noscript>"
    ...     "<div><style>p{}</style> four <a href=/>five</a></div></body></html>")
    >>> shown_and_link_text(root)
    ('One two three four five', ['five'])
    >>> html.tostring(root.find("body")).count(b"<script>")
    2
    """
    bodies = list(islice(root.iter("body"), 2))
    if len(bodies) != 1:  # none, or one in another: the XPaths read each text once
        shown = "".join(_SHOWN_TEXT(root))
        return shown, _LINK_TEXT_NOT_NOSCRIPT(root) if _noscript_holds_text(root) else _LINK_TEXT(root)
    taken = [drop_element(code) for code in list(bodies[0].iter(*_CODE_TAGS))]
    try:
        return text_of(bodies[0]), _LINK_TEXT_OF_SHOWN(bodies[0])
    finally:
        put_back(taken)


def _noscript_holds_text(root: etree._Element) -> bool:
    """Whether a ``<noscript>`` of the page holds text: else no text is inside one.

    >>> from lxml import html
    >>> _noscript_holds_text(html.fromstring("<div><noscript><img></noscript></div>"))
    False
    """
    return any(map(text_of, root.iter("noscript")))


def _tag_counts(root: etree._Element) -> dict[str, int]:
    """How many of each counted kind of element the page holds, in one walk of the tree.

    >>> from lxml import html
    >>> counts = _tag_counts(html.fromstring("<div><input type=hidden><button/><h2/><h3/></div>"))
    >>> counts["inputs"], counts["h2"], counts["forms"]
    (1, 2, 0)
    """
    counts = dict.fromkeys(_COUNTED_TAGS.values(), 0)
    for element in root.iter(*_COUNTED_TAGS):
        if element.tag != "input" or element.get("type") != "hidden":
            counts[_COUNTED_TAGS[element.tag]] += 1
    return counts


def _visible_chars(texts: list[str]) -> int:
    """Characters other than white space: fair to scripts that do not space words.

    >>> _visible_chars(["two words", " and\\n"])
    11
    """
    return count_visible("".join(texts))


def page_features(
    signals: dict[str, float], metadata: dict, body: str | None, url: str, listed: bool
) -> dict[str, float]:
    """The model's inputs: markup ``signals``, type hints and dates of ``metadata``, the
    shape of ``body``, the ``url``, and whether a feed or sitemap ``listed`` the page.

    >>> f = page_features({}, {"pageTypes": ["NewsArticle"]}, "One line.\\n\\nTwo.", "https://e.com/", False)
    >>> f["type_article"], f["url_listing"], f["body_paragraphs"]
    (1.0, 1.0, 1.099)
    """
    hints = {hint.lower() for hint in metadata.get("pageTypes") or ()}
    lines = [line for line in (body or "").split("\n") if line.strip()]
    words = [count_words(line) for line in lines]
    total = sum(words)
    shape = url_shape(url)
    path = urlsplit(url).path
    return signals | {
        "type_article": float(bool(hints & ARTICLE_TYPES)),
        "type_listing": float(bool(hints & LISTING_TYPES)),
        "type_product": float(bool(hints & PRODUCT_TYPES)),
        "type_forum": float(bool(hints & FORUM_TYPES)),
        "type_none": float(not hints),
        "has_date": float(bool(metadata.get("datePublished"))),
        "has_author": float(bool(metadata.get("authors"))),
        "listed": float(listed),
        "url_listing": float(shape == "listing"),
        "url_article": float(shape == "article"),
        "url_other_word": float(bool(_OTHER_PATH.search(path))),
        "url_article_word": float(bool(_ARTICLE_PATH.search(path))),
        "url_depth": min(path.strip("/").count("/") + bool(path.strip("/")), 6) / 6,
        "url_slug_words": min(len(_SLUG_WORDS.findall(path.rstrip("/").rsplit("/", 1)[-1])), 10) / 10,
        "body_words": _squash(total),
        "body_paragraphs": _squash(len(lines)),
        "body_words_per_line": min(total / len(lines), 100) / 100 if lines else 0.0,
        "body_short_lines": sum(w < 8 for w in words) / len(words) if words else 1.0,
        "body_long_lines": sum(w >= 25 for w in words) / len(words) if words else 0.0,
        "body_share": min(_squash(total) - signals.get("page_words", 0.0), 0.0),
        "body_sentences": sum(map(_ends_sentence, lines)) / len(lines)
        if lines else 0.0,
        "body_pitch": min(_reader_words(body or "") / total, 0.2) * 5 if total else 0.0,
        "headings_per_paragraph": signals.get("h2", 0.0) - signals.get("paragraphs", 0.0),
        "url_home": float(path.strip("/") == ""),
    }


def _ends_sentence(line: str) -> bool:
    """Whether a line with some text ends a sentence: its last character other than white
    space is a full stop, a question or exclamation mark, a colon, a closing quote...

    >>> _ends_sentence("It rained. \\t"), _ends_sentence("Rain, rain"), _ends_sentence("«Il pleut»")
    (True, False, True)
    """
    return line.rstrip()[-1] in _SENTENCE_ENDS


def _prices(text: str) -> int:
    """How many prices ``text`` shows ("$5", "12,99 EUR", "40 USD"): ``len(_PRICE.findall(text))``,
    tried only where a currency sign stands or just before a currency code, not at every digit.

    >>> _prices("Only $5.99, was 12,99 EUR or 40 USD"), _prices("On 12 May 2024 at 10.30")
    (3, 0)
    >>> _prices("$5 EUR, 9.99€x, 1 USD1")
    2
    """
    starts = _positions(text, _CURRENCY_SIGNS)
    for at in _positions(text, _CURRENCY_CODES):
        starts.update(range(max(at - MAX_CODE_OFFSET, 0), at))
    return _count_matches(_PRICE, text, starts)


def _reader_words(text: str) -> int:
    """How many times ``text`` says "we", "our", "us", "you" or "your", in any case.

    Counted in the lower-cased text, several times faster than a case-blind search; a text
    with the two letters lower-casing treats otherwise (``ſ`` reads as ``s`` case-blind, ``İ``
    lower-cases to two characters) is searched case-blind.

    >>> _reader_words("We fix YOUR roof. Call us."), _reader_words("Uſ and yours"), _reader_words("İus")
    (3, 1, 0)
    """
    if "ſ" in text or "İ" in text:
        return len(_PITCH_WORDS.findall(text))
    return _lowered_reader_words(text.lower())


def _lowered_reader_words(lowered: str) -> int:
    """How many times a lower-cased text says "we", "our", "us", "you" or "your" (words of
    their own, so that no two overlap).

    >>> _lowered_reader_words("we fix your roof; call us. yours, youth, trust, ours, us")
    4
    """
    return sum(len(pattern.findall(lowered)) for pattern in _READER_WORDS)


def _squash(count: float) -> float:
    """``log(1 + count)``, rounded: counts of any size on one scale.

    >>> _squash(0), _squash(1), _squash(1000)
    (0.0, 0.693, 6.909)
    """
    return round(math.log1p(count), 3)
