"""Stories: group articles that tell the same story.

The grouping reads articles the way a desk editor files them, then tidies up:

1. Articles are put in time order (published date, then arrival order). A
   story's id is derived from its first article, so ids stay stable as later
   articles join it.
2. Each article becomes a unit-length vector: TF-IDF (sublinear term
   frequency) over lower-cased words with the stop words of the article's
   language removed and
   plural endings folded ("strikes" = "strike"), the title counted twice.
   When canonical entities are given and ``entity_weight`` is above zero, a
   TF-IDF vector of the entities an article mentions is joined to it, so a
   dot product mixes word and entity cosines in that proportion.
3. Neighbours: for every article its ``neighbors`` most similar articles are
   found with blocks of sparse products (only among the ``window`` articles
   before and after it in time order when ``window`` is set), so memory stays
   linear in the number of articles and, with a window, so does the work.
4. Seeding, in time order: a near-duplicate (``duplicate_of``) joins its
   original's story; an article whose most similar earlier article reaches
   ``join_threshold`` joins that article's story; any other article opens a
   story.
5. Merging: stories are merged, most similar pair first, while their
   average-link similarity (the mean cosine over all pairs of their articles,
   computed exactly from summed vectors) reaches ``threshold``. A pair can
   only reach it if one of its article pairs does, so only stories linked by
   a neighbour edge are compared. The merged story keeps the id of the story
   whose first article is earlier.

Steps 4 and 5 together are average-linkage clustering seeded by obvious
matches; the thresholds are learned on FNC-1 by ``scripts/tune_stories.py``.
"""

from __future__ import annotations

import heapq
import importlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from newsdesk.model import Article, Entity, Story, content_id


@dataclass(slots=True, kw_only=True, frozen=True)
class StorySettings:
    """Thresholds of story grouping (defaults learned on FNC-1 by ``scripts/tune_stories.py``)."""

    threshold: float = 0.21
    """Minimum average-link similarity (mean cosine over article pairs) for two stories to merge."""
    join_threshold: float = 0.5
    """Minimum cosine with its most similar earlier article for an article to join that article's story at once."""
    entity_weight: float = 0.0
    """Share of the similarity that comes from shared canonical entities (0 = words only)."""
    neighbors: int = 15
    """Most similar articles kept per article; stories are only compared through these links."""
    window: int = 0
    """Compare an article only with this many articles before and after it in time order (0 = all)."""
    max_features: int = 50_000
    """Largest vocabulary of the TF-IDF vectors."""


_BLOCK_CELLS = 4_000_000  # dense similarity cells per block of the neighbour search (16 MB of float32)


