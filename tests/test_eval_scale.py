"""`newsdesk eval scale` pieces that need no shared data: corpus variants, percentiles, growth, the report."""

from __future__ import annotations

import csv
import json
import math
import random
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsdesk.cli import main
from newsdesk.errors import NewsdeskError
from newsdesk.evaluation.scale import format_scale_report, growth, in_child, parse_sizes, peak_memory_mb
from newsdesk.evaluation.scale_corpus import (
    URL_PREFIX,
    SourceText,
    build_corpus,
    load_real_texts,
    make_variants,
    title_of,
    units,
    write_jsonl,
)
from newsdesk.evaluation.scale_web import load_pages, page_paths, percentile

SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze", "bo", "di"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def invented(count: int, *, seed: int = 1, paragraphs: int = 6) -> list[SourceText]:
    """``count`` texts of invented words, two per story, each paragraph three sentences of eight words."""
    rng = random.Random(seed)
    texts = []
    for n in range(count):
        body = []
        for _ in range(paragraphs):
            sentences = [" ".join(_word(rng) for _ in range(8)).capitalize() + "." for _ in range(3)]
            body.append(" ".join(sentences))
        texts.append(SourceText(name=f"test:{n}", story=f"story:{n // 2}", paragraphs=tuple(body)))
    return texts


def shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


def test_variants_mix_two_stories_and_are_no_near_duplicates() -> None:
    sources = invented(30)
    variants, worst = make_variants(sources, 60, seed=5)
    assert len(variants) == 60 and 0 < worst < 0.4
    by_name = {s.name: s for s in sources}
    for variant in variants:
        first, second = (by_name[name] for name in variant.name.split(" + "))
        assert first.story != second.story
        assert variant.paragraphs[0] != first.paragraphs[0]  # never the source's first paragraph (its title)
        assert set(variant.paragraphs) <= set(first.paragraphs) | set(second.paragraphs)
        assert set(variant.paragraphs) & set(first.paragraphs) and set(variant.paragraphs) & set(second.paragraphs)
    # Near-duplicates are links at 0.6 shingle Jaccard: nothing made comes near it.
    texts = [shingles(" ".join(t.paragraphs)) for t in [*sources, *variants]]
    closest = max(jaccard(texts[i], texts[j]) for i in range(len(texts)) for j in range(i + 1, len(texts)))
    assert closest < 0.5


def test_variants_are_the_same_for_a_seed_and_refuse_one_story() -> None:
    sources = invented(10)
    assert make_variants(sources, 15, seed=3) == make_variants(sources, 15, seed=3)
    assert make_variants(sources, 15, seed=3) != make_variants(sources, 15, seed=4)
    one_story = [SourceText(name=s.name, story="same", paragraphs=s.paragraphs) for s in sources]
    with pytest.raises(NewsdeskError, match="different stories"):
        make_variants(one_story, 5)
    with pytest.raises(NewsdeskError, match="add source texts"):
        make_variants(invented(4), 500)


def test_units_split_a_one_paragraph_text_into_sentence_groups() -> None:
    one = ("First one here. Mr. Smith spoke. Third one. Fourth one. Fifth one.",)
    assert units(one) == ("First one here. Mr. Smith spoke. Third one.", "Fourth one. Fifth one.")
    assert units(("a", "b")) == ("a", "b")
    assert title_of(one) == "First one here."
    assert title_of(("word " * 60,)).endswith("word") and len(title_of(("word " * 60,))) <= 120


def test_corpus_is_deterministic_with_unique_urls(tmp_path: Path) -> None:
    sources = invented(20)
    corpus = build_corpus(sources, 50, seed=9)
    again = build_corpus(sources, 50, seed=9)
    assert corpus.records == again.records
    assert len(corpus.records) == 50 and corpus.variants == 30 and corpus.real == {"test": 20}
    urls = [r["url"] for r in corpus.records]
    assert len(set(urls)) == 50 and all(u.startswith(URL_PREFIX) for u in urls)
    assert len({r["text"] for r in corpus.records}) == 50
    assert all(r["text"].startswith(r["title"]) for r in corpus.records)
    smaller = build_corpus(sources, 12, seed=9)  # fewer than the real texts: a choice of them, no variant
    assert len(smaller.records) == 12 and smaller.variants == 0
    path = write_jsonl(corpus.records, tmp_path / "corpus.jsonl")
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == corpus.records
    assert corpus.summary()["articles"] == 50


