"""The state interface every backend implements, and the one place that opens a store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from newscrawl.state.model import Article, Batch, StateError, Validators
from newscrawl.state.sqlite import SqliteState

_SQLITE_PREFIX = "sqlite:///"
REDIS_PREFIXES = ("redis://", "rediss://")


class StateStore(Protocol):
    """The state interface every backend implements (see ``tests/test_state_contract.py``)."""

    def articles(self, keys: Iterable[str]) -> dict[str, Article]:
        """Committed articles by id or URL key: ``{key: article}`` for the keys known."""

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` (ids or URL keys) name a committed article: the lean
        :meth:`articles` for callers that need only whether it was published."""

    def fingerprint_owners(self, fingerprints: Iterable[str]) -> dict[str, str]:
        """``{fingerprint: id}`` of the committed articles with these body fingerprints."""

    def candidates(self, signature: tuple[int, ...]) -> list[Article]:
        """Committed articles sharing a near-duplicate band with ``signature``."""

    def sites_with_articles(self, sites: Iterable[str]) -> set[str]:
        """Which of ``sites`` have at least one committed article."""

    def validators(self, urls: Iterable[str]) -> dict[str, Validators]:
        """Saved validators by URL."""

    def save_validators(self, validators: Mapping[str, Validators]) -> None:
        """Replace the validators of these URLs, all in one transaction."""

    def begin_batch(self, batch: Batch) -> None:
        """Record ``batch`` as pending; its articles are not seen yet."""

    def commit_batch(self, name: str) -> None:
        """Make the articles of pending batch ``name`` seen and forget the batch, atomically.

        A name that is not pending (already committed, or discarded) is a no-op.
        """

    def discard_batch(self, name: str) -> None:
        """Forget pending batch ``name``; its articles stay unseen."""

    def pending_batches(self, directory: str) -> list[Batch]:
        """The pending batches of ``directory``, by name."""

    def close(self) -> None:
        """Release the store."""


def open_state(uri: str) -> StateStore:
    """Open the store that ``uri`` names.

    ``redis://HOST:PORT/DB`` is the shared store of distributed crawls
    (:mod:`newscrawl.state.redis`, with the ``redis`` extra installed).

    >>> open_state("memcache://x")
    Traceback (most recent call last):
    ...
    newscrawl.state.model.StateError: NEWSCRAWL_STATE_URI 'memcache://x': unsupported; use sqlite:///PATH or redis://HOST:PORT/DB
    """
    if uri.startswith(_SQLITE_PREFIX):
        return SqliteState(Path(uri.removeprefix(_SQLITE_PREFIX)))
    if is_redis_uri(uri):
        from newscrawl.state.redis import RedisState  # the redis client is an optional extra

        return RedisState.from_uri(uri)
    raise StateError(f"NEWSCRAWL_STATE_URI {uri!r}: unsupported; use sqlite:///PATH or redis://HOST:PORT/DB")


def is_redis_uri(uri: str | None) -> bool:
    """True for a state URI that names the shared Redis store (distributed mode).

    >>> is_redis_uri("redis://127.0.0.1:6379/0"), is_redis_uri("sqlite:///state/newscrawl.db")
    (True, False)
    """
    return bool(uri) and uri.startswith(REDIS_PREFIXES)
