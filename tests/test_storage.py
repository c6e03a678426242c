"""Tests of newsdesk.storage: the shared Store contract on both stores, then SQLite's file handling."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    NotFoundError,
    SchemaTooNewError,
    StorageError,
)
from newsdesk.model import (
    Article,
    ArticleStance,
    ArticleTerms,
    Claim,
    ClaimRef,
    Comparison,
    Dispute,
    DisputeSide,
    Enrichment,
    Entity,
    FoundMention,
    Mention,
    Problem,
    Quote,
    Removed,
    Story,
)
from newsdesk.storage import MemoryStore, SQLiteStore, Store, open_store
from newsdesk.storage import sql as sql_module
from newsdesk.storage.base import SNIPPET_END, SNIPPET_START, AnalysisUpdate, ArticleState, StoryQuery
from newsdesk.storage.migrations import LATEST_VERSION, MIGRATIONS, apply_migrations, split_statements


def make_article(title: str, *paragraphs: str, **fields: Any) -> Article:
    body = list(paragraphs)
    return Article(id=Article.make_id(title, body), path=f"in/{title[:10]}.txt", title=title, paragraphs=body, **fields)


FLOOD = make_article(
    "Floods close the river bridge",
    "Heavy rain flooded the valley on Monday.",
    'The mayor, Ana Núñez, said: "The bridge stays closed until Friday."',
    source="Daily Post",
    url="https://example.org/floods",
    author="J. Doe",
    published="2024-03-04",
    language="en",
    removed=[Removed(text="Subscribe now!", reason="boilerplate"), Removed(text="Share", reason="ui")],
)
BUDGET = make_article(
    "Council passes budget",
    "The council approved the 2024 budget by seven votes to two.",
    "Elections are due next spring.",
)
BRIDGE = make_article(
    "Bridge reopens early",
    "The river bridge reopened on Wednesday, officials said.",
    source="Evening News",
    duplicate_of=None,
)
ARTICLES = [FLOOD, BUDGET, BRIDGE]


def make_analysis(
    articles: list[Article] = ARTICLES,
) -> tuple[list[Entity], list[Quote], list[Claim], list[Story]]:
    flood, budget, bridge = articles
    entities = [
        Entity(
            id="e-nunez",
            name="Ana Núñez",
            kind="person",
            mentions=[Mention(article=flood.id, text="Ana Núñez", start=54, end=63)],
        ),
        Entity(
            id="e-bridge",
            name="river bridge",
            kind="place",
            mentions=[
                Mention(article=flood.id, text="bridge", start=70, end=76),
                Mention(article=bridge.id, text="river bridge", start=4, end=16),
            ],
        ),
        Entity(id="e-council", name="council", kind="organization"),
    ]
    quotes = [
        Quote(
            id="q-1",
            article=flood.id,
            speaker="Ana Núñez",
            speaker_entity="e-nunez",
            cue="said",
            text="The bridge stays closed until Friday.",
            direct=True,
            start=66,
            end=103,
            date="2024-03-04",
        ),
        Quote(
            id="q-2",
            article=bridge.id,
            speaker="officials",
            speaker_entity=None,
            cue=None,
            text="The river bridge reopened on Wednesday",
            direct=False,
            start=0,
            end=38,
            score=0.62,
        ),
    ]
    claims = [
        Claim(
            id="c-1",
            article=flood.id,
            text="The bridge stays closed until Friday.",
            holder="Ana Núñez",
            start=66,
            end=103,
            quote="q-1",
            date="2024-03-08",
        ),
        Claim(
            id="c-2",
            article=bridge.id,
            text="The river bridge reopened on Wednesday",
            holder=None,
            start=0,
            end=38,
            negated=True,
        ),
        Claim(id="c-3", article=budget.id, text="approved the budget", holder="Daily Post", start=4, end=23),
    ]
    stories = [
        Story(
            id="s-bridge",
            title="River bridge closure",
            articles=[bridge.id, flood.id],
            comparisons=[
                Comparison(
                    about="bridge reopening date",
                    relation="contradict",
                    kind="date",
                    explanation="Friday vs Wednesday",
                    score=0.8125,
                    a=ClaimRef(article=flood.id, text="closed until Friday", holder="Ana Núñez"),
                    b=ClaimRef(article=bridge.id, text="reopened on Wednesday", holder=None),
                ),
                Comparison(
                    about="rain",
                    relation="agree",
                    kind="event",
                    explanation="",
                    score=0.5,
                    a=ClaimRef(article=flood.id, text="rain", holder=None),
                    b=ClaimRef(article=flood.id, text="rain", holder=None),
                ),
            ],
            disputes=[
                Dispute(
                    id="d-reopening",
                    about="when the bridge reopens",
                    explanation="Ana Núñez says Friday; Evening News reports Wednesday",
                    score=0.8125,
                    sides=[
                        DisputeSide(
                            claims=[
                                ClaimRef(article=flood.id, text="closed until Friday", holder="Ana Núñez"),
                                ClaimRef(article=flood.id, text="stays shut “all week” 📰", holder="Ana Núñez"),
                            ],
                            holders=["Ana Núñez"],
                            outlets=["Daily Post"],
                        ),
                        DisputeSide(
                            claims=[ClaimRef(article=bridge.id, text="reopened on Wednesday", holder=None)],
                            holders=[],
                            outlets=["Evening News", '["not", "json"]'],
                        ),
                    ],
                    first_seen="2024-03-04",
                    last_seen="2024-03-06T09:30",
                ),
                Dispute(id="d-empty", about="", explanation="", score=0.0, sides=[]),
            ],
            lead_claim="The river bridge reopened on Wednesday",
            stances=[
                ArticleStance(article=bridge.id, stance="supports", score=0.93),
                ArticleStance(article=flood.id, stance="disputes", score=0.71875),
            ],
        ),
        Story(id="s-budget", title="Budget", articles=[budget.id]),
    ]
    return entities, quotes, claims, stories


def save(store: Store, analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    entities, quotes, claims, stories = analysis
    store.save_analysis(entities=entities, quotes=quotes, claims=claims, stories=stories)


def snapshot(store: Store) -> tuple[object, ...]:
    return (store.articles(), store.entities(), store.quotes(), store.claims(), store.stories())


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store of the contract: in memory, an SQLite file, and a PostgreSQL database ($NEWSDESK_TEST_POSTGRES)."""
    if request.param == "memory":
        opened = open_store(None)
    elif request.param == "sqlite":
        opened = open_store(str(tmp_path / "newsdesk.db"))
    else:
        opened = open_store(request.getfixturevalue("postgres_url"))
    with opened:
        yield opened


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_articles(ARTICLES)
    save(store, make_analysis())
    return store


# --- the shared contract ---------------------------------------------------------


