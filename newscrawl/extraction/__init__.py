"""Turn one page into one article record: ``extract_article(html, url)``."""

from newscrawl.extraction.record import extract_article

__all__ = ["extract_article"]
