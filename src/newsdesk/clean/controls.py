"""Control characters: taken out of what an article says, kept in its raw document.

C0 and C1 control characters have no place in news text, and in a title or a
name they are a weapon: ESC starts terminal escape sequences, NUL and the
like break tools downstream. :func:`without_controls` returns the cleaned copy
of a raw document that the cleaner works on; the raw document itself (the
input as read) is left as it was.

Bidi controls (U+202A..U+202E, U+2066..U+2069) are not C0/C1 and stay: they
are legitimate in right-to-left text, and every view isolates user text
instead (``<bdi>`` on the web, :func:`~newsdesk.report.markdown.one_line` in
the terminal).
"""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.model import RawDocument

__all__ = ["strip_controls", "without_controls"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _replacement(match: re.Match[str]) -> str:
    # Controls that separate text (vertical tab, form feed, NEL, the information
    # separators) become a space, so the words around them stay apart.
    return " " if match.group().isspace() else ""


def strip_controls(text: str) -> str:
    """Return text without C0 and C1 control characters; tabs and newlines stay.

    >>> strip_controls("Ferry\\x1b[2J plan\\x00 approved\\x85today")
    'Ferry[2J plan approved today'
    """
    return _CONTROL.sub(_replacement, text)


def without_controls(raw: RawDocument) -> RawDocument:
    """Return a copy of a raw document with the control characters of its text and metadata taken out.

    Args:
        raw: The document as read (not changed).

    Returns:
        ``raw`` itself when it holds no control character, else a copy whose
        body, title, url, source, author and published are passed through
        :func:`strip_controls`.
    """
    texts = (raw.body, raw.title, raw.url, raw.source, raw.author, raw.published)
    if not any(text and _CONTROL.search(text) for text in texts):
        return raw

    def clean(text: str | None) -> str | None:
        return None if text is None else strip_controls(text)

    return replace(
        raw,
        body=strip_controls(raw.body),
        title=clean(raw.title),
        url=clean(raw.url),
        source=clean(raw.source),
        author=clean(raw.author),
        published=clean(raw.published),
    )
