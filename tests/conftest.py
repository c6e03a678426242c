"""Shared fixtures: an in-memory store, one enricher per session, text builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from newsdesk.enrich import Enricher
from newsdesk.enrich.nlp import load_pipeline
from newsdesk.errors import NewsdeskError
from newsdesk.storage import MemoryStore

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def store() -> Iterator[MemoryStore]:
    memory = MemoryStore()
    yield memory
    memory.close()


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
