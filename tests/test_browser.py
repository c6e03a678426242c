"""End to end in a real browser: the server on loopback, Debian's headless Chromium driven by Playwright.

Slow (deselected by default; run with ``pytest -m slow tests/test_browser.py``).
Skips with a reason when /usr/bin/chromium (``scripts/install-browser.sh``) or
the playwright package is missing: Playwright's own browser download does not
work here, so it is pointed at Debian's Chromium.

Set ``NEWSDESK_SCREENSHOTS=1`` to save screenshots to docs/screenshots/
(docs/screenshots/story.png is the one shown in docs/web.md).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from newsdesk.enrich import Enricher
from newsdesk.pipeline import analyze_store, ingest
from newsdesk.storage import SQLiteStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
HOSTILE = {
    "title": "Harbour council <script>alert(1)</script> approves ferry plan <img src=x onerror=alert(1)>",
    "source": "Port Ellis Courier",
    "published": "2026-03-20",
    "text": "The harbour council approved the ferry plan <script>alert(1)</script> on Tuesday.\n\n"
    '"Nothing will stop <img src=x onerror=alert(1)> this ferry," said council leader Maren Tolvik.',
}
BIDI = {
    "title": "Lighthouse keepers strike over night shifts",
    "source": "Daily Wire\u202e",  # RIGHT-TO-LEFT OVERRIDE: unisolated, it reverses what follows on its line
    "published": "2026-01-30",
    "text": "The lighthouse keepers of the northern coast went on strike on Friday over new night shifts.\n\n"
    "Their union said the strike would last a week.",
}
SEARCH_PAGE = 3
"""Search results a page while these tests run, so the small corpus spans several pages."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium: run scripts/install-browser.sh"
    ),
    pytest.mark.skipif(find_spec("playwright") is None, reason="needs the playwright package: pip install playwright"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, enricher: Enricher) -> Iterator[str]:
    """A demo database (sample corpus + one hostile article) served by uvicorn on a free loopback port."""
    import uvicorn

    from newsdesk.web import create_app, pages

    folder = tmp_path_factory.mktemp("browser")
    (folder / "hostile.jsonl").write_text(json.dumps(HOSTILE) + "\n" + json.dumps(BIDI) + "\n", encoding="utf-8")
    db = folder / "demo.db"
    sample = resources.files("newsdesk.data") / "sample"
    with resources.as_file(sample) as sample_dir, SQLiteStore(db) as store:
        ingest([str(sample_dir), str(folder / "hostile.jsonl")], store)
        analyze_store(store, enricher=enricher)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; the bound socket is handed to uvicorn (no race)
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    page_size, pages.SEARCH_LIMIT = pages.SEARCH_LIMIT, SEARCH_PAGE
    yield f"http://127.0.0.1:{port}"
    pages.SEARCH_LIMIT = page_size
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium, headless, with a fresh profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 1400},
        )
        yield context
        context.close()


class Tab(NamedTuple):
    page: Any
    dialogs: list[str]
    """Messages of every alert/confirm/prompt the page opened: must stay empty."""


@pytest.fixture
def tab(browser_context: Any) -> Iterator[Tab]:
    page = browser_context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield Tab(page, dialogs)
    page.close()


