"""Scrapy commands added by newscrawl."""
