"""Developing stories: time decay in grouping, and related stories linked both ways (invented articles, offline)."""

from __future__ import annotations

import dataclasses

from newsdesk.model import Article, RelatedStory, Story
from newsdesk.stories.grouping import StorySettings, assign_stories, decay, group_stories
from newsdesk.stories.related import link_related, related_links
from newsdesk.stories.terms import article_terms


def art(key: str, title: str, text: str, published: str | None) -> Article:
    return Article(id=f"a-{key}", path=f"{key}.txt", title=title, paragraphs=[text], published=published)


# A dam burst covered over a week: the toll, the rescue, the aid, the funerals (words move on, names stay).
QUAKE = [
    art(
        "d1",
        "Veshnya dam bursts above Kozarevo, at least 14 dead",
        "The Veshnya dam gave way above Kozarevo in the Lomnica valley. At least 14 people died and 40 are "
        "missing, said minister Dragan Molnar-Ivic. Rescue boats reached flooded houses in Kozarevo.",
        "2026-03-14",
    ),
    art(
        "d2",
        "Kozarevo toll rises to 27 after Veshnya dam burst",
        "Rescue teams in Kozarevo found more bodies as the water fell in the Lomnica valley. The toll of the "
        "Veshnya dam burst rose to 27, minister Dragan Molnar-Ivic said; 30 people are still missing.",
        "2026-03-16",
    ),
    art(
        "d3",
        "Aid convoy reaches Kozarevo as Veshnya dam toll hits 31",
        "A convoy of aid trucks reached Kozarevo with water and blankets. The toll of the Veshnya dam burst "
        "rose to 31. Minister Dragan Molnar-Ivic said the Lomnica valley would be rebuilt.",
        "2026-03-18",
    ),
    art(
        "d4",
        "Kozarevo buries the dead of the Veshnya dam burst",
        "Thousands came to Kozarevo for the funerals of the Veshnya dam victims. Minister Dragan Molnar-Ivic "
        "joined families in the Lomnica valley; 31 people died and 9 are still missing.",
        "2026-03-21",
    ),
]
# Weeks later: the inquiry into the same dam, a sequel.
SEQUEL = [
    art(
        "s1",
        "Inquiry blames cracked spillway for Veshnya dam burst",
        "An inquiry into the Veshnya dam burst above Kozarevo blamed a cracked spillway and years of missed "
        "inspections. Minister Dragan Molnar-Ivic said engineers of the Lomnica valley would face charges.",
        "2026-05-02",
    ),
    art(
        "s2",
        "Engineers charged over Veshnya dam inspections",
        "Prosecutors charged four engineers over missed inspections of the Veshnya dam, after the inquiry "
        "blamed a cracked spillway for the burst that killed 31 people in Kozarevo.",
        "2026-05-04",
    ),
]
OTHER = [
    art(
        "o1",
        "Lantern festival draws record crowds to Tamsa",
        "The lantern festival in Tamsa drew record crowds, organisers said, with music on the riverbank.",
        "2026-03-15",
    ),
]


def _undated(articles: list[Article]) -> list[Article]:
    return [dataclasses.replace(a, published=None) for a in articles]


def test_decay_is_whole_within_the_grace_period_and_halves_each_half_life() -> None:
    settings = StorySettings(half_life_days=7.0, grace_days=3.0)
    assert decay(0.0, settings) == decay(3.0, settings) == 1.0
    assert decay(10.0, settings) == 0.5
    assert decay(float("nan"), settings) == 1.0
    assert decay(40.0, dataclasses.replace(settings, half_life_days=0.0)) == 1.0


def test_a_story_covered_over_a_week_stays_one_story() -> None:
    stories = group_stories(QUAKE + OTHER)
    assert [s.articles for s in stories] == [["a-d1", "a-d2", "a-d3", "a-d4"], ["a-o1"]]


def test_a_window_of_days_keeps_a_story_that_a_count_window_would_cut() -> None:
    # A window of one article (a very busy desk) cuts the week apart; the window of days keeps it whole.
    cut = group_stories(QUAKE + OTHER, settings=StorySettings(window=1, window_days=0.0))
    kept = group_stories(QUAKE + OTHER, settings=StorySettings(window=1))
    assert len([s for s in cut if "a-o1" not in s.articles]) > 1
    assert sorted(next(s for s in kept if "a-d1" in s.articles).articles) == ["a-d1", "a-d2", "a-d3", "a-d4"]


