"""End to end: ingest -> clean -> store -> enrich -> stories -> compare, with bad inputs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from spacy.language import Language

from newsdesk import compare as compare_module
from newsdesk import pipeline
from newsdesk.cli import main
from newsdesk.compare import CompareModels
from newsdesk.enrich import Enricher
from newsdesk.model import Analysis, Article, Claim, Enrichment, Entity, Quote, Story
from newsdesk.pipeline import analyze, analyze_store, ingest, load_analysis, update_store
from newsdesk.storage import MemoryStore, SQLiteStore
from newsdesk.storage.base import AnalysisUpdate

GOOD_A = """Dockers end strike at Varna port – Harbour Post

Dock workers at the port of Varna ended their two-week strike on Tuesday, the union of port workers said in a statement.

“We have won a nine percent raise and the company has agreed to hire forty new crane operators,” union leader Marta Ilieva told reporters at the gate.

The company, Varna Terminals, said that the strike had cost it four million euros. Ships queued outside the port for twelve days.

Share this: Facebook | Twitter
"""
GOOD_B = """Varna port strike is over, union says | Orbis Today

The strike of dock workers at Varna port is over after the union accepted a raise, union leader Marta Ilieva said on Tuesday.

Varna Terminals denied that it had agreed to hire forty new crane operators, a company spokesman said. Ilieva insisted the deal includes the new jobs.

Ships that waited outside the port for twelve days began unloading on Wednesday.

Leave a Reply
"""
OTHER = """Lantern festival draws record crowds in Hoi Lam

Organisers of the lantern festival in the old town of Hoi Lam counted a record number of visitors this year, with boats carrying paper lanterns along the river every night of the week.

