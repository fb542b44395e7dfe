"""The newscrawl spiders."""
