"""Ingest on a Dask LocalCluster against single-process ingest of the same articles: the ratio, where the time goes.

Issue 20's Dask measurement, run by hand (not by CI)::

    export DB="$(bash scripts/start-postgres.sh)"
    .venv/bin/python scripts/bench_dask.py --server "$DB" --corpus ../shared/data/fnc1

Steps:

1. Take ``--articles`` distinct FNC-1 articles (as scripts/bench_concurrency.py
   does) into one JSONL file.
2. Local, in a fresh database: ``ingest`` (read, clean, store) in this process,
   then the parse of every article with one spaCy process, saved as
   ``newsdesk stories`` saves it (step 1 of :func:`~newsdesk.pipeline.update_store`).
3. Dask, in another fresh database: :func:`~newsdesk.cluster.ingest_on_cluster`
   on a LocalCluster of ``--workers`` processes (cluster start with the models
   loaded, read, clean on the workers, store on the client, enrich on the
   workers).
4. Report both, the ratio of clean + store + enrich (with and without starting
   the cluster), the workers' busy time against the wall time, and whether
   both databases hold the same articles in the same order with the same
   enrichment. With ``--analyse``, then run the global analysis
   (``update_store``) on both and compare their stories; it is the same work
   in both (one process), and on FNC-1 its comparisons take far longer than
   the ingest.

Prints one JSON report. The databases ``bench_local`` and ``bench_dask`` are
made (dropped first) on the server of ``--server``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_concurrency import fnc1_records  # a sibling script

from newsdesk.cluster import ingest_on_cluster
from newsdesk.pipeline import _enrich_missing, ingest, update_store
from newsdesk.settings import Settings
from newsdesk.storage import open_store


def fresh_database(server: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``server``; return its URL."""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return urlsplit(server)._replace(path=f"/{name}").geturl()


def rounded(seconds: dict[str, float]) -> dict[str, float]:
    return {step: round(value, 1) for step, value in seconds.items()}


def run(server: str, corpus: Path, articles: int, workers: int, analyse: bool) -> dict[str, Any]:
    """Run the measurement (the module's steps) and return the report."""
    settings = Settings()
    single = dataclasses.replace(settings, enrich=dataclasses.replace(settings.enrich, processes=1))
    report: dict[str, Any] = {"articles": articles, "workers": workers}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in fnc1_records(corpus, articles)), encoding="utf-8")

        local_db = fresh_database(server, "bench_local")
        with open_store(local_db) as store:
            started, cpu = time.perf_counter(), time.process_time()
            ingested = ingest([str(path)], store, single)
            clean_store, clean_cpu = time.perf_counter() - started, time.process_time() - cpu
            started, cpu = time.perf_counter(), time.process_time()
            _enrich_missing(store, single, None, None)  # step 1 of update_store: the parse, saved
            enrich, enrich_cpu = time.perf_counter() - started, time.process_time() - cpu
        report["local"] = {
            "stored": len(ingested.added),
            "read_clean_store": round(clean_store, 1),
            "read_clean_store_cpu": round(clean_cpu, 1),
            "enrich": round(enrich, 1),
            "enrich_cpu": round(enrich_cpu, 1),
            "clean_store_enrich": round(clean_store + enrich, 1),
            "cpu_per_wall": round((clean_cpu + enrich_cpu) / (clean_store + enrich), 2),
        }

        dask_db = fresh_database(server, "bench_dask")
        cluster = ingest_on_cluster([str(path)], dask_db, settings, workers=workers)
        total = cluster.seconds["total"]
        busy = cluster.seconds.get("clean_work", 0.0) + cluster.seconds.get("enrich_work", 0.0)
        report["dask"] = {
            "stored": len(cluster.added),
            "enriched": cluster.enriched,
            "partitions": cluster.partitions,
            "clean_store_enrich": round(total, 1),
            "without_cluster_start": round(total - cluster.seconds.get("start", 0.0), 1),
            "steps": rounded(cluster.seconds),
            "worker_busy_share": round(busy / (workers * (cluster.seconds["clean"] + cluster.seconds["enrich"])), 2),
            # CPU seconds per wall second of a busy worker: below 1, the worker waited for a core.
            "worker_cpu_per_wall": round(
                (cluster.seconds.get("clean_cpu", 0.0) + cluster.seconds.get("enrich_cpu", 0.0)) / busy, 2
            ),
        }
    local_total = report["local"]["clean_store_enrich"]
    report["speedup"] = round(local_total / report["dask"]["clean_store_enrich"], 2)
    report["speedup_without_cluster_start"] = round(local_total / report["dask"]["without_cluster_start"], 2)
    with open_store(local_db) as local, open_store(dask_db) as remote:
        report["same_articles_in_order"] = [a.id for a in local.articles()] == [a.id for a in remote.articles()]
        report["same_enrichment"] = local.enrichments() == remote.enrichments()
        if analyse:
            for name, store in (("local", local), ("dask", remote)):
                update = update_store(store, settings)
                report[name]["global_analysis"] = rounded(update.seconds)
                report[name]["parsed_again"] = update.enriched
            report["same_stories"] = [s.articles for s in local.stories()] == [s.articles for s in remote.stories()]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--server", required=True, help="a postgresql:// URL; two databases are made on its server")
    parser.add_argument("--corpus", type=Path, required=True, help="FNC-1 folder (train_bodies.csv, train_stances.csv)")
    parser.add_argument("--articles", type=int, default=2000, help="distinct articles (default 2000)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    parser.add_argument("--analyse", action="store_true", help="then group and compare both, and compare stories")
    args = parser.parse_args(argv)
    logging.getLogger("distributed").setLevel(logging.ERROR)
    print(json.dumps(run(args.server, args.corpus, args.articles, args.workers, args.analyse), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
