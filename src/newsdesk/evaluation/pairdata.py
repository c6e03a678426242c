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
