"""newscrawl: news sites in, clean article records (JSON lines) out."""

from newscrawl.extraction import extract_article

__all__ = ["extract_article"]
