"""Feeds: RSS/Atom and OPML parsing, and reading the articles a feed links to.

Parsing is pure (bytes in, :class:`Feed` or a list of feed URLs out) and uses
feedparser for RSS 0.9x/1.0/2.0 and Atom, lxml for OPML. Reading goes
through a :class:`~newsdesk.ingest.web.Fetcher`:

- :func:`iter_url` reads one URL argument of ``newsdesk ingest``: a feed, an
  OPML list or an article page, told apart by the content (root element) and
  then the ``Content-Type``;
- :func:`iter_opml_file` reads a local ``.opml`` file;
- :func:`poll_feed` and :func:`item_document` are the steps the watcher uses.

A feed item becomes the article page it links to, fetched and kept as HTML,
with the item's title, date and author and the feed's title as source.
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import xml.sax
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from newsdesk.errors import InputError
from newsdesk.ingest.sources import DEFAULT_SETTINGS, IngestSettings, Source, read_source
from newsdesk.ingest.web import (
    ACCEPT_FEED,
    HTML_TYPES,
    Fetcher,
    Response,
    is_url,
    page_document,
)
from newsdesk.model import Problem, RawDocument

logger = logging.getLogger(__name__)

Kind = Literal["feed", "opml", "html", "warc"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+xml",
        "application/xml",
        "text/xml",
        "text/rss+xml",
        "text/atom+xml",
    }
)
OPML_TYPES = frozenset({"text/x-opml", "application/x-opml", "text/x-opml+xml"})
WARC_TYPES = frozenset({"application/warc", "application/x-warc"})

# The first element of an XML/HTML document, after the prolog, comments and doctype.
_ROOT = re.compile(rb"<(?![?!/])([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL | re.IGNORECASE)
# feedparser reports these for feeds that are fine to read.
_BENIGN_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(slots=True, kw_only=True, frozen=True)
class FeedItem:
    """One entry of a feed.

    Attributes:
        id: Stable identity: the ``guid``/``id``, else the link, else the title.
        url: The linked article page (absolute), if any.
        title: The item's title.
        published: ``YYYY-MM-DDTHH:MM`` (UTC) from the published or updated date.
        author: The item's author.
    """

    id: str
    url: str | None
    title: str | None = None
    published: str | None = None
    author: str | None = None


@dataclass(slots=True, kw_only=True)
class Feed:
    """A parsed feed.

    Attributes:
        url: Where it was read from.
        title: The channel's title (used as the articles' source).
        version: feedparser's name of the format (``rss20``, ``atom10``...).
        items: The entries, in feed order.
        error: Why the feed is malformed when the parser had to recover;
            the items it recovered are still listed.
    """

    url: str
    title: str | None
    version: str
    items: list[FeedItem] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True, kw_only=True)
class FeedPoll:
    """The result of asking a feed whether it changed.

    Attributes:
        feed: The parsed feed, or None when the server said 304 Not Modified.
        etag: The validator to send next time.
        last_modified: The validator to send next time.
    """

    feed: Feed | None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """Whether the feed is unchanged since the validators that were sent."""
        return self.feed is None


# --- parsing -----------------------------------------------------------------------


def root_element(data: bytes) -> str | None:
    """Return the lower-case local name of the first element of a document, if any."""
    head = data[:8192].removeprefix(b"\xef\xbb\xbf")
    position = 0
    while (match := _PROLOG.match(head, position)) is not None:
        position = match.end()
    found = _ROOT.match(head[position:].lstrip())
    if found is None:
        return None
    return found.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()


def sniff_kind(data: bytes, media_type: str = "", url: str = "") -> Kind | None:
    """Say what a fetched document is: a feed, an OPML list, an HTML page or a WARC archive.

    1. The root element decides when there is one: ``rss``/``feed``/``RDF``
       is a feed, ``opml`` an OPML list, ``html`` a page.
    2. Else the media type: HTML types are pages, XML and feed types feeds
       (the parser then says what is wrong), WARC types (or a ``.warc``/
       ``.warc.gz`` URL) archives.

    Returns:
        The kind, or None when it is none of them (e.g. a PDF).
    """
    if media_type in WARC_TYPES or urlsplit(url).path.lower().endswith((".warc", ".warc.gz")):
        return "warc"
    root = root_element(data)
    if root in ("rss", "feed", "rdf"):
        return "feed"
    if root == "opml":
        return "opml"
    if root == "html":
        return "html"
    if media_type in HTML_TYPES:
        return "html"
    if media_type in OPML_TYPES:
        return "opml"
    if media_type in FEED_TYPES or media_type.endswith("+xml"):
        return "feed"
    return None


def _iso(parsed: Any) -> str | None:
    """``YYYY-MM-DDTHH:MM`` from feedparser's UTC ``time.struct_time``."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC).strftime("%Y-%m-%dT%H:%M")
    except (TypeError, ValueError, OverflowError):
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _bozo_reason(error: BaseException) -> str:
    if isinstance(error, xml.sax.SAXParseException):
        return f"{error.getMessage()} (line {error.getLineNumber()}, column {error.getColumnNumber()})"
    return str(error) or error.__class__.__name__


