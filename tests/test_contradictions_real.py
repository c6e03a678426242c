"""The real-news contradiction sets (tests/data/contradictions_real): well-formed, and quoting their bodies exactly.

The sets annotate FNC-1 bodies without shipping them: the format checks run
everywhere; that every quoted side is in its body needs ../shared/data/fnc1
and skips without it.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from newsdesk.evaluation.contradictions import GoldCorpus

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "contradictions_real"
FNC1 = ROOT.parent / "shared" / "data" / "fnc1"
SPLITS = ("dev", "test", "dev2")
_FILE = re.compile(r"^fnc1-(\d+)\.txt$")


def _gold(split: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"fnc1_{split}.json").read_text(encoding="utf-8"))
    return data


def _quotes(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _sides(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(file, quoted text) of every side of an event's contradictions, updates and agreements."""
    sides = []
    for item in event["contradictions"] + event.get("agreements", []):
        sides += [(item["a_file"], q) for q in _quotes(item["a_contains"])]
        sides += [(item["b_file"], q) for q in _quotes(item["b_contains"])]
    for item in event.get("updates", []):
        sides += [(item["earlier_file"], item["earlier_contains"]), (item["later_file"], item["later_contains"])]
    return sides


@pytest.mark.parametrize("split", SPLITS)
def test_each_set_is_well_formed(split: str) -> None:
    gold = _gold(split)
    assert "2026-12-07" in gold["note"] and gold["split"] == split
    if split == "test":
        assert "HELD OUT" in gold["about"]
    ids: set[int] = set()
    for event in gold["events"]:
        assert event["event"] and event["contradictions"], event["event"]
        files = set(event["files"])
        assert len(files) == len(event["files"]) >= 3  # stories of 4+ bodies, a verbatim copy left out
        assert all(_FILE.match(name) for name in files)
        ids |= {int(_FILE.match(name).group(1)) for name in files}  # type: ignore[union-attr]
        for item in event["contradictions"] + event.get("agreements", []):
            assert item["about"], item
        for name, quote in _sides(event):
            assert name in files, (event["event"], name)
            # A side is a clause, not a word or two, so that it names one claim.
            assert len(re.findall(r"\w+", quote)) >= 5, (name, quote)
    assert ids == set(gold["body_ids"])
    assert set(gold["hold_out_ids"]) | set(gold["training_ids"]) == ids
    assert not set(gold["hold_out_ids"]) & set(gold["training_ids"])


@pytest.mark.parametrize(("one", "other"), [("dev", "test"), ("dev2", "test"), ("dev", "dev2")])
def test_the_splits_share_no_story_and_no_body(one: str, other: str) -> None:
    a, b = _gold(one), _gold(other)
    assert not set(a["fnc1_stories"]) & set(b["fnc1_stories"])
    assert not set(a["body_ids"]) & set(b["body_ids"])


@pytest.mark.parametrize("split", SPLITS)
def test_the_scorer_reads_every_side_and_agreement(split: str) -> None:
    gold = _gold(split)
    corpus = GoldCorpus(DATA / f"fnc1_{split}.json", docs_dir=Path("/nowhere"))
    contradictions = [c for e in gold["events"] for c in e["contradictions"]]
    assert len(corpus.gold["contradictions"]) == len(contradictions)
    for converted, item in zip(corpus.gold["contradictions"], contradictions, strict=True):
        assert [r["contains"] for r in converted["side_a"]] == _quotes(item["a_contains"])
        assert {r["doc"] for r in converted["side_b"]} == {item["b_file"]}
    assert len(corpus.gold["agreements"]) == sum(len(e.get("agreements", [])) for e in gold["events"])
    assert len(corpus.document_paths()) == len(gold["body_ids"])


def _fnc1_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fnc1_docs", ROOT / "scripts" / "fnc1_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (FNC1 / "train_bodies.csv").exists(), reason="../shared/data/fnc1 is not available")
@pytest.mark.parametrize("split", SPLITS)
def test_every_quoted_side_is_in_its_body(split: str, tmp_path: Path) -> None:
    script = _fnc1_docs()
    written = script.write_docs(FNC1, tmp_path, DATA / f"fnc1_{split}.json")
    assert len(written) == len(_gold(split)["body_ids"])
    for event in _gold(split)["events"]:
        for name, quote in _sides(event):
            text = " ".join((tmp_path / name).read_text(encoding="utf-8").split())
            assert " ".join(quote.split()) in text, (name, quote)


POLNEAR = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"


def _polnear() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "polnear_blind.json").read_text(encoding="utf-8"))
    return data


def test_the_polnear_set_is_held_out_and_well_formed() -> None:
    gold = _polnear()
    assert gold["split"] == "test" and "HELD OUT" in gold["about"]
    for event in gold["events"]:
        assert event["event"] and event["files"], event
        files = set(event["files"])
        for item in event["contradictions"] + event.get("agreements", []):
            assert item["about"], item
        for name, quote in _sides(event):
            assert name in files, (event["event"], name)
            assert len(re.findall(r"\w+", quote)) >= 5, (name, quote)
    corpus = GoldCorpus(DATA / "polnear_blind.json", docs_dir=Path("/nowhere"))
    assert len(corpus.gold["contradictions"]) == sum(len(e["contradictions"]) for e in gold["events"]) >= 80


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="../shared/data/polnear is not available")
def test_every_quoted_side_of_the_polnear_set_is_in_its_text() -> None:
    for event in _polnear()["events"]:
        for name, quote in _sides(event):
            assert quote in (POLNEAR / name).read_text(encoding="utf-8"), (name, quote)
