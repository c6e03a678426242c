"""Quote extraction on small invented sentences (one spaCy load per module)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language
from spacy.tokens import Span

from newsdesk.enrich.context import Context
from newsdesk.enrich.nlp import StrayNames
from newsdesk.enrich.quote_marks import scan_passages
from newsdesk.enrich.quotes import extract_quotes, find_attributions
from newsdesk.model import Mention, Quote, content_id

Extract = Callable[..., list[Quote]]


@pytest.fixture(scope="module")
def quotes(nlp: Language) -> Extract:
    def run(text: str, mentions: tuple[Mention, ...] = ()) -> list[Quote]:
        return extract_quotes("a-test", text, nlp(text), mentions)

    return run


def only(found: list[Quote]) -> Quote:
    assert len(found) == 1, found
    return found[0]


def test_curly_direct_quote(quotes: Extract) -> None:
    text = "“We will rebuild the bridge before winter,” Mayor Ellen Porter said on Tuesday."
    quote = only(quotes(text))
    assert quote.direct
    assert quote.text == "We will rebuild the bridge before winter"
    assert text[quote.start : quote.end] == quote.text
    assert quote.speaker is not None and quote.speaker.endswith("Ellen Porter")
    assert quote.cue == "said"
    assert quote.speaker_entity is None
    assert quote.id == content_id("a-test", str(quote.start), str(quote.end), prefix="q-")


def test_straight_quotes_and_inverted_attribution(quotes: Extract) -> None:
    text = '"The harvest was the worst in a decade," said Tomas Varga, a farmer near the river.'
    quote = only(quotes(text))
    assert quote.direct
    assert quote.speaker == "Tomas Varga"
    assert quote.text.startswith("The harvest was the worst")


def test_split_quote_gives_one_quote_per_piece(quotes: Extract) -> None:
    text = "“The budget is tight,” the treasurer, Marta Silva, said. “But the schools will get their money.”"
    first, second = quotes(text)
    assert first.text == "The budget is tight"
    assert second.text == "But the schools will get their money."
    for quote in (first, second):
        assert quote.direct
        assert quote.speaker == "Marta Silva"
        assert quote.cue == "said"
        assert text[quote.start : quote.end] == quote.text
    assert first.id != second.id


def test_multi_paragraph_quote_follows_the_open_mark(quotes: Extract) -> None:
    text = (
        "Governor Ray Holt described the night of the flood.\n\n"
        "“The water rose faster than anyone expected. We moved families out before midnight.\n\n"
        "“Nobody was hurt, and that is what matters,” he said."
    )
    # "described the night of the flood" is an attribution too (learned cue); the quotes are the direct ones.
    first, second = [q for q in quotes(text) if q.direct]
    assert first.text == "The water rose faster than anyone expected. We moved families out before midnight."
    assert second.text == "Nobody was hurt, and that is what matters"
    # The first paragraph has no attribution of its own: it is the same quote as the second.
    assert first.speaker == second.speaker == "Ray Holt"
    assert first.direct and second.direct


def test_quote_only_paragraph_continues_the_previous_speaker(quotes: Extract) -> None:
    text = (
        "“Our hospital needs two more surgeons,” said Dr. Nadia Petrov, the chief of staff.\n\n"
        "“Patients wait eleven weeks for a routine operation, and that is far too long.”"
    )
    first, second = quotes(text)
    assert first.speaker == second.speaker == "Nadia Petrov"
    assert second.cue == "said"


def test_unattributed_quote_later_in_the_paragraph_continues_the_previous_one(quotes: Extract) -> None:
    text = (
        "“The bridge will open in May,” Mayor Ellen Porter said on Tuesday at a meeting with residents of the "
        "old harbour district, who have waited years for the crossing and for a bus line to the centre of town. "
        "“It will cost less than planned.”"
    )
    first, second = quotes(text)
    assert first.speaker == second.speaker == "Ellen Porter"
    assert second.text == "It will cost less than planned."


def test_guillemets(quotes: Extract) -> None:
    text = "«Prices will fall next year,» the economist Laura Chen told reporters in Geneva."
    quote = only(quotes(text))
    assert quote.direct
    assert quote.text == "Prices will fall next year"
    assert quote.speaker == "Laura Chen"
    assert quote.cue == "told"


def test_reported_speech_with_that(quotes: Extract) -> None:
    text = "Norvex Industries confirmed on Monday that it would close two factories in the north."
    quote = only(quotes(text))
    assert not quote.direct
    assert quote.speaker == "Norvex Industries"
    assert quote.cue == "confirmed"
    assert quote.text == "that it would close two factories in the north"


def test_according_to(quotes: Extract) -> None:
    text = "According to the fire department, the blaze started in a restaurant kitchen."
    quote = only(quotes(text))
    assert not quote.direct
    assert quote.cue == "according to"
    assert quote.speaker == "fire department"
    assert quote.text == "the blaze started in a restaurant kitchen"


def test_pronoun_resolves_to_recent_person(quotes: Extract) -> None:
    text = "Senator Alan Brooks visited the harbour on Friday. He said that the new cranes would double capacity."
    quote = only(quotes(text))
    assert quote.speaker == "Alan Brooks"
    assert quote.text == "that the new cranes would double capacity"


def test_role_noun_resolves_to_named_holder(quotes: Extract) -> None:
    text = (
        "Dana Whitfield, a spokeswoman for the ministry, spoke after the meeting ended. "
        "The spokeswoman said the talks would resume in May."
    )
    quote = only(quotes(text))
    assert quote.speaker == "Dana Whitfield"
    assert quote.text == "the talks would resume in May"


def test_role_misparsed_as_a_groups_apposition_goes_to_the_person_named_with_it(quotes: Extract) -> None:
    text = (
        "This Sunday, before the Taliban, the leader of the Northern Front, attacked and advanced, Omar Idris, "
        "posted a message on Facebook.\n\n“We are ready to stop fighting,” the front leader announced."
    )
    quote = only(quotes(text))
    assert (quote.speaker, quote.cue) == ("Omar Idris", "announced")


def test_unnamed_source_keeps_description(quotes: Extract) -> None:
    text = "A local resident told reporters that the water had been cut off for three days."
    quote = only(quotes(text))
    assert quote.speaker == "local resident"
    assert quote.speaker_entity is None
    assert quote.text == "that the water had been cut off for three days"


def test_definite_source_takes_earlier_description(quotes: Extract) -> None:
    text = (
        "A source at the port authority described the damage. "
        "The source said, “Three cranes collapsed and the east pier is closed.”"
    )
    quote = only([q for q in quotes(text) if q.direct])
    assert quote.speaker == "source at the port authority"


def test_denial_cue(quotes: Extract) -> None:
    text = "Finance Minister Petra Lund faced questions in parliament. The minister denied that any payments had been made."
    quote = only(quotes(text))
    assert quote.cue == "denied"
    assert quote.speaker == "Petra Lund"
    assert quote.text == "that any payments had been made"


def test_short_name_expands_to_longest_form(quotes: Extract) -> None:
    text = "Bilal Rahimi runs the press office. “The road is open again,” Rahimi wrote on Twitter."
    quote = only(quotes(text))
    assert quote.speaker == "Bilal Rahimi"
    assert quote.cue == "wrote"


def test_scare_quotes_are_not_quotes(quotes: Extract) -> None:
    found = quotes("The council dismissed the plan as “unworkable” and moved on to the budget.")
    # The council's stance is an attribution (learned cue "dismissed"), but "unworkable" alone is no quote.
    assert all(not q.direct and q.text != "unworkable" for q in found)


def test_partial_quote_stays_inside_reported_speech(quotes: Extract) -> None:
    text = "Ms. Okafor said the proposal was “a gift to landlords” and would raise rents."
    quote = only(quotes(text))
    assert not quote.direct
    assert quote.text.startswith("the proposal was “a gift to landlords”")


def test_names_mapping_sets_the_display_name(nlp: Language) -> None:
    text = "“We are ready,” Mr. Okafor said."
    start = text.index("Okafor")
    mention = Mention(article="a-test", text="Okafor", start=start, end=start + len("Okafor"))
    found = extract_quotes("a-test", text, nlp(text), [mention], names={(mention.start, mention.end): "Chidi Okafor"})
    assert only(found).speaker == "Chidi Okafor"


def test_speaker_span_is_where_the_speaker_is_written(nlp: Language) -> None:
    text = "Ines Alvarez runs the clinic. She said the waiting list had doubled since March."
    att = find_attributions(text, nlp(text))[0]
    assert att.speaker == "Ines Alvarez"
    assert att.speaker_span is not None
    assert text[att.speaker_span[0] : att.speaker_span[1]] == "She"


def test_offsets_always_match_the_text(quotes: Extract) -> None:
    text = (
        "The plan, the minister said, will cost less than expected.\n\n"
        "“It is ready,” she added. “We start in June.”\n\n"
        "According to two engineers, the tunnel is already half dug."
    )
    found = quotes(text)
    assert len(found) == 4
    for quote in found:
        assert text[quote.start : quote.end] == quote.text
    assert found[0].text == "The plan, the minister said, will cost less than expected"
    assert not found[0].direct


def test_doc_must_parse_the_text(nlp: Language) -> None:
    with pytest.raises(ValueError, match="parse"):
        extract_quotes("a-test", "Another text entirely.", nlp("Some text."))


def test_a_line_break_ends_a_sentence(nlp: Language) -> None:
    doc = nlp("Talks collapse in the capital\n\nThe minister said the talks failed.")
    assert [s.text.strip() for s in doc.sents] == [
        "Talks collapse in the capital",
        "The minister said the talks failed.",
    ]


def test_a_pronoun_glued_to_the_previous_sentence_starts_one(nlp: Language) -> None:
    # Machine-translated pages drop full stops; the word before "He" is not the speaker.
    text = "The telephone network is down completely He added that the roads were closed."
    [attribution] = find_attributions(text, nlp(text), cues=False)
    assert text[attribution.speaker_span[0] : attribution.speaker_span[1]] == "He"
    assert [s.text.strip() for s in nlp(text).sents][1].startswith("He added")


def test_a_full_stop_glued_to_the_next_word_ends_the_sentence(nlp: Language) -> None:
    doc = nlp("The leader announced.for the rebels the war is over. Read cnn.com or example.it today.")
    assert doc.text.startswith("The leader announced.for")  # the text is never changed
    assert [s.text for s in doc.sents][:2] == ["The leader announced.", "for the rebels the war is over."]
    assert {"cnn.com", "example.it"} <= {t.text for t in doc}


def test_a_stray_capitalised_common_word_is_not_a_person(nlp: Language) -> None:
    doc = nlp.make_doc("The system is Fall completely. President Trump met Charlie Rose and Rose said Trump won.")
    doc.ents = [
        Span(doc, 3, 4, label="PERSON"),  # Fall: a common word, capitalised once, no title
        Span(doc, 7, 8, label="PERSON"),  # Trump after a title (and capitalised twice)
        Span(doc, 9, 11, label="PERSON"),  # Charlie Rose
        Span(doc, 12, 13, label="PERSON"),  # Rose: part of a longer name
    ]
    kept = StrayNames(frozenset({"fall", "trump", "rose", "system"}))(doc)
    assert [e.text for e in kept.ents] == ["Trump", "Charlie Rose", "Rose"]
    assert "newsdesk_stray_names" in nlp.pipe_names


def test_a_pronoun_after_a_stray_capital_is_not_resolved_to_it(nlp: Language) -> None:
    text = "Fighters left the valley because the network is Fall completely He added that the roads were closed."
    [attribution] = find_attributions(text, nlp(text), cues=False)
    assert attribution.speaker != "Fall"


def test_the_writers_trailing_aside_is_not_reported_content(nlp: Language) -> None:
    text = (
        "The doctor said the senator had caught pneumonia, which is common among older patients.\n\n"
        "The mayor said the bridge was safe, while engineers found cracks in two piers.\n\n"
        "The minister said the plan, which costs little, would work."
    )
    contents = [text[a.start : a.end] for a in find_attributions(text, nlp(text), cues=False)]
    assert contents == [
        "the senator had caught pneumonia",
        "the bridge was safe",
        "the plan, which costs little, would work",
    ]


def test_a_name_the_parser_hangs_on_the_role_nouns_place_is_the_speaker(nlp: Language) -> None:
    text = (
        "Officials in the valley said the dam was safe. "
        "The mayor of Brenton, Alma Fischer, denied that any alarm had sounded in the lower town."
    )
    speakers = [a.speaker for a in find_attributions(text, nlp(text), cues=False)]
    assert speakers == ["officials in the valley", "Alma Fischer"]


def test_a_closing_mark_parsed_as_subject_gives_way_to_the_name_after_the_verb(nlp: Language) -> None:
    text = (
        "The governor, Lina Berg, visited the site.\n\n"
        "«We did all we could, the pumps ran all night» declared Berg to the journalists in Tarsk."
    )
    [attribution] = find_attributions(text, nlp(text), cues=False)
    assert attribution.speaker == "Lina Berg"


def test_a_speaker_after_the_verb_that_follows_the_statement(nlp: Language) -> None:
    # Translated news often puts the verb of saying and its speaker after the statement.
    text = (
        "The talks will resume next week, confirmed the spokesman of the ministry, Ivan Petrov.\n\n"
        "The toll of the flood rose to 16, announced the regional governor Marko Vidmer on Monday.\n\n"
        "Mr. Obama, who knew the plan would fail, told his advisers to find another way.\n\n"
        '"All the controls were made according to the law," declared a spokesperson of the company.\n\n'
        "The minister of transport, Eva Holm, announced an independent investigation."
    )
    found = [(a.speaker, text[a.start : a.end]) for a in find_attributions(text, nlp(text))]
    assert found[:2] == [
        ("Ivan Petrov", "The talks will resume next week"),
        ("Marko Vidmer", "The toll of the flood rose to 16"),
    ]
    assert ("spokesperson of the company", "All the controls were made according to the law") in found
    assert all(speaker not in {"advisers", "independent investigation"} for speaker, _ in found)


def test_a_name_set_off_by_commas_after_according_to_is_the_source(nlp: Language) -> None:
    text = (
        "Stefan Radu was at home on Sunday.\n\n"
        "According to the spokesman of the police, Mihai Ionescu, Radu is accused of organizing violent actions."
    )
    [attribution] = find_attributions(text, nlp(text), cues=False)
    assert attribution.speaker == "Mihai Ionescu"
    assert text[attribution.start : attribution.end] == "Radu is accused of organizing violent actions"


def test_translated_word_orders_after_a_quote(nlp: Language) -> None:
    # Content-farm translations: the verb and its speaker follow the quote, in forms the parser misreads.
    text = (
        "The mayor Tomas Ruzic spoke to supporters in the square.\n\n"
        "«The city said yes to the plan», declared he before midnight, although the council did not vote yet.\n\n"
        '"The site has no valid permit since October," declared commissar Dalibor Kostov on press conference.\n\n'
        "«Our soldiers stayed on our land. The other side opened fire first», wrote on Telegram the official "
        "representative of the ministry, colonel Vesna Adamic.\n\n"
        "The minister of foreign affairs A. Temirbekov announced that the talks will take place next week."
    )
    found = [(a.speaker, text[a.start : a.end]) for a in find_attributions(text, nlp(text), cues=False)]

    def speaker(words: str) -> str | None:
        return next(speaker for speaker, content in found if words in content)

    assert speaker("The city said yes") == "Tomas Ruzic"
    assert speaker("no valid permit") == "Dalibor Kostov"
    assert speaker("opened fire first") == "Vesna Adamic"
    assert speaker("the talks will take place") == "A. Temirbekov"


def test_a_role_nouns_name_set_off_inside_its_phrase(nlp: Language) -> None:
    text = (
        "The governor visited the plant.\n\n"
        "The executive director of Vitoria, Ilko Maric, son of the founder of the company, "
        "affirmed that all the emergency exits were open during the night."
    )
    [attribution] = find_attributions(text, nlp(text), cues=False)
    assert attribution.speaker == "Ilko Maric"


def test_a_sentence_opened_by_as_and_a_verb_of_saying(nlp: Language) -> None:
    text = (
        "The border was quiet on Monday.\n\n"
        "As told the spokesman of the service, Nurlan Omarov, a group of soldiers entered the valley.\n\n"
        "As stated by the police, three people were arrested in the square."
    )
    found = [(a.speaker, text[a.start : a.end]) for a in find_attributions(text, nlp(text), cues=False)]
    assert found == [
        ("Nurlan Omarov", "a group of soldiers entered the valley"),
        ("police", "three people were arrested in the square"),
    ]


def test_more_translated_orders_and_spaced_guillemets(nlp: Language) -> None:
    text = (
        "The union called the strike.\n\n"
        "« The port is closed. The cranes are stopped », declared to the press its secretary general Ali Diop.\n\n"
        "„I was behind him on the belt, only twenty meters“, told Kerem to our reporter.\n\n"
        "The manager rejected the words. “These accusations,” continued Orhan Kaya, “come from our rivals.”\n\n"
        "The minister of energy Ferit Alkan, who arrived on Tuesday, announced that all the mines will be inspected.\n\n"
        "The lawyer of Ivan Petrov said that his client is innocent."
    )
    found = {text[a.segments[0][0] : a.segments[0][1]]: a.speaker for a in find_attributions(text, nlp(text))}
    assert found["The port is closed. The cranes are stopped"] == "Ali Diop"
    assert found["I was behind him on the belt, only twenty meters"] == "Kerem"
    assert found["These accusations"] == "Orhan Kaya"
    assert found["that all the mines will be inspected"] == "Ferit Alkan"
    assert found["that his client is innocent"] == "lawyer of Ivan Petrov"


def test_a_speaker_the_parser_reads_as_an_adverbial_noun(nlp: Language) -> None:
    text = "The trucks still can not cross the bridge, affirmed this Tuesday the Syndicate of the road transporters."
    [attribution] = find_attributions(text, nlp(text), cues=False)
    assert attribution.speaker is not None and attribution.speaker.startswith("Syndicate")
    assert text[attribution.start : attribution.end] == "The trucks still can not cross the bridge"


def test_a_role_named_earlier_inside_its_phrase_a_question_quote_and_a_colon_sentence(nlp: Language) -> None:
    text = (
        'The lawyer of the deputy minister, Thanasis Roussos, said that his client has nothing to hide. "There is '
        'a paper signed in February," added the lawyer of the deputy minister.\n\n'
        '"Who else knew?" wrote on X the leader of the opposition Civic Front, Kostas Lymberis.\n\n'
        "Kalogeropoulos himself addressed the public with a post on his page, which is administrated by his office:"
        "\n\n„I did not take bribe from anyone. All my life I worked with my hands.“"
    )
    found = {text[a.segments[0][0] : a.segments[0][1]]: a.speaker for a in find_attributions(text, nlp(text))}
    assert found["There is a paper signed in February"] == "Thanasis Roussos"
    assert found["Who else knew?"] == "Kostas Lymberis"
    assert found["I did not take bribe from anyone. All my life I worked with my hands."] == "Kalogeropoulos"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        pytest.param(
            "Police arrested Tomas Varga, son of the former minister Henrik Varga. "
            "But his lawyer assures that he never was detained.",
            "his lawyer",
            id="his-lawyer-is-described-not-resolved-to-the-last-person-named",
        ),
        pytest.param(
            "The plane landed at noon. Questioned, the spokesman of the company, R. Hadiwinata, insisted that "
            '"no one suffered serious injuries".',
            "R. Hadiwinata",
            id="a-first-word-tagged-as-a-name-gives-way-to-the-person-in-apposition",
        ),
        pytest.param(
            "The founder broke his silence. “Nobody,” continued Petkov-father in the statement, “ever told me that "
            "some door was locked.”",
            "Petkov-father",
            id="a-subject-the-parser-reads-into-the-quote-does-not-hide-the-speaker-after-it",
        ),
    ],
)
def test_the_one_speaker_of_a_sentence(nlp: Language, text: str, speaker: str) -> None:
    [attribution] = find_attributions(text, nlp(text), cues=False)
    assert attribution.speaker == speaker


def test_appositive_and_another_sources_according_to_close_no_reported_content(nlp: Language) -> None:
    text = (
        "The minister said the money would go to Tarnow, the poorest town in the region.\n\n"
        "The mayor said the plant employs 300 people, according to figures from the union."
    )
    contents = [text[a.start : a.end] for a in find_attributions(text, nlp(text), cues=False)]
    assert contents[0] == "the money would go to Tarnow"
    assert "the plant employs 300 people" in contents
    assert not any("according" in c for c in contents)


def test_a_clause_before_the_interrupting_cue_belongs_to_the_statement(nlp: Language) -> None:
    text = (
        "Though that transition was relatively seamless, he said, "
        "replacing Clinton would be much more acrimonious and could lead to intense lobbying."
    )
    [att] = find_attributions(text, nlp(text), cues=False)
    assert [text[s:e] for s, e in att.segments] == [
        "Though that transition was relatively seamless",
        "replacing Clinton would be much more acrimonious and could lead to intense lobbying",
    ]


def test_a_stray_straight_mark_does_not_run_into_the_next_paragraphs_curly_quote(quotes: Extract) -> None:
    text = (
        'The report quoted her at length:\n\n"The valley was quiet when the convoy came.\n\n'
        "“We will not leave,” the farmer said. “Not this year.”"
    )
    said = [q for q in quotes(text) if q.cue == "said"]
    assert [q.text for q in said] == ["We will not leave", "Not this year."]


def test_a_reported_clause_between_the_pieces_of_a_quote_is_kept(nlp: Language) -> None:
    text = (
        "“The dam is safe,” the engineer said, and she warned that the river would rise again.\n\n"
        "“We checked it twice.”"
    )
    found = find_attributions(text, nlp(text), cues=False)
    assert any(text[a.start : a.end] == "that the river would rise again" for a in found)


def test_a_quote_signed_with_a_dash_is_that_persons_and_ends_there(quotes: Extract) -> None:
    text = (
        "Readers told us what they think of the new stadium.\n"
        "“It is far too expensive for a town this size and nobody asked us about it.” ― Marta Kowalczyk\n"
        "“My children will finally have a place to play football on weekends.”\u00a0― José Ángel Ruiz\u00a0\n"
    )
    first, second = (q for q in quotes(text) if q.direct)
    assert first.text.startswith("It is far too expensive") and first.speaker == "Marta Kowalczyk"
    assert second.text.startswith("My children") and second.speaker == "José Ángel Ruiz"
    assert first.cue == second.cue == "―"


def test_a_content_that_opens_a_curly_quote_takes_its_closing_mark(nlp: Language) -> None:
    text = "She called the plan “a disaster,” and left the room."
    ctx = Context(text, nlp(text), (), None)
    ctx.set_quoted(scan_passages(text))
    start, end = text.index("the plan"), text.index("disaster") + len("disaster")
    assert text[start : ctx.close_quote(start, end)] == "the plan “a disaster,”"


def test_in_a_relative_clause_the_speaker_is_written_as_the_pronoun_and_named_by_its_noun(nlp: Language) -> None:
    text = "The plan was backed by Marta Quintal, who said that the bridge would open in May."
    att = next(a for a in find_attributions(text, nlp(text), cues=False) if a.cue == "said")
    assert att.speaker == "Marta Quintal"
    assert att.speaker_span is not None
    assert text[att.speaker_span[0] : att.speaker_span[1]] == "who"


def test_a_name_beside_a_role_noun_is_a_person_for_pronouns(nlp: Language) -> None:
    text = (
        "According to the spokeswoman of the police, Grace Obuya, the man was arrested at home.\n\n"
        # The small model tags this name as an organisation.
        "The lawyer Marta Ducasse denied that her client was detained. "
        "“My client came of his own free will,” she declared to the newspaper."
    )
    quote = next(a for a in find_attributions(text, nlp(text), cues=False) if a.direct)
    assert quote.speaker == "Marta Ducasse"


def test_a_description_keeps_its_hyphenated_words(nlp: Language) -> None:
    text = "The entourage of the ex-minister denied that he had received any summons."
    [attribution] = find_attributions(text, nlp(text), cues=False)
    assert attribution.speaker == "entourage of the ex-minister"


def test_a_definite_noun_names_the_organisation_it_heads(nlp: Language) -> None:
    text = (
        "The Regional Audit Commission said on Monday that it was examining the contracts.\n\n"
        "The commission said that it would publish its findings in June."
    )
    found = find_attributions(text, nlp(text), cues=False)
    assert len(found) == 2
    assert found[1].speaker == found[0].speaker
    assert "Regional Audit Commission" in (found[0].speaker or "")


def test_who_stands_for_the_person_not_the_place_its_clause_hangs_on(nlp: Language) -> None:
    text = (
        "A police officer at the barrier, who asked not to be named because he was not authorised "
        "to speak to the media, said that his unit had received verbal orders on Monday."
    )
    asked = next(a for a in find_attributions(text, nlp(text)) if a.cue == "asked")
    assert asked.speaker == "police officer at the barrier"


def test_a_quote_after_a_sentence_ending_in_a_verb_of_saying_is_that_speakers(nlp: Language) -> None:
    text = (
        "The council may wait until the audit is done, Ilse Marrow said. "
        '"The other factor is the budget, and nobody wants to talk about that yet."'
    )
    quote = next(a for a in find_attributions(text, nlp(text), cues=False) if a.direct)
    assert quote.speaker == "Ilse Marrow"
    assert quote.cue_span is None  # the cue stays with its own sentence


def test_a_quote_inside_a_sentence_is_attributed_in_that_sentence_not_the_next(quotes: Extract) -> None:
    text = (
        'Lina Moreau, spokesperson of the harbour board, spoke on Friday about "nearly half of the crews absent", '
        "against a third on Monday. The union maintains its figure."
    )
    # The next sentence's verb of saying does not reach back over the reporter's words after the quote.
    assert all(q.speaker in {None, "Lina Moreau"} for q in quotes(text) if "half of the crews" in q.text)


def test_a_place_left_as_subject_gives_way_to_the_person_set_off_beside_it(quotes: Extract) -> None:
    # The sentence splitter cuts at "Tg." and leaves the place as the subject of "confirmed".
    text = "The head of the airport of Tg. Sorong, Tomas Kerrigan, confirmed that two passengers were hurt."
    quote = only([q for q in quotes(text) if "passengers" in q.text])
    assert quote.speaker == "Tomas Kerrigan"


def test_a_code_is_no_speaker(quotes: Extract, nlp: Language) -> None:
    from spacy.tokens import Doc

    from newsdesk.enrich.speakers import is_code

    doc = Doc(nlp.vocab, words=["flight", "KX512", "and", "3M", "and", "Velora"])
    doc.ents = [Span(doc, 1, 2, label="PERSON"), Span(doc, 3, 4, label="ORG"), Span(doc, 5, 6, label="PERSON")]
    assert is_code(doc[1])  # a flight code the tagger took for a person
    assert not is_code(doc[3]) and not is_code(doc[5])  # a firm's name with a digit; a name
    text = (
        'The airline said on Friday that the crew of the flight KX512 detected "smoke of low intensity in the cabin".'
    )
    assert all(q.speaker != "KX512" for q in quotes(text))


def test_a_pronoun_goes_to_the_name_set_off_beside_a_role_noun_not_to_an_opening_participle(quotes: Extract) -> None:
    text = (
        "The ferry docked at noon. Interviewed, the director of the company, M. Dervisi, insisted that "
        '"no one was hurt". «The crew did everything right», he said.'
    )
    quote = only([q for q in quotes(text) if "crew did" in q.text])
    assert quote.speaker == "M. Dervisi"


def test_a_role_noun_after_a_statement_and_a_verb_of_informing_is_its_speaker(quotes: Extract) -> None:
    text = (
        "Two people died and 38 were injured in a crush at the gate of the stadium after the derby on Sunday "
        "evening, informed the spokeswoman of the City Police Headquarters, commissioner Ana Drescher."
    )
    quote = only(quotes(text))
    assert quote.speaker == "Ana Drescher"
    assert quote.text.startswith("Two people died")


def test_according_to_names_the_source_of_the_quote_after_it(quotes: Extract) -> None:
    text = (
        'According to the prosecutor spokesman Tomas Kerrigan, "from the 120 stewards required in the contract, '
        'on the match were present only 74".'
    )
    quote = only(quotes(text))
    assert quote.speaker == "Tomas Kerrigan"
    assert quote.cue == "according to"
