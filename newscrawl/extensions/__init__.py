"""Crawl extensions: what watches the whole crawl rather than one item or one response.

- :mod:`~newscrawl.extensions.run_summary`: the run summary written beside the batches;
- :mod:`~newscrawl.extensions.site_stats`: per-site counts of requests, finds, emits and drops;
- :mod:`~newscrawl.extensions.idle_exit`: a distributed worker leaves an empty frontier.
"""

from newscrawl.extensions.run_summary import RunSummary

__all__ = ["RunSummary"]
