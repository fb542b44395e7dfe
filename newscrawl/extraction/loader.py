"""The article item loader: wires processors to record fields, nothing more.

Values are added in priority order (site selector, structured data, heuristics);
the output processors keep the first usable one. Input processors are idempotent,
so values that extraction already cleaned pass through unchanged.
"""

from __future__ import annotations

from itemloaders import ItemLoader
from itemloaders.processors import Compose, Identity, MapCompose, TakeFirst

from newscrawl.extraction.authors import names_or_signature, unique_names
from newscrawl.extraction.dates import normalize_date
from newscrawl.extraction.language import language_code
from newscrawl.extraction.processors import as_persons, clean_body, fold_whitespace


def _date_in_site_timezone(value: str, loader_context: dict) -> str | None:
    return normalize_date(value, loader_context.get("timezone"), loader_context.get("month_first", True))


class ArticleLoader(ItemLoader):
    """Loads one article record (a dict) from values added per field."""

    default_item_class = dict
    default_input_processor = MapCompose(fold_whitespace)
    default_output_processor = TakeFirst()

    # The fields extraction fills name their processors, defaults included: a field without
    # them is looked up in the item's field metadata (ItemAdapter) on every value, a tenth of
    # the loader's time.
    headline_in = description_in = publisher_in = articleSection_in = keywords_in = default_input_processor
    headline_out = description_out = articleBody_out = inLanguage_out = default_output_processor
    datePublished_out = dateModified_out = publisher_out = articleSection_out = default_output_processor
    articleBody_in = MapCompose(clean_body)
    authors_in = MapCompose(names_or_signature)
    authors_out = Compose(unique_names, as_persons)
    datePublished_in = MapCompose(_date_in_site_timezone)
    dateModified_in = MapCompose(_date_in_site_timezone)
    inLanguage_in = MapCompose(language_code)
    keywords_out = Compose(unique_names)
    metadata_in = Identity()
