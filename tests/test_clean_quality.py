"""The cleaning quality gate: boilerplate removal scored on labelled sets, against pinned floors.

Sets: the development set in tests/data/clean (invented outlets, one folder per
outlet template, text and HTML), the bundled sample corpus, and the seed
articles when ../shared is present. Floors live in tests/data/clean/baseline.json
and only go up: after an improvement, raise them to the new measured values
rounded down to two decimals.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsdesk.evaluation.clean import evaluate_clean, format_clean_report

DATA = Path(__file__).parent / "data"
DEV = DATA / "clean"
SAMPLE_GOLD = DATA / "sample_gold.json"
SAMPLE_DOCS = Path(__file__).parents[1] / "src" / "newsdesk" / "data" / "sample"
BASELINE: dict[str, dict[str, float]] = json.loads((DEV / "baseline.json").read_text(encoding="utf-8"))


def _figures(result: dict[str, Any]) -> dict[str, float]:
    """The gated figures of one evaluation, named as in baseline.json."""
    figures: dict[str, float] = {}
    for prefix, section in (("", result), ("loto_", result["leave_one_template_out"])):
        text, html = section["text"], section["html"]
        if text["documents"]:
            for key in ("body_kept", "boilerplate_removed", "f1", "titles_exact"):
                figures[prefix + key] = text[key]
        if html["documents"]:
            figures[prefix + "html_f1"] = html["cleaned"]["f1"]
            figures[prefix + "html_extracted_f1"] = html["extracted"]["f1"]
    return figures


def _check(name: str, result: dict[str, Any]) -> None:
    figures = _figures(result)
    below = {key: (figures.get(key), floor) for key, floor in BASELINE[name].items() if figures.get(key, -1.0) < floor}
    assert not below, f"{name}: below floor (measured, floor): {below}\n{format_clean_report(result)}"


@pytest.fixture(scope="module")
def dev_result() -> dict[str, Any]:
    return evaluate_clean(DEV, leave_one_template_out=True, repeat=1)


def test_dev_set_is_large_and_varied(dev_result: dict[str, Any]) -> None:
    assert dev_result["text"]["documents"] >= 30
    assert dev_result["html"]["documents"] >= 15
    assert dev_result["templates"] >= 10
    assert not dev_result["skipped"]


def test_dev_set_floors(dev_result: dict[str, Any]) -> None:
    _check("dev", dev_result)


def test_sample_corpus_floors() -> None:
    result = evaluate_clean(SAMPLE_GOLD, docs_dir=SAMPLE_DOCS, leave_one_template_out=True, repeat=1)
    assert result["text"]["documents"] == 8 and result["html"]["documents"] == 3
    _check("sample", result)


def test_seed_floors(seeds_dir: Path) -> None:
    _check("seeds", evaluate_clean(seeds_dir, leave_one_template_out=True, repeat=1))


def test_report_shows_quality_and_speed(dev_result: dict[str, Any]) -> None:
    report = format_clean_report(dev_result)
    assert "body lines kept" in report and "trafilatura alone" in report and "Leave one template out" in report
    speed = dev_result["speed"]
    assert speed["text_articles_per_s"] and speed["trafilatura_articles_per_s"] and speed["text_pass_cost_ratio"]


# Prose that mentions what template text talks about (cookies, comments, sign-ups, dates) stays;
# the kinds of template text themselves go, whatever their exact wording.
PROSE = [
    "The regulator said the bakery chain had also been selling cookies past their sale date.",
    "The consultation drew 2,400 comments, most of them from residents of the old town.",
    "Volunteers can sign up at the town hall until Friday, the organisers told reporters.",
    "March 3, 2024 The first barges reach the harbour after the ice breaks.",
]
TEMPLATE = [
    "Want the morning briefing in your inbox? Sign up here.",
    "Your comment will appear once a moderator has reviewed it. Comments are moderated.",
    "This story was machine-translated from Portuguese and checked by our desk.",
    "A tugboat guides the ferry into port on Sunday. (Ana Lindqvist / Coastal Times)",
    "— Port Authority (@PortAuthorityHQ) March 3, 2024",
    "The post Ferry resumes service appeared first on Coastal Times.",
]


def _reasons(lines: list[str]) -> dict[str, str | None]:
    from newsdesk.clean.text import label_units, split_units

    paragraph = (
        "The ferry between the two islands resumed service on Sunday after a three-week strike by crews over "
        "pay and rest periods ended with an agreement, the operator said in a statement."
    )
    body = "\n\n".join([paragraph, *lines, paragraph.replace("Sunday", "Monday")])
    labelled = label_units(split_units(body), title="Ferry resumes service after crew strike")
    return {u.text: u.reason for u in labelled.units}


def test_prose_about_template_topics_stays() -> None:
    reasons = _reasons(PROSE)
    assert all(reasons[line] is None for line in PROSE), reasons


def test_kinds_of_template_text_go() -> None:
    reasons = _reasons(TEMPLATE)
    assert all(reasons[line] is not None for line in TEMPLATE), reasons
