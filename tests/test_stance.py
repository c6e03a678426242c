"""Stance: the FNC scorer's maths, the features, the tree export and the packaged model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsdesk.compare.stance import (
    FEATURE_NAMES,
    LABELS,
    StanceModel,
    TextSpace,
    TreeEnsemble,
    lexicon_counts,
    pair_features,
    split_sentences,
    stem,
    tokenize,
)
from newsdesk.evaluation.stance import (
    confusion_matrix,
    fnc_score,
    format_stance_report,
    macro_f1,
    per_class_scores,
    score_stance,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"

HEADLINE = "Justin Bieber dies in car crash in Los Angeles"
AGREE_BODY = (
    "Pop singer Justin Bieber died on Saturday night after his car crashed on a freeway in Los Angeles, police "
    "confirmed. The 25-year-old star was driving alone when his sports car hit a barrier, the Los Angeles Police "
    "Department said in a statement. Officers confirmed the singer was pronounced dead at the scene of the crash. "
    "His family confirmed the death and asked for privacy."
)
DISAGREE_BODY = (
    "A story claiming that Justin Bieber died in a car crash in Los Angeles is a hoax. The fake report, which "
    "spread on social media on Saturday, was published by a satirical website. Bieber is alive and well, his "
    "spokesman said, denying the rumor. 'He was not in any crash,' the spokesman said. The singer himself posted "
    "a video on Sunday to debunk the false claim that he had died."
)
UNRELATED_BODY = (
    "Manchester United beat Liverpool 2-1 at Old Trafford on Sunday, with a late goal from the captain sealing the "
    "win. The manager praised his defenders after the match and said the team would focus on the next league game."
)


# -- scorer -----------------------------------------------------------------


def test_fnc_score_hand_computed() -> None:
    gold = ["agree", "unrelated", "discuss", "disagree", "unrelated"]
    pred = ["agree", "unrelated", "agree", "unrelated", "discuss"]
    # agree exact: 0.25 + 0.75; unrelated exact: 0.25; discuss->agree: 0.25 (both related);
    # disagree->unrelated: 0; unrelated->discuss: 0.
    result = fnc_score(gold, pred)
    assert result["score"] == pytest.approx(1.5)
    assert result["max_score"] == pytest.approx(1.0 + 0.25 + 1.0 + 1.0 + 0.25)
    assert result["relative_score"] == pytest.approx(1.5 / 3.5)


def test_fnc_score_perfect_and_all_unrelated() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated"]
    assert fnc_score(gold, gold)["relative_score"] == pytest.approx(1.0)
    # Predicting "unrelated" everywhere earns only the unrelated pair's 0.25 of 3.25.
    assert fnc_score(gold, ["unrelated"] * 4)["relative_score"] == pytest.approx(0.25 / 3.25)
    with pytest.raises(ValueError):
        fnc_score(gold, gold[:2])


def test_per_class_macro_f1_and_confusion() -> None:
    gold = ["agree", "agree", "disagree", "discuss", "unrelated", "unrelated"]
    pred = ["agree", "discuss", "disagree", "discuss", "unrelated", "agree"]
    scores = per_class_scores(gold, pred)
    # agree: tp 1, predicted 2, gold 2 -> P 0.5 R 0.5 F1 0.5
    assert scores["agree"]["f1"] == pytest.approx(0.5)
    assert scores["disagree"]["f1"] == pytest.approx(1.0)
    # discuss: tp 1, predicted 2, gold 1 -> P 0.5 R 1 F1 2/3
    assert scores["discuss"]["f1"] == pytest.approx(2 / 3)
    # unrelated: tp 1, predicted 1, gold 2 -> P 1 R 0.5 F1 2/3
    assert scores["unrelated"]["f1"] == pytest.approx(2 / 3)
    assert macro_f1(gold, pred) == pytest.approx((0.5 + 1.0 + 2 / 3 + 2 / 3) / 4)
    assert confusion_matrix(gold, pred) == [[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]]
    result = score_stance(gold, pred)
    assert result["accuracy"] == pytest.approx(4 / 6)
    assert result["related_accuracy"] == pytest.approx(5 / 6)
    report = format_stance_report(result)
    assert "FNC relative score" in report and "disagree" in report


# -- features ---------------------------------------------------------------


@pytest.fixture(scope="module")
def small_space() -> TextSpace:
    texts = [HEADLINE, AGREE_BODY, DISAGREE_BODY, UNRELATED_BODY, "Police say the crash happened on a freeway."]
    return TextSpace(max_features=500, n_components=3).fit(texts * 2)


def test_text_helpers() -> None:
    assert stem("crashes") == stem("crash")
    assert stem("confirmed") == "confirm"
    assert tokenize("It isn't TRUE!") == ["it", "isn't", "true"]
    assert split_sentences("First one here. Second one there.\n\nThird.") == [
        "First one here.",
        "Second one there.",
        "Third.",
    ]
    counts = lexicon_counts(tokenize("Officials denied the hoax; it is not true."))
    assert counts[0] >= 3  # denied, hoax, "not true"
    assert counts[1] >= 1  # not


def test_refuting_body_scores_higher_on_refute_features(small_space: TextSpace) -> None:
    X = pair_features([HEADLINE, HEADLINE], [AGREE_BODY, DISAGREE_BODY], small_space)
    assert X.shape == (2, len(FEATURE_NAMES))
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    for name in ("b_rate_refute", "top_refute", "matched_refute"):
        assert X[1, col[name]] > X[0, col[name]], name
    assert X[0, col["b_rate_confirm"]] > X[1, col["b_rate_confirm"]]


def test_related_body_overlaps_more_than_unrelated(small_space: TextSpace) -> None:
    X = pair_features([HEADLINE, HEADLINE], [AGREE_BODY, UNRELATED_BODY], small_space)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    for name in ("overlap_frac", "cos_body", "cos_sent_max", "bm25"):
        assert X[0, col[name]] > X[1, col[name]], name
    with pytest.raises(ValueError):
        pair_features([HEADLINE], [], small_space)


# -- tree export ------------------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3])
def test_tree_ensemble_matches_sklearn(n_classes: int) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.RandomState(0)
    X = rng.randn(300, 5)
    X[rng.rand(300, 5) < 0.05] = np.nan
    y = (np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) > 0).astype(int)
    if n_classes == 3:
        y = y + (np.nan_to_num(X[:, 2]) > 1).astype(int)
    model = HistGradientBoostingClassifier(max_iter=15, early_stopping=False, random_state=0).fit(X, y)
    trees = TreeEnsemble.from_sklearn(model)
    assert np.allclose(trees.predict_proba(X), model.predict_proba(X), atol=1e-9)


# -- packaged model ---------------------------------------------------------


@pytest.fixture(scope="module")
def model() -> StanceModel:
    try:
        return StanceModel.load()
    except FileNotFoundError:
        pytest.skip("packaged stance model not trained (scripts/train_stance.py)")


def test_packaged_model_unrelated(model: StanceModel) -> None:
    pred = model.predict([HEADLINE, "Apple to sell a foldable iPhone next year"], [UNRELATED_BODY, AGREE_BODY])
    assert pred == ["unrelated", "unrelated"]


def test_packaged_model_agree_and_disagree(model: StanceModel) -> None:
    proba = model.predict_proba([HEADLINE, HEADLINE], [AGREE_BODY, DISAGREE_BODY])
    agree, disagree = LABELS.index("agree"), LABELS.index("disagree")
    assert proba.shape == (2, 4)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert proba[0, agree] > proba[0, disagree]
    assert proba[1, disagree] > proba[1, agree]
    pred = model.predict([HEADLINE, HEADLINE], [AGREE_BODY, DISAGREE_BODY])
    assert pred[0] in ("agree", "discuss")
    assert pred[1] == "disagree"
    assert model.predict([], []) == []


def test_save_load_round_trip(model: StanceModel, tmp_path: Path) -> None:
    json_path, npz_path = model.save(tmp_path / "stance")
    assert json_path.name == "stance.json" and npz_path.name == "stance.npz"
    with np.load(npz_path, allow_pickle=False) as arrays:  # plain arrays only
        assert "stance_value" in arrays
    again = StanceModel.load(tmp_path / "stance.json")
    pairs = ([HEADLINE, HEADLINE], [AGREE_BODY, UNRELATED_BODY])
    assert np.allclose(again.predict_proba(*pairs), model.predict_proba(*pairs))


def test_load_missing_model_says_how_to_train(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"train_stance\.py"):
        StanceModel.load(tmp_path / "nothing")


def test_unfitted_model_raises() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        StanceModel().predict([HEADLINE], [AGREE_BODY])


# -- quality gate (slow: the FNC-1 hold-out, ~30 s) ---------------------------


@pytest.mark.slow
def test_holdout_quality_floor(model: StanceModel) -> None:
    from newsdesk.evaluation.stance import evaluate_stance

    data = SHARED / "data" / "fnc1"
    if not (data / "hold_out_ids.txt").exists():
        pytest.skip("FNC-1 data not available")
    result = evaluate_stance(data, split="holdout")
    assert result["relative_score"] >= 0.82
    assert result["macro_f1"] >= 0.62
