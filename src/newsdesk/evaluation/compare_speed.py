"""Speed of claim comparison on real news: every story of FNC-1 bodies compared.

1. The first ``limit`` FNC-1 training bodies are enriched (entities, quotes)
   with :class:`newsdesk.enrich.Enricher`; that time is reported apart.
2. Stories are the gold stories of ``stories_train.json`` (grouping is not
   what is measured here).
3. :func:`newsdesk.compare.compare_stories` runs over every story with the
   models loaded beforehand. Reported: total seconds, pairs read by the pair
   model per second, candidate pairs per story, seconds per story, and the
   seconds of the stories of 40 to 60 articles (a story of about 50).
4. Baseline in the same process: embedding every claim once with the sentence
   encoder, the least any comparison by meaning must do; the comparison's time
   is given as a ratio to it, so machines can be compared.

Run::

    newsdesk eval compare-speed /path/to/fnc1 --limit 1000
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.compare import CompareModels, CompareSettings, build_claims, compare_stories
from newsdesk.model import Article, Quote, Story


class _Counting:
    """A pair model that counts the pairs it reads and the time it takes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.labels = inner.labels
        self.pairs = 0
        self.seconds = 0.0

    def predict_symmetric(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        started = time.perf_counter()
        out = self.inner.predict_symmetric(pairs)
        self.seconds += time.perf_counter() - started
        self.pairs += len(pairs)
        return out


def fnc1_stories(path: Path, limit: int) -> tuple[list[Article], list[Story]]:
    """The first ``limit`` FNC-1 training bodies that have a gold story, and those stories."""
    gold = json.loads((path / "stories_train.json").read_text(encoding="utf-8"))["stories"]
    csv.field_size_limit(sys.maxsize)
    articles: list[Article] = []
    with (path / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            body_id = row["Body ID"]
            if body_id not in gold:
                continue
            paragraphs = [p.strip() for p in row["articleBody"].split("\n") if p.strip()]
            if not paragraphs:
                continue
            articles.append(
                Article(
                    id=f"fnc-{body_id}",
                    path=f"fnc1:{body_id}",
                    title=paragraphs[0][:120],
                    paragraphs=paragraphs,
                    source=f"outlet {body_id}",
                )
            )
            if len(articles) >= limit:
                break
    members: dict[int, list[str]] = defaultdict(list)
    for article in articles:
        members[gold[article.path.split(":")[1]]].append(article.id)
    stories = [Story(id=f"s-{k}", title=f"story {k}", articles=ids) for k, ids in sorted(members.items())]
    return articles, stories


def evaluate_compare_speed(path: Path, *, limit: int = 1000, processes: int = 2) -> dict[str, Any]:
    """Enrich ``limit`` FNC-1 bodies, then time the comparison of every gold story (see the module docstring)."""
    from newsdesk.enrich import Enricher, EnrichSettings

    articles, stories = fnc1_stories(path, limit)
    started = time.perf_counter()
    enriched = Enricher(EnrichSettings(processes=processes)).run(articles)
    enrich_seconds = time.perf_counter() - started
    models = CompareModels()
    counting = _Counting(models.pair_model())
    models.pair = counting
    encoder = models.sentence_encoder()
    stance = models.stance_model()
    del stance
    settings = CompareSettings()
    quotes_of: dict[str, list[Quote]] = defaultdict(list)
    for quote in enriched.quotes:
        quotes_of[quote.article].append(quote)
    claims = [c for a in enriched.articles for c in build_claims(a, quotes_of[a.id])]
    started = time.perf_counter()
    encoder.embed([c.text for c in claims])
    baseline_seconds = time.perf_counter() - started
    per_story: list[tuple[int, float]] = []
    total = 0.0
    by_id = {a.id: a for a in enriched.articles}
    for story in stories:
        story_articles = [by_id[a] for a in story.articles if a in by_id]
        started = time.perf_counter()
        compare_stories([story], story_articles, enriched.quotes, enriched.entities, settings, models)
        seconds = time.perf_counter() - started
        total += seconds
        per_story.append((len(story.articles), seconds))
    fifty = [s for n, s in per_story if 40 <= n <= 60]
    return {
        "articles": len(enriched.articles),
        "stories": len(stories),
        "claims": len(claims),
        "enrich_seconds": round(enrich_seconds, 1),
        "compare_seconds": round(total, 1),
        "pairs_read": counting.pairs,
        "pair_model_seconds": round(counting.seconds, 1),
        "pairs_per_second": round(counting.pairs / counting.seconds, 1) if counting.seconds else None,
        "seconds_per_story": round(total / len(stories), 2) if stories else None,
        "stories_of_40_to_60": len(fifty),
        "seconds_per_story_of_about_50": round(sum(fifty) / len(fifty), 2) if fifty else None,
        "largest_story": max((n for n, _ in per_story), default=0),
        "seconds_of_largest_story": round(max(per_story)[1], 2) if per_story else None,
        "baseline_embed_claims_seconds": round(baseline_seconds, 1),
        "compare_to_baseline": round(total / baseline_seconds, 2) if baseline_seconds else None,
    }


def format_compare_speed(result: Mapping[str, Any]) -> str:
    """A terminal summary of :func:`evaluate_compare_speed`."""
    return "\n".join(
        [
            f"{result['articles']} articles in {result['stories']} gold stories, {result['claims']} claims "
            f"(enrich {result['enrich_seconds']} s)",
            f"compare: {result['compare_seconds']} s in all, {result['seconds_per_story']} s per story; "
            f"stories of 40-60 articles ({result['stories_of_40_to_60']}): "
            f"{result['seconds_per_story_of_about_50']} s each; largest ({result['largest_story']} articles): "
            f"{result['seconds_of_largest_story']} s",
            f"pair model: {result['pairs_read']} pairs in {result['pair_model_seconds']} s = "
            f"{result['pairs_per_second']} pairs/s (both orders of each pair are read)",
            f"baseline (embed every claim once): {result['baseline_embed_claims_seconds']} s; "
            f"compare = x{result['compare_to_baseline']} of it",
        ]
    )
