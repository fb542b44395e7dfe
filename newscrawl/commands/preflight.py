"""What ``scrapy crawl`` checks before the crawler starts that is not a usage mistake: the
output folder can be written and no other run is publishing there, and the state store
opens. A problem is one log line and exit status 1, not a traceback after a started crawl."""

from __future__ import annotations

import fcntl
from pathlib import Path

from newscrawl.pipelines.publish import LOCK_NAME
from newscrawl.state import StateError, is_redis_uri, open_state


def output_problem(directory: Path) -> str | None:
    """Why batches cannot be published into ``directory`` now, or ``None``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        lock = open(directory / LOCK_NAME, "ab")
    except OSError as exc:
        return f"output directory {directory}: cannot write: {exc.strerror or exc}"
    with lock:  # closing releases the lock again
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return (f"output directory {directory}: another run is publishing there; "
                    "try again when it has finished")
    return None


def state_problem(uri: str) -> str | None:
    """Why the state store at ``uri`` cannot be used, or ``None``; a Redis store is not
    opened here, as distributed workers wait for Redis (``NEWSCRAWL_REDIS_GIVE_UP``)."""
    if is_redis_uri(uri):
        return None
    try:
        open_state(uri).close()
    except StateError as exc:
        return str(exc)
    return None


def preflight_problem(settings, spider_name: str) -> str | None:
    """The first reason a crawl of ``spider_name`` cannot do its job, or ``None``."""
    directory = Path(settings.get("NEWSCRAWL_OUTPUT_DIR")) / spider_name
    return output_problem(directory) or state_problem(settings.get("NEWSCRAWL_STATE_URI"))
