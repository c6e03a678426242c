"""Compare v2: pair a story's claims by meaning, score the pairs, group contradictions into disputes.

For one story:

1. **Claims.** Every claim of at least ``min_claim_words`` words (a quote's
   content, reported speech, an outlet's sentence) with its holder, outlet,
   publication date, as-of date, nearby canonical entities and figures
   (:func:`claim_sides`).
2. **Candidates by meaning.** Every claim is embedded once
   (:class:`~newsdesk.compare.pairs.SentenceEncoder`). A pair is a candidate
   when its claims have different holders (in one article or across
   articles), or one holder on two days, and it is among each claim's nearest
   neighbours with a cosine of at least ``min_similarity`` (a shared
   canonical entity lowers that bar) (:func:`candidates`). There is no list
   of event kinds.
3. **Label** (:func:`judge`). Figures decide first: when both claims count
   the same named thing (:mod:`newsdesk.compare.quantities`), incompatible
   values at one as-of date are a contradiction, a later different figure an
   update, compatible values agree. Otherwise the cross-encoder
   (:class:`~newsdesk.compare.pairs.PairModel`) reads both claims in both
   orders, and the scorer (:mod:`newsdesk.compare.scorer`) weighs its
   probabilities with the pair's cosine, polarity and shared entities into
   P(contradiction); agreement needs the pair model's P(agree), closeness and
   the same polarity.
4. **Explain and group.** Each pair gets a one-sentence explanation naming its
   holders (and a denial's cue). Contradiction pairs about one question are
   grouped into a :class:`~newsdesk.model.Dispute` with two sides
   (:func:`group_disputes`), so a dispute reads as one unit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from newsdesk.compare.claims import DENIAL_CUES, disputes, is_negated
from newsdesk.compare.quantities import Measure, compare_measures, parse_quantities
from newsdesk.compare.scorer import ContradictionScorer, PairSignals, pair_features
from newsdesk.compare.settings import CompareSettings
from newsdesk.model import Article, Claim, ClaimRef, Comparison, Dispute, DisputeSide, Entity, Quote, Story, content_id


class PairScorer(Protocol):
    """What comparison needs of the pair model (a test may pass a stand-in)."""

    labels: tuple[str, ...]

    def predict_symmetric(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


class Encoder(Protocol):
    """What comparison needs of the sentence encoder."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(slots=True)
class ClaimSide:
    """A claim as comparison sees it."""

    claim: Claim
    reading: str
    """The text the encoder and the pair model read (the claim's text, whitespace normalised)."""
    holder: str
    outlet: str
    reported: str
    """When it was reported: the article's publication date (ISO day), else the claim's own date."""
    said: str
    """The day the claim tells of ("on Friday" in a Monday article), else ``reported``."""
    entities: frozenset[str]
    """Canonical entities mentioned within 200 characters of the claim: what it is about."""
    measures: list[Measure]
    cue: str | None = None
    """The reporting cue of a quote ("denied"), to say how its holder put it."""
    disputing: bool = False
    """Negated, or calling something false, a hoax or a rumour (:func:`~.claims.disputes` of its reading)."""


@dataclass(slots=True, kw_only=True)
class Judged:
    """A labelled pair before it is explained: which claims, which relation, how sure."""

    x: int
    y: int
    relation: str
    kind: str
    score: float
    measure: tuple[Measure, Measure] | None = None


def _holder(claim: Claim) -> str:
    return claim.holder or "the article"


def claim_sides(
    story: Story,
    articles: Sequence[Article],
    claims: Sequence[Claim],
    entities: Sequence[Entity],
    settings: CompareSettings,
    quotes: Sequence[Quote] = (),
) -> list[ClaimSide]:
    """The story's claims that are long enough to compare, with what comparison needs of each."""
    members = set(story.articles)
    by_id = {a.id: a for a in articles if a.id in members}
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for entity in entities:
        for m in entity.mentions:
            if m.article in members:
                spans[m.article].append((m.start, m.end, entity.id))
    cues = {q.id: q.cue for q in quotes if q.cue}
    direct = {q.id for q in quotes if q.direct}
    sides = []
    for claim in claims:
        article = by_id.get(claim.article)
        if article is None:
            continue
        text = " ".join(claim.text.split())
        if len(text.split()) < settings.min_claim_words:
            continue
        s, e = claim.start, claim.end
        holder = _holder(claim)
        reading = reading_of(claim, holder, direct=claim.quote in direct, cue=cues.get(claim.quote or ""))
        sides.append(
            ClaimSide(
                claim=claim,
                reading=reading,
                holder=holder,
                outlet=article.source or article.title,
                reported=(article.published or claim.date or "")[:10],
                said=(claim.date or article.published or "")[:10],
                entities=frozenset(eid for a, b, eid in spans[claim.article] if a < e + 200 and s - 200 < b),
                measures=parse_quantities(claim.text),
                cue=cues.get(claim.quote or ""),
                disputing=claim.negated or disputes(reading),
            )
        )
    return sides


