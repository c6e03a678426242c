"""Compare: contradictions, updates and agreements between claims of one story."""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.compare import CompareSettings, compare_stories
from newsdesk.compare.claims import Quantity, polarity, predicates, quantities
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


def _two_reports(t1: str, t2: str, name: str, kind: str = "place") -> Story:
    """A story of two outlets' factual sentences about one entity, compared without quotes."""
    a1, a2 = _article("a1", t1, "Harbour Post"), _article("a2", t2, "Orbis Today")
    mentions = [
        Mention(article=article, text=name, start=m.start(), end=m.end())
        for article, text in (("a1", t1), ("a2", t2))
        for m in re.finditer(re.escape(name), text)
    ]
    entity = Entity(id="e-1", name=name, kind=kind, mentions=mentions)  # type: ignore[arg-type]
    story, _ = _run([a1, a2], [], [entity])
    return story


def test_warning_and_investigation_claims_can_contradict() -> None:
    story = _two_reports(
        "The alarm sounded in Birka Hall before the flames spread, the fire service said.",
        "Residents of Birka Hall said no alarm sounded before the flames spread.",
        "Birka Hall",
    )
    [warning] = story.contradictions
    assert warning.about == "Whether a warning was given (Birka Hall)"
    story = _two_reports(
        "Prosecutors said the former mayor Lena Holt is under investigation over the harbour contracts.",
        "Her spokesman said that Lena Holt is not a suspect in the harbour case.",
        "Lena Holt",
        "person",
    )
    [investigation] = story.contradictions
    assert investigation.about == "Whether Lena Holt is under investigation"


def test_investigation_class_is_narrow() -> None:
    # An inquiry into a cause or a traffic ticket targets nobody: no class to oppose.
    assert "investigation" not in predicates("Police are investigating the cause of the warehouse fire.")
    assert "investigation" not in predicates("The driver received a citation for speeding on the ring road.")
    assert "investigation" in predicates("The treasurer was summoned by the audit court on Friday.")
    # A phrase's first word counts whole: "not available" does not negate "a suspect".
    assert polarity("The treasurer was not available for comment and is a suspect", "investigation") is True
    assert polarity("The treasurer is not a suspect", "investigation") is False


def test_status_phrases_give_the_opening_class() -> None:
    for text in (
        "Lorries are turned away at the Dunmore checkpoint.",
        "Buses can not cross the Eske viaduct this week.",
        "Tractors are not allowed to cross the old dyke.",
        "The coastal road is open to cars again.",
        "The mountain pass opened on Friday morning.",
    ):
        assert "opening" in predicates(text), text


def test_quit_is_not_quite() -> None:
    assert "resignation" not in predicates("The coach was quite sure of the line-up for Sunday.")
    for text in ("She quit the cabinet.", "He quits today", "after quitting the board", "They quit, angry"):
        assert "resignation" in predicates(text), text


def test_a_reopening_named_as_a_noun_states_no_status() -> None:
    opened = "The Sava crossing reopened to traffic on Monday, the ministry said."
    for closed in (
        "Critics of the reopening say the Sava crossing remains closed to buses.",
        "A “reopening” in name only: the Sava crossing remains closed to buses.",
    ):
        [contradiction] = _two_reports(opened, closed, "Sava crossing").contradictions
        assert contradiction.kind == "status"


def test_the_pair_on_the_same_topic_is_the_one_reported() -> None:
    t1 = (
        "The Ostra terminal reopened on Monday after a storm damaged its roof in March. "
        "From today the Ostra terminal is open to heavy lorries of every size."
    )
    t2 = "The Ostra terminal remains closed to heavy lorries, drivers said."
    [contradiction] = _two_reports(t1, t2, "Ostra terminal").contradictions
    assert "lorries" in contradiction.a.text and "lorries" in contradiction.b.text
    assert 0.0 <= contradiction.score <= 1.0


def test_a_firm_claim_is_reported_over_a_prediction_on_the_same_key() -> None:
    t1 = (
        "Heavy lorries of every size will be turned away at the Ostra terminal, the port authority said. "
        "At the Ostra terminal lorries are turned back, the port authority said."
    )
    t2 = "The Ostra terminal is open to heavy lorries, drivers said."
    [contradiction] = _two_reports(t1, t2, "Ostra terminal").contradictions
    assert "will" not in contradiction.a.text + contradiction.b.text


def test_a_predicate_noun_negated_by_the_verb_after_it() -> None:
    assert polarity("the sirens were not working in the lower town", "warning") is False
    assert polarity("the alarm didn't sound", "warning") is False
    assert polarity("the sirens sounded at two in the morning", "warning") is True


def test_a_count_is_measured_within_its_own_phrase() -> None:
    text = "The storm hit the coast, killing at least 30 people and injuring more than 200, officials said."
    assert quantities(text) == [Quantity(30.0, "dead"), Quantity(200.0, "injured")]