def fold_word(word: str) -> str:
    """Fold a plural ending of a lower-cased word ("cities" -> "city", "strikes" -> "strike")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def stop_words(language: str | None) -> frozenset[str]:
    """Stop words of a language: scikit-learn's list for English, spaCy's lists for others."""
    if language in (None, "en"):
        return frozenset(ENGLISH_STOP_WORDS)
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(module.STOP_WORDS)


def content_text(text: str, language: str | None, cache: dict[str | None, frozenset[str]]) -> str:
    """Lower-cased words of ``text`` without the stop words of its own language.

    Without this, German articles about unrelated events look alike through
    "der", "die", "und" (and French through "le", "la", "de").
    """
    if language not in cache:
        cache[language] = stop_words(language)
    stops = cache[language]
    return " ".join(w for w in _TOKEN.findall(text.lower()) if w not in stops)


def _word_weights(texts: Sequence[str], max_features: int) -> sp.csr_matrix:
    """TF-IDF rows over folded words (counting raw words first, then folding the vocabulary, is fast)."""
    counter = CountVectorizer(dtype=np.float32)
    counts = counter.fit_transform(texts)
    raw = counter.get_feature_names_out()
    terms, column = np.unique([fold_word(t) for t in raw], return_inverse=True)
    fold = sp.csr_matrix(
        (np.ones(len(raw), dtype=np.float32), (np.arange(len(raw)), column)), shape=(len(raw), len(terms))
    )
    folded = sp.csr_matrix(counts @ fold)
    if max_features and folded.shape[1] > max_features:
        totals = np.asarray(folded.sum(axis=0)).ravel()
        folded = folded[:, np.sort(np.argsort(-totals, kind="stable")[:max_features])]
    return sp.csr_matrix(TfidfTransformer(sublinear_tf=True).fit_transform(folded), dtype=np.float32)


def _identity(terms: list[str]) -> list[str]:
    return terms


def _order_key(article: Article, position: int) -> tuple[str, int]:
    return (article.published or "9999", position)


def entity_sets(entities: Sequence[Entity]) -> dict[str, set[str]]:
    """Map each article id to the ids of the canonical entities it mentions."""
    sets: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for mention in entity.mentions:
            sets[mention.article].add(entity.id)
    return sets


def article_vectors(
    articles: Sequence[Article], entities: Sequence[Entity] = (), settings: StorySettings = StorySettings()
) -> sp.csr_matrix:
    """Return the unit-length vectors of step 2, one row per article (zero rows for empty texts).

    Args:
        articles: The articles, in any order.
        entities: Canonical entities of these articles (used when ``entity_weight`` > 0).
        settings: Grouping settings.

    Returns:
        A CSR matrix of float32 with one row per article.
    """
    cache: dict[str | None, frozenset[str]] = {}
    texts = [content_text(f"{a.title}\n{a.title}\n{a.text}", a.language, cache) for a in articles]
    try:
        words = _word_weights(texts, settings.max_features)
    except ValueError:  # no article has a single content word
        words = sp.csr_matrix((len(articles), 1), dtype=np.float32)
    weight = min(max(settings.entity_weight, 0.0), 1.0)
    ents = entity_sets(entities) if weight > 0 else {}
    if not ents:
        return sp.csr_matrix(words)
    names = [sorted(ents.get(a.id, ())) for a in articles]
    if not any(names):
        return sp.csr_matrix(words)
    named = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32).fit_transform(names)
    both = sp.hstack([np.sqrt(1.0 - weight) * words, np.sqrt(weight) * named], format="csr")
    return sp.csr_matrix(normalize(both), dtype=np.float32)


def neighbour_edges(
    matrix: sp.csr_matrix, *, k: int, floor: float, window: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find each row's ``k`` most similar other rows with cosine >= ``floor`` (step 3).

    Args:
        matrix: Unit-length row vectors, in time order when ``window`` is used.
        k: Neighbours kept per row.
        floor: Smallest cosine kept.
        window: Only compare rows at most this many positions apart (0 = all).

    Returns:
        ``(rows, cols, sims)`` with ``rows < cols``, each pair once.
    """
    n = matrix.shape[0]
    empty = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
    if n < 2 or k < 1:
        return empty
    span = min(n, 2 * window + 1) if window else n
    block = max(1, _BLOCK_CELLS // span)
    firsts, seconds, values = [], [], []
    columns = sp.csr_matrix(matrix.T) if not window else None  # transposed once, not per block
    for start in range(0, n, block):
        stop = min(n, start + block)
        lo, hi = (max(0, start - window), min(n, stop + window)) if window else (0, n)
        others = columns if columns is not None else sp.csr_matrix(matrix[lo:hi].T)
        sims = (matrix[start:stop] @ others).toarray()
        rows = np.arange(start, stop)
        sims[rows - start, rows - lo] = -1.0  # never your own neighbour
        if window:
            sims[np.abs(rows[:, None] - np.arange(lo, hi)[None, :]) > window] = -1.0
        take = min(k, sims.shape[1])
        top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
        picked = np.take_along_axis(sims, top, axis=1)
        keep = picked >= floor
        i = np.broadcast_to(rows[:, None], top.shape)[keep]
        j = top[keep] + lo
        firsts.append(np.minimum(i, j))
        seconds.append(np.maximum(i, j))
        values.append(picked[keep])
    first, second, value = np.concatenate(firsts), np.concatenate(seconds), np.concatenate(values)
    if not len(first):
        return empty
    _, unique = np.unique(first * n + second, return_index=True)
    return first[unique], second[unique], value[unique].astype(np.float32)


def _seed(
    articles: Sequence[Article],
    order: list[int],
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    join_threshold: float,
) -> list[int]:
    """Step 4: the seed story of every article (story numbers in order of first article)."""
    position = np.empty(len(articles), dtype=np.int64)
    position[order] = np.arange(len(order))
    best_earlier: dict[int, tuple[float, int]] = {}
    for i, j, sim in zip(*edges, strict=True):
        later, earlier = (int(i), int(j)) if position[i] > position[j] else (int(j), int(i))
        if sim >= join_threshold and sim > best_earlier.get(later, (-1.0, -1))[0]:
            best_earlier[later] = (float(sim), earlier)
    by_id = {a.id: i for i, a in enumerate(articles)}
    story_of = [-1] * len(articles)
    stories = 0
    for i in order:
        original = by_id.get(articles[i].duplicate_of or "")
        if original is not None and story_of[original] >= 0:
            story_of[i] = story_of[original]
        elif i in best_earlier:
            story_of[i] = story_of[best_earlier[i][1]]
        else:
            story_of[i] = stories
            stories += 1
    return story_of


def _merge(
    matrix: sp.csr_matrix,
    story_of: list[int],
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    threshold: float,
) -> list[int]:
    """Step 5: merge seed stories by average link, best pair first; returns each article's story.

    Story numbers follow the order of first articles, so the smaller number of
    a merged pair is the one whose id survives.
    """
    count = max(story_of) + 1 if story_of else 0
    labels = np.asarray(story_of, dtype=np.int64)
    owner = sp.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels)))), shape=(count, len(labels))
    )
    sums = sp.csr_matrix(owner @ matrix)
    vectors: dict[int, sp.csr_matrix] = {}
    size = np.bincount(labels, minlength=count).astype(np.float64)

    def vector(s: int) -> sp.csr_matrix:
        if s not in vectors:
            vectors[s] = sums[s]
        return vectors[s]

    rows, cols, _ = edges
    a, b = labels[rows], labels[cols]
    pairs = np.unique(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)[a != b], axis=0)
    heap: list[tuple[float, int, int, int, int]] = []
    linked: dict[int, set[int]] = defaultdict(set)
    version = np.zeros(count, dtype=np.int64)
    if len(pairs):
        dots = np.asarray(sums[pairs[:, 0]].multiply(sums[pairs[:, 1]]).sum(axis=1)).ravel()
        averages = dots / (size[pairs[:, 0]] * size[pairs[:, 1]])
        for (p, q), average in zip(pairs.tolist(), averages.tolist(), strict=True):
            if average >= threshold:
                heapq.heappush(heap, (-average, p, q, 0, 0))
                linked[p].add(q)
                linked[q].add(p)

    parent = list(range(count))
    alive = np.ones(count, dtype=bool)
    while heap:
        _, p, q, vp, vq = heapq.heappop(heap)
        if not (alive[p] and alive[q]) or version[p] != vp or version[q] != vq:
            continue
        keep, drop = min(p, q), max(p, q)
        vectors[keep] = vector(keep) + vector(drop)
        vectors.pop(drop, None)
        size[keep] += size[drop]
        alive[drop] = False
        parent[drop] = keep
        version[keep] += 1
        # The merged average is a weighted mean of the parts' averages, so only
        # stories linked to a part above the threshold can be above it now.
        others = sorted((linked.pop(keep, set()) | linked.pop(drop, set())) - {keep, drop})
        for other in others:
            linked[other].discard(keep)
            linked[other].discard(drop)
        if not others:
            continue
        stacked = sp.vstack([vector(o) for o in others], format="csr")
        dots = np.asarray((stacked @ vectors[keep].T).toarray()).ravel()
        for other, dot in zip(others, dots.tolist(), strict=True):
            average = dot / (size[keep] * size[other])
            if average >= threshold:
                linked[keep].add(other)
                linked[other].add(keep)
                first, second = min(keep, other), max(keep, other)
                heapq.heappush(heap, (-average, first, second, int(version[first]), int(version[second])))

    def root(s: int) -> int:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    return [root(s) for s in story_of]


