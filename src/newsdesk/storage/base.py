"""The storage interface every newsdesk store implements.

Stages and commands talk to a :class:`Store`, never to SQLite directly, so the
in-memory test double (:class:`~newsdesk.storage.memory.MemoryStore`) and the
embedded default (:class:`~newsdesk.storage.sqlite.SQLiteStore`) are
interchangeable, like an httpx transport and its mock.

The contract shared by all stores:

1. Articles are keyed by :attr:`Article.id` (a content hash); adding one that
   is already stored changes nothing, so ingest is idempotent.
2. Lists come back in insertion order.
3. Derived data (entities with their mentions, quotes, claims, stories with
   their membership, comparisons, disputes, lead claim and article stances)
   is replaced as a whole by :meth:`Store.save_analysis`, atomically: either
   the new analysis is stored or the previous one is kept. Every article id
   it refers to must be stored; within a story, dispute ids and the articles
   of its stances are unique.
4. Returned objects are fresh copies; mutating them never changes the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from newsdesk.model import Article, Claim, Entity, Problem, Quote, Story

SNIPPET_START = "["
"""Marker placed before a matched term in a search snippet."""

SNIPPET_END = "]"
"""Marker placed after a matched term in a search snippet."""

SNIPPET_ELLIPSIS = "…"
"""Marker for text left out at either end of a search snippet."""

SNIPPET_TOKENS = 12
"""Approximate number of words in a search snippet."""

_WORD = re.compile(r"\w", re.UNICODE)
# Control characters (NUL ends an FTS5 string early) are never meaningful in a query.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def query_terms(query: str) -> list[str]:
    """Split a user's search query into literal terms.

    Terms are the whitespace-separated parts of the query that contain at least
    one word character; operators and punctuation have no special meaning, so
    any query is safe to run (``AND``, ``"``, ``*``, ``NEAR(`` are just text);
    control characters separate terms.

    Args:
        query: The query as typed by a user.

    Returns:
        The terms, in order; empty when nothing searchable is left.
    """
    return [part for part in _CONTROL.sub(" ", query).split() if _WORD.search(part)]


def utc_now() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds), for log columns."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True, kw_only=True)
class FeedState:
    """What a watcher remembers about one feed between polls.

    Attributes:
        url: The feed's URL as the user gave it (the key).
        title: The feed's title at the last poll.
        etag: The ``ETag`` validator sent as ``If-None-Match`` next time.
        last_modified: The ``Last-Modified`` validator sent as ``If-Modified-Since`` next time.
        last_polled: When the feed was last asked (ISO 8601 UTC), answered or not.
    """

    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None


@runtime_checkable
class Store(Protocol):
    """Where articles and the analysis derived from them are kept."""

    def add_articles(self, articles: Sequence[Article]) -> list[str]:
        """Store articles that are not stored yet.

        Args:
            articles: Cleaned articles; an id already stored (or repeated in
                ``articles``) is ignored, the first copy wins.

        Returns:
            The ids that were new, in the order given.

        Raises:
            StorageError: The store cannot be written.
        """
        ...

    def get_article(self, article_id: str) -> Article:
        """Return one article.

        Raises:
            NotFoundError: No article has this id.
        """
        ...

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Return articles in insertion order.

        Args:
            ids: Only these articles (order and repeats in ``ids`` do not
                matter); ``None`` for all.

        Raises:
            NotFoundError: One of ``ids`` is not stored.
        """
        ...

    def search(self, query: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search over article titles and bodies.

        Every term of the query must occur (words are matched by stem, case
        and accents ignored). Search syntax characters are taken literally.

        Args:
            query: Free text typed by a user.
            limit: Maximum number of results.

        Returns:
            ``(article, snippet)`` pairs, best match first; matched words in
            the snippet are wrapped in :data:`SNIPPET_START` and
            :data:`SNIPPET_END`.
        """
        ...

    def save_analysis(
        self,
        *,
        entities: Sequence[Entity],
        quotes: Sequence[Quote],
        claims: Sequence[Claim],
        stories: Sequence[Story],
    ) -> None:
        """Replace all derived data in one transaction; articles are untouched.

        Raises:
            StorageError: The analysis refers to an unknown article, entity or
                quote, repeats an id, or cannot be written; the previous
                analysis is kept.
        """
        ...

    def entities(self) -> list[Entity]:
        """Return all entities, with their mentions."""
        ...

    def quotes(self, article_id: str | None = None) -> list[Quote]:
        """Return all quotes, or those of one article."""
        ...

    def claims(self, article_id: str | None = None) -> list[Claim]:
        """Return all claims, or those of one article."""
        ...

    def stories(self) -> list[Story]:
        """Return all stories, with their articles, comparisons, disputes, lead claim and stances."""
        ...

    def get_story(self, story_id: str) -> Story:
        """Return one story.

        Raises:
            NotFoundError: No story has this id.
        """
        ...

    def record_run(self, *, command: str, inputs: int, added: int, problems: Sequence[Problem]) -> int:
        """Log one ingest run and the inputs it rejected.

        Args:
            command: What was run, e.g. ``"ingest data/"``.
            inputs: Number of inputs read.
            added: Number of new articles stored.
            problems: Rejected inputs with their reasons.

        Returns:
            The run's id (increasing).
        """
        ...

    def runs(self) -> list[dict[str, object]]:
        """Return the run log, oldest first.

        Returns:
            One dict per run with keys ``id`` (int), ``command`` (str),
            ``inputs`` (int), ``added`` (int), ``recorded_at`` (ISO 8601 UTC
            str) and ``problems`` (list of :class:`~newsdesk.model.Problem`).
        """
        ...

    def feed_state(self, url: str) -> FeedState | None:
        """Return what was remembered about a watched feed, or None for a new feed."""
        ...

    def feed_states(self) -> list[FeedState]:
        """Return the state of every watched feed, in the order first saved."""
        ...

    def save_feed_state(self, state: FeedState) -> None:
        """Insert or replace the state of one feed (keyed by ``state.url``).

        Raises:
            StorageError: The store cannot be written.
        """
        ...

    def seen_items(self, feed: str) -> set[str]:
        """Return the item keys (ids and links) of a feed already handled."""
        ...

    def mark_seen(self, feed: str, item_ids: Sequence[str]) -> None:
        """Remember feed items as handled, in one transaction; known keys are ignored.

        Raises:
            StorageError: The store cannot be written.
        """
        ...

    def close(self) -> None:
        """Release the store; further calls raise StorageError. Idempotent."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
