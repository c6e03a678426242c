"""Stories: group articles that tell the same story, one article at a time.

A single-pass ("leader-follower") clustering, the way a monitor sees a stream:

1. Articles are taken in time order (published date, then arrival order).
2. Each article is compared with every open story: cosine similarity of TF-IDF
   vectors (title + body) to the story's centroid, plus a bonus for the share of
   canonical entities they have in common.
3. It joins the best story when the similarity reaches the threshold, otherwise
   it opens a new story. A story's id is derived from its first article, so ids
   stay stable as later articles join.
4. A near-duplicate (republished copy) joins its original's story.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.model import Article, Entity, Story, content_id


@dataclass(slots=True, kw_only=True, frozen=True)
class StorySettings:
    """Thresholds of story grouping."""

    threshold: float = 0.22
    """Minimum combined similarity for an article to join a story."""
    entity_weight: float = 0.25
    """Weight of the shared-entity share in the combined similarity."""
    max_features: int = 50_000


def _order_key(article: Article, position: int) -> tuple[str, int]:
    return (article.published or "9999", position)


def entity_sets(entities: Sequence[Entity]) -> dict[str, set[str]]:
    """Map each article id to the ids of the canonical entities it mentions."""
    sets: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for mention in entity.mentions:
            sets[mention.article].add(entity.id)
    return sets


def group_stories(
    articles: Sequence[Article],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
) -> list[Story]:
    """Group articles into stories (see the module docstring for the algorithm).

    Args:
        articles: Cleaned articles, in arrival order.
        entities: Canonical entities of these articles (improves grouping).
        settings: Thresholds.

    Returns:
        Stories in order of their first article; every article is in exactly one.
    """
    if not articles:
        return []
    order = sorted(range(len(articles)), key=lambda i: _order_key(articles[i], i))
    texts = [f"{a.title}\n{a.title}\n{a.text}" for a in articles]
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", max_features=settings.max_features, min_df=1)
    matrix = vectorizer.fit_transform(texts)
    ents = entity_sets(entities)
    by_id = {a.id: i for i, a in enumerate(articles)}

    members: list[list[int]] = []
    centroids: list[np.ndarray] = []
    story_entities: list[Counter[str]] = []
    story_of: dict[int, int] = {}
    for i in order:
        article = articles[i]
        vector = matrix[i].toarray().ravel()
        original = by_id.get(article.duplicate_of or "")
        if original is not None and original in story_of:
            best = story_of[original]
        else:
            best, best_score = -1, settings.threshold
            mine = ents.get(article.id, set())
            for s, centroid in enumerate(centroids):
                norm = float(np.linalg.norm(centroid)) or 1.0
                score = float(vector @ centroid) / norm
                if mine:
                    shared = sum(1 for e in mine if story_entities[s][e])
                    score += settings.entity_weight * shared / len(mine)
                if score >= best_score:
                    best, best_score = s, score
        if best < 0:
            members.append([])
            centroids.append(np.zeros_like(vector))
            story_entities.append(Counter())
            best = len(members) - 1
        members[best].append(i)
        centroids[best] = centroids[best] + vector
        story_entities[best].update(ents.get(article.id, set()))
        story_of[i] = best

    stories = []
    for group in members:
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
