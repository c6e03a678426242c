"""The web UI and JSON API, in-process, over an SQLite database built by the real pipeline.

The database holds the bundled sample corpus (six stories, contradictions,
updates, agreements) plus one hostile article whose title, body, quote, source,
author and URL carry markup and script, to check that everything is escaped.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from newsdesk.enrich import Enricher
from newsdesk.errors import StorageError
from newsdesk.model import Comparison, Story
from newsdesk.pipeline import analyze_store, ingest
from newsdesk.settings import Settings
from newsdesk.storage import MemoryStore, SQLiteStore
from newsdesk.web import create_app, pages, write_story_report
from newsdesk.web.charts import DayCount, coverage_svg, timeline_svg
from newsdesk.web.cli import add_commands, run
from newsdesk.web.queries import paginate, snippet_markup
from newsdesk.web.story import coverage_by_day, story_detail
from newsdesk.web.templating import markdown, when

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = f"Harbour council {SCRIPT} approves ferry plan {IMG}"
HOSTILE_RECORD = {
    "title": HOSTILE_TITLE,
    "source": "<b>Evil</b> Gazette",
    "author": f"Mallory {IMG}",
    "url": "javascript:alert(1)",
    "published": "2026-03-20",
    "text": (
        "The harbour council of Port Ellis approved the new ferry plan on Tuesday after a long debate "
        f"{SCRIPT} about costs and the timetable for the summer season.\n\n"
        f'"We will not let {IMG} anyone stop this ferry," said council leader Maren Tolvik, '
        "who has backed the plan since January.\n\n"
        "The opposition said the plan would cost more than 12 million crowns and asked for an "
        "independent review before any contract is signed."
    ),
}
ERROR_KEYS = {"status", "code", "message"}
LOCAL_URL = "http://localhost"
"""The test client's base URL: a host name the server answers by default (``testserver`` is not one)."""


def local_client(app: FastAPI, **options: Any) -> TestClient:
    """A test client that asks for ``localhost``, as a browser on this machine would."""
    return TestClient(app, base_url=LOCAL_URL, **options)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, enricher: Enricher) -> Path:
    """An analysed database: the sample corpus plus the hostile article."""
    folder = tmp_path_factory.mktemp("web")
    inputs = folder / "inputs"
    inputs.mkdir()
    (inputs / "hostile.jsonl").write_text(json.dumps(HOSTILE_RECORD) + "\n", encoding="utf-8")
    path = folder / "web.db"
    sample = resources.files("newsdesk.data") / "sample"
    with resources.as_file(sample) as sample_dir, SQLiteStore(path) as store:
        report = ingest([str(sample_dir), str(inputs)], store)
        assert not report.problems
        analyze_store(store, enricher=enricher)
    return path


@dataclass(frozen=True)
class Truth:
    """What the database holds, read straight from the store (the pipeline's output may change)."""

    stories: int
    articles: int
    contested: Story
    """The story with the most contradictions."""

    @property
    def strongest(self) -> Comparison:
        return max(self.contested.contradictions, key=lambda c: c.score)


