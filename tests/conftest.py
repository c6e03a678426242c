"""Shared fixtures: an in-memory store, a PostgreSQL database, one enricher per session, text builders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from spacy.language import Language

from newsdesk.enrich import Enricher
from newsdesk.enrich.nlp import load_pipeline
from newsdesk.errors import NewsdeskError
from newsdesk.storage import MemoryStore

SHARED = Path(__file__).resolve().parents[2] / "shared"
POSTGRES_ENV = "NEWSDESK_TEST_POSTGRES"
"""A PostgreSQL server's URL for the PostgreSQL tests; they make (and drop) a database of their own on it."""


@pytest.fixture
def store() -> Iterator[MemoryStore]:
    memory = MemoryStore()
    yield memory
    memory.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a database made for this test session on the server of $NEWSDESK_TEST_POSTGRES.

    Skips when the variable is unset; a set variable whose server cannot be reached is an error.
    The database is dropped at the end of the session.
    """
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"{POSTGRES_ENV} is not set: start a server with "
            f'`export {POSTGRES_ENV}="$(bash scripts/start-postgres.sh)"` to run the PostgreSQL tests'
        )
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")
    name = f"newsdesk_test_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    yield urlsplit(url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """The URL of an empty PostgreSQL database (its schema is dropped and made again for each test)."""
    import psycopg

    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return postgres_server


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The project's spaCy pipeline, loaded once (skips when the pinned model is not installed)."""
    try:
        return load_pipeline()
    except NewsdeskError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    """One enricher for the session: spaCy loads once."""
    return Enricher()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed articles next to the project (skips when absent, e.g. a fresh clone)."""
    path = SHARED / "seeds"
    if not (path / "gold.json").exists():
        pytest.skip("../shared/seeds is not available")
    return path
