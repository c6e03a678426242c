"""Labelled sentence pairs from the public sets: Emergent headlines, FEVER-Symmetric.

Both the pair model's training script and ``newsdesk eval pairs`` read them
here, so the claim split they share is defined once.

Emergent gives, for each claim, article headlines that are *for*, *against*
or *observing* it. Two headlines of one claim, one for and one against, are a
real contradiction between outlets; two on the same side agree. Observing
headlines make no pairs. Claims are split by a hash of their id, so no claim
is in two splits and the split never depends on file order.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from newsdesk.compare.synthetic import Pair

Split = Literal["train", "dev", "test"]
EMERGENT_FILE = "url-versions-2015-06-14-clean-train.csv"


def claim_split(claim_id: str) -> Split:
    """The split of an Emergent claim: 20% test, 10% dev, 70% train, by a hash of its id."""
    bucket = int(hashlib.sha256(claim_id.encode("utf-8")).hexdigest()[:8], 16) % 10
    return "test" if bucket < 2 else "dev" if bucket == 2 else "train"


def emergent_pairs(path: Path, split: Split, *, per_claim: int = 40, seed: int = 13) -> list[Pair]:
    """Headline pairs of one split: for x against = contradict, same side = agree.

    Args:
        path: The Emergent CSV, or the folder holding it.
        split: Which claims.
        per_claim: At most this many pairs of each relation per claim (a few
            claims have hundreds of headlines and would dominate).
        seed: Seed of the sampling within a claim.

    Returns:
        The pairs, each claim's headlines compared with each other only.
    """
    file = path / EMERGENT_FILE if path.is_dir() else path
    sides: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if claim_split(row["claimId"]) != split:
                continue
            headline = " ".join(row["articleHeadline"].split())
            stance = row["articleHeadlineStance"]
            if headline and stance in {"for", "against"} and headline not in sides[row["claimId"]][stance]:
                sides[row["claimId"]][stance].append(headline)
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for claim in sorted(sides):
        pro, con = sides[claim]["for"], sides[claim]["against"]
        groups: tuple[tuple[list[tuple[str, str]], str], ...] = (
            (list(itertools.product(pro, con)), "contradict"),
            (list(itertools.combinations(pro, 2)) + list(itertools.combinations(con, 2)), "agree"),
        )
        for candidates, label in groups:
            rng.shuffle(candidates)
            for a, b in candidates[:per_claim]:
                pairs.append(Pair(a=a, b=b, label=label, origin=f"emergent:{claim}"))  # type: ignore[arg-type]
    return pairs


def fever_pairs(file: Path) -> Iterator[Pair]:
    """FEVER-Symmetric claim/evidence pairs of one file: SUPPORTS = agree, REFUTES = contradict.

    The training script reads the dev file only; the test file stays for ``newsdesk eval pairs``.
    """
    for line in file.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        label = {"SUPPORTS": "agree", "REFUTES": "contradict"}.get(row.get("gold_label") or row.get("label"))
        if label:
            yield Pair(a=row["evidence"], b=row["claim"], label=label, origin="fever-symmetric")  # type: ignore[arg-type]


_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")
# Function words left out when a headline and a body sentence are matched on their content words.
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "with",
        "by",
        "from",
        "as",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "not",
        "no",
        "will",
        "would",
        "said",
        "says",
    ]
)


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def emergent_headlines(path: Path, splits: tuple[Split, ...]) -> set[str]:
    """Normalised headlines (claims and articles) of the Emergent claims in ``splits``.

    FNC-1 headlines come from Emergent: the training script leaves out every
    FNC-1 pair whose headline belongs to a held-out Emergent claim.
    """
    file = path / EMERGENT_FILE if path.is_dir() else path
    found: set[str] = set()
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if claim_split(row["claimId"]) in splits:
                found.update({_normal(row["claimHeadline"]), _normal(row["articleHeadline"])})
    return found


def fnc1_sentence_pairs(folder: Path, *, exclude: set[str], per_label: int, seed: int = 11) -> list[Pair]:
    """FNC-1 headlines against the body sentences that speak to them (training ids only).

    A headline and the body sentence sharing most of its content words are
    real cross-outlet pairs: *agree* bodies give agreeing pairs, *disagree*
    bodies contradicting ones. *Discuss* bodies report the claim without taking
    a side: their second- and third-best sentences (on the topic, not the claim)
    are neutral partners. Headlines in ``exclude`` are left out.
    """
    training = set((folder / "training_ids.txt").read_text().split())
    csv.field_size_limit(2**31 - 1)
    with (folder / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(handle) if r["Body ID"] in training}
    rows: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (folder / "train_stances.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["Body ID"] in bodies and _normal(r["Headline"]) not in exclude:
                rows[r["Stance"]].append((r["Headline"], r["Body ID"]))
    rng = random.Random(seed)
    pairs: list[Pair] = []
    labels = {"agree": "agree", "disagree": "contradict", "discuss": "neutral"}
    for stance, label in labels.items():
        items = rows[stance]
        rng.shuffle(items)
        made = 0
        for headline, body_id in items:
            if made >= per_label:
                break
            words = _content(headline)
            sentences = [" ".join(s.split()) for s in _SENTENCE.split(bodies[body_id])]
            sentences = [s for s in sentences if 6 <= len(s.split()) <= 60]
            ranked = sorted(sentences, key=lambda s: -len(words & _content(s)) / (len(words) or 1))
            picks = ranked[1:3] if stance == "discuss" else ranked[:1]
            for sentence in picks:
                if len(words & _content(sentence)) >= 2:
                    pairs.append(Pair(a=headline, b=sentence, label=label, origin=f"fnc1:{stance}"))  # type: ignore[arg-type]
                    made += 1
    return pairs


def emergent_sides(path: Path, split: Split) -> list[tuple[str, list[str], list[str]]]:
    """(claim id, for headlines, against headlines) of each claim of one split."""
    file = path / EMERGENT_FILE if path.is_dir() else path
    sides: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if claim_split(row["claimId"]) == split and row["articleHeadlineStance"] in {"for", "against"}:
                headline = " ".join(row["articleHeadline"].split())
                if headline not in sides[row["claimId"]][row["articleHeadlineStance"]]:
                    sides[row["claimId"]][row["articleHeadlineStance"]].append(headline)
    return [(claim, s["for"], s["against"]) for claim, s in sorted(sides.items())]
