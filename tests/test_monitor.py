"""Watch mode: rounds, conditional polling, seen items, and stopping at any point without loss."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsdesk.cli import main
from newsdesk.enrich import Enricher
from newsdesk.monitor import RoundReport, parse_interval, watch
from newsdesk.storage import MemoryStore, SQLiteStore, Store
from newsdesk.storage.base import FeedState
from newsdesk.storage.migrations import MIGRATIONS
from test_fetch import FAST, RSS, TOPICS, LocalSite, article_html, opml, rss, serve_articles

NO_RETRY = dataclasses.replace(FAST, max_retries=0)


@pytest.fixture
def site() -> Iterator[LocalSite]:
    server = LocalSite()
    yield server
    server.close()


def run_watch(
    feeds: list[str], store: Store, enricher: Enricher, *, rounds: int = 1, **options: object
) -> list[RoundReport]:
    reports: list[RoundReport] = []
    on_round = options.pop("on_round", None)

    def collect(report: RoundReport) -> None:
        reports.append(report)
        if callable(on_round):
            on_round(report)

    options.setdefault("fetch", FAST)
    watch(feeds, store, every=0.0, rounds=rounds, enricher=enricher, on_round=collect, **options)  # type: ignore[arg-type]
    return reports


# --- durations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10m", 600), ("30s", 30), ("1h", 3600), ("1h30m", 5400), ("90", 90), ("1.5m", 90), ("250ms", 0.25)],
)
def test_parse_interval(text: str, seconds: float) -> None:
    assert parse_interval(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "ten minutes", "10x", "m"])
def test_parse_interval_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


# --- the store's watch state ---------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store: Store = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "state.db")
    yield store
    store.close()


def test_feed_state_and_seen_items(any_store: Store) -> None:
    assert any_store.feed_state("http://a.test/feed") is None
    assert any_store.seen_items("http://a.test/feed") == set()
    any_store.save_feed_state(FeedState(url="http://a.test/feed", title="A", etag='"1"'))
    any_store.save_feed_state(FeedState(url="http://b.test/feed"))
    any_store.save_feed_state(FeedState(url="http://a.test/feed", title="A2", etag='"2"', last_polled="t"))
    assert any_store.feed_state("http://a.test/feed") == FeedState(
        url="http://a.test/feed", title="A2", etag='"2"', last_polled="t"
    )
    assert [s.url for s in any_store.feed_states()] == ["http://a.test/feed", "http://b.test/feed"]
    any_store.mark_seen("http://a.test/feed", ["urn:1", "http://a.test/1"])
    any_store.mark_seen("http://a.test/feed", ["urn:1", "urn:2"])
    assert any_store.seen_items("http://a.test/feed") == {"urn:1", "urn:2", "http://a.test/1"}
    assert any_store.seen_items("http://b.test/feed") == set()


def test_watch_state_has_its_migration() -> None:
    (watch,) = [m for m in MIGRATIONS if m.version == 4]
    assert "feed_state" in watch.sql and "seen_items" in watch.sql


# --- rounds ------------------------------------------------------------------------------------


def test_second_round_ingests_only_new_items(site: LocalSite, store: MemoryStore, enricher: Enricher) -> None:
    items = serve_articles(site, 2)
    feed = site.add("/feed.xml", rss("Coastline Daily", items), content_type=RSS, etag='"v1"')

    def publish(report: RoundReport) -> None:
        if report.number == 1:
            link = site.add("/news/new.html", article_html(TOPICS[2][0], 7))
            items.append(("urn:item:new", link, TOPICS[2][0]))
            site.add("/feed.xml", rss("Coastline Daily", items), content_type=RSS, etag='"v2"')

    reports = run_watch([feed], store, enricher, rounds=3, on_round=publish)
    assert [(r.new_items, len(r.added), r.not_modified, len(r.problems)) for r in reports] == [
        (2, 2, 0, 0),
        (1, 1, 0, 0),
        (0, 0, 1, 0),  # conditional GET: 304
    ]
    assert site.request_headers["/feed.xml"][2]["If-None-Match"] == '"v2"'
    assert all(site.hits[f"/news/{i}.html"] == 1 for i in range(2)) and site.hits["/news/new.html"] == 1
    articles = store.articles()
    assert [a.url for a in articles] == [link for _, link, _ in items]
    assert {a.source for a in articles} == {"Coastline Daily"}
    assert articles[0].title == TOPICS[0][0] and articles[0].published == "2026-03-09T10:00"
    # The stories are brought up to date after each round that added articles.
    assert reports[0].stories is not None and reports[1].stories is not None and reports[2].stories is None
    assert sorted(a for s in store.stories() for a in s.articles) == sorted(a.id for a in articles)
    state = store.feed_state(feed)
    assert state is not None and state.etag == '"v2"' and state.title == "Coastline Daily" and state.last_polled
    assert [r["command"] for r in store.runs()] == ["watch round 1", "watch round 2"]
    assert "round 2: 1 feed(s) (0 unchanged), 1 new item(s), 1 article(s) added, 0 problem(s)" in reports[1].summary()


def test_transient_failures_are_retried_next_round_permanent_ones_are_not(
    site: LocalSite, store: MemoryStore, enricher: Enricher
) -> None:
    items = serve_articles(site, 1)
    flaky = site.add("/news/flaky.html", "busy", status=503)
    gone = site.url("/news/gone.html")
    items += [("urn:flaky", flaky, "Flaky"), ("urn:gone", gone, "Gone")]
    feed = site.add("/feed.xml", rss("Wire", items), content_type=RSS, etag='"v1"')

    def recover(report: RoundReport) -> None:
        site.add("/news/flaky.html", article_html(TOPICS[3][0], 3))

    reports = run_watch([feed], store, enricher, rounds=3, on_round=recover, fetch=NO_RETRY)
    assert [(p.path, p.reason) for p in reports[0].problems] == [
        (flaky, "HTTP 503 Service Unavailable"),
        (gone, "HTTP 404 Not Found"),
    ]
    # Round 1 kept no validators (an item must be retried), so round 2 reads the whole feed.
    assert reports[1].not_modified == 0 and reports[1].new_items == 1 and len(reports[1].added) == 1
    assert reports[1].problems == [] and reports[2].not_modified == 1
    assert site.hits["/news/gone.html"] == 1 and site.hits["/news/flaky.html"] == 2
    assert [a.url for a in store.articles()] == [items[0][1], flaky]


def test_restart_between_rounds_resumes_without_refetching(site: LocalSite, tmp_path: Path, enricher: Enricher) -> None:
    items = serve_articles(site, 2)
    feed = site.add("/feed.xml", rss("Wire", items), content_type=RSS)  # no validators: every poll is a full read
    db = tmp_path / "watch.db"
    with SQLiteStore(db) as first:
        run_watch([feed], first, enricher)
        before = first.articles()
    link = site.add("/news/later.html", article_html(TOPICS[2][0], 9))
    items.append(("urn:later", link, TOPICS[2][0]))
    site.add("/feed.xml", rss("Wire", items), content_type=RSS)
    with SQLiteStore(db) as second:  # a new process on the same file
        (report,) = run_watch([feed], second, enricher)
        after = second.articles()
    assert report.new_items == 1 and len(report.added) == 1
    assert after[:2] == before and after[2].url == link
    assert site.hits["/news/0.html"] == 1 and site.hits["/news/1.html"] == 1
    assert site.hits["/feed.xml"] == 2


def test_kill_during_a_round_loses_nothing_and_duplicates_nothing(
    site: LocalSite, tmp_path: Path, enricher: Enricher, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = serve_articles(site, 3)
    feed = site.add("/feed.xml", rss("Wire", items), content_type=RSS, etag='"v1"')
    db = tmp_path / "watch.db"
    with SQLiteStore(db) as dying:
        calls = 0
        mark_seen = dying.mark_seen

        def killed_on_second_item(feed_url: str, keys: list[str]) -> None:
            nonlocal calls
            calls += 1
            if calls == 2:
                raise KeyboardInterrupt  # Ctrl-C after the 2nd article was committed, before it was marked
            mark_seen(feed_url, keys)

        monkeypatch.setattr(dying, "mark_seen", killed_on_second_item)
        with pytest.raises(KeyboardInterrupt):
            run_watch([feed], dying, enricher)
    with SQLiteStore(db) as store:
        assert [a.url for a in store.articles()] == [items[0][1], items[1][1]]  # committed articles kept
        assert store.feed_state(feed) is None  # validators were not saved: the feed is read again
        (report,) = run_watch([feed], store, enricher)
        urls = [a.url for a in store.articles()]
    assert report.new_items == 2 and len(report.added) == 1
    assert urls == [link for _, link, _ in items]
    assert site.hits["/news/0.html"] == 1  # the item marked before the kill is not fetched again


def test_stop_event_ends_the_wait_between_rounds(site: LocalSite, store: MemoryStore, enricher: Enricher) -> None:
    feed = site.add("/feed.xml", rss("Quiet", []), content_type=RSS)
    stop = threading.Event()
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    started = time.monotonic()
    total = watch([feed], store, every=3600.0, rounds=None, stop=stop, fetch=FAST, enricher=enricher)
    assert total.rounds == 1 and time.monotonic() - started < 5
    assert store.articles() == []


def test_stop_event_during_a_round_keeps_what_was_fetched(
    site: LocalSite, store: MemoryStore, enricher: Enricher
) -> None:
    stop = threading.Event()
    items = serve_articles(site, 3)
    page = article_html(TOPICS[0][0], 0).encode()

    def stop_after_serving(request: BaseHTTPRequestHandler) -> None:
        stop.set()
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(page)))
        request.end_headers()
        request.wfile.write(page)

    site.add("/news/0.html", handler=stop_after_serving)
    feed = site.add("/feed.xml", rss("Wire", items), content_type=RSS, etag='"v1"')
    (report,) = run_watch([feed], store, enricher, rounds=5, stop=stop)
    assert report.interrupted and len(report.added) == 1 and report.stories is None
    assert site.hits["/news/1.html"] == 0
    state = store.feed_state(feed)
    assert state is not None and state.etag is None  # read in full next time


def test_watch_reads_opml_lists_and_reports_bad_feeds(
    site: LocalSite, store: MemoryStore, enricher: Enricher, tmp_path: Path
) -> None:
    good = site.add("/good.xml", rss("Good", serve_articles(site, 1)), content_type=RSS)
    bad = site.add("/bad.xml", "<rss><channel><title>Bad</tit", content_type=RSS)
    page = site.add("/page.html", article_html(TOPICS[1][0]))
    subscriptions = tmp_path / "subs.opml"
    subscriptions.write_text(opml(good, bad), encoding="utf-8")
    (report,) = run_watch([str(subscriptions), page, str(tmp_path / "none.opml")], store, enricher)
    assert report.feeds == 3 and len(report.added) == 1
    reasons = {p.path: p.reason for p in report.problems}
    assert reasons[bad].startswith("malformed feed: ")
    assert reasons[page] == "not an RSS or Atom feed (an HTML page)"
    assert reasons[str(tmp_path / "none.opml")] == "no such file or directory"
    assert store.feed_state(bad) is None


# --- the command ---------------------------------------------------------------------------------


def test_cli_watch_once(site: LocalSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = site.add("/feed.xml", rss("Wire", [("urn:1", site.url("/gone.html"), "Gone")]), content_type=RSS)
    db = tmp_path / "w.db"
    code = main(["watch", feed, "--once", "--db", str(db), "--min-interval", "0", "--timeout", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"skipped {site.url('/gone.html')}: HTTP 404 Not Found" in err
    assert "round 1: 1 feed(s) (0 unchanged), 1 new item(s), 0 article(s) added, 1 problem(s)" in err
    with SQLiteStore(db) as store:
        assert store.seen_items(feed) == {"urn:1", site.url("/gone.html")}


def test_cli_watch_rejects_a_bad_interval(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["watch", "http://127.0.0.1:9/feed", "--every", "soon"])
    assert caught.value.code == 2
    assert "not a duration" in capsys.readouterr().err


def test_cli_watch_stops_cleanly_on_sigterm(
    site: LocalSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = site.add("/feed.xml", rss("Quiet", []), content_type=RSS)
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        code = main(["watch", feed, "--every", "1h", "--db", str(tmp_path / "w.db"), "--min-interval", "0"])
    finally:
        timer.cancel()
    assert code == 0
    err = capsys.readouterr().err
    assert "round 1:" in err and "watch stopped" in err
    assert signal.getsignal(signal.SIGTERM) == before


def signalling_page(page: bytes, *, signals: int = 1, then_wait: float = 0.0):  # type: ignore[no-untyped-def]
    """A route handler that sends SIGINT to this process ``signals`` times, then serves ``page``."""

    def serve(request: BaseHTTPRequestHandler) -> None:
        for _ in range(signals):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # one Python-level handler call per signal (pending signals coalesce)
        time.sleep(then_wait)
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(page)))
        request.end_headers()
        request.wfile.write(page)

    return serve


def test_cli_watch_first_signal_stores_what_the_round_fetched(
    site: LocalSite, tmp_path: Path, enricher: Enricher, capsys: pytest.CaptureFixture[str]
) -> None:
    items = serve_articles(site, 3)
    site.add("/news/1.html", handler=signalling_page(article_html(TOPICS[1][0], 1).encode()))
    feed = site.add("/feed.xml", rss("Wire", items), content_type=RSS, etag='"v1"')
    db = tmp_path / "w.db"
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)

    code = main(["watch", feed, "--every", "1h", "--db", str(db), "--min-interval", "0", "--timeout", "2"])

    err = capsys.readouterr().err
    assert code == 0 and "Ctrl-C again to stop at once" in err and "watch stopped" in err
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert site.hits["/news/2.html"] == 0  # no request after the signal
    with SQLiteStore(db) as store:
        assert [a.url for a in store.articles()] == [items[0][1], items[1][1]]  # the page in flight too
        (report,) = run_watch([feed], store, enricher)  # the restart picks up the rest
        urls = sorted(a.url for a in store.articles())
    assert len(report.added) == 1 and urls == sorted(link for _, link, _ in items)
    assert [site.hits[f"/news/{i}.html"] for i in range(3)] == [1, 1, 1]


def test_cli_watch_second_signal_stops_at_once(
    site: LocalSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = serve_articles(site, 3)
    slow = signalling_page(article_html(TOPICS[1][0], 1).encode(), signals=2, then_wait=3.0)
    site.add("/news/1.html", handler=slow)
    feed = site.add("/feed.xml", rss("Wire", items), content_type=RSS)
    started = time.monotonic()

    code = main(["watch", feed, "--every", "1h", "--db", str(tmp_path / "w.db"), "--min-interval", "0"])

    assert code == 0 and time.monotonic() - started < 2.5  # did not wait for the slow page
    assert "watch stopped" in capsys.readouterr().err
    assert site.hits["/news/2.html"] == 0


@pytest.mark.parametrize("every", ["0", "0s", "500ms"])
def test_cli_watch_refuses_an_interval_that_would_poll_in_a_tight_loop(
    every: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["watch", "http://127.0.0.1:9/feed", "--every", every, "--max-rounds", "2", "--timeout", "1"])
    assert caught.value.code == 2
    assert "at least 1 s apart" in capsys.readouterr().err


def test_watch_without_a_pause_needs_a_number_of_rounds(store: MemoryStore) -> None:
    stop = threading.Event()
    timer = threading.Timer(0.5, stop.set)  # ends the tight loop should the check be missing
    timer.start()
    try:
        with pytest.raises(ValueError, match="every must be positive"):
            watch(["http://127.0.0.1:9/feed"], store, every=0.0, rounds=None, stop=stop, fetch=NO_RETRY)
    finally:
        timer.cancel()


def test_cli_watch_escapes_controls_in_skipped_lines(
    site: LocalSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = site.url("/gone\u202e.html")
    feed = site.add("/feed.xml", rss("Wire", [("urn:1", link, "Gone")]), content_type=RSS)

    main(["watch", feed, "--once", "--db", str(tmp_path / "w.db"), "--min-interval", "0", "--timeout", "2"])

    err = capsys.readouterr().err
    assert "\u202e" not in err
    assert f"skipped {site.url('/gone')}\\u202e.html: HTTP 404 Not Found" in err
