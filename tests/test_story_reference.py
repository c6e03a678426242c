"""Reference document frequencies blended into the IDF of story grouping (fast, offline)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.model import Article
from newsdesk.stories import StorySettings, group_stories
from newsdesk.stories.grouping import _word_weights, article_vectors
from newsdesk.stories.reference import (
    REFERENCE_PATH,
    ReferenceError,
    ReferenceFrequencies,
    blended_idf,
    shipped_reference,
)


def art(key: str, title: str, *paragraphs: str) -> Article:
    return Article(id=f"a-{key}", path=f"{key}.txt", title=title, paragraphs=list(paragraphs))


def test_the_shipped_table_is_small_checked_and_says_where_it_comes_from() -> None:
    table = shipped_reference()
    assert REFERENCE_PATH.suffixes == [".json", ".gz"] and REFERENCE_PATH.stat().st_size < 200_000
    assert 1_000 <= table.documents <= 1_683  # FNC-1 training bodies, never all of FNC-1
    assert table.min_df >= 2 and min(table.words.values()) >= table.min_df and min(table.lead.values()) >= 2
    assert max(table.words.values()) <= table.documents and table.lead_words == StorySettings().lead_words
    assert "training_ids.txt" in table.facts["split"] and "Apache-2.0" in table.facts["data"]
    # Common news words are common in it; words are folded and stop words left out, as grouping counts them.
    assert table.words["said"] > table.documents / 3
    assert "the" not in table.words and "reports" not in table.words and "report" in table.words


def test_save_and_load_round_trip_byte_identical_and_checked(tmp_path) -> None:
    table = ReferenceFrequencies(documents=10, words={"strike": 3, "port": 2}, lead={"strike": 2}, facts={"x": 1})
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    table.save(first)
    table.save(second)
    assert first.read_bytes() == second.read_bytes()
    loaded = ReferenceFrequencies.load(first)
    assert loaded.documents == 10 and dict(loaded.words) == {"port": 2, "strike": 3} and loaded.facts == {"x": 1}
    import gzip
    import json

    data = json.loads(gzip.decompress(first.read_bytes()))
    data["words"]["strike"] = 9
    first.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(ReferenceError, match="sha256"):
        ReferenceFrequencies.load(first)
    with pytest.raises(ReferenceError, match="cannot be read"):
        ReferenceFrequencies.load(tmp_path / "missing.json.gz")
    with pytest.raises(ReferenceError, match="unknown reference table"):
        table.table("names")


def test_counting_counts_articles_not_occurrences_and_keeps_words_in_min_df() -> None:
    articles = [
        art("1", "Strike strikes", "The strike at the port.", "Port workers strike again."),
        art("2", "", "Port authority statement."),
        art("3", "", "A quiet day."),
    ]
    table = ReferenceFrequencies.count(articles, lead_words=2, min_df=2)
    assert table.documents == 3
    assert dict(table.words) == {"port": 2}  # "strike" is in one article only, however often
    assert dict(table.lead) == {}  # leads of title + 2 words: no word in two of them
    table = ReferenceFrequencies.count(articles, lead_words=3, min_df=1)
    assert table.words["strike"] == 1 and table.lead["port"] == 1 and "authority" in table.lead


def test_without_a_reference_the_idf_is_the_batch_s_own() -> None:
    texts = ["council voted roads", "council voted parks budget", "festival lanterns river river"]
    ours = _word_weights(texts, 0, 1.0).toarray()
    sklearn = TfidfVectorizer(sublinear_tf=True).fit_transform(texts).toarray()
    assert np.allclose(ours, sklearn, atol=1e-6)
    idf = blended_idf(["a", "b"], np.array([1, 2]), 2, {"a": 500}, 1_000, 0.0)
    assert np.allclose(idf, [np.log(3 / 2) + 1, 1.0])


def test_the_reference_counts_as_reference_documents_articles() -> None:
    reference = {"said": 600, "official": 300}
    idf = blended_idf(["said", "official", "varna"], np.array([2, 1, 2]), 2, reference, 1_000, 1_000.0)
    # df = batch + share of the reference; N = 2 + 1,000.
    expected = np.log(1003 / np.array([1 + 2 + 600, 1 + 1 + 300, 1 + 2])) + 1
    assert np.allclose(idf, expected)
    # A word both articles use but news rarely does (a name) now outweighs a common one only one uses.
    assert idf[2] > idf[1] > idf[0]
    # A large batch is barely moved by the reference.
    many = blended_idf(["said", "varna"], np.array([5_000, 40]), 100_000, reference, 1_000, 1_000.0)
    alone = blended_idf(["said", "varna"], np.array([5_000, 40]), 100_000)
    assert np.allclose(many, alone, atol=0.15)  # "said" in 60% of the reference, 5% of the batch


# Two reports of one event in different words, as two outlets write it: they share the rare names and
# figures, and each uses common news words the other does not.
QUAKE_1 = art(
    "q1",
    "Quake hits Karvala province",
    "A magnitude 6.4 earthquake struck Karvala province on Tuesday, officials said, and rescuers searched "
    "collapsed buildings in Tembor.",
    "The government said schools would stay closed while engineers inspect them, according to a statement.",
)
QUAKE_2 = art(
    "q2",
    "Karvala earthquake: Tembor counts damage",
    "Residents of Tembor spent the night outside after the 6.4 earthquake in Karvala, the ministry reported.",
    "Police told reporters that roads into the city were blocked, and the president promised aid this week.",
)
COMMON = [
    "official",
    "said",
    "rescuer",
    "searched",
    "government",
    "school",
    "stay",
    "closed",
    "engineer",
    "inspect",
    "according",
    "statement",
    "resident",
    "spent",
    "night",
    "outside",
    "ministry",
    "reported",
    "police",
    "told",
    "reporter",
    "road",
    "city",
    "blocked",
    "president",
    "promised",
    "aid",
    "week",
    "province",
    "struck",
    "building",
    "collapsed",
    "damage",
    "count",
    "hit",
    "tuesday",
]


def test_a_batch_of_two_reports_of_one_event_stays_together_with_the_reference() -> None:
    reference = ReferenceFrequencies(
        documents=1_000,
        words={w: 150 for w in COMMON} | {"earthquake": 20, "quake": 15},
        lead={w: 60 for w in COMMON} | {"earthquake": 8, "quake": 6},
    )
    settings = StorySettings(idf_power=1.5, lead_weight=0.3, threshold=0.17, join_threshold=0.4)
    alone = article_vectors([QUAKE_1, QUAKE_2], (), replace(settings, reference_documents=0.0))
    blended = article_vectors(
        [QUAKE_1, QUAKE_2], (), replace(settings, reference_documents=1_000.0), reference=reference
    )
    cos_alone = float((alone[0] @ alone[1].T).toarray()[0, 0])
    cos_blended = float((blended[0] @ blended[1].T).toarray()[0, 0])
    # Alone, each article's own words get the highest weight: the shared names count least.
    assert cos_blended > cos_alone + 0.1
    assert len(group_stories([QUAKE_1, QUAKE_2], (), replace(settings, reference_documents=0.0))) == 2
    together = group_stories(
        [QUAKE_1, QUAKE_2], (), replace(settings, reference_documents=1_000.0), reference=reference
    )
    assert len(together) == 1


def test_the_default_settings_blend_in_the_shipped_table() -> None:
    defaults = StorySettings()
    assert defaults.reference_documents > 0
    with_default = article_vectors([QUAKE_1, QUAKE_2], (), defaults)
    explicit = article_vectors([QUAKE_1, QUAKE_2], (), defaults, reference=shipped_reference())
    assert np.allclose(with_default.toarray(), explicit.toarray())
    assert len(group_stories([QUAKE_1, QUAKE_2])) == 1


def test_the_pair_model_keeps_the_word_vectors_it_was_trained_on() -> None:
    from newsdesk.stories.pairs import article_views

    batch_only = StorySettings(idf_power=1.0, lead_weight=0.0, reference_documents=0.0)
    view = article_views([QUAKE_1, QUAKE_2], ("words",))["words"]
    assert np.allclose(view.toarray(), article_vectors([QUAKE_1, QUAKE_2], (), batch_only).toarray())
