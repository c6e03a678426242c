"""Where articles and their analysis are kept.

Everything else in newsdesk talks to a :class:`Store`; :func:`open_store` picks
the implementation from a path::

    with open_store("newsdesk.db") as store:
        new_ids = store.add_articles(articles)
"""

from __future__ import annotations

import os

from newsdesk.storage.base import Store
from newsdesk.storage.memory import MemoryStore
from newsdesk.storage.sqlite import SQLiteStore

__all__ = ["MemoryStore", "SQLiteStore", "Store", "open_store"]


def open_store(path: str | os.PathLike[str] | None, *, timeout: float = 5.0) -> Store:
    """Open the store at ``path``.

    Args:
        path: An SQLite file (created if missing), or ``None`` / ``":memory:"``
            for a throw-away :class:`MemoryStore`.
        timeout: Seconds to wait for another process's lock (SQLite only).

    Returns:
        The store; use it as a context manager to close it.

    Raises:
        DatabaseCorruptError: The file is not a newsdesk database or is damaged.
        SchemaTooNewError: The file was written by a newer newsdesk.
        DatabaseLockedError: Another process kept the file locked past ``timeout``.
        StorageError: The file cannot be opened for another reason.
    """
    if path is None or os.fspath(path) == ":memory:":
        return MemoryStore()
    return SQLiteStore(path, timeout=timeout)
