"""Quote-mark scanning: find the quoted passages of a text.

Newsroom text mixes curly, straight, low-9, guillemet and single quote marks,
TeX-style pairs (two backticks, two apostrophes) from converted wire copy, and apostrophes that look like
single marks. The scanner works on raw text (no parse needed):

1. Each paragraph (a line) is scanned for marks. A mark opens a quote when
   it sits at the start of a word (a guillemet also before a space, as French
   typography sets it); single marks only then, so apostrophes in *don't* or
   *the Clintons'* never open one.
2. An open quote closes at the first mark of a compatible kind that can end
   a word. A straight mark after a space opens a nested quote instead.
3. A quote still open at the end of a paragraph continues in the next
   paragraph if that one starts with an opening mark of the same kind (the
   newsroom convention for multi-paragraph quotes; a stray straight mark
   does not run into a curly quote); otherwise it ends there.
4. A comma before the closing mark stands in for the speaker's full stop and
   is left out of the passage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

# Opening marks and the marks that may close them (read-only).
CLOSERS: Mapping[str, frozenset[str]] = MappingProxyType({
    "“": frozenset({"”", "“", '"'}),
    "„": frozenset({"“", "”"}),
    "‟": frozenset({"”", "“"}),
    "«": frozenset({"»"}),
    "”": frozenset({"”"}),
    '"': frozenset({'"', "”", "''"}),
    "''": frozenset({"''", '"'}),
    "``": frozenset({"''"}),
    "‘": frozenset({"’"}),
    "‚": frozenset({"‘", "’"}),
    "‹": frozenset({"›"}),
    "'": frozenset({"'"}),
})  # fmt: skip
SINGLE_MARKS = frozenset({"‘", "’", "'", "‚", "‹", "›"})
MARK_RE = re.compile(r"''|``|[\"“”„‟«»‘’‚‛‹›']")
PARAGRAPH_RE = re.compile(r"[^\n]+")


@dataclass(slots=True)
class Passage:
    """A quoted passage found by the mark scanner (offsets exclude the marks)."""

    segments: list[tuple[int, int]]
    open_at: int
    close_at: int


def scan_passages(text: str) -> list[Passage]:
    """Return quoted passages, following quotes across paragraph breaks."""
    passages: list[Passage] = []
    opener: str | None = None
    segments: list[tuple[int, int]] = []
    seg_start = open_at = 0
    for para in PARAGRAPH_RE.finditer(text):
        p_start = para.start() + len(para.group()) - len(para.group().lstrip())
        p_end = para.start() + len(para.group().rstrip())
        if p_end <= p_start:
            continue
        marks = list(MARK_RE.finditer(text, p_start, p_end))
        first = 0
        if opener is not None:
            if marks and marks[0].start() == p_start and same_family(_opens(text, marks[0]), opener):
                seg_start, first = marks[0].end(), 1
            else:
                # The quote was never closed: keep it up to the paragraph end.
                passages.append(Passage(segments, open_at, segments[-1][1]))
                opener, segments = None, []
        for mark in marks[first:]:
            sign = mark.group()
            if opener is None:
                kind = _opens(text, mark)
                if kind is not None:
                    opener, seg_start = kind, mark.end()
                    open_at = mark.start()
            elif sign in CLOSERS[opener] and _closes(text, mark, opener):
                segments.append((seg_start, mark.start()))
                passages.append(Passage(segments, open_at, mark.end()))
                opener, segments = None, []
        if opener is not None:
            segments.append((seg_start, p_end))
    if opener is not None and segments:
        passages.append(Passage(segments, open_at, segments[-1][1]))
    cleaned = []
    for passage in passages:
        # A comma before the closing mark stands in for the speaker's full stop.
        segs = [strip_span(text, s, e, extra=",") for s, e in passage.segments]
        segs = [(s, e) for s, e in segs if e > s]
        if segs:
            cleaned.append(Passage(segs, passage.open_at, passage.close_at))
    return cleaned


#: Typographic families of opening marks: a quote runs on into the next paragraph only when that
#: paragraph opens with a mark of its own family (a stray straight mark before a curly quote is not one quote).
_FAMILIES: Mapping[str, str] = MappingProxyType(
    {'"': "straight", "''": "straight", "``": "straight", "“": "curly", "”": "curly", "„": "curly", "‟": "curly"}
)


def same_family(sign: str | None, opener: str) -> bool:
    """Whether opening mark ``sign`` is of the typographic family of ``opener``."""
    return sign is not None and _FAMILIES.get(sign, sign) == _FAMILIES.get(opener, opener)


def _opens(text: str, mark: re.Match[str]) -> str | None:
    """Return the opener kind if ``mark`` can open a quote here, else ``None``."""
    sign = mark.group()
    before = text[mark.start() - 1] if mark.start() > 0 else " "
    after = text[mark.end()] if mark.end() < len(text) else " "
    if after.isspace():
        # French typography spaces its guillemets: "« Le port est fermé »".
        rest = text[mark.end() : mark.end() + 3].lstrip()
        if sign != "«" or not rest[:1].isalnum():
            return None
    if sign in SINGLE_MARKS or sign == "”":
        # Single marks double as apostrophes: only open at the start of a word.
        if before.isalnum() or sign not in CLOSERS:
            return None
        if not (after.isalnum() or after in '“"¿¡.'):
            return None
        return sign
    if sign not in CLOSERS or (before.isalnum() and sign in {'"', "''"}):
        return None
    return sign


def _closes(text: str, mark: re.Match[str], opener: str) -> bool:
    """Tell whether ``mark`` closes a quote opened by ``opener``."""
    sign = mark.group()
    before = text[mark.start() - 1] if mark.start() > 0 else " "
    after = text[mark.end()] if mark.end() < len(text) else " "
    if before.isspace() and sign in {'"', "''", "“"}:
        return False  # a straight mark after a space opens a nested quote
    if sign in SINGLE_MARKS:
        return not after.isalnum() and not before.isspace()
    return True


def strip_span(text: str, start: int, end: int, *, extra: str = "") -> tuple[int, int]:
    """Shrink ``[start, end)`` past whitespace (and trailing ``extra`` characters)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in extra):
        end -= 1
    return start, end


__all__ = [
    "CLOSERS",
    "MARK_RE",
    "PARAGRAPH_RE",
    "SINGLE_MARKS",
    "Passage",
    "same_family",
    "scan_passages",
    "strip_span",
]
