"""The shared store: one PostgreSQL database, for several writers and a web server at once.

Opened with ``open_store("postgresql://user@host/db")``. The statements are
those of the SQLite store (:mod:`newsdesk.storage.sql`); this module adds what
is PostgreSQL's own:

1. Opening: connect (``psycopg`` 3), then bring the schema up to date: a new
   database gets :data:`~newsdesk.storage.migrations.POSTGRES_BASELINE`, later
   versions their ``postgres`` SQL, all in one transaction under an advisory
   lock, so processes starting together never migrate twice. A database with
   our table names but no ``schema_migrations`` is refused, and so is one
   written by a newer newsdesk.
2. Transactions: a writer takes a transaction-scoped advisory lock first, so
   writers run one at a time as they do on SQLite (no deadlocks between
   processes adding overlapping batches, and an analysis update computed from
   an older generation is refused, never interleaved). Readers never wait:
   each read runs in a ``REPEATABLE READ, READ ONLY`` snapshot.
   Articles are keyed by their id (URL, else raw content) (``PRIMARY KEY`` + ``ON CONFLICT
   DO NOTHING``), so an article sent by several processes is stored once.
3. Search: a stored, GIN-indexed ``tsvector`` over title (weight A) and text
   (weight B) in the ``newsdesk`` configuration (unaccent, then the English
   Snowball stemmer, no stop words), ranked by ``ts_rank``, with snippets from
   ``ts_headline``.
4. Errors: ``psycopg`` errors become the newsdesk exception tree; a lock
   waited on longer than ``timeout`` is a :class:`DatabaseLockedError`. A
   connection the server dropped is opened again on the next call.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from newsdesk.errors import DatabaseCorruptError, DatabaseLockedError, SchemaTooNewError, StorageError
from newsdesk.model import Article
from newsdesk.storage.base import (
    SNIPPET_ELLIPSIS,
    SNIPPET_END,
    SNIPPET_START,
    SNIPPET_TOKENS,
    query_terms,
    redact_url,
    utc_now,
)
from newsdesk.storage.migrations import LATEST_VERSION, MIGRATIONS, MIGRATIONS_TABLE_SQL, POSTGRES_BASELINE
from newsdesk.storage.sql import ARTICLE_COLUMNS, ResultRow, SQLStore, _article_from_row

logger = logging.getLogger(__name__)

# Advisory lock keys (any 64-bit numbers that other programs sharing the database are unlikely to use).
WRITE_LOCK = 0x6E657773_64657331
MIGRATION_LOCK = 0x6E657773_64657332

# Tables of ours: a database holding one of them without schema_migrations is not a newsdesk database.
OUR_TABLES = frozenset({"articles", "entities", "quotes", "claims", "stories", "runs", "feed_state"})

CONNECT_TIMEOUT = 10.0
"""Longest wait for the server to answer a connection, whatever the lock timeout."""

HEADLINE_OPTIONS = (
    f'StartSel="{SNIPPET_START}", StopSel="{SNIPPET_END}", MaxWords={SNIPPET_TOKENS}, '
    f'MinWords={SNIPPET_TOKENS // 2}, ShortWord=2, MaxFragments=1, FragmentDelimiter=" {SNIPPET_ELLIPSIS} "'
)

_WORD = re.compile(r"\w")


@lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    """The shared statements use ``?``; psycopg wants ``%s`` (no shared statement contains ``%`` or a literal ``?``)."""
    return sql.replace("?", "%s")


class PgRow:
    """A fetched row, read by column name or position, like ``sqlite3.Row``."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: int | str, /) -> Any:
        return self._values[key if isinstance(key, int) else self._index[key]]

    def keys(self) -> list[str]:
        """The column names, in order (so ``dict(row)`` works)."""
        return list(self._index)

    def __len__(self) -> int:
        return len(self._values)


def _pg_rows(cursor: Any) -> Callable[[Sequence[Any]], PgRow]:
    """A psycopg row factory making :class:`PgRow` objects."""
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: PgRow(index, values)


