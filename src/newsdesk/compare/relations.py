"""Compare sources: align the claims of one story and label how they relate.

For every pair of claims from different holders within a story:

1. Align: both state the same kind of event (a predicate class such as
   "control" or "casualties") and share a canonical entity in their sentence,
   or count the same thing.
2. Label:
   - numbers that count the same thing and differ: an **update** when the later
     report (by date) revises the figure, else a numeric **contradiction**;
   - one side negated or denied and the other not: a **contradiction**
     (kind ``denial`` when a denial verb carries it, else ``negation``);
   - same polarity: **agree**.
3. Explain in one sentence naming the holders, and keep only the best pair per
   (articles, predicate, holders), so one disagreement is reported once. A pair
   scores higher with more shared entities and with more shared content words
   (Jaccard overlap of stems), so the pair that speaks of the same thing wins,
   and lower when a side is a prediction (a modal verb) or a quote the cue
   model was unsure of.

Precision comes first: a pair is never called a contradiction without a shared
entity or quantity and a clear polarity difference.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.compare.claims import DENIAL_CUES, WEAK_PREDICATES, Quantity, polarity, predicates, quantities
from newsdesk.compare.stance import content_stems, tokenize
from newsdesk.model import Article, Claim, ClaimRef, Comparison, Entity, Quote, Story

_ABOUT = {
    "control": "Who controls {e}",
    "departure": "Whether {e} left",
    "casualties": "How many died{in_e}",
    "injuries": "How many were injured{in_e}",
    "detention": "Whether {e} was detained",
    "release": "Whether {e} was released",
    "opening": "Whether {e} is open",
    "resignation": "Whether {e} resigned",
    "agreement": "Talks and agreements{in_e}",
    "displacement": "How many were displaced{in_e}",
    "resistance": "Whether resistance continues{in_e}",
    "warning": "Whether a warning was given{in_e}",
    "investigation": "Whether {e} is under investigation",
    "irregularities": "Whether there was fraud or tampering{in_e}",
    "attack": "Who fired{in_e}",
    "strike": "The strike{in_e}",
}
# What a numeric pair is about, from what its figures count.
_COUNT_ABOUT = {
    "dead": "How many died{in_e}",
    "missing": "How many are missing{in_e}",
    "injured": "How many were injured{in_e}",
    "displaced": "How many were displaced{in_e}",
    "arrested": "How many were arrested{in_e}",
}
# "Opening" claims: the status is closed only when the text says it *is* (still) closed or traffic is
# turned back; "reopened 11 days after it was closed" is an opening, and "was closed on 19 February" history.
_CLOSED = re.compile(
    r"\b(remains?|still|is|are|stays?|kept)\s+(closed|shut|blocked)\b|\b(turned (away|back)|turns back|"
    r"can ?not cross|cannot cross|not (be )?allowed to cross)\b|"
    # "was never closed" denies a closure: a status, unlike the history "was closed on 19 February".
    r"\b(was|were|has|have|had)\s+(never|not)\s+(been\s+)?(closed|shut|blocked)\b",
    re.IGNORECASE,
)
_OPENED = re.compile(r"\b(re-?open\w*|open to|opened)\b", re.IGNORECASE)
# "welcomed the reopening", "a “reopening” in name only": the noun names the event, it does not say it is open.
_NOUN_BEFORE = re.compile(r"(\b(the|a|an|its|their|this|of)\s+|[«“\"‘])$", re.IGNORECASE)
_PERSON_FIRST = {"departure", "detention", "investigation", "release", "resignation"}
# Weight of the content-word overlap of two claims in a pair's score: of the pairs that share a key
# (articles, predicate, holders), the one whose claims speak of the same thing wins over one naming more entities.
_TOPIC_WEIGHT = 0.2
# Of such pairs, one whose claims are stated firmly wins over a prediction ("will be the first victory") or a
# quote the cue model was unsure of: the pair's score loses this weight times the missing certainty of each side.
_DOUBT_WEIGHT = 0.2
_MODAL = re.compile(r"\b(will|would|could|may|might|shall|should)\b", re.IGNORECASE)
_MODAL_FACTOR = 0.75
# Classes too vague to oppose on polarity alone.
_WEAK = WEAK_PREDICATES
# Broad classes name a pair's subject only when no narrower class is shared ("killed" before "fired").
_BROAD = {"attack"}


@dataclass(slots=True, kw_only=True, frozen=True)
class CompareSettings:
    """Limits of claim comparison."""

    max_agreements: int = 20
    """Agreements kept per story (the strongest)."""
    max_quote_chars: int = 110
    min_quote_score: float = 0.5
    """Quotes found by the learned cue model become claims only from this score
    (its probability that the cue really attributes the content). Rule-found
    quotes carry no score and always count. 0 keeps every quote."""


@dataclass(slots=True)
class _Aligned:
    claim: Claim
    predicates: frozenset[str]
    entities: frozenset[str]
    denial: bool
    cue: str
    reported: str
    """When the claim was reported: the article's publication date, else the claim's own date."""
    said: str
    """The day the claim refers to ("On Tuesday the ministry spoke of one wounded"), else ``reported``."""
    stems: frozenset[str]
    """Content word stems of the claim, to tell how close two claims are in topic."""
    certainty: float
    """How firmly the claim is stated, in (0, 1]: the learned cue model's score of its quote, lowered for a modal."""


