"""Dates: parse publication dates from date lines, datelines and metadata."""

from __future__ import annotations

import re
from datetime import datetime

import dateparser

from newsdesk.clean.patterns import FOREIGN_DATE, MONTHS

# The date expression inside a longer line ("March 10, 2026 4:52 PM GMT · 3 min read").
_DATE = re.compile(
    rf"(\d{{1,2}}(st|nd|rd|th)?\s+{MONTHS}\.?,?\s+\d{{4}}|{MONTHS}\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})"
    r"([,\s]*(at\s*)?T?\d{1,2}[:.h]\d{2}(\s*(am|pm))?)?",
    re.IGNORECASE,
)
_TIME = re.compile(r"\d{1,2}[:h]\d{2}|\d{1,2}\.\d{2}(?=\s*(am|pm)?\b)", re.IGNORECASE)


_MONTH_NUMBER = {
    m: i
    for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)
}
_PARTS = re.compile(
    r"^(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[a-z]{3})[a-z]*\.?,?\s+(?P<y1>\d{4})"
    r"|(?P<m2>[a-z]{3})[a-z]*\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"
    r"|(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y4>\d{4}))"
    r"(?:[,\s]*(?:at\s*)?T?(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?:\s*(?P<ampm>am|pm))?)?",
    re.IGNORECASE,
)


def _fast_parse(candidate: str, date_order: str) -> datetime | None:
    """Parse the common unambiguous layouts without dateparser (which is slow); None if unsure."""
    m = _PARTS.match(candidate.strip())
    if not m:
        return None
    try:
        if m["y1"] or m["y2"]:
            month = _MONTH_NUMBER.get((m["m1"] or m["m2"]).lower()[:3])
            if month is None:
                return None
            year, day = int(m["y1"] or m["y2"]), int(m["d1"] or m["d2"])
        elif m["y3"]:
            year, month, day = int(m["y3"]), int(m["m3"]), int(m["d3"])
        else:
            first, second = int(m["a"]), int(m["b"])
            day, month = (first, second) if date_order == "DMY" else (second, first)
            if month > 12 >= day:  # the order the text must have used
                day, month = month, day
            year = int(m["y4"])
        hour, minute = int(m["h"] or 0), int(m["mi"] or 0)
        if m["ampm"] and m["ampm"].lower() == "pm" and hour < 12:
            hour += 12
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def parse_date(text: str, *, relative_to: datetime | None = None, date_order: str = "DMY") -> str | None:
    """Parse the first absolute date in a short text into ISO 8601.

    Numeric dates are read day first (``12.03.2026`` is 12 March) unless
    ``date_order`` says otherwise, as most of the world writes them; dates with
    a month name are unambiguous.

    Args:
        text: A date line ("Published 14 March 2026, 09:12") or dateline.
        relative_to: Base date for expressions without a year; None requires a year.
        date_order: ``"DMY"`` or ``"MDY"`` for numeric dates.

    Returns:
        ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (when a time is given), or None.
    """
    match = _DATE.search(text)
    candidate = match.group(0) if match else text
    settings: dict[str, object] = {
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": date_order,
    }
    if relative_to is not None:
        settings["RELATIVE_BASE"] = relative_to
    else:
        settings["REQUIRE_PARTS"] = ["year"]
    parsed = _fast_parse(candidate, date_order) if match else None
    if parsed is None:
        parsed = dateparser.parse(candidate.replace(" at ", " "), languages=["en"], settings=settings)  # type: ignore[arg-type]
    if parsed is None and not match:
        foreign = FOREIGN_DATE.search(text)
        if foreign is None:
            return None
        # A month named in another language: dateparser finds the language (slower, and rare).
        settings["REQUIRE_PARTS"] = ["year", "month", "day"]
        parsed = dateparser.parse(foreign.group("date"), settings=settings)  # type: ignore[arg-type]
        match = foreign
    if parsed is None:
        return None
    time_part = text[match.end(1) : match.end()] if match else candidate
    has_time = bool(_TIME.search(time_part))
    return parsed.strftime("%Y-%m-%dT%H:%M" if has_time else "%Y-%m-%d")
