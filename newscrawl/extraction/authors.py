"""Author names: JSON-LD ``author``, then ``<meta>`` names, then visible bylines."""

from __future__ import annotations

import re
from collections.abc import Callable

from newscrawl.extraction.bylines import AUTHOR_MARKS, author_box_names, byline_names, is_visible_name
from newscrawl.extraction.document import Document
from newscrawl.extraction.structured import article_objects, meta_content, meta_contents, resolve_reference, site_names
from newscrawl.extraction.values import clean_text, may_hold, name_key, names_match

MAX_AUTHORS = 20
_CARD_FIELDS = 4
_WRITTEN_BY = re.compile(r"^\s*(?:written|posted)\s+by\b|^\s*authors?\s*:?\s*$", re.IGNORECASE)
# Names of accounts, not of people or desks: "admin", "Site Admin", "webmaster".
_ACCOUNT_WORDS = frozenset({"admin", "administrator", "webmaster", "root", "user", "guest"})
_MAX_DEPTH = 4
_MAX_NAME_CHARS = 80

# "By", "Written by", "This post was written by"...
_PREFIX = re.compile(
    r"^(?:this\s+(?:post|article|story|piece|guide)\s+(?:was|is)\s+)?"
    r"(?:(?:written|reported|text|texte|story|posted|published|authored|articles)\s+)?"
    r"(?:by|von|por|par|door|av|af|auteur|autor|author|text|texto|texte)(?:\s*:?\s+|(?-i:(?=[A-Z][a-z])))"
    r"|^(?:by|von|por|par|text|autor|author|authors)\s*:\s*",
    re.IGNORECASE,
)
# What is left of a byline's label alone, or a publication named as in Medium's "Published in X".
_NOT_A_NAME = re.compile(
    r"^(?:(?:written|posted|authored)\s+)?by\s*:?$|^(?:authors?|full bio|bio)\s*:?$|^published in\b",
    re.IGNORECASE,
)
_QUOTES = "\"'“”„«»"
# Words of job titles printed after a name: "Jane Doe Content Marketing Coordinator", "Jo Roe Founder at X".
_TITLE_WORDS = frozenset("""
    founder co-founder cofounder ceo cto cfo coo president director manager coordinator head lead
    analyst specialist consultant strategist winemaker content sponsored contributor writer editor
    reporter correspondent senior chief
""".split())
_SEPARATOR = re.compile(
    r"\s*(?:[,;|&+•·]|\s/\s|\s[-–—]\s|\b(?:and|und|y|e|et|og|och|ve|и|i|és)\b)\s*",
    re.IGNORECASE,
)
_NOISE = re.compile(
    r"\S+@\S+\.\w+|https?://\S+|www\.\S+|(?<!\w)@\w+|\(\s*\)|"
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b\d{1,2}:\d\d(?:\s*(?i:uhr|h|am|pm)\b)?|"
    # a date with a month name ending the text right after a name: "Andrew Gerrand 4 August 2010"
    r"(?<=[^\W\d_])\s+(?:\d{1,2}\.?\s+[^\W\d_]{3,9}|[^\W\d_]{3,9}\.?\s+\d{1,2},?)\.?,?\s+(?:19|20)\d\d\s*$",
)
# What leads from a byline's name to its date: "on", "am", "le", "at" (blog platforms' "Posted by X at
# 10:30 AM"), "Posted on", "Last updated on", and a day after it without its year.
_DATE_TAIL = re.compile(
    r"(?:\s+(?i:posted|published|(?:last\s+)?(?:updated|modified)))?\s+(?:on|am|le|at)"
    r"(?:\s+(?:[^\W\d_]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}\.?\s+[^\W\d_]{3,9}\.?))?\s*$"
)
_PARTICLES = frozenset("van von de der den da del della di du la le bin al ter ten dos das zu y".split())
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_LOGIN = re.compile(r"^[a-z0-9]+(?:[._][a-z0-9]+)+$")
# A part ending in one of these is a job title ("Technology correspondent"), not a name.
_ROLE_NOUNS = frozenset("""
    reporter writer correspondent editor columnist journalist photographer producer contributor
    redakteur redakteurin korrespondent korrespondentin reportero reportera periodista redactor
    redactora journaliste rédacteur rédactrice admin administrator webmaster
""".split())
_ROLE_WORDS = _ROLE_NOUNS | frozenset("""
    reporters writers staff senior chief correspondents
    editors contributing photographers photos photo
    fotos foto video videos text texte graphics grafik illustration illustrations
    political special freelance associate assistant deputy managing news sports business
    autor autorin author authors ph.d phd founder co-founder cofounder ceo lead reviewer
    director manager coordinator specialist analyst consultant strategist
    envoyé envoyée spéciale spécial updated aktualisiert published veröffentlicht am um uhr on
    quelle source stand
    monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch donnerstag
    freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes
    miércoles jueves viernes sábado domingo
    기자 특파원 記者
""".split())
_ROLE_SUFFIXES = frozenset({"기자", "특파원", "記者", "特派員"})  # written after the name


