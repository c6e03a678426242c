"""Compare sources: claims paired by meaning across a story's articles, labelled, grouped into disputes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from newsdesk.compare.align import (
    ClaimSide,
    Encoder,
    PairScorer,
    claim_sides,
    compare_sides,
    may_pair_any,
)
from newsdesk.compare.claims import build_claims
from newsdesk.compare.settings import CompareSettings

if TYPE_CHECKING:
    from newsdesk.compare.cache import OutputCache
    from newsdesk.compare.scorer import ContradictionScorer
from newsdesk.model import Article, ArticleStance, Claim, Comparison, Dispute, Entity, Quote, Story

# FNC-1 labels (a body toward a headline) as stances toward a story's lead claim.
_STANCES = {"agree": "supports", "disagree": "disputes", "discuss": "discusses", "unrelated": "unrelated"}


@dataclass(slots=True)
class CompareModels:
    """The learned models comparison uses; each is loaded on first use (once per process) unless given.

    With a ``cache`` (the store), the loaded pair model and sentence encoder
    keep their outputs there by input, so a claim or a pair of claims read
    once is never read again (:mod:`newsdesk.compare.cache`).
    """

    pair: PairScorer | None = None
    encoder: Encoder | None = None
    pair_kind: str = "aligned"
    """Which pair model :meth:`pair_model` loads: ``aligned`` (:mod:`newsdesk.compare.aligned`, the one the
    shipped contradiction scorer is fitted to) or ``cross`` (the cross-encoder, for benchmarks)."""
    stance: Any | None = None
    scorer: ContradictionScorer | None = None
    cache: OutputCache | None = None

    def pair_model(self) -> PairScorer:
        """The claim-pair model (:attr:`pair_kind`)."""
        if self.pair is None:
            from newsdesk.compare.aligned import AlignedPairModel, load_aligned_model
            from newsdesk.compare.cache import CachedPairs
            from newsdesk.compare.pairs import PairModel, load_pair_model

            model: AlignedPairModel | PairModel
            if self.pair_kind == "aligned":
                model = load_aligned_model()
            elif self.pair_kind == "cross":
                model = load_pair_model()
            else:
                raise ValueError(f"unknown pair model {self.pair_kind!r}: aligned or cross")
            self.pair = model if self.cache is None else CachedPairs(model, self.cache, model.identity)
        return self.pair

    def sentence_encoder(self) -> Encoder:
        """The sentence encoder that finds candidate pairs."""
        if self.encoder is None:
            from newsdesk.compare.cache import CachedEncoder
            from newsdesk.compare.pairs import load_encoder

            encoder = load_encoder()
            self.encoder = encoder if self.cache is None else CachedEncoder(encoder, self.cache, encoder.identity)
        return self.encoder

    def cached_identities(self) -> list[str]:
        """The identities (name and weights digest) under which the loaded models keep outputs in :attr:`cache`."""
        from newsdesk.compare.cache import CachedEncoder, CachedPairs, CachedStance

        models = (self.pair, self.encoder, self.stance)
        return [m.model for m in models if isinstance(m, CachedPairs | CachedEncoder | CachedStance)]

    def stance_model(self) -> Any:
        """The FNC-1 stance model (a body toward a headline); with a :attr:`cache`, its outputs are kept."""
        if self.stance is None:
            from newsdesk.compare.cache import CachedStance

            model = _stance_model()
            self.stance = model if self.cache is None else CachedStance(model, self.cache, _stance_identity())
        return self.stance

    def contradiction_scorer(self) -> ContradictionScorer:
        """The scorer that weighs a pair's features into P(contradiction)."""
        if self.scorer is None:
            from newsdesk.compare.scorer import load_scorer

            self.scorer = load_scorer()
        return self.scorer


@lru_cache(maxsize=1)
def _stance_identity() -> str:
    """The name under which the packaged stance model keeps outputs: its weights' digest."""
    import hashlib

    from newsdesk.compare.stance import DEFAULT_MODEL_PATH

    digest = hashlib.sha256()
    for suffix in (".json", ".npz"):
        digest.update(DEFAULT_MODEL_PATH.with_suffix(suffix).read_bytes())
    return f"stance:{digest.hexdigest()[:16]}"


@lru_cache(maxsize=1)
def _stance_model() -> Any:
    from newsdesk.compare.stance import load_stance_model

    return load_stance_model()


def lead_article(story: Story, articles: Sequence[Article]) -> Article | None:
    """The story's first article: the earliest published, else the first to arrive."""
    members = [a for a in articles if a.id in set(story.articles)]
    if not members:
        return None
    dated = [a for a in members if a.published]
    return min(dated, key=lambda a: a.published or "") if dated else members[0]


def article_stances(story: Story, articles: Sequence[Article], model: Any) -> tuple[str | None, list[ArticleStance]]:
    """Each article's stance toward the story's lead claim (the title of its first article).

    Returns:
        The lead claim, and one stance per article of the story (the FNC-1
        label with the highest probability, as supports / disputes /
        discusses / unrelated).
    """
    lead = lead_article(story, articles)
    if lead is None or not lead.title.strip():
        return None, []
    members = [a for a in articles if a.id in set(story.articles)]
    probabilities = model.predict_proba([lead.title] * len(members), [a.text for a in members])
    from newsdesk.compare.stance import LABELS

    stances = []
    for article, row in zip(members, probabilities, strict=True):
        best = int(row.argmax())
        stances.append(
            ArticleStance(article=article.id, stance=_STANCES[LABELS[best]], score=round(float(row[best]), 3))  # type: ignore[arg-type]
        )
    return lead.title, stances


