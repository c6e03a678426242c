"""Fetching from the web: politeness, limits and every failure, against local servers only.

:class:`LocalSite` (also used by test_monitor and test_warc) is an
``http.server`` on 127.0.0.1 and a free port, in a thread, serving routes the
test defines and counting the requests per path.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsdesk.cli import main
from newsdesk.ingest import iter_documents
from newsdesk.ingest.feeds import parse_feed, parse_opml, sniff_kind
from newsdesk.ingest.web import (
    USER_AGENT,
    FetchCancelled,
    Fetcher,
    FetchError,
    FetchSettings,
    fetch_article,
    parse_content_type,
)
from newsdesk.model import Problem, RawDocument
from newsdesk.storage import open_store

# Tiny waits so the suite stays fast; the politeness logic is the same.
FAST = FetchSettings(min_interval=0.0, backoff=0.01, max_backoff=0.05, connect_timeout=2.0, read_timeout=2.0)

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"


# --- the local server ---------------------------------------------------------------


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = HTML
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    send_length: bool = True
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up early (size cap, time-out) is part of the tests


class LocalSite:
    """An HTTP server on 127.0.0.1 (port 0) serving :class:`Route` s; ``hits`` counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.user_agents: list[str] = []
        self.request_headers: dict[str, list[dict[str, str]]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._serve(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", **options: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path
        self.hits[path] += 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        self.request_headers.setdefault(path, []).append(dict(request.headers.items()))
        route = self.routes.get(path, Route(body=b"not found", status=404, content_type="text/plain"))
        try:
            if route.delay:
                time.sleep(route.delay)
            if route.handler is not None:
                route.handler(request)
                return
            matches = route.etag is not None and request.headers.get("If-None-Match") == route.etag
            unchanged = route.last_modified is not None and request.headers.get("If-Modified-Since") == (
                route.last_modified
            )
            if matches or unchanged:
                request.send_response(304)
                request.end_headers()
                return
            request.send_response(route.status)
            if route.content_type:
                request.send_header("Content-Type", route.content_type)
            if route.send_length:
                request.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                request.send_header("ETag", route.etag)
            if route.last_modified:
                request.send_header("Last-Modified", route.last_modified)
            for name, value in route.headers.items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (size cap, time-out): expected

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[LocalSite]:
    server = LocalSite()
    yield server
    server.close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as instance:
        yield instance


# --- content builders ----------------------------------------------------------------

TOPICS = [
    ("Harbour crane collapses at Port Arvela", "crane", "port authority"),
    ("Nalu bridge reopens to lorries after repairs", "bridge", "transport ministry"),
    ("Lantern festival draws record crowds downtown", "festival", "city council"),
    ("Scooter maker recalls ten thousand batteries", "recall", "safety regulator"),
]


def article_html(title: str, n: int = 0, *, charset: str = "utf-8", extra: str = "") -> str:
    """A news page trafilatura extracts: a headline and four paragraphs."""
    word = title.split()[1].lower()
    paragraphs = [
        f"The {word} story began early on Monday morning when residents first reported the problem to officials, "
        f"who said that the situation was being monitored closely by several teams. Report number {n}.",
        f"According to a spokesperson, at least {n + 12} people were affected and the {word} site remained closed "
        "for most of the day while engineers examined the damage and planned the next steps carefully.",
        f"Local businesses near the {word} site said they expected losses, and several shop owners told reporters "
        "that they had never seen anything like it in more than twenty years of trading in the area.",
        f"Officials promised a full report within two weeks and said that compensation would be discussed with "
        f"everyone affected by the {word} incident once the investigation was complete. {extra}",
    ]
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>\n{body}</article><footer>Copyright Example News</footer></body></html>"
    )


def rss(title: str, items: list[tuple[str, str, str]], *, extra: str = "") -> str:
    """An RSS 2.0 feed; items are (guid, link, title)."""
    entries = "".join(
        f"<item><guid>{guid}</guid><link>{link}</link><title>{item_title}</title>"
        f"<pubDate>Mon, 09 Mar 2026 10:{i:02d}:00 GMT</pubDate><author>desk@example.test (News Desk)</author></item>"
        for i, (guid, link, item_title) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.test/</link><description>News</description>{extra}{entries}</channel></rss>"
    )


def atom(title: str, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f'<entry><id>{guid}</id><link href="{link}"/><title>{item_title}</title>'
        f"<updated>2026-03-09T10:{i:02d}:00Z</updated><author><name>Desk</name></author></entry>"
        for i, (guid, link, item_title) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:feed</id><updated>2026-03-09T10:00:00Z</updated>{entries}</feed>"
    )


def opml(*urls: str) -> str:
    outlines = "".join(f'<outline text="f{i}" type="rss" xmlUrl="{u}"/>' for i, u in enumerate(urls))
    return f'<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>{outlines}</body></opml>'


def serve_articles(site: LocalSite, count: int, prefix: str = "/news/") -> list[tuple[str, str, str]]:
    """Serve ``count`` article pages; return feed items (guid, link, title)."""
    items = []
    for i in range(count):
        title = TOPICS[i % len(TOPICS)][0]
        link = site.add(f"{prefix}{i}.html", article_html(title, i))
        items.append((f"urn:item:{prefix}{i}", link, title))
    return items


def documents(items: list[RawDocument | Problem]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def problems(items: list[RawDocument | Problem]) -> list[tuple[str, str]]:
    return [(i.path, i.reason) for i in items if isinstance(i, Problem)]


# --- fetching ------------------------------------------------------------------------


def test_article_page_is_fetched_with_our_user_agent(site: LocalSite, fetcher: Fetcher) -> None:
    url = site.add("/a.html", article_html(TOPICS[0][0]))
    doc = fetch_article(fetcher, url)
    assert isinstance(doc, RawDocument)
    assert doc.is_html and doc.url == url and doc.path == url and "crane" in doc.body
    assert doc.encoding == "utf-8"
    assert set(site.user_agents) == {USER_AGENT}
    assert USER_AGENT.startswith("newsdesk/") and "self-hosted news monitor" in USER_AGENT


def test_robots_txt_disallow_is_honoured_and_cached(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    private = site.add("/private/a.html", article_html(TOPICS[0][0]))
    public = site.add("/a.html", article_html(TOPICS[1][0]))
    assert fetch_article(fetcher, private) == Problem(path=private, reason="disallowed by robots.txt")
    assert isinstance(fetch_article(fetcher, public), RawDocument)
    assert isinstance(fetch_article(fetcher, public), RawDocument)
    assert site.hits["/private/a.html"] == 0
    assert site.hits["/robots.txt"] == 1  # read once per site


def test_robots_txt_rules_for_newsdesk_apply(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/robots.txt", "User-agent: otherbot\nDisallow:\n\nUser-agent: newsdesk\nDisallow: /\n")
    url = site.add("/a.html", article_html(TOPICS[0][0]))
    assert fetch_article(fetcher, url) == Problem(path=url, reason="disallowed by robots.txt")


def test_unreachable_robots_txt_disallows_the_site(site: LocalSite) -> None:
    site.add("/robots.txt", "oops", status=503, content_type="text/plain")
    url = site.add("/a.html", article_html(TOPICS[0][0]))
    with Fetcher(dataclasses.replace(FAST, max_retries=0)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "disallowed: robots.txt unavailable (HTTP 503 Service Unavailable)"
    assert caught.value.transient
    assert site.hits["/a.html"] == 0


def test_robots_can_be_switched_off(site: LocalSite) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /\n")
    url = site.add("/a.html", article_html(TOPICS[0][0]))
    with Fetcher(dataclasses.replace(FAST, respect_robots=False)) as fetcher:
        assert fetcher.fetch(url).status == 200
    assert site.hits["/robots.txt"] == 0


def test_http_404_is_a_problem_without_retries(site: LocalSite, fetcher: Fetcher) -> None:
    url = site.url("/missing.html")
    assert fetch_article(fetcher, url) == Problem(path=url, reason="HTTP 404 Not Found")
    assert site.hits["/missing.html"] == 1


def test_http_500_is_retried_with_backoff_then_reported(site: LocalSite) -> None:
    url = site.add("/broken.html", "error", status=500)
    sleeps: list[float] = []
    with Fetcher(dataclasses.replace(FAST, max_retries=3), sleep=sleeps.append) as fetcher:
        problem = fetch_article(fetcher, url)
    assert problem == Problem(path=url, reason="HTTP 500 Internal Server Error (gave up after 4 attempts)")
    assert site.hits["/broken.html"] == 4
    assert sleeps == pytest.approx([0.01, 0.02, 0.04])  # exponential backoff


def test_transient_errors_recover_on_retry(site: LocalSite, fetcher: Fetcher) -> None:
    answers = iter([503, 429, 200])
    page = article_html(TOPICS[0][0]).encode()

    def flaky(request: BaseHTTPRequestHandler) -> None:
        status = next(answers)
        request.send_response(status)
        request.send_header("Content-Type", HTML)
        if status == 429:
            request.send_header("Retry-After", "0")
        body = page if status == 200 else b"busy"
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    url = site.add("/flaky.html", handler=flaky)
    response = fetcher.fetch(url)
    assert response.status == 200 and response.attempts == 3
    assert site.hits["/flaky.html"] == 3


def test_retry_after_is_honoured_up_to_the_cap(site: LocalSite) -> None:
    url = site.add("/busy", "busy", status=429, headers={"Retry-After": "3600"})
    sleeps: list[float] = []
    settings = dataclasses.replace(FAST, max_retries=1, max_backoff=2.5)
    with Fetcher(settings, sleep=sleeps.append) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert sleeps == [2.5]
    assert caught.value.reason == "HTTP 429 Too Many Requests (gave up after 2 attempts)"


def test_redirects_are_followed(site: LocalSite, fetcher: Fetcher) -> None:
    new = site.add("/new.html", article_html(TOPICS[0][0]))
    old = site.add("/old.html", status=301, headers={"Location": "/new.html"})
    doc = fetch_article(fetcher, old)
    assert isinstance(doc, RawDocument)
    assert doc.path == old and doc.url == new


def test_redirect_loop_is_reported(site: LocalSite, fetcher: Fetcher) -> None:
    a = site.add("/a", status=302, headers={"Location": "/b"})
    b = site.add("/b", status=302, headers={"Location": a})
    problem = fetch_article(fetcher, a)
    assert problem == Problem(path=a, reason=f"redirect loop: {a} -> {b} -> {a}")
    assert site.hits["/a"] == 1 and site.hits["/b"] == 1


def test_too_many_redirects(site: LocalSite, fetcher: Fetcher) -> None:
    for i in range(10):
        site.add(f"/r{i}", status=307, headers={"Location": f"/r{i + 1}"})
    problem = fetch_article(fetcher, site.url("/r0"))
    assert problem == Problem(path=site.url("/r0"), reason="too many redirects (more than 5)")
    assert sum(site.hits[f"/r{i}"] for i in range(10)) == 6


def test_redirect_into_a_disallowed_path_is_not_followed(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    start = site.add("/go", status=302, headers={"Location": "/private/x.html"})
    assert fetch_article(fetcher, start) == Problem(path=start, reason="disallowed by robots.txt")
    assert site.hits["/private/x.html"] == 0


def test_non_html_response_is_rejected(site: LocalSite, fetcher: Fetcher) -> None:
    url = site.add("/report.pdf", b"%PDF-1.7 binary", content_type="application/pdf")
    assert fetch_article(fetcher, url) == Problem(path=url, reason="not an HTML page: application/pdf")


def test_page_without_content_type_is_sniffed(site: LocalSite, fetcher: Fetcher) -> None:
    page = site.add("/page", article_html(TOPICS[0][0]), content_type=None)
    blob = site.add("/blob", b"\x00\x01\x02", content_type=None)
    assert isinstance(fetch_article(fetcher, page), RawDocument)
    assert fetch_article(fetcher, blob) == Problem(path=blob, reason="not an HTML page: no content type")


@pytest.mark.parametrize("send_length", [True, False], ids=["content-length", "streamed"])
def test_giant_response_is_cut_at_the_size_cap(site: LocalSite, send_length: bool) -> None:
    url = site.add("/huge.html", b"<html><body><p>" + b"x" * 200_000, send_length=send_length)
    with Fetcher(dataclasses.replace(FAST, max_bytes=10_000)) as fetcher:
        problem = fetch_article(fetcher, url)
    assert problem == Problem(path=url, reason="response too large: more than 10.0 KB limit")


def test_slow_server_times_out_and_is_retried(site: LocalSite) -> None:
    url = site.add("/slow.html", article_html(TOPICS[0][0]), delay=1.5)
    settings = dataclasses.replace(FAST, read_timeout=0.3, max_retries=1)
    started = time.monotonic()
    with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "timed out (read time-out 0.3 s) (gave up after 2 attempts)"
    assert caught.value.transient
    assert time.monotonic() - started < 1.5
    assert site.hits["/slow.html"] == 2


def test_refused_connection_is_a_transient_problem(site: LocalSite) -> None:
    url = site.url("/a.html")
    site.close()
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason.startswith("cannot connect")
    assert caught.value.transient


def test_conditional_requests_get_304(site: LocalSite, fetcher: Fetcher) -> None:
    url = site.add("/feed.xml", rss("Feed", []), content_type=RSS, etag='"v1"')
    first = fetcher.fetch(url)
    assert first.status == 200 and first.etag == '"v1"' and not first.not_modified
    again = fetcher.fetch(url, etag=first.etag)
    assert again.not_modified and again.body == b""
    assert site.request_headers["/feed.xml"][1]["If-None-Match"] == '"v1"'

    stamp = "Mon, 09 Mar 2026 10:00:00 GMT"
    dated = site.add("/dated.xml", rss("Feed", []), content_type=RSS, last_modified=stamp)
    assert fetcher.fetch(dated).last_modified == stamp
    assert fetcher.fetch(dated, last_modified=stamp).not_modified


def test_rate_limit_spaces_requests_to_one_host(site: LocalSite) -> None:
    url = site.add("/a.html", article_html(TOPICS[0][0]))
    sleeps: list[float] = []
    with Fetcher(dataclasses.replace(FAST, min_interval=5.0), sleep=sleeps.append) as fetcher:
        fetcher.fetch(url)  # robots.txt, then the page: one wait
        fetcher.fetch(url)  # one more wait
    assert len(sleeps) == 2
    assert all(4.0 < s <= 5.0 for s in sleeps)


def test_cancelled_fetcher_sends_no_request(site: LocalSite) -> None:
    url = site.add("/a.html", article_html(TOPICS[0][0]))
    cancel = threading.Event()
    with Fetcher(FAST, cancel=cancel) as fetcher:
        fetcher.fetch(url)
        cancel.set()
        with pytest.raises(FetchCancelled) as caught:
            fetcher.fetch(url)
    assert caught.value.path == url and caught.value.transient
    assert site.hits["/a.html"] == 1


def test_cancel_cuts_a_retry_wait_short(site: LocalSite) -> None:
    url = site.add("/busy.html", "busy", status=503)
    cancel = threading.Event()
    timer = threading.Timer(0.2, cancel.set)
    settings = dataclasses.replace(FAST, max_retries=3, backoff=30.0, max_backoff=30.0)
    started = time.monotonic()
    timer.start()
    with Fetcher(settings, cancel=cancel) as fetcher, pytest.raises(FetchCancelled):
        fetcher.fetch(url)
    assert time.monotonic() - started < 10
    assert site.hits["/busy.html"] == 1


def test_cancel_while_reading_robots_is_not_remembered_as_the_sites_answer(site: LocalSite) -> None:
    url = site.add("/a.html", article_html(TOPICS[0][0]))
    cancel = threading.Event()
    cancel.set()
    with Fetcher(FAST, cancel=cancel) as fetcher:
        with pytest.raises(FetchCancelled) as caught:
            fetcher.fetch(url)
        assert caught.value.path == url
        cancel.clear()
        assert fetcher.fetch(url).status == 200


def test_crawl_delay_is_obeyed(site: LocalSite) -> None:
    site.add("/robots.txt", "User-agent: *\nCrawl-delay: 7\nDisallow: /private/\n")
    url = site.add("/a.html", article_html(TOPICS[0][0]))
    sleeps: list[float] = []
    with Fetcher(FAST, sleep=sleeps.append) as fetcher:
        fetcher.fetch(url)
        fetcher.fetch(url)
    assert len(sleeps) == 2 and all(6.0 < s <= 7.0 for s in sleeps)


def test_http_charset_decodes_the_page(site: LocalSite, fetcher: Fetcher) -> None:
    page = article_html("Caf\u00e9 owners fear the \u201cworst\u201d season", charset="windows-1252")
    url = site.add("/cafe.html", page.encode("cp1252"), content_type="text/html; charset=ISO-8859-1")
    doc = fetch_article(fetcher, url)
    assert isinstance(doc, RawDocument)
    assert "Caf\u00e9 owners fear the \u201cworst\u201d" in doc.body and doc.encoding == "cp1252"


def test_parse_content_type() -> None:
    assert parse_content_type('text/HTML; Charset="ISO-8859-1"') == ("text/html", "ISO-8859-1")
    assert parse_content_type(None) == ("", None)
    assert parse_content_type("application/pdf") == ("application/pdf", None)


# --- feeds and OPML -------------------------------------------------------------------


def test_parse_rss_and_atom() -> None:
    items = [("urn:1", "/news/1.html", "One"), ("urn:2", "http://other.test/2", "Two")]
    feed = parse_feed(rss("Coastline Daily", items).encode(), "http://example.test/feed.xml")
    assert feed.title == "Coastline Daily" and feed.version == "rss20" and feed.error is None
    assert [(i.id, i.url, i.title) for i in feed.items] == [
        ("urn:1", "http://example.test/news/1.html", "One"),
        ("urn:2", "http://other.test/2", "Two"),
    ]
    assert feed.items[0].published == "2026-03-09T10:00"
    assert feed.items[1].published == "2026-03-09T10:01"
    feed = parse_feed(atom("Atom News", items).encode(), "http://example.test/atom")
    assert feed.version == "atom10" and feed.title == "Atom News"
    assert [i.url for i in feed.items] == ["http://example.test/news/1.html", "http://other.test/2"]
    assert feed.items[0].author == "Desk"


def test_malformed_feeds() -> None:
    from newsdesk.errors import InputError

    with pytest.raises(InputError, match=r"^.*malformed feed: .*\(line \d+, column \d+\)"):
        parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></chan', "u")
    with pytest.raises(InputError, match="empty feed"):
        parse_feed(b"  ", "u")
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_feed(b"just some text", "u")
    broken = rss("Broken", [("urn:1", "http://a.test/1", "One")]).replace("</channel></rss>", "<item><title>x</i")
    feed = parse_feed(broken.encode(), "u")
    assert feed.error is not None and feed.error.startswith("malformed feed: ")
    assert [i.url for i in feed.items][:1] == ["http://a.test/1"]


def test_parse_opml() -> None:
    data = (
        b'<?xml version="1.0"?><opml version="1.0"><body><outline text="News">'
        b'<outline xmlUrl="http://a.test/rss"/><outline xmlUrl="/relative.xml"/>'
        b'<outline xmlUrl="http://a.test/rss"/><outline text="no feed"/><outline xmlUrl="ftp://x/y"/>'
        b"</outline></body></opml>"
    )
    assert parse_opml(data, "http://lists.test/subs.opml") == ["http://a.test/rss", "http://lists.test/relative.xml"]
    from newsdesk.errors import InputError

    with pytest.raises(InputError, match="malformed OPML"):
        parse_opml(b"<opml><body>", "x.opml")
    with pytest.raises(InputError, match="not an OPML file"):
        parse_opml(b"<rss/>", "x.opml")
    with pytest.raises(InputError, match="lists no feeds"):
        parse_opml(b"<opml><body/></opml>", "x.opml")


@pytest.mark.parametrize(
    ("data", "media_type", "kind"),
    [
        (b'<?xml version="1.0"?>\n<!-- x --><rss version="2.0">', "text/html", "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "", "feed"),
        (b"<rdf:RDF xmlns:rdf='x'>", "application/xml", "feed"),
        (b"<opml version='2.0'>", "text/xml", "opml"),
        (b"<!DOCTYPE html>\n<html>", "application/octet-stream", "html"),
        (b"<p>fragment", "text/html", "html"),
        (b"garbage", "application/rss+xml", "feed"),
        (b"%PDF-1.7", "application/pdf", None),
    ],
)
def test_sniff_kind(data: bytes, media_type: str, kind: str | None) -> None:
    assert sniff_kind(data, media_type) == kind


# --- iter_documents with URLs and OPML files -------------------------------------------


def test_feed_url_yields_the_linked_articles_with_feed_metadata(site: LocalSite, fetcher: Fetcher) -> None:
    items = serve_articles(site, 2)
    feed = site.add("/feed.xml", rss("Coastline Daily", items), content_type=RSS)
    out = list(iter_documents([feed], fetcher=fetcher))
    docs = documents(out)
    assert problems(out) == []
    assert [d.url for d in docs] == [link for _, link, _ in items]
    assert [d.title for d in docs] == [title for _, _, title in items]
    assert {d.source for d in docs} == {"Coastline Daily"}
    assert docs[0].published == "2026-03-09T10:00" and all(d.is_html for d in docs)


def test_one_batch_mixes_urls_feeds_opml_and_files(site: LocalSite, fetcher: Fetcher, tmp_path: Path) -> None:
    first = serve_articles(site, 1, "/one/")
    second = serve_articles(site, 2, "/two/")
    feed1 = site.add("/one.xml", rss("One", first), content_type=RSS)
    feed2 = site.add("/two.atom", atom("Two", second), content_type="application/atom+xml")
    listing = site.add("/subs", opml(feed1, feed2), content_type="text/x-opml")
    local_opml = tmp_path / "subs.opml"
    local_opml.write_text(opml(feed2), encoding="utf-8")
    text_file = tmp_path / "note.txt"
    text_file.write_text("A title\n\nA paragraph.", encoding="utf-8")
    page = site.add("/page.html", article_html(TOPICS[3][0]))

    out = list(iter_documents([listing, str(text_file), page, str(local_opml)], fetcher=fetcher))
    assert problems(out) == []
    paths = [d.path for d in documents(out)]
    assert paths == [
        first[0][1],
        second[0][1],
        second[1][1],
        str(text_file),
        page,
        second[0][1],
        second[1][1],
    ]


def test_every_remote_failure_is_a_problem_and_the_batch_goes_on(site: LocalSite, tmp_path: Path) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    items = serve_articles(site, 1)
    items.append(("urn:gone", site.url("/gone.html"), "Gone"))
    items.append(("urn:pdf", site.add("/doc.pdf", b"%PDF-1.4", content_type="application/pdf"), "PDF"))
    good_feed = site.add("/feed.xml", rss("Good", items), content_type=RSS)
    bad_feed = site.add("/bad.xml", "<rss><channel><title>x</ti", content_type=RSS)
    loop = site.add("/loop", status=302, headers={"Location": "/loop"})
    huge = site.add("/huge.html", b"<html>" + b"x" * 50_000)
    slow = site.add("/slow.html", article_html(TOPICS[0][0]), delay=1.0)
    private = site.add("/private/p.html", article_html(TOPICS[0][0]))
    bad_opml = tmp_path / "bad.opml"
    bad_opml.write_text("<opml><body>", encoding="utf-8")
    settings = dataclasses.replace(FAST, max_bytes=20_000, read_timeout=0.3, max_retries=0)
    with Fetcher(settings) as fetcher:
        out = list(
            iter_documents(
                [
                    good_feed,
                    bad_feed,
                    loop,
                    huge,
                    slow,
                    private,
                    site.url("/missing"),
                    str(bad_opml),
                    str(tmp_path / "nope.opml"),
                ],
                fetcher=fetcher,
            )
        )
    assert [d.path for d in documents(out)] == [items[0][1]]
    found = dict(problems(out))
    assert found[site.url("/gone.html")] == "HTTP 404 Not Found"
    assert found[site.url("/doc.pdf")] == "not an HTML page: application/pdf"
    assert found[bad_feed].startswith("malformed feed: ")
    assert found[loop] == f"redirect loop: {loop} -> {loop}"
    assert found[huge] == "response too large: more than 20.0 KB limit"
    assert found[slow] == "timed out (read time-out 0.3 s)"
    assert found[private] == "disallowed by robots.txt"
    assert found[site.url("/missing")] == "HTTP 404 Not Found"
    assert found[str(bad_opml)].startswith("malformed OPML: ")
    assert found[str(tmp_path / "nope.opml")] == "no such file or directory"
    assert len(found) == 10


def test_url_that_is_not_a_page_or_feed(site: LocalSite, fetcher: Fetcher) -> None:
    url = site.add("/file.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert list(iter_documents([url], fetcher=fetcher)) == [
        Problem(path=url, reason="not an HTML page: application/pdf")
    ]


def test_cli_ingest_accepts_urls(site: LocalSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real command with default politeness (a second between robots.txt and the page)."""
    page = site.add("/a.html", article_html(TOPICS[0][0]))
    missing = str(tmp_path / "missing.opml")
    db = tmp_path / "n.db"
    assert main(["ingest", page, missing, "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert "1 article(s) read, 1 new, 1 rejected" in captured.out
    assert f"skipped {missing}: no such file or directory" in captured.err
    with open_store(db) as store:
        (article,) = store.articles()
    assert article.url == page and "Harbour crane" in article.title