def test_a_part_of_another_count_is_not_a_count() -> None:
    assert quantities("one of the injured died in the hospital in the night") == []
    assert quantities("two of our soldiers are wounded") == [Quantity(2.0, "injured")]


def test_fraud_and_who_fired_claims_can_contradict() -> None:
    story = _two_reports(
        "The opposition said the ballot boxes of Las Tunas arrived with the seals broken.",
        "The electoral board said no ballot box of Las Tunas presented a broken seal.",
        "Las Tunas",
    )
    [tampering] = story.contradictions
    assert tampering.about == "Whether there was fraud or tampering (Las Tunas)"
    story = _two_reports(
        "The army said its positions near Kora Pass were shelled with mortars overnight.",
        "The defence ministry said not a single mortar round was fired near Kora Pass.",
        "Kora Pass",
    )
    [fired] = story.contradictions
    assert fired.about == "Who fired (Kora Pass)"


def test_an_earlier_figure_the_same_report_tells_of_is_updated() -> None:
    text = (
        "On Tuesday the ministry spoke of one soldier wounded near Kora Pass. "
        "Two soldiers are now wounded near Kora Pass, colonel Vera Lind said."
    )
    quote = _quote("q1", "a1", text, "Two soldiers are now wounded near Kora Pass", "Vera Lind", "said", None)
    story = _run([_article("a1", text, "Harbour Post", "2025-06-05")], [quote], [])[0]
    assert story.contradictions == []
    [update] = [c for c in story.comparisons if c.relation == "update"]
    assert update.about.startswith("How many were injured")
    assert "on 2025-06-03" in update.explanation


def test_shares_increments_zero_counts_and_people() -> None:
    # A share counts its whole: shares of different wholes never compare.
    text = "with 91.4% of the tally sheets processed and 50.8 percent of the votes"
    assert [q.noun for q in quantities(text)] == ["% of tally", "% of vote"]
    assert quantities("28 percent of the dockers answered") == [Quantity(28.0, "% of docker")]
    assert quantities("the rescuers found five more bodies") == []  # an increase, not a total
    assert quantities("Nobody was injured, the police said") == [Quantity(0.0, "injured")]
    assert quantities("four miners lost their lives and 19 are still trapped") == [
        Quantity(4.0, "dead"),
        Quantity(19.0, "missing"),
    ]
    assert quantities("two servicemen were killed at the checkpoint") == [Quantity(2.0, "dead")]
    text = "Two servicemen of the border service of Dalmar were killed and three wounded"
    assert quantities(text) == [Quantity(2.0, "dead"), Quantity(3.0, "injured")]
    assert quantities("5 people attended the funeral of the victims") == [Quantity(5.0, "people")]


def test_a_share_of_the_same_whole_and_a_denied_count_contradict() -> None:
    story = _two_reports(
        "The union said the strike in Port Salam is followed by 95% of the dockers.",
        "The port management said only 28 percent of the dockers in Port Salam answered the strike call.",
        "Port Salam",
    )
    [share] = story.contradictions
    assert share.about == "The share of dockers (Port Salam)"
    assert "95% of dockers" in share.explanation
    story = _two_reports(
        "The union said 12 workers were injured when police cleared the gate of Port Salam.",
        "The police said nobody was injured at the gate of Port Salam.",
        "Port Salam",
    )
    [injured] = story.contradictions
    assert injured.about == "How many were injured (Port Salam)"


def test_never_closed_states_the_opposite_status() -> None:
    story = _two_reports(
        "The union leader said the port of Salam is closed and not one container leaves.",
        "The minister said the port of Salam was never closed and ships are leaving.",
        "Salam",
    )
    [status] = story.contradictions
    assert status.kind == "status"


def test_european_thousands_durations_and_people_in_hospital() -> None:
    assert quantities("police found an envelope with 120.000 euros") == [Quantity(120000.0, "money")]
    assert quantities("3.5 million people fled") == [Quantity(3500000.0, "people")]
    assert quantities("he stays in custody for 48 hours") == []  # how long, not how many
    assert quantities('that "no one suffered serious injuries"') == []
    assert quantities("none of the two hospitalised is a foreigner") == []
    assert quantities("four servicemen remain in hospital") == [Quantity(4.0, "injured")]
    assert quantities("one soldier was lightly wounded in the leg") == [Quantity(1.0, "injured")]


def test_a_count_is_never_about_a_person() -> None:
    story = _two_reports(
        "Union leader Ali Diop said 12 workers were injured at the gate.",
        "Ali Diop was wrong: nobody was injured at the gate, the police said.",
        "Ali Diop",
        "person",
    )
    [injured] = story.contradictions
    assert injured.about == "How many were injured"
