"""Story grouping and its metrics, on tiny hand-made articles (fast, offline)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from newsdesk.errors import NewsdeskError
from newsdesk.evaluation.stories import bcubed, bootstrap_difference, pairwise
from newsdesk.model import Article, ArticleTerms
from newsdesk.stories import StorySettings, group_stories
from newsdesk.stories.grouping import (
    article_vectors,
    assign_stories,
    dense_neighbour_edges,
    fold_word,
    mix_embeddings,
    neighbour_edges,
    pair_similarities,
)
from newsdesk.stories.terms import article_terms, count_matrix

# -- metrics: gold a,b,c = X and d,e = Y ---------------------------------------------------------------

GOLD = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y"}


def test_bcubed_hand_computed() -> None:
    # [a,b] [c,d,e]: precision a,b 1, c 1/3, d,e 2/3; recall a,b 2/3, c 1/3, d,e 1.
    split = bcubed([["a", "b"], ["c", "d", "e"]], GOLD)
    assert split["precision"] == pytest.approx(11 / 15)
    assert split["recall"] == pytest.approx(11 / 15)
    assert split["f1"] == pytest.approx(11 / 15)
    # Everything together: precision 3/5 for X items and 2/5 for Y items, recall 1.
    lumped = bcubed([["a", "b", "c", "d", "e"]], GOLD)
    assert lumped["precision"] == pytest.approx(13 / 25)
    assert lumped["recall"] == 1.0
    assert lumped["f1"] == pytest.approx(2 * 0.52 / 1.52)
    assert bcubed([["a", "b", "c"], ["d", "e"]], GOLD) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_bcubed_ignores_unlabelled_items_and_treats_missing_ones_as_singletons() -> None:
    # "z" has no gold story: not scored. "e" is in no cluster: a cluster of its own.
    scores = bcubed([["a", "b", "c", "z"], ["d"]], GOLD)
    assert scores["precision"] == 1.0
    assert scores["recall"] == pytest.approx((1 + 1 + 1 + 0.5 + 0.5) / 5)


def test_pairwise_hand_computed() -> None:
    # Predicted pairs ab, cd, ce, de (2 right); gold pairs ab, ac, bc, de.
    split = pairwise([["a", "b"], ["c", "d", "e"]], GOLD)
    assert split == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    lumped = pairwise([["a", "b", "c", "d", "e"]], GOLD)
    assert lumped["precision"] == pytest.approx(4 / 10)
    assert lumped["recall"] == 1.0
    # No predicted pair: nothing wrongly put together, nothing found.
    singles = pairwise([[k] for k in GOLD], GOLD)
    assert singles["precision"] == 1.0 and singles["recall"] == 0.0 and singles["f1"] == 0.0


def test_bootstrap_difference_of_identical_predictions_is_zero() -> None:
    pred = [["a", "b"], ["c", "d", "e"]]
    result = bootstrap_difference(pred, pred, GOLD, rounds=50)
    assert result["f1_diff"] == 0.0 and result["ci_low"] == 0.0 and result["ci_high"] == 0.0


# -- grouping --------------------------------------------------------------------------------------------


def art(key: str, title: str, *paragraphs: str, published: str | None = None) -> Article:
    return Article(
        id=Article.make_id(title, list(paragraphs)) + key,
        path=f"{key}.txt",
        title=title,
        paragraphs=list(paragraphs),
        published=published,
    )


STRIKE_1 = art(
    "s1",
    "Dockers end strike at Varna port",
    "Dock workers at the port of Varna ended their two-week strike on Tuesday, the dockers' union said.",
    "Union leader Marta Ilieva said the dockers won a nine percent raise from Varna Terminals.",
    published="2026-03-01",
)
STRIKE_2 = art(
    "s2",
    "Varna port strike is over, union says",
    "The strike of dock workers at Varna port is over after the union accepted a raise, Marta Ilieva said.",
    "Varna Terminals said the two-week strike cost it four million euros.",
    published="2026-03-02",
)
STRIKE_3 = art(
    "s3",
    "Ships unload at Varna after dockers' strike",
    "Ships that waited outside Varna port during the dockers' strike began unloading on Wednesday.",
    "The union of Varna dock workers said the raise ends the strike.",
    published="2026-03-03",
)
FESTIVAL_1 = art(
    "f1",
    "Lantern festival draws record crowds in Hoi Lam",
    "Organisers of the lantern festival in the old town of Hoi Lam counted record crowds this year.",
    "Boats carried paper lanterns along the river every night of the festival.",
    published="2026-03-01",
)
FESTIVAL_2 = art(
    "f2",
    "Paper lanterns light up Hoi Lam river",
    "Thousands of paper lanterns floated down the Hoi Lam river on the last night of the lantern festival.",
    "The festival organisers said crowds were the largest ever.",
    published="2026-03-04",
)
TRANSFER = art(
    "t1",
    "Sorensen joins Atletico Brava",
    "Midfielder Erik Sorensen signed a four-year contract with Atletico Brava in a club-record deal.",
    published="2026-03-02",
)


def groups(stories: list) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in stories}


def test_related_articles_are_grouped_and_unrelated_ones_kept_apart() -> None:
    articles = [STRIKE_1, FESTIVAL_1, TRANSFER, STRIKE_2, FESTIVAL_2, STRIKE_3]
    stories = group_stories(articles)
    assert groups(stories) == {
        frozenset({STRIKE_1.id, STRIKE_2.id, STRIKE_3.id}),
        frozenset({FESTIVAL_1.id, FESTIVAL_2.id}),
        frozenset({TRANSFER.id}),
    }
    # Every article in exactly one story; members listed in time order.
    assert sorted(a for s in stories for a in s.articles) == sorted(a.id for a in articles)
    strike = next(s for s in stories if STRIKE_1.id in s.articles)
    assert strike.articles == [STRIKE_1.id, STRIKE_2.id, STRIKE_3.id]
    assert strike.title in {STRIKE_1.title, STRIKE_2.title, STRIKE_3.title}


def test_grouping_is_a_pure_function_and_stories_come_in_time_order() -> None:
    articles = [STRIKE_2, TRANSFER, STRIKE_1, FESTIVAL_2, FESTIVAL_1]
    first = group_stories(articles)
    assert [(s.id, s.articles) for s in first] == [(s.id, s.articles) for s in group_stories(articles)]
    # STRIKE_1 and FESTIVAL_1 are the earliest (March 1): their stories come first, named after them.
    assert first[0].articles[0] in {STRIKE_1.id, FESTIVAL_1.id}
    assert first[1].articles[0] in {STRIKE_1.id, FESTIVAL_1.id}
    assert first[-1].articles == [FESTIVAL_2.id] or first[-1].articles == [TRANSFER.id]


def test_story_ids_stay_stable_when_articles_are_added() -> None:
    before = {s.id: set(s.articles) for s in group_stories([STRIKE_1, FESTIVAL_1, TRANSFER])}
    after = {s.id: set(s.articles) for s in group_stories([STRIKE_1, FESTIVAL_1, TRANSFER, STRIKE_2, FESTIVAL_2])}
    for story_id, members in before.items():
        assert story_id in after and members <= after[story_id]
    assert len(after) == 3


def test_a_duplicate_joins_its_original_even_when_its_text_differs() -> None:
    copy = replace(
        art("c1", "Unrelated wording", "Completely different words about gardening tomatoes.", published="2026-03-05"),
        duplicate_of=TRANSFER.id,
    )
    stories = group_stories([TRANSFER, FESTIVAL_1, copy])
    assert frozenset({TRANSFER.id, copy.id}) in groups(stories)


def test_empty_and_contentless_input() -> None:
    assert group_stories([]) == []
    blank = [art("b1", "", "the and of"), art("b2", "", "")]
    assert groups(group_stories(blank)) == {frozenset({blank[0].id}), frozenset({blank[1].id})}


def test_entity_weight_uses_shared_entities() -> None:
    from newsdesk.model import Entity, Mention

    # Two articles with few shared words but the same two named people.
    a = art("e1", "", "Talks resumed in Geneva on Monday between the delegations.")
    b = art("e2", "", "Negotiators met again, officials confirmed later.")
    people = [
        Entity(
            id=f"p{k}",
            name=name,
            kind="person",
            mentions=[Mention(article=x.id, text=name, start=0, end=0) for x in (a, b)],
        )
        for k, name in enumerate(["Anna Berg", "Tomas Vik"])
    ]
    words_only = group_stories([a, b], people, StorySettings())
    with_entities = group_stories([a, b], people, StorySettings(entity_weight=0.6))
    assert len(words_only) == 2 and len(with_entities) == 1


def test_lead_and_idf_power_parts_of_the_word_vector() -> None:
    articles = [STRIKE_1, STRIKE_2, TRANSFER]
    plain = StorySettings(idf_power=1.0, lead_weight=0.0, reference_documents=0.0)  # the batch's own IDF
    words = article_vectors(articles, (), plain)
    for settings in (StorySettings(), StorySettings(idf_power=2.0, lead_weight=0.5)):
        matrix = article_vectors(articles, (), settings)
        assert np.allclose(sp.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    # The dot product is (1 - w) * word cosine + w * lead cosine.
    leads = [art(a.path[:-4], "", a.title + " " + " ".join(a.text.split()[:5])) for a in articles]
    lead_only = article_vectors(leads, (), plain)
    mixed = article_vectors(articles, (), replace(plain, lead_weight=0.4, lead_words=5))
    # A lead text counts its title once (the word vector counts it twice), so compare with a hand-built lead.
    expected = 0.6 * (words @ words.T).toarray() + 0.4 * (lead_only @ lead_only.T).toarray()
    assert np.allclose((mixed @ mixed.T).toarray(), expected, atol=1e-5)
    # A higher IDF power lowers the cosine carried by words every article shares.
    shared = [
        art(f"x{k}", "", f"the council met today about {topic} and the council voted")
        for k, topic in enumerate(["roads", "roads schools", "parks"])
    ]
    low = article_vectors(shared, (), plain)
    high = article_vectors(shared, (), replace(plain, idf_power=2.0))
    assert (high[0] @ high[2].T).toarray()[0, 0] < (low[0] @ low[2].T).toarray()[0, 0]
    # An article without content words keeps a zero row.
    blank = article_vectors([STRIKE_1, art("b1", "", "the and of")])
    assert blank[1].nnz == 0


def test_neighbour_window_bounds_the_comparisons() -> None:
    articles = [STRIKE_1, FESTIVAL_1, TRANSFER, FESTIVAL_2, STRIKE_2]
    matrix = article_vectors(articles)
    rows, cols, sims = neighbour_edges(matrix, k=5, floor=0.05)
    assert (0, 4) in set(zip(rows.tolist(), cols.tolist(), strict=True))
    rows, cols, _ = neighbour_edges(matrix, k=5, floor=0.05, window=2)
    assert all(c - r <= 2 for r, c in zip(rows.tolist(), cols.tolist(), strict=True))
    assert len(sims) and all(0.05 <= s <= 1.0001 for s in sims)


# -- incremental assignment -----------------------------------------------------------------------------


def _known(stories: list) -> dict[str, str]:
    return {a: s.id for s in stories for a in s.articles}


def test_assigning_with_nothing_known_is_a_full_grouping() -> None:
    articles = [STRIKE_1, FESTIVAL_1, TRANSFER, STRIKE_2, FESTIVAL_2, STRIKE_3]
    assert assign_stories(articles, {}) == _known(group_stories(articles))


def test_new_articles_join_existing_stories_or_open_new_ones() -> None:
    before = group_stories([STRIKE_1, FESTIVAL_1])
    articles = [STRIKE_1, FESTIVAL_1, TRANSFER, STRIKE_2, FESTIVAL_2, STRIKE_3]
    assigned = assign_stories(articles, _known(before))
    assert set(assigned) == {TRANSFER.id, STRIKE_2.id, FESTIVAL_2.id, STRIKE_3.id}
    strike, festival = (_known(before)[a.id] for a in (STRIKE_1, FESTIVAL_1))
    assert assigned[STRIKE_2.id] == assigned[STRIKE_3.id] == strike
    assert assigned[FESTIVAL_2.id] == festival
    assert assigned[TRANSFER.id] not in {strike, festival}
    # The same ids and groups as grouping everything at once.
    assert {**_known(before), **assigned} == _known(group_stories(articles))


def test_saved_word_counts_give_the_same_vectors_and_stories_bit_for_bit() -> None:
    articles = [STRIKE_1, FESTIVAL_1, TRANSFER, STRIKE_2, FESTIVAL_2, STRIKE_3]
    settings = StorySettings()
    saved = {a.id: article_terms(a, settings.lead_words) for a in articles}
    # Counts come back from a store as plain dicts, in whatever order: the vectors do not depend on it.
    shuffled = {k: ArticleTerms(words=dict(sorted(t.words.items())), lead=dict(t.lead)) for k, t in saved.items()}
    counted = article_vectors(articles, settings=settings)
    for terms in (saved, shuffled, {a.id: saved[a.id] for a in articles[:3]}):
        read = article_vectors(articles, settings=settings, terms=terms)
        assert (counted != read).nnz == 0
    assert saved[STRIKE_1.id].words["strike"] == 3 and saved[STRIKE_1.id].words["docker"] == 4, (
        "title twice, plurals folded"
    )
    assert group_stories(articles, terms=saved) == group_stories(articles)
    before = group_stories([STRIKE_1, FESTIVAL_1])
    assert assign_stories(articles, _known(before), terms=saved) == assign_stories(articles, _known(before))


def test_count_matrix_of_no_words_is_refused() -> None:
    with pytest.raises(ValueError):
        count_matrix([{}, {}])
    matrix, terms = count_matrix([{"b": 2, "a": 1}, {}, {"c": 3}])
    assert terms.tolist() == ["a", "b", "c"] and matrix.toarray().tolist() == [[1, 2, 0], [0, 0, 0], [0, 0, 3]]


def test_existing_stories_are_never_merged_or_renamed() -> None:
    # Alone, the two strike reports are kept apart; a later article would bring them together.
    apart = StorySettings(threshold=0.99, join_threshold=0.99)
    before = group_stories([STRIKE_1, STRIKE_2], (), apart)
    assert len(before) == 2
    together = StorySettings(threshold=0.05, join_threshold=0.05)
    assert len(group_stories([STRIKE_1, STRIKE_2, STRIKE_3], (), together)) == 1
    assigned = assign_stories([STRIKE_1, STRIKE_2, STRIKE_3], _known(before), (), together)
    assert assigned[STRIKE_3.id] in {s.id for s in before}


def test_an_earlier_new_article_joins_the_story_without_renaming_it() -> None:
    before = group_stories([STRIKE_2, STRIKE_3])
    early = replace(STRIKE_1, published="2026-02-28")
    assigned = assign_stories([STRIKE_2, STRIKE_3, early], _known(before))
    assert assigned == {early.id: before[0].id}


def test_neighbours_of_some_rows_only() -> None:
    articles = [STRIKE_1, FESTIVAL_1, TRANSFER, FESTIVAL_2, STRIKE_2, STRIKE_3]
    matrix = article_vectors(articles)
    for window in (0, 2):
        rows, cols, _ = neighbour_edges(matrix, k=2, floor=0.01, window=window, queries=np.array([1, 4]))
        full = dict.fromkeys(zip(*neighbour_edges(matrix, k=2, floor=0.01, window=window)[:2], strict=True))
        pairs = set(zip(rows.tolist(), cols.tolist(), strict=True))
        assert pairs and all(1 in p or 4 in p for p in pairs)
        # A queried row finds the same neighbours as in the full search.
        assert {p for p in full if 1 in p or 4 in p} >= pairs
    rng = np.random.default_rng(2)
    vectors = unit_rows(*rng.normal(size=(30, 8)).tolist())
    rows, cols = dense_neighbour_edges(vectors, k=3, window=4, queries=np.array([0, 10, 11, 29]))
    full = set(zip(*dense_neighbour_edges(vectors, k=3, window=4), strict=True))
    found = set(zip(rows.tolist(), cols.tolist(), strict=True))
    assert found and all({0, 10, 11, 29} & set(p) for p in found)
    assert {(int(a), int(b)) for a, b in full if {0, 10, 11, 29} & {int(a), int(b)}} >= found


def test_changed_stories_join_stories_of_other_languages() -> None:
    from newsdesk.model import Story
    from newsdesk.stories.crosslingual import link_new_across_languages

    stories = [
        Story(id="s-en-dam", title="", articles=["en1", "en2"]),
        Story(id="s-en-port", title="", articles=["en3"]),
        Story(id="s-fr-port", title="", articles=["fr2"]),
        Story(id="s-fr-dam", title="", articles=["fr1"]),
    ]
    languages = {"en1": "en", "en2": "en", "en3": "en", "fr1": "fr", "fr2": "fr"}
    topics = {"dam": [1.0, 0.05, 0.0], "port": [0.0, 1.0, 0.05]}
    vectors = {a: unit_rows(topics["dam" if a in ("en1", "en2", "fr1") else "port"])[0] for a in languages}
    asked: list[list[str]] = []

    def embed(ids: list[str]) -> dict[str, np.ndarray]:
        asked.append(ids)
        return {a: vectors[a] for a in ids}

    fixed = {"s-en-dam", "s-en-port", "s-fr-port"}
    # The new French dam story joins the English one (which keeps its id); two stored stories never merge.
    links = link_new_across_languages(stories, {"s-fr-dam"}, fixed, languages, embed)
    assert links == {"s-fr-dam": "s-en-dam"}
    assert len(asked) == 1 and "fr2" not in asked[0]  # a French story is not compared with French ones
    assert link_new_across_languages(stories, {"s-fr-port"}, fixed | {"s-fr-dam"}, languages, embed) == {}
    one_language = {a: "en" for a in languages}
    assert link_new_across_languages(stories, {"s-fr-dam"}, fixed, one_language, embed) == {}


def test_fold_word() -> None:
    assert [fold_word(w) for w in ["strikes", "cities", "bus", "crisis", "port"]] == [
        "strike",
        "city",
        "bus",
        "crisis",
        "port",
    ]


# -- dense embeddings as a signal -------------------------------------------------------------------------


def unit_rows(*rows: list[float]) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_mixed_vectors_give_the_weighted_mean_of_word_and_dense_cosines() -> None:
    articles = [STRIKE_1, STRIKE_2, TRANSFER]
    words = article_vectors(articles)
    dense = unit_rows([1, 0, 0], [0.6, 0.8, 0], [0, 0, 1])
    word_part, dense_part = mix_embeddings(words, dense, 0.3)
    joined = sp.hstack([word_part, sp.csr_matrix(dense_part)]).toarray()
    assert np.allclose(np.linalg.norm(joined, axis=1), 1.0, atol=1e-5)
    word_cos = (words @ words.T).toarray()
    expected = 0.7 * word_cos + 0.3 * (dense @ dense.T)
    assert np.allclose(joined @ joined.T, expected, atol=1e-5)
    rows, cols = np.array([0, 0, 1]), np.array([1, 2, 2])
    assert np.allclose(pair_similarities(word_part, dense_part, rows, cols), expected[rows, cols], atol=1e-5)
    # An article without content words is compared by its embedding alone.
    blank = article_vectors([STRIKE_1, art("b1", "", "the and of")])
    _, dense_part = mix_embeddings(blank, unit_rows([1, 0], [1, 0]), 0.3)
    assert np.linalg.norm(dense_part[1]) == pytest.approx(1.0, abs=1e-6)


def test_embeddings_group_articles_that_share_no_words() -> None:
    # Same event, different words: only the embeddings see it.
    a = art("x1", "", "Talks resumed in Geneva on Monday between the delegations.")
    b = art("x2", "", "Negotiators met again, officials confirmed later.")
    c = art("x3", "", "Midfielder signed a four-year contract with the club.")
    dense = unit_rows([1, 0.1, 0], [1, 0, 0.1], [0, 0, 1])
    assert len(group_stories([a, b, c], (), StorySettings(embedding_weight=0.5))) == 3  # no embeddings given
    assert len(group_stories([a, b, c], (), StorySettings(), dense)) == 3  # weight 0: embeddings unused
    stories = group_stories([a, b, c], (), StorySettings(embedding_weight=0.5), dense)
    assert groups(stories) == {frozenset({a.id, b.id}), frozenset({c.id})}
    # Within a time window (a and b are next to each other) and alone, too.
    assert groups(group_stories([a, b, c], (), StorySettings(embedding_weight=0.5, window=1), dense)) == groups(stories)
    assert len(group_stories([a], (), StorySettings(embedding_weight=0.5), dense[:1])) == 1


def test_embeddings_keep_word_grouping_on_the_sample_stories() -> None:
    articles = [STRIKE_1, FESTIVAL_1, TRANSFER, STRIKE_2, FESTIVAL_2, STRIKE_3]
    rng = np.random.default_rng(0)
    topic = {"s": rng.normal(size=16), "f": rng.normal(size=16), "t": rng.normal(size=16)}
    dense = unit_rows(*[topic[a.id[-2]] + 0.1 * rng.normal(size=16) for a in articles])
    settings = StorySettings(embedding_weight=0.3, embedding_threshold=0.4, embedding_join_threshold=0.6)
    assert groups(group_stories(articles, (), settings, dense)) == groups(group_stories(articles))
    # Word thresholds on the mixed similarity would lump everything together: the mix has its own.
    lumped = StorySettings(embedding_weight=0.3, embedding_threshold=-1.0)
    assert len(group_stories(articles, (), lumped, dense)) == 1


def test_embeddings_must_have_one_row_per_article() -> None:
    with pytest.raises(NewsdeskError, match="one row per article"):
        group_stories([STRIKE_1, STRIKE_2], (), StorySettings(embedding_weight=0.3), np.zeros((3, 4)))


def test_dense_neighbours_through_faiss_respect_the_window() -> None:
    rng = np.random.default_rng(1)
    vectors = unit_rows(*rng.normal(size=(40, 8)).tolist())
    rows, cols = dense_neighbour_edges(vectors, k=3)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    top = {(min(i, int(j)), max(i, int(j))) for i in range(40) for j in np.argsort(-sims[i])[:3]}
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == top
    rows, cols = dense_neighbour_edges(vectors, k=3, window=5)
    assert len(rows) and all(0 < c - r <= 5 for r, c in zip(rows.tolist(), cols.tolist(), strict=True))
    # Each row still gets its 3 best neighbours inside its window.
    pairs = set(zip(rows.tolist(), cols.tolist(), strict=True))
    for i in range(40):
        inside = [j for j in range(max(0, i - 5), min(40, i + 6)) if j != i]
        best = sorted(inside, key=lambda j: -sims[i, j])[:3]
        assert all((min(i, j), max(i, j)) in pairs for j in best)


# -- membership reasons -----------------------------------------------------------------------------------


def test_every_article_gets_a_reason_naming_its_closest_member_and_what_they_share() -> None:
    from newsdesk.model import Entity, Mention
    from newsdesk.stories.reasons import ALONE, membership_reasons

    articles = [STRIKE_1, FESTIVAL_1, TRANSFER, STRIKE_2, FESTIVAL_2, STRIKE_3]
    stories = group_stories(articles)
    reasons = membership_reasons(articles, stories)
    assert set(reasons) == {a.id for a in articles}
    assert reasons[TRANSFER.id] == ALONE
    strike = reasons[STRIKE_1.id]
    assert strike.startswith("shares ") and "varna" in strike and "similar" in strike
    assert any(f"“{a.title}”" in strike for a in (STRIKE_2, STRIKE_3))
    assert membership_reasons(articles, stories) == reasons  # a pure function
    # Shared canonical entities are named before words.
    ilieva = Entity(
        id="p1",
        name="Marta Ilieva",
        kind="person",
        mentions=[Mention(article=a.id, text="Marta Ilieva", start=0, end=0) for a in (STRIKE_1, STRIKE_2)],
    )
    named = membership_reasons([STRIKE_1, STRIKE_2], group_stories([STRIKE_1, STRIKE_2]), [ilieva])
    assert named[STRIKE_1.id].startswith("shares Marta Ilieva, ")
    assert membership_reasons([], []) == {}


def test_only_stories_near_in_character_ngrams_are_embedded_to_join_across_languages() -> None:
    from newsdesk.model import Story
    from newsdesk.stories.crosslingual import CrossLingualSettings, link_new_across_languages, shortlisted

    topics = ["ferry strike", "chess final", "wheat harvest", "metro fares", "museum theft", "river flood"]
    leads = {f"en{k}": f"Officials spoke about the {topic} in Lisbon on day {k}." for k, topic in enumerate(topics)}
    leads["en9"] = "The Kakhovka dam burst near Nova Kakhovka; 42,000 residents were evacuated."
    leads["fr1"] = "Le barrage de Kakhovka a cédé près de Nova Kakhovka : 42 000 habitants évacués."
    stories = [Story(id=f"s-{a}", title="", articles=[a]) for a in leads]
    languages = {a: a[:2] for a in leads}
    kept = shortlisted({k: languages[s.articles[0]] for k, s in enumerate(stories)}, dict(enumerate(leads.values())), 1)
    assert kept == {len(stories) - 2, len(stories) - 1}, "the dam stories share names and figures"
    assert shortlisted({0: "en", 1: "fr"}, {0: "a", 1: "b"}, 2) == {0, 1}, "small languages are not screened"
    vectors = {a: unit_rows([1.0, 0.05, 0.0] if a in ("en9", "fr1") else [0.0, 1.0, 0.05])[0] for a in leads}
    asked: list[list[str]] = []

    def embed(ids: list[str]) -> dict[str, np.ndarray]:
        asked.append(ids)
        return {a: vectors[a] for a in ids}

    settings = CrossLingualSettings(shortlist=1)
    seekers = {s.id for s in stories}
    links = link_new_across_languages(
        stories, seekers, set(), languages, embed, settings, lambda ids: {a: leads[a] for a in ids}
    )
    assert links == {"s-fr1": "s-en9"} and asked == [["en9", "fr1"]]