def test_open_store_picks_the_implementation(tmp_path: Path) -> None:
    assert isinstance(open_store(None), MemoryStore)
    assert isinstance(open_store(":memory:"), MemoryStore)
    with open_store(tmp_path / "a.db") as store:
        assert isinstance(store, SQLiteStore)
    for implementation in (MemoryStore(), SQLiteStore(tmp_path / "b.db")):
        assert isinstance(implementation, Store)
        implementation.close()


def test_add_articles_returns_new_ids_and_is_idempotent(store: Store) -> None:
    assert store.add_articles([FLOOD, BUDGET, FLOOD]) == [FLOOD.id, BUDGET.id]
    assert store.add_articles([BUDGET, FLOOD]) == []
    assert store.add_articles([BRIDGE, FLOOD]) == [BRIDGE.id]
    assert store.add_articles([]) == []
    assert [a.id for a in store.articles()] == [FLOOD.id, BUDGET.id, BRIDGE.id]


def test_a_large_batch_is_added_in_chunks_in_order(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_module, "ADD_CHUNK", 2)
    many = [make_article(f"Article {i}", f"Body {i}.") for i in range(5)]
    assert store.add_articles([many[1], *many]) == [a.id for a in [many[1], many[0], *many[2:]]]
    assert [a.id for a in store.articles()] == [a.id for a in [many[1], many[0], *many[2:]]]


def test_readding_keeps_the_first_copy(store: Store) -> None:
    store.add_articles([FLOOD])
    store.add_articles([dataclasses.replace(FLOOD, path="elsewhere.txt", source="Other")])
    assert store.get_article(FLOOD.id) == FLOOD


def test_articles_round_trip_exactly(store: Store) -> None:
    odd = make_article("  Spaces\tand “quotes” ", "first\nline", "", "emoji 📰 and ünïcödé", "[1, 2]")
    store.add_articles([*ARTICLES, odd])
    assert store.articles() == [*ARTICLES, odd]
    assert store.get_article(odd.id).paragraphs == ["first\nline", "", "emoji 📰 and ünïcödé", "[1, 2]"]
    assert store.get_article(FLOOD.id).removed == FLOOD.removed
    assert store.get_article(BUDGET.id).source is None


def test_get_article_missing_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="a-missing"):
        store.get_article("a-missing")


def test_articles_by_ids_in_insertion_order(store: Store) -> None:
    store.add_articles(ARTICLES)
    assert store.articles([BRIDGE.id, FLOOD.id, BRIDGE.id]) == [FLOOD, BRIDGE]
    assert store.articles([]) == []
    with pytest.raises(NotFoundError, match="a-nope"):
        store.articles([FLOOD.id, "a-nope"])


def test_returned_objects_are_copies(filled: Store) -> None:
    filled.get_article(FLOOD.id).paragraphs.append("tampered")
    filled.articles()[0].removed.clear()
    filled.entities()[0].mentions.clear()
    filled.stories()[0].articles.clear()
    assert filled.get_article(FLOOD.id) == FLOOD
    assert filled.entities() == make_analysis()[0]
    assert filled.stories() == make_analysis()[3]


def test_search_finds_title_and_body_with_snippet(store: Store) -> None:
    store.add_articles(ARTICLES)
    results = store.search("bridge")
    assert {a.id for a, _ in results} == {FLOOD.id, BRIDGE.id}
    for article, snippet in results:
        assert f"{SNIPPET_START}" in snippet and SNIPPET_END in snippet
        assert isinstance(article, Article)
    ids = [a.id for a, _ in store.search("BUDGET council")]
    assert ids == [BUDGET.id]
    assert store.search("bridge budget") == []


def test_search_stems_and_folds_accents(store: Store) -> None:
    store.add_articles(ARTICLES)
    assert [a.id for a, _ in store.search("election")] == [BUDGET.id]
    assert [a.id for a, _ in store.search("nunez")] == [FLOOD.id]


def test_search_limit(store: Store) -> None:
    store.add_articles(ARTICLES)
    assert len(store.search("the", limit=2)) == 2
    assert store.search("the", limit=0) == []


def test_search_pages_through_every_match_and_counts_them(store: Store) -> None:
    store.add_articles(ARTICLES)
    everything = [a.id for a, _ in store.search("the", limit=100)]
    assert store.search_count("the") == len(everything) == 3
    pages = [[a.id for a, _ in store.search("the", limit=2, offset=offset)] for offset in (0, 2, 4)]
    assert pages == [everything[:2], everything[2:], []]
    assert store.search_count("bridge budget") == 0 and store.search_count("  ") == 0


@pytest.mark.parametrize(
    "query",
    [
        'bridge AND "',
        '"unterminated',
        "NEAR(bridge",
        "bridge*",
        "-bridge",
        "title:bridge",
        "^bridge",
        "(bridge OR",
        "bridge) NOT",
        "'; DROP TABLE articles; --",
        '""',
        "*",
        ":",
        "{title text}: x",
        "a\x00b",
    ],
)
def test_search_never_raises_on_syntax_characters(store: Store, query: str) -> None:
    store.add_articles(ARTICLES)
    results = store.search(query)
    assert isinstance(results, list)
    assert len(store.articles()) == 3


def test_search_syntax_is_taken_literally(store: Store) -> None:
    store.add_articles(ARTICLES)
    assert {a.id for a, _ in store.search("-river +bridge")} == {FLOOD.id, BRIDGE.id}
    assert store.search("   ") == []
    assert store.search("OR") == []  # a word like any other, and no article contains it


def test_save_analysis_round_trips(filled: Store) -> None:
    entities, quotes, claims, stories = make_analysis()
    assert filled.entities() == entities
    assert filled.quotes() == quotes
    assert filled.claims() == claims
    assert filled.stories() == stories
    assert filled.get_story("s-bridge") == stories[0]
    assert filled.get_story("s-bridge").contradictions == [stories[0].comparisons[0]]
    assert filled.quotes(FLOOD.id) == [quotes[0]]
    assert filled.claims(BUDGET.id) == [claims[2]]
    assert filled.quotes("a-unknown") == []


def test_disputes_lead_claim_and_stances_round_trip(filled: Store) -> None:
    story = make_analysis()[3][0]
    loaded = filled.get_story("s-bridge")
    assert loaded.disputes == story.disputes
    assert [len(side.claims) for side in loaded.disputes[0].sides] == [2, 1]
    assert loaded.disputes[0].sides[1].outlets == ["Evening News", '["not", "json"]']
    assert loaded.disputes[1].sides == [] and loaded.disputes[1].first_seen is None
    assert loaded.lead_claim == "The river bridge reopened on Wednesday"
    assert loaded.stances == story.stances
    budget = filled.get_story("s-budget")
    assert (budget.disputes, budget.lead_claim, budget.stances) == ([], None, [])
    filled.stories()[0].disputes[0].sides[0].claims.clear()
    assert filled.get_story("s-bridge").disputes == story.disputes


