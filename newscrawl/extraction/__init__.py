"""Turn one page into one article record: ``extract_article(html, url)``.

The public API, and all that the crawl uses: :func:`extract_article` (text in, record
out), and for the spider, which parses a page once for both its links and its record,
:func:`parse_document`, :func:`build_record` and the listing-page test
(:func:`listing_reason`, :func:`link_density`). The rest of the package is internal:
document (decode + parse once), structured (JSON-LD, meta), metadata with
headline/authors/bylines/dates/language, body (+ body_blocks, body_scoring,
body_jsonld, boilerplate, vocabulary), classify, and record, which runs the item loader
(loader, processors) into the fields of items.
"""

from newscrawl.extraction.classify import link_density, listing_reason
from newscrawl.extraction.document import Document, parse_document
from newscrawl.extraction.record import build_record, extract_article

__all__ = ["Document", "build_record", "extract_article", "link_density", "listing_reason",
           "parse_document"]
