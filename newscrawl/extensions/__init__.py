"""Crawl extensions: what watches the whole crawl rather than one item or one response.

- :mod:`~newscrawl.extensions.run_summary`: the run summary written beside the batches, the
  run's verdict (exit status), and its last lines in the log (:mod:`.summary_text`);
- :mod:`~newscrawl.extensions.progress`: one progress line per ``LOGSTATS_INTERVAL``;
- :mod:`~newscrawl.extensions.layout_alarm`: a site whose fields went missing since its
  earlier runs;
- :mod:`~newscrawl.extensions.site_stats`: per-site counts of requests, finds, emits and drops;
- :mod:`~newscrawl.extensions.idle_exit`: a distributed worker leaves an empty frontier.
"""

from newscrawl.extensions.run_summary import RunSummary

__all__ = ["RunSummary"]
