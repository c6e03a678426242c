"""Quality gate for entity resolution: pair precision and recall floors on annotated sets (tests/data/entities_real)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.enrich import Enricher, merge_enrichments
from newsdesk.evaluation.contradictions import GoldCorpus
from newsdesk.evaluation.entities import score_entities
from newsdesk.pipeline import ingest
from newsdesk.storage import MemoryStore

DATA = Path(__file__).parent / "data"
BASELINE = json.loads((DATA / "entities_real" / "baseline.json").read_text(encoding="utf-8"))
SAMPLE_DOCS = Path(__file__).parents[1] / "src" / "newsdesk" / "data" / "sample"
POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"


def _score(gold_path: Path, docs: Path, enricher: Enricher) -> dict:
    """Enrich a gold.json corpus, merge its entities from the records (as the store update does) and score them."""
    corpus = GoldCorpus(gold_path, docs)
    with MemoryStore() as store:
        ingest(corpus.document_paths(), store)
        articles = list(store.articles())
    records = list(enricher.enrich(articles))
    entities, _ = merge_enrichments(records, {a.id: a.text for a in articles})
    return score_entities(entities, corpus.gold)


def _check(result: dict, floors: dict) -> None:
    """Metric floors; every must-stay-apart pair apart, unless the baseline pins how many (``kept_apart``)."""
    apart = sum(item["kept_apart"] for item in result["must_stay_distinct"])
    for metric, floor in floors.items():
        value = apart if metric == "kept_apart" else result[metric]
        assert value >= floor, (metric, value, floor)
    if "kept_apart" not in floors:
        assert apart == len(result["must_stay_distinct"]), result["must_stay_distinct"]


def test_sample_corpus_entities(enricher: Enricher) -> None:
    _check(_score(DATA / "sample_gold.json", SAMPLE_DOCS, enricher), BASELINE["sample"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("polnear_dev", "dev"),
        ("polnear_heldout", "train"),
        ("polnear_heldout2", "train"),
        ("polnear_dev3", "train"),
        ("polnear_heldout3", "train"),
    ],
)
def test_real_news_entities(name: str, split: str, enricher: Enricher) -> None:
    docs = POLNEAR / split / "text"
    if not docs.is_dir():
        pytest.skip(f"{docs} is not available")
    _check(_score(DATA / "entities_real" / f"{name}.json", docs, enricher), BASELINE[name])


def test_eval_entities_only_scores_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    from newsdesk.cli import main

    gold = DATA / "sample_gold.json"
    assert main(["eval", "entities", str(gold), "--docs", str(SAMPLE_DOCS), "--entities-only", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    _check(result, BASELINE["sample"])
