"""The web application: HTML pages, the JSON API and static files in one ASGI app.

Run it with ``newsdesk serve`` or any ASGI server::

    from newsdesk.web import create_app
    app = create_app("newsdesk.db")            # uvicorn module:app
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import AbstractContextManager, nullcontext
from functools import partial

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from newsdesk import __version__
from newsdesk.settings import Settings
from newsdesk.storage import SQLiteStore, Store, is_postgres_url, open_store
from newsdesk.web import api, pages
from newsdesk.web.context import AppConfig, StoreFactory
from newsdesk.web.errors import install_error_handlers
from newsdesk.web.middleware import BodyLimitMiddleware, HeadMiddleware, HostGuardMiddleware, SecurityHeadersMiddleware

__all__ = ["DEFAULT_MAX_BODY", "ThreadStores", "create_app", "open_database"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 1_000_000
"""Largest request body accepted, in bytes."""

DESCRIPTION = """Read a newsdesk database: stories, articles, entities, full-text search.

Every error is `{"error": {"status": 404, "code": "not_found", "message": "..."}}`.
Lists are paginated with `limit` and `offset` and give `total`, `next` and `previous`.
`POST /api/articles` is enabled only when the server runs with a token.
"""


def open_database(path: str, *, read_only: bool = False) -> AbstractContextManager[Store]:
    """Open the store a server or report reads: a ``postgresql://`` URL, or else an SQLite file.

    Unlike :func:`~newsdesk.storage.open_store`, ``":memory:"`` is an (empty) SQLite database.

    Args:
        path: The database.
        read_only: Open it read-only (see :func:`~newsdesk.storage.open_store`); ignored for
            ``":memory:"``, which has nothing to protect.
    """
    if is_postgres_url(path):
        return open_store(path, read_only=read_only)
    return SQLiteStore(path, read_only=read_only and path != ":memory:")


class ThreadStores:
    """Read-only stores kept open per worker thread: a request reuses its thread's connection.

    Opening a connection costs more than most pages (a PostgreSQL backend
    starts, an SQLite file is checked), so each worker thread opens its
    read-only store once. Every read still runs in its own transaction, so a
    request sees the data as committed when it starts. A PostgreSQL connection
    the server dropped is opened again by the store itself.

    Args:
        path: The database (an SQLite path or a ``postgresql://`` URL).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()

    def __call__(self) -> AbstractContextManager[Store]:
        """This thread's store, to use as a context manager (leaving the block keeps it open)."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            opened = open_database(self.path, read_only=True)
            store = opened.__enter__()
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return nullcontext(store)

    def close(self) -> None:
        """Close every store opened (at shutdown); a store that cannot be closed from this thread is left."""
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            try:
                store.close()
            except Exception:  # an SQLite connection refuses other threads; the process ends anyway
                logger.debug("left %r open at shutdown", store)


def create_app(
    store: StoreFactory | str | os.PathLike[str],
    *,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    settings: Settings | None = None,
) -> FastAPI:
    """Build the newsdesk web app over a store.

    Args:
        store: An SQLite database path or a ``postgresql://`` URL (read through
            one read-only connection per worker thread, see :class:`ThreadStores`;
            ``POST /api/articles`` opens a writable one per request), or a
            :data:`StoreFactory` returning a store to use as a context manager.
        token: Enables ``POST /api/articles`` for requests carrying
            ``Authorization: Bearer <token>``; without it the server is read-only.
        max_body: Largest request body in bytes; larger ones get a 413.
        settings: Cleaning settings used by ingest, and ``settings.web.allowed_hosts``:
            the host names answered (loopback names by default; other hosts get a 400).

    Returns:
        The ASGI application.

    Raises:
        ValueError: ``max_body`` is not positive or ``token`` is empty.
    """
    if max_body <= 0:
        raise ValueError(f"max_body must be a positive number of bytes, not {max_body}.")
    if token is not None and not token.strip():
        raise ValueError("token is empty: give a real secret, or None for a read-only server.")
    factory: StoreFactory
    writable: StoreFactory | None = None
    if isinstance(store, (str, os.PathLike)):
        readers = ThreadStores(os.fspath(store))
        factory = readers
        writable = partial(open_database, os.fspath(store))
    else:
        factory = store

    app = FastAPI(
        title="newsdesk",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # the stock pages load scripts from a CDN; /docs is rendered by pages.api_docs
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    settings = settings or Settings()
    app.state.newsdesk = AppConfig(
        store_factory=factory, writable_factory=writable, settings=settings, token=token, max_body=max_body
    )
    if writable is not None:
        app.router.on_shutdown.append(readers.close)
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("newsdesk.web", "static")]), name="static")
    # Added last = outermost: headers go on every response, the 400 and 413 included; a request for
    # another host is refused before its body is read.
    app.add_middleware(BodyLimitMiddleware, max_body=max_body)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(HostGuardMiddleware, allowed_hosts=settings.web.allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
