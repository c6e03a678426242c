"""Web latency of ``newsdesk eval scale``: ``newsdesk serve`` under concurrent clients on loopback.

1. ``newsdesk serve --db DB`` starts in its own process on a free loopback
   port (the server answers ``127.0.0.1`` by default), and is waited for.
2. Each page kind (story list, story page, article page, search) is asked for
   once to warm up, then ``requests`` times by ``clients`` threads at once,
   each with its own keep-alive ``http.client`` connection. Story pages,
   article pages and searches cycle through fixed lists of ids and words.
3. Reported per page: p50, p95 and largest latency in ms, requests/s, and the
   answers that were not 200.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from newsdesk.errors import NewsdeskError

SEARCH_WORDS = ("police", "president", "government", "election", "video", "report", "Clinton", "Apple")
"""Searched words: common in news, with few and many matches among them."""

START_TIMEOUT = 120.0
REQUEST_TIMEOUT = 120.0


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of ``values``, interpolated between the two nearest ranks.

    Args:
        values: The measurements, in any order.
        q: Percent, from 0 to 100.

    Raises:
        ValueError: ``values`` is empty or ``q`` is outside 0-100.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0-100, not {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(connection: http.client.HTTPConnection, path: str) -> int:
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def _wait_ready(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise NewsdeskError(f"newsdesk serve stopped (exit {server.returncode}): {log.read_text()[-2000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            if _get(connection, "/api") == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.25)
    raise NewsdeskError(f"newsdesk serve did not answer on port {port} within {START_TIMEOUT:.0f} s")


def load_pages(port: int, paths: Sequence[str], *, clients: int) -> dict[str, Any]:
    """Ask for ``paths`` with ``clients`` threads at once; returns the latency figures.

    Args:
        port: The server's loopback port.
        paths: The requests, in order (each asked once).
        clients: Threads, each with its own connection.
    """
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(paths))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    path = queue.pop()
                started = time.perf_counter()
                try:
                    status = _get(connection, path)
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()  # the next request reconnects
                    status, reason = 0, f"{type(exc).__name__}: {exc}"
                else:
                    reason = f"HTTP {status}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        failures.append(f"{path}: {reason}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": len(failures),
        "first_errors": failures[:3],
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies), 1),
        "requests_per_second": round(len(latencies) / wall, 1),
    }


def page_paths(story_ids: Sequence[str], article_ids: Sequence[str], requests: int) -> dict[str, list[str]]:
    """The requests of each page kind: ``requests`` paths cycling through the ids and :data:`SEARCH_WORDS`.

    Raises:
        NewsdeskError: There is no story or no article to ask for.
    """
    if not story_ids or not article_ids:
        raise NewsdeskError("the store has no stories or no articles to serve")

    def cycle(items: Sequence[str]) -> list[str]:
        return [items[i % len(items)] for i in range(requests)]

    return {
        "story list": ["/"] * requests,
        "story page": cycle([f"/stories/{quote(s)}" for s in story_ids]),
        "article page": cycle([f"/articles/{quote(a)}" for a in article_ids]),
        "search": cycle([f"/search?q={quote(w)}" for w in SEARCH_WORDS]),
    }


def web_ids(db: Path | str, count: int = 50) -> tuple[list[str], list[str]]:
    """``count`` story ids and ``count`` article ids of the store at ``db``, spread evenly over it.

    Args:
        db: An SQLite path or a ``postgresql://`` URL.
        count: Ids of each kind.
    """
    from newsdesk.storage import open_store

    with open_store(db) as store:
        _, states = store.analysis_state()
    stories = sorted({s.story for s in states if s.story})
    return _spread(stories, count), _spread([s.id for s in states], count)


def _spread(items: Sequence[str], count: int) -> list[str]:
    """``count`` items spread evenly over ``items`` (all of them when fewer)."""
    if len(items) <= count:
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def measure_web(
    db: Path | str, paths: Mapping[str, Sequence[str]], *, clients: int = 8, workers: int = 1
) -> dict[str, Any]:
    """Serve ``db`` with ``newsdesk serve`` and load each page kind (see the module docstring).

    Args:
        db: The database: an SQLite path or a ``postgresql://`` URL.
        paths: Requests per page kind (:func:`page_paths`).
        clients: Concurrent clients.
        workers: Server processes (``serve --workers``).

    Returns:
        ``{"clients": N, "pages": {kind: figures}}``.

    Raises:
        NewsdeskError: The server does not start.
    """
    port = _free_port()
    command = [sys.executable, "-m", "newsdesk.cli", "serve", "--db", str(db), "--port", str(port)]
    command += ["--workers", str(workers)]
    with tempfile.TemporaryDirectory(prefix="newsdesk-serve-") as folder:
        log = Path(folder) / "serve.log"
        with log.open("wb") as sink:
            env = {**os.environ, "NEWSDESK_TOKEN": ""}  # read-only, as a reader's server is
            server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
            try:
                _wait_ready(server, port, log)
                pages: dict[str, Any] = {}
                for kind, requested in paths.items():
                    load_pages(port, requested[:1], clients=1)  # warm-up, not counted
                    pages[kind] = load_pages(port, requested, clients=clients)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
    return {"clients": clients, "pages": pages}
