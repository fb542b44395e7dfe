"""The article item loader: wires processors to record fields, nothing more.

Values are added in priority order (site selector, structured data, heuristics);
the output processors keep the first usable one.
"""

from __future__ import annotations

from itemloaders import ItemLoader
from itemloaders.processors import Compose, Identity, MapCompose, TakeFirst

from newscrawl.processors import as_persons, clean_body, fold_whitespace, unique_names


class ArticleLoader(ItemLoader):
    """Loads one article record (a dict) from values added per field."""

    default_item_class = dict
    default_input_processor = MapCompose(fold_whitespace)
    default_output_processor = TakeFirst()

    articleBody_in = MapCompose(clean_body)

    authors_out = Compose(unique_names, as_persons)
    keywords_out = Compose(unique_names)
    metadata_in = Identity()