def test_save_analysis_replaces_all_derived_data(filled: Store) -> None:
    entities, _, _, stories = make_analysis()
    filled.save_analysis(entities=entities[:1], quotes=[], claims=[], stories=[stories[1]])
    assert filled.entities() == entities[:1]
    assert filled.quotes() == []
    assert filled.claims() == []
    assert filled.stories() == [stories[1]]
    with pytest.raises(NotFoundError, match="s-bridge"):
        filled.get_story("s-bridge")
    filled.save_analysis(entities=[], quotes=[], claims=[], stories=[])
    assert snapshot(filled) == (ARTICLES, [], [], [], [])


def test_get_story_missing_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="s-none"):
        store.get_story("s-none")


def _bad_mention(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[0][1].mentions.append(Mention(article="a-not-stored", text="x", start=0, end=1))


def _bad_story_member(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[3][1].articles.append("a-not-stored")


def _bad_comparison(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[3][0].comparisons[1].b.article = "a-not-stored"


def _bad_speaker_entity(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[1][1].speaker_entity = "e-not-saved"


def _bad_claim_quote(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[2][1].quote = "q-not-saved"


def _duplicate_claim(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[2].append(analysis[2][0])


def _bad_kind(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[0][0].kind = "alien"  # type: ignore[assignment]


def _bad_relation(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[3][0].comparisons[0].relation = "maybe"  # type: ignore[assignment]


def _bad_dispute_claim(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[3][0].disputes[0].sides[1].claims[0].article = "a-not-stored"


def _duplicate_dispute(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[3][0].disputes[1].id = analysis[3][0].disputes[0].id


def _bad_stance_article(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[3][0].stances[0].article = "a-not-stored"


def _bad_stance(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[3][0].stances[0].stance = "agrees"  # type: ignore[assignment]


def _duplicate_stance(analysis: tuple[list[Entity], list[Quote], list[Claim], list[Story]]) -> None:
    analysis[3][0].stances[1].article = analysis[3][0].stances[0].article


@pytest.mark.parametrize(
    "spoil",
    [
        _bad_mention,
        _bad_story_member,
        _bad_comparison,
        _bad_speaker_entity,
        _bad_claim_quote,
        _duplicate_claim,
        _bad_kind,
        _bad_relation,
        _bad_dispute_claim,
        _duplicate_dispute,
        _bad_stance_article,
        _bad_stance,
        _duplicate_stance,
    ],
)
def test_rejected_analysis_keeps_the_previous_one(filled: Store, spoil: object) -> None:
    before = snapshot(filled)
    analysis = make_analysis()
    analysis[0].append(Entity(id="e-new", name="New", kind="other"))  # something that would be written first
    spoil(analysis)  # type: ignore[operator]
    with pytest.raises(StorageError, match="nothing was written"):
        save(filled, analysis)
    assert snapshot(filled) == before


# --- incremental analysis ------------------------------------------------------------


def _enrichment(article: Article, *quotes: Quote) -> Enrichment:
    mention = Mention(article=article.id, text=article.title.split()[0], start=0, end=len(article.title.split()[0]))
    return Enrichment(
        article=article.id,
        language="en",
        mentions=[FoundMention(mention=mention, kind="place")],
        aliases=[("National Front", "NF")],
        quotes=list(quotes),
        minhash=bytes(range(8)),
    )


def test_enrichments_are_saved_once_and_round_trip(store: Store) -> None:
    store.add_articles(ARTICLES)
    quote = dataclasses.replace(make_analysis()[1][0], speaker_entity=None)
    first = _enrichment(FLOOD, quote)
    assert store.save_enrichments([first, _enrichment(BUDGET)]) == [FLOOD.id, BUDGET.id]
    assert store.enrichments() == [first, _enrichment(BUDGET)]
    assert store.enrichments([BUDGET.id, BRIDGE.id]) == [_enrichment(BUDGET)]
    assert store.quotes(FLOOD.id) == [quote]
    assert store.get_article(BUDGET.id).language == "en"
    # A second record for an enriched article is ignored: the first one stays.
    other = dataclasses.replace(first, language="fr", quotes=[])
    assert store.save_enrichments([other]) == []
    assert store.enrichments([FLOOD.id]) == [first]
    _, states = store.analysis_state()
    assert [(s.id, s.enriched, s.story) for s in states] == [
        (FLOOD.id, True, None),
        (BUDGET.id, True, None),
        (BRIDGE.id, False, None),
    ]


def test_enriching_again_drops_the_quotes_and_claims_of_an_older_analysis(filled: Store) -> None:
    assert filled.claims(FLOOD.id) and filled.quotes(FLOOD.id)
    assert filled.analysis_state()[1][0] == ArticleState(
        id=FLOOD.id, published=FLOOD.published, language="en", enriched=False, story="s-bridge"
    )
    filled.save_enrichments([_enrichment(FLOOD)])
    assert filled.claims(FLOOD.id) == [] and filled.quotes(FLOOD.id) == []
    assert filled.claims(BUDGET.id)  # other articles keep theirs


def test_save_enrichments_rejects_an_unknown_article(store: Store) -> None:
    store.add_articles([FLOOD])
    with pytest.raises(StorageError):
        store.save_enrichments([_enrichment(FLOOD), _enrichment(BUDGET)])
    assert store.enrichments() == []


def test_save_analysis_forgets_enrichment(store: Store) -> None:
    store.add_articles(ARTICLES)
    store.save_enrichments([_enrichment(FLOOD)])
    save(store, make_analysis())
    assert store.enrichments() == []


def test_embeddings_round_trip_and_the_first_stays(store: Store) -> None:
    import numpy as np

    store.add_articles(ARTICLES)
    vector = np.arange(4, dtype=np.float32) / 7
    store.save_embeddings({FLOOD.id: vector})
    store.save_embeddings({FLOOD.id: vector + 1, BUDGET.id: vector * 2})
    found = store.embeddings([FLOOD.id, BUDGET.id, BRIDGE.id])
    assert set(found) == {FLOOD.id, BUDGET.id}
    assert np.array_equal(found[FLOOD.id], vector) and found[FLOOD.id].dtype == np.float32
    with pytest.raises(StorageError):
        store.save_embeddings({"a-not-stored": vector})


def test_word_counts_round_trip_by_key_and_another_key_replaces_them(store: Store) -> None:
    store.add_articles(ARTICLES)
    counts = ArticleTerms(words={"dam": 3, "flood": 1, "überschwemmung": 2}, lead={"dam": 1})
    store.save_terms("terms-1:lead-60", {FLOOD.id: counts})
    store.save_terms("terms-1:lead-60", {FLOOD.id: ArticleTerms(words={"x": 1}, lead={}), BUDGET.id: counts})
    found = store.terms([FLOOD.id, BUDGET.id, BRIDGE.id], "terms-1:lead-60")
    assert found == {FLOOD.id: counts, BUDGET.id: counts}, "with the same key the first counts stay"
    assert store.terms([FLOOD.id], "terms-1:lead-30") == {} and store.terms([], "terms-1:lead-60") == {}
    store.save_terms("terms-1:lead-30", {FLOOD.id: ArticleTerms(words={"x": 1}, lead={"x": 1})})
    assert store.terms([FLOOD.id], "terms-1:lead-30") == {FLOOD.id: ArticleTerms(words={"x": 1}, lead={"x": 1})}
    assert store.terms([FLOOD.id, BUDGET.id], "terms-1:lead-60") == {BUDGET.id: counts}
    store.save_terms("terms-1:lead-60", {})
    with pytest.raises(StorageError):
        store.save_terms("terms-1:lead-60", {"a-not-stored": counts})


def test_model_outputs_are_kept_by_model_and_key_and_the_first_stays(store: Store) -> None:
    store.save_model_outputs("m:1", {"k1": b"\x00\x01", "k2": b"\x02"})
    store.save_model_outputs("m:1", {"k1": b"\xff", "k3": b""})
    store.save_model_outputs("m:2", {"k1": b"\x07"})
    assert store.model_outputs("m:1", ["k1", "k2", "k3", "k4"]) == {"k1": b"\x00\x01", "k2": b"\x02", "k3": b""}
    assert store.model_outputs("m:2", ["k1", "k2"]) == {"k1": b"\x07"}
    assert store.model_outputs("m:3", ["k1"]) == {} and store.model_outputs("m:1", []) == {}
    store.save_model_outputs("m:1", {})


def test_outputs_of_older_weights_of_a_model_in_use_are_pruned(store: Store) -> None:
    store.save_model_outputs("claim-pairs:old", {"k1": b"\x01"})
    store.save_model_outputs("claim-pairs:new", {"k1": b"\x02"})
    store.save_model_outputs("claim-pairs-aligned:x", {"k1": b"\x03"})
    store.save_model_outputs("claim-vectors:old", {"k1": b"\x04", "k2": b"\x05"})
    assert store.prune_model_outputs(["claim-pairs:new"]) == 1
    assert store.model_outputs("claim-pairs:old", ["k1"]) == {}
    assert store.model_outputs("claim-pairs:new", ["k1"]) == {"k1": b"\x02"}
    # Another model ("claim-pairs-aligned", a longer name) and models not in use are kept.
    assert store.model_outputs("claim-pairs-aligned:x", ["k1"]) == {"k1": b"\x03"}
    assert len(store.model_outputs("claim-vectors:old", ["k1", "k2"])) == 2
    assert store.prune_model_outputs([]) == 0


def test_update_analysis_changes_only_what_it_lists(filled: Store) -> None:
    entities, _, claims, stories = make_analysis()
    generation, _ = filled.analysis_state()
    nunez = dataclasses.replace(entities[0], name="Ana Nunez")
    bridge_story = dataclasses.replace(stories[0], title="Bridge", comparisons=[], disputes=[], stances=[])
    new_story = Story(id="s-new", title="New", articles=[])
    update = AnalysisUpdate(
        generation=generation,
        entities=[nunez, entities[1]],
        speakers={"q-1": None, "q-2": "e-bridge"},
        duplicates={BRIDGE.id: FLOOD.id},
        claims={BUDGET.id: []},
        stories=[bridge_story, new_story],
    )
    assert filled.update_analysis(update)
    assert sorted(filled.entities(), key=lambda e: e.id) == sorted([nunez, entities[1]], key=lambda e: e.id)
    assert [q.speaker_entity for q in filled.quotes()] == [None, "e-bridge"]
    assert filled.get_article(BRIDGE.id).duplicate_of == FLOOD.id
    assert filled.claims(BUDGET.id) == [] and filled.claims(FLOOD.id) == claims[:1]
    assert filled.stories() == [bridge_story, stories[1], new_story]  # a replaced story keeps its place
    assert filled.analysis_state()[0] > generation
    assert filled.analysis_generation() == filled.analysis_state()[0]
    # Computed from the old generation: refused, nothing written.
    before = snapshot(filled)
    assert not filled.update_analysis(dataclasses.replace(update, stories=[], entities=[]))
    assert snapshot(filled) == before


def test_related_stories_are_saved_kept_and_replaced_whole(filled: Store) -> None:
    from newsdesk.model import RelatedStory

    _, _, _, stories = make_analysis()
    there = RelatedStory(story="s-budget", similarity=0.42, reason="shares council; 0.42 similar; 3 days later")
    back = RelatedStory(story=stories[0].id, similarity=0.42, reason="shares council; 0.42 similar; 3 days earlier")
    linked = [dataclasses.replace(stories[0], related=[there]), dataclasses.replace(stories[1], related=[back])]
    entities, quotes, claims, _ = make_analysis()
    filled.save_analysis(entities=entities, quotes=quotes, claims=claims, stories=linked)
    assert filled.stories() == linked
    assert filled.get_story("s-budget").related == [back]
    assert filled.related_links() == {stories[0].id: [there], "s-budget": [back]}
    assert filled.story_titles(["s-budget", "s-unknown"]) == {"s-budget": "Budget"}
    assert filled.story_titles([]) == {}
    # A story replaced by an update keeps its links; the update's ``related`` replaces them all.
    generation, _ = filled.analysis_state()
    assert filled.update_analysis(AnalysisUpdate(generation=generation, stories=[stories[0]]))
    assert filled.get_story(stories[0].id).related == [there]
    generation, _ = filled.analysis_state()
    assert filled.update_analysis(AnalysisUpdate(generation=generation, related={"s-budget": [back]}))
    assert [s.related for s in filled.stories()] == [[], [back]]


def test_update_analysis_rejects_unknown_references(filled: Store) -> None:
    generation, _ = filled.analysis_state()
    before = snapshot(filled)
    for update in (
        AnalysisUpdate(generation=generation, speakers={"q-1": "e-not-saved"}),
        AnalysisUpdate(generation=generation, speakers={"q-not-saved": None}),
        AnalysisUpdate(generation=generation, stories=[Story(id="s-x", title="x", articles=["a-not-stored"])]),
    ):
        with pytest.raises(StorageError):
            filled.update_analysis(update)
        assert snapshot(filled) == before
    assert filled.analysis_state()[0] == generation


def test_sqlite_update_rewrites_only_changed_entities(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "n.db") as store:
        store.add_articles(ARTICLES)
        save(store, make_analysis())
        entities = make_analysis()[0]
        conn = store._connection()
        conn.execute("CREATE TEMP TABLE written (id TEXT)")
        for event in ("INSERT", "UPDATE"):
            conn.execute(
                f"CREATE TEMP TRIGGER log_{event} AFTER {event} ON main.entities "
                "BEGIN INSERT INTO written VALUES (new.id); END"
            )
        moved = dataclasses.replace(entities[2], name="City council")
        # Ana Núñez, named by quote q-1, gains a mention: her row is updated in place, the quote keeps her.
        nunez = dataclasses.replace(
            entities[0], mentions=[*entities[0].mentions, Mention(article=BUDGET.id, text="Núñez", start=0, end=5)]
        )
        assert store.update_analysis(
            AnalysisUpdate(generation=store.analysis_state()[0], entities=[nunez, entities[1], moved])
        )
        written = [row[0] for row in conn.execute("SELECT id FROM written")]
        assert sorted(written) == ["e-council", "e-nunez"]
        assert {e.id: e.name for e in store.entities()}["e-council"] == "City council"
        assert store.get_entity("e-nunez") == nunez
        assert [q.speaker_entity for q in store.quotes()] == ["e-nunez", None], "no speaker listed: kept"


def test_a_version_6_database_gains_incremental_analysis(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:6])
    conn.execute(sql_module.INSERT_ARTICLE, sql_module._article_row(FLOOD, "2024-01-01T00:00:00+00:00"))
    conn.execute("INSERT INTO entities (id, name, kind) VALUES ('e-old', 'Old', 'person')")
    conn.close()
    with SQLiteStore(path) as store:
        generation, states = store.analysis_state()
        assert generation == 0 and [s.enriched for s in states] == [False]
        assert store.update_analysis(AnalysisUpdate(generation=0, entities=[]))  # no digest: rewritten
        assert store.entities() == []


def test_entities_and_stories_of_some_articles(filled: Store) -> None:
    entities, _, _, stories = make_analysis()
    of_bridge = filled.entities([BRIDGE.id])
    assert of_bridge == [dataclasses.replace(entities[1], mentions=entities[1].mentions[1:])]
    assert filled.entities([]) == [] and filled.entities([BUDGET.id]) == []
    assert filled.stories(article=FLOOD.id) == stories[:1]
    assert filled.stories(article=BUDGET.id) == stories[1:]
    assert filled.stories(article="a-not-stored") == []


def test_record_run_and_runs(store: Store) -> None:
    assert store.runs() == []
    first = store.record_run(command="ingest in/", inputs=5, added=3, problems=[])
    problems = [Problem(path="in/bad.html", reason="no text"), Problem(path="in/x.txt", reason="not UTF-8")]
    second = store.record_run(command="ingest more/", inputs=2, added=0, problems=problems)
    assert second > first
    runs = store.runs()
    assert [r["id"] for r in runs] == [first, second]
    assert runs[0]["command"] == "ingest in/" and runs[0]["inputs"] == 5 and runs[0]["added"] == 3
    assert runs[0]["problems"] == []
    assert runs[1]["problems"] == problems
    assert set(runs[1]) == {"id", "command", "inputs", "added", "recorded_at", "problems"}
    assert str(runs[1]["recorded_at"]).endswith("+00:00")


def test_closed_store_raises_storage_error(store: Store) -> None:
    with store as same:
        assert same is store
    store.close()  # idempotent
    with pytest.raises(StorageError, match="closed"):
        store.articles()
    with pytest.raises(StorageError, match="closed"):
        store.add_articles([FLOOD])


# --- SQLite: the file ------------------------------------------------------------


def test_sqlite_creates_parent_dirs_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "newsdesk.db"
    with SQLiteStore(str(path), timeout=1.5) as store:
        conn = store._connection()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 1500
    assert path.is_file()
    with SQLiteStore(path) as store:
        assert store._connection().execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_sqlite_data_persists_across_opens(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    with open_store(str(path)) as store:
        store.add_articles(ARTICLES)
        save(store, make_analysis())
        store.record_run(command="ingest", inputs=3, added=3, problems=[Problem(path="p", reason="r")])
        expected = (snapshot(store), store.runs())
    with open_store(str(path)) as store:
        assert (snapshot(store), store.runs()) == expected
        assert store.add_articles(ARTICLES) == []
        assert [a.id for a, _ in store.search("bridge")] != []


def test_sqlite_two_stores_share_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with SQLiteStore(path) as writer, SQLiteStore(path) as reader:
        writer.add_articles([FLOOD])
        assert reader.articles() == [FLOOD]
        assert reader.add_articles([FLOOD, BUDGET]) == [BUDGET.id]
        assert [a.id for a in writer.articles()] == [FLOOD.id, BUDGET.id]


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_sqlite_readding_does_not_change_row_counts(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "n.db") as store:
        store.add_articles(ARTICLES)
        save(store, make_analysis())
        conn = store._connection()
        counts = _row_counts(conn)
        assert counts["articles"] == counts["articles_fts"] == 3
        assert store.add_articles(list(reversed(ARTICLES))) == []
        assert _row_counts(conn) == counts


def test_sqlite_fts5_table_and_tokenizer(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "n.db") as store:
        conn = store._connection()
        (sql,) = conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'articles_fts'").fetchone()
        assert "fts5" in sql and "porter unicode61" in sql
        store.add_articles([FLOOD])
        assert conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'valley'").fetchall()


def test_sqlite_in_memory_path_works() -> None:
    with SQLiteStore(":memory:") as store:
        assert store.add_articles([FLOOD]) == [FLOOD.id]
        assert store.search("mayor")[0][0] == FLOOD


# --- SQLite: migrations ----------------------------------------------------------


def test_migrations_are_ordered_and_complete() -> None:
    versions = [m.version for m in MIGRATIONS]
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert versions[-1] == LATEST_VERSION
    assert all(m.description for m in MIGRATIONS)
    for migration in MIGRATIONS:
        assert all(sqlite3.complete_statement(s) for s in split_statements(migration.sql))


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    script = "CREATE TABLE t (a);\nCREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;\n  \n"
    assert split_statements(script) == [
        "CREATE TABLE t (a);",
        "CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;",
    ]
    with pytest.raises(ValueError, match="incomplete"):
        split_statements("CREATE TABLE t (a")


def test_sqlite_records_migrations(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    SQLiteStore(path).close()
    SQLiteStore(path).close()  # reopening applies nothing twice
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT version, description, applied_at FROM schema_migrations").fetchall()
        assert [r[0] for r in rows] == [m.version for m in MIGRATIONS]
        assert [r[1] for r in rows] == [m.description for m in MIGRATIONS]
        assert all(r[2] for r in rows)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()


def test_sqlite_upgrades_an_old_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert apply_migrations(conn, MIGRATIONS[:1]) == [1]
    conn.execute(sql_module.INSERT_ARTICLE, sql_module._article_row(FLOOD, "2024-01-01T00:00:00+00:00"))
    conn.close()
    with SQLiteStore(path) as store:
        assert store.articles() == [FLOOD]
        assert store.runs() == []
        assert store._connection().execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    broken = [*MIGRATIONS[:1], MIGRATIONS[1]._replace(sql="CREATE TABLE ok (a); CREATE TABLE articles (b);")]
    with pytest.raises(sqlite3.OperationalError):
        apply_migrations(conn, broken)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'ok'").fetchone()[0] == 0
    assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 1
    conn.close()


# --- SQLite: files that are not ours, damaged, newer or locked ------------------


def _valid_db_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "source.db"
    with SQLiteStore(path) as store:
        store.add_articles([make_article(f"Title {i}", "word " * 400) for i in range(30)])
        store._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def _assert_refused_untouched(path: Path, error: type[Exception], *patterns: str) -> None:
    before = path.read_bytes()
    with pytest.raises(error) as caught:
        SQLiteStore(path)
    message = str(caught.value)
    assert str(path) in message
    assert "left untouched" in message
    for pattern in patterns:
        assert pattern in message
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        b"id,title\n1,Floods close the bridge\n" * 50,
        b"SQLite format 3\x00 but far too short",
        b"SQLite format 3\x00" + b"\xff" * 4080,
    ],
    ids=["random", "text", "short-header", "garbage-after-header"],
)
def test_sqlite_refuses_foreign_or_damaged_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not-a-db.db"
    path.write_bytes(content)
    _assert_refused_untouched(path, DatabaseCorruptError, "not a newsdesk database or is damaged")
    assert not (tmp_path / "not-a-db.db-wal").exists()


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_sqlite_refuses_truncated_database(tmp_path: Path, fraction: float) -> None:
    data = _valid_db_bytes(tmp_path)
    path = tmp_path / "truncated.db"
    path.write_bytes(data[: max(100, int(len(data) * fraction))])
    _assert_refused_untouched(path, DatabaseCorruptError, "not a newsdesk database or is damaged")


def test_sqlite_refuses_damaged_pages(tmp_path: Path) -> None:
    data = bytearray(_valid_db_bytes(tmp_path))
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(1, len(data) // page_size):  # keep page 1 (header and schema) intact
        data[page * page_size + 8 : page * page_size + 200] = b"\x5a" * 192
    path = tmp_path / "damaged.db"
    path.write_bytes(bytes(data))
    _assert_refused_untouched(path, DatabaseCorruptError, "damaged")


def test_sqlite_refuses_another_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users (name) VALUES ('ann')")
    conn.commit()
    conn.close()
    _assert_refused_untouched(path, DatabaseCorruptError, "not a newsdesk database")


def test_sqlite_refuses_foreign_schema_migrations_table(tmp_path: Path) -> None:
    path = tmp_path / "rails.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    _assert_refused_untouched(path, DatabaseCorruptError, "not a newsdesk database")


def test_sqlite_accepts_an_empty_file_and_an_empty_database(tmp_path: Path) -> None:
    empty_file = tmp_path / "empty.db"
    empty_file.touch()
    empty_db = tmp_path / "empty-db.db"
    sqlite3.connect(empty_db).execute("PRAGMA user_version").fetchone()
    for path in (empty_file, empty_db):
        with SQLiteStore(path) as store:
            assert store.add_articles([FLOOD]) == [FLOOD.id]


def test_sqlite_refuses_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with SQLiteStore(path) as store:
        store.add_articles([FLOOD])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '2099-01-01')", (LATEST_VERSION + 1,))
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")  # fold the WAL into the file so the bytes say it all
    conn.close()
    _assert_refused_untouched(path, SchemaTooNewError, "newer newsdesk", "Upgrade")


def test_sqlite_refuses_inconsistent_migration_record(tmp_path: Path) -> None:
    path = tmp_path / "odd.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM schema_migrations WHERE version = 2")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    _assert_refused_untouched(path, DatabaseCorruptError, "damaged")


def test_sqlite_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="directory"):
        SQLiteStore(tmp_path)


def test_sqlite_locked_on_write_raises_locked_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    store = SQLiteStore(path, timeout=0.1)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseLockedError, match="locked by another process") as caught:
            store.add_articles([FLOOD])
        assert str(path) in str(caught.value)
        with pytest.raises(DatabaseLockedError):
            save(store, ([], [], [], []))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.add_articles([FLOOD]) == [FLOOD.id]  # usable again once the lock is gone
    store.close()


def test_sqlite_locked_on_open_raises_locked_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    blocker.execute("CREATE TABLE placeholder (a)")  # rollback-journal mode: the lock blocks readers too
    try:
        with pytest.raises(DatabaseLockedError, match="locked by another process"):
            SQLiteStore(path, timeout=0.1)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_sqlite_save_analysis_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SQLiteStore(tmp_path / "n.db")
    store.add_articles(ARTICLES)
    save(store, make_analysis())
    before = snapshot(store)

    def fail(stories: object) -> Iterator[tuple[object, ...]]:
        raise RuntimeError("disk on fire")  # after the deletes and most inserts of the new analysis

    monkeypatch.setattr(sql_module, "_comparison_rows", fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        save(store, make_analysis())
    assert snapshot(store) == before
    assert not store._connection().in_transaction
    monkeypatch.undo()
    store.save_analysis(entities=[], quotes=[], claims=[], stories=[])
    assert store.entities() == []
    store.close()


def test_a_version_4_database_gains_quote_scores(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:4])
    conn.close()
    with SQLiteStore(path) as store:
        assert store.quotes() == []
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(quotes)")}
    assert "score" in columns


def test_a_version_5_database_gains_disputes_and_stances(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:5])
    conn.execute(sql_module.INSERT_ARTICLE, sql_module._article_row(FLOOD, "2024-01-01T00:00:00+00:00"))
    conn.execute("INSERT INTO stories (id, title) VALUES ('s-old', 'Old story')")
    conn.execute("INSERT INTO story_articles (story_id, article_id, position) VALUES ('s-old', ?, 0)", (FLOOD.id,))
    conn.close()
    with SQLiteStore(path) as store:
        assert store.stories() == [Story(id="s-old", title="Old story", articles=[FLOOD.id])]
        store.add_articles(ARTICLES)
        save(store, make_analysis())
        assert store.stories() == make_analysis()[3]
        tables = {row[0] for row in store._connection().execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert {"disputes", "dispute_sides", "dispute_claims", "article_stances"} <= tables


def test_sqlite_replacing_an_analysis_leaves_no_dispute_rows(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "n.db") as store:
        store.add_articles(ARTICLES)
        save(store, make_analysis())
        conn = store._connection()
        counts = _row_counts(conn)
        assert (counts["disputes"], counts["dispute_sides"], counts["dispute_claims"]) == (2, 2, 3)
        assert counts["article_stances"] == 2
        store.save_analysis(entities=[], quotes=[], claims=[], stories=[])
        counts = _row_counts(conn)
    assert counts["disputes"] == counts["dispute_sides"] == counts["dispute_claims"] == counts["article_stances"] == 0


# --- pages for the web: story and entity lists, indexed reads ------------------------


def test_story_rows_summarise_each_story(filled: Store) -> None:
    rows, total = filled.story_rows()
    assert total == 2 and [r.id for r in rows] == ["s-bridge", "s-budget"]  # latest coverage first
    bridge, budget = rows
    assert (bridge.title, bridge.lead_claim, bridge.articles) == (
        "River bridge closure",
        "The river bridge reopened on Wednesday",
        2,
    )
    assert bridge.sources == ["Daily Post", "Evening News"]
    assert (bridge.first_day, bridge.last_day, bridge.latest) == ("2024-03-04", "2024-03-04", "2024-03-04")
    assert (bridge.contradictions, bridge.updates, bridge.agreements, bridge.disputes) == (1, 0, 1, 2)
    assert (budget.articles, budget.sources, budget.first_day, budget.latest) == (1, ["unknown source"], None, "")
    assert filled.story_sources() == ["Daily Post", "Evening News", "unknown source"]


def test_story_rows_filter_sort_and_page(filled: Store) -> None:
    def ids(query: StoryQuery, **page: int) -> tuple[list[str], int]:
        rows, total = filled.story_rows(query, **page)
        return [r.id for r in rows], total

    assert ids(StoryQuery(sort="size")) == (["s-bridge", "s-budget"], 2)
    assert ids(StoryQuery(sort="contested")) == (["s-bridge", "s-budget"], 2)
    assert ids(StoryQuery(entity="e-nunez")) == (["s-bridge"], 1)
    assert ids(StoryQuery(entity="e-council")) == ([], 0)
    assert ids(StoryQuery(article=FLOOD.id)) == (["s-bridge"], 1)
    assert ids(StoryQuery(article=BUDGET.id, source="unknown source")) == (["s-budget"], 1)
    assert ids(StoryQuery(article="a-not-stored")) == ([], 0)
    assert ids(StoryQuery(source="unknown source")) == (["s-budget"], 1)
    assert ids(StoryQuery(source="Evening News", day_from="2024-03-04")) == (["s-bridge"], 1)
    assert ids(StoryQuery(day_to="2024-03-03")) == ([], 0)
    assert ids(StoryQuery(sort="size"), limit=1, offset=1) == (["s-budget"], 2)
    assert ids(StoryQuery(), limit=0) == ([], 2)


def test_story_rows_follow_an_update(filled: Store) -> None:
    generation = filled.analysis_generation()
    grown = Story(id="s-budget", title="a budget vote", articles=[BUDGET.id, BRIDGE.id])
    assert filled.update_analysis(AnalysisUpdate(generation=generation, stories=[grown]))
    rows, _ = filled.story_rows(StoryQuery(sort="size"))
    assert [(r.id, r.articles, r.sources) for r in rows] == [
        ("s-bridge", 2, ["Daily Post", "Evening News"]),
        ("s-budget", 2, ["Evening News", "unknown source"]),  # ties on size and contradictions: by title
    ]
    assert [r.id for r in filled.story_rows(StoryQuery(source="Evening News"))[0]] == ["s-bridge", "s-budget"]


def test_entity_counts_get_entity_and_key_entities(filled: Store) -> None:
    entities, _, _, _ = make_analysis()
    page, total = filled.entity_counts()
    assert total == 3
    assert [(c.entity.id, c.articles, c.mentions) for c in page] == [
        ("e-bridge", 2, 2),
        ("e-nunez", 1, 1),
        ("e-council", 0, 0),
    ]
    assert all(c.entity.mentions == [] for c in page)
    assert [c.entity.id for c in filled.entity_counts(kind="person")[0]] == ["e-nunez"]
    assert [c.entity.id for c in filled.entity_counts(name="NÚÑ")[0]] == ["e-nunez"]  # case folded
    assert filled.entity_counts(name="%") == ([], 0)  # LIKE wildcards are text
    one, total = filled.entity_counts(limit=1, offset=1)
    assert [c.entity.id for c in one] == ["e-nunez"] and total == 3
    assert filled.get_entity("e-bridge") == entities[1]
    with pytest.raises(NotFoundError):
        filled.get_entity("e-not-stored")
    key = filled.key_entities(["s-bridge", "s-budget", "s-not-stored"], limit=1)
    assert key == {"s-bridge": [(dataclasses.replace(entities[1], mentions=[]), 2)]}
    assert filled.key_entities([]) == {}


def test_indexed_reads_by_speaker_articles_and_article_pages(filled: Store) -> None:
    _, quotes, claims, stories = make_analysis()
    assert filled.quotes(speaker="e-nunez") == quotes[:1]
    assert filled.claims(articles=[FLOOD.id, BRIDGE.id]) == claims[:2]
    assert filled.stories(articles=[BUDGET.id, "a-not-stored"]) == stories[1:]
    page, total = filled.article_page()
    assert [a.id for a in page] == [FLOOD.id, BUDGET.id, BRIDGE.id] and total == 3  # newest, then undated
    assert page[0] == FLOOD
    assert filled.article_page(source="Evening News") == ([BRIDGE], 1)
    assert filled.article_page(source="unknown source") == ([BUDGET], 1)
    assert filled.article_page(source="unknown source (example.org)") == ([], 0)
    assert filled.article_page(limit=1, offset=1) == ([BUDGET], 3)
    assert filled.publication_dates([FLOOD.id, BUDGET.id, "a-not-stored"]) == {FLOOD.id: "2024-03-04", BUDGET.id: None}
    assert filled.publication_dates([]) == {}
    assert filled.claim_counts([FLOOD.id, BUDGET.id, "a-not-stored"]) == {FLOOD.id: 1, BUDGET.id: 1}
    assert filled.claim_counts([]) == {}


def test_a_read_only_store_reads_and_refuses_writes(filled: Store) -> None:
    if isinstance(filled, MemoryStore):
        pytest.skip("a MemoryStore has nothing to protect")
    where = getattr(filled, "dsn", filled.path)  # type: ignore[attr-defined]
    with open_store(where, read_only=True) as reader:
        assert [r.id for r in reader.story_rows()[0]] == ["s-bridge", "s-budget"]
        assert reader.get_article(FLOOD.id) == FLOOD
        with pytest.raises(StorageError):
            reader.add_articles([make_article("New", "Text.")])
        with pytest.raises(StorageError):
            reader.record_run(command="x", inputs=0, added=0, problems=[])
    assert len(filled.articles()) == 3


def test_sqlite_read_only_needs_an_existing_current_database(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        SQLiteStore(tmp_path / "missing.db", read_only=True)
    assert not (tmp_path / "missing.db").exists()
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:8])
    conn.close()
    with pytest.raises(StorageError, match="schema version 8"):
        SQLiteStore(old, read_only=True)


def test_a_version_8_database_gains_list_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    apply_migrations(conn, MIGRATIONS[:8])
    for article in ARTICLES:
        conn.execute(sql_module.INSERT_ARTICLE, sql_module._article_row(article, "2024-01-01T00:00:00+00:00"))
    conn.execute("INSERT INTO entities (id, name, kind) VALUES ('e-old', 'Ólafur', 'person')")
    conn.execute(
        'INSERT INTO mentions (entity_id, position, article_id, text, start, "end") VALUES (?, 0, ?, ?, 0, 6)',
        ("e-old", FLOOD.id, "Ólafur"),
    )
    conn.execute("INSERT INTO stories (id, title) VALUES ('s-old', 'Old story')")
    conn.execute("INSERT INTO story_articles (story_id, article_id, position) VALUES ('s-old', ?, 0)", (FLOOD.id,))
    conn.close()
    with SQLiteStore(path) as store:
        rows, total = store.story_rows(StoryQuery(source="Daily Post"))
        assert total == 1 and (rows[0].id, rows[0].articles, rows[0].first_day) == ("s-old", 1, "2024-03-04")
        page, _ = store.entity_counts(name="óla")
        assert [(c.entity.id, c.mentions, c.articles) for c in page] == [("e-old", 1, 1)]


def test_key_entities_follow_entity_changes(filled: Store) -> None:
    entities, _, _, _ = make_analysis()
    _, bridge, council = entities
    council = dataclasses.replace(council, mentions=[Mention(article=BUDGET.id, text="council", start=4, end=11)])
    generation = filled.analysis_generation()
    assert filled.update_analysis(AnalysisUpdate(generation=generation, entities=[bridge, council]))
    key = filled.key_entities(["s-bridge", "s-budget"], limit=5)
    assert key == {
        "s-bridge": [(dataclasses.replace(bridge, mentions=[]), 2)],  # Ana Núñez is gone
        "s-budget": [(dataclasses.replace(council, mentions=[]), 1)],
    }


def test_key_entities_follow_a_popular_entity_and_a_new_name(filled: Store) -> None:
    """An entity gaining a mention in another story, then renamed: both stories' key entities follow."""
    nunez, bridge, council = make_analysis()[0]
    council = dataclasses.replace(council, mentions=[Mention(article=BUDGET.id, text="council", start=4, end=11)])
    grown = dataclasses.replace(
        bridge, mentions=[*bridge.mentions, Mention(article=BUDGET.id, text="bridge", start=20, end=26)]
    )
    assert filled.update_analysis(
        AnalysisUpdate(generation=filled.analysis_generation(), entities=[nunez, grown, council])
    )
    key = filled.key_entities(["s-bridge", "s-budget"], limit=5)
    assert key["s-bridge"][0] == (dataclasses.replace(grown, mentions=[]), 2)
    # One article each: ties go to the name ("council" before "river bridge").
    assert key["s-budget"] == [
        (dataclasses.replace(council, mentions=[]), 1),
        (dataclasses.replace(grown, mentions=[]), 1),
    ]
    renamed = dataclasses.replace(grown, name="Aardvark bridge")
    assert filled.update_analysis(
        AnalysisUpdate(generation=filled.analysis_generation(), entities=[nunez, renamed, council])
    )
    key = filled.key_entities(["s-bridge", "s-budget"], limit=5)
    assert key["s-bridge"][0] == (dataclasses.replace(renamed, mentions=[]), 2)
    # Renamed, it now sorts before the council in the budget story, whose mentions did not change.
    assert key["s-budget"] == [
        (dataclasses.replace(renamed, mentions=[]), 1),
        (dataclasses.replace(council, mentions=[]), 1),
    ]


def _key(m: Mention) -> tuple[str, str, int, int]:
    return (m.article, m.text, m.start, m.end)


def test_mention_changes_keep_the_stored_rows_that_stay_in_order() -> None:
    from newsdesk.storage.sql import MENTION_GAP, mention_changes

    a, b, c, d, e = (Mention(article=x, text="N", start=0, end=1) for x in "abcde")
    stored = [(0, _key(b)), (MENTION_GAP, _key(d))]
    # New mentions before, between and after the kept ones; the read order (by position) is the new order.
    deleted, inserted = mention_changes(stored, [a, b, c, d, e]) or ([], [])
    assert deleted == []
    positions = dict((m.article, p) for p, m in inserted) | {"b": 0, "d": MENTION_GAP}
    assert sorted(positions, key=positions.__getitem__) == ["a", "b", "c", "d", "e"]
    # A stored mention that is gone is deleted; one out of order is written again.
    deleted, inserted = mention_changes(stored, [d, b]) or ([], [])
    assert deleted == [0] and [(p, m.article) for p, m in inserted] == [(2 * MENTION_GAP, "b")]
    assert mention_changes(stored, [d]) == ([0], [])
    # Nothing kept, no whole number left between two kept positions, or a mention stored twice: all again.
    assert mention_changes(stored, [a, c]) is None
    assert mention_changes([(0, _key(b)), (1, _key(d))], [b, c, d]) is None
    assert mention_changes([(0, _key(b)), (1, _key(b))], [b]) is None


def test_an_update_writes_only_the_new_mentions_of_a_changed_entity(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "n.db") as store:
        store.add_articles(ARTICLES)
        save(store, make_analysis())
        nunez, bridge, council = make_analysis()[0]
        conn = store._connection()
        conn.execute("CREATE TEMP TABLE written (article TEXT)")
        conn.execute(
            "CREATE TEMP TRIGGER log AFTER INSERT ON main.mentions BEGIN INSERT INTO written VALUES (new.article_id); END"
        )
        extra = Mention(article=BUDGET.id, text="bridge", start=20, end=26)
        for mentions, written in (
            ([extra, *bridge.mentions], [BUDGET.id]),  # new: written
            ([*bridge.mentions, extra], [BUDGET.id]),  # moved after the others: written again
            ([bridge.mentions[1], extra], []),  # one gone: deleted, nothing written
        ):
            grown = dataclasses.replace(bridge, mentions=mentions)
            conn.execute("DELETE FROM written")
            assert store.update_analysis(
                AnalysisUpdate(generation=store.analysis_generation(), entities=[nunez, grown, council])
            )
            assert store.get_entity(bridge.id) == grown, "read back in the new order"
            # Only the mention that moved or is new is written; the others keep their rows.
            assert [row[0] for row in conn.execute("SELECT article FROM written")] == written
        assert sorted(store.entities(), key=lambda e: e.id) == sorted([nunez, grown, council], key=lambda e: e.id)
