"""The web application: HTML pages, the JSON API and static files in one ASGI app.

Run it with ``newsdesk serve`` or any ASGI server::

    from newsdesk.web import create_app
    app = create_app("newsdesk.db")            # uvicorn module:app
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
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

__all__ = ["DEFAULT_MAX_BODY", "create_app", "open_database"]

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


def create_app(
    store: StoreFactory | str | os.PathLike[str],
    *,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    settings: Settings | None = None,
) -> FastAPI:
    """Build the newsdesk web app over a store.

    Args:
        store: An SQLite database path or a ``postgresql://`` URL (a connection
            is opened per request, in the request's worker thread: read-only,
            except for ``POST /api/articles``), or a :data:`StoreFactory`
            returning a store to use as a context manager.
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
        factory = partial(open_database, os.fspath(store), read_only=True)
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