def test_real_texts_are_read_once_each_with_their_story(tmp_path: Path) -> None:
    body = "Words of a real article that go on. " * 12
    fnc1 = tmp_path / "fnc1"
    fnc1.mkdir()
    with (fnc1 / "train_bodies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows([["1", body], ["2", "Too short."], ["3", body.replace(". ", ".  ")], ["4", "Other " + body]])
    (fnc1 / "stories_train.json").write_text(json.dumps({"stories": {"4": 7}}), encoding="utf-8")
    folder = tmp_path / "polnear" / "dev" / "text"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("A headline\n\nFirst paragraph. " + body, encoding="utf-8")
    texts = load_real_texts(tmp_path)
    assert [(t.name, t.story) for t in texts] == [
        ("fnc1:1", "fnc1:1"),
        ("fnc1:4", "fnc1-story:7"),
        ("polnear:dev/text/a.txt", "polnear:dev/text/a.txt"),
    ]
    assert texts[2].paragraphs[0] == "A headline"
    with pytest.raises(NewsdeskError, match="shared data folder"):
        load_real_texts(tmp_path / "missing")


def test_percentile_interpolates_like_numpy() -> None:
    values = [float(v) for v in random.Random(2).sample(range(1000), 37)]
    for q in (0, 5, 50, 95, 99, 100):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert percentile([4.0], 95) == 4.0
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def _run(articles: int, seconds: dict[str, float]) -> dict[str, Any]:
    return {"articles": articles, "seconds": seconds, "total": sum(seconds.values())}


def test_growth_flags_steps_faster_than_linear() -> None:
    small = _run(1000, {"enrich": 60.0, "entities": 1.0, "save": 0.01})
    large = _run(10000, {"enrich": 600.0, "entities": 31.6, "save": 0.5})
    found = growth([small, large])
    steps = found["steps"]
    assert found["size_ratio"] == 10
    assert steps["enrich"]["exponent"] == 1.0 and not steps["enrich"]["superlinear"]
    assert steps["entities"]["exponent"] == pytest.approx(1.5, abs=0.01) and steps["entities"]["superlinear"]
    assert not steps["save"]["superlinear"]  # fast-growing but under a second: noise
    assert steps["total"]["seconds"] == [small["total"], large["total"]]
    assert growth([small]) == {}


def _result() -> dict[str, Any]:
    runs = []
    for articles, enrich, entities in ((200, 12.0, 0.3), (1000, 60.0, 4.0)):
        run = _run(articles, {"ingest": 1.0, "enrich": enrich, "entities": entities})
        run.update(
            stories=articles // 3,
            peak_memory_mb={"self": 400.0, "children": 350.0},
            articles_per_second=round(articles / run["total"], 2),
            spacy={"texts": 100, "seconds": 5.0, "seconds_for_all": 5.0 * articles / 100, "sampled": True},
            ratio_to_spacy=round(run["total"] / (5.0 * articles / 100), 2),
        )
        runs.append(run)
    step = {"seconds": {"ingest": 0.2, "enrich": 6.0}, "total": 6.2}
    return {
        "corpus": {
            "articles": 1100,
            "real": {"fnc1": 600, "polnear": 300},
            "variants": 200,
            "mean_words": 480.2,
            "max_variant_overlap": 0.39,
        },
        "processes": 2,
        "runs": runs,
        "growth": growth(runs),
        "incremental": {
            "new": 100,
            "store": 1000,
            "alone": step,
            "added": {**step, "total": 9.3},
            "ratio": 1.5,
            "target": 1.5,
        },
        "web": {
            "articles": 1000,
            "requests": 200,
            "clients": 8,
            "pages": {"story list": {"p50_ms": 20.5, "p95_ms": 80.1, "max_ms": 99.0, "requests_per_second": 60.2}},
        },
        "workdir": None,
    }


def test_report_reads_as_tables() -> None:
    result = _result()
    result["web"]["pages"]["story list"]["errors"] = 0
    text = format_scale_report(result)
    assert "| 1,000 | 65.0 | 15.38 | 50.0 (from 100) | x1.30 | 333 | 400 / 350 |" in text
    assert "scaled to all the articles" in text
    assert "| entities | 0.30 | 4.00 | x13.33 | 1.61 superlinear |" in text
    assert "faster than linear: entities" in text
    assert "x1.50 (target <= 1.5: met)" in text
    assert "| story list | 20.5 | 80.1 | 99.0 | 60.2 | 0 |" in text
    json.dumps(result)  # --json prints it as it is


def test_sizes_are_parsed_or_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_sizes("10000, 1000,1000") == (1000, 10000)
    for bad in ("a,b", "0,10", ""):
        with pytest.raises(NewsdeskError):
            parse_sizes(bad)
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", "scale", "data", "--sizes", "ten"])
    assert exit_info.value.code == 2 and "--sizes" in capsys.readouterr().err


def test_in_child_returns_the_result_or_the_error() -> None:
    assert in_child(math.factorial, 5) == 120
    with pytest.raises(NewsdeskError, match="ValueError"):
        in_child(math.factorial, -1)
    assert peak_memory_mb()["self"] > 0


class _Pages(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the server measured

    def do_GET(self) -> None:
        body = b"ok" if self.path != "/missing" else b"no"
        self.send_response(200 if self.path != "/missing" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_load_pages_counts_every_request_and_the_failures(local_server: int) -> None:
    paths = page_paths(["s-1", "s 2"], ["a-1"], 10)
    assert paths["story page"][:3] == ["/stories/s-1", "/stories/s%202", "/stories/s-1"]
    assert len(paths["search"]) == 10 and paths["story list"] == ["/"] * 10
    figures = load_pages(local_server, [*paths["article page"], "/missing"], clients=4)
    assert figures["requests"] == 11 and figures["errors"] == 1
    assert figures["first_errors"] == ["/missing: HTTP 404"]
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    with pytest.raises(NewsdeskError):
        page_paths([], ["a"], 5)


def test_a_generated_store_has_the_shape_of_an_analysis() -> None:
    from newsdesk.evaluation.scale_store import CLAIMS_PER_ARTICLE, fill_store
    from newsdesk.storage import MemoryStore

    with MemoryStore() as store:
        shape = fill_store(store, 400, seed=3)
        stories = store.stories()
        assert shape.articles == len(store.articles()) == 400
        assert sum(len(s.articles) for s in stories) == 400  # every article in one story
        assert 4 <= 400 / len(stories) <= 25 and shape.largest_story > 2 * 400 / len(stories)  # a long tail
        assert shape.claims == len(store.claims()) == 400 * CLAIMS_PER_ARTICLE
        assert shape.comparisons and shape.disputes and shape.mentions
        rows, total = store.story_rows(limit=5)
        assert total == len(stories) and rows[0].sources and rows[0].first_day
        assert store.search_count("police") > 0


def test_web_ids_spread_over_a_store(tmp_path: Path) -> None:
    from newsdesk.evaluation.scale_store import fill_store
    from newsdesk.evaluation.scale_web import web_ids
    from newsdesk.storage import SQLiteStore

    db = tmp_path / "web.db"
    with SQLiteStore(db) as store:
        fill_store(store, 120, seed=3)
        stored = {s.id for s in store.stories()}
    stories, articles = web_ids(db, count=5)
    assert len(articles) == 5 and len(set(articles)) == 5
    assert set(stories) <= stored and len(stories) == min(5, len(stored))
