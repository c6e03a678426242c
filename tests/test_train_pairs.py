"""scripts/train_pairs.py: the real claim pairs an annotated corpus adds to the pair model's training data."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_pairs.py"

FIRST = """Suspect in Harbour Street robbery fled abroad, police say

Police in Velmora said on Monday that the suspect in the Harbour Street jewellery robbery fled the country before the raid on his flat.
The robbery took place on Friday night, when two men broke into the jewellery shop on Harbour Street and took watches and rings.
The shop owner said the stolen watches and rings were worth more than 200,000 euros.
Officers searched the flat of the suspect in Velmora on Sunday morning and found nobody there.
"""

SECOND = """Lawyer says Harbour Street robbery suspect is at home in Velmora

The lawyer of the suspect in the Harbour Street jewellery robbery said his client never left the country and was at home during the raid.
The robbery took place on Friday night, when two men broke into the jewellery shop on Harbour Street and took watches and rings.
Police searched the flat of the suspect in Velmora on Sunday morning, the lawyer said.
The shop owner said the insurance will pay for the stolen watches and rings.
"""


@pytest.fixture(scope="module")
def train_pairs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_pairs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_pairs"] = module
    spec.loader.exec_module(module)
    return module


def test_annotated_pairs_label_the_annotated_claims_and_draw_neutral_candidates(
    train_pairs: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "police.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "lawyer.txt").write_text(SECOND, encoding="utf-8")
    gold = {
        "events": [
            {
                "files": ["police.txt", "lawyer.txt"],
                "contradictions": [
                    {
                        "about": "Whether the suspect left the country",
                        "a_file": "police.txt",
                        "a_contains": "the suspect in the Harbour Street jewellery robbery fled the country",
                        "b_file": "lawyer.txt",
                        "b_contains": "his client never left the country",
                    }
                ],
            }
        ]
    }
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")

    rows = train_pairs.annotated_pairs(tmp_path / "gold.json", None, random.Random(1), repeat=3, negatives=2)

    contradict = [r for r in rows if r.label == "contradict"]
    neutral = [r for r in rows if r.label == "neutral"]
    assert contradict and len(contradict) % 3 == 0  # each annotated claim pair written `repeat` times
    for row in contradict:
        assert {"fled the country" in row.a, "fled the country" in row.b} == {True, False}
        assert "never left the country" in row.a + row.b
    assert 0 < len(neutral) <= 2 * len(contradict) // 3
    annotated = {frozenset((r.a, r.b)) for r in contradict}
    assert not any(frozenset((r.a, r.b)) in annotated for r in neutral)
    assert {r.origin for r in rows} == {"annotated:gold"}