def compare_stories(
    stories: Sequence[Story],
    articles: Sequence[Article],
    quotes: Sequence[Quote],
    entities: Sequence[Entity],
    settings: CompareSettings = CompareSettings(),
    models: CompareModels | None = None,
) -> tuple[list[Story], list[Claim]]:
    """Build every article's claims, compare them within each story, group disputes, measure stances.

    A near-duplicate (``duplicate_of`` set) is a republished copy, not an
    independent source: its claims are kept but not compared. Learned-cue
    quotes scoring under ``settings.min_quote_score`` make no claims.

    Returns:
        The stories with ``comparisons``, ``disputes``, ``lead_claim`` and
        ``stances`` filled, and all claims.
    """
    models = models or CompareModels()
    by_article: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        if quote.score is None or quote.score >= settings.min_quote_score:
            by_article[quote.article].append(quote)
    entities_by_id = {e.id: e for e in entities}
    claims = [c for a in articles for c in build_claims(a, by_article[a.id], entities_by_id)]
    copies = {a.id for a in articles if a.duplicate_of}
    per_story: dict[str, list[Claim]] = defaultdict(list)
    story_of = {aid: s.id for s in stories for aid in s.articles}
    for claim in claims:
        if claim.article not in copies and claim.article in story_of:
            per_story[story_of[claim.article]].append(claim)
    # Each story reads only the entities its articles mention (not every mention of the store, once per story).
    entities_in: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for mention in entity.mentions:
            if mention.article in story_of:
                entities_in[story_of[mention.article]].add(entity.id)
    positions: dict[str, list[int]] = defaultdict(list)
    for k, article in enumerate(articles):
        positions[article.id].append(k)
    quotes_of: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        quotes_of[quote.article].append(quote)
    compared = []
    for chunk in _chunks(stories, per_story):
        # The claims of a chunk of stories are embedded in one call: sorted by length, its batches pad far less
        # than one story's claims would (a vector does not depend on the batch it is made in).
        encoder = _Prefetched(models.sentence_encoder()) if any(len(per_story[s.id]) >= 2 for s in chunk) else None
        # Each story reads its own articles (in the order given) and quotes, not every one of the batch.
        members = {s.id: [articles[k] for k in sorted(k for a in set(s.articles) for k in positions[a])] for s in chunk}
        sides: dict[str, list[ClaimSide]] = {}
        for story in chunk:
            if len(per_story[story.id]) >= 2:
                sides[story.id] = claim_sides(
                    story,
                    members[story.id],
                    per_story[story.id],
                    [entities_by_id[e] for e in sorted(entities_in[story.id])],
                    settings,
                    [q for a in dict.fromkeys(story.articles) for q in quotes_of[a]],
                )
        if encoder is not None:
            encoder.prefetch([s.reading for found in sides.values() if may_pair_any(found) for s in found])
        for story in chunk:
            comparisons: list[Comparison] = []
            disputes: list[Dispute] = []
            if story.id in sides and encoder is not None:
                comparisons, disputes = compare_sides(
                    sides[story.id],
                    [entities_by_id[e] for e in sorted(entities_in[story.id])],
                    models.pair_model(),
                    encoder,
                    models.contradiction_scorer(),
                    settings,
                )
            lead, stances = (
                article_stances(story, members[story.id], models.stance_model()) if settings.stance else (None, [])
            )
            compared.append(
                replace(story, comparisons=comparisons, disputes=disputes, lead_claim=lead, stances=stances)
            )
    return compared, claims


CHUNK_CLAIMS = 1500
"""Claims embedded in one call by :func:`compare_stories`: fewer than the token states the sentence encoder keeps
(:data:`~newsdesk.compare.pairs.RECENT_STATES`), so the pair model finds those of a chunk's claims still kept."""


def _chunks(stories: Sequence[Story], per_story: Mapping[str, Sequence[Claim]]) -> Iterator[list[Story]]:
    """Stories in runs of about :data:`CHUNK_CLAIMS` claims (a larger story alone)."""
    chunk: list[Story] = []
    size = 0
    for story in stories:
        count = len(per_story.get(story.id, ()))
        if chunk and size + count > CHUNK_CLAIMS:
            yield chunk
            chunk, size = [], 0
        chunk.append(story)
        size += count
    if chunk:
        yield chunk


class _Prefetched:
    """A sentence encoder that embeds many texts in one call beforehand and serves them from memory."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.vectors: dict[str, np.ndarray] = {}

    def prefetch(self, texts: Sequence[str]) -> None:
        """Embed the texts not yet embedded, each once."""
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            self.vectors.update(zip(missing, np.asarray(self.inner.embed(missing)), strict=True))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One vector per text, as the inner encoder made it."""
        if not texts:
            return np.asarray(self.inner.embed([]))
        self.prefetch(texts)
        return np.vstack([self.vectors[t] for t in texts])


__all__ = ["CompareModels", "CompareSettings", "article_stances", "build_claims", "compare_stories"]
