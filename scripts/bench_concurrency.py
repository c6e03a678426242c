"""Many writers and one web server on one database: is every article stored once, does every page answer?

Issue 20's concurrency measurement, run by hand (not by CI)::

    export DB="$(bash scripts/start-postgres.sh)"
    .venv/bin/python scripts/bench_concurrency.py --db "$DB" --corpus ../shared/data/fnc1

Steps:

1. Take ``--articles`` distinct articles from FNC-1 (each body with its first
   headline, then further headlines of the same bodies, so some articles are
   rewrites of others) and split them into ``--writers`` JSONL shards that
   overlap: every article is in two shards, in a different order in each.
2. Start ``newsdesk serve`` on the database, then one ``newsdesk ingest`` per
   shard, all at once.
3. While any ingest runs, ask the pages in turn (story list, article list,
   search, an article, the HTML home page) and record status and latency.
4. Afterwards check that the store holds every article exactly once, that the
   API's article total and a search count agree with it (nothing stale), and
   that the run log adds up. With ``--analyse``, then run ``newsdesk stories``
   and check the story list of the API against the store, and that every
   stored article is in a story.

Prints one JSON report; exits 1 when a check fails. Works on an SQLite path too.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from newsdesk.pipeline import ingest
from newsdesk.storage import MemoryStore, open_store, redact_url

PAGES = ("/api/stories?limit=20", "/api/articles?limit=20", "/api/search?q=police", "/")


def fnc1_records(corpus: Path, count: int) -> list[dict[str, str]]:
    """``count`` distinct (headline, body) records from an FNC-1 folder, every body once before any twice.

    Records that cleaning rejects (a few bodies are all boilerplate) are left
    out, so every record given to ingest is one stored article.
    """
    csv.field_size_limit(10**8)
    with (corpus / "train_bodies.csv").open(encoding="utf-8") as handle:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}
    headlines: dict[str, list[str]] = {}
    with (corpus / "train_stances.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Headline"] not in headlines.setdefault(row["Body ID"], []):
                headlines[row["Body ID"]].append(row["Headline"])
    records: list[dict[str, str]] = []
    for round_ in range(max(len(h) for h in headlines.values())):
        for body_id, titles in headlines.items():
            if round_ < len(titles) and len(records) < count + count // 10:
                records.append({"title": titles[round_], "text": bodies[body_id], "source": f"outlet-{body_id}"})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "all.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        with MemoryStore() as store:
            rejected = {int(p.path.rsplit(":", 1)[1]) for p in ingest([str(path)], store).problems}
    records = [r for line, r in enumerate(records, 1) if line not in rejected][:count]
    if len(records) < count:
        raise SystemExit(f"{corpus} gives only {len(records)} articles")
    return records


def write_shards(records: list[dict[str, str]], writers: int, folder: Path) -> list[Path]:
    """Split records into overlapping shards: shard k holds parts k and k+1, odd shards reversed."""
    part = len(records) // writers + 1
    parts = [records[k * part : (k + 1) * part] for k in range(writers)]
    paths = []
    for k in range(writers):
        share = parts[k] + parts[(k + 1) % writers]
        if k % 2:
            share.reverse()
        path = folder / f"shard-{k}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in share), encoding="utf-8")
        paths.append(path)
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not answer within {seconds:g} s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def run(db: str, corpus: Path, articles: int, writers: int, analyse: bool) -> dict[str, Any]:
    """Run the measurement (the module's steps) and return the report."""
    records = fnc1_records(corpus, articles)
    newsdesk = [sys.executable, "-m", "newsdesk.cli", "-q"]
    with open_store(db):
        pass  # create the tables before the server checks the database exists
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*newsdesk, "serve", "--db", db, "--port", str(port)], stderr=subprocess.DEVNULL)
    report: dict[str, Any] = {"db": redact_url(db), "articles": articles, "writers": writers}
    try:
        wait_for(base + "/api")
        with tempfile.TemporaryDirectory() as folder:
            shards = write_shards(records, writers, Path(folder))
            started = time.perf_counter()
            ingests = [subprocess.Popen([*newsdesk, "ingest", str(s), "--db", db]) for s in shards]
            latencies: list[float] = []
            failures: list[str] = []
            article_id = None
            with httpx.Client(base_url=base, timeout=30) as client:
                turn = 0
                while any(p.poll() is None for p in ingests):
                    page = PAGES[turn % len(PAGES)] if turn % 5 or article_id is None else f"/api/articles/{article_id}"
                    turn += 1
                    t0 = time.perf_counter()
                    response = client.get(page)
                    latencies.append(time.perf_counter() - t0)
                    if response.status_code != 200:
                        failures.append(f"{page}: {response.status_code}")
                    elif page.startswith("/api/articles?") and response.json()["items"]:
                        article_id = response.json()["items"][0]["id"]
                ingest_seconds = time.perf_counter() - started
                codes = [p.returncode for p in ingests]
                api_total = client.get("/api/articles?limit=1").json()["total"]
                search_total = client.get("/api/search?q=the&limit=1").json()["total"]
                report["ingest_seconds"] = round(ingest_seconds, 2)
                report["ingest_exit_codes"] = codes
                report["pages_during_writes"] = {
                    "requests": len(latencies),
                    "failures": failures[:10],
                    "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
                    "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
                    "max_ms": round(1000 * max(latencies), 1) if latencies else None,
                }
                with open_store(db) as store:
                    stored = [a.id for a in store.articles()]
                    runs = store.runs()[-writers:]
                    store_search = store.search_count("the")
                checks = {
                    "every article stored": len(set(stored)) == articles,
                    "none stored twice": len(stored) == len(set(stored)),
                    "runs add up": sum(int(r["added"]) for r in runs) == articles,
                    "API total is current": api_total == len(stored),
                    "search is current": search_total == store_search,
                    "every page answered": not failures,
                    "every ingest succeeded": all(c == 0 for c in codes),
                }
                if analyse:
                    t0 = time.perf_counter()
                    subprocess.run([*newsdesk, "stories", "--db", db], check=True, stdout=subprocess.DEVNULL)
                    report["analyse_seconds"] = round(time.perf_counter() - t0, 2)
                    with open_store(db) as store:
                        grouped = store.stories()
                    in_stories = {a for story in grouped for a in story.articles}
                    checks["story list is current"] = client.get("/api/stories?limit=1").json()["total"] == len(grouped)
                    checks["every article is in a story"] = in_stories == set(stored)
                    report["stories"] = len(grouped)
                report["checks"] = checks
    finally:
        server.terminate()
        server.wait(timeout=30)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", required=True, help="a postgresql:// URL (or an SQLite path); it should be empty")
    parser.add_argument("--corpus", type=Path, required=True, help="FNC-1 folder (train_bodies.csv, train_stances.csv)")
    parser.add_argument("--articles", type=int, default=2000, help="distinct articles in all (default 2000)")
    parser.add_argument("--writers", type=int, default=4, help="ingest processes at once (default 4)")
    parser.add_argument("--analyse", action="store_true", help="then run `newsdesk stories` and check the story list")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    report = run(args.db, args.corpus, args.articles, args.writers, args.analyse)
    print(json.dumps(report, indent=2))
    return 0 if all(report["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
