"""The extractors under evaluation: newscrawl, and trafilatura when installed."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any, Callable

from newscrawl import extract_article

NEWSCRAWL = "newscrawl"
TRAFILATURA = "trafilatura"


@dataclass(frozen=True)
class Prediction:
    """The fields the evaluator scores, read from one extractor output."""

    body: str = ""
    headline: str | None = None
    authors: tuple[Any, ...] = ()
    date: Any = None
    page_type: str | None = None


@dataclass(frozen=True)
class Extractor:
    """An extractor under test: the call that is timed, and how its output is read."""

    name: str
    call: Callable[[bytes, str], Any]
    read: Callable[[Any], Prediction]


def string_or_none(value: Any) -> str | None:
    """Return *value* if it is a string, else None."""
    return value if isinstance(value, str) else None


def record_to_prediction(record: Any) -> Prediction:
    """Read a newscrawl record; anything but a dict counts as an empty record."""
    if not isinstance(record, dict):
        return Prediction()
    authors = record.get("authors") or ()
    return Prediction(
        body=string_or_none(record.get("articleBody")) or "",
        headline=string_or_none(record.get("headline")),
        authors=tuple(authors) if isinstance(authors, (list, tuple)) else (authors,),
        date=record.get("datePublished"),
        page_type=string_or_none((record.get("metadata") or {}).get("pageType")),
    )


def document_to_prediction(document: Any) -> Prediction:
    """Read a trafilatura Document (None when it found nothing); authors are split on ";".

    Trafilatura judges no page type."""
    if document is None:
        return Prediction()
    return Prediction(
        body=document.text or "",
        headline=document.title,
        authors=tuple((document.author or "").split(";")),
        date=document.date,
    )


def call_newscrawl(html: bytes, url: str) -> Any:
    """Run the newscrawl extractor on one page."""
    return extract_article(html, url)


def newscrawl_extractor() -> Extractor:
    """The extractor under test."""
    return Extractor(NEWSCRAWL, call_newscrawl, record_to_prediction)


def trafilatura_available() -> bool:
    """Whether trafilatura can be imported."""
    return importlib.util.find_spec(TRAFILATURA) is not None


def trafilatura_extractor() -> Extractor:
    """Trafilatura as the published references ran it (comments excluded, with metadata)."""
    import trafilatura  # optional dependency, only needed for the side-by-side run

    def call(html: bytes, url: str) -> Any:
        return trafilatura.bare_extraction(
            html, url=url, include_comments=False, with_metadata=True
        )

    return Extractor(TRAFILATURA, call, document_to_prediction)
