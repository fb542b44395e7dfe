"""The page's language as an ISO 639-1 code, from markup declarations."""

from __future__ import annotations

import re

from newscrawl.extraction.document import Document
from newscrawl.extraction.structured import article_object, elements, meta_content

_CODE = re.compile(r"^([a-zA-Z]{2,3})(?:$|[-_])")
# ISO 639-2/3 codes and legacy codes that pages use instead of the 639-1 code.
_ALIASES = {
    "deu": "de", "ger": "de", "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "ukr": "uk", "pol": "pl", "ces": "cs",
    "cze": "cs", "swe": "sv", "dan": "da", "nor": "no", "nob": "no", "nno": "no", "nb": "no",
    "nn": "no", "fin": "fi", "tur": "tr", "jpn": "ja", "kor": "ko", "zho": "zh", "chi": "zh",
    "ara": "ar", "heb": "he", "iw": "he", "in": "id", "ji": "yi", "ind": "id", "msa": "ms",
    "may": "ms", "xho": "xh", "isl": "is", "ice": "is", "hun": "hu", "ell": "el", "gre": "el",
}


def language_code(value: object) -> str | None:
    """The two-letter lowercase code of a language tag or locale; ``None`` if it is not one.

    >>> language_code("de-AT"), language_code("en_US"), language_code("deu")
    ('de', 'en', 'de')
    >>> language_code("Deutsch") is None, language_code(None) is None
    (True, True)
    """
    if not isinstance(value, str):
        return None
    match = _CODE.match(value.strip()[:20])
    if match is None:
        return None
    code = match.group(1).lower()
    code = _ALIASES.get(code, code)
    return code if len(code) == 2 else None


def extract_language(doc: Document) -> str | None:
    """The page language: ``<html lang>``, JSON-LD ``inLanguage``, ``og:locale``, content-language."""
    candidates = (  # read one after the other, up to the first that names a language
        lambda: doc.root.get("lang"),
        lambda: doc.root.get("xml:lang"),
        lambda: _in_language((article_object(doc) or {}).get("inLanguage")),
        lambda: meta_content(doc, "og:locale", "content-language", "language", "dc.language", "inlanguage"),
        lambda: _http_equiv_language(doc),
    )
    for candidate in candidates:
        code = language_code(candidate())
        if code:
            return code
    return None


def _in_language(value: object) -> object:
    if isinstance(value, dict):
        return value.get("alternateName") or value.get("name")
    return value


def _http_equiv_language(doc: Document) -> str | None:
    for meta in elements(doc, "meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language":
            return meta.get("content")
    return None