def group_stories(
    articles: Sequence[Article],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
) -> list[Story]:
    """Group articles into stories (see the module docstring for the algorithm).

    A pure function of its input: the same articles, entities and settings
    always give the same stories with the same ids.

    Args:
        articles: Cleaned articles, in arrival order.
        entities: Canonical entities of these articles (used when ``settings.entity_weight`` > 0).
        settings: Thresholds.

    Returns:
        Stories in order of their first article (in time order); every article
        is in exactly one, and a story lists its articles in time order.
    """
    if not articles:
        return []
    order = sorted(range(len(articles)), key=lambda i: _order_key(articles[i], i))
    matrix = article_vectors(articles, entities, settings)
    # Vectors in time order, so a window means "nearby in time".
    timed = sp.csr_matrix(matrix[order])
    floor = min(settings.threshold, settings.join_threshold)
    t_rows, t_cols, sims = neighbour_edges(timed, k=settings.neighbors, floor=floor, window=settings.window)
    back = np.asarray(order, dtype=np.int64)
    edges = (back[t_rows], back[t_cols], sims)
    story_of = _merge(matrix, _seed(articles, order, edges, settings.join_threshold), edges, settings.threshold)

    # Dicts keep insertion order: stories come in the time order of their first article.
    members: dict[int, list[int]] = defaultdict(list)
    for i in order:
        members[story_of[i]].append(i)
    stories = []
    for group in members.values():
        first = articles[group[0]]
        stories.append(
            Story(
                id=content_id(first.id, prefix="s-", length=12),
                title=representative_title([articles[i] for i in group]),
                articles=[articles[i].id for i in group],
            )
        )
    return stories


def representative_title(articles: Sequence[Article]) -> str:
    """The title sharing most words with the story's other titles (ties: earliest)."""
    if len(articles) == 1:
        return articles[0].title
    words = [set(a.title.lower().split()) for a in articles]
    counts: Counter[str] = Counter(w for ws in words for w in ws)

    def score(i: int) -> float:
        return sum(counts[w] - 1 for w in words[i]) / (len(words[i]) or 1)

    best = max(range(len(articles)), key=lambda i: (score(i), -i))
    return articles[best].title
