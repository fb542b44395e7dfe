"""Scoring extract_article on corpus folders; the command is ``python -m newscrawl.evaluate``."""
