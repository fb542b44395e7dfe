"""Is this page an article? Structured type hints first, then the shape of the text."""

from __future__ import annotations

_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "report", "techarticle", "socialmediaposting", "scholarlyarticle", "posting",
})
_LISTING_TYPES = frozenset({
    "website", "collectionpage", "itemlist", "profilepage", "searchresultspage",
    "profile", "aboutpage", "contactpage",
})
MIN_ARTICLE_WORDS = 80  # below this, a page with no type hints is a teaser or a stub
MIN_WORDS_PER_PARAGRAPH = 12  # teaser lists are many short blocks


def page_type(type_hints: list[str], body: str | None) -> str:
    """``"article"`` or ``"other"``, from og:type / JSON-LD types, else from the body's shape.

    >>> page_type(["newsarticle", "webpage"], "Short.")
    'article'
    >>> page_type(["website"], "A long text " * 100)
    'other'
    >>> page_type([], "Word " * 100)
    'article'
    >>> page_type([], "Teaser one\\n\\nTeaser two\\n\\nTeaser three")
    'other'
    """
    hints = {hint.lower() for hint in type_hints}
    if hints & _ARTICLE_TYPES:
        return "article"
    if hints & _LISTING_TYPES or not body:
        return "other"
    words = len(body.split())
    paragraphs = body.count("\n\n") + 1
    if words >= MIN_ARTICLE_WORDS and words / paragraphs >= MIN_WORDS_PER_PARAGRAPH:
        return "article"
    return "other"
