"""Ordered, recorded schema migrations of the SQLite and PostgreSQL stores.

Each migration is a ``(version, description, sql, postgres)`` tuple. Versions
start at 1 and increase by one; a migration, once released, is never edited: a
schema change is a new migration appended to :data:`MIGRATIONS`.

One version number means the same tables in both engines. PostgreSQL support
started at version 7, so a new PostgreSQL database is created at once by
:data:`POSTGRES_BASELINE` (the tables of versions 1 to 7 in PostgreSQL's
types); every migration after it carries its ``postgres`` SQL too, which a
test checks.

The database records what was applied twice, on purpose: the
``schema_migrations`` table (version, description, applied_at) is the human
readable history, and ``PRAGMA user_version`` is the cheap number checked on
every open (a database newer than :data:`LATEST_VERSION` is refused).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from newsdesk.storage.base import utc_now

logger = logging.getLogger(__name__)


class Migration(NamedTuple):
    """One schema step: its SQLite SQL, and its PostgreSQL SQL for versions after the baseline."""

    version: int
    description: str
    sql: str
    postgres: str = ""


MIGRATIONS_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);
"""

# Migration 11 is the same SQL on both databases.
_ARTICLE_TERMS_SQL = """
-- Folded content words with their counts, whole and in the lead (JSON {term: count}), as story grouping
-- counts them; "key" names the counting and lead length they were made with (others are made again).
CREATE TABLE article_terms (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    "key"      TEXT NOT NULL,
    words      TEXT NOT NULL,
    lead       TEXT NOT NULL
);

-- Deleting an entity looks up the story rows that count it: without this, a scan of them per entity.
CREATE INDEX story_entities_entity ON story_entities(entity_id);
"""

MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "articles with full-text search",
        """
        CREATE TABLE articles (
            seq          INTEGER PRIMARY KEY,
            id           TEXT NOT NULL UNIQUE,
            path         TEXT NOT NULL,
            title        TEXT NOT NULL,
            text         TEXT NOT NULL,   -- paragraphs joined by a blank line, indexed by articles_fts
            paragraphs   TEXT NOT NULL,   -- JSON array of strings
            source       TEXT,
            url          TEXT,
            author       TEXT,
            published    TEXT,
            language     TEXT,
            removed      TEXT NOT NULL,   -- JSON array of {"text", "reason"}
            duplicate_of TEXT,
            added_at     TEXT NOT NULL
        );

        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text,
            content='articles', content_rowid='seq',
            tokenize='porter unicode61 remove_diacritics 2'
        );

        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END;

        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
        END;

        CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END;
        """,
    ),
    Migration(
        2,
        "derived data: entities, mentions, quotes, claims, stories, comparisons",
        """
        CREATE TABLE entities (
            id   TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'place', 'other'))
        );

        CREATE TABLE mentions (
            entity_id  TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id),
            text       TEXT NOT NULL,
            start      INTEGER NOT NULL,
            "end"      INTEGER NOT NULL,
            PRIMARY KEY (entity_id, position)
        );
        CREATE INDEX mentions_article ON mentions(article_id);

        CREATE TABLE quotes (
            id             TEXT PRIMARY KEY,
            article_id     TEXT NOT NULL REFERENCES articles(id),
            speaker        TEXT,
            speaker_entity TEXT REFERENCES entities(id),
            cue            TEXT,
            text           TEXT NOT NULL,
            direct         INTEGER NOT NULL CHECK (direct IN (0, 1)),
            start          INTEGER NOT NULL,
            "end"          INTEGER NOT NULL,
            date           TEXT
        );
        CREATE INDEX quotes_article ON quotes(article_id);
        CREATE INDEX quotes_speaker_entity ON quotes(speaker_entity);

        CREATE TABLE claims (
            id         TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            text       TEXT NOT NULL,
            holder     TEXT,
            start      INTEGER NOT NULL,
            "end"      INTEGER NOT NULL,
            quote_id   TEXT REFERENCES quotes(id),
            negated    INTEGER NOT NULL CHECK (negated IN (0, 1)),
            date       TEXT
        );
        CREATE INDEX claims_article ON claims(article_id);
        CREATE INDEX claims_quote ON claims(quote_id);

        CREATE TABLE stories (
            id    TEXT PRIMARY KEY,
            title TEXT NOT NULL
        );

        CREATE TABLE story_articles (
            story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles(id),
            position   INTEGER NOT NULL,
            PRIMARY KEY (story_id, article_id)
        );
        CREATE INDEX story_articles_article ON story_articles(article_id);

        CREATE TABLE comparisons (
            story_id    TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            position    INTEGER NOT NULL,
            about       TEXT NOT NULL,
            relation    TEXT NOT NULL CHECK (relation IN ('agree', 'contradict', 'update', 'unrelated')),
            kind        TEXT NOT NULL,
            explanation TEXT NOT NULL,
            score       REAL NOT NULL,
            a_article   TEXT NOT NULL REFERENCES articles(id),
            a_text      TEXT NOT NULL,
            a_holder    TEXT,
            b_article   TEXT NOT NULL REFERENCES articles(id),
            b_text      TEXT NOT NULL,
            b_holder    TEXT,
            PRIMARY KEY (story_id, position)
        );
        CREATE INDEX comparisons_a_article ON comparisons(a_article);
        CREATE INDEX comparisons_b_article ON comparisons(b_article);
        """,
    ),
    Migration(
        3,
        "ingest run log with rejected inputs",
        """
        CREATE TABLE runs (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            command     TEXT NOT NULL,
            inputs      INTEGER NOT NULL,
            added       INTEGER NOT NULL,
            recorded_at TEXT NOT NULL
        );

        CREATE TABLE run_problems (
            run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            path     TEXT NOT NULL,
            reason   TEXT NOT NULL,
            PRIMARY KEY (run_id, position)
        );
        """,
    ),
    Migration(
        4,
        "watch state: feed validators and seen feed items",
        """
        CREATE TABLE feed_state (
            url           TEXT PRIMARY KEY,
            title         TEXT,
            etag          TEXT,
            last_modified TEXT,
            last_polled   TEXT
        );

        CREATE TABLE seen_items (
            feed    TEXT NOT NULL,
            item_id TEXT NOT NULL,   -- the item's guid/id or its link
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed, item_id)
        ) WITHOUT ROWID;
        """,
    ),
    Migration(
        5,
        "quote scores from the learned cue model",
        """
        -- NULL when the rules found the quote
        ALTER TABLE quotes ADD COLUMN score REAL;
        """,
    ),
    Migration(
        6,
        "story disputes with their sides, lead claims and article stances",
        """
        -- NULL for stories analysed before stances existed
        ALTER TABLE stories ADD COLUMN lead_claim TEXT;

        CREATE TABLE disputes (
            story_id    TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            position    INTEGER NOT NULL,
            id          TEXT NOT NULL,
            about       TEXT NOT NULL,
            explanation TEXT NOT NULL,
            score       REAL NOT NULL,
            first_seen  TEXT,
            last_seen   TEXT,
            PRIMARY KEY (story_id, position),
            UNIQUE (story_id, id)
        );

        CREATE TABLE dispute_sides (
            story_id TEXT NOT NULL,
            dispute  INTEGER NOT NULL,   -- disputes.position
            side     INTEGER NOT NULL,   -- 0 is side A, 1 is side B
            holders  TEXT NOT NULL,      -- JSON array of strings
            outlets  TEXT NOT NULL,      -- JSON array of strings
            PRIMARY KEY (story_id, dispute, side),
            FOREIGN KEY (story_id, dispute) REFERENCES disputes(story_id, position) ON DELETE CASCADE
        );

        CREATE TABLE dispute_claims (
            story_id   TEXT NOT NULL,
            dispute    INTEGER NOT NULL,
            side       INTEGER NOT NULL,
            position   INTEGER NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id),
            text       TEXT NOT NULL,
            holder     TEXT,
            PRIMARY KEY (story_id, dispute, side, position),
            FOREIGN KEY (story_id, dispute, side)
                REFERENCES dispute_sides(story_id, dispute, side) ON DELETE CASCADE
        );
        CREATE INDEX dispute_claims_article ON dispute_claims(article_id);

        CREATE TABLE article_stances (
            story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id),
            stance     TEXT NOT NULL CHECK (stance IN ('supports', 'disputes', 'discusses', 'unrelated')),
            score      REAL NOT NULL,
            PRIMARY KEY (story_id, position),
            UNIQUE (story_id, article_id)
        );
        CREATE INDEX article_stances_article ON article_stances(article_id);
        """,
    ),
    Migration(
        7,
        "incremental analysis: saved per-article enrichment, embeddings, entity digests, analysis generation",
        """
        -- What enrichment found in one article on its own (its quotes are in quotes), saved so no article
        -- is parsed twice. An article without a row here is not enriched yet.
        CREATE TABLE enrichments (
            article_id  TEXT PRIMARY KEY REFERENCES articles(id),
            mentions    TEXT NOT NULL,   -- JSON [[text, start, end, kind], ...]: the tagger's, before merging
            aliases     TEXT NOT NULL,   -- JSON [[name, alias], ...] stated in the text
            minhash     BLOB,            -- near-duplicate signature, little-endian uint32
            enriched_at TEXT NOT NULL
        );

        -- Title + lead embeddings (float32), made once per article when a step needs them.
        CREATE TABLE embeddings (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            vector     BLOB NOT NULL
        );

        -- NULL for entities saved before digests: such an entity is rewritten by the next update.
        ALTER TABLE entities ADD COLUMN digest TEXT;

        -- Moves on with every saved analysis, so an analysis computed from an older state is refused.
        CREATE TABLE analysis_state (
            id         INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL
        );
        INSERT INTO analysis_state (id, generation) VALUES (1, 0);
        """,
    ),
    Migration(
        8,
        "model outputs kept by input: claim vectors and claim-pair probabilities",
        """
        -- What a model made of an input, so a claim read once is never read again: the model's name with
        -- its weights' digest, a digest of the input text(s), and the output row (little-endian floats).
        CREATE TABLE model_outputs (
            model TEXT NOT NULL,
            key   TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (model, key)
        ) WITHOUT ROWID;
        """,
        """
        CREATE TABLE model_outputs (
            model TEXT NOT NULL,
            key   TEXT NOT NULL,
            value BYTEA NOT NULL,
            PRIMARY KEY (model, key)
        );
        """,
    ),
    Migration(
        9,
        "a store that serves: story and entity list rows kept with the analysis, with their indexes",
        """
        -- What a list shows of a story, written with the story (NULL until then: the next writer fills it).
        ALTER TABLE stories ADD COLUMN article_count INTEGER;
        ALTER TABLE stories ADD COLUMN contradictions INTEGER;
        ALTER TABLE stories ADD COLUMN updates INTEGER;
        ALTER TABLE stories ADD COLUMN agreements INTEGER;
        ALTER TABLE stories ADD COLUMN disputes INTEGER;
        ALTER TABLE stories ADD COLUMN first_day TEXT;
        ALTER TABLE stories ADD COLUMN last_day TEXT;
        ALTER TABLE stories ADD COLUMN latest TEXT;       -- newest publication timestamp, '' for none
        ALTER TABLE stories ADD COLUMN sources TEXT;      -- JSON array of outlet labels
        ALTER TABLE stories ADD COLUMN sort_title TEXT;   -- the title case folded
        CREATE INDEX stories_latest ON stories(latest DESC, sort_title, id);
        CREATE INDEX stories_size ON stories(article_count DESC, contradictions DESC, sort_title, id);
        CREATE INDEX stories_contested ON stories(contradictions DESC, article_count DESC, sort_title, id);

        -- The outlets and publication days of a story's articles, for the list's filters.
        CREATE TABLE story_outlets (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            outlet   TEXT NOT NULL,
            PRIMARY KEY (story_id, outlet)
        );
        CREATE INDEX story_outlets_outlet ON story_outlets(outlet);
        CREATE TABLE story_days (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            day      TEXT NOT NULL,
            PRIMARY KEY (story_id, day)
        );
        CREATE INDEX story_days_day ON story_days(day);

        -- How many of a story's articles mention each entity, and how often: its key entities, read in order.
        CREATE TABLE story_entities (
            story_id  TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            articles  INTEGER NOT NULL,
            mentions  INTEGER NOT NULL,
            sort_name TEXT NOT NULL,
            PRIMARY KEY (story_id, entity_id)
        );
        CREATE INDEX story_entities_rank ON story_entities(story_id, articles DESC, mentions DESC, sort_name);

        -- How widely an entity is mentioned, written with its mentions.
        ALTER TABLE entities ADD COLUMN mention_count INTEGER;
        ALTER TABLE entities ADD COLUMN article_count INTEGER;
        ALTER TABLE entities ADD COLUMN sort_name TEXT;   -- the name case folded
        CREATE INDEX entities_rank ON entities(article_count DESC, mention_count DESC, sort_name, id);

        -- The article list: newest first, undated last, then insertion order; and by outlet.
        CREATE INDEX articles_newest ON articles(coalesce(published, '') DESC, seq);
        CREATE INDEX articles_source ON articles(source, seq);
        """,
        """
        ALTER TABLE stories
            ADD COLUMN article_count INTEGER,
            ADD COLUMN contradictions INTEGER,
            ADD COLUMN updates INTEGER,
            ADD COLUMN agreements INTEGER,
            ADD COLUMN disputes INTEGER,
            ADD COLUMN first_day TEXT,
            ADD COLUMN last_day TEXT,
            ADD COLUMN latest TEXT COLLATE "C",
            ADD COLUMN sources TEXT,
            ADD COLUMN sort_title TEXT COLLATE "C";
        CREATE INDEX stories_latest ON stories(latest DESC, sort_title, id COLLATE "C");
        CREATE INDEX stories_size ON stories(article_count DESC, contradictions DESC, sort_title, id COLLATE "C");
        CREATE INDEX stories_contested ON stories(contradictions DESC, article_count DESC, sort_title, id COLLATE "C");

        CREATE TABLE story_outlets (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            outlet   TEXT NOT NULL,
            PRIMARY KEY (story_id, outlet)
        );
        CREATE INDEX story_outlets_outlet ON story_outlets(outlet);
        CREATE TABLE story_days (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            day      TEXT NOT NULL,
            PRIMARY KEY (story_id, day)
        );
        CREATE INDEX story_days_day ON story_days(day);
        CREATE TABLE story_entities (
            story_id  TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            articles  INTEGER NOT NULL,
            mentions  INTEGER NOT NULL,
            sort_name TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (story_id, entity_id)
        );
        CREATE INDEX story_entities_rank ON story_entities(story_id, articles DESC, mentions DESC, sort_name);

        ALTER TABLE entities
            ADD COLUMN mention_count INTEGER,
            ADD COLUMN article_count INTEGER,
            ADD COLUMN sort_name TEXT COLLATE "C";
        CREATE INDEX entities_rank ON entities(article_count DESC, mention_count DESC, sort_name, id COLLATE "C");

        CREATE INDEX articles_newest ON articles((coalesce(published, '') COLLATE "C") DESC, seq);
        CREATE INDEX articles_source ON articles(source, seq);
        """,
    ),
    Migration(
        10,
        "related stories: links between stories that continue or precede each other",
        """
        -- Written both ways (A lists B and B lists A); related_id has no foreign key: links are replaced
        -- whole with every analysis, never story by story.
        CREATE TABLE story_related (
            story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            related_id TEXT NOT NULL,
            similarity REAL NOT NULL,
            reason     TEXT NOT NULL,
            PRIMARY KEY (story_id, position)
        );
        """,
        """
        CREATE TABLE story_related (
            story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            related_id TEXT NOT NULL,
            similarity DOUBLE PRECISION NOT NULL,
            reason     TEXT NOT NULL,
            PRIMARY KEY (story_id, position)
        );
        """,
    ),
    Migration(
        11,
        "word counts of each article for story grouping, made once per article; story entities by entity",
        _ARTICLE_TERMS_SQL,
        _ARTICLE_TERMS_SQL,
    ),
]