def _context_entities(claim: Claim, text: str, spans: Sequence[tuple[int, int, str]]) -> frozenset[str]:
    # The sentence around the claim names what a pronoun-only quote is about.
    start = max(text.rfind(". ", 0, claim.start), text.rfind("\n", 0, claim.start)) + 1
    end_candidates = [i for i in (text.find(". ", claim.end), text.find("\n", claim.end)) if i >= 0]
    end = min(end_candidates) if end_candidates else len(text)
    return frozenset(eid for s, e, eid in spans if s < end and start < e)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def compare_story(
    story: Story,
    articles: Sequence[Article],
    claims: Sequence[Claim],
    entities: Sequence[Entity],
    quotes: Sequence[Quote] = (),
    settings: CompareSettings = CompareSettings(),
) -> list[Comparison]:
    """Return the comparisons (contradict / update / agree) between a story's claims.

    Args:
        story: The story.
        articles: At least the story's articles.
        claims: At least the claims of the story's articles.
        entities: Canonical entities (their mentions give each claim's topic).
        quotes: Quotes, to tell a denial cue ("X denied ...") from plain negation.
        settings: Limits.

    Returns:
        Comparisons, contradictions first, each side naming its holder.
    """
    members = set(story.articles)
    by_article = {a.id: a for a in articles if a.id in members}
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    names = {e.id: e for e in entities}
    for entity in entities:
        for m in entity.mentions:
            if m.article in members:
                spans[m.article].append((m.start, m.end, entity.id))
    cues = {q.id: q.cue or "" for q in quotes}
    scores = {q.id: q.score for q in quotes}
    speakers = {q.id: q.speaker_entity for q in quotes if q.speaker_entity}
    aligned = [
        _Aligned(
            claim=c,
            predicates=predicates(c.text),
            entities=_context_entities(c, by_article[c.article].text, spans[c.article])
            | ({speakers[c.quote]} if c.quote in speakers else set()),
            denial=bool(c.quote and DENIAL_CUES.search(cues.get(c.quote, ""))),
            cue=cues.get(c.quote or "", ""),
            reported=(by_article[c.article].published or c.date or "")[:10],
            said=(c.date or by_article[c.article].published or "")[:10],
            stems=frozenset(content_stems(tokenize(c.text))),
            certainty=_certainty(c.text, scores.get(c.quote or "")),
        )
        for c in claims
        if c.article in by_article
    ]
    best: dict[tuple[object, ...], Comparison] = {}
    for x, y in itertools.combinations(aligned, 2):
        comparison = _relate(x, y, names, settings)
        if comparison is None:
            continue
        a_holder, b_holder = comparison.a.holder or "", comparison.b.holder or ""
        key = (
            comparison.relation,
            comparison.about,
            *sorted([(x.claim.article, a_holder), (y.claim.article, b_holder)]),
        )
        if key not in best or comparison.score > best[key].score:
            best[key] = comparison
    results = sorted(best.values(), key=lambda c: (c.relation != "contradict", c.relation != "update", -c.score))
    agreements = [c for c in results if c.relation == "agree"][: settings.max_agreements]
    return [c for c in results if c.relation != "agree"] + agreements


