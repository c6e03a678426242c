"""Dates: parse publication dates from date lines, datelines and metadata."""

from __future__ import annotations

import re
from datetime import datetime

import dateparser

from newsdesk.clean.patterns import MONTHS

# The date expression inside a longer line ("March 10, 2026 4:52 PM GMT · 3 min read").
_DATE = re.compile(
    rf"(\d{{1,2}}(st|nd|rd|th)?\s+{MONTHS}\.?,?\s+\d{{4}}|{MONTHS}\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})"
    r"([,\s]*(at\s*)?T?\d{1,2}[:.h]\d{2}(\s*(am|pm))?)?",
    re.IGNORECASE,
)
_TIME = re.compile(r"\d{1,2}[:h]\d{2}|\d{1,2}\.\d{2}(?=\s*(am|pm)?\b)", re.IGNORECASE)


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
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", candidate.strip())
    if iso:
        parsed: datetime | None = datetime(int(iso[1]), int(iso[2]), int(iso[3]))
    else:
        parsed = dateparser.parse(candidate.replace(" at ", " "), languages=["en"], settings=settings)  # type: ignore[arg-type]
    if parsed is None:
        return None
    time_part = text[match.end(1) : match.end()] if match else candidate
    has_time = bool(_TIME.search(time_part))
    return parsed.strftime("%Y-%m-%dT%H:%M" if has_time else "%Y-%m-%d")