LATEST_VERSION: int = MIGRATIONS[-1].version
"""The schema version this code writes; newer databases are refused."""

POSTGRES_BASELINE = Migration(
    7,
    "the tables of versions 1 to 7, for PostgreSQL",
    "",
    """
    -- Full-text search folds accents and stems English words like SQLite's
    -- 'porter unicode61 remove_diacritics 2' tokenizer, and keeps stop words ("the" is searchable).
    -- unaccent is a trusted extension: the database owner may create it.
    CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE TEXT SEARCH DICTIONARY newsdesk_stem (TEMPLATE = snowball, Language = english);
    CREATE TEXT SEARCH CONFIGURATION newsdesk (COPY = pg_catalog.simple);
    ALTER TEXT SEARCH CONFIGURATION newsdesk
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH unaccent, newsdesk_stem;

    -- "rowid" columns make SQLite's implicit row order explicit: lists come back in saved order.
    CREATE TABLE articles (
        seq          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id           TEXT PRIMARY KEY,
        path         TEXT NOT NULL,
        title        TEXT NOT NULL,
        text         TEXT NOT NULL,
        paragraphs   TEXT NOT NULL,
        source       TEXT,
        url          TEXT,
        author       TEXT,
        published    TEXT,
        language     TEXT,
        removed      TEXT NOT NULL,
        duplicate_of TEXT,
        added_at     TEXT NOT NULL,
        search       TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('newsdesk', title), 'A') || setweight(to_tsvector('newsdesk', text), 'B')
        ) STORED
    );
    CREATE INDEX articles_search ON articles USING GIN (search);

    CREATE TABLE entities (
        rowid  BIGINT GENERATED ALWAYS AS IDENTITY,
        id     TEXT PRIMARY KEY,
        name   TEXT NOT NULL,
        kind   TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'place', 'other')),
        digest TEXT
    );

    CREATE TABLE mentions (
        entity_id  TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id),
        text       TEXT NOT NULL,
        start      INTEGER NOT NULL,
        "end"      INTEGER NOT NULL,
        PRIMARY KEY (entity_id, position)
    );
    CREATE INDEX mentions_article ON mentions(article_id);

    CREATE TABLE quotes (
        rowid          BIGINT GENERATED ALWAYS AS IDENTITY,
        id             TEXT PRIMARY KEY,
        article_id     TEXT NOT NULL REFERENCES articles(id),
        speaker        TEXT,
        speaker_entity TEXT REFERENCES entities(id),
        cue            TEXT,
        text           TEXT NOT NULL,
        direct         INTEGER NOT NULL CHECK (direct IN (0, 1)),
        start          INTEGER NOT NULL,
        "end"          INTEGER NOT NULL,
        date           TEXT,
        score          DOUBLE PRECISION
    );
    CREATE INDEX quotes_article ON quotes(article_id);
    CREATE INDEX quotes_speaker_entity ON quotes(speaker_entity);

    CREATE TABLE claims (
        rowid      BIGINT GENERATED ALWAYS AS IDENTITY,
        id         TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        text       TEXT NOT NULL,
        holder     TEXT,
        start      INTEGER NOT NULL,
        "end"      INTEGER NOT NULL,
        quote_id   TEXT REFERENCES quotes(id),
        negated    INTEGER NOT NULL CHECK (negated IN (0, 1)),
        date       TEXT
    );
    CREATE INDEX claims_article ON claims(article_id);
    CREATE INDEX claims_quote ON claims(quote_id);

    CREATE TABLE stories (
        rowid      BIGINT GENERATED ALWAYS AS IDENTITY,
        id         TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        lead_claim TEXT
    );

    CREATE TABLE story_articles (
        story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id),
        position   INTEGER NOT NULL,
        PRIMARY KEY (story_id, article_id)
    );
    CREATE INDEX story_articles_article ON story_articles(article_id);

    CREATE TABLE comparisons (
        story_id    TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        about       TEXT NOT NULL,
        relation    TEXT NOT NULL CHECK (relation IN ('agree', 'contradict', 'update', 'unrelated')),
        kind        TEXT NOT NULL,
        explanation TEXT NOT NULL,
        score       DOUBLE PRECISION NOT NULL,
        a_article   TEXT NOT NULL REFERENCES articles(id),
        a_text      TEXT NOT NULL,
        a_holder    TEXT,
        b_article   TEXT NOT NULL REFERENCES articles(id),
        b_text      TEXT NOT NULL,
        b_holder    TEXT,
        PRIMARY KEY (story_id, position)
    );
    CREATE INDEX comparisons_a_article ON comparisons(a_article);
    CREATE INDEX comparisons_b_article ON comparisons(b_article);

    CREATE TABLE runs (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        command     TEXT NOT NULL,
        inputs      INTEGER NOT NULL,
        added       INTEGER NOT NULL,
        recorded_at TEXT NOT NULL
    );

    CREATE TABLE run_problems (
        run_id   BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        path     TEXT NOT NULL,
        reason   TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
    );

    CREATE TABLE feed_state (
        rowid         BIGINT GENERATED ALWAYS AS IDENTITY,
        url           TEXT PRIMARY KEY,
        title         TEXT,
        etag          TEXT,
        last_modified TEXT,
        last_polled   TEXT
    );

    CREATE TABLE seen_items (
        feed    TEXT NOT NULL,
        item_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed, item_id)
    );

    CREATE TABLE disputes (
        story_id    TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        id          TEXT NOT NULL,
        about       TEXT NOT NULL,
        explanation TEXT NOT NULL,
        score       DOUBLE PRECISION NOT NULL,
        first_seen  TEXT,
        last_seen   TEXT,
        PRIMARY KEY (story_id, position),
        UNIQUE (story_id, id)
    );

    CREATE TABLE dispute_sides (
        story_id TEXT NOT NULL,
        dispute  INTEGER NOT NULL,
        side     INTEGER NOT NULL,
        holders  TEXT NOT NULL,
        outlets  TEXT NOT NULL,
        PRIMARY KEY (story_id, dispute, side),
        FOREIGN KEY (story_id, dispute) REFERENCES disputes(story_id, position) ON DELETE CASCADE
    );

    CREATE TABLE dispute_claims (
        story_id   TEXT NOT NULL,
        dispute    INTEGER NOT NULL,
        side       INTEGER NOT NULL,
        position   INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id),
        text       TEXT NOT NULL,
        holder     TEXT,
        PRIMARY KEY (story_id, dispute, side, position),
        FOREIGN KEY (story_id, dispute, side) REFERENCES dispute_sides(story_id, dispute, side) ON DELETE CASCADE
    );
    CREATE INDEX dispute_claims_article ON dispute_claims(article_id);

    CREATE TABLE article_stances (
        story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id),
        stance     TEXT NOT NULL CHECK (stance IN ('supports', 'disputes', 'discusses', 'unrelated')),
        score      DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (story_id, position),
        UNIQUE (story_id, article_id)
    );
    CREATE INDEX article_stances_article ON article_stances(article_id);

    CREATE TABLE enrichments (
        article_id  TEXT PRIMARY KEY REFERENCES articles(id),
        mentions    TEXT NOT NULL,
        aliases     TEXT NOT NULL,
        minhash     BYTEA,
        enriched_at TEXT NOT NULL
    );

    CREATE TABLE embeddings (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        vector     BYTEA NOT NULL
    );

    CREATE TABLE analysis_state (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        generation BIGINT NOT NULL
    );
    INSERT INTO analysis_state (id, generation) VALUES (1, 0);
    """,
)
"""How a new PostgreSQL database gets the tables of :data:`MIGRATIONS` up to its version at once.

The PostgreSQL store records the versions it covers with their SQLite descriptions, so both engines show
the same history; later versions come from the ``postgres`` SQL of :data:`MIGRATIONS`.
"""


