"""The headline: JSON-LD ``headline``, ``og:title``, the ``<h1>``, ``<title>``; site names removed."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from lxml import etree

from newscrawl.extraction.document import Document, text_of
from newscrawl.extraction.structured import article_object, elements, jsonld_types, meta_content, site_names
from newscrawl.extraction.values import clean_text, name_key, names_match

_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—»›·•:/*]|-{1,2}|::)\s+|\s*[｜：ㅣ]\s*")
_MAX_SUFFIX_WORDS = 6
# The itemprop attributes are tested, not every element for one: libxml2 walks faster than it tests.
_H1 = etree.XPath("/descendant::*/@itemprop[. = 'headline']/.. | /descendant::h1")
# Whether an h1 is the page's own, not one in navigation (breadcrumbs often end with the headline
# as an h1); the <body>'s classes are the theme's flags ("genesis-breadcrumbs-visible"), not a breadcrumb.
_OUTSIDE_NAVIGATION = etree.XPath(
    "not(ancestor::nav or ancestor::li"
    " or ancestor-or-self::*[not(self::body)][contains(translate(@class, 'BREADCUM', 'breadcum'), 'breadcrumb')])"
)
# What ends a kicker written before the headline: "Rail strike: ...", "Rail strike / ...".
_KICKER_END = re.compile(r"\S\s*(?:[:/|–—]|\s-)\s*$")
_KICKER_SEPARATOR = re.compile(r"(?<=\S)(?::|\s[/|–—-]) ")
_SOCIAL_TITLES = ("og:title", "twitter:title")
_LONG_WORD = 5
# How a tail added to a title starts: a separator, or a comma, before more words.
_TAIL_START = re.compile(r"\s*(?:[|–—»›·•:/*,⋆★]|-{1,2}|::)(?:\s|$)|\s+(?=[(\[])|(?<=[?!])\s+")  # letters: a word this long is the story's, not grammar
_WORDS = re.compile(r"\w+")
_SEPARATED_TAIL = re.compile(r"\s*[|/]")
_BYLINE_TAIL = re.compile(r"\b(?:posted|published|updated|written)\s+(?:on|by)\b", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,2})(?=[^\s*])([^*]+?)(?<=[^\s*])\1(?![\w*])")
_SLUG_WORDS = re.compile(r"[^\W_]+")
_FILE_EXTENSION = re.compile(r"\.\w{2,5}$")


def strip_site_suffix(title: object, names: list[str] | tuple[str, ...] = ()) -> str | None:
    """Remove trailing (or leading) segments such as `` - Site Name`` or `` | Section | Site``.

    A segment goes only when it, or a segment after it, names the site; each is short.

    >>> strip_site_suffix("Storm hits coast | Weather | The Daily News", ["The Daily News"])
    'Storm hits coast'
    >>> strip_site_suffix("Daily News | Storm hits coast", ["dailynews.com", "dailynews"])
    'Storm hits coast'
    >>> strip_site_suffix("Budget - what it means for you", ["The Daily News"])
    'Budget - what it means for you'
    """
    text = clean_text(title)
    if not text:
        return None
    keys = [key for key in map(name_key, names) if key]
    parts = _TITLE_SEPARATOR.split(text)
    separators = _TITLE_SEPARATOR.findall(text)
    for cut in range(1, len(parts)):
        tail = parts[cut:]
        if all(len(p.split()) <= _MAX_SUFFIX_WORDS for p in tail) and any(_names_site(p, keys) for p in tail):
            return _join(parts[:cut], separators)
    if len(parts) > 1 and _names_site(parts[0], keys) and len(parts[0].split()) <= _MAX_SUFFIX_WORDS:
        return _join(parts[1:], separators[1:])
    return without_host_name(text, names)


def without_host_name(title: str, names: list[str] | tuple[str, ...]) -> str:
    """The title without the site's host name that opens it with no separator after it
    ("davidbau.com Vibe Coding"): a host name is never the start of a story's headline.

    >>> without_host_name("davidbau.com Vibe Coding", ["davidbau.com", "davidbau"])
    'Vibe Coding'
    >>> without_host_name("Apple unveils a phone", ["apple.com", "apple"]), without_host_name("davidbau.com", ["davidbau.com"])
    ('Apple unveils a phone', 'davidbau.com')
    """
    first, _, rest = title.partition(" ")
    hosts = {name.casefold() for name in names if "." in name}
    return rest.strip() if rest.strip() and first.casefold() in hosts else title


def extract_headline(doc: Document) -> str | None:
    """The article's headline, from the most trusted source that gives one.

    The JSON-LD ``headline`` (else ``<meta name=headline>``) comes first, unless it is
    only the page's SEO title: see :func:`prefer_social`. The page's own h1 then settles
    the kicker: kept when the h1 shows it (:func:`prefer_shown_kicker`), dropped when the
    h1 sets another one apart from the headline (:func:`drop_unshown_kicker`); and when the
    titles disagree with each other and with the h1, the h1 (:func:`heading_if_titles_disagree`);
    on a page that is not news, the JSON-LD headline when the h1 repeats it, the h1 when it words the
    story otherwise (:func:`heading_over_seo_wording`) or continues the title (:func:`heading_that_continues`),
    and of the h1 and the title worded apart, the one that names more of the URL's slug
    (:func:`wording_the_url_names`).
    """
    names = site_names(doc)
    structured = strip_site_suffix(_first((article_object(doc) or {}).get("headline")), names)
    structured = structured or clean_text(meta_content(doc, "headline"))
    socials = [strip_site_suffix(meta_content(doc, name), names) for name in _SOCIAL_TITLES]
    socials = [social for social in socials if social]
    page_title = strip_site_suffix(doc.root.findtext(".//title"), names)
    chosen = prefer_social(structured, socials, page_title) or next(iter(socials), None)
    chosen = title_not_cut_short(chosen, socials)
    title = chosen or page_title
    heading = article_heading(doc)
    shown = _text(heading)
    chosen = prefer_shown_kicker(chosen, [structured, *socials], shown)
    chosen = drop_unshown_kicker(chosen, heading)
    chosen = heading_if_titles_disagree(chosen, [structured, *socials, page_title], shown)
    chosen = title_part_the_heading_shows(chosen, shown)
    chosen = title_the_heading_confirms(chosen, socials, shown)
    if chosen and not _is_news(doc):
        chosen = title_the_heading_confirms(chosen, [structured], shown)
        chosen = heading_over_seo_wording(chosen, [structured, *socials, page_title], shown, names)
        chosen = heading_that_continues(chosen, shown)
    chosen = chosen or _untitled_headline(doc, names, page_title)
    if not _is_news(doc):
        chosen = wording_the_url_names(chosen, title, shown, doc.url)
    return without_section_suffix(without_markdown(chosen), doc.url)


def wording_the_url_names(chosen: str | None, title: str | None, heading: str | None, url: str) -> str | None:
    """Of the h1 and the title, when ``chosen`` is one of them and they word the story apart,
    the one that has more of the words of the URL's last segment: the CMS wrote that slug from
    the headline the editor gave first, and the other wording came later (for search engines,
    or a restyled h1).

    >>> url = "https://e.com/blog/free-accounting-tools-for-small-businesses"
    >>> wording_the_url_names("10 Free Accounting Tools for Your Small Business",
    ...                       "10 Free Accounting Tools for Small Businesses", "10 Free Accounting Tools for Your Small Business", url)
    '10 Free Accounting Tools for Small Businesses'
    >>> wording_the_url_names("Climate change: 5 solutions", "Climate change: 5 solutions",
    ...                       "Five solutions to climate change: learning from hotspots", "https://e.com/hotspots-of-climate-change")
    'Five solutions to climate change: learning from hotspots'
    >>> wording_the_url_names("Storm hits coast", "Storm hits coast", "Coast braces for storm", "https://e.com/news/12345")
    'Storm hits coast'
    """
    if not (chosen and title and heading) or _worded_alike(title, heading):
        return chosen
    other = {name_key(heading): title, name_key(title): heading}.get(name_key(chosen))
    slug = url_slug_words(url)
    if other is None or len(slug) < 2:
        return chosen
    return other if _words_named(slug, other) > _words_named(slug, chosen) else chosen


def _worded_alike(first: str, second: str) -> bool:
    """Whether one text contains the other (letters and digits compared) or has one word more.

    >>> _worded_alike("Storm hits coast", "Storm hits coast, ports shut"), _worded_alike("Storm & rain", "Storm and rain")
    (True, True)
    >>> _worded_alike("Storm hits coast", "Coast braces for storm")
    False
    """
    one, two = name_key(first), name_key(second)
    return one in two or two in one or _one_word_apart(_WORDS.findall(_key(first)), _WORDS.findall(_key(second)))


def url_slug_words(url: str) -> list[str]:
    """The words of the URL path's last segment, casefolded, plural ``s`` dropped; numbers and
    ids (words with digits) are left out.

    >>> url_slug_words("https://e.com/2024/05/best-crm-software.html?x=1"), url_slug_words("https://e.com/")
    (['best', 'crm', 'software'], [])
    >>> url_slug_words("https://e.com/cars/car-maintenance-checklists-a6808357212/")
    ['car', 'maintenance', 'checklist']
    """
    segment = next((part for part in reversed(unquote(urlsplit(url).path).split("/")) if part), "")
    words = _SLUG_WORDS.findall(_FILE_EXTENSION.sub("", segment).casefold())
    return [_singular(word) for word in words if word.isalpha()]


def _words_named(slug: list[str], text: str) -> int:
    """How many of the slug's words ``text`` has (plural ``s`` dropped on both sides).

    >>> _words_named(["best", "crm", "software"], "The Best CRMs")
    2
    """
    words = {_singular(word) for word in _WORDS.findall(text.casefold())}
    return sum(word in words for word in slug)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _untitled_headline(doc: Document, names: list[str], page_title: str | None) -> str | None:
    """The headline of a page whose titles gave none: its first heading (spelled as the page
    title says, unless it is the site's name), else the page title, else that heading."""
    first = strip_site_suffix(first_heading(doc), names)
    return spelled_as_title(heading_unless_masthead(first, names), page_title) or page_title or first


def without_section_suffix(title: str | None, url: str) -> str | None:
    """The title without a last segment that names the section the page's URL files it under
    ("... | District" at ``/district/343604``): sites add their section as they add their name.

    >>> without_section_suffix("Gardening makes communities self-reliant | District", "https://e.com/district/343604")
    'Gardening makes communities self-reliant'
    >>> without_section_suffix("Storm hits coast | Weather", "https://e.com/news/storm-hits-coast")
    'Storm hits coast | Weather'
    >>> without_section_suffix("Best laptops - 2024", "https://e.com/2024/05/best-laptops")
    'Best laptops - 2024'
    """
    separators = _TITLE_SEPARATOR.findall(title or "")
    if not separators:
        return title
    head, _, last = title.rpartition(separators[-1])
    sections = {name_key(unquote(part)) for part in urlsplit(url).path.split("/")[:-1]}
    section = name_key(last)
    return head.rstrip() if head.strip() and section in sections - {""} and not section.isdigit() else title


def spelled_as_title(heading: str | None, page_title: str | None) -> str | None:
    """The page title when it has the very characters of the heading but for case and spaces:
    the title keeps the words apart and in their case, where the h1 may be styled (capitals,
    words set in elements of their own, glued in its text).

    >>> spelled_as_title("WEEKENDCODING AGENT", "Weekend Coding Agent"), spelled_as_title("Storm hits", "Weather")
    ('Weekend Coding Agent', 'Storm hits')
    >>> spelled_as_title("What's next in 2025?", "What's next in 2025")
    "What's next in 2025?"
    """
    if heading and page_title and _unspaced(heading) == _unspaced(page_title):
        return page_title
    return heading


def heading_that_continues(title: str | None, heading: str | None) -> str | None:
    """The h1's text, on a page that is not news, when it starts with the title and goes on: the
    titles were cut short for search results, the h1 shows the whole headline. Not when the h1
    goes on with a tail set apart ("| Python, SQL & AI"), with the byline the theme put in it, or
    with more than the title says (a title cut short keeps most of the headline; an h1 that goes on
    so long holds the page's buttons or teaser).

    >>> heading_that_continues("Pros and Cons of Tiny House Living", "Pros and Cons of Tiny House Living: Why Live in One?")
    'Pros and Cons of Tiny House Living: Why Live in One?'
    >>> heading_that_continues("Data Tools for 2026", "Data Tools for 2026 | Python, SQL & AI")
    'Data Tools for 2026'
    >>> heading_that_continues("Blockchain Security", "Blockchain Security Posted on July 1, 2024 by infuy")
    'Blockchain Security'
    >>> heading_that_continues("IAM overview", "IAM overview Stay organized with collections Save and categorize content")
    'IAM overview'
    >>> heading_that_continues("Storm hits coast", "Storm hits"), heading_that_continues("Storm", None)
    ('Storm hits coast', 'Storm')
    """
    if not (title and heading) or len(name_key(heading)) <= len(name_key(title)):
        return title
    rest = _rest_after(heading, title)
    if not rest or len(rest) > len(title) or _SEPARATED_TAIL.match(rest) or _BYLINE_TAIL.search(rest):
        return title
    return heading


def _rest_after(heading: str, title: str) -> str | None:
    """What ``heading`` says after the words of ``title``, or None when it does not start with them.

    >>> _rest_after("Storm hits coast: ports shut", "Storm Hits Coast"), _rest_after("Storm", "Rain")
    (': ports shut', None)
    """
    key = name_key(title)
    if not name_key(heading).startswith(key):
        return None
    taken = 0
    for end, char in enumerate(heading):
        if taken >= len(key):
            return heading[end:]
        taken += len(name_key(char))
    return ""


def without_markdown(title: str | None) -> str | None:
    """The title without the Markdown its CMS left in the ``<title>`` and social titles (the
    page's h1 shows them rendered): a heading's leading ``#``, emphasis stars around words.

    >>> without_markdown("## Regolith Binding via Data Fusion"), without_markdown("*A Treatise on Coffee* (1792)")
    ('Regolith Binding via Data Fusion', 'A Treatise on Coffee (1792)')
    >>> without_markdown("F*** the rules: #1 in sales"), without_markdown(None)
    ('F*** the rules: #1 in sales', None)
    """
    if not title:
        return title
    return _MARKDOWN_EMPHASIS.sub(r"\2", _MARKDOWN_HEADING.sub("", title)) or title


def prefer_social(structured: str | None, socials: list[str], page_title: str | None) -> str | None:
    """``structured``, or the first social title when ``structured`` is only the SEO title.

    When the JSON-LD headline repeats the ``<title>`` (the SEO headline) and every social
    title (og, twitter) words it differently, the social title is the one written for readers.

    >>> prefer_social("Storm: what we know", ["Storm hits the coast"], "Storm: what we know")
    'Storm hits the coast'
    >>> prefer_social("Storm: what we know", ["Storm: What We Know!"], "Storm: what we know")
    'Storm: what we know'
    >>> prefer_social("Storm hits the coast", ["Storm news"], "Weather today")
    'Storm hits the coast'
    """
    if not (structured and socials and page_title) or _key(page_title) != _key(structured):
        return structured
    words = _WORDS.findall(_key(structured))
    if any(_WORDS.findall(_key(social)) == words for social in socials):
        return structured
    return socials[0]


def title_not_cut_short(chosen: str | None, titles: list[str]) -> str | None:
    """The title that continues ``chosen`` when ``chosen`` was cut short: it ends in an
    ellipsis or leaves a bracket open.

    >>> title_not_cut_short("Four readers find solutions (Including", ["Four readers find solutions (Including one trick)"])
    'Four readers find solutions (Including one trick)'
    >>> title_not_cut_short("Storm hits coast", ["Storm hits coast, ports shut"])
    'Storm hits coast'
    """
    if not chosen or not (chosen.endswith(("...", "…")) or chosen.count("(") > chosen.count(")")):
        return chosen
    key = name_key(chosen)
    return next((title for title in titles if len(name_key(title)) > len(key) and name_key(title).startswith(key)), chosen)


def prefer_shown_kicker(chosen: str | None, candidates: list[str | None], heading: str | None) -> str | None:
    """The candidate that puts a kicker before ``chosen``, when the page's h1 shows that kicker too.

    Letters and digits are compared, since the h1 often sets the kicker apart without the separator.

    >>> prefer_shown_kicker("Strike ends", ["Strike ends", "Rail / Strike ends"], "RailStrike ends")
    'Rail / Strike ends'
    >>> prefer_shown_kicker("Strike ends", ["Strike ends", "Rail / Strike ends"], "Strike ends")
    'Strike ends'
    """
    if not (chosen and heading):
        return chosen
    shown = name_key(heading)
    for candidate in candidates:
        if (
            candidate and candidate.endswith(chosen) and name_key(candidate) == shown != name_key(chosen)
            and _KICKER_END.search(candidate[: -len(chosen)])
        ):
            return candidate
    return chosen


def drop_unshown_kicker(chosen: str | None, heading: etree._Element | None) -> str | None:
    """``chosen`` without its leading kicker when the h1 shows the rest as its own element, kicker apart.

    A kicker the reader never sees (the h1 sets another one above the headline) was added for search
    engines or social cards.

    >>> from lxml import html
    >>> h1 = html.fromstring("<h1><span>Middle East</span> <span>Talks resume</span></h1>")
    >>> drop_unshown_kicker("Iran and Israel: Talks resume", h1)
    'Talks resume'
    >>> drop_unshown_kicker("Middle East: Talks resume", h1)
    'Middle East: Talks resume'
    """
    match = _KICKER_SEPARATOR.search(chosen or "")
    if match is None or heading is None:
        return chosen
    kicker, rest = name_key(chosen[: match.start()]), name_key(chosen[match.end():])
    if not rest or kicker in name_key(text_of(heading)):
        return chosen
    shown = (name_key(text_of(part)) for part in heading.iterdescendants() if isinstance(part.tag, str))
    return chosen[match.end():] if rest in shown else chosen


def heading_if_titles_disagree(chosen: str | None, titles: list[str | None], heading: str | None) -> str | None:
    """The h1's text when another title words the story unlike the JSON-LD headline (``titles[0]``)
    and no title agrees with the h1: of titles that disagree, the reader sees the h1.

    A title agrees with the h1 when either contains the other (titles are cut short, gain endings,
    h1s show kickers). The h1 must tell the same story: it shares a long word with a title.

    >>> titles = ["Storm hits coast", "Storm: what we know", "Storm hits coast"]
    >>> heading_if_titles_disagree("Storm hits coast", titles, "Coast braces for the storm")
    'Coast braces for the storm'
    >>> heading_if_titles_disagree("Storm hits coast", titles, "Storm hits coast, ports shut")
    'Storm hits coast'
    >>> heading_if_titles_disagree("Storm hits coast", titles, "Subscribe to our newsletter today")
    'Storm hits coast'
    """
    if not (heading and titles and titles[0]):
        return chosen
    first, keys = name_key(titles[0]), [name_key(title) for title in titles if title]
    if all(first in key or key in first for key in keys):
        return chosen
    shown = name_key(heading)
    if any(key in shown or shown in key for key in keys) or not _long_words(heading) & _long_words(*titles):
        return chosen
    return heading


def title_part_the_heading_shows(chosen: str | None, heading: str | None) -> str | None:
    """``chosen`` without a tail set off by a separator, a bracket or a question (a site name,
    a section, an SEO phrase), or without a head ("Site Blog: ..."), when the page's own heading shows the
    title without it. Letters and digits are compared, so the h1's typography (capitals, curly
    quotes) does not matter.

    >>> title_part_the_heading_shows("Best Camping Hammocks of 2026, Tested & Reviewed", "Best Camping Hammocks of 2026")
    'Best Camping Hammocks of 2026'
    >>> title_part_the_heading_shows("The Beginner's Guide - Urge Fitness | Gyms", "THE BEGINNER’S GUIDE")
    "The Beginner's Guide"
    >>> title_part_the_heading_shows("Skiplagging explained (via Passle)", "Skiplagging explained")
    'Skiplagging explained'
    >>> title_part_the_heading_shows("Garnix Blog: Hardware-Attested Nix Builds", "Hardware-Attested Nix Builds")
    'Hardware-Attested Nix Builds'
    >>> title_part_the_heading_shows("What Is Mesh WiFi? Our 2026 Exclusive Guide", "What is Mesh WiFi?")
    'What Is Mesh WiFi?'
    >>> title_part_the_heading_shows("Storm hits coast, ports shut", "Storm hits")
    'Storm hits coast, ports shut'
    """
    if not (chosen and heading):
        return chosen
    shown = name_key(heading)
    for match in _TAIL_START.finditer(chosen):
        if name_key(chosen[: match.start()]) == shown:
            return chosen[: match.start()].rstrip()
        if name_key(chosen[match.end():]) == shown:
            return chosen[match.end():].lstrip()
    return chosen


def heading_unless_masthead(heading: str | None, names: list[str]) -> str | None:
    """The page's first heading, unless it is only the site's name (a blog's masthead as its h1).

    >>> heading_unless_masthead("Antoyo's Blog", ["blog.antoyo.xyz", "antoyo"]) is None
    True
    >>> heading_unless_masthead("Progress report #39", ["blog.antoyo.xyz", "antoyo"])
    'Progress report #39'
    """
    key = name_key(heading or "")
    return None if any(names_match(key, name_key(name)) for name in names) else heading


def title_the_heading_confirms(chosen: str | None, titles: list[str | None], heading: str | None) -> str | None:
    """The social title (og, twitter) that words the story as the h1 does, when ``chosen`` words
    it otherwise: two sources that agree outweigh one. (The ``<title>`` does not count: it is
    often the same SEO text as the h1 while the social title is the editors'.)

    >>> title_the_heading_confirms("Machine learning is a powerful form of AI.", ["Machine learning, explained"],
    ...                            "Machine Learning, Explained")
    'Machine learning, explained'
    >>> title_the_heading_confirms("Storm hits coast", ["Storm hits coast"], "Weather")
    'Storm hits coast'
    """
    if not (chosen and heading) or name_key(chosen) == name_key(heading):
        return chosen
    shown = name_key(heading)
    return next((title for title in titles if title and name_key(title) == shown), chosen)


def heading_over_seo_wording(chosen: str, titles: list[str | None], heading: str | None, names: list[str]) -> str:
    """The h1 of a page that is not news (a guide, a blog post, a review) when it words the
    story otherwise than its titles (structured, social), which such sites fill for search engines.

    The h1 must be a headline of the same story: three words or more, most of its words found in
    the titles, not the site's name, and neither wording a part of the other (kickers and tails
    are settled by the rules before). An h1 that only adds or drops one word is the same
    wording: the title stays.

    >>> heading_over_seo_wording("5 Best Blockchain Development Trends", [], "Top 5 Blockchain Technology Trends to Watch", [])
    'Top 5 Blockchain Technology Trends to Watch'
    >>> heading_over_seo_wording("Storm hits coast", [], "Subscribe to our newsletter", [])
    'Storm hits coast'
    >>> heading_over_seo_wording("I sell Disney World holidays", [], "I sell Walt Disney World holidays", [])
    'I sell Disney World holidays'
    """
    if not heading or len(heading.split()) < 3:
        return chosen
    if _worded_alike(heading, chosen) or _names_site(heading, [name_key(name) for name in names]):
        return chosen
    words = _story_words(heading)
    found = words & _story_words(chosen, *titles)
    return heading if words and len(found) * 2 >= len(words) else chosen


def _one_word_apart(first: list[str], second: list[str]) -> bool:
    """Whether one list of words is the other with one word more.

    >>> _one_word_apart(["a", "b", "c"], ["a", "c"]), _one_word_apart(["a", "b"], ["a", "c"])
    (True, False)
    """
    short, long = sorted((first, second), key=len)
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _story_words(*texts: str | None) -> set[str]:
    return {word for text in texts if text for word in _WORDS.findall(_key(text)) if len(word) >= 4}


def _is_news(doc: Document) -> bool:
    return any("news" in name for name in jsonld_types(article_object(doc) or {}))


def _long_words(*texts: str | None) -> set[str]:
    return {word for text in texts if text for word in _WORDS.findall(_key(text)) if len(word) >= _LONG_WORD}


def article_heading(doc: Document) -> etree._Element | None:
    """The page's first ``<h1>`` with text outside navigation and breadcrumbs (found once a page:
    the headline and the dates shown by it all ask, before the body extraction prunes the tree)."""
    if "article_heading" not in doc.cache:
        doc.cache["article_heading"] = next(
            (h1 for h1 in elements(doc, "h1") if _OUTSIDE_NAVIGATION(h1) and _text(h1)), None)
    return doc.cache["article_heading"]


def _text(element: etree._Element | None) -> str | None:
    return None if element is None else clean_text(text_of(element))


def first_heading(doc: Document) -> str | None:
    """Text of the first ``itemprop=headline`` element or ``<h1>`` that has text."""
    for element in _H1(doc.root):
        text = clean_text(element.get("content") or text_of(element))
        if text:
            return text
    return None


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def _unspaced(text: str) -> str:
    return "".join(_key(text).split())


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _names_site(part: str, keys: list[str]) -> bool:
    key = name_key(part)
    return any(names_match(key, site) or (len(site) >= 4 and site in key) for site in keys)


def _join(parts: list[str], separators: list[str]) -> str:
    text = parts[0]
    for separator, part in zip(separators, parts[1:]):
        text += separator + part
    return text
