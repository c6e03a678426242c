"""Ingest on a Dask cluster: clean and enrich partitioned over workers, writing to one PostgreSQL store.

``newsdesk ingest PATHS --db postgresql://... --engine dask --scheduler tcp://HOST:PORT`` runs
:func:`ingest_on_cluster`:

1. The client reads the inputs (files, feeds, archives) into raw documents,
   as a local ingest does; unreadable inputs are problems of the run.
2. The documents are split into partitions that keep each outlet together
   (its source, else its URL's host, else the site named in its title), so
   each outlet's template lines are learned from the same documents as in one
   process; whole outlets are dealt to the lightest partition, largest first.
3. Clean, on the workers (:func:`clean_partition`): each partition becomes
   articles and problems, sent back to the client.
4. Store, on the client: the articles are added in input order, as a local
   ingest adds them (each is stored once, however many processes send it).
   The order matters: the analysis reads articles in insertion order, so the
   stories come out the same as after a local ingest.
5. Enrich, on the workers (:func:`enrich_partition`): the articles new to the
   store are dealt out again, parsed (the spaCy pipeline loads once per worker
   process, :class:`EnricherPlugin`), and each worker saves their enrichment
   (language, mentions, quotes, near-duplicate signature) to the store.
6. The client logs the run. What depends on every article (canonical
   entities, near-duplicates, stories, comparisons) is left to the next
   ``newsdesk stories``, which finds every article enriched and only merges,
   groups and compares, incrementally, in one process.

Workers reach the store themselves, so the database must be a PostgreSQL URL
every worker can connect to; the inputs travel from the client to the workers
inside the tasks. This module needs Dask (the ``dask`` extra); the command line
imports it only for ``--engine dask``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from distributed import Client, LocalCluster, WorkerPlugin, get_worker

from newsdesk.clean.title import split_site_name
from newsdesk.enrich import Enricher, EnrichSettings
from newsdesk.errors import StorageError
from newsdesk.model import Article, Enrichment, Problem, RawDocument
from newsdesk.settings import Settings
from newsdesk.storage import is_postgres_url, open_store

log = logging.getLogger(__name__)

PARTITION_SIZE = 100
"""Documents per task, about: enough to amortise a task's overhead, few enough to balance the workers."""

SAVE_CHUNK = 50
"""Enrichments saved per transaction by a task, so a killed worker loses at most one chunk."""


@dataclass(slots=True, kw_only=True)
class CleanedPartition:
    """What :func:`clean_partition` sends back: the partition's articles and problems, and its time."""

    articles: list[Article]
    problems: list[Problem]
    seconds: float
    cpu: float
    """CPU seconds of the worker process meanwhile (against ``seconds``: how much of a core it had)."""


@dataclass(slots=True, kw_only=True)
class EnrichedPartition:
    """What :func:`enrich_partition` sends back."""

    saved: int
    seconds: float
    cpu: float
    """CPU seconds of the worker process meanwhile."""
    worker: str


