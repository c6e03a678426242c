"""Related stories: link a story to the stories that continue or precede it.

Grouping (:mod:`.grouping`) keeps apart what it cannot call one story: a sequel
weeks later (time decay), or a turn of an event whose words moved on. Such
stories are linked as *related*, both ways, after grouping:

1. Each story gets a centroid: the sum of its articles' vectors of step 2 of
   grouping (words, title + lead, entities when ``entity_weight`` > 0), made
   unit length. The cosine of two centroids is the stories' similarity.
2. Candidate pairs come from grouping's own neighbour search over the
   centroids (:func:`~.grouping.neighbour_edges`: blocks of sparse products,
   ``related_neighbors`` per story), so memory stays linear in the number of
   stories and no stories x stories matrix is ever made. A pair is kept when
   its similarity reaches ``related_bar``.
3. When canonical entities are given, a pair must also share a core entity
   (one that at least half of each story's articles mention): a topic's words
   alone are not enough. Stories without core entities are judged on
   similarity alone.
4. Links are symmetric and capped: pairs are taken most similar first, and a
   pair is linked while both stories have fewer than ``related_limit`` links.
   So if A lists B, B lists A, with the same similarity.
5. Each link says why: the core entities both share (else their most telling
   shared words, weighed by the reference IDF of :mod:`.reference`), the
   similarity, and how many days later or earlier the other story ran.

``related_bar`` was chosen on the FNC-1 training ids by
``scripts/tune_related.py`` (figures in docs/benchmarks.md). A pure function of
its input: the same stories and articles always give the same links.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from newsdesk.model import Article, ArticleTerms, Entity, RelatedStory, Story
from newsdesk.stories.grouping import (
    StorySettings,
    article_vectors,
    content_text,
    day_number,
    entity_sets,
    fold_word,
    neighbour_edges,
)
from newsdesk.stories.reference import ReferenceFrequencies, shipped_reference


def story_centroids(
    stories: Sequence[Story],
    articles: Sequence[Article],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
    *,
    reference: ReferenceFrequencies | None = None,
    terms: Mapping[str, ArticleTerms] | None = None,
) -> sp.csr_matrix:
    """Step 1: one unit-length centroid per story (a zero row for a story without known articles).

    Args:
        stories: The stories, in any order.
        articles: Their articles (ids missing here are skipped).
        entities: Canonical entities (used when ``settings.entity_weight`` > 0).
        settings: Grouping settings (for the vectors).
        reference: As for :func:`~.grouping.group_stories`.
        terms: Saved word counts by article id, as for :func:`~.grouping.group_stories`.

    Returns:
        A CSR matrix of float32, one row per story in the order given.
    """
    row = {a.id: i for i, a in enumerate(articles)}
    story_rows, article_rows = [], []
    for s, story in enumerate(stories):
        for article in dict.fromkeys(story.articles):
            if article in row:
                story_rows.append(s)
                article_rows.append(row[article])
    if not articles:
        return sp.csr_matrix((len(stories), 1), dtype=np.float32)
    matrix = article_vectors(articles, entities, settings, reference=reference, terms=terms)
    owner = sp.csr_matrix(
        (np.ones(len(story_rows), dtype=np.float32), (story_rows, article_rows)), shape=(len(stories), len(articles))
    )
    return sp.csr_matrix(normalize(owner @ matrix), dtype=np.float32)


def _core_entities(stories: Sequence[Story], mentioned: Mapping[str, set[str]], share: float = 0.5) -> list[set[str]]:
    """The entities at least ``share`` of each story's articles mention."""
    cores = []
    for story in stories:
        members = list(dict.fromkeys(story.articles))
        counts: Counter[str] = Counter(e for a in members for e in mentioned.get(a, ()))
        least = max(1, math.ceil(share * len(members)))
        cores.append({e for e, n in counts.items() if n >= least})
    return cores


def _spans(stories: Sequence[Story], published: Mapping[str, str | None]) -> list[tuple[float, float]]:
    """First and last publication day of each story (NaN when none of its articles is dated)."""
    spans = []
    for story in stories:
        days = [d for d in (day_number(published.get(a)) for a in story.articles) if d == d]
        spans.append((min(days), max(days)) if days else (math.nan, math.nan))
    return spans


def _when(own: tuple[float, float], other: tuple[float, float]) -> str:
    """How the other story's days stand to this one's: ``23 days later``, ``2 days earlier``, ``same days``."""
    if not (own[0] == own[0] and other[0] == other[0]):
        return ""
    if other[0] > own[1]:
        days = int(other[0] - own[1])
        return f"; {days} day{'s' if days != 1 else ''} later"
    if other[1] < own[0]:
        days = int(own[0] - other[1])
        return f"; {days} day{'s' if days != 1 else ''} earlier"
    return "; same days"


def _story_words(
    story: Story,
    texts: Mapping[str, Article],
    cache: dict[str | None, frozenset[str]],
    idf: Callable[[str], float],
    terms: Mapping[str, ArticleTerms],
    top: int = 40,
) -> dict[str, float]:
    """A story's ``top`` most telling folded content words: share of its articles using each, times its IDF.

    An article's words are those of its saved counts (the same folded words of its title and body) when
    ``terms`` has them, else counted now.
    """
    counts: Counter[str] = Counter()
    members = [texts[a] for a in dict.fromkeys(story.articles) if a in texts]
    for article in members:
        saved = terms.get(article.id)
        if saved is not None:
            counts.update(saved.words.keys())
            continue
        words = content_text(f"{article.title}\n{article.text}", article.language, cache).split()
        counts.update({fold_word(w) for w in words})
    weight = {w: n / max(1, len(members)) * idf(w) for w, n in counts.items()}
    return dict(sorted(weight.items(), key=lambda item: (-item[1], item[0]))[:top])


