"""Dates: parse publication dates from date lines, datelines and metadata."""

from __future__ import annotations

import re
from datetime import datetime

import dateparser

_PREFIX = re.compile(
    r"^\W*(published|updated|posted|last updated|first published|date|modified)\s*(on|at)?\s*:?",
    re.IGNORECASE,
)
_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False, "REQUIRE_PARTS": ["year"]}


def parse_date(text: str, *, relative_to: datetime | None = None) -> str | None:
    """Parse an absolute date from a short text into ISO 8601.

    Args:
        text: A date line ("Published 14 March 2026, 09:12") or dateline.
        relative_to: Base for dates without a year (ignored when None).

    Returns:
        ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (when a time is given), or None.
    """
    cleaned = _PREFIX.sub("", text).strip(" |,-–—")
    cleaned = re.split(r"\s+[|]\s+|\s+[-–—]\s+(?=updated|modified)", cleaned, flags=re.IGNORECASE)[0]
    settings: dict[str, object] = dict(_SETTINGS)
    if relative_to is not None:
        settings["RELATIVE_BASE"] = relative_to
        settings.pop("REQUIRE_PARTS")
    parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)  # type: ignore[arg-type]
    if parsed is None:
        return None
    has_time = bool(re.search(r"\d{1,2}[:.h]\d{2}", cleaned))
    return parsed.strftime("%Y-%m-%dT%H:%M" if has_time else "%Y-%m-%d")
