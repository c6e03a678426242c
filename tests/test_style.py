"""End to end on articles written for these tests in the style of the seeds, about invented events.

They carry the seeds' habits with other templates and other junk: machine-translated word order ("declared
Vidmar"), a byline that holds the date, a date line led by its section, a bio headed by its label, a place run
into a person's name by the recognizer, and claims that contradict each other or update a figure.
``data/style2`` holds eighteen more (a factory fire, a vote count, a border shooting, a mine collapse, an arrest,
a port strike, a hospital outbreak, an emergency landing, a stadium crush) with a hand annotation in ``gold.json``; their tests set floors at the figures measured when they
were written, so a change that loses quotes, speakers or junk removal shows up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsdesk.model import Analysis, Article
from newsdesk.pipeline import analyze_store, ingest
from newsdesk.storage import MemoryStore

STYLE = Path(__file__).parent / "data" / "style"
# Eighteen more, on nine events, with their hand annotation; some of their template is in the outlet's language.
MORE = Path(__file__).parent / "data" / "style2"


@pytest.fixture(scope="module")
def analysed(enricher) -> Analysis:
    with MemoryStore() as store:
        report = ingest(sorted(str(p) for p in STYLE.glob("*.txt")), store)
        assert len(report.added) == 4 and not report.problems
        return analyze_store(store, enricher=enricher)


def _pairs(analysis: Analysis, relation: str) -> list[tuple[str, str, str]]:
    found = []
    for story in analysis.stories:
        found += [(c.about, c.a.holder or "", c.b.holder or "") for c in story.comparisons if c.relation == relation]
    return found


def test_metadata_and_junk(analysed: Analysis) -> None:
    dates = {a.title.split(":")[0]: a.published for a in analysed.articles}
    assert dates["The dam of Kostel broke"] == "2023-03-12"  # "By Admin Posted on 12 March 2023"
    assert dates["Protests in Velmora"] == "2024-11-04"  # "World News | Monday, 4 November 2024"
    for article in analysed.articles:
        assert "About the author" not in article.text and "Adblock" not in article.text
    assert not any(e.name == "Admin" for e in analysed.entities)


def test_speakers(analysed: Analysis) -> None:
    speakers = {q.text: q.speaker for q in analysed.quotes}
    assert speakers["We did all we could, the sirens sounded at 2 in the morning"] == "Marko Vidmar"
    assert speakers["Radu is accused of organizing violent actions"] == "Mihai Ionescu"
    radu = next(e for e in analysed.entities if e.name == "Stefan Radu")
    assert {m.text for m in radu.mentions} >= {"Radu", "Stefan Radu"}


def test_contradictions_and_updates(analysed: Analysis) -> None:
    contradictions = _pairs(analysed, "contradict")
    abouts = {about for about, _, _ in contradictions}
    # Whether a warning was given: the mayor's sirens against the residents (by whichever of their claims).
    assert any("warning" in about or "siren" in about for about in abouts)
    assert any("Janez Novak" in about for about in abouts)
    assert any("Stefan Radu" in about for about in abouts)
    # Two sides that both say no warning was given agree; they are never a contradiction.
    for about, a, b in contradictions:
        assert {a, b} != {"inhabitants of Zlatka", "residents of the village of Zlatka"}, about
    updates = _pairs(analysed, "update")
    assert any("Marko Vidmar" in (a, b) for _, a, b in updates)  # 30 missing on the 12th, 28 on the 13th


@pytest.fixture(scope="module")
def more(enricher) -> tuple[Analysis, dict]:
    with MemoryStore() as store:
        report = ingest(sorted(str(p) for p in MORE.glob("*.txt")), store)
        assert len(report.added) == 18 and not report.problems
        analysis = analyze_store(store, enricher=enricher)
    return analysis, json.loads((MORE / "gold.json").read_text(encoding="utf-8"))


def _by_file(analysis: Analysis) -> dict[str, Article]:
    return {Path(a.path).name: a for a in analysis.articles}


def test_more_junk_removed_body_kept_and_dated(more: tuple[Analysis, dict]) -> None:
    analysis, gold = more
    articles = _by_file(analysis)
    assert len(analysis.stories) == 9
    for doc in gold["documents"]:
        article = articles[doc["file"]]
        assert (article.published or "")[:10] == doc["published"], doc["file"]
        for line in doc["junk_lines"]:
            assert line.strip() not in article.text, (doc["file"], line)
        for quote in doc["quotes"]:
            assert quote["text_contains"] in article.text, (doc["file"], quote["text_contains"])


def test_more_quotes_speakers_and_people_apart(more: tuple[Analysis, dict]) -> None:
    analysis, gold = more
    articles = _by_file(analysis)
    found = named = total = 0
    for doc in gold["documents"]:
        quotes = [q for q in analysis.quotes if q.article == articles[doc["file"]].id]
        for expected in doc["quotes"]:
            total += 1
            hit = next((q for q in quotes if expected["text_contains"] in q.text), None)
            if hit is None:
                continue
            found += 1
            words = [w[:5].lower() for w in re.findall(r"[\w-]{4,}", expected["speaker"])]
            named += any(w in (hit.speaker or "").lower() for w in words)
        for first, second in doc["kept_apart"]:
            holders = [
                {e.id for e in analysis.entities if any(m.text == name for m in e.mentions)} for name in (first, second)
            ]
            assert not holders[0] & holders[1], (doc["file"], first, second)
    # Measured when the set was written: 208 of 235 quotes found, 163 of them with the annotated speaker (now 210, 164).
    assert found / total >= 0.85
    assert named / found >= 0.75


def test_more_flagged_contradictions_are_annotated(more: tuple[Analysis, dict]) -> None:
    analysis, gold = more
    flagged = [(c.a.text, c.b.text) for story in analysis.stories for c in story.contradictions]
    annotated = [c for event in gold["events"] for c in event["contradictions"]]

    def matches(c: dict, a: str, b: str) -> bool:
        return (c["a_contains"] in a and c["b_contains"] in b) or (c["a_contains"] in b and c["b_contains"] in a)

    right = sum(any(matches(c, a, b) for c in annotated) for a, b in flagged)
    found = sum(any(matches(c, a, b) for a, b in flagged) for c in annotated)
    # The contradiction scorer is fitted on this set (scripts/train_pairs.py calibrate): an in-sample gate against
    # regressions, not a measure of quality. Measured when it was last fitted: 11 of 44 flagged pairs annotated, 11
    # of the 41 annotated contradictions found (the rules before any scorer: 3 of 3 flagged, 3 of 41 found).
    assert found >= 10
    assert right >= len(flagged) * 0.2
