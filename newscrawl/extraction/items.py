"""The article record: field names, schema version and the JSON Schema that describes it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

SCHEMA_VERSION = 1

#: Record fields in output order (schema.org NewsArticle names, as zyte-common-items' Article).
RECORD_FIELDS = (
    "id", "url", "canonicalUrl", "headline", "description", "articleBody", "authors",
    "datePublished", "dateModified", "inLanguage", "publisher", "articleSection",
    "keywords", "mainImage", "wordCount", "metadata",
)

#: Fields whose value is a list; every other field is a scalar or ``None``.
LIST_FIELDS = frozenset({"authors", "keywords"})


@cache
def record_schema() -> dict:
    """The JSON Schema (draft 2020-12) that every published record validates against.

    >>> record_schema()["properties"]["metadata"]["properties"]["schemaVersion"]["const"]
    1
    """
    text = resources.files("newscrawl").joinpath("schema/article-v1.schema.json").read_text()
    return json.loads(text)


def empty_record() -> dict:
    """A record with every field present and empty, in output order.

    >>> list(empty_record())[:3], empty_record()["authors"]
    (['id', 'url', 'canonicalUrl'], [])
    """
    return {name: [] if name in LIST_FIELDS else None for name in RECORD_FIELDS}