def split_statements(sql: str) -> list[str]:
    """Split a script into complete SQL statements.

    Splitting on ``;`` alone would cut trigger bodies apart, so pieces are
    accumulated until :func:`sqlite3.complete_statement` accepts them.

    Args:
        sql: Statements separated by semicolons.

    Returns:
        The statements, each ending with ``;``; blank remainders are dropped.
    """
    statements: list[str] = []
    buffer = ""
    *pieces, rest = sql.split(";")
    for piece in pieces:
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                statements.append(buffer.strip())
            buffer = ""
    buffer += rest
    if buffer.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {buffer.strip()[:80]!r}")
    return statements


def user_version(conn: sqlite3.Connection) -> int:
    """Return the database's ``PRAGMA user_version``."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def apply_migrations(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations a database is missing, in order.

    Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together
    with its ``schema_migrations`` row and the new ``user_version``, so a
    failure leaves the database at the previous version. The version is read
    again inside the transaction, so two processes opening a new database at
    once do not apply a step twice.

    Args:
        conn: A connection in autocommit mode (``isolation_level=None``).
        migrations: The steps, ordered by version (the default is the real list;
            tests pass a prefix to build old databases).

    Returns:
        The versions applied now (empty when the database was up to date).

    Raises:
        sqlite3.Error: A step failed; it was rolled back.
    """
    applied: list[int] = []
    for migration in migrations:
        if user_version(conn) >= migration.version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) >= migration.version:
                conn.execute("ROLLBACK")
                continue
            conn.execute(MIGRATIONS_TABLE_SQL)
            for statement in split_statements(migration.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, utc_now()),
            )
            # PRAGMA takes no parameters; the version is an int from this module.
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        logger.info("applied schema migration %d: %s", migration.version, migration.description)
        applied.append(migration.version)
    return applied
