"""Model outputs kept in the store: a claim is embedded once, a pair of claims is read once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsdesk.compare import CompareModels, CompareSettings, compare_stories
from newsdesk.compare.cache import CachedEncoder, CachedPairs, CachedStance, pair_key, text_key
from newsdesk.model import Article, Story
from newsdesk.storage import MemoryStore
from test_align import FOLLOW_THE_MODEL, HeadlineModel, PolarityModel, WordEncoder, _dispute_articles


class CountingEncoder(WordEncoder):
    """The bag-of-words stand-in, recording the texts it embeds."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        self.calls += bool(texts)
        return super().embed(texts)


def test_keys_name_texts_and_unordered_pairs() -> None:
    assert text_key("a") == text_key("a") != text_key("b")
    assert pair_key("a", "b") == pair_key("b", "a") != pair_key("a", "c")


def test_the_encoder_embeds_each_text_once_and_gives_the_same_vectors_warm_or_cold() -> None:
    store, inner = MemoryStore(), CountingEncoder()
    encoder = CachedEncoder(inner, store, "words:1")
    cold = encoder.embed(["the bridge is open", "the bridge is closed", "the bridge is open"])
    assert inner.seen == ["the bridge is open", "the bridge is closed"]
    warm = encoder.embed(["the bridge is closed", "trucks wait at the bridge", "the bridge is open"])
    assert inner.seen[2:] == ["trucks wait at the bridge"]
    assert np.array_equal(warm[0], cold[1]) and np.array_equal(warm[2], cold[0])
    assert warm.dtype == np.float32 and encoder.embed([]).shape[0] == 0
    CachedEncoder(inner, store, "words:2").embed(["the bridge is open"])
    assert inner.seen[-1] == "the bridge is open", "new weights start afresh"


def test_the_pair_model_reads_each_unordered_pair_once() -> None:
    store, inner = MemoryStore(), PolarityModel()
    model = CachedPairs(inner, store, "polarity:1")
    first = model.predict_symmetric([("it fled", "it did not flee"), ("it fled", "it fled by boat")])
    again = model.predict_symmetric([("it did not flee", "it fled"), ("it stayed", "it fled")])
    assert inner.seen == [("it fled", "it did not flee"), ("it fled", "it fled by boat"), ("it stayed", "it fled")]
    assert np.array_equal(again[0], first[0]) and model.labels == inner.labels
    assert model.predict_symmetric([]).shape == (0, 3)


class CountingStance(HeadlineModel):
    """The headline stand-in, recording the (headline, body) pairs it reads."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        self.seen.extend(zip(headlines, bodies, strict=True))
        return super().predict_proba(headlines, bodies)


def test_the_stance_model_reads_each_headline_and_body_once() -> None:
    store, inner = MemoryStore(), CountingStance()
    model = CachedStance(inner, store, "stance:1")
    first = model.predict_proba(["Bridge closes", "Bridge closes"], ["it is false", "crews confirm it"])
    again = model.predict_proba(["Bridge closes", "Bridge closes"], ["crews confirm it", "a new body"])
    assert inner.seen == [
        ("Bridge closes", "it is false"),
        ("Bridge closes", "crews confirm it"),
        ("Bridge closes", "a new body"),
    ]
    assert np.array_equal(again[0], first[1].astype(np.float32))
    assert np.allclose(first, inner.predict_proba(["Bridge closes"] * 2, ["it is false", "crews confirm it"]))
    assert model.predict_proba(["Other lead"], ["it is false"]).shape == (1, 4)
    assert inner.seen[-1][0] == "Other lead", "another lead is another pair"


def test_a_story_compared_again_reads_nothing_new_and_finds_the_same() -> None:
    articles, quotes = _dispute_articles()
    story = Story(id="s-1", title="t", articles=[a.id for a in articles])
    settings = CompareSettings(min_similarity=0.3, entity_similarity=0.3, agree_similarity=0.3)
    store, encoder, pairs = MemoryStore(), CountingEncoder(), PolarityModel()

    def run() -> Story:
        models = CompareModels(
            pair=CachedPairs(pairs, store, "polarity:1"),
            encoder=CachedEncoder(encoder, store, "words:1"),
            stance=HeadlineModel(),
            scorer=FOLLOW_THE_MODEL,
        )
        return compare_stories([story], articles, quotes, [], settings, models)[0][0]

    cold = run()
    embedded, read = len(encoder.seen), len(pairs.seen)
    assert embedded and read and cold.contradictions
    warm = run()
    assert (len(encoder.seen), len(pairs.seen)) == (embedded, read)
    assert warm == cold


def test_the_claims_of_many_stories_are_embedded_in_one_call_and_unpairable_ones_not_at_all() -> None:
    articles, quotes = _dispute_articles()
    lone = Article(
        id="a9",
        path="a9.txt",
        title="a9 title",
        paragraphs=["The harbour bridge reopened to trucks on Monday. The ferry service stays suspended until May."],
        source="Lone Post",
        published="2026-03-04",
    )
    stories = [
        Story(id="s-1", title="t", articles=[a.id for a in articles]),
        Story(id="s-2", title="lone", articles=[lone.id]),
    ]
    settings = CompareSettings(min_similarity=0.3, entity_similarity=0.3, agree_similarity=0.3)
    encoder = CountingEncoder()

    def models(inner: WordEncoder) -> CompareModels:
        return CompareModels(pair=PolarityModel(), encoder=inner, stance=HeadlineModel(), scorer=FOLLOW_THE_MODEL)

    together, _ = compare_stories(stories, [*articles, lone], quotes, [], settings, models(encoder))
    # One call for both stories; the lone article's sentences (one holder, one article) cannot pair.
    assert encoder.calls == 1 and not any("ferry" in text for text in encoder.seen)
    alone = [
        compare_stories([s], [*articles, lone], quotes, [], settings, models(WordEncoder()))[0][0] for s in stories
    ]
    assert together == alone and together[0].contradictions
