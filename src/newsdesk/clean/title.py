"""Titles: split a site-name suffix ("Headline – Outlet") off the headline."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEPARATOR = re.compile(r"\s+[-–—|•·:]{1,2}\s+|\s+::\s+")


def split_site_name(title: str, known_source: str | None = None) -> tuple[str, str | None]:
    """Split a trailing site name off a title.

    The last separator (dash, pipe, bullet) counts when what follows is short
    and name-like (at most five words, capitalised, no sentence punctuation)
    and the headline before it keeps at least three words. A known source name
    at the end of the title is removed whatever its shape.

    Args:
        title: The raw title.
        known_source: The outlet's name from metadata, when known.

    Returns:
        ``(headline, site name or None)``.
    """
    title = " ".join(title.split())
    if known_source:
        for match in reversed(list(_SEPARATOR.finditer(title))):
            if title[match.end() :].strip().lower() == known_source.strip().lower():
                return title[: match.start()].strip(), title[match.end() :].strip()
    matches = list(_SEPARATOR.finditer(title))
    if not matches:
        return title, None
    last = matches[-1]
    if last.group().strip() == ":":
        return title, None  # "Headline: subtitle" is part of the headline
    head, tail = title[: last.start()].strip(), title[last.end() :].strip()
    words = tail.split()
    name_like = (
        0 < len(words) <= 5
        and len(tail) <= 40
        and words[0][:1].isupper()
        and not re.search(r"[.!?,;\"“”]$", tail)
        and sum(w[:1].isupper() or not w[:1].isalpha() for w in words) >= len(words) - 1
    )
    if name_like and len(head.split()) >= 3:
        return head, tail
    return title, None


def headline_in(title: str, headings: Iterable[str]) -> str:
    """The part of a title before a separator when a heading of the page is that part ("Headline - Site").

    A page's ``<title>`` often adds the site's name; when its ``<h1>`` repeats what comes before a separator,
    that is the headline, however short ("New Zealand - Encyclopaedia"). Otherwise the title is returned whole.
    """
    title = " ".join(title.split())
    wanted = {" ".join(heading.split()).casefold() for heading in headings}
    for match in reversed(list(_SEPARATOR.finditer(title))):
        head = title[: match.start()].strip()
        if head.casefold() in wanted:
            return head
    return title
