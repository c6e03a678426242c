"""Acceptance on the seed articles (skipped when ../shared is not beside the project)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.model import Analysis
from newsdesk.pipeline import analyze_store, ingest
from newsdesk.storage import MemoryStore


@pytest.fixture(scope="module")
def analysed(seeds_dir: Path, enricher) -> tuple[Analysis, dict]:
    """The seeds analysed once for every test of this module, and their gold annotation."""
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    store = MemoryStore()
    report = ingest(sorted(str(p) for p in seeds_dir.glob("*.txt")), store)
    assert not report.problems
    return analyze_store(store, enricher=enricher), gold


def test_seeds_one_story_clean_text_and_contradiction(seeds_dir: Path, analysed: tuple[Analysis, dict]) -> None:
    analysis, gold = analysed
    assert len(analysis.stories) == 1 and len(analysis.stories[0].articles) == 2
    by_name = {Path(a.path).name: a for a in analysis.articles}
    for name, doc in gold["documents"].items():
        lines = (seeds_dir / name).read_text(encoding="utf-8").splitlines()
        article = by_name[name]
        assert article.title == doc["title"]
        for n in doc["body_lines"]:
            assert " ".join(lines[n - 1].split()) in article.text, (name, n)
        for n in doc["boilerplate_lines"]:
            junk = " ".join(lines[n - 1].split())
            assert junk not in article.paragraphs and junk not in article.text, (name, n)
    contradictions = analysis.stories[0].contradictions
    assert contradictions
    about = " ".join(c.about for c in contradictions)
    assert "control" in about.lower()


def test_seeds_every_gold_quote_has_its_speaker(analysed: tuple[Analysis, dict]) -> None:
    analysis, gold = analysed
    entities = {e.id: e for e in analysis.entities}
    groups = [{m.lower() for m in (g["canonical"], *g["mentions"])} for g in gold["entities"]]
    by_name = {Path(a.path).name: a.id for a in analysis.articles}
    for expected in gold["quotes"]:
        wanted = " ".join(expected["contains"].split())
        found = [
            q for q in analysis.quotes if q.article == by_name[expected["doc"]] and wanted in " ".join(q.text.split())
        ]
        assert found, expected
        quote = found[0]
        assert quote.direct == expected["direct"], (expected, quote)
        names = {quote.speaker.lower()}
        if quote.speaker_entity:
            names |= {m.text.lower() for m in entities[quote.speaker_entity].mentions}
        group = next((g for g in groups if expected["speaker"].lower() in g), {expected["speaker"].lower()})
        described = set(expected["speaker"].lower().split()) <= set(quote.speaker.lower().split())
        assert names & group or described, (expected, quote.speaker)
