"""How newsdesk scales: end to end at growing store sizes, an incremental update, memory and the web.

The measurement issue 22 asks for, in one run:

1. **Corpus** (:mod:`newsdesk.evaluation.scale_corpus`): distinct real articles
   (FNC-1 bodies, PolNeAR texts) topped up with variants mixing two real
   articles of different stories, as JSONL with a unique URL each, built the
   same way every time (always to at least :data:`CORPUS_SIZE` articles). A
   size of N is the corpus's first N articles, the same in every run.
2. **End to end**, per size, on a fresh SQLite store: ``ingest`` then
   ``update_store`` (enrich, entities, near-duplicates, stories, joins across
   languages, compare, save), with the spaCy and comparison models loaded
   beforehand (their load time is reported apart). Reported: total seconds, articles/s and the
   seconds of each step (``UpdateReport.seconds``), and how each step grows
   between the smallest and the largest size against the growth of the size
   (an exponent above 1 is faster than linear).
3. **spaCy alone** on the same texts, in the same run: the pipeline the enrich
   stage loads, ``nlp.pipe`` with ``n_process`` worker processes. With
   ``spacy_sample`` it parses only that many texts and scales the time up,
   which the report says.
4. **Peak memory**: every measured run is a child process (multiprocessing
   *spawn*, so nothing of the parent is counted); its peak RSS is
   ``resource.getrusage`` of itself and of its largest child (spaCy workers).
5. **Incremental**: the articles after the largest size (100 by default)
   added to the largest store, against the same articles analysed alone in a
   fresh store; the ratio of the two (issue 22's target: at most 1.5).
6. **Web** (:mod:`newsdesk.evaluation.scale_web`): ``newsdesk serve`` on the
   largest store (before the incremental update), concurrent clients on
   loopback, p50/p95 ms of the story list, a story page, an article page and a
   search.

Run::

    newsdesk eval scale /path/to/shared/data --sizes 1000,10000
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import multiprocessing
import resource
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdesk.errors import NewsdeskError
from newsdesk.evaluation.scale_corpus import SEED, build_corpus, load_real_texts, write_jsonl

if TYPE_CHECKING:
    from newsdesk.enrich import Enricher

log = logging.getLogger(__name__)

DEFAULT_SIZES = (1000, 10000)
NEW_ARTICLES = 100
CORPUS_SIZE = 10_100
"""Articles the corpus is built to whatever the sizes asked: a size of N is then the same N articles in every run."""
INCREMENTAL_TARGET = 1.5
"""Issue 22: adding the new articles to the largest store costs at most this times analysing them alone."""
WEB_IDS = 50
"""Story and article pages asked for: this many ids, spread over the store."""
SUPERLINEAR = 1.15
"""A step whose growth exponent is above this (and that takes at least :data:`MIN_SECONDS`) is flagged."""
MIN_SECONDS = 1.0
PARTIAL_RESULT = "scale-result.json"
"""Written to ``workdir`` after each measurement, with the figures so far."""
TOTAL = "total"


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"1000,10000"`` -> ``(1000, 10000)``: sorted, each once.

    Raises:
        NewsdeskError: A size is not a positive whole number.
    """
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise NewsdeskError(f"--sizes takes whole numbers separated by commas, not {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise NewsdeskError(f"--sizes takes positive numbers of articles, not {text!r}")
    return tuple(sizes)


def peak_memory_mb() -> dict[str, float]:
    """Peak resident memory so far of this process and of its largest finished child, in MB."""
    scale = 1024  # ru_maxrss is in KiB on Linux
    return {
        "self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, 1),
        "children": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale, 1),
    }


def _child_main(connection: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        connection.send(("ok", function(*args)))
    except BaseException:  # reported to the parent, which raises it as a NewsdeskError
        connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()


def in_child(function: Callable[..., Any], *args: Any) -> Any:
    """Run ``function(*args)`` in a fresh process (spawn) and return its result.

    The child is not a daemon, so it may start processes of its own (spaCy's workers).

    Raises:
        NewsdeskError: The function raised, or the process died.
    """
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sending, function, args))
    process.start()
    sending.close()  # else recv() would wait forever for a child that died
    try:
        status, value = receiving.recv()
    except EOFError:
        process.join()
        raise NewsdeskError(f"the measuring process died (exit code {process.exitcode})") from None
    finally:
        receiving.close()
    process.join()
    if status != "ok":
        raise NewsdeskError(f"the measuring process failed:\n{value}")
    return value