def parse_feed(data: bytes, url: str, *, content_type: str | None = None) -> Feed:
    """Parse an RSS or Atom document.

    Args:
        data: The document's bytes.
        url: Where it came from; relative item links are resolved against it.
        content_type: The HTTP ``Content-Type`` (helps the encoding detection).

    Returns:
        The feed. A feed the parser could only partly read has ``error`` set
        (``"malformed feed: mismatched tag (line 7, column 4)"``) and the items
        it recovered.

    Raises:
        InputError: Empty, not a feed at all, or malformed without any item.
    """
    if not data.strip():
        raise InputError(url, "empty feed")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never bytes or str: feedparser would treat those as a file name or URL to open.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(error, _BENIGN_BOZO):
        logger.debug("%s: %s", url, error)
        error = None
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    if not version and not entries:
        detail = f": {_bozo_reason(error)}" if error is not None else ""
        raise InputError(url, f"not an RSS or Atom feed{detail}")
    if error is not None and not entries:
        raise InputError(url, f"malformed feed: {_bozo_reason(error)}")
    meta = parsed.get("feed") or {}
    feed = Feed(
        url=url,
        title=_text(meta.get("title")),
        version=version,
        error=f"malformed feed: {_bozo_reason(error)}" if error is not None else None,
    )
    for entry in entries:
        link = _text(entry.get("link"))
        link = urljoin(url, link) if link else None
        title = _text(entry.get("title"))
        item_id = _text(entry.get("id")) or link or title
        if item_id is None:
            continue  # nothing to identify or fetch
        feed.items.append(
            FeedItem(
                id=item_id,
                url=link if link and is_url(link) else None,
                title=title,
                published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
                author=_text(entry.get("author")),
            )
        )
    return feed


def parse_opml(data: bytes, path: str) -> list[str]:
    """Return the feed URLs an OPML subscription list names, in order, without repeats.

    Every ``<outline xmlUrl="...">`` counts, however deeply nested; relative
    URLs are resolved against ``path`` when it is a URL, and only http(s)
    URLs are kept.

    Raises:
        InputError: Not well-formed XML, not OPML, or no feed in it.
    """
    if not data.strip():
        raise InputError(path, "empty OPML file")
    # No entities, no network, no huge trees: OPML files come from anywhere.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise InputError(path, f"malformed OPML: {error}") from error
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise InputError(path, "not an OPML file (the root element is not <opml>)")
    base = path if is_url(path) else ""
    urls: list[str] = []
    for outline in root.iter("{*}outline"):
        raw = next((v for k, v in outline.attrib.items() if str(k).lower() == "xmlurl"), None)
        if not raw or not str(raw).strip():
            continue
        url = urljoin(base, str(raw).strip()) if base else str(raw).strip()
        if is_url(url) and url not in urls:
            urls.append(url)
    if not urls:
        raise InputError(path, "OPML file lists no feeds (no outline with an xmlUrl)")
    return urls


# --- reading -----------------------------------------------------------------------


