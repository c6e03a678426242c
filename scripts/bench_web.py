"""Web latency at a given store size, without running the NLP: issue 22's and issue 20's web target.

Run by hand (not by CI)::

    python scripts/bench_web.py --db /tmp/web-10k.db --articles 10000
    python scripts/bench_web.py --db "$(bash scripts/start-postgres.sh)" --articles 10000

Steps:

1. When the store at ``--db`` holds no article, fill it with ``--articles``
   generated articles and a generated analysis of realistic shape
   (:func:`newsdesk.evaluation.scale_store.fill_store`); a filled store is
   reused as it is, so one store can be measured by two versions of the code.
   A freshly filled store then gets its planner statistics (``VACUUM ANALYZE``
   on PostgreSQL, ``ANALYZE`` on SQLite), as a database has once autovacuum or
   ``PRAGMA optimize`` has passed: a bulk-loaded table without them is read by
   sequential scans no running database would choose.
2. Take story and article ids spread over the store, and measure ``newsdesk
   serve`` with ``--clients`` concurrent clients on loopback
   (:func:`newsdesk.evaluation.scale_web.measure_web`): story list, story page,
   article page, search.
3. Print the store's shape and a Markdown table of p50 / p95 / max ms per page
   kind (``--json`` for everything); exit 1 when a p95 is over ``--target`` ms.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from dataclasses import asdict
from typing import Any

from newsdesk.evaluation.scale_store import fill_store
from newsdesk.evaluation.scale_web import measure_web, page_paths, web_ids
from newsdesk.storage import is_postgres_url, open_store, redact_url


def settle(db: str) -> None:
    """Give a freshly filled database its planner statistics (step 1 of the module docstring)."""
    if is_postgres_url(db):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("ANALYZE")


def run(db: str, articles: int, clients: int, requests: int, seed: int, workers: int = 1) -> dict[str, Any]:
    """Fill the store when it is empty, then measure it (the module's steps)."""
    report: dict[str, Any] = {"db": redact_url(db), "clients": clients, "requests": requests, "workers": workers}
    with open_store(db) as store:
        _, states = store.analysis_state()
        if not states:
            started = time.perf_counter()
            shape = fill_store(store, articles, seed=seed)
            report["filled"] = {"seconds": round(time.perf_counter() - started, 1), **asdict(shape)}
            settle(db)
            _, states = store.analysis_state()
    report["articles"] = len(states)
    report["stories"] = len({s.story for s in states if s.story})
    story_ids, article_ids = web_ids(db)
    paths = page_paths(story_ids, article_ids, requests)
    report.update(measure_web(db, paths, clients=clients, workers=workers))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", required=True, help="SQLite path or postgresql:// URL; filled when empty")
    parser.add_argument("--articles", type=int, default=10_000, help="articles to generate (default 10000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--requests", type=int, default=200, help="requests per page kind (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated store")
    parser.add_argument("--workers", type=int, default=1, help="server processes (serve --workers; default 1)")
    parser.add_argument("--target", type=float, default=200.0, help="p95 target in ms (default 200)")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args(argv)
    report = run(args.db, args.articles, args.clients, args.requests, args.seed, args.workers)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"{report['db']}: {report['articles']:,} articles, {report['stories']:,} stories; "
            f"{args.clients} clients, {args.requests} requests per page kind, {args.workers} server process(es)"
        )
        print("| page | p50 ms | p95 ms | max ms | requests/s | errors |\n|---|---|---|---|---|---|")
        for kind, p in report["pages"].items():
            cells = (kind, p["p50_ms"], p["p95_ms"], p["max_ms"], p["requests_per_second"], p["errors"])
            print("| " + " | ".join(str(c) for c in cells) + " |")
    slow = [kind for kind, p in report["pages"].items() if p["p95_ms"] > args.target or p["errors"]]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
