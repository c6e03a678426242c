"""Speakers of quotes scored against a gold.json annotation (part of `newsdesk eval entities`).

Two annotation layouts are read: the seeds' top-level ``quotes`` (``doc``,
``contains``, ``speaker``, optionally ``speaker_named: false`` for an unnamed
source such as "a police officer"), and the style sets' per-document
``quotes`` (``text_contains``, ``speaker``) under a ``documents`` list, where
an unnamed source is a description in small letters or marked "(anonymous)".

A gold quote is *found* when a predicted quote of its document holds its
text (or most of its words). The predicted speaker is the name of the
canonical entity the quote is linked to, else the speaker phrase when it
starts with a capital; a phrase in small letters ("his lawyer", "a police
officer") is an unresolved speaker. For a named gold speaker the answer is
*right* when it names that speaker: for a person the last names match as
spelling variants, for a body half of the smaller set of content words match
("State Hydrology Institute" ~ "the State Institute of Hydrology"). For an
unnamed gold speaker the answer is right when it is unresolved or names no
annotated person. The rate that matters is right among the found quotes;
unresolved is counted apart, since a quote left unnamed misleads less than one
given to the wrong person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.enrich.entities import name_tokens, tokens_match
from newsdesk.model import Article, Entity, Quote

_WORD = re.compile(r"\w+")
_FUNCTION = frozenset({"of", "the", "and", "for", "in", "at", "on", "a", "an", "de", "la", "le", "du"})


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One annotated quote: its document, a part of its text, and who says it."""

    doc: str
    contains: str
    speaker: str
    named: bool = True


def _named(speaker: str, flag: bool | None) -> bool:
    # The style sets write an unnamed source as a description in small letters ("source in the border command
    # (anonymous)", "analysts consulted by the newspaper").
    return flag if flag is not None else speaker[:1].isupper() and "(anonymous)" not in speaker


def gold_quotes(gold: Mapping[str, Any]) -> list[GoldQuote]:
    """The annotated quotes of a gold.json in either layout (see the module docstring)."""
    found = [
        GoldQuote(
            doc=q["doc"],
            contains=q["contains"],
            speaker=q["speaker"],
            named=_named(q["speaker"], q.get("speaker_named")),
        )
        for q in gold.get("quotes", [])
        if q.get("contains") and q.get("speaker")
    ]
    documents = gold.get("documents")
    if isinstance(documents, list):
        for doc in documents:
            for q in doc.get("quotes", []):
                if q.get("text_contains") and q.get("speaker"):
                    speaker = q["speaker"]
                    found.append(
                        GoldQuote(
                            doc=doc["file"], contains=q["text_contains"], speaker=speaker, named=_named(speaker, None)
                        )
                    )
    return found


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _holds(predicted: str, wanted: str) -> bool:
    text, part = " ".join(_words(predicted)), " ".join(_words(wanted))
    if not part:
        return False
    if part in text or (len(text) > 15 and text in part):
        return True
    words = set(text.split())
    return sum(w in words for w in part.split()) / len(part.split()) >= 0.8


def names_speaker(answer: str, speaker: str) -> bool:
    """Whether a predicted speaker name names the annotated one (last names or most content words match)."""
    ours = [t for t in name_tokens(answer) if t not in _FUNCTION]
    theirs = [t for t in name_tokens(speaker) if t not in _FUNCTION]
    if not ours or not theirs:
        return False
    if tokens_match(ours[-1], theirs[-1]):
        return True
    shared = sum(any(tokens_match(t, o) for o in ours) for t in theirs)
    return shared >= max(1, min(len(ours), len(theirs)) / 2) and len(theirs) > 1


def _answer(quote: Quote, entities: Mapping[str, Entity]) -> str | None:
    """The name a quote is credited to, or None when its speaker is unresolved."""
    if quote.speaker_entity and quote.speaker_entity in entities:
        return entities[quote.speaker_entity].name
    speaker = (quote.speaker or "").removeprefix("the ").removeprefix("The ")
    return quote.speaker if speaker[:1].isupper() else None


def score_speakers(
    articles: Sequence[Article], quotes: Sequence[Quote], entities: Sequence[Entity], gold: Sequence[GoldQuote]
) -> dict[str, Any]:
    """Found quotes and how their speakers are named (see the module docstring)."""
    doc_of = {a.id: Path(a.path).name for a in articles if a.path}
    by_doc: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_doc.setdefault(doc_of.get(quote.article, ""), []).append(quote)
    by_id = {e.id: e for e in entities}
    named = [g for g in gold if g.named]
    found = right = unresolved = 0
    wrong: list[str] = []
    unnamed_found = unnamed_right = 0
    for item in gold:
        hit = next((q for q in by_doc.get(item.doc, []) if _holds(q.text, item.contains)), None)
        if hit is None:
            continue
        answer = _answer(hit, by_id)
        if not item.named:
            unnamed_found += 1
            unnamed_right += answer is None or not any(names_speaker(answer, g.speaker) for g in named)
            continue
        found += 1
        if answer is None:
            unresolved += 1
        elif names_speaker(answer, item.speaker):
            right += 1
        else:
            wrong.append(f"{item.contains[:50]}: {answer}, not {item.speaker}")
    return {
        "quotes": len(named),
        "found": found,
        "right": right,
        "unresolved": unresolved,
        "accuracy": round(right / found, 3) if found else 1.0,
        "wrong": wrong,
        "unnamed_quotes": len(gold) - len(named),
        "unnamed_found": unnamed_found,
        "unnamed_right": unnamed_right,
    }


def format_speakers_report(result: Mapping[str, Any]) -> str:
    """Terminal lines of :func:`score_speakers`."""
    lines = [
        f"speakers: {result['right']}/{result['found']} found quotes right ({result['accuracy']:.3f}), "
        f"{result['unresolved']} unresolved, {len(result['wrong'])} wrong; "
        f"{result['found']}/{result['quotes']} annotated quotes of named speakers found"
    ]
    if result["unnamed_quotes"]:
        lines.append(
            f"unnamed sources: {result['unnamed_right']}/{result['unnamed_found']} found left unnamed "
            f"(or named as no annotated person); {result['unnamed_found']}/{result['unnamed_quotes']} found"
        )
    if result["wrong"]:
        lines.append("speakers wrong: " + "; ".join(result["wrong"]))
    return "\n".join(lines)
