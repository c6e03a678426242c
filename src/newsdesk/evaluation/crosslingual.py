"""`newsdesk eval crosslingual`: do reports in other languages join the story of their event?

The labelled set (``tests/data/multilingual/gold.json``) names, for each
non-English article, an English document of the story it belongs to, or null
when it tells an event no English article covers. An article is placed right
when its story holds that English document, or (null) holds no English
document at all. The threshold sweep shows how the join threshold trades
joins against false merges on this set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.evaluation.contradictions import doc_key
from newsdesk.model import Article, Story
from newsdesk.stories.crosslingual import CrossLingualSettings, join_across_languages
from newsdesk.stories.embeddings import Embedder


class _CachedEmbedder(Embedder):
    """Embeds each article once, for threshold sweeps."""

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, articles: Sequence[Article]) -> np.ndarray:
        missing = [a for a in articles if a.id not in self._cache]
        if missing:
            for article, row in zip(missing, super().embed(missing), strict=True):
                self._cache[article.id] = row
        return np.vstack([self._cache[a.id] for a in articles]) if articles else super().embed([])


def score_placement(stories: Sequence[Story], articles: Sequence[Article], gold: Mapping[str, Any]) -> dict[str, Any]:
    """Share of the labelled foreign-language articles placed in the right story."""
    key_of = {a.id: doc_key(a.path) for a in articles}
    story_of = {key_of[a]: s for s in stories for a in s.articles}
    english = {key_of[a.id] for a in articles if (a.language or "en") == "en"}
    right, wrong = 0, []
    for name, target in gold["joins"].items():
        story = story_of.get(name)
        if story is None:
            wrong.append(f"{name}: not analysed")
            continue
        members = {key_of[a] for a in story.articles}
        ok = target in members if target else not (members & english)
        right += ok
        if not ok:
            wrong.append(f"{name}: expected {'story of ' + target if target else 'its own story'}")
    total = len(gold["joins"])
    return {
        "articles": total,
        "placed_right": right,
        "accuracy": round(right / total, 3) if total else 1.0,
        "misplaced": wrong,
    }


def evaluate_crosslingual(gold_path: Path, english_dir: Path) -> dict[str, Any]:
    """Analyse the English corpus and the foreign-language set together and score the joins.

    Args:
        gold_path: The multilingual gold.json (documents beside it).
        english_dir: Folder of the English documents the gold refers to.
    """
    from newsdesk.ingest import iter_documents
    from newsdesk.model import RawDocument
    from newsdesk.pipeline import analyze_articles, clean_documents
    from newsdesk.settings import Settings

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    settings = Settings()
    raws = [d for d in iter_documents([str(english_dir), str(gold_path.parent)]) if isinstance(d, RawDocument)]
    articles, _ = clean_documents(raws, settings)
    embedder = _CachedEmbedder()
    analysis = analyze_articles(articles, settings, embedder=embedder)
    result = score_placement(analysis.stories, analysis.articles, gold)
    word_only = [s for s in analysis.stories]
    result["threshold"] = settings.crosslingual.threshold
    from newsdesk.stories import group_stories

    base = group_stories(analysis.articles, (), settings.stories)
    result["word_grouping_only"] = score_placement(base, analysis.articles, gold)["accuracy"]
    sweep = {}
    for threshold in (0.80, 0.82, 0.83, 0.84, 0.85, 0.86, 0.88):
        joined = join_across_languages(base, analysis.articles, embedder, CrossLingualSettings(threshold=threshold))
        sweep[f"{threshold:.2f}"] = score_placement(joined, analysis.articles, gold)["accuracy"]
    result["sweep"] = sweep
    result["stories"] = len(word_only)
    return result


def format_crosslingual_report(result: Mapping[str, Any]) -> str:
    """A terminal summary of :func:`evaluate_crosslingual`."""
    lines = [
        f"foreign-language articles placed right: {result['placed_right']}/{result['articles']} "
        f"(accuracy {result['accuracy']:.3f}, threshold {result['threshold']}); "
        f"word grouping alone: {result['word_grouping_only']:.3f}",
        "threshold sweep: " + ", ".join(f"{t}: {a:.3f}" for t, a in result["sweep"].items()),
    ]
    lines.extend(f"  - {m}" for m in result["misplaced"])
    return "\n".join(lines)
