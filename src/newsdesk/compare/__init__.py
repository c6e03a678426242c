"""Compare sources: claims paired by meaning across a story's articles, labelled, grouped into disputes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newsdesk.compare.align import Encoder, PairScorer, compare_story_claims
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
        from newsdesk.compare.cache import CachedEncoder, CachedPairs

        return [m.model for m in (self.pair, self.encoder) if isinstance(m, CachedPairs | CachedEncoder)]

    def stance_model(self) -> Any:
        """The FNC-1 stance model (a body toward a headline)."""
        if self.stance is None:
            self.stance = _stance_model()
        return self.stance

    def contradiction_scorer(self) -> ContradictionScorer:
        """The scorer that weighs a pair's features into P(contradiction)."""
        if self.scorer is None:
            from newsdesk.compare.scorer import load_scorer

            self.scorer = load_scorer()
        return self.scorer


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
    compared = []
    for story in stories:
        comparisons: list[Comparison] = []
        disputes: list[Dispute] = []
        if len(per_story[story.id]) >= 2:
            comparisons, disputes = compare_story_claims(
                story,
                articles,
                per_story[story.id],
                [entities_by_id[e] for e in sorted(entities_in[story.id])],
                models.pair_model(),
                models.sentence_encoder(),
                models.contradiction_scorer(),
                settings,
                quotes,
            )
        lead, stances = article_stances(story, articles, models.stance_model()) if settings.stance else (None, [])
        compared.append(replace(story, comparisons=comparisons, disputes=disputes, lead_claim=lead, stances=stances))
    return compared, claims


__all__ = ["CompareModels", "CompareSettings", "article_stances", "build_claims", "compare_stories"]
