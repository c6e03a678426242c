"""The storage interface every newsdesk store implements.

Stages and commands talk to a :class:`Store`, never to SQLite directly, so the
in-memory test double (:class:`~newsdesk.storage.memory.MemoryStore`) and the
embedded default (:class:`~newsdesk.storage.sqlite.SQLiteStore`) are
interchangeable, like an httpx transport and its mock.

The contract shared by all stores:

1. Articles are keyed by :attr:`Article.id` (from its URL, else its raw content); adding one that
   is already stored changes nothing, so ingest is idempotent.
2. Lists come back in insertion order.
3. Derived data (entities with their mentions, quotes, claims, stories with
   their membership, comparisons, disputes, lead claim, article stances and related stories)
   is replaced as a whole by :meth:`Store.save_analysis`, atomically: either
   the new analysis is stored or the previous one is kept. Every article id
   it refers to must be stored; within a story, dispute ids and the articles
   of its stances are unique.
4. Returned objects are fresh copies; mutating them never changes the store.
5. Analysis is incremental. Each article's own enrichment (language, the
   tagger's mentions, stated aliases, quotes, near-duplicate signature) is
   saved once by :meth:`Store.save_enrichments` and never replaced by it; so are the word counts
   story grouping makes of it (:meth:`Store.save_terms`) and its embedding.
   Everything merged across articles changes through
   :meth:`Store.update_analysis`, which names the *generation* of the state
   it was computed from (:meth:`Store.analysis_state`): every saved change
   moves the generation on, and an update computed from an older one is
   refused whole, so two processes analysing at once never overwrite each
   other's stories (the second one computes again).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Literal, Protocol, Self, TypeGuard, runtime_checkable

import numpy as np

from newsdesk.model import (
    Article,
    ArticleTerms,
    Claim,
    Enrichment,
    Entity,
    Problem,
    Quote,
    RelatedStory,
    Story,
    content_id,
)

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


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
"""How a ``--db`` value names a PostgreSQL database rather than an SQLite file."""

_PASSWORD = re.compile(r"(?P<head>://[^:/@]*):[^@/]*@|(?P<key>password\s*=\s*)('[^']*'|\S+)")


def is_postgres_url(path: object) -> TypeGuard[str]:
    """Whether a ``--db`` value names a PostgreSQL database (``postgresql://...``) rather than an SQLite file."""
    return isinstance(path, str) and path.startswith(POSTGRES_SCHEMES)


def redact_url(url: str) -> str:
    """Return a database URL with its password replaced by ``***``, for messages and logs."""
    return _PASSWORD.sub(lambda m: f"{m['head']}:***@" if m["head"] is not None else f"{m['key']}***", url)


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


@dataclass(slots=True, kw_only=True, frozen=True)
class ArticleState:
    """Where one stored article stands in the analysis: a light row, without the text.

    Attributes:
        id: The article's id.
        published: Its publication date (ISO), when known.
        language: Its language, once enriched (or when the input gave it).
        duplicate_of: The original it copies, once analysed.
        enriched: Whether its own enrichment is saved.
        story: The story it belongs to; None until it is grouped.
    """

    id: str
    published: str | None = None
    language: str | None = None
    duplicate_of: str | None = None
    enriched: bool = False
    story: str | None = None


@dataclass(slots=True, kw_only=True)
class AnalysisUpdate:
    """A change to the stored analysis, computed from the state of one generation.

    Attributes:
        generation: The generation (from :meth:`Store.analysis_state`) the
            change was computed from; refused when the store has moved on.
        entities: All canonical entities, replacing the stored ones (only
            those that differ are written, an entity that changed keeps its
            id); None keeps the stored entities.
        speakers: Quote id -> the canonical entity its speaker names (None for none); quotes not
            listed keep theirs, unless the entity they name is gone (then None).
        duplicates: Article id -> the original it copies (None for none).
        claims: Article id -> all of that article's claims (replacing its stored ones).
        stories: Stories added, or replaced whole (membership, comparisons,
            disputes, lead claim, stances); stories not listed are kept. Their
            ``related`` links are not written from here: see ``related``.
        related: Story id -> its related stories, replacing every stored link
            (stories not listed have none); None keeps the stored links.
    """

    generation: int
    entities: list[Entity] | None = None
    speakers: dict[str, str | None] = field(default_factory=dict)
    duplicates: dict[str, str | None] = field(default_factory=dict)
    claims: dict[str, list[Claim]] = field(default_factory=dict)
    stories: list[Story] = field(default_factory=list)
    related: dict[str, list[RelatedStory]] | None = None


StorySort = Literal["latest", "size", "contested"]
"""Orders of a story list: newest coverage, most articles, most contradictions."""

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def day_of(timestamp: str | None) -> str | None:
    """Return the ``YYYY-MM-DD`` day of an ISO 8601 timestamp, or ``None`` when missing or malformed."""
    if not timestamp:
        return None
    match = _DAY.match(timestamp)
    if not match:
        return None
    try:
        datetime(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return match[0]


@dataclass(slots=True, frozen=True, kw_only=True)
class StoryQuery:
    """Which stories a list holds and in which order (every filter given must pass).

    Attributes:
        sort: ``latest`` (newest article first), ``size`` (most articles, then
            most contradictions) or ``contested`` (most contradictions, then most
            articles); ties go to the title (case folded), then the id.
        entity: Only stories whose articles mention this entity id.
        source: Only stories with an article from this outlet (as
            :func:`~newsdesk.report.markdown.source_label` names it).
        day_from: Only stories with an article published on or after this ``YYYY-MM-DD`` day.
        day_to: Only stories with an article published on or before this day.
        article: Only the stories this article belongs to.
    """

    sort: StorySort = "latest"
    entity: str | None = None
    source: str | None = None
    day_from: str | None = None
    day_to: str | None = None
    article: str | None = None


@dataclass(slots=True, frozen=True, kw_only=True)
class StoryRow:
    """One story as a list shows it: what it is, its counts and dates, without its parts.

    Attributes:
        id: The story's id.
        title: Its title.
        lead_claim: The claim its stances answer, when there is one.
        articles: Its number of distinct articles.
        sources: The outlets of its articles, each once, in case-folded order.
        first_day: The earliest publication day of its articles (``YYYY-MM-DD``), None when none is dated.
        last_day: The latest publication day.
        latest: The newest publication timestamp of its articles as stored ('' when none).
        contradictions: Its comparisons that are contradictions.
        updates: Its comparisons that are updates.
        agreements: Its comparisons that are agreements.
        disputes: Its disputes.
    """

    id: str
    title: str
    lead_claim: str | None = None
    articles: int = 0
    sources: list[str] = field(default_factory=list)
    first_day: str | None = None
    last_day: str | None = None
    latest: str = ""
    contradictions: int = 0
    updates: int = 0
    agreements: int = 0
    disputes: int = 0

    @property
    def sort_title(self) -> str:
        """The title as lists order it (case folded)."""
        return self.title.casefold()


def story_row(story: Story, members: Mapping[str, Article]) -> tuple[StoryRow, list[str]]:
    """Summarise a story for lists, from the story and its stored articles.

    Args:
        story: The story, with its comparisons and disputes.
        members: Its articles by id (light copies with ``source``, ``url`` and
            ``published`` are enough); ids missing here are not counted.

    Returns:
        The row, and the distinct publication days of its articles (sorted).
    """
    from newsdesk.report.markdown import source_label  # storage must not import the report package at load

    articles = [members[a] for a in dict.fromkeys(story.articles) if a in members]
    days = sorted({d for d in (day_of(a.published) for a in articles) if d})
    relations = [c.relation for c in story.comparisons]
    row = StoryRow(
        id=story.id,
        title=story.title,
        lead_claim=story.lead_claim,
        articles=len(articles),
        sources=sorted({source_label(a) for a in articles}, key=str.casefold),
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        latest=max((a.published or "" for a in articles), default=""),
        contradictions=relations.count("contradict"),
        updates=relations.count("update"),
        agreements=relations.count("agree"),
        disputes=len(story.disputes),
    )
    return row, days


def order_story_rows(rows: list[StoryRow], sort: StorySort) -> None:
    """Sort rows in place as :class:`StoryQuery` says (what the SQL stores' ``ORDER BY`` does)."""
    rows.sort(key=lambda r: (r.sort_title, r.id))
    if sort == "size":
        rows.sort(key=lambda r: (-r.articles, -r.contradictions))
    elif sort == "contested":
        rows.sort(key=lambda r: (-r.contradictions, -r.articles))
    else:
        rows.sort(key=lambda r: r.latest, reverse=True)


@dataclass(slots=True, frozen=True, kw_only=True)
class EntityCount:
    """An entity (without its mentions) with how widely it is mentioned.

    Attributes:
        entity: The entity; its ``mentions`` list is empty.
        mentions: Its number of mentions.
        articles: The number of distinct articles that mention it.
    """

    entity: Entity
    mentions: int
    articles: int


def rank_key_entities(counts: Sequence[EntityCount], limit: int) -> list[tuple[Entity, int]]:
    """The ``limit`` entities mentioned by the most articles, ties to more mentions, then the name (case folded)."""
    ranked = sorted(counts, key=lambda c: (-c.articles, -c.mentions, c.entity.name.casefold()))
    return [(c.entity, c.articles) for c in ranked[:limit]]


def entity_digest(entity: Entity) -> str:
    """A hash of everything stored about an entity, so an update rewrites only the entities that changed."""
    mentions = "\0".join(f"{m.article}\t{m.text}\t{m.start}\t{m.end}" for m in entity.mentions)
    return content_id(entity.name, entity.kind, mentions, length=24)


def model_names(identities: Collection[str]) -> dict[str, set[str]]:
    """Model identities (``name:digest...``) by name: what :meth:`Store.prune_model_outputs` keeps of each."""
    names: dict[str, set[str]] = {}
    for identity in identities:
        names.setdefault(identity.split(":", 1)[0], set()).add(identity)
    return names


@runtime_checkable
class Store(Protocol):
    """Where articles and the analysis derived from them are kept."""

    def add_articles(self, articles: Sequence[Article]) -> list[str]:
        """Store articles that are not stored yet.

        A store shared by several processes may write a large batch in
        several transactions; if one fails, the articles before it stay
        stored (adding them again changes nothing).

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

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str]]:
        """Full-text search over article titles and bodies.

        Every term of the query must occur (words are matched by stem, case
        and accents ignored). Search syntax characters are taken literally.

        Args:
            query: Free text typed by a user.
            limit: Maximum number of results.
            offset: Number of best matches to skip (to page through them).

        Returns:
            ``(article, snippet)`` pairs, best match first; matched words in
            the snippet are wrapped in :data:`SNIPPET_START` and
            :data:`SNIPPET_END`.
        """
        ...

    def search_count(self, query: str) -> int:
        """Return how many articles :meth:`search` finds for ``query`` in all (every page)."""
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

        Saved enrichment is forgotten too (the quotes are replaced), so the
        next incremental analysis enriches every article again.

        Raises:
            StorageError: The analysis refers to an unknown article, entity or
                quote, repeats an id, or cannot be written; the previous
                analysis is kept.
        """
        ...

    def analysis_generation(self) -> int:
        """Return the generation of the stored analysis alone: it moves on with every saved analysis (one row)."""
        ...

    def analysis_state(self) -> tuple[int, list[ArticleState]]:
        """Return the generation of the stored analysis and where every article stands in it.

        Returns:
            ``(generation, states)``: the generation to pass to
            :meth:`update_analysis`, and one state per article in insertion order.
        """
        ...

    def save_enrichments(self, enrichments: Sequence[Enrichment]) -> list[str]:
        """Save each article's own enrichment, in one transaction; articles already enriched are skipped.

        The article's language is set, its quotes are stored (any quotes and
        claims it had from an older analysis are dropped: its story is to be
        compared again).

        Returns:
            The ids of the articles whose enrichment was saved now.

        Raises:
            StorageError: An article is not stored, or the store cannot be written.
        """
        ...

    def enrichments(self, ids: Sequence[str] | None = None) -> list[Enrichment]:
        """Return saved enrichments (with the articles' quotes as stored), in article insertion order.

        Args:
            ids: Only these articles (those not enriched are left out); ``None`` for all.
        """
        ...

    def embeddings(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the saved title + lead embeddings of these articles (those without one are left out)."""
        ...

    def save_embeddings(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Save title + lead embeddings by article id (float32 rows); an article keeps its first one.

        Raises:
            StorageError: An article is not stored, or the store cannot be written.
        """
        ...

    def terms(self, ids: Sequence[str], key: str) -> dict[str, ArticleTerms]:
        """Return the saved word counts of these articles that were made with ``key`` (others are left out).

        Args:
            ids: The articles.
            key: What the counts were made with (:func:`~newsdesk.stories.terms.terms_key`).
        """
        ...

    def save_terms(self, key: str, terms: Mapping[str, ArticleTerms]) -> None:
        """Save word counts by article id (made once per article by story grouping), in one transaction.

        Counts saved with another ``key`` are replaced; with the same key the first ones stay.

        Raises:
            StorageError: An article is not stored, or the store cannot be written.
        """
        ...

    def model_outputs(self, model: str, keys: Sequence[str]) -> dict[str, bytes]:
        """Return what ``model`` made of these inputs before, by key (keys never seen are left out).

        Args:
            model: The model's name and the digest of its weights (new weights start afresh).
            keys: Digests of the inputs.
        """
        ...

    def save_model_outputs(self, model: str, values: Mapping[str, bytes]) -> None:
        """Keep model outputs by input key; a key already kept keeps its first value.

        Raises:
            StorageError: The store cannot be written.
        """
        ...

    def prune_model_outputs(self, current: Collection[str]) -> int:
        """Delete the outputs of older weights of the ``current`` models; return how many were deleted.

        A model is named ``name:digest...``: rows of a model that shares its name (the part before the first
        ``:``) with one of ``current`` but is not one of them were made by weights no longer in use. Outputs of
        other models (another pair model chosen by a setting) are kept.

        Raises:
            StorageError: The store cannot be written.
        """
        ...

    def update_analysis(self, update: AnalysisUpdate) -> bool:
        """Apply an incremental change to the analysis in one transaction.

        Returns:
            True when it was saved; False, with nothing written, when the
            analysis moved on since ``update.generation`` (compute again).

        Raises:
            StorageError: The update refers to an unknown article, quote or
                entity, or cannot be written; nothing is written.
        """
        ...

    def entities(self, articles: Sequence[str] | None = None) -> list[Entity]:
        """Return all entities, with their mentions.

        Args:
            articles: Only the entities mentioned in these articles, with only
                those mentions (an indexed read: a page never loads them all).
        """
        ...

    def claim_counts(self, articles: Sequence[str]) -> dict[str, int]:
        """Return how many claims each of these articles has (articles without claims are left out)."""
        ...

    def publication_dates(self, ids: Sequence[str]) -> dict[str, str | None]:
        """Return when these articles were published, by id (ids not stored are left out): a light read."""
        ...

    def get_entity(self, entity_id: str) -> Entity:
        """Return one entity with all its mentions (an indexed read).

        Raises:
            NotFoundError: No entity has this id.
        """
        ...

    def entity_counts(
        self, *, kind: str | None = None, name: str | None = None, limit: int = 20, offset: int = 0
    ) -> tuple[list[EntityCount], int]:
        """Return one page of entities, mentioned by the most articles first, and how many pass the filters.

        Ties go to more mentions, then the name (case folded), then the id.

        Args:
            kind: Only entities of this kind.
            name: Only entities whose name contains this text (case folded).
            limit: Page size.
            offset: Entities to skip.

        Returns:
            ``(page, total)``; the entities come without their mentions.
        """
        ...

    def key_entities(self, story_ids: Sequence[str], limit: int = 5) -> dict[str, list[tuple[Entity, int]]]:
        """Return the entities mentioned by the most articles of each story (see :func:`rank_key_entities`).

        Args:
            story_ids: The stories (those unknown are left out of the result).
            limit: Entities kept per story.

        Returns:
            Story id -> ``(entity without mentions, number of the story's articles mentioning it)``.
        """
        ...

    def quotes(self, article_id: str | None = None, *, speaker: str | None = None) -> list[Quote]:
        """Return all quotes, or those of one article, or those whose speaker is one entity (given by id)."""
        ...

    def claims(self, article_id: str | None = None, *, articles: Sequence[str] | None = None) -> list[Claim]:
        """Return all claims, or those of one article, or those of these articles, in saved order."""
        ...

    def stories(self, article: str | None = None, *, articles: Sequence[str] | None = None) -> list[Story]:
        """Return all stories, with their articles, comparisons, disputes, lead claim and stances.

        Args:
            article: Only the stories that hold this article.
            articles: Only the stories that hold one of these articles.
        """
        ...

    def related_links(self) -> dict[str, list[RelatedStory]]:
        """Return every story's related stories (stories without links are left out): one light read."""
        ...

    def story_titles(self, ids: Sequence[str]) -> dict[str, str]:
        """Return the titles of these stories by id (ids not stored are left out): a light read."""
        ...

    def story_rows(
        self, query: StoryQuery = StoryQuery(), *, limit: int = 20, offset: int = 0
    ) -> tuple[list[StoryRow], int]:
        """Return one page of story summaries in ``query``'s order, and how many stories pass its filters.

        The rows are kept with each saved story (counts, dates, outlets), so a
        page reads its own rows through the stores' indexes, never the analysis.
        """
        ...

    def story_sources(self) -> list[str]:
        """Return the outlets of the stories' articles, each once, in case-folded order."""
        ...

    def article_page(self, *, source: str | None = None, limit: int = 20, offset: int = 0) -> tuple[list[Article], int]:
        """Return one page of articles, newest first (undated last, then insertion order), and their total.

        Args:
            source: Only the articles of this outlet (as :func:`~newsdesk.report.markdown.source_label` names it).
            limit: Page size.
            offset: Articles to skip.
        """
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