def _load_models(enricher: Enricher) -> None:
    """Import the stages and load the models a run uses, before it is timed.

    A monitor pays this once, not per batch; spaCy alone is timed the same way.
    The multilingual embedder is left to load when the data asks for it.
    """
    from newsdesk.compare import CompareModels

    for stage in ("newsdesk.clean.html", "newsdesk.ingest.web", "newsdesk.stories.grouping"):
        importlib.import_module(stage)  # imports are part of a first run, not of its speed

    _ = enricher.nlp
    models = CompareModels()  # each model is cached for the process once loaded
    models.pair_model()
    models.sentence_encoder()
    models.stance_model()
    models.contradiction_scorer()


def run_end_to_end(jsonl: str, db: str, processes: int) -> dict[str, Any]:
    """Ingest ``jsonl`` into the store at ``db`` and bring its analysis up to date (run in a child process).

    Returns:
        Articles read and added, seconds of the model load, of ingest and of
        each update step, the total (ingest + update), and peak memory.
    """
    from newsdesk.enrich import Enricher
    from newsdesk.pipeline import ingest, update_store
    from newsdesk.settings import Settings
    from newsdesk.storage import SQLiteStore

    settings = Settings()
    started = time.perf_counter()
    enricher = Enricher(replace(settings.enrich, processes=processes))
    _load_models(enricher)
    load = time.perf_counter() - started
    with SQLiteStore(db) as store:
        started = time.perf_counter()
        report = ingest([jsonl], store, settings, command="eval scale")
        ingested = time.perf_counter() - started
        update = update_store(store, settings, enricher=enricher)
        total = time.perf_counter() - started
    return {
        "inputs": report.inputs,
        "added": len(report.added),
        "problems": len(report.problems),
        "enriched": update.enriched,
        "stories": update.stories,
        "stories_compared": len(update.changed),
        "load_seconds": round(load, 2),
        "seconds": {"ingest": round(ingested, 3), **{k: round(v, 3) for k, v in update.seconds.items()}},
        TOTAL: round(total, 2),
        "peak_memory_mb": peak_memory_mb(),
    }


def run_spacy_alone(jsonl: str, count: int, processes: int) -> dict[str, Any]:
    """Parse the texts of the first ``count`` records of ``jsonl`` with the enrich stage's pipeline (child process).

    Returns:
        Texts parsed, seconds (model loaded beforehand) and peak memory.
    """
    from newsdesk.enrich import EnrichSettings
    from newsdesk.enrich.nlp import load_pipeline

    settings = EnrichSettings()
    nlp = load_pipeline(settings.model)
    with open(jsonl, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for _, line in zip(range(count), handle, strict=False)]
    for _ in nlp.pipe(texts[:4]):  # warm-up
        pass
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.batch_size, n_process=processes):
        pass
    return {
        "texts": len(texts),
        "seconds": round(time.perf_counter() - started, 2),
        "peak_memory_mb": peak_memory_mb(),
    }