_REPORTED = re.compile(r"^(?:that\s+)?(?:(he|she)\b)?", re.IGNORECASE)


def reading_of(claim: Claim, holder: str, *, direct: bool = False, cue: str | None = None) -> str:
    """The text the models read for a claim: reported speech made to stand alone.

    Reported speech starts with its complementiser and often refers to its
    speaker by a pronoun ("Saleh said that he did not leave"): the reading
    drops a leading "that" and puts the holder's name for a leading "he" or
    "she" when the holder is a named person or body (a capitalised name, not
    the outlet's own voice), so the claim can be matched against what others
    say of that holder. Direct quotes (``direct``) and the outlet's own
    sentences are read as written: in "He fled," said the police, "he" is
    someone else.

    Reported speech whose cue denies it ("the ministry denied that its soldiers
    crossed the border") is read inside that frame, "ministry denied that ...":
    its text alone states the opposite of what the holder says.
    """
    text = " ".join(claim.text.split())
    if claim.quote is None or direct:
        return text
    match = _REPORTED.match(text)
    if not match or not match.group(0):
        rest = text
    elif match.group(1) and holder[:1].isupper():
        rest = f"{holder} {text[match.end() :].lstrip()}"
    else:
        rest = text[match.start(1) if match.group(1) else match.end() :].lstrip()
    if not rest:
        return text
    if cue and DENIAL_CUES.search(cue) and not is_negated(text):
        return f"{holder[:1].upper()}{holder[1:]} {' '.join(cue.split()).lower()} that {rest[:1].lower()}{rest[1:]}"
    return rest[:1].upper() + rest[1:] if rest != text else text


def same_holder(a: ClaimSide, b: ClaimSide) -> bool:
    """Whether one holder states both claims.

    A holder with no name (the sentence of an article whose outlet is unknown,
    a quote whose speaker is unresolved) is one holder within its article
    only: two unnamed outlets are not known to be one.
    """
    if a.holder.lower() != b.holder.lower():
        return False
    return bool(a.claim.holder) or a.claim.article == b.claim.article


def _may_pair(a: ClaimSide, b: ClaimSide) -> bool:
    """Different holders, or one holder on two different days (in two articles)."""
    if a.reading == b.reading:
        return False
    if not same_holder(a, b):
        return True
    return a.claim.article != b.claim.article and a.said != b.said


def candidates(
    sides: Sequence[ClaimSide], vectors: np.ndarray, settings: CompareSettings
) -> list[tuple[int, int, float]]:
    """Candidate pairs (i, j, cosine), i < j: each claim's nearest partners above the similarity bar."""
    if len(sides) < 2:
        return []
    similarity = vectors @ vectors.T
    chosen: dict[tuple[int, int], float] = {}
    for i in range(len(sides)):
        order = np.argsort(-similarity[i])
        kept = 0
        for j in order:
            j = int(j)
            if j == i or not _may_pair(sides[i], sides[j]):
                continue
            cosine = float(similarity[i, j])
            bar = settings.entity_similarity if sides[i].entities & sides[j].entities else settings.min_similarity
            if cosine < min(bar, settings.min_similarity, settings.entity_similarity):
                break
            if cosine < bar:
                continue
            chosen[(min(i, j), max(i, j))] = cosine
            kept += 1
            if kept >= settings.neighbours:
                break
    ranked = sorted(chosen.items(), key=lambda item: -item[1])[: settings.max_pairs]
    return [(i, j, cosine) for (i, j), cosine in ranked]


_UNKNOWN = np.full(3, 1 / 3)
"""The pair model's probabilities before it has read a pair (a constant: it does not change the ranking)."""


