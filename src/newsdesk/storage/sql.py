"""The SQL shared by the SQLite and PostgreSQL stores.

:class:`SQLStore` implements the whole :class:`~newsdesk.storage.base.Store`
contract in SQL that both engines accept; a backend adds only what is
specific to it:

1. Opening, schema migrations and error translation (``_errors``).
2. Transactions (``_transaction``): a writer holds the store's one write lock
   for the transaction (SQLite's ``BEGIN IMMEDIATE``, a PostgreSQL advisory
   lock), a reader sees one snapshot.
3. Full-text search (FTS5 or ``tsvector``).
4. ``IDS``: the subquery that turns one bound parameter (a JSON array in
   SQLite, a ``text[]`` in PostgreSQL: ``_ids``) into rows, so a list of ids
   never hits a limit on bound parameters.

Statements are written with ``?`` placeholders (the PostgreSQL connection
rewrites them); tables whose rows come back "in saved order" are ordered by
``rowid``, which PostgreSQL tables declare as an identity column.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, ClassVar, Protocol, Self

import numpy as np

from newsdesk.errors import NotFoundError, StorageError
from newsdesk.model import (
    Article,
    ArticleStance,
    ArticleTerms,
    Claim,
    ClaimRef,
    Comparison,
    Dispute,
    DisputeSide,
    Enrichment,
    Entity,
    FoundMention,
    Mention,
    Problem,
    Quote,
    RelatedStory,
    Removed,
    Story,
)
from newsdesk.storage.base import (
    AnalysisUpdate,
    ArticleState,
    EntityCount,
    FeedState,
    StoryQuery,
    StoryRow,
    entity_digest,
    model_names,
    story_row,
    utc_now,
)

logger = logging.getLogger(__name__)


class ResultRow(Protocol):
    """A fetched row, read by column name or position (``ResultRow`` and the PostgreSQL store's rows)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    """What the shared code uses of a DB-API cursor."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the shared code uses of a connection: ``sqlite3.Connection`` has it as is."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any: ...


Row = tuple[Any, ...]

ADD_CHUNK = 200
"""Articles written per transaction by :meth:`SQLStore.add_articles`."""

# --- row mapping -----------------------------------------------------------------
# Each model class is stored flat; lists that are only ever read whole
# (paragraphs, removed, a dispute side's holders and outlets) are JSON columns,
# lists that are queried or point at articles get a table.


def _insert(table: str, columns: Sequence[str], *, or_ignore: bool = False) -> str:
    """Return an INSERT statement with one placeholder per column (names are ours, not user input)."""
    names = ", ".join(f'"{c}"' for c in columns)
    ignore = " ON CONFLICT DO NOTHING" if or_ignore else ""
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))}){ignore}"


ARTICLE_COLUMNS = (
    "a.id, a.path, a.title, a.paragraphs, a.source, a.url, a.author, a.published, a.language, a.removed, a.duplicate_of"
)
# The column order of each INSERT matches the tuples built by the _*_rows functions below.
INSERT_ARTICLE = _insert(
    "articles",
    (
        "id", "path", "title", "text", "paragraphs", "source", "url", "author",
        "published", "language", "removed", "duplicate_of", "added_at",
    ),
    or_ignore=True,
)  # fmt: skip
INSERT_ENTITY = _insert("entities", ("id", "name", "kind", "digest", "mention_count", "article_count", "sort_name"))
UPSERT_ENTITY = (
    INSERT_ENTITY + " ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
    "digest = excluded.digest, mention_count = excluded.mention_count, article_count = excluded.article_count, "
    "sort_name = excluded.sort_name"
)
INSERT_MENTION = _insert("mentions", ("entity_id", "position", "article_id", "text", "start", "end"))
INSERT_QUOTE = _insert(
    "quotes",
    ("id", "article_id", "speaker", "speaker_entity", "cue", "text", "direct", "start", "end", "date", "score"),
)
INSERT_CLAIM = _insert("claims", ("id", "article_id", "text", "holder", "start", "end", "quote_id", "negated", "date"))
INSERT_STORY = _insert("stories", ("id", "title", "lead_claim"))
INSERT_MEMBERSHIP = _insert("story_articles", ("story_id", "article_id", "position"))
INSERT_COMPARISON = _insert(
    "comparisons",
    (
        "story_id", "position", "about", "relation", "kind", "explanation", "score",
        "a_article", "a_text", "a_holder", "b_article", "b_text", "b_holder",
    ),
)  # fmt: skip
INSERT_DISPUTE = _insert(
    "disputes", ("story_id", "position", "id", "about", "explanation", "score", "first_seen", "last_seen")
)
INSERT_DISPUTE_SIDE = _insert("dispute_sides", ("story_id", "dispute", "side", "holders", "outlets"))
INSERT_DISPUTE_CLAIM = _insert(
    "dispute_claims", ("story_id", "dispute", "side", "position", "article_id", "text", "holder")
)
INSERT_STANCE = _insert("article_stances", ("story_id", "position", "article_id", "stance", "score"))
INSERT_RELATED = _insert("story_related", ("story_id", "position", "related_id", "similarity", "reason"))
INSERT_RUN = _insert("runs", ("command", "inputs", "added", "recorded_at")) + " RETURNING id"
INSERT_PROBLEM = _insert("run_problems", ("run_id", "position", "path", "reason"))
FEED_STATE_COLUMNS = "url, title, etag, last_modified, last_polled"
# An upsert, not INSERT OR REPLACE: the row keeps its rowid, so feeds stay in first-saved order.
UPSERT_FEED_STATE = (
    f"INSERT INTO feed_state ({FEED_STATE_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (url) DO UPDATE SET title = excluded.title, etag = excluded.etag, "
    "last_modified = excluded.last_modified, last_polled = excluded.last_polled"
)
INSERT_SEEN = _insert("seen_items", ("feed", "item_id", "seen_at"), or_ignore=True)
# Children first, so foreign keys never point at a deleted row mid-transaction.
DERIVED_TABLES = (
    "story_related",
    "story_entities",
    "story_outlets",
    "story_days",
    "dispute_claims",
    "dispute_sides",
    "disputes",
    "article_stances",
    "comparisons",
    "story_articles",
    "stories",
    "claims",
    "quotes",
    "mentions",
    "entities",
    "enrichments",
)
INSERT_ENRICHMENT = _insert(
    "enrichments", ("article_id", "mentions", "aliases", "minhash", "enriched_at"), or_ignore=True
)
INSERT_EMBEDDING = _insert("embeddings", ("article_id", "vector"), or_ignore=True)
# Counts made with another key (an older counting, another lead length) are replaced; with the same key they stay.
UPSERT_TERMS = (
    'INSERT INTO article_terms (article_id, "key", words, lead) VALUES (?, ?, ?, ?) '
    'ON CONFLICT (article_id) DO UPDATE SET "key" = excluded."key", words = excluded.words, lead = excluded.lead '
    'WHERE article_terms."key" <> excluded."key"'
)
INSERT_MODEL_OUTPUT = _insert("model_outputs", ("model", "key", "value"), or_ignore=True)
UPSERT_STORY = (
    "INSERT INTO stories (id, title, lead_claim) VALUES (?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET title = excluded.title, lead_claim = excluded.lead_claim"
)
# A replaced story's parts; disputes take their sides and claims with them (ON DELETE CASCADE).
STORY_PARTS = (
    "story_entities", "story_articles", "comparisons", "disputes", "article_stances", "story_outlets", "story_days",
)  # fmt: skip
RANK_STORY_ENTITIES = (
    "INSERT INTO story_entities (story_id, entity_id, articles, mentions, sort_name) "
    "SELECT sa.story_id, m.entity_id, count(DISTINCT m.article_id), count(*), e.sort_name "
    "FROM story_articles sa JOIN mentions m ON m.article_id = sa.article_id JOIN entities e ON e.id = m.entity_id "
    "{where} GROUP BY sa.story_id, m.entity_id, e.sort_name"
)
SUMMARISE_STORY = (
    "UPDATE stories SET article_count = ?, contradictions = ?, updates = ?, agreements = ?, disputes = ?, "
    "first_day = ?, last_day = ?, latest = ?, sources = ?, sort_title = ? WHERE id = ?"
)
INSERT_STORY_OUTLET = _insert("story_outlets", ("story_id", "outlet"))
INSERT_STORY_DAY = _insert("story_days", ("story_id", "day"))
STORY_ROW_COLUMNS = (
    "id, title, lead_claim, article_count, contradictions, updates, agreements, disputes, "
    "first_day, last_day, latest, sources"
)
BUMP_GENERATION = "UPDATE analysis_state SET generation = generation + 1"


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _article_row(article: Article, added_at: str) -> Row:
    return (
        article.id,
        article.path,
        article.title,
        article.text,
        _to_json(article.paragraphs),
        article.source,
        article.url,
        article.author,
        article.published,
        article.language,
        _to_json([{"text": r.text, "reason": r.reason} for r in article.removed]),
        article.duplicate_of,
        added_at,
    )