def _holder_key(claim: Claim) -> str:
    return (claim.holder or f"article:{claim.article}").lower()


def _relate(x: _Aligned, y: _Aligned, names: dict[str, Entity], settings: CompareSettings) -> Comparison | None:
    if _holder_key(x.claim) == _holder_key(y.claim) and x.claim.article == y.claim.article:
        return None
    shared_predicates = x.predicates & y.predicates
    if not shared_predicates:
        return None
    shared_entities = x.entities & y.entities
    qx, qy = quantities(x.claim.text), quantities(y.claim.text)
    same_count = [(a, b) for a in qx for b in qy if a.noun == b.noun]
    if not shared_entities and not same_count:
        return None
    predicate = sorted(shared_predicates, key=lambda p: (p in _WEAK, p in _BROAD, p))[0]
    about = _about(predicate, shared_entities, x.entities | y.entities, names)
    # Reports in publication order; within one report, the earlier day it tells of first.
    first, second = sorted((x, y), key=lambda s: (s.reported, s.said, s.claim.article, s.claim.start))
    ref_a = ClaimRef(article=first.claim.article, text=first.claim.text, holder=first.claim.holder)
    ref_b = ClaimRef(article=second.claim.article, text=second.claim.text, holder=second.claim.holder)
    ha, hb = first.claim.holder or "one source", second.claim.holder or "another source"
    ta = _shorten(first.claim.text, settings.max_quote_chars)
    tb = _shorten(second.claim.text, settings.max_quote_chars)
    overlap = min(len(shared_entities), 2) * 0.1
    # Ranks the pairs that share a key: closer in topic and more firmly stated is better.
    rank = _TOPIC_WEIGHT * _jaccard(x.stems, y.stems) - _DOUBT_WEIGHT * (2.0 - x.certainty - y.certainty)

    differing = [(a, b) for a, b in same_count if a.value != b.value]
    if differing:
        a, b = (differing[0][0], differing[0][1]) if first is x else (differing[0][1], differing[0][0])
        template = _COUNT_ABOUT.get(a.noun) or (f"The share of {a.noun[5:]}s{{in_e}}" if _is_share(a) else None)
        if template:
            # The figure compared says what the pair is about: 23 then 19 injured is not "How many died".
            about = _about(predicate, shared_entities, x.entities | y.entities, names, template)
        if first.reported and second.reported and (first.reported, first.said) < (second.reported, second.said):
            same_day = first.reported == second.reported
            when_a, when_b = (first.said, second.said) if same_day else (first.reported, second.reported)
            return Comparison(
                about=about,
                relation="update",
                kind="numeric",
                explanation=(
                    f"{hb} reports {_figure(b)} on {when_b}, after {ha} reported "
                    f"{_figure(a, bare=True)} on {when_a}: a later figure, not a contradiction."
                ),
                score=_score(0.7 + overlap, rank),
                a=ref_a,
                b=ref_b,
            )
        return Comparison(
            about=about,
            relation="contradict",
            kind="numeric",
            explanation=f"{ha} puts the figure at {_figure(a)}; {hb} says {_figure(b, bare=True)}.",
            score=_score(0.6 + overlap, rank),
            a=ref_a,
            b=ref_b,
        )
    if not shared_entities:
        return None
    pos_x, pos_y = _polarity(x, predicate), _polarity(y, predicate)
    if pos_x is None or pos_y is None:
        return None
    if pos_x != pos_y and predicate not in _WEAK and _holder_key(x.claim) != _holder_key(y.claim):
        denier = first if not _polarity(first, predicate) else second
        other = second if denier is first else first
        kind = "denial" if denier.denial else ("status" if predicate == "opening" else "negation")
        hd, ho = denier.claim.holder or "another source", other.claim.holder or "one source"
        td = _shorten(denier.claim.text, settings.max_quote_chars)
        to = _shorten(other.claim.text, settings.max_quote_chars)
        verb = "denies it" if kind == "denial" else "says otherwise"
        return Comparison(
            about=about,
            relation="contradict",
            kind=kind,
            explanation=f"{ho} says “{to}”; {hd} {verb}: “{td}”.",
            score=_score(0.6 + overlap + (0.15 if kind == "denial" else 0.0), rank),
            a=ref_a,
            b=ref_b,
        )
    if pos_x == pos_y and x.claim.article != y.claim.article and len(shared_entities) >= 2:
        return Comparison(
            about=about,
            relation="agree",
            kind="same claim",
            explanation=f"{ha} and {hb} both report it: “{ta}” / “{tb}”.",
            score=_score(0.5 + overlap, rank),
            a=ref_a,
            b=ref_b,
        )
    return None


