"""Page furniture: the tags and class/id vocabulary that never hold article text.

Used by body extraction to prune a parsed page before looking for the article.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

# Elements that never carry article prose (h1 is the headline, kept apart from the body).
_JUNK_TAGS = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "map", "button", "select", "textarea", "input", "h1",
)
# A button holding paragraphs was left open in the markup, and the parser put the rest of
# the page inside it: it is unwrapped, not dropped.
_HOLDS_TEXT = etree.XPath("boolean(descendant::p)")
# Elements that usually are furniture, unless they wrap most of the page.
_FURNITURE_TAGS = ("nav", "footer", "aside", "form", "dialog", "menu", "figcaption", "label")
# A figure is an image, video or chart with its caption, unless it quotes someone.
_QUOTES = etree.XPath("boolean(descendant::blockquote)")
# A time stamp outside a paragraph of prose is a dateline, not a word of the text.
_IN_PROSE = etree.XPath("boolean(ancestor::p[string-length(normalize-space()) > 50])")
# "descendant::*" is the same as "//*" here, and faster to evaluate.
_ATTRIBUTED = etree.XPath("//body/descendant::*[@class or @id or @style or @hidden]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# An element holding more than this share of the page's paragraph text is a wrapper.
MAX_FURNITURE_SHARE = 0.5

# class/id vocabulary of furniture, several languages, matched on the lower-cased value
# with camelCase split by "-": stems match the start of a name part (parts are split on
# spaces, "-" and "_"), words must end a class token, ad parts must be a whole part.
_STEMS = (
    "comment(?!ary)|kommentar|commentaire|comentario|commento|disqus|replies"
    "|share|sharing|social|teilen|partager|compartir|condividi"
    "|related|relacionad|correlat|verwandt|recommend|empfehl|lesetipp|readmore"
    "|newsletter|subscri|signup|abonn|promo|sponsor|advert|adsense|adslot|adsbygoogle"
    "|anzeige|werbung|publicite|publicidad|pubblicit|outbrain|taboola"
    "|breadcrumb|cookie|consent|gdpr|popup|navbar|navigation|pagination"
    "|byline|caption|copyright|meistgelesen|trending|footer|sidebar|author|infobox|factbox"
    "|carousel|slideshow|gallery|galerie|galeria|galleria|diashow|bilderstrecke|lightbox"
    "|disclaimer|meta|whatsapp"
)
# Ad slots are named "ad", "ads", or "ad-"/"ad_" something ("ad-slot", "ad_container").
_AD_PARTS = "ad|ads"
_WORDS = (
    "nav|menu|toolbar|pager|tags|tag-list|keywords|credit|credits"
    "|popular|modal|respond|widgets"
)
# Classes that hide an element: whole class tokens, token endings, and screen-reader-only
# words anywhere in a token.
_HIDDEN_TOKENS = "hidden|hide|d-none|is-hidden"
# The lookbehind follows "sr-only" so that the pattern starts with a letter (see below).
_HIDDEN_PARTS = r"--hid(?:den|e)(?!\S)|sr-only(?<!not-sr-only)|screen-?reader|visually-?hidden|offscreen"
# Lookbehinds instead of a leading "(?:^|[\s_-])": several times faster to search.
_HIDDEN_NAMES = re.compile(rf"(?<!\S)(?:{_HIDDEN_TOKENS})(?!\S)|{_HIDDEN_PARTS}")


def _by_first_letter(words: str) -> str:
    """The alternatives of ``words`` (no nested "|"), grouped by their first character.

    The regex engine tries alternatives one by one: grouped, it tries one per letter.

    >>> _by_first_letter("share|social|nav")
    's(?:hare|ocial)|n(?:av)'
    """
    groups: dict[str, list[str]] = {}
    for word in words.split("|"):
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


# Furniture names are searched in two passes, each starting with a known character, which
# the regex engine scans for quickly: the hiding words that stand anywhere, then the names
# that start a part, searched in the value after a space so that every part follows a
# separator. A third faster than one pattern with lookbehinds at every position.
_HIDDEN_ANYWHERE = re.compile(_HIDDEN_PARTS)
_FURNITURE_PARTS = re.compile(
    rf"\s(?:{_HIDDEN_TOKENS})(?!\S)|[\s_-](?:(?:{_by_first_letter(_STEMS)})"
    rf"|(?:{_by_first_letter(_WORDS)})(?!\S)|(?:{_AD_PARTS})(?![^\s_-]))"
)
# class/id words of the article text itself; they protect an element from pruning.
_ARTICLE = re.compile(r"(?:article|story|entry|post|news|main)[-_]?(?:body|content|text)")
# class/id words of a lead (standfirst, teaser) paragraph; must be a whole name part.
_LEAD = re.compile(
    r"(?:^|[\s_-])(?:lead|lede|intro|teaser|summary|standfirst|excerpt|abstract"
    r"|einleitung|vorspann|chapo|chapeau|perex|entradilla|bajada)(?=$|[\s_-])"
)
# Lines that label furniture (an ad slot, a list of links, the comments), several languages,
# matched whole, case-folded, without trailing punctuation.
_FURNITURE_LABELS = frozenset((
    "ad", "ads", "advert", "advertisement", "sponsored", "anzeige", "werbung", "reklame",
    "reklam", "reklama", "publicité", "publicidad", "publicidade", "pubblicità", "advertentie",
    "read more", "read also", "see also", "related", "related articles", "related stories",
    "more on this", "you may also like", "don't miss", "also read", "mehr zum thema",
    "auch interessant", "lesen sie auch", "das könnte sie auch interessieren", "lire aussi",
    "à lire aussi", "voir aussi", "lee también", "leer más", "te puede interesar", "leggi anche",
    "související témata", "související články", "čtěte také",
))  # not "Comments": processors.clean_body cuts the comment section from that line on
_LABEL_END = " :.…»›>|-–—"
# How many distinct class/id values to remember the verdict of (about 160 bytes each). A
# page has about 200, a site a few thousand: a crawl taking turns over many sites needs
# room for all of theirs, or each value is judged again (the regexes cost ~5 us a value).
_VERDICT_CACHE_SIZE = 65536


def prune_boilerplate(root: etree._Element, by_name: bool = True) -> None:
    """Remove furniture elements from ``root`` in place (their tails are kept).

    Furniture found by tag, hidden state or class/id (unless ``by_name`` is off) is spared
    when it holds most of the page's paragraph text: then it is a wrapper with an unlucky name.

    >>> from lxml import html
    >>> root = html.fromstring('<div><p>Text.</p><div id="comments"><p>Hi</p></div></div>')
    >>> prune_boilerplate(root)
    >>> html.tostring(root)
    b'<div><p>Text.</p></div>'
    """
    _unwrap_open_buttons(root)
    etree.strip_elements(root, *_JUNK_TAGS, with_tail=False)
    doomed, lengths = [], {}
    for el in root.iter(*_FURNITURE_TAGS, "figure", "time", "p"):  # one walk for both
        if el.tag == "p":
            lengths[el] = len(el.text_content())
        elif _is_furniture_tag(el):
            doomed.append(el)
    doomed.extend(el for el in _ATTRIBUTED(root)
                  if _is_hidden(el) or (by_name and _is_named_furniture(el)))
    limit = MAX_FURNITURE_SHARE * sum(lengths.values())
    _drop_all([el for el in doomed if sum(map(lengths.__getitem__, el.iter("p"))) <= limit])


def _unwrap_open_buttons(root: etree._Element) -> None:
    """Keep what a button left open holds: its children take its place.

    >>> from lxml import html
    >>> root = html.fromstring('<div><button>Menu<main><p>Text.</p></main></button></div>')
    >>> _unwrap_open_buttons(root)
    >>> html.tostring(root)
    b'<div>Menu<main><p>Text.</p></main></div>'
    """
    for button in [el for el in root.iter("button") if _HOLDS_TEXT(el)]:
        button.drop_tag()


def _is_furniture_tag(el: etree._Element) -> bool:
    """Whether a furniture tag, a figure or a time stamp is furniture by where it stands.

    >>> from lxml import html
    >>> [_is_furniture_tag(el) for el in html.fromstring(
    ...     '<div><figure><img></figure><figure><blockquote>Q</blockquote></figure>'
    ...     '<time>May 1</time><p>It rained for days on end, longer than anyone could '
    ...     'remember, on <time>May 1</time>.</p><nav>Home</nav></div>').iter("figure", "time", "nav")]
    [True, False, True, False, True]
    """
    if el.tag == "figure":
        return not _QUOTES(el)
    if el.tag == "time":
        return not _IN_PROSE(el)
    return True


def _drop_all(elements: list[etree._Element]) -> None:
    for el in elements:
        if el.getparent() is not None:
            el.drop_tree()


def _is_hidden(el: etree._Element) -> bool:
    """Whether ``el`` is not displayed (``aria-hidden`` only hides from screen readers).

    >>> from lxml import html
    >>> _is_hidden(html.fromstring('<p style="display: none">x</p>'))
    True
    >>> _is_hidden(html.fromstring('<p class="paywall" aria-hidden="true">Text.</p>'))
    False
    """
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


@lru_cache(maxsize=_VERDICT_CACHE_SIZE)
def name_verdict(names: str) -> int:
    """-1 when a class/id value names article text, 1 when it names furniture, else 0.

    A class that hides the element wins over article words.

    >>> name_verdict("comments-area"), name_verdict("entry-content share-bar")
    (1, -1)
    >>> name_verdict("post tag-politics"), name_verdict("post-tags relatedArticles")
    (0, 1)

    >>> name_verdict("story-body"), name_verdict("newsletter-signup"), name_verdict("grid")
    (-1, 1, 0)
    >>> name_verdict("article-content__sign-in hidden")
    1
    """
    lowered = names.lower()
    names = lowered if lowered == names else _CAMEL.sub("-", names).lower()
    if _ARTICLE.search(names):
        return 1 if _HIDDEN_NAMES.search(names) else -1
    return 1 if _HIDDEN_ANYWHERE.search(names) or _FURNITURE_PARTS.search(" " + names) else 0


def is_furniture_label(text: str) -> bool:
    """Whether a line is just the label of an ad slot, a list of links or the comments.

    >>> is_furniture_label("Advertisement"), is_furniture_label("Lire aussi :")
    (True, True)
    >>> is_furniture_label("Read more about the bridge in our archive.")
    False
    """
    return text.casefold().strip(_LABEL_END) in _FURNITURE_LABELS


def is_lead(el: etree._Element) -> bool:
    """Whether ``el`` is named as the article's lead paragraph (not a headline variant).

    >>> from lxml import html
    >>> is_lead(html.fromstring('<p class="c-article-summary">Lead.</p>'))
    True
    >>> is_lead(html.fromstring('<p class="leading-5">Text.</p>'))
    False
    >>> is_lead(html.fromstring('<p class="summary" itemprop="alternativeHeadline">Dek.</p>'))
    False
    """
    if "alternativeHeadline" in (el.get("itemprop") or ""):
        return False
    names = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return bool(names) and bool(_LEAD.search(_CAMEL.sub("-", names).lower()))


def _is_named_furniture(el: etree._Element) -> bool:
    by_class = name_verdict(el.get("class") or "")
    if by_class < 0:
        return False
    ident = el.get("id")
    by_id = name_verdict(ident) if ident else 0
    return by_id >= 0 and by_class + by_id > 0