class _Connection:
    """A psycopg connection speaking the shared statements' dialect (``?`` placeholders, ``executemany``)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        return self._conn.execute(_placeholders(sql), parameters or None)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(_placeholders(sql), parameters)


def _snippet(headline: str, source: str) -> str:
    """Mark text left out at either end of a ``ts_headline`` fragment with an ellipsis, as SQLite's ``snippet()`` does.

    ``ts_headline`` drops punctuation at the ends of a fragment: when only
    punctuation follows it in the source, that is put back instead.
    """
    shown = headline.replace(SNIPPET_START, "").replace(SNIPPET_END, "").strip()
    at = source.find(shown) if shown else -1
    if at < 0:  # not found verbatim (markers in the text itself): say that it is an excerpt
        return f"{SNIPPET_ELLIPSIS}{headline.strip()}{SNIPPET_ELLIPSIS}"
    before, after = source[:at], source[at + len(shown) :]
    start = SNIPPET_ELLIPSIS if _WORD.search(before) else ""
    end = SNIPPET_ELLIPSIS if _WORD.search(after) else after.strip()
    return f"{start}{headline.strip()}{end}"


class PostgresStore(SQLStore):
    """A :class:`~newsdesk.storage.base.Store` in a PostgreSQL database, shared by many processes.

    Args:
        dsn: A libpq connection string, e.g. ``postgresql://newsdesk@db.local:5432/newsdesk``
            (a password is better kept in ``~/.pgpass`` or ``PGPASSWORD`` than in the URL).
        timeout: Seconds to wait for another writer's lock before raising
            :class:`DatabaseLockedError` (writers take turns, so the default is
            generous), and, up to :data:`CONNECT_TIMEOUT`, for the server to
            answer a connection.
        read_only: Every transaction of the session is read-only
            (``default_transaction_read_only``): a write raises StorageError.
            The schema must be at the latest version (a writable open migrates it).

    Raises:
        DatabaseCorruptError: The database holds tables of another program under our names.
        SchemaTooNewError: A newer newsdesk wrote it (left untouched).
        StorageError: The server cannot be reached, or the schema cannot be created.

    A store object belongs to the thread that opened it; open one per thread.
    """

    # A text[] parameter: the planner sees how many ids it holds (unnest's row estimate), so a short list is
    # read through the index instead of a scan of the table (json_array_elements_text is always taken for 100).
    IDS = "SELECT unnest(?::text[])"
    BINARY = ' COLLATE "C"'

    def __init__(self, dsn: str, *, timeout: float = 60.0, read_only: bool = False) -> None:
        self.dsn = dsn
        self.path = redact_url(dsn)
        self.timeout = timeout
        self.read_only = read_only
        self._closed = False
        self._conn: psycopg.Connection[Any] | None = None
        self._conn = self._connect()
        with self._errors():
            if read_only:
                version = self._version(self._conn, check=True)
                if version != LATEST_VERSION:
                    self.close()
                    raise StorageError(
                        f"{self.path} is at schema version {version}, not {LATEST_VERSION}; it cannot be upgraded "
                        "read-only. Open it once for writing (any newsdesk command, or `serve`, does)."
                    )
            else:
                self._migrate(self._conn)
        if not read_only:
            self._complete_list_rows()
        logger.debug("opened %s (schema version %d)", self.path, LATEST_VERSION)

    # --- connection and errors ---

    def _ids(self, ids: Iterable[str]) -> object:
        """The one parameter of :attr:`IDS`: a list, sent as a ``text[]``."""
        return list(ids)

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(
                self.dsn,
                autocommit=True,
                row_factory=_pg_rows,
                connect_timeout=max(1, round(min(self.timeout, CONNECT_TIMEOUT))),
                application_name="newsdesk",
                # Never prepared server-side: each statement is planned for its own parameters (a list of ids).
                prepare_threshold=None,
            )
        except psycopg.Error as exc:
            raise StorageError(
                f"cannot connect to {self.path}: {str(exc).strip()}. "
                "Check that the server is running and the URL, user and password are right."
            ) from exc
        try:
            # Waiting for another writer's lock is bounded, like SQLite's busy timeout.
            conn.execute(f"SET lock_timeout = {int(self.timeout * 1000)}")
            if self.read_only:
                conn.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            conn.close()
            raise StorageError(f"{self.path}: {exc}") from exc
        return conn

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        """Bring the schema up to date (see the module's step 1); cheap when it already is."""
        if self._version(conn, check=True) == LATEST_VERSION:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            version = self._version(conn, check=True)  # another process may have migrated meanwhile
            now = utc_now()
            if version == 0:
                conn.execute(MIGRATIONS_TABLE_SQL)
                conn.execute(POSTGRES_BASELINE.postgres)
                version = POSTGRES_BASELINE.version
                for migration in MIGRATIONS[:version]:
                    self._record(conn, migration.version, migration.description, now)
                logger.info("%s: created the newsdesk tables (schema version %d)", self.path, version)
            for migration in MIGRATIONS[version:]:
                conn.execute(migration.postgres)
                self._record(conn, migration.version, migration.description, now)
                logger.info("applied schema migration %d: %s", migration.version, migration.description)

    @staticmethod
    def _record(conn: psycopg.Connection[Any], version: int, description: str, now: str) -> None:
        conn.execute(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES (%s, %s, %s)",
            (version, description, now),
        )

    def _version(self, conn: psycopg.Connection[Any], *, check: bool) -> int:
        """Return the schema version of the database (0 for an empty one), refusing one not ours or too new."""
        tables = {
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
        }
        if "schema_migrations" not in tables:
            if check and tables & OUR_TABLES:
                raise DatabaseCorruptError(
                    f"{self.path} has tables named like newsdesk's ({', '.join(sorted(tables & OUR_TABLES))}) "
                    "but no schema_migrations table; it was left untouched. Give newsdesk a database of its own."
                )
            return 0
        recorded = {row[0] for row in conn.execute("SELECT version FROM schema_migrations").fetchall()}
        version = max(recorded, default=0)
        if check and version > LATEST_VERSION:
            raise SchemaTooNewError(
                f"{self.path} was written by a newer newsdesk (schema version {version}, this newsdesk knows up "
                f"to {LATEST_VERSION}); it was left untouched. Upgrade newsdesk to open it."
            )
        if check and recorded != set(range(1, version + 1)):
            raise DatabaseCorruptError(
                f"{self.path}: schema version {version} but migrations {sorted(recorded)} recorded; "
                "it was left untouched. Restore a backup."
            )
        return version

    def _error(self, exc: psycopg.Error) -> StorageError:
        message = str(exc).strip()
        if isinstance(exc, pg_errors.LockNotAvailable):
            return DatabaseLockedError(
                f"{self.path} is locked by another writer (waited {self.timeout:g} s). "
                "Wait for the other newsdesk command to finish and try again, or raise the timeout."
            )
        if isinstance(exc, psycopg.IntegrityError):
            return StorageError(f"{self.path}: rejected, nothing was written: {message}")
        if isinstance(exc, psycopg.OperationalError):
            return StorageError(f"{self.path}: {message}. Check that the server is running and reachable.")
        return StorageError(f"{self.path}: {message}")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Translate ``psycopg`` errors raised inside the block into newsdesk errors."""
        try:
            yield
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def _connection(self) -> psycopg.Connection[Any]:
        if self._closed or self._conn is None:
            raise StorageError(f"{self.path}: the store is closed. Open it again with open_store().")
        if self._conn.broken:
            # The server restarted or dropped us: a long-running watch or serve carries on.
            logger.warning("%s: the connection was lost; connecting again", self.path)
            self._conn.close()
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def _transaction(self, *, write: bool = True) -> Iterator[_Connection]:
        """Run the block in one transaction; see the module's step 2."""
        conn = self._connection()
        with self._errors(), conn.transaction():
            if write and not self.read_only:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            else:
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield _Connection(conn)

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[ResultRow]:
        with self._errors():
            rows: list[ResultRow] = self._connection().execute(_placeholders(sql), params or None).fetchall()
            return rows

    # --- search ---

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str]]:
        """Full-text search with ``tsvector`` (``ts_rank``); see :meth:`Store.search`.

        The snippet comes from the text when the text matches, else from the title.
        """
        terms = query_terms(query)
        if not terms or limit <= 0:
            return []
        # The page is chosen from the stored vectors alone (rank and order); only its rows then read their
        # text, which is what the snippet is cut from, and ts_headline (which parses a whole text) runs for them.
        rows = self._search_query(
            f"SELECT {ARTICLE_COLUMNS}, ts_headline('newsdesk', a.shown, q, ?) AS headline, a.shown "
            f"FROM (SELECT {ARTICLE_COLUMNS}, top.seq, top.rank, "
            # The text's own lexemes are those of weight B in the stored vector: no text is parsed again.
            "CASE WHEN ts_filter(a.search, '{b}') @@ q THEN a.text ELSE a.title END AS shown "
            "FROM (SELECT a.seq, ts_rank(a.search, q) AS rank "
            "FROM articles a, plainto_tsquery('newsdesk', ?) q WHERE a.search @@ q "
            "ORDER BY rank DESC, a.seq LIMIT ? OFFSET ?) top "
            "JOIN articles a ON a.seq = top.seq, plainto_tsquery('newsdesk', ?) q) a, "
            "plainto_tsquery('newsdesk', ?) q "
            "ORDER BY a.rank DESC, a.seq",
            (HEADLINE_OPTIONS, " ".join(terms), limit, max(0, offset), " ".join(terms), " ".join(terms)),
        )
        return [(_article_from_row(row), _snippet(row["headline"], row["shown"])) for row in rows]

    def search_count(self, query: str) -> int:
        """Count the matches of a full-text search; see :meth:`Store.search_count`."""
        terms = query_terms(query)
        if not terms:
            return 0
        rows = self._search_query(
            "SELECT count(*) AS n FROM articles WHERE search @@ plainto_tsquery('newsdesk', ?)", (" ".join(terms),)
        )
        return int(rows[0]["n"])

    def _search_query(self, sql: str, params: Sequence[object]) -> list[ResultRow]:
        """Run a search statement through the GIN index, whatever share of the articles matches.

        For a common word the planner prefers reading the whole table, which
        unpacks every article's stored ``tsvector`` to test it (80 ms for a word
        in 45% of 10,000 articles); the index finds the matches without that
        (3 ms to count them), so sequential scans are off for this one statement.
        """
        with self._transaction(write=False) as conn:
            conn.execute("SET LOCAL enable_seqscan = off")
            rows: list[ResultRow] = conn.execute(sql, params).fetchall()
        return rows

    # --- lifecycle ---

    def close(self) -> None:
        """Close the connection; idempotent."""
        self._closed = True
        if self._conn is not None:
            self._conn.close()
            self._conn = None
