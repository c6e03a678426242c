"""The PolNeAR-format attribution benchmark on a tiny hand-made corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from newsdesk.errors import NewsdeskError
from newsdesk.evaluation.attribution import (
    evaluate_attribution,
    find_documents,
    format_attribution_report,
    match_contents,
    read_brat,
)

BRIDGE = (
    "Mayor says bridge will open soon\n\n"
    "Mayor Ellen Porter said on Tuesday that the bridge would open in May.\n\n"
    "“We are on schedule,” she said.\n"
)
RAIN = (
    "Rain expected\n\n"
    "The storm flooded three streets on Monday. According to the weather service, more rain is expected.\n\n"
    "Residents want a new drainage system.\n"
)


def _span(text: str, part: str, after: int = 0) -> str:
    start = text.index(part, after)
    return f"{start} {start + len(part)}"


def _ann(text: str, attributions: list[tuple[str, str, str]]) -> str:
    """BRAT lines for (content, cue, source) substrings; an empty source means none."""
    lines, t = [], 0
    for k, (content, cue, source) in enumerate(attributions, start=1):
        after = text.index("\n")  # skip the headline unless the part is only there
        if content not in text[after:]:
            after = 0
        ids = {}
        for role, part in (("Content", content), ("Cue", cue), ("Source", source)):
            if part:
                t += 1
                lines.append(f"T{t}\t{role} {_span(text, part, after)}\t{part}")
                ids[role] = f"T{t}"
        t += 1
        lines.append(f"T{t}\tAttribution {_span(text, cue, after)}\t{cue}")
        args = " ".join(f"{role}:{ref}" for role, ref in ids.items())
        kind = "Attribution" if source else "Attribution-no-source"
        lines.append(f"E{k}\t{kind}:T{t} {args}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    (tmp_path / "text" / "rain.txt").write_text(RAIN, encoding="utf-8")
    bridge = [
        ("bridge will open soon", "says", "Mayor"),  # in the headline: not scored by default
        ("that the bridge would open in May", "said", "Mayor Ellen Porter"),
        ("“We are on schedule,”", "said", "she"),
    ]
    rain = [
        ("more rain is expected", "According to", "the weather service"),
        ("a new drainage system", "want", "Residents"),  # a stance, not speech
    ]
    (tmp_path / "attributions" / "bridge_a1.ann").write_text(_ann(BRIDGE, bridge), encoding="utf-8")
    (tmp_path / "attributions" / "rain_b2.ann").write_text(_ann(RAIN, rain), encoding="utf-8")
    # A second annotator of the same text: the first annotator id in sort order is used.
    (tmp_path / "attributions" / "rain_c3.ann").write_text("", encoding="utf-8")
    return tmp_path


def test_find_documents_pairs_text_with_first_annotator(corpus: Path) -> None:
    docs = find_documents(corpus)
    assert [(d.name, d.ann_path.name) for d in docs] == [("bridge", "bridge_a1.ann"), ("rain", "rain_b2.ann")]


def test_find_documents_without_texts_says_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="split folder"):
        find_documents(tmp_path)


def test_read_brat_collects_roles(corpus: Path) -> None:
    gold = read_brat(corpus / "attributions" / "rain_b2.ann")
    assert len(gold) == 2
    start, end = gold[0].content[0]
    assert RAIN[start:end] == "more rain is expected"
    assert RAIN[slice(*gold[0].source[0])] == "the weather service"
    assert RAIN[slice(*gold[0].cue[0])] == "According to"


def test_read_brat_discontinuous_spans_and_missing_source(tmp_path: Path) -> None:
    path = tmp_path / "x_a1.ann"
    path.write_text(
        "T1\tContent 0 5;10 15\tabcde fghij\nT2\tCue 6 9\tsay\n"
        "T3\tAttribution 6 9\tsay\nE1\tAttribution-no-source:T3 Content:T1 Cue:T2\n"
        "#1\tAnnotatorNotes T1\ta note\n",
        encoding="utf-8",
    )
    (gold,) = read_brat(path)
    assert gold.content == ((0, 5), (10, 15))
    assert gold.source == ()


def test_match_contents_is_symmetric_and_one_to_one() -> None:
    gold = [frozenset(range(10)), frozenset(range(20, 24))]
    # Half of the longer side is enough, whichever side is longer.
    assert match_contents([frozenset(range(5))], gold) == [(0, 0)]
    assert match_contents([frozenset(range(4))], gold) == []
    assert match_contents([frozenset(range(20, 28))], gold) == [(0, 1)]
    # Two predictions on one gold content: only the better one matches.
    assert match_contents([frozenset(range(6)), frozenset(range(10))], gold) == [(1, 0)]


def test_evaluate_attribution_counts(corpus: Path, nlp: Language) -> None:
    result = evaluate_attribution(corpus, nlp=nlp)
    assert result["documents"] == 2
    assert result["gold"] == 4  # the headline attribution is left out
    # The learned cue model also finds the stance ("Residents want ...").
    assert result["predicted"] == 4
    assert result["matched"] == 4
    assert result["precision"] == 1.0
    assert result["recall"] == 1.0
    assert result["source_evaluated"] == 4
    assert result["source_accuracy"] == 1.0
    assert result["source_unresolved"] == 0
    assert result["source_correct_given"] == 4
    assert result["source_accuracy_given"] == 1.0
    assert result["gold_by_cue"]["other"] == {"gold": 1, "matched": 1, "recall": 1.0}
    assert result["speech_scope"]["f1"] == 1.0
    # The rules alone miss the stance: the baseline scored in the same run.
    assert result["rules_only"]["matched"] == result["rules_only"]["predicted"] == 3
    assert result["rules_only"]["recall"] == 0.75
    report = format_attribution_report(result)
    assert "F1" in report and "Baseline, rules without the learned models" in report


def test_evaluate_attribution_limit_and_title(corpus: Path, nlp: Language) -> None:
    only_bridge = evaluate_attribution(corpus, nlp=nlp, limit=1, include_title=True)
    assert only_bridge["documents"] == 1
    assert only_bridge["gold"] == 3


def test_speed_articles_take_documents_of_the_asked_length(tmp_path: Path) -> None:
    from newsdesk.evaluation.speed import speed_articles

    (tmp_path / "a.txt").write_text("Title line\n" + "word " * 450, encoding="utf-8")
    (tmp_path / "short.txt").write_text("Too short.", encoding="utf-8")
    (article,) = speed_articles(tmp_path, limit=5)
    assert article.path == "a.txt" and article.title == "Title line"
    with pytest.raises(NewsdeskError, match="no document"):
        speed_articles(tmp_path, limit=5, min_words=1000, max_words=2000)