def clean_author_name(value: object) -> str | None:
    """One author's name without "By", roles, e-mail addresses, handles or dates.

    >>> clean_author_name(" By Jane Doe, Staff Writer ")
    'Jane Doe'
    >>> clean_author_name("Von Max Muster (@maxm)"), clean_author_name("신현주 기자")
    ('Max Muster', '신현주')
    >>> clean_author_name("Senior Reporter") is None, clean_author_name(7) is None
    (True, True)
    >>> clean_author_name("This post was written by Danielle Padula")
    'Danielle Padula'
    """
    text = clean_text(value, 1_000)
    if not text:
        return None
    text = _NOISE.sub(" ", _PREFIX.sub("", text, count=1))
    kept = [part for part in _split_parts(text) if not _is_role(part)]
    name = _without_trailing_roles(kept[0]) if kept else None
    return name if name and len(name) <= _MAX_NAME_CHARS and not _NOT_A_NAME.match(name) else None


def split_authors(value: object) -> list[str]:
    """Split a byline naming several people into clean names.

    >>> split_authors("A and B")
    ['A', 'B']
    >>> split_authors("By Ann Lee, Bo Li & Cy Dee, Staff Writers")
    ['Ann Lee', 'Bo Li', 'Cy Dee']
    >>> split_authors("Von Felix Schröder und Jörg Soldwisch, dpa")
    ['Felix Schröder', 'Jörg Soldwisch', 'dpa']
    >>> split_authors("By Priya Raman, Technology correspondent")
    ['Priya Raman']
    >>> split_authors("Ann Lee, Senior Director"), split_authors("Jo Roe, Chief Strategist")
    (['Ann Lee'], ['Jo Roe'])
    >>> split_authors("Andrew Gerrand 4 August 2010"), split_authors("Ann Lee Aug. 4, 2010")
    (['Andrew Gerrand'], ['Ann Lee'])
    >>> split_authors("Posted by David at December 16, 2025 11:15 AM"), split_authors("Posted by Mike Lee at 10:30 AM")
    (['David'], ['Mike Lee'])
    """
    text = clean_text(value, 1_000)
    if not text:
        return []
    text = _NOISE.sub(" ", _PREFIX.sub("", text, count=1))
    names = (clean_author_name(part) for part in _split_parts(text))
    return unique_names(name for name in names if name)


def unique_names(names) -> list[str]:
    """Names in order, each once (compared case-insensitively), at most ``MAX_AUTHORS``.

    >>> unique_names(["Ann Lee", "ann-lee", "Bo"])
    ['Ann Lee', 'Bo']
    """
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name_key(name) or name, name)
    return list(seen.values())[:MAX_AUTHORS]


def jsonld_author_names(doc: Document, value: object, depth: int = 0,
                        split: Callable[[str], list[str]] = split_authors) -> list[str]:
    """Names in a JSON-LD ``author`` value: text, Person/Organization objects, lists, ``@id`` references.

    >>> from newscrawl.extraction.document import parse_document
    >>> doc = parse_document("<p>", "https://e.com/")
    >>> jsonld_author_names(doc, [{"@type": "Person", "givenName": "Ann", "familyName": "Lee"}, "Bo Li", 3])
    ['Ann Lee', 'Bo Li']
    """
    value = resolve_reference(doc, value)
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, list):
        return unique_names(n for item in value[:MAX_AUTHORS] for n in jsonld_author_names(doc, item, depth + 1, split))
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, (list, dict)):
            return jsonld_author_names(doc, name, depth + 1, split)
        value = name if isinstance(name, str) else _given_family(value)
    if not isinstance(value, str) or _is_url(value):
        return []
    return split(value)


def extract_authors(doc: Document) -> list[str]:
    """The article's authors: JSON-LD first, then ``<meta>`` names, then visible bylines.

    Names that are only the site's own name, or an account's login (``andrew.keaveney``), give
    way to a person named elsewhere: in a byline, else in an author box.

    >>> from newscrawl.extraction.document import parse_document
    >>> html = ('<meta property="og:site_name" content="Levitate Media"><script type="application/ld+json">'
    ...         '{"@type": "BlogPosting", "author": {"@type": "Organization", "name": "Levitate Media"}}</script>'
    ...         '<h1>Short video</h1><p class="byline">Insights from</p><p>Story.</p>'
    ...         '<div class="blogpost-author-name">Liza Burke</div>')
    >>> extract_authors(parse_document(html, "https://levitatemedia.com/learn/video"))
    ['Liza Burke']
    """
    structured = structured_author_names(doc)
    if any(not _stands_in(name, doc) for name in structured):
        return structured
    meta_values = [v for v in _meta_author_values(doc) if not _stands_in(v, doc)]
    personal = unique_names(name for value in meta_values for name in split_authors(value))
    personal = personal or byline_names(doc.root, split_authors, _marks_authors(doc))
    if structured:
        personal = [name for name in personal if looks_like_person(name)] or [
            name for name in _author_box_names(doc) if looks_like_person(name)
        ]
    return personal or structured or meta_author_names(doc) or signed_as(doc)


