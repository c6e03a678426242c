"""A store of N generated articles with an analysis of realistic shape, written without running the NLP.

The web latency of ``newsdesk serve`` depends on how much the store holds, not
on what the words say, so :func:`fill_store` writes generated articles and a
generated analysis through the :class:`~newsdesk.storage.Store` API in seconds,
where analysing 10,000 real articles takes hours. The shapes follow what an
analysis of real news gives:

1. **Stories**: sizes drawn from a Pareto tail scaled to a mean of
   :data:`MEAN_STORY_SIZE` articles (most stories are small, a few have hundreds
   of articles); the articles of a story are published over a few days, by
   outlets drawn from :data:`OUTLETS` (a tenth without a source, shown by their
   URL's domain).
2. **Articles**: ~300 words drawn from a Zipf vocabulary that holds the words
   the benchmark searches for (:data:`~newsdesk.evaluation.scale_web.SEARCH_WORDS`),
   each in 6% to 40% of the articles.
3. **Entities**: a Zipf vocabulary of people, organisations and places, about
   :data:`MENTIONS_PER_ARTICLE` mentions per article, most from the story's own cast.
4. **Quotes and claims**: :data:`QUOTES_PER_ARTICLE` quotes and
   :data:`CLAIMS_PER_ARTICLE` claims per article, a third of the claims from quotes.
5. **Comparisons, disputes, stances**: a few comparisons per story of two
   articles or more (more for larger stories, capped), a dispute in one story of
   three, a stance per article toward the lead claim.

Run from the command line (``--db`` takes an SQLite path or a ``postgresql://`` URL)::

    python -m newsdesk.evaluation.scale_store --db /tmp/web-10k.db --articles 10000
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import get_args

from newsdesk.model import (
    Article,
    ArticleStance,
    Claim,
    ClaimRef,
    Comparison,
    Dispute,
    DisputeSide,
    Entity,
    EntityKind,
    Mention,
    Quote,
    Relation,
    Stance,
    Story,
)
from newsdesk.storage import Store

__all__ = ["StoreShape", "fill_store", "generate_analysis"]

log = logging.getLogger(__name__)

MEAN_STORY_SIZE = 10
CLAIMS_PER_ARTICLE = 18
QUOTES_PER_ARTICLE = 4
MENTIONS_PER_ARTICLE = 12
WORDS_PER_ARTICLE = 300
_NAMES = ("Alpha", "Bravo", "Cedar", "Delta", "Ember", "Fjord", "Grove", "Harbor", "Iris", "Juniper")
_TOWNS = ("Northport", "Eastvale", "Lakeside", "Ridge")
OUTLETS = tuple(f"Outlet {name}" for name in _NAMES) + tuple(
    f"The {town} {kind}" for town in _TOWNS for kind in ("Post", "Wire")
)
"""The outlets of generated articles (a tenth of the articles have none)."""
SEARCH_VOCABULARY = ("police", "president", "government", "election", "video", "report", "Clinton", "Apple")
FIRST_DAY = date(2026, 1, 1)
DAYS = 90


@dataclass(slots=True, kw_only=True)
class StoreShape:
    """What :func:`generate_analysis` made, to check its shape and to report it."""

    articles: int = 0
    stories: int = 0
    largest_story: int = 0
    entities: int = 0
    mentions: int = 0
    quotes: int = 0
    claims: int = 0
    comparisons: int = 0
    disputes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _story_sizes(rng: random.Random, articles: int) -> list[int]:
    """Story sizes summing to ``articles``: a Pareto tail with a mean near :data:`MEAN_STORY_SIZE`."""
    sizes: list[int] = []
    left = articles
    while left > 0:
        # paretovariate(1.6) has mean 1.6 / 0.6 = 2.67; scaled so that the mean is about MEAN_STORY_SIZE.
        size = max(1, min(left, round(rng.paretovariate(1.6) * MEAN_STORY_SIZE * 0.6 / 1.6 * 1.4)))
        sizes.append(size)
        left -= size
    return sizes


def _words(rng: random.Random) -> list[str]:
    """A vocabulary of made-up words, with the searched words among the common ones."""
    syllables = ["ka", "lo", "mi", "ten", "sa", "ru", "vel", "do", "pri", "an", "gor", "eth", "un", "bar", "sil"]
    made = {"".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(4000)}
    vocabulary = sorted(made)
    rng.shuffle(vocabulary)
    for n, word in enumerate(SEARCH_VOCABULARY):
        # Ranks 60 to 550: in about 40% of the articles down to about 6%, as common news words are.
        vocabulary.insert(60 + n * 70, word)
    return vocabulary


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(n)]


def _sentence(rng: random.Random, vocabulary: list[str], weights: list[float], length: int) -> str:
    words = rng.choices(vocabulary, weights=weights, k=length)
    return " ".join(words).capitalize() + "."


def generate_analysis(
    articles: int, *, seed: int = 7
) -> tuple[list[Article], list[Entity], list[Quote], list[Claim], list[Story]]:
    """Generate ``articles`` articles and an analysis of them (see the module docstring).

    Args:
        articles: Number of articles.
        seed: Seed of the generator: the same seed gives the same store.

    Returns:
        ``(articles, entities, quotes, claims, stories)``, ready for :meth:`Store.save_analysis`.
    """
    rng = random.Random(seed)
    vocabulary = _words(rng)
    weights = _zipf_weights(len(vocabulary))
    kinds: tuple[EntityKind, ...] = get_args(EntityKind)
    n_entities = max(50, articles)
    entity_names = [
        f"{rng.choice(vocabulary).capitalize()} {rng.choice(vocabulary).capitalize()} {n}" for n in range(n_entities)
    ]
    entity_kinds = [rng.choice(kinds) for _ in range(n_entities)]
    entity_weights = _zipf_weights(n_entities)
    mentions: dict[int, list[Mention]] = {}
    out_articles: list[Article] = []
    quotes: list[Quote] = []
    claims: list[Claim] = []
    stories: list[Story] = []
    relations: tuple[Relation, ...] = ("contradict", "agree", "update", "agree", "update")
    stances: tuple[Stance, ...] = get_args(Stance)
    number = 0
    for story_index, size in enumerate(_story_sizes(rng, articles)):
        start = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        cast = rng.choices(range(n_entities), weights=entity_weights, k=6)
        topic = [rng.choice(vocabulary) for _ in range(3)]
        members: list[str] = []
        member_claims: list[Claim] = []
        for _ in range(size):
            article_id = f"a-{number:07d}"
            number += 1
            paragraphs = [
                " ".join(_sentence(rng, vocabulary, weights, rng.randint(8, 20)) for _ in range(4))
                for _ in range(WORDS_PER_ARTICLE // 56)
            ]
            paragraphs[0] = " ".join(topic) + " " + paragraphs[0]
            text = "\n\n".join(paragraphs)
            day = start + timedelta(days=min(int(rng.expovariate(0.5)), 30))
            source = rng.choice(OUTLETS) if rng.random() > 0.1 else None
            out_articles.append(
                Article(
                    id=article_id,
                    path=f"generated/{article_id}.txt",
                    title=f"{' '.join(topic).capitalize()}: {_sentence(rng, vocabulary, weights, 6)}",
                    paragraphs=paragraphs,
                    source=source,
                    url=f"https://news{number % 7}.example/{article_id}",
                    published=f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
                    language="en",
                )
            )
            members.append(article_id)
            for k in range(MENTIONS_PER_ARTICLE):
                entity = rng.choice(cast) if k % 2 else rng.choices(range(n_entities), weights=entity_weights)[0]
                at = rng.randrange(max(1, len(text) - 20))
                name = entity_names[entity]
                mentions.setdefault(entity, []).append(Mention(article=article_id, text=name, start=at, end=at + 10))
            article_quotes = []
            for q in range(QUOTES_PER_ARTICLE):
                at = rng.randrange(max(1, len(text) - 80))
                speaker = rng.choice(cast)
                quote = Quote(
                    id=f"q-{article_id}-{q}",
                    article=article_id,
                    speaker=entity_names[speaker],
                    speaker_entity=f"e-{speaker:06d}",
                    cue="said",
                    text=text[at : at + 80],
                    direct=bool(q % 2),
                    start=at,
                    end=at + 80,
                )
                article_quotes.append(quote)
            quotes.extend(article_quotes)
            for c in range(CLAIMS_PER_ARTICLE):
                at = rng.randrange(max(1, len(text) - 60))
                source_quote = article_quotes[c % QUOTES_PER_ARTICLE] if c % 3 == 0 else None
                claim = Claim(
                    id=f"c-{article_id}-{c}",
                    article=article_id,
                    text=_sentence(rng, vocabulary, weights, 10),
                    holder=source_quote.speaker if source_quote else None,
                    start=at,
                    end=at + 60,
                    quote=source_quote.id if source_quote else None,
                    negated=rng.random() < 0.1,
                    date=day.isoformat() if c % 5 == 0 else None,
                )
                member_claims.append(claim)
            claims.extend(member_claims[-CLAIMS_PER_ARTICLE:])
        comparisons: list[Comparison] = []
        if size > 1:
            for _ in range(min(40, 2 + size // 3)):
                a, b = rng.sample(member_claims, 2)
                comparisons.append(
                    Comparison(
                        about=" ".join(topic[:2]),
                        relation=rng.choice(relations),
                        kind=rng.choice(("numeric", "negation", "entailment")),
                        explanation=f"{a.holder or 'One source'} and {b.holder or 'another'} differ.",
                        score=round(rng.random(), 3),
                        a=ClaimRef(article=a.article, text=a.text, holder=a.holder),
                        b=ClaimRef(article=b.article, text=b.text, holder=b.holder),
                    )
                )
        disputes: list[Dispute] = []
        contradictions = [c for c in comparisons if c.relation == "contradict"]
        if contradictions and story_index % 3 == 0:
            first = contradictions[0]
            disputes.append(
                Dispute(
                    id=f"d-{story_index}",
                    about=first.about,
                    explanation=first.explanation,
                    score=first.score,
                    sides=[
                        DisputeSide(claims=[first.a], holders=[first.a.holder or ""], outlets=["Outlet A"]),
                        DisputeSide(claims=[first.b], holders=[first.b.holder or ""], outlets=["Outlet B"]),
                    ],
                    first_seen=start.isoformat(),
                    last_seen=(start + timedelta(days=2)).isoformat(),
                )
            )
        stories.append(
            Story(
                id=f"s-{story_index:06d}",
                title=out_articles[-size].title,
                articles=members,
                comparisons=comparisons,
                disputes=disputes,
                lead_claim=member_claims[0].text,
                stances=[
                    ArticleStance(article=m, stance=rng.choice(stances), score=round(rng.random(), 3)) for m in members
                ],
            )
        )
    entities = [
        Entity(id=f"e-{n:06d}", name=entity_names[n], kind=entity_kinds[n], mentions=mentions.get(n, []))
        for n in range(n_entities)
    ]
    # Quotes naming an entity that no article mentions point at no stored entity: keep the name only.
    mentioned = {e.id for e in entities}
    for i, quote in enumerate(quotes):
        if quote.speaker_entity not in mentioned:
            quotes[i] = replace(quote, speaker_entity=None)
    return out_articles, entities, quotes, claims, stories


def fill_store(store: Store, articles: int, *, seed: int = 7) -> StoreShape:
    """Write ``articles`` generated articles and their generated analysis into ``store``.

    Args:
        store: An empty store (articles already stored are kept; the analysis is replaced).
        articles: Number of articles.
        seed: Seed of the generator.

    Returns:
        What was written, with the seconds spent generating and writing.
    """
    started = time.perf_counter()
    out_articles, entities, quotes, claims, stories = generate_analysis(articles, seed=seed)
    generated = time.perf_counter()
    store.add_articles(out_articles)
    added = time.perf_counter()
    store.save_analysis(entities=entities, quotes=quotes, claims=claims, stories=stories)
    saved = time.perf_counter()
    return StoreShape(
        articles=len(out_articles),
        stories=len(stories),
        largest_story=max((len(s.articles) for s in stories), default=0),
        entities=len(entities),
        mentions=sum(len(e.mentions) for e in entities),
        quotes=len(quotes),
        claims=len(claims),
        comparisons=sum(len(s.comparisons) for s in stories),
        disputes=sum(len(s.disputes) for s in stories),
        seconds={
            "generate": round(generated - started, 1),
            "articles": round(added - generated, 1),
            "analysis": round(saved - added, 1),
        },
    )


def main(argv: list[str] | None = None) -> int:
    """Fill a store from the command line and print its shape."""
    from newsdesk.storage import open_store

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", required=True, help="SQLite path or postgresql:// URL (an empty store)")
    parser.add_argument("--articles", type=int, default=10_000, help="number of articles (default 10000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with open_store(args.db) as store:
        shape = fill_store(store, args.articles, seed=args.seed)
    print(shape)
    return 0


if __name__ == "__main__":
    sys.exit(main())
