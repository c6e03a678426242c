"""The story pair model: its shipped weights, its views, and grouping with it (fast, offline)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsdesk.evaluation.stories import bcubed, order_agreement
from newsdesk.model import Article
from newsdesk.stories import StorySettings, group_stories
from newsdesk.stories.grouping import assign_stories
from newsdesk.stories.pairs import (
    MODEL_PATH,
    VIEWS,
    PairModel,
    PairModelError,
    article_views,
    name_terms,
    pair_features,
    pair_vectors,
    shipped_model,
)
from test_stories import FESTIVAL_1, FESTIVAL_2, STRIKE_1, STRIKE_2, STRIKE_3, TRANSFER, art, groups

LEARNED = StorySettings(pair_model=True)
ARTICLES = [STRIKE_1, FESTIVAL_1, TRANSFER, STRIKE_2, FESTIVAL_2, STRIKE_3]


def test_the_shipped_model_loads_with_non_negative_weights() -> None:
    model = shipped_model()
    assert set(model.features) <= set(VIEWS) and len(model.weights) == len(model.features)
    assert all(w >= 0 for w in model.weights) and model.join_logit >= model.merge_logit
    assert model.facts["data"] == "FNC-1 training_ids.txt"


def test_a_changed_weight_fails_the_sha256_check(tmp_path: Path) -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["weights"][0] += 1.0
    changed = tmp_path / "story_pairs.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PairModelError, match="sha256"):
        PairModel.load(changed)
    with pytest.raises(PairModelError, match="cannot be read"):
        PairModel.load(tmp_path / "missing.json")


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = PairModel(features=("words", "names"), weights=(10.0, 2.0), intercept=-5.0, merge_logit=-1, join_logit=2)
    model.save(tmp_path / "m.json")
    loaded = PairModel.load(tmp_path / "m.json")
    assert (loaded.features, loaded.weights, loaded.intercept) == (model.features, model.weights, model.intercept)


def test_unknown_views_and_negative_weights_are_refused() -> None:
    with pytest.raises(PairModelError, match="retrain"):
        PairModel(features=("colour",), weights=(1.0,), intercept=0.0, merge_logit=0.0, join_logit=1.0)
    with pytest.raises(PairModelError, match="negative"):
        PairModel(features=("words",), weights=(-1.0,), intercept=0.0, merge_logit=0.0, join_logit=1.0)


def test_joined_vectors_give_the_log_odds_of_the_model() -> None:
    model = shipped_model()
    views = article_views(ARTICLES, model.features)
    z = pair_vectors(views, model)
    rows, cols = np.array([0, 0, 3]), np.array([3, 1, 5])
    logits = model.logits(pair_features(views, model.features, rows, cols))
    dots = np.asarray(z[rows].multiply(z[cols]).sum(axis=1)).ravel()
    assert np.allclose(dots + model.intercept, logits, atol=1e-4)
    # Two strike reports are likelier one story than a strike report and a festival.
    assert logits[0] > logits[1]


def test_names_are_capitalised_words_that_do_not_open_a_sentence() -> None:
    article = art("n1", "Talks in Geneva", "Talks resumed in Geneva. Anna Berg met Tomas Vik there.")
    assert name_terms(article, frozenset()) == [
        "geneva",
        "geneva",
        "berg",
        "toma",
        "vik",
    ]  # plurals folded, as in the word view


def test_grouping_with_the_pair_model() -> None:
    stories = group_stories(ARTICLES, (), LEARNED)
    assert groups(stories) == {
        frozenset({STRIKE_1.id, STRIKE_2.id, STRIKE_3.id}),
        frozenset({FESTIVAL_1.id, FESTIVAL_2.id}),
        frozenset({TRANSFER.id}),
    }


def test_incremental_assignment_with_the_pair_model_keeps_ids() -> None:
    before = group_stories([STRIKE_1, FESTIVAL_1], (), LEARNED)
    known = {a: s.id for s in before for a in s.articles}
    assigned = assign_stories(ARTICLES, known, (), LEARNED)
    assert assigned[STRIKE_2.id] == assigned[STRIKE_3.id] == known[STRIKE_1.id]
    assert assigned[FESTIVAL_2.id] == known[FESTIVAL_1.id]
    assert {**known, **assigned} == {a: s.id for s in group_stories(ARTICLES, (), LEARNED) for a in s.articles}


def test_a_model_passed_in_replaces_the_shipped_one() -> None:
    never = replace(shipped_model(), merge_logit=50.0, join_logit=50.0)
    assert len(group_stories(ARTICLES, (), LEARNED, pair_model=never)) == len(ARTICLES)


def test_order_agreement_of_undated_articles() -> None:
    undated = [replace(a, published=None) for a in ARTICLES]
    result = order_agreement(undated, LEARNED)
    assert result["bcubed"]["f1"] == 1.0 and result["stories"] == [3, 3]
    shuffled = list(undated)
    random.Random(5).shuffle(shuffled)
    labels = {a: s.id for s in group_stories(undated, (), LEARNED) for a in s.articles}
    assert bcubed([s.articles for s in group_stories(shuffled, (), LEARNED)], labels)["f1"] == 1.0


def test_articles_without_names_or_numbers() -> None:
    blank = [art("b1", "", "the and of"), art("b2", "", "")]
    assert len(group_stories(blank, (), LEARNED)) == 2
    assert group_stories([Article(id="x", path="x", title="", paragraphs=[])], (), LEARNED)[0].articles == ["x"]
