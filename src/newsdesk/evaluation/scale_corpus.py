"""The corpus of ``newsdesk eval scale``: distinct real articles, topped up with mixed variants.

1. Real articles: the FNC-1 training bodies (``fnc1/train_bodies.csv``, stories
   from ``fnc1/stories_train.json`` when present) and the PolNeAR texts
   (``polnear/*/text/*.txt``, one story each), of at least :data:`MIN_WORDS`
   words, each text once.
2. Variants, until the corpus has the size asked for: an article made of a run
   of paragraphs of one real article followed by a run of another real article
   of a different story. A run never starts at the first paragraph (so a
   variant's title is not its source's), and a variant is kept only when the
   words it shares with each source, and with every earlier variant that used
   one of its sources, stay under :data:`MAX_OVERLAP` of their union: well
   under the near-duplicate threshold (0.6 of 5-word shingles), so no variant
   is a copy of anything.
3. Everything is shuffled with a fixed seed; a size of N takes the first N
   records, and the records after the largest size are the "new" articles of
   the incremental measurement. The same data and seed give the same corpus.

Each record is a JSONL object with ``title`` (the first sentence), ``text``
(the paragraphs, separated by blank lines) and a unique ``url``.
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.errors import NewsdeskError

MIN_WORDS = 50
"""Shorter FNC-1 bodies (a line or two) are not articles."""

MAX_OVERLAP = 0.4
"""Largest share of words a variant may have in common with a source or a sibling (of their union)."""

SEED = 22
TITLE_CHARS = 120
URL_PREFIX = "https://scale.newsdesk.invalid/"
"""``.invalid`` is reserved (RFC 2606): these URLs can never be fetched."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|St|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Jr|Sr|No|Vol)\.)$")
_WORD = re.compile(r"\w+")


@dataclass(slots=True, kw_only=True, frozen=True)
class SourceText:
    """One article of the corpus before it becomes a JSONL record.

    Attributes:
        name: Where it comes from (``fnc1:ID``, ``polnear:PATH``, or ``A + B`` for a variant).
        story: Its story key: texts with different keys are about different events.
        paragraphs: Its paragraphs.
    """

    name: str
    story: str
    paragraphs: tuple[str, ...]


@dataclass(slots=True, kw_only=True, frozen=True)
class Corpus:
    """The records of a scale corpus and how they were made."""

    records: list[dict[str, str]]
    """JSONL records in corpus order: a size of N is the first N."""
    real: dict[str, int]
    """Real articles per collection (``fnc1``, ``polnear``)."""
    variants: int
    max_overlap: float
    """The largest word overlap of a variant with a source or sibling (0 without variants)."""

    def summary(self) -> dict[str, Any]:
        """How the corpus was made, without its records (for reports)."""
        words = [len(_WORD.findall(r["text"])) for r in self.records]
        return {
            "articles": len(self.records),
            "real": dict(self.real),
            "variants": self.variants,
            "max_variant_overlap": round(self.max_overlap, 3),
            "mean_words": round(sum(words) / len(words), 1) if words else 0.0,
        }


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(" ".join(line.split()) for line in text.replace("\r", "\n").split("\n") if line.strip())


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def load_real_texts(data: Path) -> list[SourceText]:
    """Every distinct real article of the shared data folder (FNC-1 bodies, then PolNeAR texts).

    Args:
        data: The shared data folder, holding ``fnc1/`` and/or ``polnear/``.

    Raises:
        NewsdeskError: Neither collection is there.
    """
    texts: list[SourceText] = []
    bodies = data / "fnc1" / "train_bodies.csv"
    if bodies.is_file():
        gold_file = data / "fnc1" / "stories_train.json"
        gold: Mapping[str, int] = {}
        if gold_file.is_file():
            gold = json.loads(gold_file.read_text(encoding="utf-8")).get("stories", {})
        csv.field_size_limit(sys.maxsize)
        with bodies.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                body_id = row.get("Body ID", "")
                story = f"fnc1-story:{gold[body_id]}" if body_id in gold else f"fnc1:{body_id}"
                texts.append(
                    SourceText(name=f"fnc1:{body_id}", story=story, paragraphs=_paragraphs(row.get("articleBody", "")))
                )
    for file in sorted((data / "polnear").glob("*/text/*.txt")):
        name = f"polnear:{file.relative_to(data / 'polnear').as_posix()}"
        paragraphs = _paragraphs(file.read_text(encoding="utf-8", errors="replace"))
        texts.append(SourceText(name=name, story=name, paragraphs=paragraphs))
    if not texts:
        raise NewsdeskError(
            f"{data}: no fnc1/train_bodies.csv and no polnear/*/text/*.txt: give the shared data folder"
        )
    return distinct_texts(texts)


