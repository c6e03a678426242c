"""`newsdesk eval pairs` on tiny invented files, with stub pair models (no model file, no shared data)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from newsdesk.cli import main
from newsdesk.errors import NewsdeskError
from newsdesk.evaluation import pairs as pairs_module
from newsdesk.evaluation.pairdata import EMERGENT_FILE, claim_split
from newsdesk.evaluation.pairs import (
    PairBaseline,
    bootstrap_difference,
    evaluate_pairs,
    format_pairs_report,
    load_anli,
    load_sick,
    score_pairs,
    three_way_labels,
    two_way_labels,
)

LABELS = ("neutral", "agree", "contradict")
TOPICS = ["bridge", "airport", "dam", "plant", "stadium", "port", "tunnel", "school", "mine", "ferry", "tower", "mall"]


class RuleModel:
    """Knows the invented sets' rule: 'denied' on one side only = contradict, 'maybe' = neutral."""

    labels = LABELS

    def __init__(self) -> None:
        self.calls: list[int] = []

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.calls.append(len(pairs))
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for i, (a, b) in enumerate(pairs):
            if ("denied" in a) != ("denied" in b):
                out[i] = (0.1, 0.2, 0.7)
            elif "maybe" in a or "maybe" in b:
                out[i] = (0.6, 0.3, 0.1)
            else:
                out[i] = (0.1, 0.8, 0.1)
        return out


class AgreeModel:
    """Always agree."""

    labels = LABELS

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return np.tile(np.array([0.2, 0.5, 0.3], dtype=np.float32), (len(pairs), 1))


def _write_emergent(folder: Path) -> None:
    """Twelve claims (train 0 1 2 6 7 9 10, test 3 8 11, dev 4 5): three for, two against, one observing."""
    folder.mkdir(parents=True)
    with (folder / EMERGENT_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["", "claimHeadline", "articleHeadline", "articleHeadlineStance", "articleId", "claimId"])
        row = 0
        for k, topic in enumerate(TOPICS):
            headlines = [
                (f"Officials confirmed the {topic} will close", "for"),
                (f"The {topic} is closing, council confirmed on Monday", "for"),
                (f"Report: {topic} shuts its doors", "for"),
                (f"Mayor denied that the {topic} would close", "against"),
                (f"Owners denied any plan to close the {topic}", "against"),
                (f"Questions over the future of the {topic}", "observing"),
            ]
            for text, stance in headlines:
                writer.writerow([row, f"The {topic} will close", text, stance, f"a-{row}", f"claim-{k}"])
                row += 1