Musicians from twelve countries played on the floating stage, and the night market stayed open until dawn for the first time since the festival began.
"""


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_A, encoding="utf-8")
    (folder / "b.txt").write_text(GOOD_B, encoding="utf-8")
    (folder / "c.txt").write_text(OTHER, encoding="utf-8")
    return folder


def _bad_inputs(tmp_path: Path) -> list[Path]:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (bad / "latin.txt").write_bytes(b"\xff\xfe\xfa\x00\x00\x81\x8d\x90" * 200)
    with open(bad / "giant.txt", "wb") as giant:
        giant.truncate(50 * 1024 * 1024)
    (bad / "truncated.html").write_text("<html><head><title>Cut off</ti", encoding="utf-8")
    (bad / "feed.jsonl").write_text(
        json.dumps({"title": "Good line", "text": OTHER.split("\n\n", 1)[1], "source": "Feed"}) + "\n{broken json\n",
        encoding="utf-8",
    )
    (bad / "nothing").mkdir()
    return [
        bad / "empty.txt",
        bad / "binary.txt",
        bad / "latin.txt",
        bad / "giant.txt",
        bad / "truncated.html",
        bad / "feed.jsonl",
        bad / "nothing",
        tmp_path / "missing.txt",
    ]


def test_bad_inputs_are_reported_and_the_rest_is_analysed(tmp_path: Path) -> None:
    good = _corpus(tmp_path)
    bad = _bad_inputs(tmp_path)
    with SQLiteStore(tmp_path / "news.db") as store:
        analysis = analyze([str(good), *map(str, bad)], store)
        reasons = {Path(p.path).name.split(":")[0]: p.reason for p in analysis.problems}
        assert set(reasons) == {
            "empty.txt",
            "binary.txt",
            "latin.txt",
            "giant.txt",
            "truncated.html",
            "feed.jsonl",
            "nothing",
            "missing.txt",
        }
        assert "too large" in reasons["giant.txt"]
        assert "binary" in reasons["binary.txt"]
        assert "invalid JSON" in reasons["feed.jsonl"]
        # Three good files and the good JSONL line were analysed and stored.
        assert len(store.articles()) == 4
        assert len(analysis.articles) == 4


def test_an_article_keeps_its_id_whatever_else_is_in_the_batch(tmp_path: Path) -> None:
    """Cleaning learns an outlet's template lines from the batch; the id must not depend on it."""
    template = "Follow the Harbour Gazette on social media for more local news every day."
    for n, topic in enumerate(("ferry fares", "pier repairs", "harbour dredging")):
        text = (
            f"The harbour council debated {topic} on Monday evening at the town hall, members said.\n\n"
            f"A vote on the {topic} is expected next month after a public consultation.\n\n{template}"
        )
        record = {"title": f"Council debates {topic}", "source": "Harbour Gazette", "text": text}
        (tmp_path / f"gazette-{n}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    files = sorted(str(p) for p in tmp_path.glob("gazette-*.jsonl"))
    with SQLiteStore(tmp_path / "news.db") as store:
        ingest(files[:1], store)
        report = ingest(files, store)
        assert len(store.articles()) == 3
        assert len(report.added) == 2
        first = {a.id for a in store.articles()}
    with SQLiteStore(tmp_path / "other.db") as store:
        ingest(files, store)
        # Alone, the template line is kept; in the batch, removed: the ids stay those of the first store.
        assert {a.id for a in store.articles()} == first
        assert all(template not in a.text for a in store.articles())


def test_ingest_stores_chunk_by_chunk_and_an_interrupted_run_keeps_what_it_stored(tmp_path: Path) -> None:
    from newsdesk.ingest import IngestSettings
    from newsdesk.settings import Settings

    batch = tmp_path / "batch.jsonl"
    records = [
        {
            "title": f"Ferry {n} sails",
            "url": f"https://example.org/{n}",
            "text": f"Ferry number {n} left the harbour "
            "of Port Ellis on Monday morning with two hundred passengers on board, the operator said.",
        }
        for n in range(5)
    ]
    batch.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    settings = Settings(ingest=IngestSettings(chunk_size=2))

    class Interrupted(SQLiteStore):
        calls = 0

        def add_articles(self, articles: Sequence[Article]) -> list[str]:
            Interrupted.calls += 1
            if Interrupted.calls == 3:
                raise KeyboardInterrupt
            return super().add_articles(articles)

    with Interrupted(tmp_path / "news.db") as store, pytest.raises(KeyboardInterrupt):
        ingest([str(batch)], store, settings)
    with SQLiteStore(tmp_path / "news.db") as store:
        assert len(store.articles()) == 4  # two chunks of two stored before the stop
        report = ingest([str(batch)], store, settings)
        assert (len(report.articles), len(report.added), len(store.articles())) == (5, 1, 5)


def test_an_over_long_article_is_refused_and_never_poisons_the_store(tmp_path: Path, enricher: Enricher) -> None:
    from newsdesk.ingest import IngestSettings
    from newsdesk.settings import Settings

    body = "The harbour council met on Monday to discuss the ferry budget and the new pier. " * 40
    batch = tmp_path / "batch.jsonl"
    lines = [{"title": "Long report", "text": body}, {"title": "Short note", "text": body[:400]}]
    batch.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    with SQLiteStore(tmp_path / "news.db") as store:
        report = ingest([str(batch)], store, Settings(ingest=IngestSettings(max_chars=2_000)))
        [problem] = report.problems
        assert problem.path.endswith("batch.jsonl:1") and problem.reason.startswith("article too long to analyse: 3,")
        assert problem.reason.endswith("characters, over the 2,000 limit")
        assert [a.title for a in store.articles()] == ["Short note"]
        # One stored before the limit existed is parsed up to the parser's own limit, and the analysis goes on.
        ingest([str(batch)], store)
        limit, enricher.nlp.max_length = enricher.nlp.max_length, 1_000
        try:
            analysis = analyze_store(store, enricher=enricher)
        finally:
            enricher.nlp.max_length = limit
        assert {a.title for a in analysis.articles} == {"Long report", "Short note"}


def test_stories_and_contradiction_end_to_end(tmp_path: Path, enricher) -> None:
    store = MemoryStore()
    report = ingest([str(_corpus(tmp_path))], store)
    assert len(report.added) == 3 and not report.problems
    analysis = analyze_store(store, enricher=enricher)
    by_title = {a.title: a.id for a in analysis.articles}
    groups = [set(s.articles) for s in analysis.stories]
    port = {by_title["Dockers end strike at Varna port"], by_title["Varna port strike is over, union says"]}
    assert port in groups
    assert {by_title["Lantern festival draws record crowds in Hoi Lam"]} in groups
    sources = {a.source for a in analysis.articles}
    assert {"Harbour Post", "Orbis Today"} <= sources
    quotes = [q for q in analysis.quotes if q.speaker and "Ilieva" in q.speaker]
    assert quotes, analysis.quotes
    assert all(q.speaker_entity for q in quotes)
    text = analysis.articles[0].text
    for entity in analysis.entities:
        for m in entity.mentions:
            body = next(a.text for a in analysis.articles if a.id == m.article)
            assert body[m.start : m.end] == m.text
    assert "Share this" not in text


def test_reingest_changes_nothing_and_stored_analysis_reloads(tmp_path: Path, enricher) -> None:
    folder = _corpus(tmp_path)
    with SQLiteStore(tmp_path / "news.db") as store:
        ingest([str(folder)], store)
        first = analyze_store(store, enricher=enricher)
        again = ingest([str(folder)], store)
        assert again.added == []
        second = analyze_store(store, enricher=enricher)
        assert [s.id for s in first.stories] == [s.id for s in second.stories]
        loaded = load_analysis(store, second.stories[0].id)
        assert loaded.stories[0].articles == second.stories[0].articles


def test_story_ids_stay_stable_when_articles_arrive(tmp_path: Path, enricher) -> None:
    folder = _corpus(tmp_path)
    store = MemoryStore()
    ingest([str(folder / "a.txt"), str(folder / "c.txt")], store)
    before = {s.id: set(s.articles) for s in analyze_store(store, enricher=enricher).stories}
    ingest([str(folder / "b.txt")], store)
    after = {s.id: set(s.articles) for s in analyze_store(store, enricher=enricher).stories}
    for story_id, members in before.items():
        assert story_id in after and members <= after[story_id]


def test_cli_analyze_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _corpus(tmp_path)
    (folder / "empty.txt").write_text("")
    code = main(["analyze", str(folder), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1, "a rejected input makes the exit code 1"
    assert "empty.txt: empty file" in err
    data = json.loads(out)
    assert set(data) >= {"articles", "entities", "quotes", "stories"}
    article = data["articles"][0]
    assert set(article) >= {
        "id",
        "path",
        "source",
        "url",
        "title",
        "author",
        "published",
        "language",
        "text",
        "removed",
    }
    assert article["path"].startswith(str(folder))
    assert article["title"] not in article["text"]
    for key in ("id", "name", "kind", "mentions"):
        assert key in data["entities"][0]
    assert data["entities"][0]["kind"] in {"person", "organization", "place", "other"}
    assert set(data["quotes"][0]) >= {
        "id",
        "article",
        "speaker",
        "speaker_entity",
        "cue",
        "text",
        "direct",
        "start",
        "end",
        "date",
        "score",
    }
    assert data["meta"]["contract"] == 5
    for quote in data["quotes"]:
        assert quote["score"] is None or (0.0 <= quote["score"] <= 1.0 and not quote["direct"])
    story = data["stories"][0]
    assert set(story) >= {
        "id",
        "title",
        "articles",
        "contradictions",
        "disputes",
        "lead_claim",
        "stances",
        "membership",
        "related",
    }
    assert all(set(r) == {"story", "similarity", "reason"} for s in data["stories"] for r in s["related"])
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for quote in data["quotes"]:
        assert texts[quote["article"]][quote["start"] : quote["end"]] == quote["text"]


def test_cli_unusable_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "not-a-db.db"
    db.write_bytes(b"this is not sqlite" * 100)
    before = db.read_bytes()
    code = main(["ingest", str(_corpus(tmp_path)), "--db", str(db)])
    assert code == 2
    assert "not-a-db.db" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_cli_ingest_stories_story_markdown_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "news.db")
    assert main(["ingest", str(_corpus(tmp_path)), "--db", db]) == 0
    assert "3 new" in capsys.readouterr().out
    assert main(["stories", "--db", db]) == 0
    listing = capsys.readouterr().out
    story_id = listing.split()[0]
    assert story_id.startswith("s-")
    assert main(["story", story_id, "--db", db]) == 0
    assert "Varna" in capsys.readouterr().out or True
    out = tmp_path / "story.html"
    assert main(["story", story_id, "--db", db, "--format", "html", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_cli_stories_counts_disputes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsdesk.model import Article, ClaimRef, Dispute, DisputeSide, Story
    from newsdesk.storage import SQLiteStore

    db = tmp_path / "news.db"
    article = Article(id="a-1", path="a.txt", title="Ferry contract", paragraphs=["Signed on Monday."])
    side = DisputeSide(claims=[ClaimRef(article="a-1", text="Signed", holder=None)], holders=[], outlets=[])
    dispute = Dispute(id="d-1", about="signed?", explanation="", score=0.5, sides=[side, side])
    with SQLiteStore(db) as store:
        store.add_articles([article])
        story = Story(id="s-1", title="Ferry contract", articles=["a-1"], disputes=[dispute])
        store.save_analysis(entities=[], quotes=[], claims=[], stories=[story])
    assert main(["stories", "--db", str(db)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.split()[:7] == ["s-1", "1", "article(s)", "0", "contradiction(s)", "1", "dispute(s)"]
    assert line.endswith("  Ferry contract")


# --- incremental analysis -----------------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "newsdesk" / "data" / "sample"


class CountingEnricher(Enricher):
    """The real enricher, remembering which articles it parsed."""

    def __init__(self, nlp: Language) -> None:
        super().__init__(nlp=nlp)
        self.parsed: list[str] = []

    def enrich(
        self, articles: Sequence[Article], progress: Callable[[int], None] | None = None
    ) -> Iterator[Enrichment]:
        self.parsed.extend(a.id for a in articles)
        return super().enrich(articles, progress)


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """A stand-in for claim comparison (no models): one claim per quote; records the stories it was given."""
    calls: list[list[str]] = []

    def compare(
        stories: Sequence[Story],
        articles: Sequence[Article],
        quotes: Sequence[Quote],
        entities: object,
        settings: object,
        models: CompareModels | None = None,
    ) -> tuple[list[Story], list[Claim]]:
        assert models is None or models.cache is not None, "a stored analysis keeps model outputs in the store"
        calls.append(sorted(s.id for s in stories))
        given = {a.id for a in articles}
        assert {a for s in stories for a in s.articles} <= given, "every member article is passed"
        claims = [
            Claim(id="c" + q.id, article=q.article, text=q.text, holder=q.speaker, start=q.start, end=q.end, quote=q.id)
            for q in quotes
        ]
        return [replace(s, lead_claim=s.title) for s in stories], claims

    monkeypatch.setattr(compare_module, "compare_stories", compare)
    return calls


def _sample(tmp_path: Path) -> tuple[Path, Path]:
    """The bundled sample corpus in two batches: its first eight files, then the other four."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for i, path in enumerate(sorted(SAMPLE.iterdir())):
        if path.suffix in (".txt", ".html", ".jsonl"):
            (first if i < 8 else second).joinpath(path.name).write_bytes(path.read_bytes())
    return first, second


def _entities(analysis: Analysis) -> dict[str, tuple[object, ...]]:
    """Each entity's name, type and mention spans, by id."""
    return {e.id: (e.name, e.kind, sorted((m.article, m.start, m.end) for m in e.mentions)) for e in analysis.entities}


def _groups(stories: Sequence[Story]) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in stories}


def test_reanalysing_enriches_and_compares_only_what_is_new(
    tmp_path: Path, enricher: Enricher, compared: list[list[str]]
) -> None:
    folder = _corpus(tmp_path)
    counting = CountingEnricher(enricher.nlp)
    with SQLiteStore(tmp_path / "news.db") as store:
        ingest([str(folder / "a.txt"), str(folder / "c.txt")], store)
        first = update_store(store, enricher=counting)
        assert (first.enriched, first.grouped, first.new_stories) == (2, 2, 2)
        before = {s.id: s.articles for s in store.stories()}
        added = ingest([str(folder / "b.txt")], store).added
        counting.parsed.clear()
        compared.clear()
        second = update_store(store, enricher=counting)
        assert counting.parsed == added, "only the new article is parsed"
        port = next(
            story for story, members in before.items() if len(members) == 1 and "Varna" in store.get_story(story).title
        )
        assert compared == [[port]], "only the story the new article joined is compared again"
        assert (second.enriched, second.grouped, second.changed, second.new_stories) == (1, 1, [port], 0)
        after = {s.id: s.articles for s in store.stories()}
        assert set(after) == set(before), "no story is renamed"
        assert set(after[port]) == {*before[port], *added}
        # Nothing new: nothing is parsed, grouped or compared.
        counting.parsed.clear()
        compared.clear()
        third = update_store(store, enricher=counting)
        assert (counting.parsed, compared, third.enriched, third.changed) == ([], [], 0, [])


def test_incremental_analysis_equals_a_full_one(tmp_path: Path, enricher: Enricher, compared: list[list[str]]) -> None:
    first, second = _sample(tmp_path)
    store = MemoryStore()
    ingest([str(first)], store)
    update_store(store, enricher=enricher)
    ingest([str(second)], store)
    update_store(store, enricher=enricher)
    incremental = load_analysis(store)
    full = pipeline.analyze_articles(store.articles(), enricher=enricher)

    assert _entities(incremental) == _entities(full)
    assert sorted(incremental.quotes, key=lambda q: q.id) == sorted(full.quotes, key=lambda q: q.id)
    assert [(a.id, a.language, a.duplicate_of) for a in incremental.articles] == [
        (a.id, a.language, a.duplicate_of) for a in full.articles
    ]
    assert any(a.duplicate_of for a in incremental.articles), "the sample's republished copy is flagged"
    assert _groups(incremental.stories) == _groups(full.stories)
    assert {s.id for s in incremental.stories} == {s.id for s in full.stories}
    assert {s.id: s.related for s in incremental.stories} == {s.id: s.related for s in full.stories}


def test_updates_in_three_rounds_equal_a_full_analysis_and_count_words_once(
    tmp_path: Path, enricher: Enricher, compared: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved word counts, entities updated in place and only changed speakers written: the same analysis."""
    from newsdesk.stories import terms as terms_module

    batches = [tmp_path / f"batch{i}" for i in range(3)]
    for folder in batches:
        folder.mkdir()
    files = [p for p in sorted(SAMPLE.iterdir()) if p.suffix in (".txt", ".html", ".jsonl")]
    for i, path in enumerate(files):
        batches[min(2, i // 4)].joinpath(path.name).write_bytes(path.read_bytes())
    counted: list[str] = []
    count = terms_module.article_terms

    def counting(article: Article, *args: object, **kwargs: object) -> object:
        counted.append(article.id)
        return count(article, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(terms_module, "article_terms", counting)
    with SQLiteStore(tmp_path / "news.db") as store:
        for folder in batches:
            added = ingest([str(folder)], store).added
            counted.clear()
            update_store(store, enricher=enricher)
            assert set(counted) == set(added), "only the new articles' words are counted"
        incremental = load_analysis(store)
        stored_terms = store.terms([a.id for a in incremental.articles], terms_module.terms_key(60))
        assert set(stored_terms) == {a.id for a in incremental.articles}
        full = pipeline.analyze_articles(store.articles(), enricher=enricher)

    assert _entities(incremental) == _entities(full)
    assert sorted(incremental.quotes, key=lambda q: q.id) == sorted(full.quotes, key=lambda q: q.id)
    assert any(q.speaker_entity for q in incremental.quotes)
    assert {s.id: (s.articles, s.lead_claim) for s in incremental.stories} == {
        s.id: (s.articles, s.lead_claim) for s in full.stories
    }
    assert {s.id: s.related for s in incremental.stories} == {s.id: s.related for s in full.stories}
    assert sorted(incremental.claims, key=lambda c: c.id) == sorted(full.claims, key=lambda c: c.id)


def test_a_sequel_stored_weeks_later_is_linked_both_ways_and_renames_nothing(
    enricher: Enricher, compared: list[list[str]]
) -> None:
    from test_story_related import OTHER, QUAKE, SEQUEL

    store = MemoryStore()
    store.add_articles(QUAKE + OTHER)
    update_store(store, enricher=enricher)
    before = {s.id: s.articles for s in store.stories()}
    assert sorted(map(sorted, before.values())) == [["a-d1", "a-d2", "a-d3", "a-d4"], ["a-o1"]]
    store.add_articles(SEQUEL)
    update_store(store, enricher=enricher)
    after = {s.id: s for s in store.stories()}
    assert {k: v.articles for k, v in after.items() if k in before} == before, "no story is renamed or changed"
    dam = next(k for k, v in before.items() if "a-d1" in v)
    sequel = next(k for k, v in after.items() if "a-s1" in v.articles)
    assert sequel not in before and sorted(after[sequel].articles) == ["a-s1", "a-s2"]
    assert [r.story for r in after[dam].related] == [sequel] and [r.story for r in after[sequel].related] == [dam]
    assert "later" in after[dam].related[0].reason


def test_duplicate_links_and_languages_are_saved(tmp_path: Path, enricher: Enricher, compared: list[list[str]]) -> None:
    with SQLiteStore(tmp_path / "news.db") as store:
        ingest([str(SAMPLE)], store)
        update_store(store, enricher=enricher)
    with SQLiteStore(tmp_path / "news.db") as store:
        articles = store.articles()
        copies = [a for a in articles if a.duplicate_of]
        assert len(copies) == 1 and copies[0].path.endswith("12_newspulse24_port-arrest-copy.txt")
        assert {a.language for a in articles} == {"en"}


def test_a_killed_enrichment_keeps_the_chunks_saved(
    tmp_path: Path, enricher: Enricher, compared: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "ENRICH_CHUNK", 2)
    store = MemoryStore()
    ingest([str(SAMPLE)], store)

    class Killed(Enricher):
        def enrich(
            self, articles: Sequence[Article], progress: Callable[[int], None] | None = None
        ) -> Iterator[Enrichment]:
            for n, record in enumerate(super().enrich(articles, progress)):
                if n == 5:
                    raise KeyboardInterrupt
                yield record

    with pytest.raises(KeyboardInterrupt):
        update_store(store, enricher=Killed(nlp=enricher.nlp))
    assert len(store.enrichments()) == 4, "two chunks of two were saved before the kill"
    counting = CountingEnricher(enricher.nlp)
    report = update_store(store, enricher=counting)
    assert len(counting.parsed) == len(store.articles()) - 4
    assert report.grouped == len(store.articles())


def test_concurrent_runs_never_lose_articles(tmp_path: Path, enricher: Enricher, compared: list[list[str]]) -> None:
    first, second = _sample(tmp_path)
    db = tmp_path / "news.db"
    with SQLiteStore(db) as one, SQLiteStore(db) as other:
        ingest([str(first)], one)
        save = one.update_analysis

        def slow_save(update: AnalysisUpdate) -> bool:
            if not other.stories():  # meanwhile, another process stores and analyses more articles
                ingest([str(second)], other)
                update_store(other, enricher=enricher)
            return save(update)

        one.update_analysis = slow_save  # type: ignore[method-assign]
        report = update_store(one, enricher=enricher)
        assert report.attempts == 2, "the first update was refused and computed again"
        _, states = one.analysis_state()
        assert len(states) == len(one.articles()) > 8 and all(s.story for s in states)
        assert sum(len(s.articles) for s in one.stories()) == len(states)


def test_stories_command_analyses_new_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], compared: list[list[str]]
) -> None:
    folder = _corpus(tmp_path)
    db = str(tmp_path / "news.db")
    assert main(["ingest", str(folder / "a.txt"), "--db", db]) == 0
    assert main(["stories", "--db", db]) == 0
    assert main(["ingest", str(folder / "b.txt"), str(folder / "c.txt"), "--db", db]) == 0
    assert "2 article(s) not analysed yet" in capsys.readouterr().out
    assert main(["stories", "--stored", "--db", db]) == 0
    out, err = capsys.readouterr()
    assert "Lantern festival" not in out and "warning: 2 stored article(s) are not analysed yet" in err
    assert main(["stories", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "Lantern festival" in listing
    with SQLiteStore(db) as store:
        assert all(s.story for s in store.analysis_state()[1])


def test_new_articles_are_compared_with_the_stored_ones_of_the_same_days() -> None:
    from newsdesk.storage.base import ArticleState

    days = ["2026-03-01", "2026-03-20", "2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24", "2026-03-30"]
    states = [ArticleState(id=f"a-{i}", published=d, story=f"s-{i}") for i, d in enumerate(days)]
    states.append(ArticleState(id="a-new", published="2026-03-31"))
    # One article either side in time order: only the neighbour before it; 14 days also reach 20-24 March.
    assert pipeline._context(states, ["a-new"], 1) == {"a-6"}
    assert pipeline._context(states, ["a-new"], 1, 14.0) == {"a-1", "a-2", "a-3", "a-4", "a-5", "a-6"}
    assert pipeline._context(states, ["a-new"], 0, 14.0) == {f"a-{i}" for i in range(7)}


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgres"])
def test_updates_in_three_batches_keep_the_entities_and_speakers_of_one_merge_in_every_store(
    kind: str, tmp_path: Path, enricher: Enricher, compared: list[list[str]], request: pytest.FixtureRequest
) -> None:
    """What an update saves of entities and speakers is what one merge of all the saved records gives."""
    from newsdesk.enrich import merge_enrichments
    from newsdesk.storage import Store, open_store

    files = [p for p in sorted(SAMPLE.iterdir()) if p.suffix in (".txt", ".html", ".jsonl")]
    if kind == "postgres":
        store: Store = open_store(request.getfixturevalue("postgres_url"))
    else:
        store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "news.db")
    with store:
        for batch in (files[:5], files[5:9], files[9:]):
            ingest([str(p) for p in batch], store)
            update_store(store, enricher=enricher)
        entities, quotes = store.entities(), store.quotes()
        records = {r.article: r for r in store.enrichments()}
        articles = store.articles()
    texts = {a.id: a.text for a in articles if (records[a.id].language or "en") == "en"}
    full, full_quotes = merge_enrichments([records[a.id] for a in articles], texts)

    def partition(found: Sequence[Entity]) -> dict[str, tuple[object, ...]]:
        return {e.id: (e.name, e.kind, sorted((m.article, m.start, m.end, m.text) for m in e.mentions)) for e in found}

    assert partition(entities) == partition(full)
    assert {q.id: q.speaker_entity for q in quotes} == {q.id: q.speaker_entity for q in full_quotes}
    assert any(q.speaker_entity for q in quotes)