def _certainty(text: str, quote_score: float | None) -> float:
    """:attr:`_Aligned.certainty` of a claim's text and its quote's score (``None``: found by the rules)."""
    certainty = 1.0 if quote_score is None else quote_score
    return certainty * (_MODAL_FACTOR if _MODAL.search(text) else 1.0)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _score(base: float, rank: float) -> float:
    # A confidence stays in [0, 1]; three decimals so that small differences still rank pairs.
    return round(min(1.0, max(0.0, base + rank)), 3)


def _states_opened(text: str) -> bool:
    """Whether ``text`` says something is open: a reopening named as a noun ("the reopening") does not."""
    return any(
        not (m.group().lower().endswith("ing") and _NOUN_BEFORE.search(text[: m.start()]))
        for m in _OPENED.finditer(text)
    )


def _polarity(side: _Aligned, predicate: str) -> bool | None:
    if predicate == "opening":
        closed, opened = _CLOSED.search(side.claim.text), _states_opened(side.claim.text)
        if bool(closed) == bool(opened):
            return None  # neither, or both ("declared reopened, but trucks are turned back"): unclear
        negated = polarity(side.claim.text, predicate, side.cue) is False
        return bool(opened) != negated
    return polarity(side.claim.text, predicate, side.cue)


def _is_share(q: Quantity) -> bool:
    return q.noun.startswith("% of ")


def _figure(q: Quantity, *, bare: bool = False) -> str:
    """A figure as the explanation says it: "95% of dockers", "12 injured" (only "12" when ``bare``)."""
    if _is_share(q):
        return f"{q.value:g}%" if bare else f"{q.value:g}% of {q.noun[5:]}s"
    return f"{q.value:g}" if bare else f"{q.value:g} {q.noun}"


def _about(
    predicate: str, shared: frozenset[str], both: frozenset[str], names: dict[str, Entity], template: str | None = None
) -> str:
    # What the claims are about: a shared entity of the kind the predicate concerns (a person is
    # detained, a place is controlled), else one either claim names.
    prefer = "person" if predicate in _PERSON_FIRST else "place"
    candidates = [names[e] for e in both if e in names]
    if template is not None:
        # A count is counted somewhere: "How many were injured (Sanvoua)", never "(Désiré Yao)".
        candidates = [e for e in candidates if e.kind == "place"]
    candidates.sort(key=lambda e: (e.kind != prefer, e.id not in shared, -len(e.mentions), e.name))
    name = candidates[0].name if candidates else "it"
    template = template or _ABOUT.get(predicate, "{e}")
    return template.format(e=name, in_e=f" ({name})" if candidates else "")
