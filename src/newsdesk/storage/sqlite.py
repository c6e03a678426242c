"""The embedded default store: one SQLite file.

Opening a path goes through these steps, so a file that is not ours is never
written to:

1. If the file exists and is not empty, its first 100 bytes must be an SQLite
   header (``SQLite format 3\\0``); otherwise :class:`DatabaseCorruptError`.
   This runs before connecting, because ``sqlite3.connect`` accepts any file
   and switching to WAL would write into it.
2. Connect with a busy timeout, then (existing files only) run
   ``PRAGMA quick_check`` and check the database is a newsdesk one: it has a
   ``schema_migrations`` table, or no tables at all.
3. Refuse a ``user_version`` newer than the code's latest migration
   (:class:`SchemaTooNewError`).
4. Only now write: switch to WAL, enable foreign keys, apply the missing
   migrations in order.

Every later ``sqlite3`` error is translated into the newsdesk exception tree
(locked, damaged, or a generic :class:`StorageError`) by
:meth:`SQLiteStore._errors`. The statements themselves are shared with the
PostgreSQL store (:mod:`newsdesk.storage.sql`); only opening, transactions and
FTS5 search are SQLite's own.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from newsdesk.errors import DatabaseCorruptError, DatabaseLockedError, SchemaTooNewError, StorageError
from newsdesk.model import Article
from newsdesk.storage.base import SNIPPET_ELLIPSIS, SNIPPET_END, SNIPPET_START, SNIPPET_TOKENS, query_terms
from newsdesk.storage.migrations import LATEST_VERSION, apply_migrations, user_version
from newsdesk.storage.sql import ARTICLE_COLUMNS, ResultRow, SQLStore, _article_from_row

logger = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100
MEMORY = ":memory:"


def fts_query(terms: Iterable[str]) -> str:
    """Return an FTS5 MATCH expression requiring every term, taken literally.

    Each term becomes a double-quoted FTS5 string (inner quotes doubled), so
    operators and syntax characters in user input are just text.
    """
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


# --- opening -----------------------------------------------------------------------


def _untouched(path: str, what: str, advice: str) -> str:
    return f"{path} {what}; it was left untouched. {advice}"


def _corrupt(path: str, detail: str) -> DatabaseCorruptError:
    return DatabaseCorruptError(
        _untouched(
            path,
            f"is not a newsdesk database or is damaged ({detail})",
            "Check the path, restore a backup, or move the file away to start a new database.",
        )
    )


def _locked(path: str, timeout: float) -> DatabaseLockedError:
    return DatabaseLockedError(
        f"{path} is locked by another process (waited {timeout:g} s). "
        "Wait for the other newsdesk command to finish and try again, or raise the timeout."
    )


def _check_header(path: Path) -> None:
    """Refuse an existing, non-empty file that does not start with an SQLite header."""
    if path.is_dir():
        raise StorageError(f"{path} is a directory, not a database file. Give the path of a file.")
    if not path.exists():
        return
    with path.open("rb") as handle:
        header = handle.read(HEADER_SIZE)
    if not header:
        return  # an empty file is an empty database; SQLite initialises it
    if len(header) < HEADER_SIZE or not header.startswith(SQLITE_HEADER):
        raise _corrupt(str(path), "no SQLite header")


def _check_database(conn: sqlite3.Connection, path: str) -> None:
    """Check an existing database is intact, ours and not newer than this code.

    Raises:
        DatabaseCorruptError: Damaged, or an SQLite database of another program.
        SchemaTooNewError: Written by a newer newsdesk.
    """
    problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
    if problems != ["ok"]:
        raise _corrupt(path, "quick_check: " + "; ".join(str(p) for p in problems[:3]))
    tables = {
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    }
    version = user_version(conn)
    if "schema_migrations" not in tables:
        if tables or version:
            raise DatabaseCorruptError(
                _untouched(
                    path,
                    "is an SQLite database but not a newsdesk database (it has no schema_migrations table)",
                    "Give newsdesk a path of its own.",
                )
            )
        return  # a valid, empty database: migrations will fill it
    columns = {row[1] for row in conn.execute("PRAGMA table_info(schema_migrations)")}
    if not {"version", "description", "applied_at"} <= columns:
        raise DatabaseCorruptError(
            _untouched(
                path,
                "is an SQLite database but not a newsdesk database "
                "(its schema_migrations table belongs to another program)",
                "Give newsdesk a path of its own.",
            )
        )
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            _untouched(
                path,
                f"was written by a newer newsdesk (schema version {version}, this newsdesk knows up to "
                f"{LATEST_VERSION})",
                "Upgrade newsdesk to open it.",
            )
        )
    recorded = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    if recorded != set(range(1, version + 1)):
        raise _corrupt(path, f"schema version {version} but migrations {sorted(recorded)} recorded")


def _connect(path: Path | str, timeout: float, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        # mode=ro: SQLite itself refuses every write through this connection.
        conn = sqlite3.connect(
            f"{Path(path).resolve().as_uri()}?mode=ro", timeout=timeout, isolation_level=None, uri=True
        )
    else:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


class SQLiteStore(SQLStore):
    """A :class:`~newsdesk.storage.base.Store` in one SQLite file (WAL mode).

    Args:
        path: The database file; created with its parent directories when
            missing. ``":memory:"`` gives a private in-memory database.
        timeout: Seconds to wait for another process's lock before raising
            :class:`DatabaseLockedError`.
        read_only: Open the file read-only (``mode=ro``): every write raises
            :class:`StorageError`. The file must exist at the latest schema
            version (a writable open migrates it), as a server's reads expect.

    Raises:
        DatabaseCorruptError: The file is not a newsdesk database or is damaged
            (it is left untouched).
        SchemaTooNewError: A newer newsdesk wrote it (left untouched).
        DatabaseLockedError: Another process kept it locked past ``timeout``.
        StorageError: It cannot be opened for another reason.

    A store object belongs to the thread that opened it; open one per thread.
    """

    IDS = "SELECT value FROM json_each(?)"

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 5.0, read_only: bool = False) -> None:
        self.path = str(path)
        self.timeout = timeout
        self.read_only = read_only
        self._conn: sqlite3.Connection | None = None
        self._conn = self._open_read_only() if read_only else self._open()
        if not read_only:
            self._complete_list_rows()
        logger.debug("opened %s (schema version %d)", self.path, LATEST_VERSION)

    # --- connection and errors ---

    def _open(self) -> sqlite3.Connection:
        in_memory = self.path == MEMORY
        file = Path(self.path)
        if not in_memory:
            _check_header(file)
        existing = not in_memory and file.exists() and file.stat().st_size > 0
        try:
            if not in_memory:
                file.parent.mkdir(parents=True, exist_ok=True)
            conn = _connect(MEMORY if in_memory else file, self.timeout)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open {self.path}: {exc}. Check the path and its permissions.") from exc
        try:
            with self._errors(opening=True):
                if existing:
                    _check_database(conn, self.path)
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal" and not in_memory:
                    logger.warning(
                        "%s: journal_mode is %s, not wal (file system without shared memory?)",
                        self.path,
                        mode,
                    )
                conn.execute("PRAGMA foreign_keys = ON")
                apply_migrations(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        """Open an existing, up-to-date database read-only (nothing is written, not even the journal mode)."""
        file = Path(self.path)
        if self.path == MEMORY or not file.is_file():
            raise StorageError(f"{self.path} does not exist; a read-only store needs an existing database.")
        _check_header(file)
        try:
            conn = _connect(file, self.timeout, read_only=True)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open {self.path}: {exc}. Check the path and its permissions.") from exc
        try:
            with self._errors(opening=True):
                version = user_version(conn)
                if version != LATEST_VERSION:
                    _check_database(conn, self.path)  # refuses a file that is not ours, or newer
                    raise StorageError(
                        f"{self.path} is at schema version {version}, not {LATEST_VERSION}; it cannot be "
                        "upgraded read-only. Open it once for writing (any newsdesk command, or `serve`, does)."
                    )
        except BaseException:
            conn.close()
            raise
        return conn

    def _error(self, exc: sqlite3.Error, *, opening: bool = False) -> StorageError:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in str(exc):
            return _locked(self.path, self.timeout)
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or (opening and type(exc) is sqlite3.DatabaseError):
            if opening:
                return _corrupt(self.path, str(exc))
            return DatabaseCorruptError(
                f"{self.path} is damaged ({exc}). Restore a backup, or run `sqlite3 {self.path} .recover`."
            )
        if isinstance(exc, sqlite3.IntegrityError):
            return StorageError(f"{self.path}: rejected, nothing was written: {exc}")
        if name.startswith("SQLITE_READONLY"):
            return StorageError(f"{self.path} is open read-only: nothing was written ({exc}).")
        return StorageError(f"{self.path}: {exc}")

    @contextmanager
    def _errors(self, *, opening: bool = False) -> Iterator[None]:
        """Translate ``sqlite3`` errors raised inside the block into newsdesk errors."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._error(exc, opening=opening) from exc

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError(f"{self.path}: the store is closed. Open it again with open_store().")
        return self._conn

    @contextmanager
    def _transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """Run the block in one transaction; roll back on any exception.

        Writers use ``BEGIN IMMEDIATE`` so the write lock (and the busy wait) is
        taken up front; multi-query readers use ``BEGIN`` for one snapshot.
        """
        conn = self._connection()
        with self._errors():
            conn.execute("BEGIN IMMEDIATE" if write and not self.read_only else "BEGIN")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[ResultRow]:
        with self._errors():
            return self._connection().execute(sql, params).fetchall()

    # --- search ---

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str]]:
        """Full-text search with FTS5 (bm25 rank); see :meth:`Store.search`."""
        terms = query_terms(query)
        if not terms or limit <= 0:
            return []
        # Ordered by rank alone, FTS5 sorts the matches itself and stops at the page: snippets are made for
        # the page's rows only (adding a second key made SQLite sort every match, with its snippet).
        hits = self._query(
            "SELECT rowid, snippet(articles_fts, -1, ?, ?, ?, ?) AS snippet FROM articles_fts "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            (SNIPPET_START, SNIPPET_END, SNIPPET_ELLIPSIS, SNIPPET_TOKENS, fts_query(terms), limit, max(0, offset)),
        )
        if not hits:
            return []
        articles = {
            row["seq"]: row
            for row in self._query(
                f"SELECT a.seq, {ARTICLE_COLUMNS} FROM articles a WHERE a.seq IN ({self.IDS})",
                (json.dumps([hit["rowid"] for hit in hits]),),
            )
        }
        rows = [(articles[hit["rowid"]], hit["snippet"]) for hit in hits]
        return [(_article_from_row(row), snippet) for row, snippet in rows]

    def search_count(self, query: str) -> int:
        """Count the matches of a full-text search; see :meth:`Store.search_count`."""
        terms = query_terms(query)
        if not terms:
            return 0
        rows = self._query("SELECT count(*) AS n FROM articles_fts WHERE articles_fts MATCH ?", (fts_query(terms),))
        return int(rows[0]["n"])

    # --- lifecycle ---

    def close(self) -> None:
        """Close the connection; idempotent."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