def distinct_texts(texts: Iterable[SourceText], *, min_words: int = MIN_WORDS) -> list[SourceText]:
    """The texts of at least ``min_words`` words, each text (whitespace aside) once, in order."""
    seen: set[str] = set()
    kept: list[SourceText] = []
    for text in texts:
        key = " ".join(text.paragraphs)
        if key in seen or _words(key) < min_words:
            continue
        seen.add(key)
        kept.append(text)
    return kept


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, not after a title or an initial (``Mr.``, ``U.S.``)."""
    parts: list[str] = []
    for part in _SENTENCE_END.split(text):
        if parts and _ABBREVIATION.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    return parts


def units(paragraphs: Sequence[str]) -> tuple[str, ...]:
    """The pieces a variant takes runs of: the paragraphs, or groups of three sentences for a one-paragraph text."""
    if len(paragraphs) != 1:
        return tuple(paragraphs)
    split = sentences(paragraphs[0])
    return tuple(" ".join(split[i : i + 3]) for i in range(0, len(split), 3))


def make_variants(
    sources: Sequence[SourceText], count: int, *, seed: int = SEED, max_overlap: float = MAX_OVERLAP
) -> tuple[list[SourceText], float]:
    """Make ``count`` variants, each a run of one source followed by a run of a source of another story.

    Overlap is counted in words over whole pieces (see :func:`units`): a variant
    against a source shares the source's run; two variants share the pieces of
    a source they both took.

    Args:
        sources: The real texts.
        count: Variants to make.
        seed: Seed of the random choices.
        max_overlap: Largest shared share of words allowed (of the union).

    Returns:
        The variants, and the largest overlap among those kept.

    Raises:
        NewsdeskError: Too few sources, or too few of different stories, to make that many.
    """
    if count <= 0:
        return [], 0.0
    pieces = [units(s.paragraphs) for s in sources]
    usable = [i for i, p in enumerate(pieces) if len(p) >= 2]
    if len({sources[i].story for i in usable}) < 2:
        raise NewsdeskError("variants need at least two source texts of different stories with two paragraphs each")
    sizes = [[_words(p) for p in piece] for piece in pieces]
    totals = [sum(s) for s in sizes]
    rng = random.Random(seed)
    variants: list[SourceText] = []
    # For each source, the variants that took pieces of it: (variant number, its piece indices per source).
    taken: dict[int, list[int]] = defaultdict(list)
    made: list[dict[int, frozenset[int]]] = []
    made_words: list[int] = []
    worst = 0.0
    attempts = 0
    while len(variants) < count:
        attempts += 1
        if attempts > 50 * count + 1000:
            raise NewsdeskError(
                f"only {len(variants)} of {count} variants could be made from {len(usable)} usable texts "
                f"without sharing more than {max_overlap:.0%} of their words: add source texts"
            )
        first, second = rng.sample(usable, 2)
        if sources[first].story == sources[second].story:
            continue
        runs: dict[int, frozenset[int]] = {}
        for source in (first, second):
            length = len(pieces[source])
            span = math.ceil(length / 2)
            start = rng.randint(1, length - span)  # never the first piece: it holds the source's title
            runs[source] = frozenset(range(start, start + span))
        words = sum(sizes[s][i] for s, run in runs.items() for i in run)
        overlap = 0.0
        for source, run in runs.items():
            shared = sum(sizes[source][i] for i in run)
            overlap = max(overlap, shared / (totals[source] + words - shared))
            for other in taken[source]:
                common = sum(sizes[s][i] for s, run2 in made[other].items() if s in runs for i in run2 & runs[s])
                overlap = max(overlap, common / (words + made_words[other] - common))
        if overlap >= max_overlap:
            continue
        number = len(variants)
        made.append(runs)
        made_words.append(words)
        for source in runs:
            taken[source].append(number)
        worst = max(worst, overlap)
        paragraphs = tuple(pieces[s][i] for s in (first, second) for i in sorted(runs[s]))
        variants.append(
            SourceText(
                name=f"{sources[first].name} + {sources[second].name}",
                story=f"mix:{number}",
                paragraphs=paragraphs,
            )
        )
    return variants, worst


def title_of(paragraphs: Sequence[str]) -> str:
    """The first sentence of the first paragraph, cut at a word to :data:`TITLE_CHARS` characters."""
    first = sentences(paragraphs[0])[0] if paragraphs else ""
    if len(first) <= TITLE_CHARS:
        return first
    return first[:TITLE_CHARS].rsplit(" ", 1)[0]


def to_record(text: SourceText, number: int) -> dict[str, str]:
    """The JSONL record of one corpus article; ``number`` makes its URL unique."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.name.lower()).strip("-")[:60]
    return {
        "title": title_of(text.paragraphs),
        "text": "\n\n".join(text.paragraphs),
        "url": f"{URL_PREFIX}{number}/{slug}",
    }


def build_corpus(
    real: Sequence[SourceText], total: int, *, seed: int = SEED, max_overlap: float = MAX_OVERLAP
) -> Corpus:
    """The corpus of ``total`` articles: every real text, then variants (see the module docstring).

    Args:
        real: The distinct real texts (:func:`load_real_texts`).
        total: Articles wanted. With fewer, a shuffled choice of the real texts.
        seed: Seed of the variants and the order.
        max_overlap: See :func:`make_variants`.
    """
    variants, worst = make_variants(real, max(0, total - len(real)), seed=seed, max_overlap=max_overlap)
    texts = [*real, *variants]
    random.Random(seed).shuffle(texts)
    texts = texts[:total]
    chosen = [t for t in texts if not t.story.startswith("mix:")]
    counts: dict[str, int] = defaultdict(int)
    for text in chosen:
        counts[text.name.split(":", 1)[0]] += 1
    return Corpus(
        records=[to_record(text, number) for number, text in enumerate(texts)],
        real=dict(sorted(counts.items())),
        variants=len(texts) - len(chosen),
        max_overlap=worst,
    )


def write_jsonl(records: Iterable[Mapping[str, str]], path: Path) -> Path:
    """Write records one JSON object a line; returns ``path``."""
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