def growth(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """How each step's time grows from the smallest to the largest size, against the size.

    Args:
        runs: End-to-end runs (``articles``, ``seconds``, ``total``), smallest first.

    Returns:
        ``size_ratio`` and, per step (and ``total``), the seconds at both sizes,
        their ratio, the exponent ``log(time ratio) / log(size ratio)`` (1 is
        linear) and ``superlinear`` when the exponent is above
        :data:`SUPERLINEAR` and the step takes at least :data:`MIN_SECONDS`.
        Empty with fewer than two sizes.
    """
    if len(runs) < 2:
        return {}
    small, large = runs[0], runs[-1]
    size_ratio = large["articles"] / small["articles"]
    steps: dict[str, Any] = {}
    names = list(dict.fromkeys([*small["seconds"], *large["seconds"]]))
    for name in [*names, TOTAL]:
        before = small[TOTAL] if name == TOTAL else small["seconds"].get(name, 0.0)
        after = large[TOTAL] if name == TOTAL else large["seconds"].get(name, 0.0)
        ratio = after / before if before > 0 else None
        exponent = math.log(ratio) / math.log(size_ratio) if ratio and size_ratio > 1 else None
        steps[name] = {
            "seconds": [before, after],
            "ratio": round(ratio, 2) if ratio is not None else None,
            "exponent": round(exponent, 2) if exponent is not None else None,
            "superlinear": bool(exponent is not None and exponent > SUPERLINEAR and after >= MIN_SECONDS),
        }
    return {"sizes": [small["articles"], large["articles"]], "size_ratio": round(size_ratio, 2), "steps": steps}


def _remove_store(db: Path) -> None:
    for file in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        file.unlink(missing_ok=True)


def evaluate_scale(
    data: Path | str,
    *,
    sizes: Sequence[int] = DEFAULT_SIZES,
    spacy_sample: int | None = None,
    processes: int = 2,
    new: int = NEW_ARTICLES,
    clients: int = 8,
    requests: int = 200,
    web: bool = True,
    workdir: Path | str | None = None,
    seed: int = SEED,
) -> dict[str, Any]:
    """Measure newsdesk at growing store sizes (see the module docstring).

    Args:
        data: The shared data folder (``fnc1/``, ``polnear/``).
        sizes: Store sizes in articles.
        spacy_sample: Time spaCy alone on at most this many texts per size and scale up; all when None.
        processes: Worker processes of the enrich stage and of spaCy alone.
        new: Articles added to the largest store in the incremental measurement (0: none).
        clients: Concurrent web clients.
        requests: Requests per page kind.
        web: Measure the web server.
        workdir: Where the JSONL files and stores are written and kept, with the figures so far in
            :data:`PARTIAL_RESULT` after each measurement; a temporary folder when None.
        seed: Seed of the corpus.

    Returns:
        The corpus summary, one run per size, growth, incremental and web figures.

    Raises:
        NewsdeskError: No data, bad sizes, or a measuring process failed.
    """
    sizes = sorted(set(sizes))
    if not sizes or sizes[0] < 1:
        raise NewsdeskError(f"sizes must be positive numbers of articles, not {sizes}")
    if spacy_sample is not None and spacy_sample < 1:
        raise NewsdeskError(f"--spacy-sample must be a positive number of texts, not {spacy_sample}")
    real = load_real_texts(Path(data))
    corpus = build_corpus(real, max(CORPUS_SIZE, sizes[-1] + new), seed=seed)
    if len(corpus.records) < sizes[-1] + new:
        raise NewsdeskError(f"the corpus has {len(corpus.records)} articles, fewer than {sizes[-1] + new}")
    result: dict[str, Any] = {"data": str(data), "corpus": corpus.summary(), "processes": processes, "runs": []}
    with ExitStack() as stack:
        folder = Path(workdir) if workdir else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="scale-")))
        folder.mkdir(parents=True, exist_ok=True)

        def checkpoint() -> None:
            """Keep the figures so far beside the stores: a run of half an hour stopped midway is not lost."""
            if workdir:
                (folder / PARTIAL_RESULT).write_text(json.dumps(result, indent=2), encoding="utf-8")

        for size in sizes:
            jsonl = write_jsonl(corpus.records[:size], folder / f"corpus-{size}.jsonl")
            db = folder / f"scale-{size}.db"
            _remove_store(db)
            log.info("end to end on %d articles", size)
            run = in_child(run_end_to_end, str(jsonl), str(db), processes)
            if run["added"] < size * 0.95:
                # Figures of a store that did not take the corpus would be meaningless (an earlier 10,000-article
                # corpus file was refused whole by a file size limit and "ran" at 100,000 articles/s).
                raise NewsdeskError(f"only {run['added']} of {size} articles were stored ({run['problems']} problems)")
            sample = min(size, spacy_sample or size)
            log.info("spaCy alone on %d texts", sample)
            spacy = in_child(run_spacy_alone, str(jsonl), sample, processes)
            spacy_seconds = spacy["seconds"] * size / sample
            result["runs"].append(
                {
                    "articles": size,
                    **run,
                    "articles_per_second": round(size / run[TOTAL], 2),
                    "spacy": {
                        **spacy,
                        "seconds_for_all": round(spacy_seconds, 2),
                        "sampled": sample < size,
                        "processes": processes,
                    },
                    "ratio_to_spacy": round(run[TOTAL] / spacy_seconds, 2) if spacy_seconds else None,
                }
            )
            checkpoint()
        result["growth"] = growth(result["runs"])
        largest = folder / f"scale-{sizes[-1]}.db"
        if web:
            log.info("web: %d clients on the store of %d articles", clients, sizes[-1])
            from newsdesk.evaluation.scale_web import measure_web, page_paths, web_ids

            story_ids, article_ids = web_ids(largest, WEB_IDS)

            result["web"] = {
                "articles": sizes[-1],
                "requests": requests,
                **measure_web(largest, page_paths(story_ids, article_ids, requests), clients=clients),
            }
            checkpoint()
        if new:
            log.info("incremental: %d new articles", new)
            fresh = write_jsonl(corpus.records[sizes[-1] : sizes[-1] + new], folder / "new.jsonl")
            alone_db = folder / "scale-new-alone.db"
            _remove_store(alone_db)
            alone = in_child(run_end_to_end, str(fresh), str(alone_db), processes)
            added = in_child(run_end_to_end, str(fresh), str(largest), processes)
            result["incremental"] = {
                "new": new,
                "store": sizes[-1],
                "alone": alone,
                "added": added,
                "ratio": round(added[TOTAL] / alone[TOTAL], 2) if alone[TOTAL] else None,
                "target": INCREMENTAL_TARGET,
            }
        result["workdir"] = str(folder) if workdir else None
        checkpoint()
    return result


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table (readable as text, pasteable into docs/benchmarks.md)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)
    return lines


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def format_scale_report(result: Mapping[str, Any]) -> str:
    """A terminal report of :func:`evaluate_scale`: Markdown tables with a line of context each."""
    corpus = result["corpus"]
    real = ", ".join(f"{count:,} {name}" for name, count in corpus["real"].items())
    lines = [
        f"Corpus: {corpus['articles']:,} articles, {corpus['mean_words']} words on average: real {real}; "
        f"{corpus['variants']:,} variants of two real articles of different stories (largest word overlap "
        f"with a source or sibling {corpus['max_variant_overlap']:.2f}; near-duplicates start at 0.6)",
        "",
        f"End to end (ingest + update_store, fresh SQLite store, {result['processes']} processes; the models "
        f"loaded beforehand in {', '.join(_seconds(run.get('load_seconds')) for run in result['runs'])} s):",
    ]
    rows: list[list[object]] = []
    for run in result["runs"]:
        spacy, memory = run["spacy"], run["peak_memory_mb"]
        sampled = f" (from {spacy['texts']:,})" if spacy["sampled"] else ""
        rows.append(
            [
                f"{run['articles']:,}",
                _seconds(run[TOTAL]),
                f"{run['articles_per_second']:.2f}",
                _seconds(spacy["seconds_for_all"]) + sampled,
                "-" if run["ratio_to_spacy"] is None else f"x{run['ratio_to_spacy']:.2f}",
                f"{run['stories']:,}",
                f"{memory['self']:,.0f} / {memory['children']:,.0f}",
            ]
        )
    lines += _table(
        ["articles", "total s", "articles/s", "spaCy alone s", "vs spaCy", "stories", "peak RSS MB (self / worker)"],
        rows,
    )
    if any(run["spacy"]["sampled"] for run in result["runs"]):
        lines.append("spaCy alone was timed on the number of texts in brackets and scaled to all the articles.")
    lines += ["", "Seconds per step:"]
    names = list(dict.fromkeys(name for run in result["runs"] for name in run["seconds"]))
    grown = result.get("growth") or {}
    header = ["step", *(f"{run['articles']:,}" for run in result["runs"])]
    if grown:
        header += ["time ratio", "exponent (1 = linear)"]
    rows = []
    for name in [*names, TOTAL]:
        row: list[object] = [name]
        row += [_seconds(run[TOTAL] if name == TOTAL else run["seconds"].get(name)) for run in result["runs"]]
        if grown:
            step = grown["steps"][name]
            flag = " superlinear" if step["superlinear"] else ""
            row += [
                "-" if step["ratio"] is None else f"x{step['ratio']:.2f}",
                ("-" if step["exponent"] is None else f"{step['exponent']:.2f}") + flag,
            ]
        rows.append(row)
    lines += _table(header, rows)
    if grown:
        slow = [name for name, step in grown["steps"].items() if step["superlinear"] and name != TOTAL]
        lines.append(
            f"Size ratio x{grown['size_ratio']:.2f} ({grown['sizes'][0]:,} -> {grown['sizes'][1]:,}); "
            + (f"faster than linear: {', '.join(slow)}" if slow else "no step grows faster than linearly")
        )
    incremental = result.get("incremental")
    if incremental:
        alone, added = incremental["alone"], incremental["added"]
        ratio = incremental["ratio"]
        verdict = "met" if ratio is not None and ratio <= incremental["target"] else "not met"
        lines += [
            "",
            f"Incremental: {incremental['new']} new articles analysed alone {_seconds(alone[TOTAL])} s, added to "
            f"the store of {incremental['store']:,} {_seconds(added[TOTAL])} s: "
            + ("-" if ratio is None else f"x{ratio:.2f}")
            + f" (target <= {incremental['target']}: {verdict})",
        ]
        steps = list(dict.fromkeys([*alone["seconds"], *added["seconds"]]))
        lines += _table(
            ["step", "alone", "added"],
            [[s, _seconds(alone["seconds"].get(s)), _seconds(added["seconds"].get(s))] for s in steps],
        )
    web = result.get("web")
    if web:
        lines += [
            "",
            f"Web on the store of {web['articles']:,} articles ({web['clients']} concurrent clients, "
            f"{web['requests']} requests per page kind, loopback):",
        ]
        lines += _table(
            ["page", "p50 ms", "p95 ms", "max ms", "requests/s", "errors"],
            [
                [kind, p["p50_ms"], p["p95_ms"], p["max_ms"], p["requests_per_second"], p["errors"]]
                for kind, p in web["pages"].items()
            ],
        )
    if result.get("workdir"):
        lines += ["", f"Corpus files and stores kept in {result['workdir']}"]
    return "\n".join(lines)
