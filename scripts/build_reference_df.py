"""Count the reference document frequencies story grouping ships with (FNC-1 training ids only).

1. Reads the FNC-1 bodies and keeps those of ``training_ids.txt``; the bodies
   of ``hold_out_ids.txt`` are never read into the counts (they score the
   grouping). A body whose text repeats an earlier one (``duplicate_of``) is
   counted once.
2. Counts, for every folded content word, the bodies using it, and the bodies
   whose lead (first ``--lead-words`` words) uses it
   (:meth:`newsdesk.stories.reference.ReferenceFrequencies.count`).
3. Keeps words in at least ``--min-df`` bodies and writes gzip-compressed
   JSON with the sha256 of the counts (checked at load), and where they come
   from: FNC-1 (Apache-2.0, github.com/FakeNewsChallenge/fnc-1), its split.

Usage::

    python scripts/build_reference_df.py /path/to/fnc1 [--out src/newsdesk/stories/models/reference_df.json.gz]
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from pathlib import Path

from newsdesk.evaluation.stories import load_fnc_bodies
from newsdesk.stories.reference import REFERENCE_PATH, ReferenceFrequencies


def main(argv: Sequence[str] | None = None) -> int:
    """Count and write the table; print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path, help="FNC-1 folder (train_bodies.csv, training_ids.txt, ...)")
    parser.add_argument("--out", type=Path, default=REFERENCE_PATH, help="where to write the table")
    parser.add_argument("--min-df", type=int, default=2, help="keep words in at least this many bodies")
    parser.add_argument("--lead-words", type=int, default=60, help="body words in a lead")
    args = parser.parse_args(argv)

    articles, _, split = load_fnc_bodies(args.data_dir)
    by_id = {a.id: a for a in articles}
    training = [by_id[i] for i in split["tuning"] if by_id[i].duplicate_of is None]
    ids = (args.data_dir / "training_ids.txt").read_bytes()
    facts = {
        "data": "FNC-1 train_bodies.csv (github.com/FakeNewsChallenge/fnc-1), Apache-2.0",
        "split": "training_ids.txt only (never hold_out_ids.txt); repeated bodies counted once",
        "training_ids_sha256": hashlib.sha256(ids).hexdigest(),
        "script": "scripts/build_reference_df.py",
    }
    table = ReferenceFrequencies.count(training, lead_words=args.lead_words, min_df=args.min_df, facts=facts)
    table.save(args.out)
    print(
        f"{args.out}: {table.documents} bodies, {len(table.words)} words and {len(table.lead)} lead words "
        f"in at least {args.min_df} bodies, {args.out.stat().st_size / 1024:.0f} KB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