def test_without_dates_grouping_is_unchanged_by_the_decay() -> None:
    articles = _undated(QUAKE + SEQUEL + OTHER)
    with_decay = group_stories(articles)
    without = group_stories(articles, settings=StorySettings(half_life_days=0.0, window_days=0.0))
    assert with_decay == without


def test_a_sequel_weeks_later_is_a_related_story_linked_both_ways() -> None:
    articles = QUAKE + OTHER + SEQUEL
    stories = link_related(group_stories(articles), articles)
    first = next(s for s in stories if "a-d1" in s.articles)
    sequel = next(s for s in stories if "a-s1" in s.articles)
    festival = next(s for s in stories if "a-o1" in s.articles)
    assert first.id != sequel.id and sorted(sequel.articles) == ["a-s1", "a-s2"]
    assert [r.story for r in first.related] == [sequel.id]
    assert [r.story for r in sequel.related] == [first.id]
    assert first.related[0].similarity == sequel.related[0].similarity >= StorySettings().related_bar
    assert "later" in first.related[0].reason and "earlier" in sequel.related[0].reason
    assert "veshnya" in first.related[0].reason.lower()
    assert festival.related == []
    # Undated, the same articles are one story: nothing decays, and the link is not needed.
    undated = group_stories(_undated(articles))
    assert any({"a-d1", "a-s1"} <= set(s.articles) for s in undated)


def test_story_ids_stay_when_the_sequel_arrives() -> None:
    before = group_stories(QUAKE + OTHER)
    known = {a: s.id for s in before for a in s.articles}
    assigned = assign_stories(QUAKE + OTHER + SEQUEL, known)
    assert set(assigned) == {"a-s1", "a-s2"}
    assert assigned["a-s1"] == assigned["a-s2"] not in {s.id for s in before}
    after = group_stories(QUAKE + OTHER + SEQUEL)
    assert {s.id for s in before} <= {s.id for s in after}
    assert next(s for s in after if "a-s1" in s.articles).id == assigned["a-s1"]


def test_linking_only_the_changed_stories_gives_the_links_of_a_full_run() -> None:
    before = group_stories(QUAKE + OTHER)
    stored = related_links(before, QUAKE + OTHER)
    articles = QUAKE + OTHER + SEQUEL
    after = group_stories(articles)
    sequel = next(s.id for s in after if "a-s1" in s.articles)
    incremental = related_links(after, articles, changed={sequel}, previous=stored)
    assert incremental == related_links(after, articles)
    assert any(incremental.values())
    # Nothing changed: the stored links stay, and no search runs.
    assert related_links(after, articles, changed=set(), previous=incremental) == incremental


def test_saved_word_counts_give_the_same_links_and_reasons() -> None:
    articles = QUAKE + OTHER + SEQUEL
    stories = group_stories(articles)
    lead = StorySettings().lead_words
    saved = {a.id: article_terms(a, lead) for a in articles}
    some = {a.id: saved[a.id] for a in articles[::2]}
    links = related_links(stories, articles)
    assert any(links.values())
    assert related_links(stories, articles, terms=saved) == links == related_links(stories, articles, terms=some)


def test_with_entities_related_stories_must_share_a_core_entity() -> None:
    from newsdesk.model import Entity, Mention

    articles = QUAKE + OTHER + SEQUEL
    stories = group_stories(articles)
    first = next(s.id for s in stories if "a-d1" in s.articles)

    def entity(name: str, ids: list[str]) -> Entity:
        return Entity(
            id=f"e-{name}",
            name=name,
            kind="place",
            mentions=[Mention(article=a, text=name, start=0, end=1) for a in ids],
        )

    dam = [a.id for a in QUAKE]
    sequel = [a.id for a in SEQUEL]
    shared = related_links(stories, articles, [entity("Veshnya", dam + sequel)])
    assert [r.story for r in shared[first]] and shared[first][0].reason.startswith("shares Veshnya")
    apart = related_links(stories, articles, [entity("Kozarevo", dam), entity("Tamsa", sequel)])
    assert apart[first] == []


