"""What newscrawl keeps between runs, behind one small interface.

``NEWSCRAWL_STATE_URI`` selects the store; ``sqlite:///state/newscrawl.db`` (a
path relative to the working directory; four slashes for an absolute path) is
the embedded default, one SQLite file in WAL mode. The store holds:

- the published articles, by id and by the record ids of the URLs they were
  fetched under, with their body fingerprint, version and near-duplicate signature;
- the feed and sitemap validators (ETag, Last-Modified) of the last complete run;
- the *pending* batches: files being published, with the articles they hold.

An article becomes "seen" only when its batch is committed, which the publisher
does after the batch's file is in place (see :mod:`newscrawl.pipelines.publish`).
A store that cannot be opened or read is a :class:`StateError` naming the file;
it is never silently reset, and a file of another :data:`SCHEMA_VERSION` is refused.

Layout: :mod:`~newscrawl.state.model` (the values), :mod:`~newscrawl.state.store` (the
:class:`StateStore` protocol and :func:`open_state`), :mod:`~newscrawl.state.sqlite` and
:mod:`~newscrawl.state.redis` (the backends; the second needs the ``redis`` extra).
"""

from newscrawl.state.model import (
    Article,
    Batch,
    StateError,
    Validators,
    article_of,
    body_fingerprint,
    comparable_date,
    current_as_of,
    record_modified,
    utc_now,
)
from newscrawl.state.store import StateStore, is_redis_uri, open_state

__all__ = ["Article", "Batch", "StateError", "StateStore", "Validators", "article_of",
           "body_fingerprint", "comparable_date", "current_as_of", "is_redis_uri",
           "open_state", "record_modified", "utc_now"]