@dataclass(slots=True, kw_only=True)
class ClusterReport:
    """What one ingest on a cluster did."""

    inputs: int = 0
    """Inputs read by the client (documents and unreadable inputs)."""
    articles: int = 0
    """Articles cleaned (new or already stored)."""
    added: list[str] = field(default_factory=list)
    """Ids stored for the first time."""
    enriched: int = 0
    """Articles parsed and their enrichment saved."""
    problems: list[Problem] = field(default_factory=list)
    partitions: int = 0
    workers: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each step on the client (start, read, clean, store, enrich, total), and the workers' wall
    and CPU time summed over tasks (``clean_work``, ``clean_cpu``, ``enrich_work``, ``enrich_cpu``)."""


class EnricherPlugin(WorkerPlugin):
    """A Dask worker plugin that gives each worker process one :class:`Enricher` (models load once).

    Each worker process is one unit of parallelism, so its enricher parses in
    that process (``processes=1``).
    """

    name = "newsdesk-enricher"

    def __init__(self, settings: EnrichSettings) -> None:
        self.settings = replace(settings, processes=1)
        self.enricher: Enricher | None = None

    def setup(self, worker: Any) -> None:
        """Called by the worker when the plugin is registered (or the worker starts): load the models now."""
        self.enricher = Enricher(self.settings)
        self.enricher.nlp  # noqa: B018  (loading spaCy here keeps it out of the first task's time)

    def teardown(self, worker: Any) -> None:
        """Called by the worker when it closes."""
        self.enricher = None


def _worker_enricher(settings: EnrichSettings) -> tuple[Enricher, str]:
    """The enricher of the worker running this task (one made here when the task runs outside a worker)."""
    try:
        worker = get_worker()
    except ValueError:
        return Enricher(replace(settings, processes=1)), "local"
    plugin = worker.plugins.get(EnricherPlugin.name)
    if not isinstance(plugin, EnricherPlugin) or plugin.enricher is None:
        return Enricher(replace(settings, processes=1)), str(worker.address)
    return plugin.enricher, str(worker.address)


def outlet_key(raw: RawDocument) -> str:
    """The outlet a document belongs to, for partitioning: source, else URL host, else the site in its title."""
    if raw.source:
        return raw.source
    host = urlsplit(raw.url).hostname if raw.url else None
    if host:
        return host.removeprefix("www.")
    first = next((line for line in raw.body.splitlines() if line.strip()), "")
    return split_site_name(raw.title or first, None)[1] or ""


def partition_documents(raws: Sequence[RawDocument], partitions: int) -> list[list[RawDocument]]:
    """Deal whole outlets to ``partitions`` partitions, largest outlet first to the lightest partition.

    Returns:
        The non-empty partitions; within each, documents keep their input order.
    """
    outlets: dict[str, list[int]] = {}
    for index, raw in enumerate(raws):
        outlets.setdefault(outlet_key(raw), []).append(index)
    loads = [0] * max(1, partitions)
    members: list[list[int]] = [[] for _ in loads]
    for indexes in sorted(outlets.values(), key=len, reverse=True):
        lightest = loads.index(min(loads))
        loads[lightest] += len(indexes)
        members[lightest].extend(indexes)
    return [[raws[i] for i in sorted(m)] for m in members if m]


def clean_partition(raws: Sequence[RawDocument], settings: Settings) -> CleanedPartition:
    """Step 3, one task: clean a partition (HTML extraction, the outlets' template lines, text cleaning)."""
    from newsdesk.pipeline import clean_documents

    started, cpu = time.perf_counter(), time.process_time()
    articles, problems = clean_documents(raws, settings)
    return CleanedPartition(
        articles=articles,
        problems=problems,
        seconds=time.perf_counter() - started,
        cpu=time.process_time() - cpu,
    )


def enrich_partition(articles: Sequence[Article], db: str, settings: EnrichSettings) -> EnrichedPartition:
    """Step 5, one task: parse articles and save their enrichment, :data:`SAVE_CHUNK` at a time.

    Args:
        articles: Stored articles.
        db: The store every worker reaches (a ``postgresql://`` URL).
        settings: Enrichment settings.

    Raises:
        StorageError: The store cannot be reached or written.
    """
    from newsdesk.clean.duplicates import signature

    started, cpu = time.perf_counter(), time.process_time()
    enricher, worker = _worker_enricher(settings)
    by_id = {a.id: a for a in articles}
    saved = 0
    with open_store(db) as store:
        buffer: list[Enrichment] = []
        for record in enricher.enrich(articles):
            buffer.append(replace(record, minhash=signature(by_id[record.article].text)))
            if len(buffer) >= SAVE_CHUNK:
                saved += len(store.save_enrichments(buffer))
                buffer = []
        saved += len(store.save_enrichments(buffer))
    return EnrichedPartition(
        saved=saved, seconds=time.perf_counter() - started, cpu=time.process_time() - cpu, worker=worker
    )


def _in_input_order(raws: Sequence[RawDocument], cleaned: Sequence[CleanedPartition]) -> list[Article]:
    """Step 4's order: the partitions' articles back in the order of their documents, first copy of an id kept."""
    position: dict[str, int] = {}
    for index, raw in enumerate(raws):
        position.setdefault(raw.path, index)
    articles = sorted((a for part in cleaned for a in part.articles), key=lambda a: position.get(a.path, len(raws)))
    unique: dict[str, Article] = {}
    for article in articles:
        unique.setdefault(article.id, article)
    return list(unique.values())


def ingest_on_cluster(
    paths: Sequence[str],
    db: str,
    settings: Settings | None = None,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    partition_size: int = PARTITION_SIZE,
    command: str = "ingest --engine dask",
) -> ClusterReport:
    """Read, clean, store and enrich the articles under ``paths`` on a Dask cluster (the module's steps).

    Args:
        paths: Files, directories, feeds, archives, as for a local ingest.
        db: A ``postgresql://`` URL every worker can reach.
        settings: All stage settings (the defaults when None).
        scheduler: The address of a running Dask scheduler (``tcp://HOST:PORT``);
            None starts a local cluster of ``workers`` processes for this run.
        workers: Worker processes of the local cluster (ignored with ``scheduler``).
        partition_size: Documents (then articles) per task, about.
        command: Name recorded in the run log.

    Returns:
        What was done, with where the time went.

    Raises:
        StorageError: ``db`` is not a PostgreSQL URL, or the store cannot be written.
    """
    if not is_postgres_url(db):
        raise StorageError(
            f"--engine dask writes from every worker: give --db a postgresql:// URL, not {db!r} (see docs/scale.md)."
        )
    from newsdesk.ingest import iter_documents
    from newsdesk.ingest.web import Fetcher

    settings = settings or Settings()
    report = ClusterReport()
    begun = time.perf_counter()
    with ExitStack() as stack:
        store = stack.enter_context(open_store(db))  # the schema exists before the workers connect
        with _timed(report, "start"):
            if scheduler is None:
                cluster = stack.enter_context(
                    LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
                )
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(Client(scheduler))
            client.register_plugin(EnricherPlugin(settings.enrich))
            report.workers = len(client.scheduler_info().get("workers", {}))
        with _timed(report, "read"):
            raws: list[RawDocument] = []
            with Fetcher(settings.fetch) as fetcher:
                for item in iter_documents(paths, settings.ingest, fetcher=fetcher):
                    report.inputs += 1
                    if isinstance(item, Problem):
                        report.problems.append(item)
                    else:
                        raws.append(item)
        tasks = max(report.workers, -(-len(raws) // max(1, partition_size)))
        with _timed(report, "clean"):
            partitions = partition_documents(raws, tasks)
            report.partitions = len(partitions)
            cleaned: list[CleanedPartition] = client.gather(
                client.map(clean_partition, partitions, settings=settings, pure=False)
            )
        report.seconds["clean_work"] = sum(part.seconds for part in cleaned)
        report.seconds["clean_cpu"] = sum(part.cpu for part in cleaned)
        for part in cleaned:
            report.problems.extend(part.problems)
        with _timed(report, "store"):
            articles = _in_input_order(raws, cleaned)
            report.articles = len(articles)
            report.added = store.add_articles(articles)
        with _timed(report, "enrich"):
            added = set(report.added)
            new = [a for a in articles if a.id in added]
            size = -(-len(new) // max(1, min(tasks, len(new))))
            shares = [new[i : i + size] for i in range(0, len(new), size)] if new else []
            enriched: list[EnrichedPartition] = client.gather(
                client.map(enrich_partition, shares, db=db, settings=settings.enrich, pure=False)
            )
        report.enriched = sum(part.saved for part in enriched)
        report.seconds["enrich_work"] = sum(part.seconds for part in enriched)
        report.seconds["enrich_cpu"] = sum(part.cpu for part in enriched)
        store.record_run(command=command, inputs=report.inputs, added=len(report.added), problems=report.problems)
    report.seconds["total"] = time.perf_counter() - begun
    log.info(
        "ingested on %d workers: %d documents in %d partitions, %d new, %d enriched",
        report.workers,
        len(raws),
        report.partitions,
        len(report.added),
        report.enriched,
    )
    return report


@contextmanager
def _timed(report: ClusterReport, step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        report.seconds[step] = report.seconds.get(step, 0.0) + time.perf_counter() - started