def within_budget(
    sides: Sequence[ClaimSide],
    pairs: Sequence[tuple[int, int, float]],
    scorer: ContradictionScorer,
    settings: CompareSettings,
) -> list[tuple[int, int, float]]:
    """The candidate pairs the pair model reads: ``settings.pairs_per_article`` per article of the story.

    Half the budget goes to the likeliest contradictions, ranked by the
    contradiction scorer itself with the model's probabilities left unknown
    (its weights on cosine, polarity, shared entities and sides); the other
    half to the closest pairs of two articles, where agreements are. Pairs
    whose figures can be compared are always kept (their figures decide).
    The candidates keep their order.
    """
    budget = settings.pairs_per_article * len({s.claim.article for s in sides})
    if not settings.pairs_per_article or len(pairs) <= budget:
        return list(pairs)
    prior = [scorer.score(pair_features(signals_of(sides[i], sides[j], c, _UNKNOWN))) for i, j, c in pairs]
    by_prior = sorted(range(len(pairs)), key=lambda k: -prior[k])
    across = [k for k in range(len(pairs)) if sides[pairs[k][0]].claim.article != sides[pairs[k][1]].claim.article]
    by_cosine = sorted(across, key=lambda k: -pairs[k][2])
    kept = set(by_prior[: budget - budget // 2]) | set(by_cosine[: budget // 2])
    kept.update(k for k in range(len(pairs)) if figures(sides[pairs[k][0]], sides[pairs[k][1]]) is not None)
    return [pair for k, pair in enumerate(pairs) if k in kept]


def _stated(m: Measure) -> float:
    """The figure a measure states: its value, or the bound it names ("at least 7" states 7)."""
    return m.low if m.high == float("inf") or m.low == m.high else (m.high if m.low == 0 else (m.low + m.high) / 2)


def _vague(m: Measure) -> bool:
    """Whether a measure names a span rather than a figure ("dozens": 24 to 199)."""
    return m.high != float("inf") and m.low > 0 and m.high > 2 * m.low


def figures(a: ClaimSide, b: ClaimSide) -> tuple[str, tuple[Measure, Measure]] | None:
    """How the figures two claims give for one counted thing relate, if they give any.

    At one as-of date, intervals decide ("more than 20,000" and "about 25,000"
    are compatible); between two dates, the stated figures do: "at least 7
    dead" then "11 dead" is a later, different figure, while a span ("dozens")
    states no figure to differ from. Figures of a named thing ("dead",
    "trucks") count; bare numbers do not. Each figure is matched with its
    partner: a pair differs only when neither of its figures has a compatible
    partner in the other claim ("63 people rescued and 2,000 moved" against
    "2,000 people moved" share the 2,000).

    Returns:
        ``("different" | "compatible", (figure of a, figure of b))``, or None.
    """
    same_time = (a.said, a.reported) == (b.said, b.reported) or not (a.said and b.said)
    judged: list[tuple[int, int, str]] = []  # (figure of a, figure of b, how they relate)
    for x, ma in enumerate(a.measures):
        for y, mb in enumerate(b.measures):
            if not ma.noun or not mb.noun:
                continue
            verdict = compare_measures(ma, mb)
            if verdict == "incomparable":
                continue
            if (
                not same_time
                and verdict == "compatible"
                and not (_vague(ma) or _vague(mb))
                and _stated(ma) != _stated(mb)
            ):
                verdict = "different"
            judged.append((x, y, verdict))
    partnered_a = {x for x, _, v in judged if v != "different"}
    partnered_b = {y for _, y, v in judged if v != "different"}
    for x, y, relation in judged:
        if relation == "different" and x not in partnered_a and y not in partnered_b:
            return "different", (a.measures[x], b.measures[y])
    for x, y, relation in judged:
        if relation != "different":
            return "compatible", (a.measures[x], b.measures[y])
    return None


def signals_of(a: ClaimSide, b: ClaimSide, cosine: float, probabilities: np.ndarray) -> PairSignals:
    """What the scorer reads of a candidate pair."""
    return PairSignals(
        probabilities=(float(probabilities[0]), float(probabilities[1]), float(probabilities[2])),
        cosine=cosine,
        negated=(a.claim.negated, b.claim.negated),
        disputing=(a.disputing, b.disputing),
        shared_entities=len(a.entities & b.entities),
        same_article=a.claim.article == b.claim.article,
        outlet_sides=int(a.claim.quote is None) + int(b.claim.quote is None),
    )


def judge(
    sides: Sequence[ClaimSide],
    pairs: Sequence[tuple[int, int, float]],
    probabilities: np.ndarray,
    scorer: ContradictionScorer,
    settings: CompareSettings,
) -> list[Judged]:
    """Label candidate pairs from the figures they state, else from the model's probabilities.

    Two claims that count one named thing are compared on their figures (the
    candidate step already found them close in meaning): a different figure is
    an update when the two tell of different days, else a contradiction;
    compatible figures from two articles agree. Other pairs take the model's
    label when its probability reaches the setting's threshold. A contradiction
    is between holders: one holder saying otherwise on another day (the only
    way a holder pairs with itself) is an update of its account, when the pair
    model finds a contradiction likelier than an agreement.
    """
    labels = {"neutral": 0, "agree": 1, "contradict": 2}
    judged = []
    for (i, j, cosine), p in zip(pairs, probabilities, strict=True):
        a, b = sides[i], sides[j]
        p_agree, p_contra = float(p[labels["agree"]]), float(p[labels["contradict"]])
        found = figures(a, b)
        if found is not None:
            verdict, measures = found
            score = round(max(cosine, p_agree + p_contra), 3)
            if verdict == "different":
                later = (a.said, a.reported) != (b.said, b.reported) and bool(a.said and b.said)
                relation = "update" if later else "contradict"
                judged.append(Judged(x=i, y=j, relation=relation, kind="numeric", score=score, measure=measures))
                continue
            if a.claim.article != b.claim.article:
                judged.append(Judged(x=i, y=j, relation="agree", kind="same figure", score=score, measure=measures))
                continue
        revised = same_holder(a, b)
        if revised and p_contra <= p_agree:
            # One holder repeating itself: only the pair model can tell that its account changed.
            continue
        signals = signals_of(a, b, cosine, p)
        contradiction = 0.0 if restates(a, b) else scorer.score(pair_features(signals))
        if contradiction >= scorer.threshold + settings.contradict_shift:
            # Sources contradict each other; one holder saying otherwise on another day has changed its account.
            relation = "update" if revised else "contradict"
            judged.append(
                Judged(
                    x=i, y=j, relation=relation, kind="revised" if revised else "meaning", score=round(contradiction, 3)
                )
            )
        elif (
            p_agree >= settings.agree
            and cosine >= settings.agree_similarity
            and signals.negated[0] == signals.negated[1]
            and a.claim.article != b.claim.article
        ):
            judged.append(Judged(x=i, y=j, relation="agree", kind="same claim", score=round(p_agree, 3)))
    return judged


_WORD = re.compile(r"\w+")


def restates(a: ClaimSide, b: ClaimSide) -> bool:
    """Whether one claim restates the other: every word of one is a word of the other (case aside), with the
    same polarity. A relayed or syndicated sentence cannot contradict its source, whatever closeness and
    negation words suggest to the scorer."""
    x, y = ({w.lower() for w in _WORD.findall(side.reading)} for side in (a, b))
    return a.claim.negated == b.claim.negated and (x <= y or y <= x)


def _shorten(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _figure(m: Measure) -> str:
    value = f"{m.low:,.12g}" if m.low == m.high else f"{m.low:,.12g}–{m.high:,.12g}"
    if m.high == float("inf"):
        value = f"more than {m.low:,.12g}"
    unit = m.unit if m.unit and m.unit != "%" else ""
    return f"{value}{'%' if m.unit == '%' else ''}{' ' + unit if unit else ''}{' ' + m.noun if m.noun else ''}".strip()


def _names(ids: frozenset[str], names: dict[str, Entity], limit: int = 2) -> list[str]:
    found = sorted((names[e] for e in ids if e in names), key=lambda e: (-len(e.mentions), e.name))
    return [e.name for e in found[:limit]]


def about(a: ClaimSide, b: ClaimSide, names: dict[str, Entity], measure: tuple[Measure, Measure] | None = None) -> str:
    """One line on what two claims are about: the figure they count, else the entities they share and the claim."""
    shared = a.entities & b.entities or a.entities | b.entities
    who = ", ".join(_names(shared, names))
    if measure is not None and measure[0].noun:
        return f"How many {measure[0].noun}" + (f" ({who})" if who else "")
    short = _shorten(a.claim.text, 80)
    return f"{who}: {short}" if who and who.lower() not in short.lower() else short


def _ordered(a: ClaimSide, b: ClaimSide) -> tuple[ClaimSide, ClaimSide]:
    """Reports in publication order; within one report, the earlier day it tells of first."""
    return tuple(sorted((a, b), key=lambda s: (s.reported, s.said, s.claim.article, s.claim.start)))  # type: ignore[return-value]


def _ref(side: ClaimSide) -> ClaimRef:
    return ClaimRef(article=side.claim.article, text=side.claim.text, holder=side.claim.holder)


def _voice(side: ClaimSide, plain: str = "says") -> str:
    """How a holder put a claim: its cue when the cue carries a negation the text lacks ("denied"), else ``plain``."""
    if side.cue and side.claim.negated and not is_negated(side.claim.text):
        return " ".join(side.cue.split())
    return plain


def explain(judged: Judged, sides: Sequence[ClaimSide], names: dict[str, Entity]) -> Comparison:
    """A labelled pair as users see it: ordered sides, a one-line about and a one-sentence explanation."""
    first, second = _ordered(sides[judged.x], sides[judged.y])
    ha, hb = first.holder, second.holder
    ta, tb = _shorten(first.claim.text), _shorten(second.claim.text)
    measure = judged.measure
    if measure is not None and sides[judged.x] is not first:
        measure = (measure[1], measure[0])
    if judged.relation == "update" and measure is not None:
        same_day = first.reported == second.reported
        when_a, when_b = (first.said, second.said) if same_day else (first.reported, second.reported)
        text = (
            f"{hb} reports {_figure(measure[1])} on {when_b or 'a later date'}, after {ha} reported "
            f"{_figure(measure[0])} on {when_a or 'an earlier date'}: a later figure, not a contradiction."
        )
    elif judged.relation == "update":
        text = (
            f"{ha} said “{ta}” ({first.said or first.reported or 'earlier'}), then “{tb}” "
            f"({second.said or second.reported or 'later'}): one source changing its account, not two sources "
            "contradicting each other."
        )
    elif judged.relation == "contradict" and measure is not None:
        text = f"{ha} puts the figure at {_figure(measure[0])}; {hb} says {_figure(measure[1])}, for the same time."
    elif judged.relation == "contradict":
        text = f"{ha} {_voice(first)} “{ta}”; {hb} {_voice(second, 'says otherwise')}: “{tb}”."
    elif measure is not None:
        text = f"{ha} and {hb} give compatible figures: {_figure(measure[0])} / {_figure(measure[1])}."
    else:
        text = f"{ha} and {hb} both report it: “{ta}” / “{tb}”."
    return Comparison(
        about=about(first, second, names, measure),
        relation=judged.relation,  # type: ignore[arg-type]
        kind=judged.kind,
        explanation=text,
        score=judged.score,
        a=_ref(first),
        b=_ref(second),
    )


def group_disputes(judged: Sequence[Judged], sides: Sequence[ClaimSide], names: dict[str, Entity]) -> list[Dispute]:
    """Contradiction pairs about one question, grouped into disputes with two sides.

    1. Claims joined by a contradiction, or by an agreement between two claims
       already in contradictions, form one dispute (connected components).
    2. Sides: a contradiction puts its claims on opposite sides, an agreement on
       the same side (a breadth-first two-colouring; an edge that conflicts
       with the colouring so far is ignored). Side one holds the earliest claim.
    """
    contradictions = [j for j in judged if j.relation == "contradict"]
    disputed = {i for j in contradictions for i in (j.x, j.y)}
    edges: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for j in judged:
        if j.relation == "contradict" or (j.relation == "agree" and j.x in disputed and j.y in disputed):
            flip = j.relation == "contradict"
            edges[j.x].append((j.y, flip))
            edges[j.y].append((j.x, flip))
    colour: dict[int, int] = {}
    disputes = []
    for root in sorted(disputed, key=lambda i: (sides[i].reported, sides[i].said, sides[i].claim.start)):
        if root in colour:
            continue
        colour[root] = 0
        members, queue = [root], [root]
        while queue:
            node = queue.pop(0)
            for other, flip in edges[node]:
                if other not in colour:
                    colour[other] = colour[node] ^ int(flip)
                    members.append(other)
                    queue.append(other)
        member_set = set(members)
        pairs = [j for j in contradictions if j.x in member_set]
        best = max(pairs, key=lambda j: j.score)
        comparison = explain(best, sides, names)
        groups = [[i for i in members if colour[i] == c] for c in (0, 1)]
        dates = sorted(d for i in members if (d := sides[i].reported))
        disputes.append(
            Dispute(
                id=content_id(*sorted(sides[i].claim.id for i in members), prefix="d-", length=12),
                about=comparison.about,
                explanation=comparison.explanation,
                score=best.score,
                sides=[
                    DisputeSide(
                        claims=[_ref(sides[i]) for i in group],
                        holders=list(dict.fromkeys(sides[i].holder for i in group)),
                        outlets=list(dict.fromkeys(sides[i].outlet for i in group)),
                    )
                    for group in groups
                ],
                first_seen=dates[0] if dates else None,
                last_seen=dates[-1] if dates else None,
            )
        )
    disputes.sort(key=lambda d: (-d.score, d.id))
    return disputes


def compare_story_claims(
    story: Story,
    articles: Sequence[Article],
    claims: Sequence[Claim],
    entities: Sequence[Entity],
    model: PairScorer,
    encoder: Encoder,
    scorer: ContradictionScorer,
    settings: CompareSettings = CompareSettings(),
    quotes: Sequence[Quote] = (),
) -> tuple[list[Comparison], list[Dispute]]:
    """Comparisons (contradictions and updates first, the strongest agreements after) and disputes of one story.

    Args:
        story: The story.
        articles: At least the story's articles.
        claims: Claims of the story's independent articles (republished copies left out).
        entities: Canonical entities (their mentions near a claim name its topic).
        model: The pair model.
        encoder: The sentence encoder.
        scorer: The contradiction scorer over the pair's features.
        quotes: The quotes behind the claims (their cues say how a holder put a claim).
        settings: Candidate and decision settings.

    Returns:
        The comparisons and the disputes.
    """
    sides = claim_sides(story, articles, claims, entities, settings, quotes)
    return compare_sides(sides, entities, model, encoder, scorer, settings)


def may_pair_any(sides: Sequence[ClaimSide]) -> bool:
    """Whether any two of a story's claims may form a candidate pair (else nothing needs embedding)."""
    return any(_may_pair(a, b) for k, a in enumerate(sides) for b in sides[k + 1 :])


def compare_sides(
    sides: Sequence[ClaimSide],
    entities: Sequence[Entity],
    model: PairScorer,
    encoder: Encoder,
    scorer: ContradictionScorer,
    settings: CompareSettings = CompareSettings(),
) -> tuple[list[Comparison], list[Dispute]]:
    """:func:`compare_story_claims` from the story's claim sides (:func:`claim_sides`), steps 2-4."""
    # A story whose claims cannot pair (one holder, one article) has no candidate: nothing to embed.
    if len(sides) < 2 or not may_pair_any(sides):
        return [], []
    vectors = encoder.embed([s.reading for s in sides])
    pairs = within_budget(sides, candidates(sides, vectors, settings), scorer, settings)
    probabilities = model.predict_symmetric([(sides[i].reading, sides[j].reading) for i, j, _ in pairs])
    judged = judge(sides, pairs, probabilities, scorer, settings)
    names = {e.id: e for e in entities}
    best: dict[tuple[object, ...], tuple[Judged, Comparison]] = {}
    for j in judged:
        comparison = explain(j, sides, names)
        a, b = sides[j.x], sides[j.y]
        key = (j.relation, *sorted([(a.claim.article, a.holder), (b.claim.article, b.holder)]), comparison.about)
        if key not in best or j.score > best[key][0].score:
            best[key] = (j, comparison)
    results = sorted(
        (c for _, c in best.values()), key=lambda c: (c.relation != "contradict", c.relation != "update", -c.score)
    )
    agreements = [c for c in results if c.relation == "agree"][: settings.max_agreements]
    comparisons = [c for c in results if c.relation != "agree"] + agreements
    return comparisons, group_disputes(judged, sides, names)