def test_links_are_symmetric_and_capped() -> None:
    # Six near-identical one-article stories: each may list at most two others, and every link goes both ways.
    base = "Veshnya dam Kozarevo Lomnica valley inquiry spillway engineers charged minister Molnar-Ivic"
    stories = [Story(id=f"s-{i}", title="", articles=[f"a-{i}"]) for i in range(6)]
    articles = [art(str(i), f"Veshnya dam report {i}", f"{base} note{i}", None) for i in range(6)]
    links = related_links(stories, articles, settings=StorySettings(related_limit=2))
    assert all(len(v) <= 2 for v in links.values()) and any(links.values())
    pairs = {(s, r.story) for s, rs in links.items() for r in rs}
    assert all((b, a) in pairs for a, b in pairs)
    assert related_links(stories, articles, settings=StorySettings(related_limit=0)) == {s.id: [] for s in stories}


def test_related_is_in_the_json_contract() -> None:
    from newsdesk.model import Analysis
    from newsdesk.report.json import CONTRACT_VERSION, to_dict

    story = Story(
        id="s-1", title="t", articles=[], related=[RelatedStory(story="s-2", similarity=0.4, reason="0.40 similar")]
    )
    out = to_dict(Analysis(stories=[story]))
    assert out["stories"][0]["related"] == [{"story": "s-2", "similarity": 0.4, "reason": "0.40 similar"}]
    assert out["meta"]["contract"] == CONTRACT_VERSION >= 5


def test_related_links_are_stored_and_replaced_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from newsdesk.storage import open_store
    from newsdesk.storage.base import AnalysisUpdate
    from newsdesk.storage.memory import MemoryStore

    articles = QUAKE + OTHER + SEQUEL
    stories = link_related(group_stories(articles), articles)
    first = next(s for s in stories if "a-d1" in s.articles)
    for store in (MemoryStore(), open_store(tmp_path / "news.db")):
        with store:
            store.add_articles(articles)
            store.save_analysis(entities=[], quotes=[], claims=[], stories=stories)
            assert [s.related for s in store.stories()] == [s.related for s in stories]
            generation, _ = store.analysis_state()
            # Replacing a story keeps its links; an update's ``related`` replaces them all.
            assert store.update_analysis(AnalysisUpdate(generation=generation, stories=[first]))
            assert store.get_story(first.id).related == first.related
            generation, _ = store.analysis_state()
            assert store.update_analysis(AnalysisUpdate(generation=generation, related={}))
            assert all(s.related == [] for s in store.stories())


def test_neighbour_searches_reach_the_rows_of_the_same_days() -> None:
    import numpy as np
    import scipy.sparse as sp

    from newsdesk.stories.grouping import day_bounds, dense_neighbour_edges, neighbour_edges

    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(40, 6)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    days = np.array([float(d) for d in sorted(rng.integers(0, 12, size=34))] + [float("nan")] * 6)
    lo, hi = bounds = day_bounds(days, 3.0) or (np.empty(0), np.empty(0))
    window, k = 2, 4
    reach = [[j for j in range(40) if j != i and (abs(i - j) <= window or lo[i] <= j < hi[i])] for i in range(40)]
    sims = vectors @ vectors.T
    # Every row's k most similar rows within its reach (by positions or by days) is found by both searches.
    expected = {(min(i, j), max(i, j)) for i in range(40) for j in sorted(reach[i], key=lambda j: -sims[i, j])[:k]}
    rows, cols, _ = neighbour_edges(sp.csr_matrix(vectors), k=k, floor=-0.999, window=window, bounds=bounds)
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == expected
    d_rows, d_cols = dense_neighbour_edges(vectors, k=k, window=window, bounds=bounds)
    assert set(zip(d_rows.tolist(), d_cols.tolist(), strict=True)) == expected
    # Undated rows reach only their window of positions.
    assert (lo[34:] == np.arange(34, 40)).all() and (hi[34:] == np.arange(35, 41)).all()