@pytest.fixture(scope="module")
def truth(db: Path) -> Truth:
    with SQLiteStore(db) as store:
        stories, articles = store.stories(), store.articles()
    contested = max(stories, key=lambda s: len(s.contradictions))
    assert contested.contradictions, "the sample corpus should have a contested story"
    return Truth(stories=len(stories), articles=len(articles), contested=contested)


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with local_client(create_app(db)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def ids(client: TestClient) -> dict[str, str]:
    """Ids to visit: the hostile article and its story, an entity."""
    articles = client.get("/api/articles", params={"limit": 100}).json()["items"]
    hostile = next(a for a in articles if "<script>" in a["title"])
    hostile_story = next(s for s in client.get("/api/stories?limit=100").json()["items"] if "<script>" in s["title"])
    entity = client.get("/api/entities", params={"limit": 1}).json()["items"][0]
    return {
        "hostile": hostile["id"],
        "hostile_story": hostile_story["id"],
        "entity": entity["id"],
    }


def assert_error(response, status: int, code: str | None = None) -> dict[str, object]:
    """The one error shape: {"error": {"status", "code", "message"}} and nothing else."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    assert "Traceback" not in response.text
    return body["error"]


# --------------------------------------------------------------------------- pages


def test_every_page_answers_200(client: TestClient, ids: dict[str, str]) -> None:
    stories = client.get("/api/stories?limit=100").json()["items"]
    articles = client.get("/api/articles?limit=100").json()["items"]
    entities = client.get("/api/entities?limit=5").json()["items"]
    urls = ["/", "/?sort=size", "/?sort=contested", "/?page=2", "/search", "/search?q=dam", "/docs"]
    urls += [f"/stories/{s['id']}" for s in stories]
    urls += [f"/articles/{a['id']}" for a in articles]
    urls += [f"/entities/{e['id']}" for e in entities]
    urls += [f"/?entity={ids['entity']}", "/?source=Meridian+Wire", "/?date_from=2026-03-10&date_to=2026-03-12"]
    urls += ["/?entity=&source=&date_from=&date_to=&sort=latest"]  # an untouched filter form
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html"), url
    assert client.get("/static/style.css").status_code == 200


def test_stories_page_sorts_filters_and_paginates(
    client: TestClient, truth: Truth, monkeypatch: pytest.MonkeyPatch
) -> None:
    contested = client.get("/?sort=contested").text
    assert contested.index("Valmora police arrest") < contested.index("Nalu River bridge")
    assert f"{len(truth.contested.contradictions)} contradictions" in contested
    only_nalu = client.get("/?date_from=2026-03-02&date_to=2026-03-04").text
    assert "Nalu River bridge" in only_nalu and "Valmora police arrest" not in only_nalu
    orbis = client.get("/?source=Orbis+Today").text
    assert "Valmora police arrest" in orbis and "Veshnya dam" not in orbis
    monkeypatch.setattr(pages, "PAGE_SIZE", 3)
    first = client.get("/?sort=size&source=Orbis+Today").text
    assert "page 1 of 1" not in first
    all_titles = re.findall(r'<h2><a href="/stories/([^"]+)"', client.get("/?sort=size").text)
    assert len(all_titles) == 3 and 'href="/?sort=size&amp;page=2"' in client.get("/?sort=size").text
    third = client.get("/?sort=size&page=3").text
    assert "page 3 of 3" in third and 'rel="next"' not in third and 'rel="prev"' in third
    assert "No story matches" in client.get("/?page=99").text


def test_story_page_shows_contradictions_matrix_timeline(client: TestClient, truth: Truth) -> None:
    page = client.get(f"/stories/{truth.contested.id}").text
    assert f"Contradictions ({len(truth.contested.contradictions)})" in page
    assert str(escape(truth.strongest.explanation)) in page
    assert str(escape(truth.strongest.a.text)) in page and str(escape(truth.strongest.b.text)) in page
    assert 'class="cell cell-contradict"' in page and 'class="cell cell-silent"' in page
    assert 'class="cell cell-states"' in page and 'class="cell cell-agree"' in page
    assert 'id="timeline"' in page and "2026-03-11" in page
    assert "Henrik Arvela" in page  # key entity
    assert "<svg" in page  # coverage over three days
    # Why each article is in the story: one line per article, naming what it shares.
    membership = page[page.index('id="membership"') : page.index("</details>", page.index('id="membership"'))]
    assert membership.count("<li>") == len(dict.fromkeys(truth.contested.articles)) > 1
    assert "similar" in membership and ("shares " in membership or "close to " in membership)


def test_article_page_highlights_quotes_and_shows_removed(client: TestClient) -> None:
    article = next(
        a for a in client.get("/api/articles?limit=100").json()["items"] if a["title"].startswith("At least 14 dead")
    )
    page = client.get(f"/articles/{article['id']}").text
    assert '<mark class="quote"' in page
    assert '<details class="removed">' in page
    assert "author byline" in page and "By Marta Kellerman" in page


def test_entity_page_lists_mentions_stories_quotes(client: TestClient) -> None:
    entity = client.get("/api/entities", params={"q": "Molnar"}).json()["items"][0]
    page = client.get(f"/entities/{entity['id']}").text
    assert "<mark>" in page
    assert "Veshnya dam" in page  # its story
    assert "Quotes by" in page and "darkest morning" in page


def test_search_page_marks_matches(client: TestClient) -> None:
    page = client.get("/search", params={"q": "sirens"}).text
    assert "<mark>" in page and "result" in page
    assert "No article contains" in client.get("/search", params={"q": "zzzqqq"}).text


# --------------------------------------------------------------------------- JSON API


def test_api_story_list_shape_and_pagination(client: TestClient, truth: Truth) -> None:
    body = client.get("/api/stories", params={"limit": 2, "sort": "contested"}).json()
    assert set(body) == {"items", "total", "limit", "offset", "next", "previous"}
    assert body["total"] == truth.stories and body["limit"] == 2 and body["offset"] == 0 and body["previous"] is None
    first = body["items"][0]
    assert first["id"] == truth.contested.id
    assert first["contradictions"] == len(truth.contested.contradictions)
    assert first["articles"] == len(truth.contested.articles)
    assert {"id", "title", "sources", "first_day", "last_day", "updates", "agreements", "key_entities", "links"} <= set(
        first
    )
    assert first["links"] == {"self": f"/api/stories/{first['id']}", "html": f"/stories/{first['id']}"}

    seen: list[str] = []
    url: str | None = "/api/stories?limit=2&sort=contested"
    while url:
        page = client.get(url).json()
        seen += [s["id"] for s in page["items"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == truth.stories
    assert truth.stories > 4
    last_offset = (truth.stories - 1) // 2 * 2
    last = client.get(f"/api/stories?limit=2&offset={last_offset}&sort=contested").json()
    assert last["next"] is None
    previous = urlsplit(last["previous"])
    assert previous.path == "/api/stories"
    assert parse_qs(previous.query) == {"limit": ["2"], "offset": [str(last_offset - 2)], "sort": ["contested"]}


def test_api_story_detail_shape(client: TestClient, truth: Truth) -> None:
    story = client.get(f"/api/stories/{truth.contested.id}").json()
    assert len(story["contradictions"]) == len(truth.contested.contradictions) and story["agreements"]
    c = story["contradictions"][0]
    assert set(c) == {"about", "relation", "kind", "explanation", "score", "a", "b"}
    assert set(c["a"]) == {"article", "text", "holder", "source"} and c["relation"] == "contradict"
    assert {s["name"] for s in story["sources"]} == {"Meridian Wire", "Harbourview Post", "Orbis Today", "NewsPulse24"}
    states = {state for row in story["matrix"] for state in row["cells"].values()}
    assert {"states", "contradict", "agree", "silent"} <= states
    assert all(set(row["cells"]) == {s["name"] for s in story["sources"]} for row in story["matrix"])
    assert story["coverage"] == [
        {"day": "2026-03-10", "articles": 1},
        {"day": "2026-03-11", "articles": 2},
        {"day": "2026-03-12", "articles": 1},
    ]
    days = [e["day"] for e in story["timeline"]]
    assert days == sorted(days)


def test_api_updates_in_dam_story(client: TestClient) -> None:
    dam = next(s for s in client.get("/api/stories?limit=100").json()["items"] if "Veshnya" in s["title"])
    story = client.get(dam["links"]["self"]).json()
    assert story["updates"] and all(u["kind"] == "numeric" for u in story["updates"])
    assert any("update" in row["cells"].values() for row in story["matrix"])


def test_api_articles_entities_search(client: TestClient, ids: dict[str, str], truth: Truth) -> None:
    articles = client.get("/api/articles", params={"limit": 100}).json()
    assert articles["total"] == truth.articles and articles["next"] is None
    dates = [a["published"] or "" for a in articles["items"]]
    assert dates == sorted(dates, reverse=True)

    article = client.get(f"/api/articles/{ids['hostile']}").json()
    assert article["title"] == HOSTILE_TITLE  # JSON carries the data as is; escaping is the page's job
    assert {"text", "paragraphs", "removed", "quotes", "claims", "entities", "stories", "path"} <= set(article)

    entity = client.get(f"/api/entities/{ids['entity']}").json()
    assert entity["mentions"] and entity["articles"] and entity["stories"]
    people = client.get("/api/entities", params={"kind": "person", "limit": 100}).json()
    assert people["items"] and all(e["kind"] == "person" for e in people["items"])

    found = client.get("/api/search", params={"q": "sirens"}).json()
    assert found["query"] == "sirens" and found["count"] == len(found["items"]) > 0
    assert all(m.lower().startswith("siren") for m in found["items"][0]["matches"])  # matched by stem
    assert "[" not in found["items"][0]["snippet"]  # plain text: the markers are gone


def test_openapi_schema_and_docs_page(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/search",
    ):
        assert path in schema["paths"], path
    assert "ErrorOut" in schema["components"]["schemas"]
    docs = client.get("/docs").text
    assert "/api/stories/{story_id}" in docs and "<script" not in docs


# --------------------------------------------------------------------------- errors


def test_error_shape_404(client: TestClient) -> None:
    assert_error(client.get("/api/stories/s-nope"), 404, "not_found")
    assert_error(client.get("/api/articles/a-nope"), 404, "not_found")
    assert_error(client.get("/api/entities/e-nope"), 404, "not_found")
    assert_error(client.get("/api/no/such/route"), 404, "not_found")
    assert_error(client.get("/api/storiez"), 404)
    assert_error(client.delete("/api/stories"), 405, "method_not_allowed")
    page = client.get("/stories/s-nope")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no story with id" in page.text


def test_error_shape_bad_parameters(client: TestClient) -> None:
    assert "limit" in str(assert_error(client.get("/api/stories?limit=0"), 422, "invalid_parameter")["message"])
    assert_error(client.get("/api/stories?limit=abc"), 422)
    assert_error(client.get("/api/stories?limit=101"), 422)
    assert_error(client.get("/api/stories?sort=nonsense"), 422)
    assert_error(client.get("/api/stories?date_from=March"), 422)
    assert_error(client.get("/api/stories?date_from=2026-03-12&date_to=2026-03-01"), 400, "bad_request")
    assert_error(client.get("/api/search"), 422)
    assert_error(client.get("/api/search", params={"q": "x" * 201}), 422)
    assert client.get("/?date_from=yesterday").status_code == 400
    assert client.get("/?page=0").status_code == 422


def test_error_413_for_large_bodies(db: Path) -> None:
    with local_client(create_app(db, token="secret", max_body=1000)) as small:
        headers = {"Authorization": "Bearer secret", "Content-Type": "application/json"}
        big = json.dumps([{"title": "t", "text": "x" * 2000}])
        assert_error(small.post("/api/articles", content=big, headers=headers), 413, "payload_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while streaming
            for _ in range(10):
                yield b" " * 200

        assert_error(small.post("/api/articles", content=chunks(), headers=headers), 413)
        # Read-only servers refuse big bodies too, before anything else.
        assert_error(small.post("/api/stories", content=big), 413)


def test_internal_errors_hide_details(db: Path) -> None:
    def broken() -> nullcontext[MemoryStore]:
        raise RuntimeError("secret internals /etc/passwd")

    with local_client(create_app(broken), raise_server_exceptions=False) as c:
        error = assert_error(c.get("/api/stories"), 500, "internal_error")
        assert "secret" not in str(error["message"])
        page = c.get("/")
        assert page.status_code == 500 and "secret" not in page.text and "Traceback" not in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]

    def unavailable() -> nullcontext[MemoryStore]:
        raise StorageError("/private/path/db is damaged")

    with local_client(create_app(unavailable)) as c:
        error = assert_error(c.get("/api/articles"), 503, "storage_unavailable")
        assert "/private" not in str(error["message"])


def test_memory_store_through_a_factory() -> None:
    store = MemoryStore()
    with local_client(create_app(lambda: nullcontext(store))) as c:
        assert c.get("/api/stories").json()["total"] == 0
        assert "No story matches" in c.get("/").text


# --------------------------------------------------------------------------- token gate


def test_ingest_is_forbidden_without_a_token(client: TestClient) -> None:
    response = client.post("/api/articles", json=[{"title": "T", "text": "Body text here."}])
    assert_error(response, 403, "read_only")


def test_ingest_requires_the_bearer_token(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    article = {
        "title": "Ferry strike ends",
        "text": "The ferry strike ended on Friday.\n\nCrews return Monday.",
        "source": "Test Wire",
        "published": "2026-04-01",
    }
    with local_client(create_app(copy, token="s3cret")) as c:
        assert_error(c.post("/api/articles", json=[article]), 401, "unauthorized")
        wrong = c.post("/api/articles", json=[article], headers={"Authorization": "Bearer nope"})
        assert wrong.headers["www-authenticate"] == "Bearer"
        assert_error(wrong, 401)
        # The token is checked before the body is parsed.
        assert_error(c.post("/api/articles", content=b"{", headers={"Content-Type": "application/json"}), 401)

        auth = {"Authorization": "Bearer s3cret"}
        created = c.post("/api/articles", json=[article], headers=auth)
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["inputs"] == 1 and len(body["added"]) == 1 and not body["problems"]
        new_id = body["added"][0]
        assert c.get(f"/api/articles/{new_id}").json()["source"] == "Test Wire"
        assert c.post("/api/articles", json=[article], headers=auth).json()["added"] == []  # idempotent

        bad_json = c.post("/api/articles", content=b"[{", headers={**auth, "Content-Type": "application/json"})
        assert_error(bad_json, 400, "bad_request")
        assert_error(c.post("/api/articles", json=[{"title": "no body"}], headers=auth), 422)
        assert_error(c.post("/api/articles", json=[], headers=auth), 422)
        assert_error(c.post("/api/articles", json=[{"text": "x", "evil": 1}], headers=auth), 422)
        assert_error(c.post("/api/articles", content=b"title=x", headers={**auth, "Content-Type": "text/plain"}), 415)


def test_empty_token_is_refused(db: Path) -> None:
    with pytest.raises(ValueError):
        create_app(db, token=" ")
    with pytest.raises(ValueError):
        create_app(db, max_body=0)


# --------------------------------------------------------------------------- escaping and headers


HOSTILE_RAW = ("<script>alert(1)</script>", "<img src=x", "<b>Evil</b>", 'href="javascript:')


def assert_escaped(html: str) -> None:
    for raw in HOSTILE_RAW:
        assert raw not in html, raw
    assert "<script" not in html.lower()


def test_hostile_content_is_escaped_everywhere(client: TestClient, ids: dict[str, str]) -> None:
    article = client.get(f"/articles/{ids['hostile']}").text
    assert_escaped(article)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert "&lt;img src=x onerror=alert(1)&gt;" in article
    assert "javascript:alert(1)" in article  # shown as text, never as a link
    assert '<mark class="quote"' in article  # the quote with markup inside is still highlighted

    for url in (
        "/",
        f"/stories/{ids['hostile_story']}",
        "/search?q=ferry",
        "/search?q=" + SCRIPT,
        "/stories/" + SCRIPT,
        "/?source=%3Cb%3EEvil%3C%2Fb%3E+Gazette",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_escaped(response.text)
    entity = next(e for e in client.get("/api/entities?q=Tolvik").json()["items"])
    assert_escaped(client.get(f"/entities/{entity['id']}").text)


def test_security_headers_on_every_response(client: TestClient) -> None:
    for response in (
        client.get("/"),
        client.get("/api/stories"),
        client.get("/api/nope"),
        client.get("/static/style.css"),
    ):
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    page = client.get("/").text
    # No real tag with an inline handler or style, no script: nothing the CSP would have to block.
    assert "<script" not in page and not re.search(r"<[a-z][^<>]*\s(?:on\w+|style)=", page)


# --------------------------------------------------------------------------- hosts, redirects, HEAD


@pytest.fixture
def memory_app() -> Iterator[FastAPI]:
    store = MemoryStore()
    yield create_app(lambda: nullcontext(store))
    store.close()


@pytest.mark.parametrize("path", ["/", "/api/stories", "/static/style.css", "/docs"])
def test_other_host_names_get_400_dns_rebinding(memory_app: FastAPI, path: str) -> None:
    with TestClient(memory_app, base_url="http://evil.example") as evil:
        response = evil.get(path)
    assert response.status_code == 400
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    if path.startswith("/api"):
        assert assert_error(response, 400, "host_not_allowed")["message"].startswith("This server answers only")
    else:
        assert "evil.example" not in response.text  # the hostile name is not echoed


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost:8000", 200),
        ("LOCALHOST.", 200),
        ("127.0.0.1:8000", 200),
        ("[::1]:8000", 200),
        ("evil.example:8000", 400),
        ("localhost.evil.example", 400),
        ("127.0.0.1.nip.io", 400),
        ("localhost:80:80", 400),
        ("", 400),
    ],
)
def test_host_header_forms(memory_app: FastAPI, host: str, status: int) -> None:
    with local_client(memory_app) as c:
        assert c.get("/api/stories", headers={"Host": host}).status_code == status


def test_allowed_hosts_setting(tmp_path: Path) -> None:
    from newsdesk.settings import load_settings

    env = {"NEWSDESK_WEB_ALLOWED_HOSTS": "news.example.org, *.corp.example", "XDG_CONFIG_HOME": str(tmp_path)}
    settings = load_settings(env=env)
    assert settings.web.allowed_hosts == ("news.example.org", "*.corp.example")
    app = create_app(lambda: nullcontext(MemoryStore()), settings=settings)
    with local_client(app) as c:
        answers = {
            host: c.get("/api/stories", headers={"Host": host}).status_code
            for host in ("news.example.org", "desk.corp.example", "corp.example", "evil.example")
        }
    assert answers == {"news.example.org": 200, "desk.corp.example": 200, "corp.example": 400, "evil.example": 400}


def test_redirects_are_never_built_from_the_host_header(memory_app: FastAPI) -> None:
    from newsdesk.web.hosts import WebSettings

    with local_client(memory_app) as c:
        for path, target in (("/api/stories/", "/api/stories"), ("/static", "/static/"), ("/docs/?x=1", "/docs?x=1")):
            response = c.get(path, follow_redirects=False)
            assert response.status_code == 307 and response.headers["location"] == target
    anyone = Settings(web=WebSettings(allowed_hosts=("*",)))
    with TestClient(
        create_app(lambda: nullcontext(MemoryStore()), settings=anyone), base_url="http://evil.example"
    ) as c:
        response = c.get("/api/stories/", follow_redirects=False)
    assert response.headers["location"] == "/api/stories"


def test_head_requests_are_answered_without_a_body(memory_app: FastAPI) -> None:
    with local_client(memory_app) as c:
        for path in ("/", "/api/stories", "/static/style.css", "/docs", "/openapi.json"):
            got, head = c.get(path), c.head(path)
            assert head.status_code == got.status_code == 200, path
            assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
            assert head.headers["content-length"] == got.headers["content-length"]
        missing = c.head("/api/stories/nope")
    assert missing.status_code == 404 and missing.content == b""


def test_serve_answers_its_own_address_and_believes_proxies_only_when_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from newsdesk.web.hosts import WebSettings

    calls: list[tuple[FastAPI, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    db = tmp_path / "news.db"
    SQLiteStore(db).close()
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command"))

    assert run(parser.parse_args(["serve", "--db", str(db)]), Settings()) == 0
    assert (
        run(
            parser.parse_args(["serve", "--db", str(db), "--host", "192.168.1.5", "--allow-host", "desk.lan"]),
            Settings(),
        )
        == 0
    )
    proxied = Settings(web=WebSettings(forwarded_allow_ips=("10.0.0.2",)))
    assert run(parser.parse_args(["serve", "--db", str(db), "--trust-proxy", "10.0.0.1"]), proxied) == 0

    (plain, plain_options), (lan, _), (_, proxy_options) = calls
    assert plain_options["proxy_headers"] is False  # uvicorn's default would believe 127.0.0.1
    assert proxy_options["proxy_headers"] is True and proxy_options["forwarded_allow_ips"] == ["10.0.0.2", "10.0.0.1"]
    with local_client(lan) as c:
        hosts = ("localhost", "192.168.1.5:8000", "desk.lan", "evil.example")
        assert [c.get("/api/stories", headers={"Host": h}).status_code for h in hosts] == [200, 200, 200, 400]
    with local_client(plain) as c:
        assert c.get("/api/stories", headers={"Host": "192.168.1.5"}).status_code == 400


def test_every_page_isolates_user_strings_bidi_override() -> None:
    """A source named "Daily Wire\u202e" must not turn the date after it into "01-30-6202"."""
    from newsdesk.model import Entity, Mention
    from test_report import BIDI, bidi_analysis, unisolated

    analysis = bidi_analysis()
    entity = Entity(
        id="e-1",
        name=f"Ann{BIDI} Lee",
        kind="person",
        mentions=[Mention(article="a-bidi", text="council", start=4, end=11)],
    )
    store = MemoryStore()
    store.add_articles(analysis.articles)
    store.save_analysis(entities=[entity], quotes=analysis.quotes, claims=[], stories=analysis.stories)
    with local_client(create_app(lambda: nullcontext(store))) as c:
        pages = {
            path: c.get(path).text
            for path in ("/", "/stories/s-bidi", "/articles/a-bidi", "/entities/e-1", "/search?q=council", "/?page=1")
        }
    assert BIDI in pages["/articles/a-bidi"] and BIDI in pages["/stories/s-bidi"]
    assert {path: unisolated(html) for path, html in pages.items()} == {path: [] for path in pages}
    # The outlet is named on one line (controls and overrides dropped), isolated, and the date reads right.
    assert "<bdi>Daily Wire</bdi> · <time>2026-01-30</time>" in pages["/articles/a-bidi"]


def test_error_pages_cap_what_they_echo(memory_app: FastAPI) -> None:
    with local_client(memory_app) as c:
        long_id = c.get("/stories/s-" + "x" * 5000)
        nowhere = c.get("/nowhere/" + "y" * 5000 + "%1B%5B2J")
        api_nowhere = c.get("/api/nowhere/" + "z" * 5000)
    assert long_id.status_code == 422 and "x" * 101 not in long_id.text  # ids are capped at 100, as in the API
    assert nowhere.status_code == 404 and "y" * 100 not in nowhere.text and "Nothing at /nowhere/yyy" in nowhere.text
    message = assert_error(api_nowhere, 404, "not_found")["message"]
    assert isinstance(message, str) and len(message) < 120 and message.endswith("…."), message


@pytest.fixture
def ferry_news() -> Iterator[FastAPI]:
    """Seven articles that all mention the ferry."""
    from newsdesk.model import Article

    store = MemoryStore()
    store.add_articles(
        [
            Article(
                id=f"a-{n}", path=f"{n}.txt", title=f"Ferry news {n}", paragraphs=[f"The ferry ran late {n} times."]
            )
            for n in range(7)
        ]
    )
    yield create_app(lambda: nullcontext(store))
    store.close()


def test_api_search_gives_the_total_and_pages_through_it(ferry_news: FastAPI) -> None:
    seen: list[str] = []
    with local_client(ferry_news) as c:
        url: str | None = "/api/search?q=ferry&limit=3"
        pages = 0
        while url:
            body = c.get(url).json()
            assert body["total"] == 7 and body["count"] == len(body["items"]) <= 3 and body["query"] == "ferry"
            seen += [hit["article"]["id"] for hit in body["items"]]
            url, pages = body["next"], pages + 1
        assert (
            c.get("/api/search?q=ferry&offset=6&limit=3").json()["previous"] == "/api/search?q=ferry&offset=3&limit=3"
        )
    assert pages == 3 and sorted(seen) == [f"a-{n}" for n in range(7)]


def test_search_page_says_the_total_and_pages_through_it(ferry_news: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "SEARCH_LIMIT", 3)
    seen: set[str] = set()
    with local_client(ferry_news) as c:
        first = c.get("/search", params={"q": "ferry"}).text
        assert "7 results for" in first and "1–3 on page 1 of 3" in first
        url: str | None = "/search?q=ferry"
        while url:
            page = c.get(url).text
            seen |= set(re.findall(r'href="/articles/(a-\d)"', page))
            found = re.search(r'<a rel="next" href="([^"]+)"', page)
            url = found.group(1).replace("&amp;", "&") if found else None
        last = c.get("/search", params={"q": "ferry", "page": 3}).text
        past = c.get("/search", params={"q": "ferry", "page": 4}).text
    assert seen == {f"a-{n}" for n in range(7)}
    assert '<ol class="results" start="7">' in last and 'rel="prev" href="/search?q=ferry&amp;page=2"' in last
    assert "past the last one" in past


def test_an_article_without_source_is_not_named_by_its_headline() -> None:
    from newsdesk.model import Article

    store = MemoryStore()
    bare = Article(
        id="a-bare",
        path="b.txt",
        title="Storm closes port",
        paragraphs=["The port closed."],
        url="https://news.example/x",
    )
    store.add_articles([bare])
    store.save_analysis(
        entities=[], quotes=[], claims=[], stories=[Story(id="s-1", title="Storm", articles=["a-bare"])]
    )
    with local_client(create_app(lambda: nullcontext(store))) as c:
        listing, story = c.get("/").text, c.get("/stories/s-1").text
        filtered = c.get("/", params={"source": "unknown source (news.example)"}).text
    assert '<option value="unknown source (news.example)">unknown source (news.example)</option>' in listing
    assert "from <bdi>unknown source (news.example)</bdi>" in listing
    assert '<td class="nowrap"><bdi>unknown source (news.example)</bdi></td>' in story
    assert ">Storm closes port<" not in listing and 'href="/stories/s-1"' in filtered


def test_snippet_markup_escapes() -> None:
    assert str(snippet_markup("a [<b>] c <i>")) == "a <mark>&lt;b&gt;</mark> c &lt;i&gt;"


# --------------------------------------------------------------------------- report and CLI


def test_write_story_report(db: Path, tmp_path: Path, ids: dict[str, str], truth: Truth) -> None:
    with SQLiteStore(db) as store:
        path = write_story_report(store, truth.contested.id, tmp_path / "out" / "story.html")
        hostile = write_story_report(store, ids["hostile_story"], tmp_path / "hostile.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<svg" in html and 'id="coverage"' in html
    assert str(escape(truth.strongest.explanation)) in html
    assert "<script" not in html and "http://" not in html.split("<main>")[0]  # nothing loaded from outside
    assert_escaped(hostile.read_text(encoding="utf-8"))
    assert "<svg" not in hostile.read_text(encoding="utf-8")  # one day: no chart


def test_cli_report_and_serve_checks(db: Path, tmp_path: Path, truth: Truth) -> None:
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command"))
    out = tmp_path / "r.html"
    args = parser.parse_args(["report", truth.contested.id, "-o", str(out), "--db", str(db)])
    assert run(args, Settings()) == 0 and out.exists()
    missing = parser.parse_args(["serve", "--db", str(tmp_path / "missing.db")])
    with pytest.raises(StorageError, match="does not exist"):
        run(missing, Settings())
    serve = parser.parse_args(["serve", "--port", "9000", "--token", "t"])
    assert (serve.host, serve.port, serve.token) == ("127.0.0.1", 9000, "t")


def test_coverage_by_day_fills_gaps() -> None:
    from newsdesk.model import Article

    def article(published: str | None) -> Article:
        return Article(id=f"a-{published}", path="p", title="t", paragraphs=["x"], published=published)

    days = coverage_by_day([article("2026-03-01T10:00"), article("2026-03-03"), article("2026-03-03Z"), article(None)])
    assert days == [("2026-03-01", 1), ("2026-03-02", 0), ("2026-03-03", 2)]
    far = coverage_by_day([article("2026-01-01"), article("2026-12-31")])
    assert far == [("2026-01-01", 1), ("2026-12-31", 1)]


def test_coverage_chart_helpers() -> None:
    assert paginate(list(range(5)), limit=2, offset=4).next_offset is None
    assert paginate(list(range(5)), limit=2, offset=2).previous_offset == 0
    assert str(coverage_svg([])) == ""
    svg = str(coverage_svg([("2026-03-01", 2), ("2026-03-02", 0), ("2026-03-03", 1)], title="<x>"))
    assert svg.startswith("<svg") and "&lt;x&gt;" in svg and svg.count("<rect") == 3


def test_timeline_chart_marks_claims_and_disputes() -> None:
    days = [DayCount(day="2026-03-01", articles=2, claims=9, disputed=3), DayCount(day="2026-03-02", articles=1)]
    svg = str(timeline_svg(days))
    assert svg.count("<circle") == 1 and ">3</text>" in svg  # one day with disputed claims, and how many
    assert "2026-03-01: 2 articles, 9 claims, 3 on a side of a dispute" in svg
    assert "2026-03-02: 1 article, 0 claims" in svg
    assert "disputed claims" in svg and "claims</text>" in svg  # the legend names every mark used
    width = int(svg.split('width="')[1].split('"')[0])
    assert f'viewBox="0 0 {width} ' in svg  # scales down on a narrow screen
    plain = str(timeline_svg([DayCount(day="2026-03-01", articles=1)]))
    assert "<circle" not in plain and "claims" not in plain


def test_docs_render_markdown_without_raw_html() -> None:
    html = str(markdown("Lists give `total`.\n\n- one\n- two <script>alert(1)</script> [x](javascript:alert(1))"))
    assert "<code>total</code>" in html and "<li>one</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html
    with local_client(create_app(lambda: nullcontext(MemoryStore()))) as c:
        page = c.get("/docs").text
    assert "<code>limit</code>" in page and "``" not in page


def test_one_date_format() -> None:
    assert when("2026-03-10T16:52:07+00:00") == "2026-03-10 16:52"
    assert when("2026-03-11") == "2026-03-11"
    assert when(None) == "" and when("") == ""
    assert when("last spring\n") == "last spring"


def test_timeline_places_a_claim_on_the_day_it_was_reported() -> None:
    """ "On Friday" in a Monday article tells of Friday; the claim is still listed on Monday, with Friday beside it."""
    from newsdesk.model import Article, Claim, ClaimRef, Dispute, DisputeSide

    monday = Article(id="a-1", path="p", title="Dam", paragraphs=["x"], source="Wire", published="2026-03-09T08:00")
    tuesday = Article(id="a-2", path="q", title="Dam", paragraphs=["y"], source="Post", published="2026-03-10")
    friday = Claim(
        id="c-1", article="a-1", text="On Friday the dam held.", holder="mayor", start=0, end=20, date="2026-03-06"
    )
    same = Claim(id="c-2", article="a-2", text="The dam broke.", holder="residents", start=0, end=14)
    sides = [
        DisputeSide(claims=[ClaimRef(article="a-1", text=friday.text, holder="mayor")], holders=[], outlets=[]),
        DisputeSide(claims=[ClaimRef(article="a-2", text=same.text, holder="residents")], holders=[], outlets=[]),
    ]
    story = Story(
        id="s-1",
        title="Dam",
        articles=["a-1", "a-2"],
        disputes=[Dispute(id="d", about="", explanation="", score=0.9, sides=sides)],
    )
    store = MemoryStore()
    store.add_articles([monday, tuesday])
    store.save_analysis(entities=[], quotes=[], claims=[friday, same], stories=[story])
    detail = story_detail(store, "s-1")
    assert [(d.day, [e.tells_of for e in d.entries]) for d in detail.timeline] == [
        ("2026-03-09", ["2026-03-06"]),
        ("2026-03-10", [None]),
    ]
    assert [(d.day, d.articles, d.claims, d.disputed) for d in detail.days] == [
        ("2026-03-09", 1, 1, 1),
        ("2026-03-10", 1, 1, 1),
    ]


# --------------------------------------------------------------------------- disputes and stances


BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: would reverse the rest of the line
DISPUTE_ABOUT = "Whether the ferry contract was signed"


@pytest.fixture
def disputed() -> Iterator[TestClient]:
    """An app over a memory store holding one invented story with disputes and stances (hostile text included)."""
    from newsdesk.model import Article, ArticleStance, ClaimRef, Dispute, DisputeSide

    wire = Article(
        id="a-wire",
        path="wire.txt",
        title="Ferry contract signed, council says",
        paragraphs=["The council signed the ferry contract on Monday."],
        source="Meridian Wire",
        published="2026-04-01",
    )
    evil = Article(
        id="a-evil",
        path="evil.txt",
        title=f"No contract {SCRIPT}",
        paragraphs=["The opposition says no contract was signed."],
        source="<b>Evil</b> Gazette",
        published="2026-04-02",
    )
    quiet = Article(id="a-quiet", path="q.txt", title="Ferry timetable", paragraphs=["Boats run hourly."])
    signed = ClaimRef(article=wire.id, text="The council signed the ferry contract", holder="Council")
    denied = ClaimRef(article=evil.id, text=f"No contract was signed {IMG}", holder=f"Opposition{BIDI} leader")
    story = Story(
        id="s-ferry",
        title="Ferry contract",
        articles=[wire.id, evil.id, quiet.id],
        comparisons=[
            Comparison(
                about="contract",
                relation="contradict",
                kind="denial",
                explanation="Council says signed; opposition says not",
                score=0.8,
                a=signed,
                b=denied,
            )
        ],
        disputes=[
            Dispute(
                id="d-minor",
                about="",
                explanation="",
                score=0.3,
                sides=[DisputeSide(claims=[], holders=[], outlets=[]), DisputeSide(claims=[], holders=[], outlets=[])],
            ),
            Dispute(
                id="d-contract",
                about=DISPUTE_ABOUT,
                explanation=f"Council says signed; opposition{BIDI} says not {SCRIPT}",
                score=0.85,
                sides=[
                    DisputeSide(claims=[signed], holders=["Council"], outlets=["Meridian Wire"]),
                    DisputeSide(claims=[denied], holders=[f"Opposition{BIDI} leader"], outlets=["<b>Evil</b> Gazette"]),
                ],
                first_seen="2026-04-01",
                last_seen="2026-04-02",
            ),
        ],
        lead_claim=f"Ferry contract signed {BIDI}, council says",
        stances=[
            ArticleStance(article=quiet.id, stance="discusses", score=0.55),
            ArticleStance(article=evil.id, stance="disputes", score=0.81),
            ArticleStance(article=wire.id, stance="supports", score=0.97),
        ],
    )
    store = MemoryStore()
    store.add_articles([wire, evil, quiet])
    store.save_analysis(
        entities=[], quotes=[], claims=[], stories=[story, Story(id="s-calm", title="Calm", articles=[quiet.id])]
    )
    with local_client(create_app(lambda: nullcontext(store))) as test_client:
        yield test_client


def test_story_page_shows_each_dispute_as_a_card_with_two_sides(disputed: TestClient) -> None:
    page = disputed.get("/stories/s-ferry").text
    assert page.index('id="disputes"') < page.index('id="stances"') < page.index('id="contradictions"')
    assert "Disputes (2)" in page and '<span class="badge badge-dispute">2 disputes</span>' in page
    cards = page[page.index('id="disputes"') : page.index('id="stances"')].split('<article class="dispute">')[1:]
    contract, minor = cards  # strongest first
    assert f"<bdi>{DISPUTE_ABOUT}</bdi>" in contract
    assert "first seen <time>2026-04-01</time> · last seen <time>2026-04-02</time>" in contract
    side_a, side_b = contract.split('class="side dispute-side"')[1:]
    assert '<span class="side-label">A</span>' in side_a and "The council signed the ferry contract" in side_a
    assert "Held by <strong><bdi>Council</bdi></strong> · reported by <bdi>Meridian Wire</bdi>" in side_a
    assert 'href="/articles/a-wire"' in side_a and "<time>2026-04-01</time>" in side_a
    assert '<span class="side-label">B</span>' in side_b and 'href="/articles/a-evil"' in side_b
    assert "<bdi>Opposition leader</bdi>" in side_b  # the override is dropped, the name kept
    assert minor.count("No claim on this side.") == 2 and "<bdi>Dispute</bdi>" in minor
    pairs = page[page.index('id="contradictions"') :]
    assert pairs.index('<details class="pairs">') < pairs.index("Council says signed; opposition says not")


def test_story_page_shows_the_stance_of_each_article(disputed: TestClient) -> None:
    page = disputed.get("/stories/s-ferry").text
    section = page[page.index('id="stances"') : page.index('id="matrix"')]
    assert "Toward the lead claim «<bdi>Ferry contract signed , council says</bdi>»" in section
    rows = section.split("<tr>")[2:]
    assert ["stance-supports" in rows[0], "stance-disputes" in rows[1], "stance-discusses" in rows[2]] == [True] * 3
    assert "<bdi>Meridian Wire</bdi>" in rows[0] and "<td>0.97</td>" in rows[0]
    assert "<bdi>&lt;b&gt;Evil&lt;/b&gt; Gazette</bdi>" in rows[1] and 'href="/articles/a-evil"' in rows[1]
    calm = disputed.get("/stories/s-calm").text
    assert 'id="disputes"' not in calm and 'id="stances"' not in calm and "No contradictions found" in calm


def test_disputes_and_stances_are_escaped_on_the_page(disputed: TestClient) -> None:
    page = disputed.get("/stories/s-ferry").text
    assert_escaped(page)
    assert not re.search(r"<[a-z][^<>]*\s(?:on\w+|style)=", page)
    new_sections = page[page.index('id="disputes"') : page.index('id="matrix"')]
    assert BIDI not in new_sections  # one line each, no override reversing the stance or side labels
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in new_sections
    assert "&lt;img src=x onerror=alert(1)&gt;" in new_sections


def test_api_story_adds_disputes_lead_claim_and_stances(disputed: TestClient) -> None:
    story = disputed.get("/api/stories/s-ferry").json()
    assert {"contradictions", "updates", "agreements", "timeline", "matrix", "coverage", "links"} <= set(story)
    assert [d["id"] for d in story["disputes"]] == ["d-contract", "d-minor"]
    contract = story["disputes"][0]
    assert set(contract) == {"id", "about", "explanation", "score", "sides", "first_seen", "last_seen"}
    assert (contract["about"], contract["score"], contract["first_seen"], contract["last_seen"]) == (
        DISPUTE_ABOUT,
        0.85,
        "2026-04-01",
        "2026-04-02",
    )
    side_a, side_b = contract["sides"]
    assert side_a == {
        "claims": [
            {
                "article": "a-wire",
                "text": "The council signed the ferry contract",
                "holder": "Council",
                "source": "Meridian Wire",
            }
        ],
        "holders": ["Council"],
        "outlets": ["Meridian Wire"],
    }
    assert side_b["claims"][0]["holder"] == f"Opposition{BIDI} leader"  # JSON carries the data as stored
    assert story["lead_claim"] == f"Ferry contract signed {BIDI}, council says"
    assert story["stances"] == [
        {"article": "a-wire", "stance": "supports", "score": 0.97, "source": "Meridian Wire"},
        {"article": "a-evil", "stance": "disputes", "score": 0.81, "source": "<b>Evil</b> Gazette"},
        {"article": "a-quiet", "stance": "discusses", "score": 0.55, "source": "unknown source"},
    ]
    calm = disputed.get("/api/stories/s-calm").json()
    assert (calm["disputes"], calm["lead_claim"], calm["stances"]) == ([], None, [])
    schema = disputed.get("/openapi.json").json()["components"]["schemas"]
    assert {"DisputeOut", "DisputeSideOut", "StanceOut"} <= set(schema)


def test_story_lists_count_disputes(disputed: TestClient) -> None:
    items = {s["id"]: s for s in disputed.get("/api/stories").json()["items"]}
    assert (items["s-ferry"]["disputes"], items["s-calm"]["disputes"]) == (2, 0)
    assert items["s-ferry"]["contradictions"] == 1  # the older counts stay
    page = disputed.get("/").text
    assert '<span class="badge badge-dispute">2 disputes</span>' in page and page.count("badge-dispute") == 1


class PagedOnly(MemoryStore):
    """A store that refuses every whole read: a request must read through pages and ids."""

    def articles(self, ids: Any = None) -> Any:
        assert ids is not None, "a request read every article"
        return super().articles(ids)

    def entities(self, articles: Any = None) -> Any:
        assert articles is not None, "a request read every entity"
        return super().entities(articles)

    def quotes(self, article_id: Any = None, *, speaker: Any = None) -> Any:
        assert article_id is not None or speaker is not None, "a request read every quote"
        return super().quotes(article_id, speaker=speaker)

    def claims(self, article_id: Any = None, *, articles: Any = None) -> Any:
        assert article_id is not None or articles is not None, "a request read every claim"
        return super().claims(article_id, articles=articles)

    def stories(self, article: Any = None, *, articles: Any = None) -> Any:
        assert article is not None or articles is not None, "a request read every story"
        return super().stories(article, articles=articles)


def test_no_request_reads_the_whole_analysis_and_lists_are_current(db: Path) -> None:
    from newsdesk.pipeline import load_analysis

    with SQLiteStore(db) as source:
        analysis = load_analysis(source)
    store = PagedOnly()
    store.add_articles(analysis.articles)
    store.save_analysis(
        entities=analysis.entities, quotes=analysis.quotes, claims=analysis.claims, stories=analysis.stories
    )
    story, article, entity = analysis.stories[0], analysis.articles[0], analysis.entities[0]
    urls = ["/", "/?sort=size", f"/?entity={entity.id}", "/?source=Orbis+Today", "/?date_from=2026-03-10"]
    urls += [f"/stories/{story.id}", f"/articles/{article.id}", f"/entities/{entity.id}", "/search?q=police"]
    urls += ["/api/stories", f"/api/stories/{story.id}", "/api/articles", f"/api/articles/{article.id}"]
    urls += ["/api/entities?q=a", f"/api/entities/{entity.id}", "/api/search?q=police"]
    with local_client(create_app(lambda: nullcontext(store))) as c:
        for url in urls:
            assert c.get(url).status_code == 200, url
        assert c.get("/api/stories").json()["total"] == len(analysis.stories)
        store.save_analysis(entities=[], quotes=[], claims=[], stories=[story])
        assert [s["id"] for s in c.get("/api/stories").json()["items"]] == [story.id]  # nothing stale


def test_the_entity_filter_offers_a_bounded_list_and_keeps_the_chosen_entity(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsdesk.model import Article, Entity, Mention
    from newsdesk.web import queries

    store = MemoryStore()
    articles = [Article(id=f"a-{n}", path="p", title=f"Title {n}", paragraphs=["Text."]) for n in range(3)]
    store.add_articles(articles)
    entities = [
        Entity(
            id=f"e-{n}",
            name=f"Name {n}",
            kind="person",
            mentions=[Mention(article=f"a-{k}", text="N", start=0, end=1) for k in range(3 - n)],
        )
        for n in range(3)
    ]
    store.save_analysis(entities=entities, quotes=[], claims=[], stories=[Story(id="s-1", title="S", articles=["a-0"])])
    monkeypatch.setattr(queries, "ENTITY_CHOICES", 1)
    assert [(e.id, n) for e, n in queries.story_facets(store).entities] == [("e-0", 3)]
    chosen = queries.story_facets(store, queries.StoryFilter(entity="e-2")).entities
    assert [(e.id, n) for e, n in chosen] == [("e-0", 3), ("e-2", 1)]
    with local_client(create_app(lambda: nullcontext(store))) as c:
        page = c.get("/", params={"entity": "e-2"}).text
    assert '<option value="e-2" selected>' in page and 'value="e-1"' not in page


def test_the_server_reads_the_database_read_only(db: Path) -> None:
    config = create_app(db).state.newsdesk
    with config.store_factory() as store:
        assert isinstance(store, SQLiteStore) and store.read_only
        assert store.story_rows(limit=1)[1] > 0
        with pytest.raises(StorageError, match="read-only"):
            store.record_run(command="GET /", inputs=0, added=0, problems=[])
    with config.writable_factory() as store:
        assert not store.read_only


def test_a_long_timeline_is_cut_on_the_page_and_says_how_many_claims_are_left(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.web import story as story_module
    from newsdesk.web.story import TimelineDay, shown_timeline

    with SQLiteStore(db) as store:
        story = max(store.stories(), key=lambda s: len(s.articles))
        detail = story_detail(store, story.id)
    total = sum(len(day.entries) for day in detail.timeline)
    assert total > 3
    shown, hidden = shown_timeline(detail.timeline, limit=3)
    assert [e for day in shown for e in day.entries] == [e for day in detail.timeline for e in day.entries][:3]
    assert hidden == total - 3 and all(isinstance(day, TimelineDay) and day.entries for day in shown)
    assert shown_timeline(detail.timeline, limit=total) == (detail.timeline, 0)
    with local_client(create_app(db)) as c:
        assert "are not listed here" not in c.get(f"/stories/{story.id}").text
        monkeypatch.setattr(story_module, "TIMELINE_SHOWN", 3)
        page = c.get(f"/stories/{story.id}").text
    assert f"{total - 3} more claims of this story are not listed here" in page
    assert page.count('<li class="') - page.split('id="timeline"')[0].count('<li class="') == 3


def test_an_entity_page_reads_its_first_articles_and_quotes_and_counts_them_all(db: Path) -> None:
    from newsdesk.web import queries

    with SQLiteStore(db) as store:
        counts, _ = store.entity_counts(limit=1)
        entity = counts[0].entity
        whole = queries.entity_detail(store, entity.id)
        first = queries.entity_detail(store, entity.id, max_articles=1, max_quotes=1)
    assert whole.articles_total == first.articles_total == counts[0].articles > 1
    assert [g.article.id for g in first.groups] == [g.article.id for g in whole.groups][:1]
    assert first.quotes == whole.quotes[:1] and first.quotes_total == whole.quotes_total
    assert [s.id for s in first.stories] == [s.id for s in whole.stories] and whole.stories
    with local_client(create_app(db)) as c:
        body = c.get(f"/api/entities/{entity.id}").json()
    assert body["articles_total"] == whole.articles_total and len(body["articles"]) == len(whole.groups)


def test_the_first_claims_of_a_timeline_read_alone_match_the_whole_timeline(db: Path, tmp_path: Path) -> None:
    from newsdesk.evaluation.scale_store import fill_store

    generated = tmp_path / "generated.db"
    with SQLiteStore(generated) as store:
        fill_store(store, 150, seed=5)
    for path in (db, generated):
        with SQLiteStore(path) as store:
            for story in store.stories():
                whole = story_detail(store, story.id)
                for limit in (1, 7, 40, 10_000):
                    first = story_detail(store, story.id, timeline_limit=limit)
                    entries = [(e.claim.id, e.when, e.source) for day in first.timeline for e in day.entries]
                    expected = [(e.claim.id, e.when, e.source) for day in whole.timeline for e in day.entries]
                    assert entries == expected[:limit], (path.name, story.id, limit)
                    assert first.days == whole.days and first.timeline_claims == whole.timeline_claims == len(expected)


def test_related_stories_point_to_each_other_on_the_page_and_in_the_api() -> None:
    from newsdesk.model import Article, RelatedStory
    from newsdesk.stories.related import link_related

    dam = Article(id="a-dam", path="dam.txt", title="Veshnya dam bursts", paragraphs=["x"], published="2026-03-14")
    probe = Article(id="a-probe", path="p.txt", title="Veshnya dam inquiry", paragraphs=["y"], published="2026-05-02")
    first = Story(
        id="s-dam",
        title="Veshnya dam bursts",
        articles=[dam.id],
        related=[RelatedStory(story="s-probe", similarity=0.41, reason=f"shares Veshnya{BIDI}; 49 days later")],
    )
    second = Story(
        id="s-probe",
        title="Veshnya dam inquiry <b>",
        articles=[probe.id],
        related=[RelatedStory(story="s-dam", similarity=0.41, reason="shares Veshnya; 49 days earlier")],
    )
    store = MemoryStore()
    store.add_articles([dam, probe])
    store.save_analysis(entities=[], quotes=[], claims=[], stories=[first, second])
    with local_client(create_app(lambda: nullcontext(store))) as client:
        page = client.get("/stories/s-dam").text
        section = page[page.index('id="related"') :]
        assert 'href="/stories/s-probe"' in section and "Veshnya dam inquiry &lt;b&gt;" in section
        assert "49 days later" in section and BIDI not in section and 'href="#related"' in page
        back = client.get("/stories/s-probe").text
        assert 'href="/stories/s-dam"' in back[back.index('id="related"') :]
        api = client.get("/api/stories/s-probe").json()
        assert api["related"] == [
            {
                "story": "s-dam",
                "title": "Veshnya dam bursts",
                "similarity": 0.41,
                "reason": "shares Veshnya; 49 days earlier",
                "links": {"self": "/api/stories/s-dam", "html": "/stories/s-dam"},
            }
        ]
    # What link_related finds for these two (the titles share the dam) is what the pages were given.
    linked = link_related([first, second], [dam, probe])
    assert [r.story for r in linked[0].related] == ["s-probe"] and [r.story for r in linked[1].related] == ["s-dam"]
    assert linked[0].related[0].reason.endswith("49 days later")
    assert linked[1].related[0].reason.endswith("49 days earlier")
