"""Fetch web pages politely and within bounds.

A :class:`Fetcher` is the only way newsdesk talks to other people's servers.
Every request it sends goes through the same rules (:class:`FetchSettings`
holds the numbers):

1. **robots.txt** is read once per site (``scheme://host:port``) and honoured
   for every URL, redirect targets included. A missing robots.txt (any 4xx)
   allows everything; one that cannot be read (5xx, time-out, refused
   connection) disallows the whole site for a minute, as RFC 9309 asks. A
   ``Crawl-delay`` longer than the rate limit is obeyed (up to a minute).
2. **Rate limit**: at most one request per host every ``min_interval``
   seconds, robots.txt and retries included.
3. **Identity**: a User-Agent that names newsdesk and where to learn about it.
4. **Conditional requests**: ``If-None-Match`` / ``If-Modified-Since`` from
   the validators the caller kept; a ``304`` comes back as a response whose
   :attr:`Response.not_modified` is true.
5. **Bounded time**: connect and read time-outs, plus a ceiling on the whole
   download; time-outs, ``429`` and ``5xx`` answers are retried with
   exponential backoff (``Retry-After`` is honoured, capped).
6. **Bounded size**: the body is streamed and dropped as soon as it passes
   ``max_bytes`` (after decompression, so a gzip bomb is cut short too).
7. **Bounded redirects**: followed by hand, at most ``max_redirects``; a URL
   seen twice is a loop.

Every failure raises :class:`FetchError` (an :class:`~newsdesk.errors.InputError`)
with a short reason: ``"HTTP 404 Not Found"``, ``"redirect loop: ..."``,
``"response too large: more than 5.0 MB limit"``, ``"disallowed by robots.txt"``,
``"timed out (read time-out 10 s)"``... Callers in a batch turn it into a
:class:`~newsdesk.model.Problem` and go on.

A fetcher keeps per-host state (last request time, robots rules), so one
fetcher should serve a whole run; it is not thread-safe. Given a ``cancel``
event, it sends no new request and cuts its waits short once the event is set
(:class:`FetchCancelled`); the response being read when it is set is finished.
"""

from __future__ import annotations

import codecs
import email.utils
import logging
import re
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpx

from newsdesk import __version__
from newsdesk.errors import InputError
from newsdesk.ingest.encoding import DecodedText, decode_bytes, normalise_newlines
from newsdesk.ingest.sources import format_size
from newsdesk.model import Problem, RawDocument

logger = logging.getLogger(__name__)

USER_AGENT = f"newsdesk/{__version__} (+https://github.com/newsdesk; self-hosted news monitor)"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""Media types read as web pages."""

ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
ACCEPT_FEED = (
    "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,"
    "text/x-opml;q=0.9,text/html;q=0.5,*/*;q=0.1"
)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_FAILURE_TTL = 60.0
"""Seconds an unreadable robots.txt keeps its site disallowed before it is asked again."""
_MAX_CRAWL_DELAY = 60.0
_HTML_MARKER = re.compile(rb"<(?:!doctype\s+html|html|head|body|p)[\s>/]", re.IGNORECASE)
_UTF_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Labels browsers read as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = frozenset({"ascii", "iso8859-1", "cp1252"})


class FetchError(InputError):
    """A URL could not be fetched; ``reason`` says why.

    Attributes:
        status: The HTTP status that ended the fetch, if any.
        transient: The failure may go away by itself (time-out, 5xx, 429,
            refused connection): a watcher tries the URL again next round.
    """

    def __init__(self, url: str, reason: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(url, reason)
        self.status = status
        self.transient = transient


class FetchCancelled(FetchError):
    """The fetcher's ``cancel`` event was set: no request was sent (always transient)."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "interrupted before the request was sent", transient=True)


@dataclass(slots=True, kw_only=True, frozen=True)
class FetchSettings:
    """How politely and how far newsdesk fetches.

    Attributes:
        user_agent: Sent with every request and matched against robots.txt.
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for each read from the server.
        total_timeout: Seconds one response may take to download, all reads included.
        max_bytes: Larger responses are dropped ("response too large").
        max_redirects: Redirects followed per request.
        max_retries: Retries after a time-out, 429 or 5xx answer (0 disables them).
        backoff: Seconds before the first retry; doubled for each further one.
        max_backoff: Ceiling of a retry's wait, ``Retry-After`` included.
        min_interval: Seconds between two requests to the same host.
        respect_robots: Honour robots.txt (switch off only for your own servers).
        robots_ttl: Seconds a site's robots.txt is kept before it is read again.
    """

    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    total_timeout: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    max_retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 60.0
    min_interval: float = 1.0
    respect_robots: bool = True
    robots_ttl: float = 3600.0