def _shot(page: Any, name: str, *, full_page: bool = False) -> None:
    if os.environ.get("NEWSDESK_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def test_read_the_most_contested_story(server: str, tab: Tab) -> None:
    page = tab.page
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Stories"
    assert page.locator("article.story-row").count() >= 6
    _shot(page, "stories")

    page.select_option("select[name=sort]", "contested")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?sort=contested*")
    first = page.locator("article.story-row h2 a").first
    assert "Valmora police arrest" in first.inner_text()
    first.click()
    page.wait_for_url("**/stories/*")

    heading = page.locator("#contradictions h2").inner_text()
    assert int(heading.removeprefix("Contradictions (").rstrip(")")) > 0, heading
    # A dispute reads as one unit: the question, its explanation, two sides.
    dispute = page.locator("#disputes article.dispute").first
    dispute.scroll_into_view_if_needed()
    assert dispute.is_visible()
    assert dispute.locator(".dispute-side").count() == 2
    # The pairs behind the disputes are one click away.
    page.locator("#contradictions details.pairs summary").click()
    contradiction = page.locator("#contradictions .cmp-contradict").first
    contradiction.scroll_into_view_if_needed()
    assert contradiction.is_visible()
    assert "Arvela" in page.locator("#disputes").inner_text()  # the disputes name who says what
    assert contradiction.locator(".side").count() == 2
    assert page.locator("table.matrix td.cell-contradict").count() > 0
    # Over time: a bar of articles for each of the 3 days, claims beside them, the disputed claims marked.
    assert page.locator("svg.chart g title").count() == 3
    assert page.locator("svg.chart circle").count() >= 1
    _shot(page, "story")
    assert not tab.dialogs


def test_search_and_open_a_result(server: str, tab: Tab) -> None:
    page = tab.page
    page.goto(server + "/")
    page.fill("#q-top", "sirens")
    page.press("#q-top", "Enter")
    page.wait_for_url("**/search?q=sirens")
    results = page.locator("li.result")
    assert results.count() >= 1
    assert page.locator("li.result mark").first.inner_text().lower().startswith("siren")
    _shot(page, "search")
    results.first.locator("h2 a").click()
    page.wait_for_url("**/articles/*")
    assert page.locator("mark.quote").count() > 0
    page.locator("details.removed summary").click()
    assert page.locator("details.removed li").first.is_visible()
    _shot(page, "article", full_page=True)


def test_hostile_article_runs_no_script(server: str, tab: Tab) -> None:
    page = tab.page
    executed: list[str] = []
    page.on("console", lambda message: executed.append(message.text) if "alert" in message.text else None)
    page.goto(server + "/search?q=ferry")
    page.locator("li.result h2 a", has_text="Harbour council").click()
    page.wait_for_url("**/articles/*")
    page.wait_for_load_state("load")
    # The markup is shown as text, not run: the title reads literally.
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()
    assert "<img src=x onerror=alert(1)>" in page.locator(".text").inner_text()
    assert page.locator(".text img, .text script, h1 img, h1 script").count() == 0
    page.goto(server + "/")  # the hostile story is the newest on the list
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.querySelectorAll('main img, main script').length") == 0
    assert not tab.dialogs, tab.dialogs
    assert not executed


def test_pages_fit_a_small_screen(server: str, tab: Tab) -> None:
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/?sort=contested")
    story = page.locator("article.story-row h2 a").first.get_attribute("href")
    page.goto(server + "/search?q=police")
    article = page.locator("li.result h2 a").first.get_attribute("href")
    for path in ("/?sort=contested", story, article, "/search?q=police", "/docs"):
        page.goto(server + str(path))
        wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{path} scrolls sideways by {wide} px at 390 px"
    _shot(page, "story-small", full_page=False)


def test_search_pages_through_every_result(server: str, tab: Tab) -> None:
    page = tab.page
    page.goto(server + "/search?q=the")
    summary = page.locator("main p.muted").first.inner_text()
    total = int(summary.split()[0])
    assert total > SEARCH_PAGE, summary
    seen: list[str] = []
    while True:
        seen += [str(a.get_attribute("href")) for a in page.locator("li.result h2 a").all()]
        following = page.locator("a[rel=next]")
        if not following.count():
            break
        following.click()
        page.wait_for_load_state("load")
    assert len(seen) == total and len(set(seen)) == total


def test_a_bidi_source_is_isolated(server: str, tab: Tab) -> None:
    page = tab.page
    page.goto(server + "/search?q=lighthouse")
    line = page.locator("li.result p.muted").first
    source = line.locator("bdi").first
    assert source.inner_text().startswith("Daily Wire")
    when = line.locator("time")
    assert when.inner_text() == "2026-01-30"  # not reversed into "03-10-6202"
    assert when.bounding_box()["x"] >= source.bounding_box()["x"] + source.bounding_box()["width"]


def test_a_request_for_another_host_name_is_refused(server: str, browser_context: Any) -> None:
    answer = browser_context.request.get(server + "/api/stories", headers={"Host": "evil.example"})
    assert answer.status == 400
    assert browser_context.request.get(server + "/api/stories").status == 200
