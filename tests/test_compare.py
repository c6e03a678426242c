"""Compare: contradictions, updates and agreements between claims of one story."""

from __future__ import annotations

from dataclasses import replace

from newsdesk.compare import CompareSettings, compare_stories
from newsdesk.compare.claims import polarity, predicates, quantities
from newsdesk.model import Article, Entity, Mention, Quote, Story


def _article(aid: str, text: str, source: str, published: str | None = None) -> Article:
    return Article(id=aid, path=f"{aid}.txt", title=aid, paragraphs=[text], source=source, published=published)


def _entity(eid: str, name: str, kind: str, *where: tuple[str, str]) -> Entity:
    mentions = []
    for article, text in where:
        start = text.index(name)
        mentions.append(Mention(article=article, text=name, start=start, end=start + len(name)))
    return Entity(id=eid, name=name, kind=kind, mentions=mentions)  # type: ignore[arg-type]


def _quote(qid: str, article: str, text: str, content: str, speaker: str, cue: str, entity: str | None) -> Quote:
    start = text.index(content)
    return Quote(
        id=qid,
        article=article,
        speaker=speaker,
        speaker_entity=entity,
        cue=cue,
        text=content,
        direct=False,
        start=start,
        end=start + len(content),
    )


def _run(articles, quotes, entities):
    story = Story(id="s-1", title="t", articles=[a.id for a in articles])
    stories, claims = compare_stories([story], articles, quotes, entities)
    return stories[0], claims


def test_denial_is_a_contradiction_and_names_holders() -> None:
    t1 = "Police spokesman Ivo Rand said that officers arrested Marek Dolny at the port on Monday."
    t2 = "His lawyer Nina Sarr denied that Marek Dolny was arrested, saying he is at home."
    a1, a2 = _article("a1", t1, "Harbour Post"), _article("a2", t2, "Orbis Today")
    dolny = _entity("e-dolny", "Marek Dolny", "person", ("a1", t1), ("a2", t2))
    q1 = _quote("q1", "a1", t1, "officers arrested Marek Dolny at the port on Monday", "Ivo Rand", "said", None)
    q2 = _quote("q2", "a2", t2, "Marek Dolny was arrested", "Nina Sarr", "denied", None)
    story, claims = _run([a1, a2], [q1, q2], [dolny])
    assert len(claims) >= 2
    [contradiction] = story.contradictions
    assert contradiction.kind == "denial"
    assert "Ivo Rand" in contradiction.explanation and "Nina Sarr" in contradiction.explanation
    assert "Marek Dolny" in contradiction.about


def test_low_scored_learned_quotes_make_no_claims() -> None:
    t1 = "Police spokesman Ivo Rand said that officers arrested Marek Dolny at the port on Monday."
    a1 = _article("a1", t1, "Harbour Post")
    rule = _quote("q1", "a1", t1, "officers arrested Marek Dolny at the port on Monday", "Ivo Rand", "said", None)
    weak = replace(rule, score=0.31)
    story = Story(id="s-1", title="t", articles=["a1"])
    assert [c.quote for c in compare_stories([story], [a1], [rule], [])[1]] == ["q1"]
    assert [c.quote for c in compare_stories([story], [a1], [weak], [])[1]] == [None]  # the sentence stays a claim
    everything = CompareSettings(min_quote_score=0.0)
    assert [c.quote for c in compare_stories([story], [a1], [weak], [], everything)[1]] == ["q1"]


def test_later_higher_figure_is_an_update_not_a_contradiction() -> None:
    t1 = "At least 14 people died when the dam of Lake Varo burst, officials said."
    t2 = "The death toll from the Lake Varo dam burst rose to 31 people, the governor said on Friday."
    a1 = _article("a1", t1, "Coastline Daily", "2026-03-02")
    a2 = _article("a2", t2, "NewsPulse24", "2026-03-04")
    varo = _entity("e-varo", "Lake Varo", "place", ("a1", t1), ("a2", t2))
    story, _ = _run([a1, a2], [], [varo])
    assert story.contradictions == []
    [update] = [c for c in story.comparisons if c.relation == "update"]
    assert "31" in update.explanation and "14" in update.explanation
    assert update.a.article == "a1" and update.b.article == "a2"


def test_agreeing_statements_are_not_contradictions() -> None:
    t1 = "The army took control of Dravno on Sunday, the ministry said."
    t2 = "Government troops took control of Dravno on Sunday, witnesses said."
    a1, a2 = _article("a1", t1, "Harbour Post"), _article("a2", t2, "Orbis Today")
    dravno = _entity("e-dravno", "Dravno", "place", ("a1", t1), ("a2", t2))
    story, _ = _run([a1, a2], [], [dravno])
    assert story.contradictions == []


def test_negation_out_of_scope_does_not_flip_polarity() -> None:
    assert polarity("The army did not stop trying to control the valley", "control") is True
    assert polarity("he did not leave the country", "departure") is False
    assert polarity("the rebels denied the army's full control of the valley", "control") is False
    assert polarity("he did not confirm that they had lost control", "control", cue="did not confirm") is None


def test_quantities_and_predicates() -> None:
    assert [(q.value, q.noun) for q in quantities("the toll rose to 1,200 people and 3 million dollars")] == [
        (1200.0, "dead"),
        (3_000_000.0, "money"),
    ]
    assert quantities("in 2021 people said") == []
    assert "departure" in predicates("the minister fled abroad")