def _write_nli(folder: Path) -> None:
    (folder / "anli").mkdir(parents=True)
    (folder / "fever-symmetric").mkdir()
    sick = ["pair_ID\tsentence_A\tsentence_B\tentailment_label\tSemEval_set"]
    rows = [
        ("A man plays a guitar", "A man plays an instrument", "ENTAILMENT", "TEST"),
        ("A man plays a guitar", "The man denied playing", "CONTRADICTION", "TEST"),
        ('A "dog" runs', "A dog maybe runs in a park", "NEUTRAL", "TEST"),
        ("A cat sleeps", "The cat denied sleeping", "CONTRADICTION", "TRAIN"),
    ]
    sick += [f"{i}\t{a}\t{b}\t{label}\t{part}" for i, (a, b, label, part) in enumerate(rows, start=1)]
    (folder / "SICK.txt").write_text("\n".join(sick) + "\n", encoding="utf-8")
    with (folder / "anli" / "ANLI_analysis_r1_dev.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["context", "statement", "reason", "gold_label", "uid"])
        writer.writerow(["The minister, in a long speech, said taxes rise.", "Taxes rise.", "", "e", "1"])
        writer.writerow(["The minister said taxes rise.", "The minister denied it.", "", "c", "2"])
        writer.writerow(["The minister said taxes rise.", "Taxes maybe rise in May.", "", "n", "3"])
    fever = [
        {"claim": "Paris is in France .", "evidence": "Paris is the capital of France .", "gold_label": "SUPPORTS"},
        {"claim": "Paris denied being in France .", "evidence": "Paris is in France .", "gold_label": "REFUTES"},
    ]
    (folder / "fever-symmetric" / "fever_symmetric_test.jsonl").write_text(
        "".join(json.dumps(row) + "\n" for row in fever), encoding="utf-8"
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    _write_emergent(tmp_path / "emergent")
    _write_nli(tmp_path / "nli")
    return tmp_path


def test_claim_split_is_stable_and_proportioned() -> None:
    assert [claim_split(f"claim-{k}") for k in (0, 3, 4)] == ["train", "test", "dev"]
    assert claim_split("claim-3") == claim_split("claim-3")
    shares = [claim_split(f"id-{i}") for i in range(5000)]
    assert 0.17 < shares.count("test") / 5000 < 0.23
    assert 0.07 < shares.count("dev") / 5000 < 0.13


def test_score_pairs_counts_by_hand() -> None:
    gold = ["agree", "agree", "contradict", "contradict"]
    pred = ["agree", "contradict", "contradict", "agree"]
    scores = score_pairs(gold, pred)
    assert scores["accuracy"] == 0.5
    assert scores["contradiction_precision"] == 0.5
    assert scores["contradiction_recall"] == 0.5
    assert scores["macro_f1"] == pytest.approx(0.5)
    assert scores["confusion"] == [[1, 1], [1, 1]]
    with pytest.raises(ValueError):
        score_pairs(gold, pred[:2])


def test_two_and_three_way_labels() -> None:
    proba = np.array([[0.9, 0.04, 0.06], [0.1, 0.5, 0.4], [0.2, 0.2, 0.6]])
    assert two_way_labels(proba, LABELS) == ["contradict", "agree", "contradict"]
    assert three_way_labels(proba, LABELS) == ["neutral", "agree", "contradict"]
    with pytest.raises(NewsdeskError):
        two_way_labels(proba, ("neutral", "entail", "other"))


def test_bootstrap_of_identical_and_better_systems() -> None:
    units = ["c1"] * 4 + ["c2"] * 4 + ["c3"] * 4
    gold = ["agree", "agree", "contradict", "contradict"] * 3
    same = bootstrap_difference(units, gold, gold, gold, resamples=200)
    assert same["difference"] == 0.0
    assert same["ci95"] == [0.0, 0.0]
    assert same["units"] == 3
    better = bootstrap_difference(units, gold, gold, ["agree"] * 12, resamples=200)
    # Perfect (macro-F1 1.0) against always-agree (agree F1 2/3, contradict 0): 2/3 in every sample.
    assert better["difference"] == pytest.approx(1 - 1 / 3)
    assert better["ci95"][0] == pytest.approx(2 / 3)
    assert better["share_not_better"] == 0.0


def test_baseline_learns_the_invented_relation(data_dir: Path) -> None:
    from newsdesk.evaluation.pairdata import emergent_pairs

    train = emergent_pairs(data_dir / "emergent", "train")
    test = emergent_pairs(data_dir / "emergent", "test")
    baseline = PairBaseline().fit([(p.a, p.b) for p in train], [p.label for p in train])
    assert set(baseline.classes_) == {"agree", "contradict"}
    scores = score_pairs([p.label for p in test], baseline.predict([(p.a, p.b) for p in test]))
    assert scores["macro_f1"] > 0.6
    with pytest.raises(NewsdeskError):
        PairBaseline().fit([("a", "b")], ["agree"])


def test_readers_of_reference_sets(data_dir: Path) -> None:
    sick = load_sick(data_dir / "nli" / "SICK.txt")
    assert [p.label for p in sick] == ["agree", "contradict", "neutral"]  # TRAIN row left out
    assert sick[2].a == 'A "dog" runs'  # quotes kept as text
    anli = load_anli(data_dir / "nli" / "anli" / "ANLI_analysis_r1_dev.csv")
    assert [p.label for p in anli] == ["agree", "contradict", "neutral"]


def test_perfect_model_scores_one_everywhere(data_dir: Path) -> None:
    result = evaluate_pairs(data_dir, model=RuleModel(), resamples=100)
    test = result["emergent"]["test"]
    assert test["seen_in_training"] is False
    assert test["n_claims"] == 3
    assert test["n_pairs"] == 30  # 3 claims x (6 contradict + 4 agree)
    for key in ("accuracy", "macro_f1", "contradiction_precision", "contradiction_recall"):
        assert test["model"][key] == 1.0
        assert test["model_both_orders"][key] == 1.0
    assert test["macro_f1_difference"]["difference"] == pytest.approx(1.0 - test["baseline"]["macro_f1"])
    assert test["macro_f1_difference"]["unit"] == "claim"
    assert result["emergent"]["train"]["seen_in_training"] is True
    assert result["emergent"]["dev"]["model"]["macro_f1"] == 1.0
    assert set(result["reference"]) == {"sick_test", "anli_r1_dev", "fever_symmetric_test"}
    assert result["reference"]["sick_test"]["ways"] == 3
    assert all(r["accuracy"] == 1.0 for r in result["reference"].values())
    assert result["skipped"] == []
    assert result["speed"]["pairs"] == 30
    assert result["speed"]["threads"] is None  # an injected model: threads unknown
    report = format_pairs_report(result)
    assert "baseline" in report and "sick_test" in report and "pairs/s" in report


def test_always_agree_model_never_finds_a_contradiction(data_dir: Path) -> None:
    result = evaluate_pairs(data_dir, model=AgreeModel(), resamples=50)
    test = result["emergent"]["test"]["model"]
    assert test["contradiction_recall"] == 0.0
    assert test["contradiction_precision"] == 0.0
    assert test["accuracy"] == pytest.approx(12 / 30)
    assert result["reference"]["fever_symmetric_test"]["contradiction_recall"] == 0.0


def test_limit_caps_seen_splits_and_reference_sets(data_dir: Path) -> None:
    model = RuleModel()
    result = evaluate_pairs(data_dir, model=model, limit=2, resamples=10)
    assert result["emergent"]["test"]["n_pairs"] == 30  # the test split stays whole
    assert result["emergent"]["train"]["n_pairs"] == 2
    assert all(r["n_pairs"] == 2 for r in result["reference"].values())
    assert model.calls[0] == 30  # the timed call is the test split alone


def test_missing_sets(tmp_path: Path) -> None:
    with pytest.raises(NewsdeskError, match="emergent"):
        evaluate_pairs(tmp_path, model=RuleModel())
    _write_emergent(tmp_path / "emergent")
    result = evaluate_pairs(tmp_path, model=RuleModel(), resamples=10)
    assert result["reference"] == {}
    assert len(result["skipped"]) == 3


def test_cli_prints_json(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[str] = []
    monkeypatch.setattr(pairs_module, "_load_model", lambda threads, kind: asked.append(kind) or RuleModel())
    assert (
        main(["eval", "pairs", str(data_dir), "--limit", "5", "--resamples", "20", "--json", "--model", "cross"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert asked == ["cross"]
    assert result["model"] == "cross"
    assert result["limit"] == 5
    assert result["speed"]["threads"] == 2
    assert result["emergent"]["test"]["model"]["macro_f1"] == 1.0
