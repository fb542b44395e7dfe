"""Turn one page into one article record: ``extract_article(html, url)``.

``extract_page`` gives the same record with what a crawl needs besides: the page's
links and the facts behind its page type, from the one parse.
"""

from newscrawl.extraction.record import ExtractedPage, extract_article, extract_page

__all__ = ["ExtractedPage", "extract_article", "extract_page"]
