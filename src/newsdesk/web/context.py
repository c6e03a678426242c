"""What a request needs from its app: a store, the settings, the token.

``create_app`` puts these on ``app.state``; views reach them only through
these functions, so a view never holds a store longer than one call.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from starlette.requests import Request

from newsdesk.settings import Settings
from newsdesk.storage import Store

__all__ = ["AppConfig", "StoreFactory", "open_request_store", "open_writable_store", "settings_of", "token_of"]

StoreFactory = Callable[[], AbstractContextManager[Store]]
"""Returns a store to use as a context manager: it is opened and closed once per request.

``lambda: SQLiteStore(path)`` opens a connection per request (cheap, and
SQLite connections belong to their thread); a shared test double can be
given as ``lambda: contextlib.nullcontext(store)``.
"""


@dataclass(slots=True, frozen=True, kw_only=True)
class AppConfig:
    """The app's configuration, kept on ``app.state.newsdesk``."""

    store_factory: StoreFactory
    """Opens the store every read uses (read-only when the app opened the database itself)."""
    settings: Settings
    token: str | None
    max_body: int
    writable_factory: StoreFactory | None = None
    """Opens the store for ingest over HTTP; None: :attr:`store_factory` writes too."""


def _config(request: Request) -> AppConfig:
    config: AppConfig = request.app.state.newsdesk
    return config


def open_request_store(request: Request) -> AbstractContextManager[Store]:
    """Open the app's store for this request; use it in a ``with`` block in one thread."""
    return _config(request).store_factory()


def open_writable_store(request: Request) -> AbstractContextManager[Store]:
    """Open the app's store for a request that writes (ingest); use it in a ``with`` block in one thread."""
    config = _config(request)
    return (config.writable_factory or config.store_factory)()


def settings_of(request: Request) -> Settings:
    """The settings the app was created with."""
    return _config(request).settings


def token_of(request: Request) -> str | None:
    """The ingest token, or ``None`` when the server is read-only."""
    return _config(request).token
