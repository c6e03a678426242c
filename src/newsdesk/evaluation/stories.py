"""Score story grouping against gold stories: FNC-1 bodies, or a corpus with a gold.json.

FNC-1 (``train_bodies.csv``) has 1,683 news bodies without titles or dates;
``stories_train.json`` gives every Body ID a gold story (bodies linked through
a related headline form one story), and the official split lists the Body IDs
of the tuning part (``training_ids.txt``) and of the held-out part
(``hold_out_ids.txt``), one id a line.

How :func:`evaluate_stories` scores, in one process on the same data:

1. Every body becomes an :class:`~newsdesk.model.Article`: no title,
   paragraphs split on blank lines, id from :meth:`Article.make_id`, file
   order as time order. A body whose text repeats an earlier body's (FNC-1
   has 15) keeps its own id and is marked ``duplicate_of`` the first one, as
   newsdesk marks republished copies.
2. newsdesk groups the bodies of the scored part with the given
   :class:`~newsdesk.stories.StorySettings` (defaults learned on the tuning
   part by ``scripts/tune_stories.py``). When embeddings are used (by default
   when ``embedding_weight`` > 0), the bodies are embedded once (title +
   lead, :mod:`newsdesk.stories.embeddings`) and grouped both with and
   without them, so the two rows come from the same run.
3. The peers. TF-IDF + agglomerative clustering (scikit-learn, cosine
   distance, average linkage) gets its distance threshold tuned on the
   tuning part in the same run, then clusters the scored part. BERTopic
   runs when it is installed (the optional ``bench`` extra: it needs torch,
   which newsdesk does not ship; otherwise the result says so). It gets
   newsdesk's own title + lead embeddings (the same rows newsdesk groups
   with; its default model would download from a hub), runs its standard
   UMAP + HDBSCAN with a fixed seed, and has ``min_topic_size`` and UMAP's
   ``n_neighbors`` tuned on the tuning part. Each of its outliers (topic
   -1) is a story of its own; BERTopic's ``reduce_outliers`` is reported
   beside.
4. All are scored with BCubed (per item: the share of its predicted story
   that shares its gold story, and the share of its gold story that shares its
   predicted story, averaged over items) and pairwise precision/recall/F1
   (over pairs of items put together). A paired bootstrap over gold stories
   gives a 95% interval for newsdesk's BCubed F1 minus each peer's (and, with
   embeddings, minus newsdesk's own F1 without them).
5. Optionally (``scale=N``), :func:`bench_stories_speed` times newsdesk's
   grouping of N bodies (copies of FNC-1 bodies with words dropped at random)
   in a fresh process and reads its peak memory: words alone first (the
   baseline), then, with embeddings, embedding the N leads and grouping with
   them, each as a ratio to that baseline.

Run on the held-out part with::

    python -m newsdesk.evaluation.stories /path/to/fnc1 --scale 10000

and, with the embedding weight tuned on FNC-1 (both rows, embedding timed too)::

    python -m newsdesk.evaluation.stories /path/to/fnc1 --embedding-weight 0.4 --scale 10000
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import multiprocessing
import random
import re
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.errors import NewsdeskError
from newsdesk.model import Article, content_id
from newsdesk.stories.embeddings import ArticleEmbedder, Embedder
from newsdesk.stories.grouping import StorySettings, group_stories

logger = logging.getLogger(__name__)

BODIES_FILE = "train_bodies.csv"
STORIES_FILE = "stories_train.json"
SPLIT_FILES = {"tuning": "training_ids.txt", "holdout": "hold_out_ids.txt"}
PEER_THRESHOLDS = tuple(round(0.5 + 0.01 * i, 2) for i in range(50))
"""Cosine distance thresholds tried when tuning the agglomerative peer (0.50 to 0.99)."""
BERTOPIC_MIN_TOPIC_SIZES = (2, 3, 4, 5, 6, 8, 10, 12, 15)
"""``min_topic_size`` values tried when tuning the BERTopic peer (its default is 10; 2 is HDBSCAN's least)."""
BERTOPIC_NEIGHBORS = (5, 10, 15)
"""UMAP ``n_neighbors`` values tried when tuning the BERTopic peer (its default is 15)."""
BERTOPIC_SEED = 42
"""UMAP's ``random_state`` in every BERTopic run, so the peer's figures repeat."""
BERTOPIC_INSTALL = "pip install torch==2.13.0, then pip install -e '.[bench]'"

_BLANK_LINES_RE = re.compile(r"\n\s*\n")

Clusters = Sequence[Sequence[str]]


# -- metrics ------------------------------------------------------------------------------------------


def _labels(pred: Clusters, gold: Mapping[str, str]) -> tuple[list[str], dict[str, int]]:
    """Scored items (those with a gold story) and their predicted cluster; unclustered items are singletons."""
    cluster: dict[str, int] = {}
    for number, members in enumerate(pred):
        for item in members:
            cluster[item] = number
    items = list(gold)
    extra = len(pred)
    for item in items:
        if item not in cluster:
            cluster[item] = extra
            extra += 1
    return items, cluster


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _bcubed_items(pred: Clusters, gold: Mapping[str, str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    items, cluster = _labels(pred, gold)
    pred_size = Counter(cluster[i] for i in items)
    gold_size = Counter(gold[i] for i in items)
    both = Counter((cluster[i], gold[i]) for i in items)
    precision = np.array([both[(cluster[i], gold[i])] / pred_size[cluster[i]] for i in items])
    recall = np.array([both[(cluster[i], gold[i])] / gold_size[gold[i]] for i in items])
    return items, precision, recall


def bcubed(pred: Clusters, gold: Mapping[str, str]) -> dict[str, float]:
    """BCubed precision, recall and F1 of predicted clusters against gold labels.

    Only items with a gold label are scored: predicted items without one are
    ignored, and a gold item missing from every cluster counts as a cluster of its own.

    Args:
        pred: Predicted clusters (lists of item ids).
        gold: Item id to gold cluster label.

    Returns:
        ``{"precision", "recall", "f1"}``; all 1.0 when there is nothing to score.
    """
    if not gold:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    _, precision, recall = _bcubed_items(pred, gold)
    p, r = float(precision.mean()), float(recall.mean())
    return {"precision": p, "recall": r, "f1": _f1(p, r)}


def pairwise(pred: Clusters, gold: Mapping[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1: over the pairs of items put in one cluster.

    Precision is the share of predicted same-cluster pairs that share a gold
    label; recall the share of gold same-label pairs predicted together. With
    no predicted pair precision is 1.0; with no gold pair recall is 1.0.
    Items are restricted as in :func:`bcubed`.

    Args:
        pred: Predicted clusters (lists of item ids).
        gold: Item id to gold cluster label.

    Returns:
        ``{"precision", "recall", "f1"}``.
    """
    items, cluster = _labels(pred, gold)

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    together = pairs(Counter(cluster[i] for i in items).values())
    same = pairs(Counter(gold[i] for i in items).values())
    right = pairs(Counter((cluster[i], gold[i]) for i in items).values())
    p = right / together if together else 1.0
    r = right / same if same else 1.0
    return {"precision": p, "recall": r, "f1": _f1(p, r)}


def bootstrap_difference(
    pred_a: Clusters, pred_b: Clusters, gold: Mapping[str, str], *, rounds: int = 1000, seed: int = 0
) -> dict[str, float]:
    """Paired bootstrap over gold stories of BCubed F1(a) - F1(b).

    Per-item BCubed precision and recall are computed once on the full data;
    each round draws gold stories with replacement and averages over their items.

    Returns:
        ``{"f1_diff", "ci_low", "ci_high", "share_above_zero"}`` (95% percentile interval).
    """
    items, pa, ra = _bcubed_items(pred_a, gold)
    _, pb, rb = _bcubed_items(pred_b, gold)
    by_story: dict[str, list[int]] = defaultdict(list)
    for k, item in enumerate(items):
        by_story[gold[item]].append(k)
    groups = list(by_story.values())
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(rounds):
        chosen = np.concatenate([groups[g] for g in rng.integers(0, len(groups), len(groups))])
        fa = _f1(float(pa[chosen].mean()), float(ra[chosen].mean()))
        fb = _f1(float(pb[chosen].mean()), float(rb[chosen].mean()))
        diffs.append(fa - fb)
    whole = _f1(float(pa.mean()), float(ra.mean())) - _f1(float(pb.mean()), float(rb.mean()))
    low, high = np.percentile(diffs, [2.5, 97.5])
    return {
        "f1_diff": whole,
        "ci_low": float(low),
        "ci_high": float(high),
        "share_above_zero": float(np.mean(np.array(diffs) > 0)),
    }


# -- corpora ------------------------------------------------------------------------------------------


def body_article(body: str, path: str, taken: Mapping[str, str] | None = None) -> Article:
    """Build the Article of an untitled body: paragraphs split on blank lines.

    Args:
        body: The body text.
        path: Where it came from (e.g. ``train_bodies.csv:123``).
        taken: Article ids already used, to the path using them; a repeated
            body gets an id of its own and ``duplicate_of`` the first.
    """
    paragraphs = [" ".join(p.split()) for p in _BLANK_LINES_RE.split(body.replace("\r\n", "\n"))]
    paragraphs = [p for p in paragraphs if p]
    article_id = Article.make_id("", paragraphs)
    duplicate_of = None
    if taken is not None and article_id in taken:
        duplicate_of, article_id = article_id, content_id(article_id, path, prefix="a-")
    return Article(id=article_id, path=path, title="", paragraphs=paragraphs, duplicate_of=duplicate_of)


def load_fnc_bodies(data_dir: Path | str) -> tuple[list[Article], dict[str, str], dict[str, list[str]]]:
    """Read FNC-1 bodies, their gold stories and the official split.

    Args:
        data_dir: Folder with ``train_bodies.csv``, ``stories_train.json``,
            ``training_ids.txt`` and ``hold_out_ids.txt``.

    Returns:
        ``(articles, gold, split)``: articles in file order (path
        ``train_bodies.csv:<Body ID>``); gold maps article id to story label;
        split maps ``"tuning"`` and ``"holdout"`` to article ids in file order.

    Raises:
        NewsdeskError: A file is missing or not in the FNC-1 layout.
    """
    folder = Path(data_dir)
    try:
        with open(folder / BODIES_FILE, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        stories = json.loads((folder / STORIES_FILE).read_text(encoding="utf-8"))["stories"]
        parts = {name: (folder / file).read_text(encoding="utf-8").split() for name, file in SPLIT_FILES.items()}
    except (OSError, KeyError, ValueError) as exc:
        raise NewsdeskError(
            f"{folder}: not an FNC-1 folder ({exc}); it needs {BODIES_FILE}, {STORIES_FILE}, "
            f"{SPLIT_FILES['tuning']} and {SPLIT_FILES['holdout']}"
        ) from exc
    if rows and not {"Body ID", "articleBody"} <= set(rows[0]):
        raise NewsdeskError(f"{folder / BODIES_FILE}: expected the columns 'Body ID' and 'articleBody'")
    articles: list[Article] = []
    gold: dict[str, str] = {}
    by_body: dict[str, str] = {}
    taken: dict[str, str] = {}
    for row in rows:
        body_id = row["Body ID"].strip()
        article = body_article(row["articleBody"], f"{BODIES_FILE}:{body_id}", taken)
        taken.setdefault(article.id, article.path)
        articles.append(article)
        by_body[body_id] = article.id
        if body_id in stories:
            gold[article.id] = str(stories[body_id])
    split: dict[str, list[str]] = {}
    for name, ids in parts.items():
        wanted = set(ids)
        unknown = wanted - set(by_body)
        if unknown:
            raise NewsdeskError(f"{SPLIT_FILES[name]} names Body IDs not in {BODIES_FILE}: {sorted(unknown)[:5]}")
        split[name] = [by_body[b] for b in by_body if b in wanted]
    return articles, gold, split


def load_gold_json(path: Path | str) -> dict[str, str]:
    """Read the gold stories of a gold.json file (``"stories"``: lists of document keys).

    Document keys are file names (``01_x.txt``) or, for JSONL lines,
    ``file.jsonl:N``. Each list becomes one story label (``story-<n>``).

    Returns:
        Document key to story label.

    Raises:
        NewsdeskError: The file is unreadable or has no ``stories`` list.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        stories = data["stories"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NewsdeskError(f"{path}: cannot read gold stories ({exc})") from exc
    return {str(key): f"story-{n}" for n, keys in enumerate(stories) for key in keys}


def match_gold(articles: Sequence[Article], gold_by_key: Mapping[str, str]) -> dict[str, str]:
    """Map gold.json document keys to article ids by file name (``Path(article.path).name``).

    Articles without a gold story are left out (they are not scored).
    """
    return {a.id: gold_by_key[Path(a.path).name] for a in articles if Path(a.path).name in gold_by_key}


# -- peers --------------------------------------------------------------------------------------------


def _peer_distances(articles: Sequence[Article]) -> np.ndarray:
    """Cosine distances of plain TF-IDF vectors (the peer's standard setup)."""
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [f"{a.title}\n{a.text}" for a in articles]
    )
    return np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, None)


def agglomerative_peer(articles: Sequence[Article], threshold: float) -> list[list[str]]:
    """TF-IDF + agglomerative clustering (cosine distance, average linkage) at a distance threshold."""
    if len(articles) < 2:
        return [[a.id] for a in articles]
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    labels = model.fit_predict(_peer_distances(articles))
    groups: dict[int, list[str]] = defaultdict(list)
    for article, label in zip(articles, labels, strict=True):
        groups[int(label)].append(article.id)
    return list(groups.values())


def tune_agglomerative(
    articles: Sequence[Article], gold: Mapping[str, str], thresholds: Sequence[float] = PEER_THRESHOLDS
) -> tuple[float, float]:
    """Pick the peer's distance threshold with the best BCubed F1; returns ``(threshold, f1)``."""
    distances = _peer_distances(articles)
    best = (thresholds[0], -1.0)
    for threshold in thresholds:
        model = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
        )
        labels = model.fit_predict(distances)
        groups: dict[int, list[str]] = defaultdict(list)
        for article, label in zip(articles, labels, strict=True):
            groups[int(label)].append(article.id)
        f1 = bcubed(list(groups.values()), gold)["f1"]
        if f1 > best[1]:
            best = (threshold, f1)
    return best


def bertopic_installed() -> bool:
    """Whether BERTopic (and so UMAP and HDBSCAN) imports: the optional ``bench`` extra of pyproject.toml."""
    try:
        import bertopic  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(slots=True, kw_only=True)
class TopicRun:
    """One BERTopic run: its topics as stories, with its outliers (topic -1) treated two ways."""

    clusters: list[list[str]]
    """Every topic a story; every outlier a story of its own."""
    reduced: list[list[str]]
    """The same after ``reduce_outliers(strategy="embeddings")`` put each outlier in its nearest topic."""
    topics: int
    outliers: int


class _Reduced:
    """A fitted dimensionality reduction that returns rows it was given: lets tuning run UMAP once per setting."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows

    def fit(self, X: np.ndarray, y: Any = None) -> _Reduced:
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return self.rows


def _umap(n_neighbors: int, count: int, seed: int) -> Any:
    """BERTopic's default UMAP with a fixed seed; on a corpus of a few rows, fewer neighbours and a random start.

    (UMAP's spectral start needs more rows than components + 1; real corpora never come near that.)
    """
    from umap import UMAP

    components = 5
    return UMAP(
        n_neighbors=max(2, min(n_neighbors, count - 1)),
        n_components=components,
        min_dist=0.0,
        metric="cosine",
        init="spectral" if count > components + 2 else "random",
        random_state=seed,
        n_jobs=1,  # what a seed forces anyway; said here, UMAP does not warn about it
    )


def bertopic_peer(
    articles: Sequence[Article],
    vectors: np.ndarray,
    *,
    min_topic_size: int = 10,
    n_neighbors: int = 15,
    seed: int = BERTOPIC_SEED,
    reduce_outliers: bool = True,
    reduced_vectors: np.ndarray | None = None,
) -> TopicRun:
    """BERTopic's standard pipeline (UMAP, HDBSCAN, c-TF-IDF) on given embeddings; each topic is a story.

    BERTopic gets no embedding model (its default one downloads from a hub): it
    clusters the given rows, one per article, and reads the articles' title and
    text only for its topic words. UMAP and HDBSCAN are BERTopic's defaults but
    for UMAP's fixed ``random_state`` and the two settings a user tunes.

    Args:
        articles: The articles to cluster.
        vectors: One embedding row per article (e.g. :class:`~newsdesk.stories.embeddings.Embedder`'s).
        min_topic_size: BERTopic's smallest topic (HDBSCAN's ``min_cluster_size``).
        n_neighbors: UMAP's neighbourhood size.
        seed: UMAP's ``random_state``.
        reduce_outliers: Also assign the outliers to topics (:attr:`TopicRun.reduced`);
            when False, ``reduced`` is ``clusters``.
        reduced_vectors: UMAP's output for these settings, when already computed
            (tuning runs UMAP once per ``n_neighbors``); UMAP is then skipped.

    Returns:
        The run's stories, outliers as singletons and (``reduce_outliers``) assigned.

    Raises:
        ImportError: BERTopic is not installed (see :func:`bertopic_installed`).
    """
    from bertopic import BERTopic
    from hdbscan import HDBSCAN

    if len(articles) < 3 or min_topic_size >= len(articles):
        # UMAP needs more rows, HDBSCAN more rows than its least cluster (and never makes one of all rows)
        singletons = [[a.id] for a in articles]
        return TopicRun(clusters=singletons, reduced=singletons, topics=0, outliers=len(articles))
    reduction = _Reduced(reduced_vectors) if reduced_vectors is not None else _umap(n_neighbors, len(articles), seed)
    model = BERTopic(
        embedding_model=None,
        umap_model=reduction,
        hdbscan_model=HDBSCAN(
            min_cluster_size=min_topic_size, metric="euclidean", cluster_selection_method="eom", prediction_data=True
        ),
        min_topic_size=min_topic_size,
    )
    docs = [f"{a.title}\n{a.text}" for a in articles]
    topics = [int(t) for t in model.fit_transform(docs, embeddings=vectors)[0]]
    outliers = topics.count(-1)
    clusters = _topic_clusters(articles, topics)
    reduced = clusters
    if reduce_outliers and 0 < outliers < len(topics):
        assigned = model.reduce_outliers(docs, topics, strategy="embeddings", embeddings=vectors)
        reduced = _topic_clusters(articles, [int(t) for t in assigned])
    return TopicRun(clusters=clusters, reduced=reduced, topics=len(set(topics) - {-1}), outliers=outliers)


def _topic_clusters(articles: Sequence[Article], topics: Sequence[int]) -> list[list[str]]:
    """Stories from topic labels: one per topic, and one per article of the outlier topic -1."""
    groups: dict[int, list[str]] = defaultdict(list)
    singletons = []
    for article, topic in zip(articles, topics, strict=True):
        if topic == -1:
            singletons.append([article.id])
        else:
            groups[topic].append(article.id)
    return list(groups.values()) + singletons


def tune_bertopic(
    articles: Sequence[Article],
    vectors: np.ndarray,
    gold: Mapping[str, str],
    *,
    sizes: Sequence[int] = BERTOPIC_MIN_TOPIC_SIZES,
    neighbors: Sequence[int] = BERTOPIC_NEIGHBORS,
    seed: int = BERTOPIC_SEED,
) -> tuple[int, int, float]:
    """Pick BERTopic's ``min_topic_size`` and UMAP ``n_neighbors`` with the best BCubed F1 (outliers as singletons).

    UMAP runs once per ``n_neighbors`` (with the seed every run uses, so its
    output is what BERTopic would compute again), then BERTopic runs on it for
    each size.

    Returns:
        ``(min_topic_size, n_neighbors, f1)``.
    """
    best = (sizes[0], neighbors[0], -1.0)
    if len(articles) < 3:
        return best
    for n_neighbors in neighbors:
        rows = _umap(n_neighbors, len(articles), seed).fit_transform(vectors)
        for size in sizes:
            run = bertopic_peer(
                articles, vectors, min_topic_size=size, reduce_outliers=False, reduced_vectors=rows, seed=seed
            )
            f1 = bcubed(run.clusters, gold)["f1"]
            logger.info("bertopic min_topic_size=%d n_neighbors=%d: BCubed F1 %.3f", size, n_neighbors, f1)
            if f1 > best[2]:
                best = (size, n_neighbors, f1)
    return best


# -- evaluation ---------------------------------------------------------------------------------------


def _scores(pred: Clusters, gold: Mapping[str, str], seconds: float, count: int) -> dict[str, Any]:
    return {
        "bcubed": bcubed(pred, gold),
        "pairwise": pairwise(pred, gold),
        "stories": len(pred),
        "seconds": seconds,
        "articles_per_second": count / seconds if seconds else float("inf"),
    }


T = TypeVar("T")


def _timed(run: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def _bertopic_result(
    scored: Sequence[Article],
    vectors: np.ndarray,
    scored_gold: Mapping[str, str],
    tuning: Sequence[Article],
    tuning_gold: Mapping[str, str],
    embedder: ArticleEmbedder,
) -> tuple[TopicRun, dict[str, Any]]:
    """Tune BERTopic on the tuning part, run it on the scored part, and score it like the agglomerative peer.

    ``vectors`` are the scored part's embeddings; only tuning articles not among them are embedded.
    """
    rows = dict(zip((a.id for a in scored), vectors, strict=True))
    missing = [a for a in tuning if a.id not in rows]
    extra, embed_seconds = _timed(lambda: embedder.embed(missing) if missing else np.zeros((0, vectors.shape[1])))
    rows.update(zip((a.id for a in missing), extra, strict=True))
    tuning_vectors = np.array([rows[a.id] for a in tuning], dtype=np.float32).reshape(len(tuning), -1)
    (size, neighbors, tuning_f1), tune_seconds = _timed(lambda: tune_bertopic(tuning, tuning_vectors, tuning_gold))
    run, seconds = _timed(lambda: bertopic_peer(scored, vectors, min_topic_size=size, n_neighbors=neighbors))
    result = {
        **_scores(run.clusters, scored_gold, seconds, len(scored)),
        "status": "run",
        "outliers_as": "singletons",
        "min_topic_size": size,
        "n_neighbors": neighbors,
        "seed": BERTOPIC_SEED,
        "topics": run.topics,
        "outliers": run.outliers,
        "reduced_outliers": {
            **_scores(run.reduced, scored_gold, seconds, len(scored)),
            "strategy": "embeddings",
        },
        "tuning_f1": tuning_f1,
        "tuning_seconds": tune_seconds,
        "tuning_embedding_seconds": embed_seconds,
    }
    return run, result


def evaluate_stories(
    data_dir: Path | str,
    *,
    split: str = "holdout",
    peers: bool = True,
    embed: bool | None = None,
    embedder: ArticleEmbedder | None = None,
    scale: int | None = None,
    settings: StorySettings = StorySettings(),
) -> dict[str, Any]:
    """Score newsdesk's story grouping (and the peers) on one part of FNC-1.

    Args:
        data_dir: The FNC-1 folder (see :func:`load_fnc_bodies`).
        split: ``"holdout"`` (default), ``"tuning"`` or ``"all"``.
        peers: Also run the agglomerative peer and, when installed, BERTopic (both tuned on the tuning part).
        embed: Also group with title + lead embeddings and report both; None
            (default) embeds when ``settings.embedding_weight`` > 0.
        embedder: What embeds the bodies, for newsdesk and BERTopic alike
            (default: the pinned :class:`~newsdesk.stories.embeddings.Embedder`).
        scale: When set, also time grouping of this many bodies (:func:`bench_stories_speed`).
        settings: newsdesk's grouping settings.

    Returns:
        A JSON-ready dict: data sizes, settings, ``newsdesk`` and ``peers``
        scores (BCubed and pairwise P/R/F1, stories, seconds, articles/s),
        the bootstrap comparisons and, with ``scale``, ``speed``. With
        embeddings, ``newsdesk`` is the grouping with them,
        ``newsdesk_without_embeddings`` the one without, and
        ``embeddings_vs_without`` their bootstrap. With ``settings.pair_model``,
        ``newsdesk_word_cosine`` is the word-cosine grouping of the same bodies
        and ``pair_model_vs_word_cosine`` their bootstrap. ``order`` is
        :func:`order_agreement` of the scored bodies. ``embedding`` is the time
        taken to embed the scored bodies (for newsdesk or BERTopic).
        ``peers["bertopic"]`` has a ``status``: ``"run"`` (then the scores,
        outliers as singletons, the tuned settings and ``reduced_outliers``)
        or why it did not run.

    Raises:
        NewsdeskError: Unknown split, unreadable data, or ``embed=True`` with ``embedding_weight`` 0.
    """
    use_embeddings = settings.embedding_weight > 0 if embed is None else embed
    if use_embeddings and settings.embedding_weight <= 0:
        raise NewsdeskError("embed=True needs settings.embedding_weight > 0 (the share of the embedding similarity)")
    articles, gold, parts = load_fnc_bodies(data_dir)
    by_id = {a.id: a for a in articles}
    if split == "all":
        chosen = [a.id for a in articles]
    elif split in parts:
        chosen = parts[split]
    else:
        raise NewsdeskError(f"unknown split {split!r}: use holdout, tuning or all")
    scored = [by_id[i] for i in chosen]
    scored_gold = {i: gold[i] for i in chosen if i in gold}
    result: dict[str, Any] = {
        "data": str(data_dir),
        "split": split,
        "articles": len(scored),
        "gold_stories": len(set(scored_gold.values())),
        "settings": asdict(settings),
    }
    words, seconds = _timed(lambda: [s.articles for s in group_stories(scored, (), settings)])
    pred = words
    result["newsdesk"] = _scores(words, scored_gold, seconds, len(scored))
    if settings.pair_model:
        # The word grouping it replaces, in the same run.
        plain = replace(settings, pair_model=False)
        before, plain_seconds = _timed(lambda: [s.articles for s in group_stories(scored, (), plain)])
        result["newsdesk_word_cosine"] = _scores(before, scored_gold, plain_seconds, len(scored))
        result["pair_model_vs_word_cosine"] = bootstrap_difference(words, before, scored_gold)
    result["order"] = order_agreement(scored, settings)
    run_bertopic = peers and bertopic_installed()
    model = embedder or Embedder()
    vectors = np.zeros((0, 0), dtype=np.float32)
    if use_embeddings or run_bertopic:
        vectors, embed_seconds = _timed(lambda: model.embed(scored))
        result["embedding"] = {
            "seconds": embed_seconds,
            "articles_per_second": len(scored) / embed_seconds if embed_seconds else float("inf"),
        }
    if use_embeddings:
        pred, seconds = _timed(lambda: [s.articles for s in group_stories(scored, (), settings, vectors)])
        result["newsdesk_without_embeddings"] = result["newsdesk"]
        result["newsdesk"] = _scores(pred, scored_gold, seconds, len(scored))
        result["embeddings_vs_without"] = bootstrap_difference(pred, words, scored_gold)
    result["peers"] = {}
    if peers:
        tuning = [by_id[i] for i in parts["tuning"]]
        tuning_gold = {i: gold[i] for i in parts["tuning"] if i in gold}
        (threshold, tuning_f1), tune_seconds = _timed(lambda: tune_agglomerative(tuning, tuning_gold))
        peer, peer_seconds = _timed(lambda: agglomerative_peer(scored, threshold))
        result["peers"]["agglomerative"] = {
            **_scores(peer, scored_gold, peer_seconds, len(scored)),
            "distance_threshold": threshold,
            "tuning_f1": tuning_f1,
            "tuning_seconds": tune_seconds,
        }
        result["newsdesk_vs_agglomerative"] = bootstrap_difference(pred, peer, scored_gold)
        if run_bertopic:
            topic_run, topic_result = _bertopic_result(scored, vectors, scored_gold, tuning, tuning_gold, model)
            result["peers"]["bertopic"] = topic_result
            result["newsdesk_vs_bertopic"] = bootstrap_difference(pred, topic_run.clusters, scored_gold)
        else:
            result["peers"]["bertopic"] = {"status": f"not installed ({BERTOPIC_INSTALL})"}
    if scale:
        result["speed"] = bench_stories_speed(
            data_dir, n=scale, settings=settings, embed=use_embeddings, embedder=embedder
        )
    return result


def order_agreement(
    articles: Sequence[Article], settings: StorySettings = StorySettings(), seeds: tuple[int, int] = (1, 2)
) -> dict[str, Any]:
    """How much grouping depends on arrival order: the same articles grouped in two random orders.

    Articles without dates are grouped in arrival order, so shuffling them
    changes the order grouping reads them in (dated articles keep their time
    order; only ties among them move).

    Returns:
        ``{"seeds", "bcubed", "stories"}``: BCubed of the first order's
        stories scored against the second's as if they were gold (F1 1.0 when
        both orders give the same stories), and both story counts.
    """
    runs = []
    for seed in seeds:
        shuffled = list(articles)
        random.Random(seed).shuffle(shuffled)
        runs.append([s.articles for s in group_stories(shuffled, (), settings)])
    labels = {item: str(n) for n, members in enumerate(runs[1]) for item in members}
    return {"seeds": list(seeds), "bcubed": bcubed(runs[0], labels), "stories": [len(run) for run in runs]}


def perturbed_bodies(articles: Sequence[Article], n: int, *, drop: float = 0.1, seed: int = 0) -> list[Article]:
    """Return ``n`` articles: copies of ``articles`` in turn, each missing a random ``drop`` share of its words.

    The copies are shuffled, so the copies of one body are spread through the stream.
    """
    rng = random.Random(seed)
    out = []
    for k in range(n):
        source = articles[k % len(articles)]
        paragraphs = [" ".join(w for w in p.split() if rng.random() >= drop) for p in source.paragraphs]
        paragraphs = [p for p in paragraphs if p] or source.paragraphs
        out.append(
            Article(
                id=content_id(Article.make_id("", paragraphs), str(k), prefix="a-"),
                path=f"{source.path}#copy{k}",
                title="",
                paragraphs=paragraphs,
            )
        )
    rng.shuffle(out)
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _speed_worker(
    data_dir: str, n: int, settings: StorySettings, embed: bool, embedder: ArticleEmbedder | None
) -> dict[str, Any]:
    articles, _, _ = load_fnc_bodies(data_dir)
    stream = perturbed_bodies(articles, n)
    before = _peak_mb()
    stories, seconds = _timed(lambda: group_stories(stream, (), settings))
    result: dict[str, Any] = {
        "articles": n,
        "stories": len(stories),
        "seconds": seconds,
        "articles_per_second": n / seconds if seconds else float("inf"),
        "peak_rss_mb": _peak_mb(),
        "rss_before_grouping_mb": before,
    }
    if embed:
        model = embedder or Embedder()
        vectors, embed_seconds = _timed(lambda: model.embed(stream))
        after_embedding = _peak_mb()
        mixed, group_seconds = _timed(lambda: group_stories(stream, (), settings, vectors))
        total = embed_seconds + group_seconds
        result["with_embeddings"] = {
            "stories": len(mixed),
            "embedding_seconds": embed_seconds,
            "embedding_articles_per_second": n / embed_seconds if embed_seconds else float("inf"),
            "grouping_seconds": group_seconds,
            "grouping_articles_per_second": n / group_seconds if group_seconds else float("inf"),
            "seconds": total,
            "articles_per_second": n / total if total else float("inf"),
            "grouping_time_ratio": group_seconds / seconds if seconds else float("inf"),
            "total_time_ratio": total / seconds if seconds else float("inf"),
            "peak_rss_after_embedding_mb": after_embedding,
            "peak_rss_mb": _peak_mb(),
        }
    return result


def bench_stories_speed(
    data_dir: Path | str,
    n: int = 10_000,
    settings: StorySettings = StorySettings(),
    *,
    fresh_process: bool = True,
    embed: bool = False,
    embedder: ArticleEmbedder | None = None,
) -> dict[str, Any]:
    """Time newsdesk's grouping of ``n`` perturbed FNC-1 bodies, without and (``embed``) with embeddings.

    1. Grouping by words alone: the baseline (``seconds``, ``articles_per_second``).
    2. With ``embed``: embedding the ``n`` title + lead texts, then grouping
       with the embeddings, timed apart (``with_embeddings``); each time is
       also given as a ratio to the baseline of this same process.

    In a fresh process (the default) the peak resident memory is that of this
    run alone; ``rss_before_grouping_mb`` is its peak before grouping started
    (Python, libraries and the articles), so the difference is what grouping
    added. The peak only grows, so ``with_embeddings`` reports it after
    embedding (model loaded) and at the end. ``fresh_process=False`` runs in
    this process (peaks then include whatever this process did before).

    Returns:
        ``{"articles", "stories", "seconds", "articles_per_second", "peak_rss_mb", "rss_before_grouping_mb"}``,
        plus ``with_embeddings`` when ``embed``.
    """
    if not fresh_process:
        return _speed_worker(str(data_dir), n, settings, embed, embedder)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_speed_worker, (str(data_dir), n, settings, embed, embedder))


def _row(name: str, scores: Mapping[str, Any]) -> str:
    b, p = scores["bcubed"], scores["pairwise"]
    return (
        f"{name:<16} {b['precision']:6.3f} {b['recall']:6.3f} {b['f1']:6.3f}   "
        f"{p['precision']:6.3f} {p['recall']:6.3f} {p['f1']:6.3f}   "
        f"{scores['stories']:7d} {scores['articles_per_second']:9.0f}"
    )


def format_stories_report(result: Mapping[str, Any]) -> str:
    """Render an :func:`evaluate_stories` result as a short plain-text report."""
    lines = [
        f"Story grouping on FNC-1 {result['split']} part: {result['articles']} bodies, "
        f"{result['gold_stories']} gold stories",
        "",
        f"{'':<16} {'BCubed P':>6} {'R':>6} {'F1':>6}   {'pair P':>6} {'R':>6} {'F1':>6}   {'stories':>7} {'art/s':>9}",
    ]
    if "newsdesk_without_embeddings" in result:
        lines.append(_row("newsdesk+embed", result["newsdesk"]))
        lines.append(_row("newsdesk words", result["newsdesk_without_embeddings"]))
    else:
        lines.append(_row("newsdesk", result["newsdesk"]))
    if "newsdesk_word_cosine" in result:
        lines.append(_row("word cosine", result["newsdesk_word_cosine"]))
    peers = result.get("peers", {})
    if "agglomerative" in peers:
        lines.append(_row("agglomerative", peers["agglomerative"]))
    topic = peers.get("bertopic", {})
    if topic.get("status") == "run":
        lines.append(_row("bertopic", topic))
        lines.append(_row("bertopic reduced", topic["reduced_outliers"]))
    elif topic:
        lines.append(f"{'bertopic':<16} {topic['status']}")
    lines.append("")
    s = result["settings"]
    lines.append("newsdesk settings: " + ", ".join(f"{k}={v}" for k, v in s.items() if k != "max_features"))
    if "agglomerative" in peers:
        peer = peers["agglomerative"]
        lines.append(
            f"agglomerative: distance threshold {peer['distance_threshold']:.2f} "
            f"(tuned on the tuning part, BCubed F1 there {peer['tuning_f1']:.3f})"
        )
    if topic.get("status") == "run":
        lines.append(
            f"bertopic: min_topic_size {topic['min_topic_size']}, UMAP n_neighbors {topic['n_neighbors']}, "
            f"seed {topic['seed']} (tuned on the tuning part, BCubed F1 there {topic['tuning_f1']:.3f}); "
            f"{topic['topics']} topics and {topic['outliers']} outliers, each outlier its own story; "
            "'bertopic reduced': outliers put in their nearest topic by reduce_outliers(strategy='embeddings'); "
            "on newsdesk's title + lead embeddings (embedding not in the art/s column)"
        )
    if "embedding" in result:
        e = result["embedding"]
        lines.append(
            f"embedding title + lead: {e['seconds']:.1f} s = {e['articles_per_second']:.0f} articles/s "
            "(not in the art/s column)"
        )
    comparisons = [
        ("newsdesk_vs_agglomerative", "newsdesk - agglomerative"),
        ("newsdesk_vs_bertopic", "newsdesk - bertopic"),
        ("embeddings_vs_without", "with - without embeddings"),
        ("pair_model_vs_word_cosine", "pair model - word cosine"),
    ]
    for key, name in comparisons:
        if key in result:
            d = result[key]
            lines.append(
                f"{name} BCubed F1: {d['f1_diff']:+.3f} "
                f"(95% bootstrap over gold stories {d['ci_low']:+.3f} to {d['ci_high']:+.3f})"
            )
    if "order" in result:
        o = result["order"]
        lines.append(
            f"order independence: BCubed F1 {o['bcubed']['f1']:.3f} between two random arrival orders "
            f"(seeds {o['seeds'][0]} and {o['seeds'][1]}; {o['stories'][0]} and {o['stories'][1]} stories)"
        )
    if "speed" in result:
        sp = result["speed"]
        kind = "pair model" if result["settings"].get("pair_model") else "words"
        lines.append(
            f"speed, {kind}: {sp['articles']} articles grouped in {sp['seconds']:.1f} s = "
            f"{sp['articles_per_second']:.0f} articles/s; peak memory {sp['peak_rss_mb']:.0f} MB "
            f"({sp['rss_before_grouping_mb']:.0f} MB before grouping)"
        )
        if "with_embeddings" in sp:
            w = sp["with_embeddings"]
            lines.append(
                f"speed, with embeddings: embedding {w['embedding_seconds']:.1f} s "
                f"({w['embedding_articles_per_second']:.0f} articles/s) + grouping {w['grouping_seconds']:.1f} s "
                f"({w['grouping_articles_per_second']:.0f} articles/s, {w['grouping_time_ratio']:.2f}x words) "
                f"= {w['articles_per_second']:.0f} articles/s in all ({w['total_time_ratio']:.1f}x); "
                f"peak memory {w['peak_rss_mb']:.0f} MB ({w['peak_rss_after_embedding_mb']:.0f} MB after embedding)"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: print the report (or the result as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path, help="FNC-1 folder with train_bodies.csv and stories_train.json")
    parser.add_argument("--split", default="holdout", choices=["holdout", "tuning", "all"])
    parser.add_argument("--no-peers", action="store_true", help="score newsdesk only")
    parser.add_argument("--scale", type=int, default=None, help="also time grouping of N perturbed bodies")
    parser.add_argument(
        "--embedding-weight",
        type=float,
        default=None,
        help="StorySettings.embedding_weight to evaluate (tuned on FNC-1: 0.4); above 0, embeddings are used",
    )
    parser.add_argument(
        "--embed",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also group with title + lead embeddings (default: when embedding_weight > 0)",
    )
    parser.add_argument(
        "--pair-model",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="group with the learned story pair model (default: StorySettings.pair_model); "
        "with it, the word-cosine grouping is scored in the same run",
    )
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        settings = StorySettings()
        if args.embedding_weight is not None:
            settings = replace(settings, embedding_weight=args.embedding_weight)
        if args.pair_model is not None:
            settings = replace(settings, pair_model=args.pair_model)
        result = evaluate_stories(
            args.data_dir,
            split=args.split,
            peers=not args.no_peers,
            embed=args.embed,
            scale=args.scale,
            settings=settings,
        )
    except NewsdeskError as exc:
        parser.exit(2, f"error: {exc}\n")
    print(json.dumps(result, indent=2) if args.json else format_stories_report(result))
    return 0


def evaluate_gold_stories(gold_path: Path, docs_dir: Path | None = None) -> dict[str, Any]:
    """Run the whole pipeline on a gold.json corpus and score its stories (BCubed, pairwise)."""
    from newsdesk.evaluation.contradictions import GoldCorpus
    from newsdesk.pipeline import analyze
    from newsdesk.storage import MemoryStore

    corpus = GoldCorpus(gold_path, docs_dir)
    with MemoryStore() as store:
        analysis, seconds = _timed(lambda: analyze(corpus.document_paths(), store))
    gold = match_gold(analysis.articles, load_gold_json(gold_path))
    predicted = [list(s.articles) for s in analysis.stories]
    result = _scores(predicted, gold, seconds, len(analysis.articles))
    duplicates = {a.id: a.duplicate_of for a in analysis.articles if a.duplicate_of}
    result["duplicates_flagged"] = len(duplicates)
    return {"corpus": str(gold_path), "newsdesk": result}


if __name__ == "__main__":
    raise SystemExit(main())