@dataclass(slots=True, kw_only=True)
class Response:
    """A fetched response (after redirects).

    Attributes:
        url: The final URL, after redirects.
        status: 200 (or another 2xx), or 304 for a conditional request that matched.
        media_type: Lower-case media type of ``Content-Type`` without parameters ("" when missing).
        charset: The ``charset`` parameter of ``Content-Type``, if any.
        body: The (decompressed) body; empty for 304.
        etag: The ``ETag`` validator to send next time.
        last_modified: The ``Last-Modified`` validator to send next time.
        attempts: Requests sent for the final URL (1 without retries).
    """

    url: str
    status: int
    media_type: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        """Whether the server answered a conditional request with 304 Not Modified."""
        return self.status == HTTPStatus.NOT_MODIFIED


@dataclass(slots=True)
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None
    """``None``: robots.txt could not be read, the site is disallowed for now."""
    expires: float
    reason: str = ""


def is_url(text: str) -> bool:
    """Whether ``text`` is an ``http://`` or ``https://`` URL (case-insensitive scheme)."""
    return text[:8].lower().startswith(("http://", "https://"))


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """Split a ``Content-Type`` header into lower-case media type and charset.

    >>> parse_content_type('text/HTML; Charset="ISO-8859-1"')
    ('text/html', 'ISO-8859-1')
    """
    if not value:
        return "", None
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'") or None
    return media.strip().lower(), charset


