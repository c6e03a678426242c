"""``newsdesk serve --workers N``: each server process builds the same app from what the command was given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.cli import main
from newsdesk.evaluation.scale_web import measure_web
from newsdesk.storage import SQLiteStore
from newsdesk.web.cli import TOKEN_ENV, WORKER_ENV, worker_app
from test_storage import make_article


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    with SQLiteStore(path) as store:
        store.add_articles([make_article("Bridge reopens", "The bridge reopened to trucks on Monday.")])
    return path


def test_a_worker_builds_its_app_from_the_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    given = {"db": str(db), "config": None, "host": "127.0.0.1", "allow_host": ["news.example"], "trust_proxy": []}
    monkeypatch.setenv(WORKER_ENV, json.dumps(given))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    client = TestClient(worker_app(), base_url="http://news.example")
    articles = client.get("/api/articles").json()
    assert [a["title"] for a in articles["items"]] == ["Bridge reopens"]
    assert client.get("/api/articles", headers={"Host": "evil.example"}).status_code == 400
    assert client.post("/api/articles", json=[]).status_code in {401, 403, 405}, "no token: read-only"


def test_serve_answers_from_several_processes(db: Path) -> None:
    result = measure_web(db, {"articles": ["/api/articles"] * 6, "stories": ["/"] * 6}, clients=3, workers=2)
    assert all(page["errors"] == 0 and page["requests"] == 6 for page in result["pages"].values())


def test_workers_must_be_at_least_one(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--db", str(db), "--workers", "0"]) != 0
    assert "--workers must be at least 1" in capsys.readouterr().err