def poll_feed(fetcher: Fetcher, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FeedPoll:
    """Fetch a feed conditionally and parse it.

    Args:
        fetcher: The fetcher of the run.
        url: The feed's URL.
        etag, last_modified: Validators from the previous poll.

    Returns:
        The poll: ``feed`` is None when the server answered 304.

    Raises:
        InputError: The fetch failed (:class:`~newsdesk.ingest.web.FetchError`),
            or the document is not a feed.
    """
    response = fetcher.fetch(url, accept=ACCEPT_FEED, etag=etag, last_modified=last_modified)
    if response.not_modified:
        return FeedPoll(feed=None, etag=response.etag or etag, last_modified=response.last_modified or last_modified)
    return FeedPoll(feed=_feed_of(response, url), etag=response.etag, last_modified=response.last_modified)


def _feed_of(response: Response, url: str) -> Feed:
    kind = sniff_kind(response.body, response.media_type)
    if kind == "html":
        raise InputError(url, "not an RSS or Atom feed (an HTML page)")
    if kind == "opml":
        raise InputError(url, "not an RSS or Atom feed (an OPML list)")
    content_type = response.media_type + (f"; charset={response.charset}" if response.charset else "")
    return parse_feed(response.body, response.url, content_type=content_type or None)


def item_document(fetcher: Fetcher, feed: Feed, item: FeedItem) -> RawDocument:
    """Fetch the article page a feed item links to.

    Returns:
        A raw HTML document with the item's title, date and author and the
        feed's title as source; ``path`` is the item's link.

    Raises:
        InputError: The item has no link, or the page cannot be fetched or is not HTML
            (a :class:`~newsdesk.ingest.web.FetchError` when fetching failed).
    """
    if item.url is None:
        raise InputError(f"{feed.url}#{item.id}", "feed item has no link to an article")
    response = fetcher.fetch(item.url)
    return page_document(
        response, path=item.url, title=item.title, published=item.published, source=feed.title, author=item.author
    )


def iter_feed_documents(fetcher: Fetcher, feed: Feed) -> Iterator[RawDocument | Problem]:
    """Yield the article of every item of a feed (a problem for each that fails)."""
    if feed.error:
        yield Problem(path=feed.url, reason=feed.error)
    if not feed.items:
        logger.info("%s: feed has no items", feed.url)
    fetched: set[str] = set()
    for item in feed.items:
        if item.url in fetched:
            continue
        if item.url is not None:
            fetched.add(item.url)
        try:
            yield item_document(fetcher, feed, item)
        except InputError as error:
            yield Problem(path=error.path, reason=error.reason)


def _fetch_feed(fetcher: Fetcher, url: str) -> Feed | Problem:
    try:
        return _feed_of(fetcher.fetch(url, accept=ACCEPT_FEED), url)
    except InputError as error:
        return Problem(path=url, reason=error.reason)


def iter_opml_feeds(fetcher: Fetcher, path: str, feed_urls: Sequence[str]) -> Iterator[RawDocument | Problem]:
    """Yield the articles of every feed an OPML list names."""
    logger.info("%s: %d feeds", path, len(feed_urls))
    for url in feed_urls:
        feed = _fetch_feed(fetcher, url)
        if isinstance(feed, Problem):
            yield feed
        else:
            yield from iter_feed_documents(fetcher, feed)


def iter_url(
    url: str, fetcher: Fetcher, settings: IngestSettings = DEFAULT_SETTINGS
) -> Iterator[RawDocument | Problem]:
    """Read one URL argument: a feed, an OPML list, an article page or a WARC archive.

    1. Fetch it (accepting feeds, OPML and HTML).
    2. Tell what it is with :func:`sniff_kind`.
    3. A page becomes one document; a feed, one document per item (each
       linked page fetched); an OPML list, the items of all its feeds; a WARC
       archive, its HTML responses.

    Never raises for a bad input: every failure is a :class:`Problem`.

    Args:
        url: An ``http://`` or ``https://`` URL.
        fetcher: The fetcher of the run.
        settings: The per-record size limit of WARC archives.
    """
    try:
        response = fetcher.fetch(url, accept=ACCEPT_FEED)
    except InputError as error:
        yield Problem(path=url, reason=error.reason)
        return
    kind = sniff_kind(response.body, response.media_type, url)
    try:
        if kind == "html":
            yield page_document(response, path=url)
        elif kind == "feed":
            content_type = response.media_type + (f"; charset={response.charset}" if response.charset else "")
            feed = parse_feed(response.body, response.url, content_type=content_type or None)
            yield from iter_feed_documents(fetcher, feed)
        elif kind == "opml":
            yield from iter_opml_feeds(fetcher, url, parse_opml(response.body, response.url))
        elif kind == "warc":
            from newsdesk.ingest.warc import iter_warc_stream

            yield from iter_warc_stream(io.BytesIO(response.body), url, settings)
        else:
            yield Problem(path=url, reason=f"not an HTML page: {response.media_type or 'no content type'}")
    except InputError as error:
        yield Problem(path=error.path, reason=error.reason)


def iter_opml_file(
    path: str, fetcher: Fetcher, settings: IngestSettings = DEFAULT_SETTINGS
) -> Iterator[RawDocument | Problem]:
    """Read a local OPML file and yield the articles of the feeds it lists."""
    data = read_source(Source(path=path, explicit=True), settings, None)
    if isinstance(data, Problem):
        yield data
        return
    try:
        urls = parse_opml(data, path)
    except InputError as error:
        yield Problem(path=path, reason=error.reason)
        return
    yield from iter_opml_feeds(fetcher, path, urls)


def expand_feed_list(
    sources: Iterable[str], fetcher: Fetcher, settings: IngestSettings = DEFAULT_SETTINGS
) -> tuple[list[str], list[Problem]]:
    """Replace OPML lists (local ``.opml`` files, or URLs that serve OPML) by the feeds they name.

    Other URLs are kept as they are (they are fetched as feeds later). Each
    feed appears once, in order.

    Returns:
        The feed URLs and a problem for each source that could not be read.
    """
    feeds: list[str] = []
    problems: list[Problem] = []

    def add(urls: Iterable[str]) -> None:
        feeds.extend(u for u in urls if u not in feeds)

    for source in sources:
        if is_url(source) and not urlsplit(source).path.lower().endswith(".opml"):
            add([source])
            continue
        try:
            if is_url(source):
                response = fetcher.fetch(source, accept=ACCEPT_FEED)
                add(parse_opml(response.body, response.url))
            else:
                data = read_source(Source(path=source, explicit=True), settings, None)
                if isinstance(data, Problem):
                    problems.append(data)
                    continue
                add(parse_opml(data, source))
        except InputError as error:
            problems.append(Problem(path=source, reason=error.reason))
    return feeds, problems