def _author_box_names(doc: Document) -> list[str]:
    return author_box_names(doc.root, split_authors) if _marks_authors(doc) else []


def _marks_authors(doc: Document) -> bool:
    """Whether the page may hold an element marked or named as an author's: its text holds one
    of :data:`~newscrawl.extraction.bylines.AUTHOR_MARKS`. A page that holds none (a shop's
    page, often) is not walked for one.

    >>> from newscrawl.extraction.document import parse_document
    >>> _marks_authors(parse_document('<p class="byline">By Ann</p>', "https://e.com/"))
    True
    >>> _marks_authors(parse_document('<p class="price">9 EUR</p>', "https://e.com/"))
    False
    """
    if "marks_authors" not in doc.cache:
        doc.cache["marks_authors"] = may_hold(doc.text, AUTHOR_MARKS)
    return doc.cache["marks_authors"]


def signed_as(doc: Document) -> list[str]:
    """How the page's own data signs it when it names no person: a desk or a team
    ("Staff", "SFist Contributor"), which the name cleaning drops as a role or the site's name.
    Read from the JSON-LD author, the author ``<meta>`` and Yoast's Twitter card
    (``twitter:label1`` "Written by", ``twitter:data1`` the name); never an account name
    such as "admin".

    >>> from newscrawl.extraction.document import parse_document
    >>> html = '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Staff">'
    >>> signed_as(parse_document(html, "https://e.com/a"))
    ['Staff']
    >>> signed_as(parse_document('<meta name="author" content="Site Admin">', "https://e.com/a"))
    []
    """
    values = [name for obj in article_objects(doc) for name in jsonld_author_names(doc, obj.get("author"), split=_whole)]
    values += [*_meta_author_values(doc), *_card_authors(doc)]
    return [signature for signature in map(_signature, values) if signature][:1]


def names_or_signature(value: object) -> list[str]:
    """:func:`split_authors`' names; a whole value that gives none but signs the page as a desk
    or a team (see :func:`signed_as`) is kept as it is.

    >>> names_or_signature("By Ann Lee and Bo Li"), names_or_signature("Staff"), names_or_signature("admin")
    (['Ann Lee', 'Bo Li'], ['Staff'], [])
    """
    names = split_authors(value)
    signature = None if names else _signature(value)
    return names or ([signature] if signature else [])


def _signature(value: object) -> str | None:
    text = clean_text(value, 1_000)
    name = clean_text(_PREFIX.sub("", text, count=1)) if text else None
    return name if name and _signs(name) else None


def _whole(text: str) -> list[str]:
    return [text]


def _signs(name: str) -> bool:
    """Whether a signature the cleaning refused can stand as the author: a few words, not an account."""
    words = name.casefold().split()
    return len(words) <= 3 and is_visible_name(name) and not _ACCOUNT_WORDS.intersection(words)


def _card_authors(doc: Document) -> list[str]:
    """The Twitter card's "Written by" field, as Yoast SEO prints it on WordPress pages."""
    labels = (meta_content(doc, f"twitter:label{i}") for i in range(1, _CARD_FIELDS + 1))
    fields = [i for i, label in enumerate(labels, 1) if label and _WRITTEN_BY.match(label)]
    return [value for i in fields if (value := meta_content(doc, f"twitter:data{i}"))]


def looks_like_person(name: str) -> bool:
    """Whether a name has the shape of a person's: 2-4 capitalised words, or one CJK name.

    >>> looks_like_person("Anna van der Berg"), looks_like_person("松岡大地")
    (True, True)
    >>> looks_like_person("APA"), looks_like_person("Associated Press in Valencia")
    (False, False)
    """
    words = name.split()
    if len(words) == 1:
        return 2 <= len(name) <= 6 and all(_is_cjk(ch) for ch in name)
    return len(words) <= 4 and all(
        word[0].isupper() or word in _PARTICLES for word in words
    ) and not any(ch.isdigit() or ch in ":/@" for ch in name)


def structured_author_names(doc: Document) -> list[str]:
    """Authors of the JSON-LD article: the longest list among the objects describing it."""
    lists = [jsonld_author_names(doc, obj.get("author")) or jsonld_author_names(doc, obj.get("creator"))
             for obj in article_objects(doc)]
    return max(lists, key=len, default=[])


