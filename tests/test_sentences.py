"""Sentences with offsets: lines and end punctuation end them; initials, titles and decimals do not."""

from __future__ import annotations

import pytest

from newsdesk.sentences import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_a_full_stop_inside_a_word_or_a_number_ends_nothing() -> None:
    text = "The U.S. military said 17.85 million people voted. Mr. Smith, of St. Louis, disagreed."
    assert _sentences(text) == [
        "The U.S. military said 17.85 million people voted.",
        "Mr. Smith, of St. Louis, disagreed.",
    ]


def test_end_punctuation_with_quotes_before_a_capital_or_a_digit_ends_a_sentence() -> None:
    text = '"We hold the valley," he said. Fighting went on! Was it over? 12 people died.'
    assert _sentences(text) == [
        '"We hold the valley," he said.',
        "Fighting went on!",
        "Was it over?",
        "12 people died.",
    ]


def test_a_line_break_ends_a_sentence_and_a_heading_stays_apart() -> None:
    text = "Panjshir falls\n\nThe Taliban said they took the valley on Monday. The resistance denied it"
    assert _sentences(text) == [
        "Panjshir falls",
        "The Taliban said they took the valley on Monday.",
        "The resistance denied it",
    ]


def test_offsets_point_at_the_sentence_without_its_spaces() -> None:
    text = "  First one here.   Second one here. \n Third"
    for start, end in sentence_spans(text):
        assert text[start:end] == text[start:end].strip() != ""
    assert _sentences(text) == ["First one here.", "Second one here.", "Third"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_no_text_has_no_sentence(text: str) -> None:
    assert sentence_spans(text) == []


def test_a_small_letter_after_a_full_stop_continues_the_sentence() -> None:
    assert _sentences("Acme Corp. said on Jan. 6 that sales rose.") == ["Acme Corp. said on Jan. 6 that sales rose."]


def test_a_capital_of_any_script_starts_a_sentence() -> None:
    assert _sentences("Москва заявила об этом. Власти отрицают.") == ["Москва заявила об этом.", "Власти отрицают."]
    assert _sentences("Der Präsident sprach. Öffentlich nichts.") == ["Der Präsident sprach.", "Öffentlich nichts."]
