"""Dates of attributions: relative expressions resolved against the publication date.

News reports past events relative to the day of publication: "on Friday" is the
last Friday on or before that day, "yesterday" the day before, "this Sunday"
the Sunday of that week when not in the future. An absolute date in the same
sentence ("on 14 March", "March 14, 2026") wins.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from newsdesk.clean.dates import parse_date

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(
    r"\b(?P<mod>on|this|last|late|early|since|by|next)?\s*(?P<day>" + "|".join(_WEEKDAYS) + r")\b"
    r"|\b(?P<word>yesterday|today|tonight|tomorrow|the day before|last night|this morning|this evening)\b",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(
    r"\b(\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(\s+\d{4})?|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?(,?\s+\d{4})?)\b",
    re.IGNORECASE,
)
_OFFSETS = {
    "yesterday": -1,
    "today": 0,
    "tonight": 0,
    "tomorrow": 1,
    "the day before": -1,
    "last night": -1,
    "this morning": 0,
    "this evening": 0,
}


def _published_day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` that hold ``start``..``end``."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return text[left : min(stops) + 1 if stops else len(text)]


def resolve_date(sentence: str, published: str | None) -> str | None:
    """Return the ISO date a sentence refers to, or None when it names none.

    Args:
        sentence: The sentence holding the attribution.
        published: The article's publication date (ISO), the anchor of relative days.

    Returns:
        ``YYYY-MM-DD`` or None.
    """
    anchor = _published_day(published)
    absolute = _ABSOLUTE.search(sentence)
    if absolute:
        found = parse_date(absolute.group(0)) or (parse_date(f"{absolute.group(0)} {anchor.year}") if anchor else None)
        if found:
            return found[:10]
    if anchor is None:
        return None
    match = _RELATIVE.search(sentence)
    if not match:
        return None
    if match.group("word"):
        return (anchor + timedelta(days=_OFFSETS[match.group("word").lower()])).isoformat()
    weekday = _WEEKDAYS.index(match.group("day").lower())
    modifier = (match.group("mod") or "").lower()
    back = (anchor.weekday() - weekday) % 7
    if modifier == "next":
        return (anchor + timedelta(days=(weekday - anchor.weekday()) % 7 or 7)).isoformat()
    if modifier == "last" and back == 0:
        back = 7
    return (anchor - timedelta(days=back)).isoformat()
