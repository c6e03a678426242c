"""Speed of the enrich stage (spaCy parse, entities, quotes, dates) on ~500-word articles.

The figure that matters to a desk is articles per second on the machine it
has, so the benchmark measures three things in one process, on the same texts:

1. **Baseline**: spaCy alone (``nlp.pipe`` in one process), the cost every
   spaCy-based tool pays before doing anything with the parse.
2. **Enrich, one process**: :class:`newsdesk.enrich.Enricher` with
   ``processes=1``: language identification, the parse, mentions, canonical
   entities across the batch, quotes with speakers and dates.
3. **Enrich, N processes** (``--processes``, default 2): the same with spaCy
   worker processes, as ``newsdesk analyze`` runs it.

Reported: articles/s of each, words per article, and enrich as a ratio to the
baseline, so runs on different machines can be compared.

Texts: an FNC-1 folder (``train_bodies.csv``) or any folder of ``.txt``
files. Articles are the texts whose length falls in ``[min_words, max_words]``
(taken in file order), so the mean length sits near 500 words.

Run::

    newsdesk eval speed /path/to/fnc1 --limit 200
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsdesk.enrich import Enricher, EnrichSettings
from newsdesk.errors import NewsdeskError
from newsdesk.model import Article

MIN_WORDS = 400
MAX_WORDS = 650


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """``(name, text)`` of every document under ``path`` (FNC-1 bodies or ``.txt`` files)."""
    bodies = path / "train_bodies.csv" if path.is_dir() else path
    if bodies.suffix == ".csv" and bodies.is_file():
        with open(bodies, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield f"{bodies.name}:{row.get('Body ID', '')}", row.get("articleBody", "")
        return
    for file in sorted(path.rglob("*.txt")):
        yield str(file.relative_to(path)), file.read_text(encoding="utf-8", errors="replace")


def speed_articles(path: Path, *, limit: int, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Article]:
    """The first ``limit`` documents of ``path`` with a length in ``[min_words, max_words]`` words.

    Raises:
        NewsdeskError: ``path`` holds no document of that length.
    """
    articles: list[Article] = []
    for name, text in _texts(path):
        if not min_words <= len(text.split()) <= max_words:
            continue
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        title = paragraphs[0][:120]
        articles.append(Article(id=Article.make_id(title, paragraphs), path=name, title=title, paragraphs=paragraphs))
        if len(articles) >= limit:
            break
    if not articles:
        raise NewsdeskError(f"{path}: no document of {min_words}-{max_words} words (FNC-1 folder or .txt files)")
    return articles


def evaluate_speed(path: Path | str, *, limit: int = 200, processes: int = 2) -> dict[str, Any]:
    """Time spaCy alone and the enrich stage on the same articles (see the module docstring).

    Args:
        path: FNC-1 folder, a CSV of bodies, or a folder of ``.txt`` files.
        limit: Number of articles.
        processes: spaCy worker processes of the multi-process run.

    Returns:
        Articles, words, seconds and articles/s per run, and the ratios to the baseline.
    """
    articles = speed_articles(Path(path), limit=limit)
    words = sum(len(a.text.split()) for a in articles)
    # Warm up: load the models (not part of the per-article cost a long-running monitor pays).
    single = Enricher(EnrichSettings(processes=1))
    single.run(articles[:8])
    nlp = single.nlp

    runs: dict[str, float] = {}
    started = time.perf_counter()
    for _ in nlp.pipe((a.text for a in articles), batch_size=32):
        pass
    runs["spacy_parse"] = time.perf_counter() - started

    fresh = [replace(a, language=None) for a in articles]
    started = time.perf_counter()
    enriched = single.run(fresh)
    runs["enrich_1_process"] = time.perf_counter() - started

    batch_size = max(1, min(32, len(articles) // (2 * processes)))
    multi = Enricher(EnrichSettings(processes=processes, batch_size=batch_size), nlp=nlp)
    started = time.perf_counter()
    enriched_multi = multi.run(fresh)
    runs[f"enrich_{processes}_processes"] = time.perf_counter() - started
    if len(enriched_multi.quotes) != len(enriched.quotes):
        raise NewsdeskError("the multi-process run found other quotes than the single-process run")

    rates = {name: round(len(articles) / seconds, 2) for name, seconds in runs.items()}
    baseline = rates["spacy_parse"]
    return {
        "path": str(path),
        "articles": len(articles),
        "mean_words": round(words / len(articles), 1),
        "cores": os.cpu_count(),
        "quotes": len(enriched.quotes),
        "entities": len(enriched.entities),
        "seconds": {name: round(seconds, 3) for name, seconds in runs.items()},
        "articles_per_second": rates,
        "ratio_to_spacy_parse": {name: round(rate / baseline, 3) for name, rate in rates.items()},
    }


def format_speed_report(result: Mapping[str, Any]) -> str:
    """A terminal report of :func:`evaluate_speed`."""
    lines = [
        f"{result['articles']} articles, {result['mean_words']} words on average, {result['cores']} cores; "
        f"{result['quotes']} quotes, {result['entities']} entities"
    ]
    for name, rate in result["articles_per_second"].items():
        ratio, seconds = result["ratio_to_spacy_parse"][name], result["seconds"][name]
        lines.append(f"  {name:<22} {rate:7.2f} articles/s  ({seconds:.1f} s, x{ratio:.2f} of spaCy alone)")
    return "\n".join(lines)