def _article_from_row(row: ResultRow) -> Article:
    return Article(
        id=row["id"],
        path=row["path"],
        title=row["title"],
        paragraphs=json.loads(row["paragraphs"]),
        source=row["source"],
        url=row["url"],
        author=row["author"],
        published=row["published"],
        language=row["language"],
        removed=[Removed(text=r["text"], reason=r["reason"]) for r in json.loads(row["removed"])],
        duplicate_of=row["duplicate_of"],
    )


def _entity_rows(entities: Sequence[Entity]) -> Iterator[Row]:
    for e in entities:
        articles = len({m.article for m in e.mentions})
        yield (e.id, e.name, e.kind, entity_digest(e), len(e.mentions), articles, e.name.casefold())


MENTION_GAP = 64
"""Positions of an entity's mentions are written this far apart, so an update can slip new mentions between
stored ones (their order is the position's) without writing the others again."""


def _mention_rows(entities: Sequence[Entity]) -> Iterator[Row]:
    for entity in entities:
        for position, m in enumerate(entity.mentions):
            yield (entity.id, position * MENTION_GAP, m.article, m.text, m.start, m.end)


MentionKey = tuple[str, str, int, int]


def mention_changes(
    stored: Sequence[tuple[int, MentionKey]], mentions: Sequence[Mention]
) -> tuple[list[int], list[tuple[int, Mention]]] | None:
    """The rows that turn an entity's stored mentions into ``mentions``, keeping the stored rows that stay.

    Steps:
        1. Keep, in the new order, each stored mention that is still there and comes after the last one kept
           (a stored mention moved elsewhere in the order is written again).
        2. Give each new mention a position between those of the kept mentions around it (before the first,
           after the last: :data:`MENTION_GAP` apart).

    Args:
        stored: ``(position, (article, text, start, end))`` of the stored mentions, by position.
        mentions: The entity's mentions now, in order.

    Returns:
        ``(positions to delete, (position, mention) to insert)``, reading back as ``mentions`` in order; None
        when nothing can be kept or no whole number is left between two kept positions (write them all again).
    """
    where = {key: position for position, key in stored}
    if len(where) != len(stored):
        return None  # a mention stored twice: no row is safely its own
    kept: list[int | None] = []
    last = None
    for m in mentions:
        position = where.get((m.article, m.text, m.start, m.end))
        if position is not None and (last is None or position > last):
            last = position
            kept.append(position)
        else:
            kept.append(None)
    if last is None:
        return None
    inserted: list[tuple[int, Mention]] = []
    i = 0
    while i < len(mentions):
        if kept[i] is not None:
            i += 1
            continue
        j = i
        while j < len(mentions) and kept[j] is None:
            j += 1
        run = mentions[i:j]
        low = kept[i - 1] if i > 0 else None
        high = kept[j] if j < len(mentions) else None
        if low is None and high is not None:
            positions = [high - MENTION_GAP * (len(run) - t) for t in range(len(run))]
        elif high is None and low is not None:
            positions = [low + MENTION_GAP * (t + 1) for t in range(len(run))]
        elif low is not None and high is not None and high - low > len(run):
            positions = [low + (high - low) * (t + 1) // (len(run) + 1) for t in range(len(run))]
        else:
            return None
        inserted.extend(zip(positions, run, strict=True))
        i = j
    staying = {p for p in kept if p is not None}
    return [p for p, _ in stored if p not in staying], inserted


def _enrichment_row(enrichment: Enrichment, enriched_at: str) -> Row:
    mentions = [[f.mention.text, f.mention.start, f.mention.end, f.kind] for f in enrichment.mentions]
    aliases = [list(pair) for pair in enrichment.aliases]
    return (enrichment.article, _to_json(mentions), _to_json(aliases), enrichment.minhash, enriched_at)


def _enrichment_from_row(row: ResultRow, quotes: list[Quote]) -> Enrichment:
    article = row["article_id"]
    return Enrichment(
        article=article,
        language=row["language"],
        mentions=[
            FoundMention(mention=Mention(article=article, text=text, start=start, end=end), kind=kind)
            for text, start, end, kind in json.loads(row["mentions"])
        ],
        aliases=[(name, alias) for name, alias in json.loads(row["aliases"])],
        quotes=quotes,
        minhash=row["minhash"],
    )


def _ids_json(ids: Iterable[str]) -> str:
    """A JSON array of ids, bound as the one parameter of :attr:`SQLStore.IDS`."""
    return _to_json(list(ids))


def _mention_from_row(row: ResultRow) -> Mention:
    return Mention(article=row["article_id"], text=row["text"], start=row["start"], end=row["end"])


def _quote_rows(quotes: Sequence[Quote]) -> Iterator[Row]:
    for q in quotes:
        yield (
            q.id,
            q.article,
            q.speaker,
            q.speaker_entity,
            q.cue,
            q.text,
            int(q.direct),
            q.start,
            q.end,
            q.date,
            q.score,
        )


def _quote_from_row(row: ResultRow) -> Quote:
    return Quote(
        id=row["id"],
        article=row["article_id"],
        speaker=row["speaker"],
        speaker_entity=row["speaker_entity"],
        cue=row["cue"],
        text=row["text"],
        direct=bool(row["direct"]),
        start=row["start"],
        end=row["end"],
        date=row["date"],
        score=row["score"],
    )


def _claim_rows(claims: Sequence[Claim]) -> Iterator[Row]:
    for c in claims:
        yield (c.id, c.article, c.text, c.holder, c.start, c.end, c.quote, int(c.negated), c.date)


def _claim_from_row(row: ResultRow) -> Claim:
    return Claim(
        id=row["id"],
        article=row["article_id"],
        text=row["text"],
        holder=row["holder"],
        start=row["start"],
        end=row["end"],
        quote=row["quote_id"],
        negated=bool(row["negated"]),
        date=row["date"],
    )


def _story_rows(stories: Sequence[Story]) -> Iterator[Row]:
    return ((s.id, s.title, s.lead_claim) for s in stories)


def _membership_rows(stories: Sequence[Story]) -> Iterator[Row]:
    for story in stories:
        for position, article_id in enumerate(story.articles):
            yield (story.id, article_id, position)


def _comparison_rows(stories: Sequence[Story]) -> Iterator[Row]:
    for story in stories:
        for position, c in enumerate(story.comparisons):
            yield (
                story.id,
                position,
                c.about,
                c.relation,
                c.kind,
                c.explanation,
                float(c.score),
                c.a.article,
                c.a.text,
                c.a.holder,
                c.b.article,
                c.b.text,
                c.b.holder,
            )


def _comparison_from_row(row: ResultRow) -> Comparison:
    return Comparison(
        about=row["about"],
        relation=row["relation"],
        kind=row["kind"],
        explanation=row["explanation"],
        score=row["score"],
        a=ClaimRef(article=row["a_article"], text=row["a_text"], holder=row["a_holder"]),
        b=ClaimRef(article=row["b_article"], text=row["b_text"], holder=row["b_holder"]),
    )


def _dispute_rows(stories: Sequence[Story]) -> Iterator[Row]:
    for story in stories:
        for position, d in enumerate(story.disputes):
            yield (story.id, position, d.id, d.about, d.explanation, float(d.score), d.first_seen, d.last_seen)


def _dispute_side_rows(stories: Sequence[Story]) -> Iterator[Row]:
    for story in stories:
        for position, dispute in enumerate(story.disputes):
            for index, side in enumerate(dispute.sides):
                yield (story.id, position, index, _to_json(side.holders), _to_json(side.outlets))


def _dispute_claim_rows(stories: Sequence[Story]) -> Iterator[Row]:
    for story in stories:
        for position, dispute in enumerate(story.disputes):
            for index, side in enumerate(dispute.sides):
                for order, ref in enumerate(side.claims):
                    yield (story.id, position, index, order, ref.article, ref.text, ref.holder)


def _stance_rows(stories: Sequence[Story]) -> Iterator[Row]:
    for story in stories:
        for position, s in enumerate(story.stances):
            yield (story.id, position, s.article, s.stance, float(s.score))


def _related_rows(links: Iterable[tuple[str, Sequence[RelatedStory]]]) -> Iterator[Row]:
    for story_id, related in links:
        for position, r in enumerate(related):
            yield (story_id, position, r.story, float(r.similarity), r.reason)


def _story_row_values(row: StoryRow) -> Row:
    """The values of :data:`SUMMARISE_STORY` for one row."""
    return (
        row.articles,
        row.contradictions,
        row.updates,
        row.agreements,
        row.disputes,
        row.first_day,
        row.last_day,
        row.latest,
        _to_json(row.sources),
        row.sort_title,
        row.id,
    )


def _story_row_from_row(row: ResultRow) -> StoryRow:
    return StoryRow(
        id=row["id"],
        title=row["title"],
        lead_claim=row["lead_claim"],
        articles=row["article_count"],
        sources=json.loads(row["sources"]),
        first_day=row["first_day"],
        last_day=row["last_day"],
        latest=row["latest"],
        contradictions=row["contradictions"],
        updates=row["updates"],
        agreements=row["agreements"],
        disputes=row["disputes"],
    )


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _disputes_from_rows(
    dispute_rows: Sequence[ResultRow], side_rows: Sequence[ResultRow], claim_rows: Sequence[ResultRow]
) -> dict[str, list[Dispute]]:
    """Reassemble disputes (story id -> disputes in saved order) from their three tables, each read in key order."""
    claims: dict[tuple[str, int, int], list[ClaimRef]] = {}
    for row in claim_rows:
        key = (row["story_id"], row["dispute"], row["side"])
        claims.setdefault(key, []).append(ClaimRef(article=row["article_id"], text=row["text"], holder=row["holder"]))
    sides: dict[tuple[str, int], list[DisputeSide]] = {}
    for row in side_rows:
        sides.setdefault((row["story_id"], row["dispute"]), []).append(
            DisputeSide(
                claims=claims.get((row["story_id"], row["dispute"], row["side"]), []),
                holders=json.loads(row["holders"]),
                outlets=json.loads(row["outlets"]),
            )
        )
    disputes: dict[str, list[Dispute]] = {}
    for row in dispute_rows:
        disputes.setdefault(row["story_id"], []).append(
            Dispute(
                id=row["id"],
                about=row["about"],
                explanation=row["explanation"],
                score=row["score"],
                sides=sides.get((row["story_id"], row["position"]), []),
                first_seen=row["first_seen"],
                last_seen=row["last_seen"],
            )
        )
    return disputes


def _stance_from_row(row: ResultRow) -> ArticleStance:
    return ArticleStance(article=row["article_id"], stance=row["stance"], score=row["score"])


def _feed_state_from_row(row: ResultRow) -> FeedState:
    return FeedState(
        url=row["url"],
        title=row["title"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_polled=row["last_polled"],
    )


def fts_query(terms: Iterable[str]) -> str:
    """Return an FTS5 MATCH expression requiring every term, taken literally.

    Each term becomes a double-quoted FTS5 string (inner quotes doubled), so
    operators and syntax characters in user input are just text.
    """
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


class SQLStore(ABC):
    """A :class:`~newsdesk.storage.base.Store` in an SQL database; subclasses bring the engine.

    Attributes:
        path: What messages call the database (a file path, or a DSN without its password).
    """

    IDS: ClassVar[str]
    """A subquery giving the ids bound as its one ``?`` (the value :meth:`_ids` makes of them)."""

    def _ids(self, ids: Iterable[str]) -> object:
        """The one parameter of :attr:`IDS` for these ids (a JSON array here)."""
        return _ids_json(ids)

    BINARY: ClassVar[str] = ""
    """Appended to a text column in ``ORDER BY`` so strings sort by code point, as Python sorts them."""

    path: str

    @abstractmethod
    def _transaction(self, *, write: bool = True) -> AbstractContextManager[Connection]:
        """Run the block in one transaction, rolled back on any exception; engine errors become StorageError.

        Args:
            write: Take the store's write lock for the whole transaction (writers wait for
                each other, never for readers); False for a reader's consistent snapshot.
        """

    @abstractmethod
    def _query(self, sql: str, params: Sequence[object] = ()) -> list[ResultRow]:
        """Run one read statement outside a transaction and return its rows."""

    @abstractmethod
    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str]]:
        """Full-text search; see :meth:`Store.search`."""

    @abstractmethod
    def search_count(self, query: str) -> int:
        """Count the matches of a full-text search; see :meth:`Store.search_count`."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; idempotent."""

    # --- articles ---

    def add_articles(self, articles: Sequence[Article]) -> list[str]:
        """Store articles that are not stored yet; see :meth:`Store.add_articles`.

        A large batch is written :data:`ADD_CHUNK` articles per transaction, so
        the write lock is never held long: other ingest and watch processes
        take turns with it instead of timing out behind one big ingest.
        """
        added: list[str] = []
        now = utc_now()
        for start in range(0, len(articles), ADD_CHUNK):
            with self._transaction() as conn:
                for article in articles[start : start + ADD_CHUNK]:
                    cursor = conn.execute(INSERT_ARTICLE, _article_row(article, now))
                    if cursor.rowcount == 1:
                        added.append(article.id)
        logger.debug("%s: %d of %d articles were new", self.path, len(added), len(articles))
        return added

    def get_article(self, article_id: str) -> Article:
        """Return one article; see :meth:`Store.get_article`."""
        rows = self._query(f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,))
        if not rows:
            raise NotFoundError(f"no article with id {article_id!r}. List ids with `newsdesk articles`.")
        return _article_from_row(rows[0])

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Return articles in insertion order; see :meth:`Store.articles`."""
        if ids is None:
            rows = self._query(f"SELECT {ARTICLE_COLUMNS} FROM articles a ORDER BY a.seq")
        else:
            rows = self._query(
                f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id IN ({self.IDS}) ORDER BY a.seq",
                (self._ids(ids),),
            )
            missing = set(ids) - {row["id"] for row in rows}
            if missing:
                raise NotFoundError(f"no article with id {', '.join(sorted(map(repr, missing)))}.")
        return [_article_from_row(row) for row in rows]

    # --- derived data ---

    def save_analysis(
        self,
        *,
        entities: Sequence[Entity],
        quotes: Sequence[Quote],
        claims: Sequence[Claim],
        stories: Sequence[Story],
    ) -> None:
        """Replace all derived data atomically; see :meth:`Store.save_analysis`."""
        with self._transaction() as conn:
            for table in DERIVED_TABLES:
                conn.execute(f"DELETE FROM {table}")
            conn.executemany(INSERT_ENTITY, _entity_rows(entities))
            conn.executemany(INSERT_MENTION, _mention_rows(entities))
            conn.executemany(INSERT_QUOTE, _quote_rows(quotes))
            conn.executemany(INSERT_CLAIM, _claim_rows(claims))
            conn.executemany(INSERT_STORY, _story_rows(stories))
            conn.executemany(INSERT_MEMBERSHIP, _membership_rows(stories))
            conn.executemany(INSERT_COMPARISON, _comparison_rows(stories))
            conn.executemany(INSERT_DISPUTE, _dispute_rows(stories))
            conn.executemany(INSERT_DISPUTE_SIDE, _dispute_side_rows(stories))
            conn.executemany(INSERT_DISPUTE_CLAIM, _dispute_claim_rows(stories))
            conn.executemany(INSERT_STANCE, _stance_rows(stories))
            conn.executemany(INSERT_RELATED, _related_rows((s.id, s.related) for s in stories))
            self._summarise_stories(conn, stories)
            conn.execute(RANK_STORY_ENTITIES.format(where=""))
            conn.execute(BUMP_GENERATION)
        logger.info(
            "%s: saved %d entities, %d quotes, %d claims, %d stories",
            self.path,
            len(entities),
            len(quotes),
            len(claims),
            len(stories),
        )

    def _summarise_stories(self, conn: Connection, stories: Sequence[Story]) -> None:
        """Write the list rows of stories just written (counts, dates, outlets: see :func:`story_row`)."""
        if not stories:
            return
        member_ids = {a for story in stories for a in story.articles}
        members = {
            row["id"]: Article(
                id=row["id"], path="", title="", paragraphs=[], source=row["source"], url=row["url"],
                published=row["published"],
            )
            for row in conn.execute(
                f"SELECT id, source, url, published FROM articles WHERE id IN ({self.IDS})", (self._ids(member_ids),)
            ).fetchall()
        }  # fmt: skip
        rows = [story_row(story, members) for story in stories]
        conn.executemany(SUMMARISE_STORY, (_story_row_values(row) for row, _ in rows))
        conn.executemany(INSERT_STORY_OUTLET, ((row.id, outlet) for row, _ in rows for outlet in row.sources))
        conn.executemany(INSERT_STORY_DAY, ((row.id, day) for row, days in rows for day in days))

    def _complete_list_rows(self) -> None:
        """Fill the list rows of entities and stories written before schema 9 (once, by the first writer to open).

        Entities first: a story's key entities carry their sort names.
        """
        # Both checks are index lookups (stories_size, entities_rank start with article_count): cheap on every open.
        with self._transaction(write=False) as conn:
            stale = conn.execute("SELECT 1 FROM stories WHERE article_count IS NULL LIMIT 1").fetchall()
            unnamed = []
            if conn.execute("SELECT 1 FROM entities WHERE article_count IS NULL LIMIT 1").fetchall():
                unnamed = conn.execute("SELECT id, name FROM entities WHERE article_count IS NULL").fetchall()
        if unnamed:
            with self._transaction() as conn:
                counts = {
                    row[0]: (row[1], row[2])
                    for row in conn.execute(
                        "SELECT entity_id, count(*), count(DISTINCT article_id) FROM mentions "
                        f"WHERE entity_id IN ({self.IDS}) GROUP BY entity_id",
                        (self._ids(row["id"] for row in unnamed),),
                    )
                }
                conn.executemany(
                    "UPDATE entities SET mention_count = ?, article_count = ?, sort_name = ? WHERE id = ?",
                    ((*counts.get(row["id"], (0, 0)), row["name"].casefold(), row["id"]) for row in unnamed),
                )
        if stale:
            stories = self._load_stories(None)
            with self._transaction() as conn:
                for table in ("story_outlets", "story_days", "story_entities"):
                    conn.execute(f"DELETE FROM {table}")
                self._summarise_stories(conn, stories)
                conn.execute(RANK_STORY_ENTITIES.format(where=""))
            logger.info("%s: summarised %d stories for the lists", self.path, len(stories))

    # --- incremental analysis ---

    def analysis_generation(self) -> int:
        """Return the generation of the stored analysis; see :meth:`Store.analysis_generation`."""
        with self._transaction(write=False) as conn:
            return int(conn.execute("SELECT generation FROM analysis_state").fetchone()[0])

    def analysis_state(self) -> tuple[int, list[ArticleState]]:
        """Return the generation and every article's state; see :meth:`Store.analysis_state`."""
        with self._transaction(write=False) as conn:
            generation = int(conn.execute("SELECT generation FROM analysis_state").fetchone()[0])
            rows = conn.execute(
                "SELECT a.id, a.published, a.language, a.duplicate_of, "
                "EXISTS (SELECT 1 FROM enrichments e WHERE e.article_id = a.id) AS enriched, "
                "(SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id LIMIT 1) AS story "
                "FROM articles a ORDER BY a.seq"
            ).fetchall()
        states = [
            ArticleState(
                id=row["id"],
                published=row["published"],
                language=row["language"],
                duplicate_of=row["duplicate_of"],
                enriched=bool(row["enriched"]),
                story=row["story"],
            )
            for row in rows
        ]
        return generation, states

    def save_enrichments(self, enrichments: Sequence[Enrichment]) -> list[str]:
        """Save per-article enrichment; see :meth:`Store.save_enrichments`."""
        saved: list[str] = []
        now = utc_now()
        with self._transaction() as conn:
            for enrichment in enrichments:
                if conn.execute(INSERT_ENRICHMENT, _enrichment_row(enrichment, now)).rowcount != 1:
                    continue  # enriched already (by another process, say): the first record stays
                article = enrichment.article
                conn.execute("UPDATE articles SET language = ? WHERE id = ?", (enrichment.language, article))
                # Quotes and claims of an older analysis: the claims point at the quotes, so they go first.
                conn.execute("DELETE FROM claims WHERE article_id = ?", (article,))
                conn.execute("DELETE FROM quotes WHERE article_id = ?", (article,))
                conn.executemany(INSERT_QUOTE, _quote_rows(enrichment.quotes))
                saved.append(article)
        logger.debug("%s: saved the enrichment of %d article(s)", self.path, len(saved))
        return saved

    def enrichments(self, ids: Sequence[str] | None = None) -> list[Enrichment]:
        """Return saved enrichments in article order; see :meth:`Store.enrichments`."""
        only = "" if ids is None else f"WHERE e.article_id IN ({self.IDS})"
        params: tuple[object, ...] = () if ids is None else (self._ids(ids),)
        quote_filter = "" if ids is None else f"WHERE article_id IN ({self.IDS})"
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT e.article_id, a.language, e.mentions, e.aliases, e.minhash "
                f"FROM enrichments e JOIN articles a ON a.id = e.article_id {only} ORDER BY a.seq",
                params,
            ).fetchall()
            quote_rows = conn.execute(f"SELECT * FROM quotes {quote_filter} ORDER BY rowid", params).fetchall()
        quotes: dict[str, list[Quote]] = {}
        for row in quote_rows:
            quotes.setdefault(row["article_id"], []).append(_quote_from_row(row))
        return [_enrichment_from_row(row, quotes.get(row["article_id"], [])) for row in rows]

    def embeddings(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Return saved embeddings; see :meth:`Store.embeddings`."""
        rows = self._query(
            f"SELECT article_id, vector FROM embeddings WHERE article_id IN ({self.IDS})",
            (self._ids(ids),),
        )
        return {row["article_id"]: np.frombuffer(row["vector"], dtype="<f4").copy() for row in rows}

    def save_embeddings(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Save embeddings; see :meth:`Store.save_embeddings`."""
        with self._transaction() as conn:
            conn.executemany(
                INSERT_EMBEDDING,
                ((article, np.asarray(vector, dtype="<f4").tobytes()) for article, vector in vectors.items()),
            )

    def terms(self, ids: Sequence[str], key: str) -> dict[str, ArticleTerms]:
        """Return saved word counts; see :meth:`Store.terms`."""
        if not ids:
            return {}
        rows = self._query(
            f'SELECT article_id, words, lead FROM article_terms WHERE "key" = ? AND article_id IN ({self.IDS})',
            (key, self._ids(ids)),
        )
        return {row[0]: ArticleTerms(words=json.loads(row[1]), lead=json.loads(row[2])) for row in rows}

    def save_terms(self, key: str, terms: Mapping[str, ArticleTerms]) -> None:
        """Save word counts; see :meth:`Store.save_terms`."""
        if not terms:
            return
        with self._transaction() as conn:
            conn.executemany(
                UPSERT_TERMS,
                ((article, key, _to_json(dict(t.words)), _to_json(dict(t.lead))) for article, t in terms.items()),
            )

    def model_outputs(self, model: str, keys: Sequence[str]) -> dict[str, bytes]:
        """Return kept model outputs; see :meth:`Store.model_outputs`."""
        if not keys:
            return {}
        rows = self._query(
            f"SELECT key, value FROM model_outputs WHERE model = ? AND key IN ({self.IDS})",
            (model, self._ids(keys)),
        )
        return {row["key"]: bytes(row["value"]) for row in rows}

    def save_model_outputs(self, model: str, values: Mapping[str, bytes]) -> None:
        """Keep model outputs; see :meth:`Store.save_model_outputs`."""
        if not values:
            return
        with self._transaction() as conn:
            conn.executemany(INSERT_MODEL_OUTPUT, ((model, key, value) for key, value in values.items()))

    def prune_model_outputs(self, current: Collection[str]) -> int:
        """Delete outputs of older weights; see :meth:`Store.prune_model_outputs`."""
        deleted = 0
        with self._transaction() as conn:
            for name, keep in model_names(current).items():
                # A range on the primary key's first column: every model named "name:...", read through the index.
                placeholders = ", ".join("?" for _ in keep)
                cursor = conn.execute(
                    f"DELETE FROM model_outputs WHERE model >= ? AND model < ? AND model NOT IN ({placeholders})",
                    (f"{name}:", f"{name};", *sorted(keep)),
                )
                deleted += max(cursor.rowcount, 0)
        return deleted

    def update_analysis(self, update: AnalysisUpdate) -> bool:
        """Apply an incremental change; see :meth:`Store.update_analysis`.

        Steps, in one write transaction:

        1. Refuse the update (False) when the generation moved on.
        2. Entities: write the new ones and those whose digest changed (in
           place: quotes naming them keep them), drop those that are gone
           (quotes naming them let go first).
        3. Set the speaker entity of quotes whose one changed, then the
           duplicate links, the claims of the listed articles and the listed
           stories (a story keeps its row, so lists keep their order).
        4. Move the generation on.
        """
        with self._transaction() as conn:
            generation = int(conn.execute("SELECT generation FROM analysis_state").fetchone()[0])
            if generation != update.generation:
                return False
            touched: set[str] = set()  # articles whose mentions changed: their stories' key entities may have
            if update.entities is not None:
                touched = self._replace_entities(conn, update.entities)
            if update.speakers:
                stored = {
                    row[0]: row[1]
                    for row in conn.execute(
                        f"SELECT id, speaker_entity FROM quotes WHERE id IN ({self.IDS})",
                        (self._ids(update.speakers),),
                    )
                }
                missing = set(update.speakers) - stored.keys()
                if missing:
                    raise StorageError(
                        f"{self.path}: rejected, nothing was written: unknown quote(s) {sorted(missing)}"
                    )
                changed = [(e, q) for q, e in update.speakers.items() if stored[q] != e]
                conn.executemany("UPDATE quotes SET speaker_entity = ? WHERE id = ?", changed)
            conn.executemany(
                "UPDATE articles SET duplicate_of = ? WHERE id = ?",
                ((original, article) for article, original in update.duplicates.items()),
            )
            for article, claims in update.claims.items():
                conn.execute("DELETE FROM claims WHERE article_id = ?", (article,))
                conn.executemany(INSERT_CLAIM, _claim_rows(claims))
            for story in update.stories:
                for table in STORY_PARTS:
                    conn.execute(f"DELETE FROM {table} WHERE story_id = ?", (story.id,))
            conn.executemany(UPSERT_STORY, _story_rows(update.stories))
            conn.executemany(INSERT_MEMBERSHIP, _membership_rows(update.stories))
            conn.executemany(INSERT_COMPARISON, _comparison_rows(update.stories))
            conn.executemany(INSERT_DISPUTE, _dispute_rows(update.stories))
            conn.executemany(INSERT_DISPUTE_SIDE, _dispute_side_rows(update.stories))
            conn.executemany(INSERT_DISPUTE_CLAIM, _dispute_claim_rows(update.stories))
            conn.executemany(INSERT_STANCE, _stance_rows(update.stories))
            if update.related is not None:
                conn.execute("DELETE FROM story_related")
                conn.executemany(INSERT_RELATED, _related_rows(update.related.items()))
            self._summarise_stories(conn, update.stories)
            self._rank_story_entities(conn, {s.id for s in update.stories}, touched)
            conn.execute(BUMP_GENERATION)
        logger.info("%s: updated %d stories", self.path, len(update.stories))
        return True

    def _rank_story_entities(self, conn: Connection, story_ids: set[str], articles: set[str]) -> None:
        """Count again the entities of these stories and of the stories holding these articles."""
        if articles:
            holding = conn.execute(
                f"SELECT DISTINCT story_id FROM story_articles WHERE article_id IN ({self.IDS})", (self._ids(articles),)
            ).fetchall()
            story_ids = story_ids | {row[0] for row in holding}
        if not story_ids:
            return
        ids = self._ids(story_ids)
        conn.execute(f"DELETE FROM story_entities WHERE story_id IN ({self.IDS})", (ids,))
        conn.execute(RANK_STORY_ENTITIES.format(where=f"WHERE sa.story_id IN ({self.IDS})"), (ids,))

    def _replace_entities(self, conn: Connection, entities: Sequence[Entity]) -> set[str]:
        """Step 2 of :meth:`update_analysis`: write only the entities that differ from the stored ones.

        An entity that changed keeps its row (updated in place), so the quotes naming it keep naming it, and
        keeps the rows of the mentions it still has (:func:`mention_changes`: only its new mentions are
        written, and the gone ones deleted); only the entities that are gone are deleted, and the quotes
        naming them let go.

        Returns:
            The articles whose mentions changed: every article of an entity dropped or added, and of an entity
            that changed, those whose mentions of it differ (a popular name gaining a mention in a new article
            leaves the stories of its older articles as they were); a new name is written into the story rows
            that count the entity.
        """
        stored = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, digest, sort_name FROM entities")}
        by_id = {e.id: e for e in entities}
        digests = {e.id: entity_digest(e) for e in entities}
        gone = [entity_id for entity_id in stored if entity_id not in digests]
        changed = [
            entity_id
            for entity_id, (digest, _) in stored.items()
            if entity_id in digests and digests[entity_id] != digest
        ]
        touched: set[str] = set()
        rewritten: list[Entity] = []  # changed entities whose mentions are all written again
        if gone or changed:
            rows: dict[str, list[tuple[int, MentionKey]]] = defaultdict(list)
            for row in conn.execute(
                'SELECT entity_id, position, article_id, text, start, "end" FROM mentions '
                f"WHERE entity_id IN ({self.IDS}) ORDER BY entity_id, position",
                (self._ids([*gone, *changed]),),
            ).fetchall():
                rows[row[0]].append((row[1], (row[2], row[3], row[4], row[5])))
            before: dict[tuple[str, str], set[MentionKey]] = defaultdict(set)
            for entity_id, mentions in rows.items():
                for _, key in mentions:
                    before[(entity_id, key[0])].add(key)
            after: dict[tuple[str, str], set[MentionKey]] = defaultdict(set)
            for entity_id in changed:
                for m in by_id[entity_id].mentions:
                    after[(entity_id, m.article)].add((m.article, m.text, m.start, m.end))
            gone_ids = set(gone)
            touched = {
                article
                for (entity_id, article) in before.keys() | after.keys()
                if entity_id in gone_ids or before.get((entity_id, article)) != after.get((entity_id, article))
            }
            deleted: list[tuple[str, int]] = []
            inserted: list[Row] = []
            for entity_id in changed:
                diff = mention_changes(rows.get(entity_id, []), by_id[entity_id].mentions)
                if diff is None:
                    rewritten.append(by_id[entity_id])
                    continue
                deleted.extend((entity_id, p) for p in diff[0])
                inserted.extend((entity_id, p, m.article, m.text, m.start, m.end) for p, m in diff[1])
            again = [*gone, *(e.id for e in rewritten)]
            if again:
                conn.execute(f"DELETE FROM mentions WHERE entity_id IN ({self.IDS})", (self._ids(again),))
            conn.executemany("DELETE FROM mentions WHERE entity_id = ? AND position = ?", deleted)
            conn.executemany(INSERT_MENTION, inserted)
        if gone:
            ids = self._ids(gone)
            conn.execute(f"UPDATE quotes SET speaker_entity = NULL WHERE speaker_entity IN ({self.IDS})", (ids,))
            conn.execute(f"DELETE FROM entities WHERE id IN ({self.IDS})", (ids,))
        renamed = [(by_id[e].name.casefold(), e) for e in changed if stored[e][1] != by_id[e].name.casefold()]
        conn.executemany("UPDATE story_entities SET sort_name = ? WHERE entity_id = ?", renamed)
        added = [e for e in entities if e.id not in stored]
        conn.executemany(UPSERT_ENTITY, _entity_rows([*added, *(by_id[e] for e in changed)]))
        conn.executemany(INSERT_MENTION, _mention_rows([*added, *rewritten]))
        return touched | {m.article for e in added for m in e.mentions}

    def entities(self, articles: Sequence[str] | None = None) -> list[Entity]:
        """Return all entities with their mentions; see :meth:`Store.entities`."""
        with self._transaction(write=False) as conn:
            if articles is None:
                entity_rows = conn.execute("SELECT id, name, kind FROM entities ORDER BY rowid").fetchall()
                mention_rows = conn.execute(
                    'SELECT entity_id, article_id, text, start, "end" FROM mentions ORDER BY entity_id, position'
                ).fetchall()
            else:
                # Through the mentions_article index: only the rows of these articles are read.
                mention_rows = conn.execute(
                    'SELECT entity_id, article_id, text, start, "end" FROM mentions '
                    f"WHERE article_id IN ({self.IDS}) ORDER BY entity_id, position",
                    (self._ids(articles),),
                ).fetchall()
                entity_rows = conn.execute(
                    f"SELECT id, name, kind FROM entities WHERE id IN ({self.IDS}) ORDER BY rowid",
                    (self._ids(dict.fromkeys(row["entity_id"] for row in mention_rows)),),
                ).fetchall()
        mentions: dict[str, list[Mention]] = {}
        for row in mention_rows:
            mentions.setdefault(row["entity_id"], []).append(_mention_from_row(row))
        return [
            Entity(id=row["id"], name=row["name"], kind=row["kind"], mentions=mentions.get(row["id"], []))
            for row in entity_rows
        ]

    def claim_counts(self, articles: Sequence[str]) -> dict[str, int]:
        """Count the articles' claims through the claims_article index; see :meth:`Store.claim_counts`."""
        if not articles:
            return {}
        rows = self._query(
            f"SELECT article_id, count(*) AS n FROM claims WHERE article_id IN ({self.IDS}) GROUP BY article_id",
            (self._ids(articles),),
        )
        return {row["article_id"]: int(row["n"]) for row in rows}

    def publication_dates(self, ids: Sequence[str]) -> dict[str, str | None]:
        """Return the articles' publication dates; see :meth:`Store.publication_dates`."""
        if not ids:
            return {}
        rows = self._query(f"SELECT id, published FROM articles WHERE id IN ({self.IDS})", (self._ids(ids),))
        return {row["id"]: row["published"] for row in rows}

    def get_entity(self, entity_id: str) -> Entity:
        """Return one entity with its mentions; see :meth:`Store.get_entity`."""
        with self._transaction(write=False) as conn:
            rows = conn.execute("SELECT id, name, kind FROM entities WHERE id = ?", (entity_id,)).fetchall()
            mention_rows = conn.execute(
                'SELECT article_id, text, start, "end" FROM mentions WHERE entity_id = ? ORDER BY position',
                (entity_id,),
            ).fetchall()
        if not rows:
            raise NotFoundError(f"no entity with id {entity_id!r}. List ids with `newsdesk entities`.")
        row = rows[0]
        return Entity(
            id=row["id"], name=row["name"], kind=row["kind"], mentions=[_mention_from_row(m) for m in mention_rows]
        )

    def entity_counts(
        self, *, kind: str | None = None, name: str | None = None, limit: int = 20, offset: int = 0
    ) -> tuple[list[EntityCount], int]:
        """Return one page of entities by reach; see :meth:`Store.entity_counts`."""
        where, params = [], []
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        if name:
            where.append("sort_name LIKE ? ESCAPE '\\'")
            params.append(_like_pattern(name.casefold()))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._transaction(write=False) as conn:
            total = int(conn.execute(f"SELECT count(*) FROM entities {clause}", params).fetchone()[0])
            rows = conn.execute(
                f"SELECT id, name, kind, mention_count, article_count FROM entities {clause} "
                f"ORDER BY article_count DESC, mention_count DESC, sort_name, id{self.BINARY} LIMIT ? OFFSET ?",
                (*params, max(0, limit), max(0, offset)),
            ).fetchall()
        page = [
            EntityCount(
                entity=Entity(id=row["id"], name=row["name"], kind=row["kind"]),
                mentions=row["mention_count"],
                articles=row["article_count"],
            )
            for row in rows
        ]
        return page, total

    def key_entities(self, story_ids: Sequence[str], limit: int = 5) -> dict[str, list[tuple[Entity, int]]]:
        """Return each story's most widespread entities; see :meth:`Store.key_entities`.

        Each story's entities are counted when it is written (``story_entities``); a page reads the first
        ``limit`` of each story in the order of the ``story_entities_rank`` index.
        """
        found: dict[str, list[tuple[Entity, int]]] = {}
        with self._transaction(write=False) as conn:
            for story_id in dict.fromkeys(story_ids):
                rows = conn.execute(
                    "SELECT e.id, e.name, e.kind, se.articles FROM story_entities se "
                    "JOIN entities e ON e.id = se.entity_id WHERE se.story_id = ? "
                    "ORDER BY se.articles DESC, se.mentions DESC, se.sort_name LIMIT ?",
                    (story_id, max(0, limit)),
                ).fetchall()
                if rows:
                    found[story_id] = [
                        (Entity(id=row["id"], name=row["name"], kind=row["kind"]), row["articles"]) for row in rows
                    ]
        return found

    def quotes(self, article_id: str | None = None, *, speaker: str | None = None) -> list[Quote]:
        """Return quotes in saved order; see :meth:`Store.quotes`."""
        if speaker is not None:
            rows = self._query("SELECT * FROM quotes WHERE speaker_entity = ? ORDER BY rowid", (speaker,))
        elif article_id is None:
            rows = self._query("SELECT * FROM quotes ORDER BY rowid")
        else:
            rows = self._query("SELECT * FROM quotes WHERE article_id = ? ORDER BY rowid", (article_id,))
        return [_quote_from_row(row) for row in rows]

    def claims(self, article_id: str | None = None, *, articles: Sequence[str] | None = None) -> list[Claim]:
        """Return claims in saved order; see :meth:`Store.claims`."""
        if articles is not None:
            rows = self._query(
                f"SELECT * FROM claims WHERE article_id IN ({self.IDS}) ORDER BY rowid", (self._ids(articles),)
            )
        elif article_id is None:
            rows = self._query("SELECT * FROM claims ORDER BY rowid")
        else:
            rows = self._query("SELECT * FROM claims WHERE article_id = ? ORDER BY rowid", (article_id,))
        return [_claim_from_row(row) for row in rows]

    def story_rows(
        self, query: StoryQuery = StoryQuery(), *, limit: int = 20, offset: int = 0
    ) -> tuple[list[StoryRow], int]:
        """Return one page of story summaries; see :meth:`Store.story_rows`.

        Each filter is an indexed subquery (mentions by entity, then story_articles by article; story_outlets
        by outlet; story_days by day), and each order has its index on the stories' list columns.
        """
        where: list[str] = []
        params: list[object] = []
        if query.entity is not None:
            where.append(
                "id IN (SELECT sa.story_id FROM mentions m JOIN story_articles sa ON sa.article_id = m.article_id "
                "WHERE m.entity_id = ?)"
            )
            params.append(query.entity)
        if query.article is not None:
            where.append("id IN (SELECT story_id FROM story_articles WHERE article_id = ?)")
            params.append(query.article)
        if query.source is not None:
            where.append("id IN (SELECT story_id FROM story_outlets WHERE outlet = ?)")
            params.append(query.source)
        if query.day_from is not None or query.day_to is not None:
            where.append("id IN (SELECT story_id FROM story_days WHERE day >= ? AND day <= ?)")
            params += [query.day_from or "0000-00-00", query.day_to or "9999-99-99"]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = {
            "size": "article_count DESC, contradictions DESC",
            "contested": "contradictions DESC, article_count DESC",
        }.get(query.sort, "latest DESC")
        with self._transaction(write=False) as conn:
            total = int(conn.execute(f"SELECT count(*) FROM stories {clause}", params).fetchone()[0])
            rows = conn.execute(
                f"SELECT {STORY_ROW_COLUMNS} FROM stories {clause} "
                f"ORDER BY {order}, sort_title, id{self.BINARY} LIMIT ? OFFSET ?",
                (*params, max(0, limit), max(0, offset)),
            ).fetchall()
        return [_story_row_from_row(row) for row in rows], total

    def story_sources(self) -> list[str]:
        """Return the stories' outlets; see :meth:`Store.story_sources`."""
        rows = self._query("SELECT DISTINCT outlet FROM story_outlets")
        return sorted((row["outlet"] for row in rows), key=str.casefold)

    def article_page(self, *, source: str | None = None, limit: int = 20, offset: int = 0) -> tuple[list[Article], int]:
        """Return one page of articles, newest first; see :meth:`Store.article_page`.

        An outlet named by its source is read through the ``articles_source`` index; an article without
        a source is named by its URL's domain, so those are picked out here from the source-less ones.
        """
        from newsdesk.report.markdown import UNKNOWN_SOURCE, source_label

        newest = f"coalesce(a.published, ''){self.BINARY} DESC, a.seq"
        limit, offset = max(0, limit), max(0, offset)
        with self._transaction(write=False) as conn:
            if source is None:
                total = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
                rows = conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles a ORDER BY {newest} LIMIT ? OFFSET ?", (limit, offset)
                ).fetchall()
            elif not source.startswith(UNKNOWN_SOURCE):
                total = int(conn.execute("SELECT count(*) FROM articles WHERE source = ?", (source,)).fetchone()[0])
                rows = conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.source = ? ORDER BY {newest} LIMIT ? OFFSET ?",
                    (source, limit, offset),
                ).fetchall()
            else:
                light = conn.execute(
                    "SELECT a.id, a.source, a.url FROM articles a "
                    f"WHERE a.source IS NULL OR trim(a.source) = '' ORDER BY {newest}"
                ).fetchall()
                kept = [
                    row["id"]
                    for row in light
                    if source_label(Article(id="", path="", title="", paragraphs=[], url=row["url"])) == source
                ]
                total = len(kept)
                page = kept[offset : offset + limit]
                found = conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id IN ({self.IDS})", (self._ids(page),)
                ).fetchall()
                by_id = {row["id"]: row for row in found}
                rows = [by_id[i] for i in page]
        return [_article_from_row(row) for row in rows], total

    def _load_stories(
        self, story_id: str | None, article: str | None = None, articles: Sequence[str] | None = None
    ) -> list[Story]:
        params: tuple[object, ...] = () if story_id is None else (story_id,)
        only_story = "" if story_id is None else "WHERE id = ?"
        only_parts = "" if story_id is None else "WHERE story_id = ?"
        if article is not None or articles is not None:
            if article is not None:
                params = (article,)
                holding = "(SELECT story_id FROM story_articles WHERE article_id = ?)"
            else:
                params = (self._ids(articles or ()),)
                holding = f"(SELECT story_id FROM story_articles WHERE article_id IN ({self.IDS}))"
            only_story, only_parts = f"WHERE id IN {holding}", f"WHERE story_id IN {holding}"
        with self._transaction(write=False) as conn:
            story_rows = conn.execute(
                f"SELECT id, title, lead_claim FROM stories {only_story} ORDER BY rowid", params
            ).fetchall()
            member_rows = conn.execute(
                f"SELECT story_id, article_id FROM story_articles {only_parts} ORDER BY story_id, position",
                params,
            ).fetchall()
            comparison_rows = conn.execute(
                f"SELECT * FROM comparisons {only_parts} ORDER BY story_id, position", params
            ).fetchall()
            dispute_rows = conn.execute(
                f"SELECT * FROM disputes {only_parts} ORDER BY story_id, position", params
            ).fetchall()
            side_rows = conn.execute(
                f"SELECT * FROM dispute_sides {only_parts} ORDER BY story_id, dispute, side", params
            ).fetchall()
            claim_rows = conn.execute(
                f"SELECT * FROM dispute_claims {only_parts} ORDER BY story_id, dispute, side, position", params
            ).fetchall()
            stance_rows = conn.execute(
                f"SELECT * FROM article_stances {only_parts} ORDER BY story_id, position", params
            ).fetchall()
            related_rows = conn.execute(
                f"SELECT * FROM story_related {only_parts} ORDER BY story_id, position", params
            ).fetchall()
        members: dict[str, list[str]] = {}
        for row in member_rows:
            members.setdefault(row["story_id"], []).append(row["article_id"])
        comparisons: dict[str, list[Comparison]] = {}
        for row in comparison_rows:
            comparisons.setdefault(row["story_id"], []).append(_comparison_from_row(row))
        disputes = _disputes_from_rows(dispute_rows, side_rows, claim_rows)
        stances: dict[str, list[ArticleStance]] = {}
        for row in stance_rows:
            stances.setdefault(row["story_id"], []).append(_stance_from_row(row))
        related: dict[str, list[RelatedStory]] = {}
        for row in related_rows:
            related.setdefault(row["story_id"], []).append(
                RelatedStory(story=row["related_id"], similarity=float(row["similarity"]), reason=row["reason"])
            )
        return [
            Story(
                id=row["id"],
                title=row["title"],
                articles=members.get(row["id"], []),
                comparisons=comparisons.get(row["id"], []),
                disputes=disputes.get(row["id"], []),
                lead_claim=row["lead_claim"],
                stances=stances.get(row["id"], []),
                related=related.get(row["id"], []),
            )
            for row in story_rows
        ]

    def related_links(self) -> dict[str, list[RelatedStory]]:
        """Return every story's related stories; see :meth:`Store.related_links`."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT story_id, related_id, similarity, reason FROM story_related ORDER BY story_id, position"
            ).fetchall()
        links: dict[str, list[RelatedStory]] = {}
        for row in rows:
            links.setdefault(row["story_id"], []).append(
                RelatedStory(story=row["related_id"], similarity=float(row["similarity"]), reason=row["reason"])
            )
        return links

    def story_titles(self, ids: Sequence[str]) -> dict[str, str]:
        """Return the titles of these stories; see :meth:`Store.story_titles`."""
        if not ids:
            return {}
        rows = self._query(f"SELECT id, title FROM stories WHERE id IN ({self.IDS})", (self._ids(ids),))
        return {row["id"]: row["title"] for row in rows}

    def stories(self, article: str | None = None, *, articles: Sequence[str] | None = None) -> list[Story]:
        """Return all stories with articles, comparisons, disputes and stances; see :meth:`Store.stories`."""
        return self._load_stories(None, article, articles)

    def get_story(self, story_id: str) -> Story:
        """Return one story; see :meth:`Store.get_story`."""
        found = self._load_stories(story_id)
        if not found:
            raise NotFoundError(f"no story with id {story_id!r}. List ids with `newsdesk stories`.")
        return found[0]

    # --- run log ---

    def record_run(self, *, command: str, inputs: int, added: int, problems: Sequence[Problem]) -> int:
        """Log one ingest run; see :meth:`Store.record_run`."""
        with self._transaction() as conn:
            run_id = int(conn.execute(INSERT_RUN, (command, inputs, added, utc_now())).fetchone()[0])
            conn.executemany(INSERT_PROBLEM, ((run_id, i, p.path, p.reason) for i, p in enumerate(problems)))
        return run_id

    def runs(self) -> list[dict[str, object]]:
        """Return the run log, oldest first; see :meth:`Store.runs`."""
        with self._transaction(write=False) as conn:
            run_rows = conn.execute("SELECT id, command, inputs, added, recorded_at FROM runs ORDER BY id").fetchall()
            problem_rows = conn.execute(
                "SELECT run_id, path, reason FROM run_problems ORDER BY run_id, position"
            ).fetchall()
        problems: dict[int, list[Problem]] = {}
        for row in problem_rows:
            problems.setdefault(row["run_id"], []).append(Problem(path=row["path"], reason=row["reason"]))
        return [{**dict(row), "problems": problems.get(row["id"], [])} for row in run_rows]

    # --- watch state ---

    def feed_state(self, url: str) -> FeedState | None:
        """Return a watched feed's state; see :meth:`Store.feed_state`."""
        rows = self._query(f"SELECT {FEED_STATE_COLUMNS} FROM feed_state WHERE url = ?", (url,))
        return _feed_state_from_row(rows[0]) if rows else None

    def feed_states(self) -> list[FeedState]:
        """Return every watched feed's state; see :meth:`Store.feed_states`."""
        rows = self._query(f"SELECT {FEED_STATE_COLUMNS} FROM feed_state ORDER BY rowid")
        return [_feed_state_from_row(row) for row in rows]

    def save_feed_state(self, state: FeedState) -> None:
        """Insert or update one feed's state; see :meth:`Store.save_feed_state`."""
        with self._transaction() as conn:
            conn.execute(
                UPSERT_FEED_STATE, (state.url, state.title, state.etag, state.last_modified, state.last_polled)
            )

    def seen_items(self, feed: str) -> set[str]:
        """Return the handled item keys of a feed; see :meth:`Store.seen_items`."""
        return {row["item_id"] for row in self._query("SELECT item_id FROM seen_items WHERE feed = ?", (feed,))}

    def mark_seen(self, feed: str, item_ids: Sequence[str]) -> None:
        """Remember feed items as handled; see :meth:`Store.mark_seen`."""
        now = utc_now()
        with self._transaction() as conn:
            conn.executemany(INSERT_SEEN, ((feed, item_id, now) for item_id in item_ids))

    # --- lifecycle ---

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
        return f"{type(self).__name__}({self.path!r})"
