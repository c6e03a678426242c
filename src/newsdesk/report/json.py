"""The JSON contract of ``newsdesk analyze --format json`` (see docs/json-contract.md).

Outside tools score this output: fields are only ever added, never renamed or
removed. ``CONTRACT_VERSION`` grows when fields are added.
"""

from __future__ import annotations

import json
import re
from typing import Any

from newsdesk import __version__
from newsdesk.model import Analysis, ArticleStance, ClaimRef, Comparison, Dispute, DisputeSide, RelatedStory

CONTRACT_VERSION = 5

# Written raw by ``ensure_ascii=False`` although a terminal may act on them: C1 controls
# (U+009B starts an escape sequence), bidi embeddings, overrides, isolates and marks,
# and the line separators. They can only stand inside JSON strings, where \uXXXX means the same.
_RAW_UNSAFE = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _side(ref: ClaimRef) -> dict[str, Any]:
    return {"article": ref.article, "text": ref.text, "holder": ref.holder}


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "about": c.about,
        "kind": c.kind,
        "explanation": c.explanation,
        "score": c.score,
        "a": _side(c.a),
        "b": _side(c.b),
        "relation": c.relation,
    }


def _dispute_side(side: DisputeSide) -> dict[str, Any]:
    return {"claims": [_side(ref) for ref in side.claims], "holders": side.holders, "outlets": side.outlets}


def _dispute(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.id,
        "about": d.about,
        "explanation": d.explanation,
        "score": d.score,
        "sides": [_dispute_side(side) for side in d.sides],
        "first_seen": d.first_seen,
        "last_seen": d.last_seen,
    }


def _stance(s: ArticleStance) -> dict[str, Any]:
    return {"article": s.article, "stance": s.stance, "score": s.score}


def _related(r: RelatedStory) -> dict[str, Any]:
    return {"story": r.story, "similarity": r.similarity, "reason": r.reason}


def to_dict(analysis: Analysis) -> dict[str, Any]:
    """Return the analysis as the documented JSON-ready dictionary."""
    from newsdesk.stories.reasons import membership_reasons

    reasons = membership_reasons(analysis.articles, analysis.stories, analysis.entities)
    return {
        "articles": [
            {
                "id": a.id,
                "path": a.path,
                "source": a.source,
                "url": a.url,
                "title": a.title,
                "author": a.author,
                "published": a.published,
                "language": a.language,
                "text": a.text,
                "removed": [{"text": r.text, "reason": r.reason} for r in a.removed],
                "duplicate_of": a.duplicate_of,
            }
            for a in analysis.articles
        ],
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "kind": e.kind,
                "mentions": [
                    {"article": m.article, "text": m.text, "start": m.start, "end": m.end} for m in e.mentions
                ],
            }
            for e in analysis.entities
        ],
        "quotes": [
            {
                "id": q.id,
                "article": q.article,
                "speaker": q.speaker,
                "speaker_entity": q.speaker_entity,
                "cue": q.cue,
                "text": q.text,
                "direct": q.direct,
                "start": q.start,
                "end": q.end,
                "date": q.date,
                "score": q.score,
            }
            for q in analysis.quotes
        ],
        "stories": [
            {
                "id": s.id,
                "title": s.title,
                "articles": s.articles,
                "contradictions": [_comparison(c) for c in s.comparisons if c.relation == "contradict"],
                "updates": [_comparison(c) for c in s.comparisons if c.relation == "update"],
                "agreements": [_comparison(c) for c in s.comparisons if c.relation == "agree"],
                "disputes": [_dispute(d) for d in s.disputes],
                "lead_claim": s.lead_claim,
                "stances": [_stance(st) for st in s.stances],
                "membership": [{"article": a, "reason": reasons[a]} for a in s.articles if a in reasons],
                "related": [_related(r) for r in s.related],
            }
            for s in analysis.stories
        ],
        "problems": [{"path": p.path, "reason": p.reason} for p in analysis.problems],
        "meta": {"newsdesk": __version__, "contract": CONTRACT_VERSION},
    }


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Serialise a value as UTF-8-friendly JSON that is safe to print to a terminal.

    Like ``json.dumps(value, ensure_ascii=False)``, but C1 controls, bidi
    controls and line separators are written as ``\\uXXXX`` escapes as C0
    controls already are: the data is the same, and printing it runs no
    escape sequence and reorders no line.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _RAW_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def render_json(analysis: Analysis, *, indent: int | None = 2) -> str:
    """Serialise an analysis to the JSON contract (control characters escaped, see :func:`dumps`)."""
    return dumps(to_dict(analysis), indent=indent)
