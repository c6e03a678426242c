"""Where articles and their analysis are kept.

Everything else in newsdesk talks to a :class:`Store`; :func:`open_store` picks
the implementation from a path or URL::

    with open_store("newsdesk.db") as store:            # SQLite, embedded
        new_ids = store.add_articles(articles)
    with open_store("postgresql://newsdesk@db/newsdesk") as store:  # PostgreSQL, shared
        ...

The PostgreSQL store needs the ``postgres`` extra (``pip install 'newsdesk[postgres]'``).
"""

from __future__ import annotations

import os

from newsdesk.errors import StorageError
from newsdesk.storage.base import Store, is_postgres_url, redact_url
from newsdesk.storage.memory import MemoryStore
from newsdesk.storage.sqlite import SQLiteStore

__all__ = ["MemoryStore", "SQLiteStore", "Store", "is_postgres_url", "open_store", "redact_url"]


def open_store(path: str | os.PathLike[str] | None, *, timeout: float | None = None, read_only: bool = False) -> Store:
    """Open the store at ``path``.

    Args:
        path: An SQLite file (created if missing); a ``postgresql://`` URL for a
            :class:`~newsdesk.storage.postgres.PostgresStore` (its tables are
            created if missing); or ``None`` / ``":memory:"`` for a throw-away
            :class:`MemoryStore`.
        timeout: Seconds to wait for another process's lock (and, for
            PostgreSQL, for the server to answer a connection); None for the
            store's default: 5 s for SQLite, 60 s for PostgreSQL, whose
            writers are expected to take turns with long analysis updates.
        read_only: Open the database read-only (every write raises
            StorageError): an SQLite file with ``mode=ro``, a PostgreSQL
            session whose transactions are read-only. The database must exist
            at the latest schema version. No effect on a MemoryStore.

    Returns:
        The store; use it as a context manager to close it.

    Raises:
        DatabaseCorruptError: The file is not a newsdesk database or is damaged.
        SchemaTooNewError: The file was written by a newer newsdesk.
        DatabaseLockedError: Another process kept the file locked past ``timeout``.
        StorageError: The file cannot be opened for another reason, the
            PostgreSQL server cannot be reached, or psycopg is not installed.
    """
    if path is None or os.fspath(path) == ":memory:":
        return MemoryStore()
    if is_postgres_url(path):
        try:
            from newsdesk.storage.postgres import PostgresStore
        except ImportError as exc:
            raise StorageError(
                f"{path.split('://')[0]}:// databases need psycopg: pip install 'newsdesk[postgres]' ({exc})."
            ) from exc
        if timeout is None:
            return PostgresStore(path, read_only=read_only)
        return PostgresStore(path, timeout=timeout, read_only=read_only)
    if timeout is None:
        return SQLiteStore(path, read_only=read_only)
    return SQLiteStore(path, timeout=timeout, read_only=read_only)
