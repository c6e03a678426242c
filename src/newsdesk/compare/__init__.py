"""Compare sources: claims aligned across a story's articles and labelled."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from newsdesk.compare.claims import build_claims
from newsdesk.compare.relations import CompareSettings, compare_story
from newsdesk.model import Article, Claim, Entity, Quote, Story


def compare_stories(
    stories: Sequence[Story],
    articles: Sequence[Article],
    quotes: Sequence[Quote],
    entities: Sequence[Entity],
    settings: CompareSettings = CompareSettings(),
) -> tuple[list[Story], list[Claim]]:
    """Build every article's claims and compare them within each story.

    A near-duplicate (``duplicate_of`` set) is a republished copy, not an
    independent source: its claims are kept but not compared. Learned-cue
    quotes scoring under ``settings.min_quote_score`` make no claims.

    Returns:
        The stories with ``comparisons`` filled, and all claims.
    """
    by_article: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        if quote.score is None or quote.score >= settings.min_quote_score:
            by_article[quote.article].append(quote)
    entities_by_id = {e.id: e for e in entities}
    claims = [c for a in articles for c in build_claims(a, by_article[a.id], entities_by_id)]
    copies = {a.id for a in articles if a.duplicate_of}
    independent = [c for c in claims if c.article not in copies]
    compared = [
        replace(story, comparisons=compare_story(story, articles, independent, entities, quotes, settings))
        for story in stories
    ]
    return compared, claims


__all__ = ["CompareSettings", "build_claims", "compare_stories", "compare_story"]
