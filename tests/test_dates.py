"""Dates: relative days resolved against the publication date."""

from __future__ import annotations

import pytest

from newsdesk.enrich.dates import resolve_date, sentence_around

# 2021-09-06 is a Monday.
PUBLISHED = "2021-09-06T10:00"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The spokesman said on Friday that the valley had fallen.", "2021-09-03"),
        ("Shots were heard late Friday in the capital.", "2021-09-03"),
        ("This Sunday, the rebels launched an attack.", "2021-09-05"),
        ("He said on Monday that talks would resume.", "2021-09-06"),
        ("Officials said yesterday that 12 people were missing.", "2021-09-05"),
        ("The minister will travel next Wednesday.", "2021-09-08"),
        ("The dam broke on 14 March, officials said.", "2021-03-14"),
        ("No date here at all.", None),
    ],
)
def test_resolve_date(sentence: str, expected: str | None) -> None:
    assert resolve_date(sentence, PUBLISHED) == expected


def test_no_anchor_no_relative_date() -> None:
    assert resolve_date("He said on Friday.", None) is None
    assert resolve_date("It happened on March 3, 2026.", None) == "2026-03-03"


def test_sentence_around() -> None:
    text = "First one. The minister said on Friday that it fell. Third."
    start = text.index("it fell")
    assert sentence_around(text, start, start + 7).strip() == "The minister said on Friday that it fell."
