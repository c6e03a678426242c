"""A dict-based store: the test double of :class:`~newsdesk.storage.sqlite.SQLiteStore`.

It keeps the whole :class:`~newsdesk.storage.base.Store` contract (idempotent
ingest, insertion order, atomic and checked ``save_analysis``, copies in and
out, ``StorageError`` after ``close``), so tests of other stages can use it and
switch to SQLite without changing a line. Only search is an approximation of
FTS5: the same literal, all-terms-required matching, with a crude English stemmer
and hit-count ranking instead of Porter and bm25.
"""

from __future__ import annotations

import copy
import logging
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Self, TypeVar, get_args

import numpy as np

from newsdesk.errors import NotFoundError, StorageError
from newsdesk.model import (
    Article,
    ArticleTerms,
    Claim,
    Enrichment,
    Entity,
    EntityKind,
    Problem,
    Quote,
    RelatedStory,
    Relation,
    Stance,
    Story,
)
from newsdesk.storage.base import (
    SNIPPET_ELLIPSIS,
    SNIPPET_END,
    SNIPPET_START,
    SNIPPET_TOKENS,
    AnalysisUpdate,
    ArticleState,
    EntityCount,
    FeedState,
    StoryQuery,
    StoryRow,
    model_names,
    order_story_rows,
    query_terms,
    rank_key_entities,
    story_row,
    utc_now,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

_TOKEN = re.compile(r"\w+")
_ENTITY_KINDS = frozenset(get_args(EntityKind))
_RELATIONS = frozenset(get_args(Relation))
_STANCES = frozenset(get_args(Stance))
MEMORY_PATH = ":memory:"


def _stem(word: str) -> str:
    """Fold case and accents and strip a few English suffixes (a Porter stand-in)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _snippet(text: str, stems: set[str]) -> str:
    """Return about :data:`SNIPPET_TOKENS` words of ``text`` around its first hit, hits marked."""
    tokens = list(_TOKEN.finditer(text))
    hits = [i for i, token in enumerate(tokens) if _stem(token.group()) in stems]
    if not hits:
        return text
    first = max(0, min(hits[0] - SNIPPET_TOKENS // 4, len(tokens) - SNIPPET_TOKENS))
    last = min(len(tokens), first + SNIPPET_TOKENS)
    parts: list[str] = [SNIPPET_ELLIPSIS] if first > 0 else []
    cursor = tokens[first].start()
    for i in range(first, last):
        token = tokens[i]
        parts.append(text[cursor : token.start()])
        marked = i in hits
        parts.append(f"{SNIPPET_START}{token.group()}{SNIPPET_END}" if marked else token.group())
        cursor = token.end()
    parts.append(SNIPPET_ELLIPSIS if last < len(tokens) else text[cursor:])
    return "".join(parts)


def _unique(kind: str, ids: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise StorageError(f"{MEMORY_PATH}: rejected, nothing was written: two {kind} have the id {item_id!r}")
        seen.add(item_id)
    return seen


def _require(known: set[str], value: str | None, what: str) -> None:
    if value is not None and value not in known:
        raise StorageError(f"{MEMORY_PATH}: rejected, nothing was written: {what} {value!r} is not stored")


class MemoryStore:
    """A :class:`~newsdesk.storage.base.Store` kept in dictionaries; nothing persists."""

    def __init__(self) -> None:
        self.path = MEMORY_PATH
        self._closed = False
        self._articles: dict[str, Article] = {}  # dicts keep insertion order
        self._entities: list[Entity] = []
        self._quotes: list[Quote] = []
        self._claims: list[Claim] = []
        self._stories: list[Story] = []
        self._enrichments: dict[str, Enrichment] = {}  # without quotes: those are in _quotes
        self._embeddings: dict[str, np.ndarray] = {}
        self._terms: dict[str, tuple[str, ArticleTerms]] = {}  # article -> (key, counts)
        self._outputs: dict[tuple[str, str], bytes] = {}
        self._generation = 0
        self._runs: list[dict[str, object]] = []
        self._feeds: dict[str, FeedState] = {}
        self._seen: dict[str, set[str]] = {}

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"{MEMORY_PATH}: the store is closed. Open it again with open_store().")

    @staticmethod
    def _copy(value: T) -> T:
        return copy.deepcopy(value)

    # --- articles ---

    def add_articles(self, articles: Sequence[Article]) -> list[str]:
        """Store articles that are not stored yet; see :meth:`Store.add_articles`."""
        self._check_open()
        added: list[str] = []
        for article in articles:
            if article.id not in self._articles:
                self._articles[article.id] = self._copy(article)
                added.append(article.id)
        return added

    def get_article(self, article_id: str) -> Article:
        """Return one article; see :meth:`Store.get_article`."""
        self._check_open()
        try:
            return self._copy(self._articles[article_id])
        except KeyError:
            raise NotFoundError(f"no article with id {article_id!r}. List ids with `newsdesk articles`.") from None

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Return articles in insertion order; see :meth:`Store.articles`."""
        self._check_open()
        if ids is None:
            return self._copy(list(self._articles.values()))
        missing = set(ids) - self._articles.keys()
        if missing:
            raise NotFoundError(f"no article with id {', '.join(sorted(map(repr, missing)))}.")
        wanted = set(ids)
        return self._copy([a for a in self._articles.values() if a.id in wanted])

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str]]:
        """Search titles and bodies (approximates FTS5); see :meth:`Store.search`."""
        page = self._matches(query)[max(0, offset) : max(0, offset) + max(0, limit)]
        return [(self._copy(article), snippet) for article, snippet in page]

    def search_count(self, query: str) -> int:
        """Count the matches of a search; see :meth:`Store.search_count`."""
        return len(self._matches(query))

    def _matches(self, query: str) -> list[tuple[Article, str]]:
        """Every match of a search, best first (the stored articles themselves: copy before handing out)."""
        self._check_open()
        stems = {_stem(token) for term in query_terms(query) for token in _TOKEN.findall(term)}
        if not stems:
            return []
        scored: list[tuple[int, int, Article, str]] = []
        for position, article in enumerate(self._articles.values()):
            title_stems = [_stem(t) for t in _TOKEN.findall(article.title)]
            text_stems = [_stem(t) for t in _TOKEN.findall(article.text)]
            if not stems <= set(title_stems) | set(text_stems):
                continue
            title_hits = sum(s in stems for s in title_stems)
            text_hits = sum(s in stems for s in text_stems)
            column = article.text if text_hits >= title_hits else article.title
            scored.append((-(title_hits + text_hits), position, article, _snippet(column, stems)))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [(article, snippet) for _, _, article, snippet in scored]

    # --- derived data ---

    def _check_analysis(
        self,
        entities: Sequence[Entity],
        quotes: Sequence[Quote],
        claims: Sequence[Claim],
        stories: Sequence[Story],
    ) -> None:
        """Apply the same constraints as the SQLite schema (keys, references, enums)."""
        articles = set(self._articles)
        entity_ids = _unique("entities", (e.id for e in entities))
        for entity in entities:
            if entity.kind not in _ENTITY_KINDS:
                raise StorageError(f"{MEMORY_PATH}: rejected, nothing was written: entity kind {entity.kind!r}")
            for mention in entity.mentions:
                _require(articles, mention.article, "the article of a mention of " + repr(entity.id))
        quote_ids = _unique("quotes", (q.id for q in quotes))
        for quote in quotes:
            _require(articles, quote.article, "the article of quote " + repr(quote.id))
            _require(entity_ids, quote.speaker_entity, "the speaker entity of quote " + repr(quote.id))
        _unique("claims", (c.id for c in claims))
        for claim in claims:
            _require(articles, claim.article, "the article of claim " + repr(claim.id))
            _require(quote_ids, claim.quote, "the quote of claim " + repr(claim.id))
        _unique("stories", (s.id for s in stories))
        for story in stories:
            _unique(f"articles of story {story.id!r}", story.articles)
            for article_id in story.articles:
                _require(articles, article_id, "article of story " + repr(story.id))
            for comparison in story.comparisons:
                if comparison.relation not in _RELATIONS:
                    raise StorageError(
                        f"{MEMORY_PATH}: rejected, nothing was written: relation {comparison.relation!r}"
                    )
                for side in (comparison.a, comparison.b):
                    _require(articles, side.article, "the article of a comparison in story " + repr(story.id))
            self._check_disputes_and_stances(story, articles)

    @staticmethod
    def _check_disputes_and_stances(story: Story, articles: set[str]) -> None:
        """Apply the schema's constraints on a story's disputes and article stances."""
        _unique(f"disputes of story {story.id!r}", (d.id for d in story.disputes))
        for dispute in story.disputes:
            for side in dispute.sides:
                for ref in side.claims:
                    _require(articles, ref.article, f"the article of a claim of dispute {dispute.id!r}")
        _unique(f"stances of story {story.id!r}", (s.article for s in story.stances))
        for stance in story.stances:
            if stance.stance not in _STANCES:
                raise StorageError(f"{MEMORY_PATH}: rejected, nothing was written: stance {stance.stance!r}")
            _require(articles, stance.article, "the article of a stance in story " + repr(story.id))

    def save_analysis(
        self,
        *,
        entities: Sequence[Entity],
        quotes: Sequence[Quote],
        claims: Sequence[Claim],
        stories: Sequence[Story],
    ) -> None:
        """Replace all derived data atomically; see :meth:`Store.save_analysis`."""
        self._check_open()
        self._check_analysis(entities, quotes, claims, stories)
        # Copy everything first so a failure cannot leave a half-replaced analysis.
        new = self._copy((list(entities), list(quotes), list(claims), list(stories)))
        self._entities, self._quotes, self._claims, self._stories = new
        self._enrichments = {}
        self._generation += 1

    # --- incremental analysis ---

    def analysis_generation(self) -> int:
        """Return the generation of the stored analysis; see :meth:`Store.analysis_generation`."""
        self._check_open()
        return self._generation

    def analysis_state(self) -> tuple[int, list[ArticleState]]:
        """Return the generation and every article's state; see :meth:`Store.analysis_state`."""
        self._check_open()
        story_of: dict[str, str] = {}
        for story in self._stories:
            for article_id in story.articles:
                story_of.setdefault(article_id, story.id)
        states = [
            ArticleState(
                id=a.id,
                published=a.published,
                language=a.language,
                duplicate_of=a.duplicate_of,
                enriched=a.id in self._enrichments,
                story=story_of.get(a.id),
            )
            for a in self._articles.values()
        ]
        return self._generation, states

    def save_enrichments(self, enrichments: Sequence[Enrichment]) -> list[str]:
        """Save per-article enrichment; see :meth:`Store.save_enrichments`."""
        self._check_open()
        for enrichment in enrichments:
            _require(set(self._articles), enrichment.article, "the article of an enrichment")
        saved: list[str] = []
        for enrichment in self._copy(list(enrichments)):
            article = enrichment.article
            if article in self._enrichments:
                continue
            self._articles[article].language = enrichment.language
            self._claims = [c for c in self._claims if c.article != article]
            self._quotes = [q for q in self._quotes if q.article != article] + enrichment.quotes
            self._enrichments[article] = replace(enrichment, quotes=[])
            saved.append(article)
        return saved

    def enrichments(self, ids: Sequence[str] | None = None) -> list[Enrichment]:
        """Return saved enrichments in article order; see :meth:`Store.enrichments`."""
        self._check_open()
        wanted = None if ids is None else set(ids)
        quotes: dict[str, list[Quote]] = {}
        for quote in self._quotes:
            quotes.setdefault(quote.article, []).append(quote)
        return self._copy(
            [
                replace(self._enrichments[a], quotes=quotes.get(a, []))
                for a in self._articles
                if a in self._enrichments and (wanted is None or a in wanted)
            ]
        )

    def embeddings(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Return saved embeddings; see :meth:`Store.embeddings`."""
        self._check_open()
        return {a: self._embeddings[a].copy() for a in ids if a in self._embeddings}

    def save_embeddings(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Save embeddings; see :meth:`Store.save_embeddings`."""
        self._check_open()
        for article in vectors:
            _require(set(self._articles), article, "the article of an embedding")
        for article, vector in vectors.items():
            self._embeddings.setdefault(article, np.array(vector, dtype=np.float32))

    def terms(self, ids: Sequence[str], key: str) -> dict[str, ArticleTerms]:
        """Return saved word counts; see :meth:`Store.terms`."""
        self._check_open()
        found = {a: self._terms[a] for a in ids if a in self._terms}
        return {a: ArticleTerms(words=dict(t.words), lead=dict(t.lead)) for a, (k, t) in found.items() if k == key}

    def save_terms(self, key: str, terms: Mapping[str, ArticleTerms]) -> None:
        """Save word counts; see :meth:`Store.save_terms`."""
        self._check_open()
        for article in terms:
            _require(set(self._articles), article, "the article of word counts")
        for article, counted in terms.items():
            if article not in self._terms or self._terms[article][0] != key:
                self._terms[article] = (key, ArticleTerms(words=dict(counted.words), lead=dict(counted.lead)))

    def model_outputs(self, model: str, keys: Sequence[str]) -> dict[str, bytes]:
        """Return kept model outputs; see :meth:`Store.model_outputs`."""
        self._check_open()
        return {k: self._outputs[model, k] for k in keys if (model, k) in self._outputs}

    def save_model_outputs(self, model: str, values: Mapping[str, bytes]) -> None:
        """Keep model outputs; see :meth:`Store.save_model_outputs`."""
        self._check_open()
        for key, value in values.items():
            self._outputs.setdefault((model, key), bytes(value))

    def prune_model_outputs(self, current: Collection[str]) -> int:
        """Delete outputs of older weights; see :meth:`Store.prune_model_outputs`."""
        self._check_open()
        names = model_names(current)
        stale = [k for k in self._outputs if k[0] not in current and k[0].split(":", 1)[0] in names]
        for k in stale:
            del self._outputs[k]
        return len(stale)

    def update_analysis(self, update: AnalysisUpdate) -> bool:
        """Apply an incremental change; see :meth:`Store.update_analysis`."""
        self._check_open()
        if update.generation != self._generation:
            return False
        entities = self._entities if update.entities is None else list(update.entities)
        quotes = [
            replace(q, speaker_entity=update.speakers[q.id]) if q.id in update.speakers else q for q in self._quotes
        ]
        unknown = set(update.speakers) - {q.id for q in quotes}
        if unknown:
            raise StorageError(f"{MEMORY_PATH}: rejected, nothing was written: unknown quote(s) {sorted(unknown)}")
        entity_ids = {e.id for e in entities}
        # Quotes naming an entity that is gone let go of it, as the SQLite store does.
        quotes = [
            q if q.id in update.speakers or q.speaker_entity in entity_ids else replace(q, speaker_entity=None)
            for q in quotes
        ]
        claims = [c for c in self._claims if c.article not in update.claims]
        claims.extend(c for article_claims in update.claims.values() for c in article_claims)
        replaced = {s.id: s for s in update.stories}
        # A replaced story keeps its stored links (as in the SQL stores): only ``update.related`` writes them.
        stories = [replace(replaced.pop(s.id), related=s.related) if s.id in replaced else s for s in self._stories]
        stories += [replace(s, related=[]) for s in replaced.values()]
        if update.related is not None:
            stories = [replace(s, related=list(update.related.get(s.id, []))) for s in stories]
        for article in update.duplicates:
            _require(set(self._articles), article, "the article of a duplicate link")
        self._check_analysis(entities, quotes, claims, stories)
        self._entities, self._quotes, self._claims, self._stories = self._copy((entities, quotes, claims, stories))
        for article, original in update.duplicates.items():
            self._articles[article].duplicate_of = original
        self._generation += 1
        return True

    def entities(self, articles: Sequence[str] | None = None) -> list[Entity]:
        """Return all entities with their mentions; see :meth:`Store.entities`."""
        self._check_open()
        if articles is None:
            return self._copy(self._entities)
        wanted = set(articles)
        kept = []
        for entity in self._entities:
            mentions = [m for m in entity.mentions if m.article in wanted]
            if mentions:
                kept.append(replace(entity, mentions=mentions))
        return self._copy(kept)

    def claim_counts(self, articles: Sequence[str]) -> dict[str, int]:
        """Count the articles' claims; see :meth:`Store.claim_counts`."""
        self._check_open()
        wanted = set(articles)
        counts: dict[str, int] = {}
        for claim in self._claims:
            if claim.article in wanted:
                counts[claim.article] = counts.get(claim.article, 0) + 1
        return counts

    def publication_dates(self, ids: Sequence[str]) -> dict[str, str | None]:
        """Return the articles' publication dates; see :meth:`Store.publication_dates`."""
        self._check_open()
        return {i: self._articles[i].published for i in ids if i in self._articles}

    def get_entity(self, entity_id: str) -> Entity:
        """Return one entity with its mentions; see :meth:`Store.get_entity`."""
        self._check_open()
        for entity in self._entities:
            if entity.id == entity_id:
                return self._copy(entity)
        raise NotFoundError(f"no entity with id {entity_id!r}. List ids with `newsdesk entities`.")

    def entity_counts(
        self, *, kind: str | None = None, name: str | None = None, limit: int = 20, offset: int = 0
    ) -> tuple[list[EntityCount], int]:
        """Return one page of entities by reach; see :meth:`Store.entity_counts`."""
        self._check_open()
        needle = name.casefold() if name else None
        rows = [
            EntityCount(
                entity=replace(e, mentions=[]), mentions=len(e.mentions), articles=len({m.article for m in e.mentions})
            )
            for e in self._entities
            if (kind is None or e.kind == kind) and (needle is None or needle in e.name.casefold())
        ]
        rows.sort(key=lambda r: (-r.articles, -r.mentions, r.entity.name.casefold(), r.entity.id))
        offset = max(0, offset)
        return self._copy(rows[offset : offset + max(0, limit)]), len(rows)

    def key_entities(self, story_ids: Sequence[str], limit: int = 5) -> dict[str, list[tuple[Entity, int]]]:
        """Return each story's most widespread entities; see :meth:`Store.key_entities`."""
        self._check_open()
        found: dict[str, list[tuple[Entity, int]]] = {}
        for story in self._stories:
            if story.id not in story_ids:
                continue
            members = set(story.articles)
            counts = []
            for entity in self._entities:
                mentions = [m for m in entity.mentions if m.article in members]
                if mentions:
                    articles = len({m.article for m in mentions})
                    counts.append(
                        EntityCount(entity=replace(entity, mentions=[]), mentions=len(mentions), articles=articles)
                    )
            if counts:
                found[story.id] = rank_key_entities(counts, limit)
        return self._copy(found)

    def quotes(self, article_id: str | None = None, *, speaker: str | None = None) -> list[Quote]:
        """Return quotes in saved order; see :meth:`Store.quotes`."""
        self._check_open()
        if speaker is not None:
            return self._copy([q for q in self._quotes if q.speaker_entity == speaker])
        return self._copy([q for q in self._quotes if article_id is None or q.article == article_id])

    def claims(self, article_id: str | None = None, *, articles: Sequence[str] | None = None) -> list[Claim]:
        """Return claims in saved order; see :meth:`Store.claims`."""
        self._check_open()
        if articles is not None:
            wanted = set(articles)
            return self._copy([c for c in self._claims if c.article in wanted])
        return self._copy([c for c in self._claims if article_id is None or c.article == article_id])

    def stories(self, article: str | None = None, *, articles: Sequence[str] | None = None) -> list[Story]:
        """Return all stories; see :meth:`Store.stories`."""
        self._check_open()
        if articles is not None:
            wanted = set(articles)
            return self._copy([s for s in self._stories if wanted.intersection(s.articles)])
        return self._copy([s for s in self._stories if article is None or article in s.articles])

    def related_links(self) -> dict[str, list[RelatedStory]]:
        """Return every story's related stories; see :meth:`Store.related_links`."""
        self._check_open()
        return self._copy({s.id: list(s.related) for s in self._stories if s.related})

    def story_titles(self, ids: Sequence[str]) -> dict[str, str]:
        """Return the titles of these stories; see :meth:`Store.story_titles`."""
        self._check_open()
        wanted = set(ids)
        return {s.id: s.title for s in self._stories if s.id in wanted}

    def story_rows(
        self, query: StoryQuery = StoryQuery(), *, limit: int = 20, offset: int = 0
    ) -> tuple[list[StoryRow], int]:
        """Return one page of story summaries; see :meth:`Store.story_rows` (computed on each call here)."""
        self._check_open()
        mentioning: set[str] | None = None
        if query.entity is not None:
            mentioning = {m.article for e in self._entities if e.id == query.entity for m in e.mentions}
        low, high = query.day_from or "0000-00-00", query.day_to or "9999-99-99"
        rows = []
        for story in self._stories:
            row, days = story_row(story, self._articles)
            if mentioning is not None and not mentioning.intersection(story.articles):
                continue
            if query.article is not None and query.article not in story.articles:
                continue
            if query.source is not None and query.source not in row.sources:
                continue
            if (query.day_from or query.day_to) and not any(low <= day <= high for day in days):
                continue
            rows.append(row)
        order_story_rows(rows, query.sort)
        offset = max(0, offset)
        return self._copy(rows[offset : offset + max(0, limit)]), len(rows)

    def story_sources(self) -> list[str]:
        """Return the stories' outlets; see :meth:`Store.story_sources`."""
        self._check_open()
        outlets = {source for story in self._stories for source in story_row(story, self._articles)[0].sources}
        return sorted(outlets, key=str.casefold)

    def article_page(self, *, source: str | None = None, limit: int = 20, offset: int = 0) -> tuple[list[Article], int]:
        """Return one page of articles, newest first; see :meth:`Store.article_page`."""
        from newsdesk.report.markdown import source_label

        self._check_open()
        kept = [a for a in self._articles.values() if source is None or source_label(a) == source]
        kept.sort(key=lambda a: a.published or "", reverse=True)
        offset = max(0, offset)
        return self._copy(kept[offset : offset + max(0, limit)]), len(kept)

    def get_story(self, story_id: str) -> Story:
        """Return one story; see :meth:`Store.get_story`."""
        self._check_open()
        for story in self._stories:
            if story.id == story_id:
                return self._copy(story)
        raise NotFoundError(f"no story with id {story_id!r}. List ids with `newsdesk stories`.")

    # --- run log ---

    def record_run(self, *, command: str, inputs: int, added: int, problems: Sequence[Problem]) -> int:
        """Log one ingest run; see :meth:`Store.record_run`."""
        self._check_open()
        run_id = len(self._runs) + 1
        self._runs.append(
            {
                "id": run_id,
                "command": command,
                "inputs": inputs,
                "added": added,
                "recorded_at": utc_now(),
                "problems": self._copy(list(problems)),
            }
        )
        return run_id

    def runs(self) -> list[dict[str, object]]:
        """Return the run log, oldest first; see :meth:`Store.runs`."""
        self._check_open()
        return self._copy(self._runs)

    # --- watch state ---

    def feed_state(self, url: str) -> FeedState | None:
        """Return a watched feed's state; see :meth:`Store.feed_state`."""
        self._check_open()
        return self._copy(self._feeds.get(url))

    def feed_states(self) -> list[FeedState]:
        """Return every watched feed's state; see :meth:`Store.feed_states`."""
        self._check_open()
        return self._copy(list(self._feeds.values()))

    def save_feed_state(self, state: FeedState) -> None:
        """Insert or update one feed's state; see :meth:`Store.save_feed_state`."""
        self._check_open()
        self._feeds[state.url] = self._copy(state)

    def seen_items(self, feed: str) -> set[str]:
        """Return the handled item keys of a feed; see :meth:`Store.seen_items`."""
        self._check_open()
        return set(self._seen.get(feed, ()))

    def mark_seen(self, feed: str, item_ids: Sequence[str]) -> None:
        """Remember feed items as handled; see :meth:`Store.mark_seen`."""
        self._check_open()
        self._seen.setdefault(feed, set()).update(item_ids)

    # --- lifecycle ---

    def close(self) -> None:
        """Mark the store closed; idempotent."""
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return "MemoryStore()"