def related_links(
    stories: Sequence[Story],
    articles: Sequence[Article],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
    *,
    reference: ReferenceFrequencies | None = None,
    shared: int = 3,
    changed: Collection[str] | None = None,
    previous: Mapping[str, Sequence[RelatedStory]] | None = None,
    terms: Mapping[str, ArticleTerms] | None = None,
) -> dict[str, list[RelatedStory]]:
    """Link each story to the stories that continue or precede it (see the module docstring).

    Incrementally (``changed`` given), only the changed stories look for related stories: the neighbour
    search queries their rows alone, so its work grows with the changed stories, not with the square of all
    of them. Links between two unchanged stories are taken from ``previous`` as they were (similarity and
    reason), and the cap of step 4 then applies to old and new links together, as in a full run.

    Args:
        stories: Stories after grouping (and joins across languages).
        articles: Their articles.
        entities: Canonical entities of the articles; when given, linked stories must share a core one.
        settings: Grouping settings: the vectors, ``related_bar``, ``related_limit`` and ``related_neighbors``.
        reference: As for :func:`~.grouping.group_stories` (default: the shipped table).
        shared: How many shared entities or words a reason names.
        changed: Ids of the stories that are new or changed since ``previous``; None links every story afresh.
        previous: The links stored before (story id -> links), used with ``changed``.
        terms: Saved word counts by article id, as for :func:`~.grouping.group_stories` (the links are the same).

    Returns:
        Story id -> its links, most similar first (every story given has an entry, perhaps empty).
    """
    links: dict[str, list[RelatedStory]] = {s.id: [] for s in stories}
    if len(stories) < 2 or settings.related_limit < 1:
        return links
    index = {s.id: i for i, s in enumerate(stories)}
    queries = None
    kept: dict[tuple[int, int], str] = {}  # (story, other) -> the stored reason of a link between unchanged ones
    candidates: dict[tuple[int, int], float] = {}
    if changed is not None:
        fresh = set(changed)
        queries = np.array(sorted({index[c] for c in fresh if c in index}), dtype=np.int64)
        for story_id, related in (previous or {}).items():
            for link in related:
                if story_id in index and link.story in index and not {story_id, link.story} & fresh:
                    own, other = index[story_id], index[link.story]
                    kept[(own, other)] = link.reason
                    candidates[(min(own, other), max(own, other))] = link.similarity
    table = (reference or shipped_reference()) if settings.reference_documents > 0 else None
    if queries is None or len(queries):
        centroids = story_centroids(stories, articles, entities, settings, reference=table, terms=terms)
        rows, cols, sims = neighbour_edges(
            centroids, k=settings.related_neighbors, floor=settings.related_bar, queries=queries
        )
        candidates.update(zip(zip(rows.tolist(), cols.tolist(), strict=True), sims.tolist(), strict=True))
    mentioned = entity_sets(entities) if entities else {}
    cores = _core_entities(stories, mentioned) if mentioned else [set() for _ in stories]
    # Step 4: most similar pairs first (ties in story order), while both ends have room.
    taken: Counter[int] = Counter()
    pairs: list[tuple[int, int, float]] = []
    for (p, q), sim in sorted(candidates.items(), key=lambda e: (-e[1], e[0])):
        if (p, q) not in kept and cores[p] and cores[q] and not cores[p] & cores[q]:
            continue
        if taken[p] < settings.related_limit and taken[q] < settings.related_limit:
            taken[p] += 1
            taken[q] += 1
            pairs.append((p, q, sim))
    if not pairs:
        return links
    # Step 5: reasons, read only for the stories linked.
    by_id = {a.id: a for a in articles}
    spans = _spans(stories, {a.id: a.published for a in articles})
    names = {e.id: e.name for e in entities}
    cache: dict[str | None, frozenset[str]] = {}
    documents = table.documents if table is not None else 0
    frequency = table.words if table is not None else {}

    def idf(word: str) -> float:
        return math.log((documents + 1) / (frequency.get(word, 0) + 1) + 1)

    linked = sorted({i for p, q, _ in pairs if (p, q) not in kept for i in (p, q)})
    words = {s: _story_words(stories[s], by_id, cache, idf, terms or {}) for s in linked}

    def what(p: int, q: int) -> str:
        both = sorted((names.get(e, e) for e in cores[p] & cores[q]), key=str.casefold)[:shared]
        if len(both) < shared:
            weight = {w: min(words[p][w], words[q][w]) for w in words[p].keys() & words[q].keys()}
            lowered = {b.casefold() for b in both}
            ranked = [w for w in sorted(weight, key=lambda w: (-weight[w], w)) if w.casefold() not in lowered]
            both += ranked[: shared - len(both)]
        return f"shares {', '.join(both)}; " if both else ""

    for p, q, sim in pairs:
        common = what(p, q) if (p, q) not in kept else ""
        for own, other in ((p, q), (q, p)):
            links[stories[own].id].append(
                RelatedStory(
                    story=stories[other].id,
                    similarity=round(float(sim), 4),
                    reason=kept.get((own, other)) or f"{common}{sim:.2f} similar{_when(spans[own], spans[other])}",
                )
            )
    for related in links.values():
        related.sort(key=lambda r: (-r.similarity, r.story))
    return links


def link_related(
    stories: Sequence[Story],
    articles: Sequence[Article],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
    *,
    reference: ReferenceFrequencies | None = None,
) -> list[Story]:
    """Return the stories with their ``related`` links set (:func:`related_links`); the input is not changed."""
    links = related_links(stories, articles, entities, settings, reference=reference)
    return [replace(s, related=links.get(s.id, [])) for s in stories]
