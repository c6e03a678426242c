"""Sentences of article text, with their offsets: where an outlet's statements begin and end.

An article keeps one paragraph (or heading) per line, so a line break always
ends a sentence. Within a line, a sentence ends at ``.``, ``!``, ``?`` or ``…``
(with any closing quote or bracket) followed by a space and a capital (of any
script) or a digit, perhaps after an opening quote, except where the full stop belongs to a word:

- a number: "17.85 million", "51.2%" (no space after the stop);
- an initial or an initialism: "U.S. officials", "George W. Bush", "in the
  U.N. The" is the one case read wrongly, as one sentence;
- a short title or abbreviation that a name or a number follows: "Mr. Smith",
  "Sen. Warren", "Jan. 6", "No. 10".
"""

from __future__ import annotations

import re

# Abbreviations written with a full stop that a capitalised word or a number usually follows.
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm",
        "maj", "rev", "st", "mt", "ft", "jr", "sr", "no", "nos", "vol", "art", "fig", "vs", "v", "approx",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_NEXT = re.compile(r"\s+[\"'“‘«(\[]?(\w)")
_LINE = re.compile(r"[^\n]+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, without surrounding whitespace, in order."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for end in _ends(line.group()):
            _add(spans, text, start, line.start() + end)
            start = line.start() + end
        _add(spans, text, start, line.end())
    return spans


def _ends(line: str) -> list[int]:
    """Offsets in ``line`` just after each punctuation run that ends a sentence."""
    ends = []
    for match in _END.finditer(line):
        # The next sentence starts with a capital (of any script) or a digit: "Москва. Власти", "vote. 12 people".
        following = _NEXT.match(line, match.end())
        if following is None or not (following.group(1).isupper() or following.group(1).isdigit()):
            continue
        if match.group().startswith(".") and match.group()[:2] != "..":
            word = _word_before(line, match.start())
            # "U.S." and "W." are initials; "Mr." and "Jan." abbreviations: the sentence goes on.
            if word and (len(word) == 1 or word.lower() in _ABBREVIATIONS):
                continue
        ends.append(match.end())
    return ends


def _word_before(line: str, end: int) -> str:
    """The run of Latin letters that ends at ``end`` (read backwards: a long line is not searched again each time)."""
    start = end
    while start > 0 and line[start - 1].isascii() and line[start - 1].isalpha():
        start -= 1
    return line[start:end]


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        first = start + len(piece) - len(piece.lstrip())
        spans.append((first, first + len(stripped)))
