"""What only the PostgreSQL store does: its schema, opening checks, locks, reconnection and many writers.

The shared store contract runs on PostgreSQL in test_storage.py. These tests
need a server: they skip unless $NEWSDESK_TEST_POSTGRES is set (see
scripts/start-postgres.sh).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from newsdesk.errors import DatabaseCorruptError, DatabaseLockedError, SchemaTooNewError, StorageError
from newsdesk.model import Article
from newsdesk.storage import SQLiteStore, Store, is_postgres_url, open_store, redact_url
from newsdesk.storage.migrations import LATEST_VERSION, MIGRATIONS, POSTGRES_BASELINE

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")

from newsdesk.storage.postgres import WRITE_LOCK, PostgresStore  # noqa: E402  (needs psycopg)


def make_articles(count: int, prefix: str = "Story") -> list[Article]:
    """Distinct articles (ids are content hashes, so distinct texts make distinct ids)."""
    articles = []
    for i in range(count):
        title = f"{prefix} {i}: council votes on the river bridge"
        body = [f"Article number {i} says the council met on day {i}.", "The vote was close, officials said."]
        articles.append(Article(id=Article.make_id(title, body), path=f"in/{i}.txt", title=title, paragraphs=body))
    return articles


def _columns_sqlite(path: Path) -> dict[str, set[str]]:
    conn = sqlite3.connect(path)
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'articles_fts%'"
        )
    ]
    columns = {table: {row[1] for row in conn.execute(f"PRAGMA table_info({table})")} for table in tables}
    conn.close()
    return columns


def _columns_postgres(url: str) -> dict[str, set[str]]:
    columns: dict[str, set[str]] = {}
    with psycopg.connect(url) as conn:
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        ):
            columns.setdefault(table, set()).add(column)
    return columns


# --- URLs and opening --------------------------------------------------------------------


def test_urls_are_recognised_and_passwords_hidden() -> None:
    assert is_postgres_url("postgresql://u@h/db") and is_postgres_url("postgres://h/db")
    assert not is_postgres_url("newsdesk.db") and not is_postgres_url(None)
    assert redact_url("postgresql://ann:s3cr%40t@db.example:5432/news") == "postgresql://ann:***@db.example:5432/news"
    assert redact_url("postgresql://ann@db/news") == "postgresql://ann@db/news"
    assert "s3cret" not in redact_url("host=db password=s3cret dbname=news")


def test_open_store_picks_postgres(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        assert isinstance(store, PostgresStore) and isinstance(store, Store)
        assert repr(store).startswith("PostgresStore(")


def test_unreachable_server_says_what_to_check() -> None:
    with pytest.raises(StorageError, match="Check that the server is running"):
        PostgresStore("postgresql://nobody:secret@127.0.0.1:1/none", timeout=1)


def test_schema_is_the_sqlite_schema(postgres_url: str, tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "n.db").close()
    PostgresStore(postgres_url).close()
    sqlite_columns = _columns_sqlite(tmp_path / "n.db")
    postgres_columns = _columns_postgres(postgres_url)
    # PostgreSQL's own: explicit rowid columns (SQLite's are implicit) and the stored tsvector (SQLite's FTS5 table).
    for columns in postgres_columns.values():
        columns.discard("rowid")
    postgres_columns["articles"].discard("search")
    assert postgres_columns == sqlite_columns


def test_migrations_are_recorded_once_like_sqlite(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    PostgresStore(postgres_url).close()  # reopening applies nothing twice
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT version, description FROM schema_migrations ORDER BY version").fetchall()
    assert rows == [(m.version, m.description) for m in MIGRATIONS]
    assert rows[-1][0] == LATEST_VERSION


def test_every_migration_after_the_baseline_has_postgres_sql() -> None:
    assert POSTGRES_BASELINE.version <= LATEST_VERSION and POSTGRES_BASELINE.postgres
    for migration in MIGRATIONS[POSTGRES_BASELINE.version :]:
        assert migration.postgres.strip(), f"migration {migration.version} has no PostgreSQL SQL"


def test_stores_opening_an_empty_database_together_migrate_once(postgres_url: str) -> None:
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            PostgresStore(postgres_url).close()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone() == (LATEST_VERSION,)


def test_refuses_a_database_of_another_program(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE articles (x int)")
    with pytest.raises(DatabaseCorruptError, match="no schema_migrations"):
        PostgresStore(postgres_url)
    with psycopg.connect(postgres_url) as conn:  # left untouched
        assert conn.execute("SELECT to_regclass('schema_migrations')").fetchone() == (None,)


def test_refuses_a_newer_schema(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO schema_migrations VALUES (%s, 'from the future', '2099-01-01')", (LATEST_VERSION + 1,)
        )
    with pytest.raises(SchemaTooNewError, match="Upgrade newsdesk"):
        PostgresStore(postgres_url)


# --- locks and connections ------------------------------------------------------------------


def test_a_writer_waits_for_the_lock_then_gives_up(postgres_url: str) -> None:
    article = make_articles(1)
    with PostgresStore(postgres_url, timeout=0.3) as store, psycopg.connect(postgres_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
        with pytest.raises(DatabaseLockedError, match="locked by another writer"):
            store.add_articles(article)
        assert store.articles() == []  # readers never wait for writers
        other.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
        assert store.add_articles(article) == [article[0].id]


def test_a_dropped_connection_is_opened_again(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as store:
        store.add_articles(make_articles(2))
        pid = store._connection().info.backend_pid
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(StorageError):
            store.articles()  # the call that finds the connection gone fails ...
        assert len(store.articles()) == 2  # ... the next one connects again


# --- many writers ---------------------------------------------------------------------------------


def _add_in_batches(url: str, articles: list[Article], barrier: Any, queue: Any) -> None:
    """One writer process: open the store, wait for the others, add the articles five at a time."""
    added: list[str] = []
    with PostgresStore(url, timeout=30) as store:
        barrier.wait()
        for start in range(0, len(articles), 5):
            added.extend(store.add_articles(articles[start : start + 5]))
    queue.put(added)


def test_four_writer_processes_store_each_article_once(postgres_url: str) -> None:
    articles = make_articles(80)
    # Each article goes to two processes, in a different order in each.
    shares = [articles[20 * k :] + articles[: 20 * k] for k in range(4)]
    shares = [share[:40] if k % 2 else list(reversed(share[:40])) for k, share in enumerate(shares)]
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(4), context.Queue()
    workers = [context.Process(target=_add_in_batches, args=(postgres_url, s, barrier, queue)) for s in shares]
    for worker in workers:
        worker.start()
    added = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    new_ids = [article_id for batch in added for article_id in batch]
    assert sorted(new_ids) == sorted(a.id for a in articles)  # each reported new by exactly one process
    with PostgresStore(postgres_url) as store:
        stored = store.articles()
    assert len(stored) == len(articles) and {a.id for a in stored} == {a.id for a in articles}


@pytest.mark.slow
def test_four_ingest_commands_at_once(postgres_url: str, tmp_path: Path) -> None:
    """Four `newsdesk ingest` processes on one database: every article stored once, every run logged."""
    records = [
        {
            "title": f"Bridge report {i}",
            "text": f"The river bridge was inspected on day {i}.\n\nEngineers said it is safe.",
        }
        for i in range(40)
    ]
    files = []
    for k in range(4):
        path = tmp_path / f"feed-{k}.jsonl"
        share = records[10 * k :] + records[: 10 * k]
        path.write_text("\n".join(json.dumps(r) for r in share[:25]) + "\n", encoding="utf-8")
        files.append(path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    commands = [
        [sys.executable, "-m", "newsdesk.cli", "-q", "ingest", str(path), "--db", postgres_url] for path in files
    ]
    processes = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
    with PostgresStore(postgres_url) as store:
        titles = sorted(a.title for a in store.articles())
        runs = store.runs()
    assert titles == sorted(r["title"] for r in records)
    assert len(runs) == 4 and sum(int(str(run["added"])) for run in runs) == len(records)


# --- search snippets and the web server --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headline", "source", "snippet"),
    [
        ("The river [bridge] reopened", "The river bridge reopened.", "The river [bridge] reopened."),
        ("river [bridge] reopened", "The river bridge reopened on Monday", "…river [bridge] reopened…"),
        ("[Floods] close", "[Floods] close the bridge", "…[Floods] close…"),  # brackets in the text itself
    ],
)
def test_snippets_mark_what_is_left_out(headline: str, source: str, snippet: str) -> None:
    from newsdesk.storage.postgres import _snippet

    assert _snippet(headline, source) == snippet


def test_the_web_server_reads_a_postgres_database(postgres_url: str) -> None:
    from starlette.testclient import TestClient

    from newsdesk.web.app import create_app

    with PostgresStore(postgres_url) as store:
        store.add_articles(make_articles(3))
    with TestClient(create_app(postgres_url), base_url="http://localhost") as client:
        assert client.get("/api/articles").json()["total"] == 3
        found = client.get("/api/search", params={"q": "bridges"}).json()
        assert found["total"] == 3 and "bridge" in found["items"][0]["snippet"]
        assert client.get("/").status_code == 200
