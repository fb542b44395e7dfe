"""Turn one page into one article record: ``extract_article(html, url)``.

The public API, and all that the crawl uses: :func:`extract_article` (page in, record
out) and :func:`extract_page`, the same record with what a crawl needs besides (the
page's links and the facts behind its page type) from the one parse. The rest of the
package is internal: document (decode + parse once), links (the page's links as Scrapy
finds them), structured (JSON-LD, meta), metadata with headline/authors/bylines/dates/
language, body (+ body_blocks, body_scoring, body_jsonld, boilerplate, vocabulary),
classify, and record, which runs the item loader (loader, processors) into the fields
of items and judges the page type once; budget holds a page's :class:`Limits`, and
:func:`fit_body`, which cuts what a page's bytes hold beyond them before they travel.
"""

from newscrawl.extraction.budget import Limits, fit_body
from newscrawl.extraction.record import ExtractedPage, extract_article, extract_page

__all__ = ["ExtractedPage", "Limits", "extract_article", "extract_page", "fit_body"]