def status_reason(status: int, phrase: str = "") -> str:
    """Return ``"HTTP 404 Not Found"`` for a status (the server's phrase when it sent none)."""
    if not phrase:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
    return f"HTTP {status} {phrase}".rstrip()


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Fetcher:
    """Fetch URLs under the rules of the module docstring.

    Args:
        settings: Limits and politeness.
        transport: An httpx transport (tests may pass ``httpx.MockTransport``).
        sleep: Called to wait (rate limit, backoff); replaceable in tests.
        clock: A monotonic clock in seconds.
        cancel: When set (from another thread or a signal handler), no new
            request is sent and waits end at once: :meth:`fetch` raises
            :class:`FetchCancelled`. Waits use ``cancel.wait`` instead of ``sleep``.

    Use it as a context manager, or call :meth:`close`, to release connections.
    """

    def __init__(
        self,
        settings: FetchSettings = FetchSettings(),
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        cancel: threading.Event | None = None,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._clock = clock
        self._cancel = cancel
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.connect_timeout,
        )
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent},
        )
        self._last_request: dict[str, float] = {}
        self._crawl_delay: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}

    # --- public ---

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_HTML,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """GET a URL: robots.txt checked, rate limited, retried, size capped, redirects followed.

        Args:
            url: An ``http://`` or ``https://`` URL.
            accept: The ``Accept`` header.
            etag: Validator from an earlier response (sent as ``If-None-Match``).
            last_modified: Validator from an earlier response (sent as ``If-Modified-Since``).

        Returns:
            The final response: a 2xx with its body, or a 304 without one.

        Raises:
            FetchError: Disallowed, unreachable, an HTTP error, too large, too
                many redirects, a redirect loop, or timed out after the retries.
            FetchCancelled: The ``cancel`` event was set before a request.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if not is_url(current):
                raise FetchError(url, f"unsupported URL (only http and https): {current}")
            self._check_robots(current, url)
            response, location = self._get_with_retries(current, headers, self.settings.max_bytes, report_as=url)
            if location is None:
                return response
            target = urljoin(current, location)
            if target in seen:
                raise FetchError(url, f"redirect loop: {' -> '.join([*seen[seen.index(target) :], target])}")
            logger.debug("%s redirects to %s", current, target)
            seen.append(target)
            current = target
        raise FetchError(url, f"too many redirects (more than {self.settings.max_redirects})")

    def close(self) -> None:
        """Close the connections; idempotent."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- politeness ---

    def _pause(self, seconds: float) -> None:
        """Wait, unless and until the fetch is cancelled."""
        if self._cancel is None:
            self._sleep(seconds)
        else:
            self._cancel.wait(seconds)

    def _check_cancel(self, report_as: str) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise FetchCancelled(report_as)

    def _wait_turn(self, url: str, report_as: str) -> None:
        """Sleep until this host may be asked again (rate limit, Crawl-delay)."""
        self._check_cancel(report_as)
        host = _host(url)
        interval = max(self.settings.min_interval, self._crawl_delay.get(host, 0.0))
        last = self._last_request.get(host)
        if last is not None:
            wait = last + interval - self._clock()
            if wait > 0:
                self._pause(wait)
                self._check_cancel(report_as)
        self._last_request[host] = self._clock()

    def _check_robots(self, url: str, report_as: str) -> None:
        if not self.settings.respect_robots:
            return
        origin = _origin(url)
        robots = self._robots.get(origin)
        if robots is None or robots.expires <= self._clock():
            try:
                robots = self._load_robots(origin)
            except FetchCancelled:
                raise FetchCancelled(report_as) from None
            self._robots[origin] = robots
        if robots.parser is None:
            raise FetchError(report_as, robots.reason, transient=True)
        if not robots.parser.can_fetch(self.settings.user_agent, url):
            raise FetchError(report_as, "disallowed by robots.txt")

    def _load_robots(self, origin: str) -> _Robots:
        """Read a site's robots.txt (RFC 9309: 4xx allows all, unreachable disallows all)."""
        robots_url = origin + "/robots.txt"
        failed = self._clock() + _ROBOTS_FAILURE_TTL
        current = robots_url
        try:
            for _ in range(self.settings.max_redirects + 1):
                response, location = self._get_once(current, {"Accept": "text/plain,*/*;q=0.1"}, 500_000)
                if location is None:
                    text = response.body.decode("utf-8", errors="replace").removeprefix("\ufeff")
                    return self._robots_from_lines(robots_url, text.splitlines())
                current = urljoin(current, location)
                if not is_url(current):
                    reason = "disallowed: robots.txt redirects to a non-web URL"
                    return _Robots(parser=None, expires=failed, reason=reason)
            return _Robots(parser=None, expires=failed, reason="disallowed: robots.txt redirects too often")
        except FetchCancelled:
            raise  # not the site's fault: nothing to remember about its robots.txt
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500:
                logger.debug("%s: %s, everything allowed", robots_url, error.reason)
                return self._robots_from_lines(robots_url, [])
            # No HTTP answer at all: the site is down, say so rather than blame robots.txt.
            reason = error.reason if error.status is None else f"disallowed: robots.txt unavailable ({error.reason})"
        except _Retryable as error:
            reason = f"disallowed: robots.txt unavailable ({error.reason})"
        logger.info("%s: %s (site skipped for %g s)", robots_url, reason, _ROBOTS_FAILURE_TTL)
        return _Robots(parser=None, expires=failed, reason=reason)

    def _robots_from_lines(self, robots_url: str, lines: list[str]) -> _Robots:
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(lines)  # also marks it as read, so can_fetch answers
        delay = parser.crawl_delay(self.settings.user_agent)
        if delay is not None:
            self._crawl_delay[_host(robots_url)] = min(float(delay), _MAX_CRAWL_DELAY)
        return _Robots(parser=parser, expires=self._clock() + self.settings.robots_ttl)

    # --- requests ---

    def _get_with_retries(
        self, url: str, headers: Mapping[str, str], max_bytes: int, *, report_as: str
    ) -> tuple[Response, str | None]:
        """One GET of one URL, retried on time-outs, 429 and 5xx with exponential backoff."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response, location = self._get_once(url, headers, max_bytes, report_as=report_as)
                response.attempts = attempt
                return response, location
            except _Retryable as retry:
                if attempt > self.settings.max_retries:
                    suffix = f" (gave up after {attempt} attempts)" if attempt > 1 else ""
                    raise FetchError(
                        report_as, retry.reason + suffix, status=retry.status, transient=True
                    ) from retry.__cause__
                wait = self.settings.backoff * 2 ** (attempt - 1)
                if retry.retry_after is not None:
                    wait = max(wait, retry.retry_after)
                wait = min(wait, self.settings.max_backoff)
                logger.info("%s: %s; retry %d in %.2f s", url, retry.reason, attempt, wait)
                self._pause(wait)

    def _get_once(
        self, url: str, headers: Mapping[str, str], max_bytes: int, *, report_as: str | None = None
    ) -> tuple[Response, str | None]:
        """Send one GET and read its body within the limits.

        Returns:
            The response, and the ``Location`` to follow for a redirect (else None).

        Raises:
            _Retryable: A time-out, 429 or 5xx (the caller decides whether to retry).
            FetchError: Any other failure.
        """
        shown = report_as or url
        settings = self.settings
        self._wait_turn(url, shown)
        try:
            with self._client.stream("GET", url, headers=headers) as reply:
                status = reply.status_code
                if status in _REDIRECTS:
                    location = reply.headers.get("location")
                    if not location:
                        raise FetchError(shown, f"{status_reason(status, reply.reason_phrase)} without a Location")
                    return _response(url, reply, b""), location
                if status == 429 or status >= 500:
                    raise _Retryable(
                        status_reason(status, reply.reason_phrase),
                        status=status,
                        retry_after=_retry_after(reply.headers.get("retry-after")),
                    )
                if status == HTTPStatus.NOT_MODIFIED:
                    return _response(url, reply, b""), None
                if not 200 <= status < 300:
                    raise FetchError(shown, status_reason(status, reply.reason_phrase), status=status)
                too_large = f"response too large: more than {format_size(max_bytes)} limit"
                length = reply.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise FetchError(shown, too_large)
                body = b"".join(self._read_capped(reply, shown, max_bytes, too_large))
                return _response(str(reply.url), reply, body), None
        except httpx.TimeoutException as error:
            raise _Retryable(_timeout_reason(error, settings)) from error
        except httpx.DecodingError as error:
            raise FetchError(shown, f"cannot decode the response: {error}") from error
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
            raise FetchError(shown, f"invalid URL: {error}") from error
        except httpx.ConnectError as error:
            raise FetchError(shown, f"cannot connect: {_short(error)}", transient=True) from error
        except httpx.HTTPError as error:
            raise FetchError(shown, f"network error: {_short(error)}", transient=True) from error

    def _read_capped(self, reply: httpx.Response, shown: str, max_bytes: int, too_large: str) -> Iterator[bytes]:
        deadline = self._clock() + self.settings.total_timeout
        size = 0
        for chunk in reply.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(shown, too_large)
            if self._clock() > deadline:
                raise FetchError(
                    shown, f"timed out (download took longer than {self.settings.total_timeout:g} s)", transient=True
                )
            yield chunk


class _Retryable(Exception):
    """A failure worth retrying: a time-out, 429 or 5xx."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def _response(url: str, reply: httpx.Response, body: bytes) -> Response:
    media_type, charset = parse_content_type(reply.headers.get("content-type"))
    return Response(
        url=url,
        status=reply.status_code,
        media_type=media_type,
        charset=charset,
        body=body,
        etag=reply.headers.get("etag"),
        last_modified=reply.headers.get("last-modified"),
    )


