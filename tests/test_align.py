"""Compare v2 behaviour with stand-in models: candidates, labels, disputes and stances.

The stand-ins make each test's outcome depend on the mechanism under test, not
on the trained model (whose quality is measured by `newsdesk eval pairs` and
`newsdesk eval contradictions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from newsdesk.compare import CompareModels, CompareSettings, article_stances, compare_stories
from newsdesk.compare.scorer import FEATURES, ContradictionScorer
from newsdesk.model import Article, Claim, Entity, Mention, Quote, Story

_WORD = re.compile(r"[a-z]+")
_NEGATIVE = re.compile(r"\b(not|denied|never|no)\b")


class WordEncoder:
    """Bag-of-words vectors: sentences sharing content words are close."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 512), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if len(word) > 3 and word not in {"said", "that", "denied", "with", "from"}:
                    vectors[i, hash(word) % 512] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


class PolarityModel:
    """Contradict when exactly one side is negative, else agree."""

    labels = ("neutral", "agree", "contradict")

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def predict_symmetric(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.seen.extend(pairs)
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for i, (a, b) in enumerate(pairs):
            differ = bool(_NEGATIVE.search(a.lower())) != bool(_NEGATIVE.search(b.lower()))
            out[i] = (0.05, 0.1, 0.85) if differ else (0.05, 0.9, 0.05)
        return out


class HeadlineModel:
    """FNC-1-shaped stance stand-in: a body with 'false' disagrees, else it agrees."""

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        rows = [(0.1, 0.8, 0.05, 0.05) if "false" in b else (0.8, 0.05, 0.1, 0.05) for b in bodies]
        return np.array(rows)


def _article(aid: str, text: str, source: str, published: str) -> Article:
    return Article(
        id=aid, path=f"{aid}.txt", title=f"{aid} title", paragraphs=[text], source=source, published=published
    )


def _quote(qid: str, article: str, text: str, content: str, speaker: str, cue: str) -> Quote:
    start = text.index(content)
    return Quote(
        id=qid,
        article=article,
        speaker=speaker,
        speaker_entity=None,
        cue=cue,
        text=content,
        direct=False,
        start=start,
        end=start + len(content),
    )


# Contradiction when the stand-in pair model says so (P(contradict) > 0.5) or one side is negated or denied
# (in its text or its cue: "denied that X" holds the content X).
FOLLOW_THE_MODEL = ContradictionScorer(
    [10.0 if f in {"p_contradict", "one_side_negated"} else 0.0 for f in FEATURES], -5.0, 0.5
)


def _models(model: PolarityModel) -> CompareModels:
    return CompareModels(pair=model, encoder=WordEncoder(), stance=HeadlineModel(), scorer=FOLLOW_THE_MODEL)


def _run(articles: list[Article], quotes: list[Quote], entities: list[Entity] = ()):  # type: ignore[assignment]
    model = PolarityModel()
    models = _models(model)
    story = Story(id="s-1", title="t", articles=[a.id for a in articles])
    settings = CompareSettings(min_similarity=0.3, entity_similarity=0.3, agree_similarity=0.3)
    stories, claims = compare_stories([story], articles, quotes, list(entities), settings, models)
    return stories[0], claims, model


POLICE = "Police spokesman Ivo Rand said that Marek Dolny fled the country on Monday night."
LAWYER = "His lawyer Nina Sarr denied that Marek Dolny fled the country, saying he is at home."
AGENCY = "An agency source said that Marek Dolny fled the country by boat on Monday night."


def _dispute_articles() -> tuple[list[Article], list[Quote]]:
    a1 = _article("a1", POLICE, "Harbour Post", "2026-03-02")
    a2 = _article("a2", LAWYER, "Orbis Today", "2026-03-03")
    a3 = _article("a3", AGENCY, "Wire Daily", "2026-03-03")
    quotes = [
        _quote("q1", "a1", POLICE, "Marek Dolny fled the country on Monday night", "Ivo Rand", "said"),
        _quote("q2", "a2", LAWYER, "Marek Dolny fled the country", "Nina Sarr", "denied"),
        _quote("q3", "a3", AGENCY, "Marek Dolny fled the country by boat on Monday night", "An agency source", "said"),
    ]
    return [a1, a2, a3], quotes


def test_a_denial_across_outlets_is_one_dispute_with_two_sides() -> None:
    articles, quotes = _dispute_articles()
    story, _, _ = _run(articles, quotes)
    assert story.contradictions, "the denial is a contradiction"
    assert all("Nina Sarr" in c.explanation for c in story.contradictions)
    [dispute] = story.disputes
    holders = [set(side.holders) for side in dispute.sides]
    assert holders == [{"Ivo Rand", "An agency source"}, {"Nina Sarr"}]
    assert [set(side.outlets) for side in dispute.sides] == [{"Harbour Post", "Wire Daily"}, {"Orbis Today"}]
    assert (dispute.first_seen, dispute.last_seen) == ("2026-03-02", "2026-03-03")
    agreements = [c for c in story.comparisons if c.relation == "agree"]
    assert any({c.a.holder, c.b.holder} == {"Ivo Rand", "An agency source"} for c in agreements)


def test_one_holder_in_one_article_is_never_compared_with_itself() -> None:
    text = "Ivo Rand said that the bridge is open to trucks. Ivo Rand also said that the bridge is not open at night."
    article = _article("a1", text, "Harbour Post", "2026-03-02")
    quotes = [
        _quote("q1", "a1", text, "the bridge is open to trucks", "Ivo Rand", "said"),
        _quote("q2", "a1", text, "the bridge is not open at night", "Ivo Rand", "said"),
    ]
    story, _, model = _run([article], quotes)
    assert story.comparisons == [] and story.disputes == []
    assert model.seen == []


def test_two_holders_in_one_article_can_contradict() -> None:
    text = (
        "Police spokesman Ivo Rand said that Marek Dolny fled the country on Monday night. "
        "His lawyer Nina Sarr denied that Marek Dolny fled the country."
    )
    article = _article("a1", text, "Harbour Post", "2026-03-02")
    quotes = [
        _quote("q1", "a1", text, "Marek Dolny fled the country on Monday night", "Ivo Rand", "said"),
        _quote("q2", "a1", text, "Marek Dolny fled the country.", "Nina Sarr", "denied"),
    ]
    story, _, _ = _run([article], quotes)
    assert len(story.disputes) == 1


class ContradictModel(PolarityModel):
    """Calls every pair a contradiction, as the trained model may for two copies of one denial."""

    def predict_symmetric(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        super().predict_symmetric(pairs)
        return np.tile(np.array([0.05, 0.05, 0.9], dtype=np.float32), (len(pairs), 1))


def test_a_claim_restated_with_the_same_polarity_is_never_a_contradiction() -> None:
    relayed = "Reports of the death of Marek Dolny are not accurate, his agent said."
    copied = "Reports of the death of Marek Dolny are not accurate."
    denied = "Marek Dolny is dead, the tabloid wrote."
    articles = [
        _article("a1", relayed, "Harbour Post", "2026-03-02"),
        _article("a2", copied, "Orbis Today", "2026-03-03"),
        _article("a3", denied, "Wire Daily", "2026-03-03"),
    ]
    quotes = [_quote("q1", "a1", relayed, "Reports of the death of Marek Dolny are not accurate", "his agent", "said")]
    model = ContradictModel()
    story = Story(id="s-1", title="t", articles=[a.id for a in articles])
    settings = CompareSettings(min_similarity=0.1, entity_similarity=0.1, agree_similarity=0.1)
    models = CompareModels(pair=model, encoder=WordEncoder(), stance=HeadlineModel(), scorer=FOLLOW_THE_MODEL)
    [story], _ = compare_stories([story], articles, quotes, [], settings, models)
    pairs = [{c.a.holder, c.b.holder} for c in story.contradictions]
    assert {"his agent", "Orbis Today"} not in pairs, "the copy says the same thing with the same polarity"
    assert pairs, "a claim that differs in words or polarity is still judged by the model"


def test_unrelated_claims_are_not_read_by_the_pair_model() -> None:
    t1 = "Officials said that the harvest festival drew large crowds in the old town square."
    t2 = "The central bank did not change its interest rate, its governor announced."
    story, _, model = _run([_article("a1", t1, "A", "2026-03-02"), _article("a2", t2, "B", "2026-03-02")], [])
    assert model.seen == [] and story.comparisons == []


def test_republished_copies_are_not_compared() -> None:
    articles, quotes = _dispute_articles()
    articles[1].duplicate_of = "a1"
    story, claims, _ = _run(articles, quotes)
    assert any(c.article == "a2" for c in claims), "a copy keeps its claims"
    assert all(c.a.article != "a2" and c.b.article != "a2" for c in story.comparisons)


def test_stances_toward_the_lead_claim() -> None:
    a1 = _article("a1", "Dolny fled the country on Monday.", "Harbour Post", "2026-03-02")
    a2 = _article("a2", "The report that Dolny fled is false, his lawyer says.", "Orbis Today", "2026-03-03")
    story = Story(id="s-1", title="t", articles=["a2", "a1"])
    lead, stances = article_stances(story, [a2, a1], HeadlineModel())
    assert lead == "a1 title", "the earliest article's title is the lead claim"
    assert {s.article: s.stance for s in stances} == {"a1": "supports", "a2": "disputes"}


def test_entities_near_a_claim_lower_the_similarity_bar() -> None:
    t1 = "Harbour officials said on Monday that Marek Dolny left by boat."
    t2 = "Dolny never boarded any vessel, a relative insisted."
    dolny = Entity(
        id="e-1",
        name="Marek Dolny",
        kind="person",
        mentions=[
            Mention(article="a1", text="Marek Dolny", start=t1.index("Marek"), end=t1.index("Marek") + 11),
            Mention(article="a2", text="Dolny", start=0, end=5),
        ],
    )
    articles = [_article("a1", t1, "A", "2026-03-02"), _article("a2", t2, "B", "2026-03-02")]
    strict = CompareSettings(min_similarity=0.99, entity_similarity=0.0)
    models = _models(PolarityModel())
    story = Story(id="s-1", title="t", articles=["a1", "a2"])
    [with_entity], _ = compare_stories([story], articles, [], [dolny], strict, models)
    [without], _ = compare_stories([story], articles, [], [], strict, models)
    assert with_entity.contradictions and not without.contradictions


def test_a_later_different_figure_is_an_update_and_a_same_day_one_a_contradiction() -> None:
    t1 = "Rescuers said 14 people died in the flood in Kosarevo."
    t2 = "Rescuers said 23 people died in the flood in Kosarevo."
    later = [_article("a1", t1, "A", "2026-03-02"), _article("a2", t2, "B", "2026-03-04")]
    same_day = [_article("a1", t1, "A", "2026-03-02"), _article("a2", t2, "B", "2026-03-02")]
    [update] = [c for c in _run(later, [])[0].comparisons if c.relation != "agree"]
    assert (update.relation, update.kind) == ("update", "numeric")
    assert update.a.article == "a1" and "23" in update.explanation and "2026-03-04" in update.explanation
    [contradiction] = _run(same_day, [])[0].contradictions
    assert contradiction.kind == "numeric"


def test_compatible_figures_agree() -> None:
    t1 = "Police said more than 20,000 people marched through the capital on Sunday."
    t2 = "Police said about 25,000 people marched through the capital on Sunday."
    story, _, _ = _run([_article("a1", t1, "A", "2026-03-02"), _article("a2", t2, "B", "2026-03-02")], [])
    assert [(c.relation, c.kind) for c in story.comparisons] == [("agree", "same figure")]


def test_figures_are_matched_with_their_partners_and_a_span_states_no_figure() -> None:
    # The 2,000 of one claim is the 2,000 of the other; the 63 rescued have no partner to differ from.
    t1 = "Rescuers said they pulled 63 people from flooded houses and moved about 2,000 people to schools."
    t2 = "Rescuers said about 2,000 people moved to schools after the flood in Kosarevo."
    story, _, _ = _run([_article("a1", t1, "A", "2026-03-02"), _article("a2", t2, "B", "2026-03-02")], [])
    assert [(c.relation, c.kind) for c in story.comparisons] == [("agree", "same figure")]
    # Days apart, "dozens" is a span, not a later figure than "about 40".
    t3 = "Rescuers said about 40 people are missing after the flood in Kosarevo."
    t4 = "Rescuers said dozens of people are missing after the flood in Kosarevo."
    story, _, _ = _run([_article("a1", t3, "A", "2026-03-02"), _article("a2", t4, "B", "2026-03-04")], [])
    assert [(c.relation, c.kind) for c in story.comparisons] == [("agree", "same figure")]


def test_a_denial_is_explained_with_its_cue() -> None:
    articles, quotes = _dispute_articles()
    story, _, _ = _run(articles[:2], quotes[:2])
    [contradiction] = story.contradictions
    assert "Nina Sarr denied: “Marek Dolny fled the country”" in contradiction.explanation


def test_one_holder_on_one_day_is_not_compared_and_on_two_days_is_an_update() -> None:
    t1 = "Ivo Rand said that the bridge is open to trucks again."
    t2 = "Ivo Rand said that the bridge is not open to trucks again."
    quotes = [
        _quote("q1", "a1", t1, "the bridge is open to trucks again", "Ivo Rand", "said"),
        _quote("q2", "a2", t2, "the bridge is not open to trucks again", "Ivo Rand", "said"),
    ]
    same_day = [_article("a1", t1, "A", "2026-03-02"), _article("a2", t2, "B", "2026-03-02")]
    days_apart = [_article("a1", t1, "A", "2026-03-02"), _article("a2", t2, "B", "2026-03-05")]
    assert _run(same_day, quotes)[0].comparisons == []
    story = _run(days_apart, quotes)[0]
    assert story.contradictions == []
    (update,) = [c for c in story.comparisons if c.relation == "update"]
    assert update.kind == "revised"
    assert "changing its account" in update.explanation


def test_articles_of_unknown_outlets_are_different_holders() -> None:
    t1 = "The ferry left the harbour on time with all of its passengers on board."
    t2 = "The ferry never left the harbour on time with all of its passengers on board."
    same_day = [_article("a1", t1, "", "2026-03-02"), _article("a2", t2, "", "2026-03-02")]
    story = _run(same_day, [])[0]
    assert len(story.contradictions) == 1, "two articles without an outlet's name are two sources"
    one_article = [_article("a1", f"{t1} {t2}", "", "2026-03-02")]
    assert _run(one_article, [])[0].comparisons == [], "an article is one holder"


def test_reported_speech_is_read_as_a_statement_of_its_holder() -> None:
    from newsdesk.compare.align import reading_of
    from newsdesk.model import Claim

    def claim(text: str, quote: str | None = "q-1") -> Claim:
        return Claim(id="c", article="a", text=text, holder="x", start=0, end=len(text), quote=quote)

    assert reading_of(claim("that he did not  leave the country"), "Ilse Varga") == (
        "Ilse Varga did not leave the country"
    )
    assert reading_of(claim("She will appeal the ruling"), "Ilse Varga") == "Ilse Varga will appeal the ruling"
    assert reading_of(claim("that the bridge was closed"), "Ilse Varga") == "The bridge was closed"
    # A pronoun is not given to a holder that is no name ("police"), nor changed in an outlet's own sentence.
    assert reading_of(claim("that he fled"), "police") == "He fled"
    assert reading_of(claim("He fled on Monday.", quote=None), "Wire") == "He fled on Monday."
    assert reading_of(claim("hence the delay"), "Ilse Varga") == "hence the delay"
    # A direct quote is read as said: its "that" and "he" are the speaker's own words.
    assert reading_of(claim("That is not true"), "Ilse Varga", direct=True) == "That is not true"
    assert reading_of(claim("He fled"), "Ilse Varga", direct=True) == "He fled"
    # Reported speech its holder denies is read inside the denial, unless its text already negates.
    assert reading_of(claim("that its soldiers crossed the border"), "ministry", cue="Denied") == (
        "Ministry denied that its soldiers crossed the border"
    )
    assert reading_of(claim("that no soldier crossed"), "ministry", cue="denied") == "No soldier crossed"
    assert reading_of(claim("that it crossed"), "ministry", cue="said") == "It crossed"


def test_the_pair_model_reads_the_most_promising_pairs_within_the_budget() -> None:
    from newsdesk.compare.align import candidates, claim_sides, within_budget

    articles, quotes = _dispute_articles()
    extra = "Officials said Marek Dolny fled the country on Monday night, and Marek Dolny left by the coast road."
    articles.append(_article("a4", extra, "Coast FM", "2026-03-03"))
    story = Story(id="s-1", title="t", articles=[a.id for a in articles])
    claims = [
        Claim(id=f"c-{q.id}", article=q.article, text=q.text, holder=q.speaker, start=q.start, end=q.end, quote=q.id)
        for q in quotes
    ]
    claims.append(Claim(id="c-x", article="a4", text=extra, holder="Coast FM", start=0, end=len(extra)))
    claims[1].negated = True  # the lawyer denied it
    settings = CompareSettings(min_similarity=0.1, entity_similarity=0.1)
    sides = claim_sides(story, articles, claims, [], settings, quotes)
    pairs = candidates(sides, WordEncoder().embed([s.reading for s in sides]), settings)
    assert len(pairs) == 6
    assert within_budget(sides, pairs, FOLLOW_THE_MODEL, replace(settings, pairs_per_article=0)) == pairs
    one = within_budget(sides, pairs, FOLLOW_THE_MODEL, replace(settings, pairs_per_article=1))
    assert len(one) <= 4 and set(one) <= set(pairs)
    # Half for the likeliest contradictions: the lawyer's denial (the scorer weighs one side negated) ...
    lawyer = next(k for k, side in enumerate(sides) if side.holder == "Nina Sarr")
    assert sum(lawyer in (i, j) for i, j, _ in one) >= 2
    # ... half for the closest pairs, where agreements are.
    assert max(pairs, key=lambda p: p[2]) in one


def test_the_scorer_reads_a_debunk_as_the_opposite_polarity() -> None:
    from newsdesk.compare.claims import disputes
    from newsdesk.compare.scorer import PairSignals, pair_features

    assert disputes("The story about the quarantined town is a hoax.")
    assert not disputes("The town was quarantined on Friday.")

    def features(disputing: tuple[bool, bool]) -> dict[str, float]:
        signals = PairSignals(
            probabilities=(0.2, 0.3, 0.5),
            cosine=0.7,
            negated=(False, False),
            disputing=disputing,
            shared_entities=1,
            same_article=False,
            outlet_sides=2,
        )
        return dict(zip(FEATURES, pair_features(signals), strict=True))

    one = features((False, True))
    assert (one["one_side_disputing"], one["both_disputing"], one["one_side_negated"]) == (1.0, 0.0, 0.0)
    both = features((True, True))
    assert (both["one_side_disputing"], both["both_disputing"]) == (0.0, 1.0)