def meta_author_names(doc: Document) -> list[str]:
    """Author names from ``<meta>`` tags (URLs such as Facebook pages and slugs are skipped)."""
    values = _meta_author_values(doc)
    return unique_names(name for value in values for name in split_authors(value))


def _meta_author_values(doc: Document) -> list[str]:
    values = meta_contents(doc, "author", "article:author", "article:author_name", "parsely-author",
                           "sailthru.author", "dc.creator", "dcterms.creator", "byl", "cxenseparse:author")
    values += [first_name_first(value) for value in meta_contents(doc, "citation_author", "citation_authors")]
    return [value for value in values if not _is_url(value) and not _SLUG.match(value)]


def first_name_first(name: str) -> str:
    """A scholarly ``citation_author`` (one author a tag, Google Scholar's convention) as
    "First Last": the tag may write "Last, First".

    >>> first_name_first("Huberty, Jennifer"), first_name_first("Jeni Green")
    ('Jennifer Huberty', 'Jeni Green')
    """
    last, comma, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if comma and first.strip() and "," not in first else name


def _is_cjk(char: str) -> bool:
    return "\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"


def _split_parts(text: str) -> list[str]:
    parts = (" ".join(part.strip(" .:-–—()[]" + _QUOTES).split()) for part in _SEPARATOR.split(text))
    parts = (without_date_tail(part) for part in parts)
    return [part for part in parts if part and any(ch.isalpha() for ch in part)]


def without_date_tail(part: str) -> str:
    """A byline's name without the words that lead to its date ("By Ann Lee on March 3, 2025",
    whose date the noise pattern took already, or "on Jan 22" written without a year).

    >>> without_date_tail("Ann Lee on"), without_date_tail("Ann Lee on Jan 22"), without_date_tail("Jo Roe Posted on")
    ('Ann Lee', 'Ann Lee', 'Jo Roe')
    >>> without_date_tail("Craig McCarthy Last updated on")
    'Craig McCarthy'
    >>> without_date_tail("Max Muster am"), without_date_tail("Lee On"), without_date_tail("Jo Roe Mar 3")
    ('Max Muster', 'Lee On', 'Jo Roe Mar 3')
    """
    return _DATE_TAIL.sub("", part)


def _without_trailing_roles(name: str) -> str:
    """The name without what follows it: a job title, a publisher in capitals (two words or more:
    one may be a surname, as Luxembourg papers print them), a CJK role suffix.

    >>> _without_trailing_roles("Meghan Neville Content Marketing Coordinator"), _without_trailing_roles("Brian Truitt USA TODAY")
    ('Meghan Neville', 'Brian Truitt')
    >>> _without_trailing_roles("Mateusz Haberny Founder at Oakywood"), _without_trailing_roles("MARIA DEUTSCHER")
    ('Mateusz Haberny', 'MARIA DEUTSCHER')
    >>> _without_trailing_roles("André Oliver KLEIN")
    'André Oliver KLEIN'
    """
    words = name.split()
    while len(words) > 1 and words[-1] in _ROLE_SUFFIXES:
        words.pop()
    cut = next((i for i, word in enumerate(words) if i >= 2 and word.casefold().strip(".,") in _TITLE_WORDS), None)
    words = words[:cut]
    capitals = len(words)
    while capitals > 0 and words[capitals - 1].isupper() and len(words[capitals - 1]) > 1:
        capitals -= 1
    return " ".join(words[:capitals] if capitals >= 2 and len(words) - capitals >= 2 else words)


def _is_role(part: str) -> bool:
    words = [word.strip(".:").casefold() for word in part.split()]
    return all(word in _ROLE_WORDS for word in words) or words[-1] in _ROLE_NOUNS


def _given_family(person: dict) -> str | None:
    parts = [person.get("givenName"), person.get("familyName")]
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip()) or None


def _is_url(text: str) -> bool:
    return text.lstrip().startswith(("http://", "https://", "//", "www."))


def _stands_in(name: str, doc: Document) -> bool:
    """Whether a structured or meta author stands in for a person: the site's name, a login."""
    return is_login(name) or _mentions_site(name, doc)


def is_login(name: str) -> bool:
    """Whether a name is an account's login, as blog platforms fill the author with it when the
    writer set no display name: lower case, words joined by dots or underscores.

    >>> is_login("andrew.keaveney"), is_login("jane_doe"), is_login("Jane Doe"), is_login("dpa"), is_login("J.R.R. Tolkien")
    (True, True, False, False, False)
    """
    return _LOGIN.match(name) is not None


def _mentions_site(text: str, doc: Document) -> bool:
    key = name_key(text)
    sites = [name_key(site) for site in site_names(doc)]
    return any(names_match(key, site) or (len(site) >= 4 and site in key) for site in sites)