def _timeout_reason(error: httpx.TimeoutException, settings: FetchSettings) -> str:
    if isinstance(error, httpx.ConnectTimeout):
        return f"timed out (connect time-out {settings.connect_timeout:g} s)"
    if isinstance(error, httpx.PoolTimeout):
        return "timed out waiting for a connection"
    return f"timed out (read time-out {settings.read_timeout:g} s)"


def _short(error: Exception) -> str:
    text = str(error) or error.__class__.__name__
    # "[Errno 111] Connection refused" -> "Connection refused"
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text)


# --- pages -------------------------------------------------------------------------


def looks_like_html(data: bytes) -> bool:
    """Whether the start of a body looks like an HTML page."""
    return bool(_HTML_MARKER.search(data[:4096]))


def decode_page(data: bytes, path: str, charset: str | None = None) -> DecodedText:
    """Decode a web page: a byte-order mark, else the HTTP charset, else :func:`decode_bytes`.

    ``iso-8859-1`` and ``ascii`` are read as ``cp1252``, as browsers do; a
    charset that does not decode the bytes is ignored.

    Raises:
        InputError: The bytes are binary or undecodable.
    """
    if charset and not data.startswith(_UTF_BOMS):
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            codec = ""
        if codec in _AS_CP1252:
            codec = "cp1252"
        if codec and not codec.startswith(("utf-16", "utf-32")):
            try:
                return DecodedText(normalise_newlines(data.decode(codec)), codec)
            except UnicodeDecodeError:
                logger.debug("%s: declared charset %s does not decode the page", path, charset)
    return decode_bytes(data, path, html=True)


def page_document(
    response: Response,
    *,
    path: str,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    author: str | None = None,
) -> RawDocument:
    """Turn a fetched web page into a raw HTML document.

    Args:
        response: A 2xx response.
        path: What the document is called in problems and in :attr:`Article.path`.
        title, published, source, author: Metadata known from elsewhere (a feed item).

    Raises:
        InputError: Not an HTML page (``"not an HTML page: application/pdf"``),
            empty, or undecodable.
    """
    media = response.media_type
    if media not in HTML_TYPES and not (not media and looks_like_html(response.body)):
        raise InputError(path, f"not an HTML page: {media or 'no content type'}")
    if not response.body.strip():
        raise InputError(path, "empty page")
    decoded = decode_page(response.body, path, response.charset)
    return RawDocument(
        path=path,
        body=decoded.text,
        is_html=True,
        url=response.url,
        title=title,
        published=published,
        source=source,
        author=author,
        encoding=decoded.encoding,
    )


def fetch_article(
    fetcher: Fetcher,
    url: str,
    *,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    author: str | None = None,
) -> RawDocument | Problem:
    """Fetch an article page; a :class:`Problem` instead of an exception when it fails.

    Args:
        fetcher: The fetcher of the run.
        url: The article's URL.
        title, published, source, author: Metadata known from elsewhere (a feed item).

    Returns:
        A raw HTML document (``path`` and ``url`` are the URL, ``url`` after
        redirects), or a problem for ``url`` with the reason.
    """
    try:
        response = fetcher.fetch(url, accept=ACCEPT_HTML)
        return page_document(response, path=url, title=title, published=published, source=source, author=author)
    except InputError as error:
        return Problem(path=url, reason=error.reason)
