"""Write the FNC-1 bodies an annotation names as ``.txt`` articles, so `newsdesk eval contradictions` can read them.

The real-news contradiction sets (``tests/data/contradictions_real/fnc1_*.json``)
annotate FNC-1 training bodies (Apache-2.0) but do not ship their text: this
script writes them from the data set when they are needed.

1. The gold file's events name files ``fnc1-<Body ID>.txt``; each is looked
   up in ``train_bodies.csv``.
2. FNC-1 keeps no headline of a body's own (its headlines are claims paired
   with bodies of other outlets), so the title line is the body's first
   sentence, cut to 30 words. The body follows it whole, first sentence
   included, one paragraph per non-empty line of the CSV, with runs of spaces
   and tabs made one space (the annotation's quoted sides are checked against
   this text).
3. Each file is ``title``, blank line, paragraphs separated by blank lines:
   the ``.txt`` layout of :mod:`newsdesk.ingest.readers`.

Usage::

    python scripts/fnc1_docs.py ../shared/data/fnc1 /tmp/fnc1-docs --gold tests/data/contradictions_real/fnc1_dev.json
    newsdesk eval contradictions tests/data/contradictions_real/fnc1_dev.json --docs /tmp/fnc1-docs
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

_FILE = re.compile(r"^fnc1-(\d+)\.txt$")
# A sentence ends at . ! or ? (and a closing quote) followed by a space and a capital or a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘A-Z0-9])")
TITLE_WORDS = 30


def body_paragraphs(text: str) -> list[str]:
    """The paragraphs of an FNC-1 body: its non-empty lines, spaces collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def title_of(paragraphs: list[str]) -> str:
    """The first sentence of the body, at most ``TITLE_WORDS`` words (FNC-1 has no titles of its own)."""
    if not paragraphs:
        return ""
    first = _SENTENCE_END.split(paragraphs[0], maxsplit=1)[0]
    words = first.split()
    return " ".join(words[:TITLE_WORDS]) + (" ..." if len(words) > TITLE_WORDS else "")


def article_text(body: str) -> str:
    """A body in the ``.txt`` layout: title line, blank line, paragraphs separated by blank lines."""
    paragraphs = body_paragraphs(body)
    return title_of(paragraphs) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def gold_files(gold: Path) -> list[str]:
    """The ``fnc1-<id>.txt`` names of a gold file's events (``files`` and both sides of each item)."""
    data = json.loads(gold.read_text(encoding="utf-8"))
    names: set[str] = set()
    for event in data.get("events", []):
        names.update(event.get("files", []))
        for item in event.get("contradictions", []) + event.get("agreements", []):
            names.update({item["a_file"], item["b_file"]})
        for item in event.get("updates", []):
            names.update({item["earlier_file"], item["later_file"]})
    return sorted(names)


def read_bodies(fnc1_dir: Path) -> dict[str, str]:
    """Body ID -> text of ``train_bodies.csv``."""
    csv.field_size_limit(2**31 - 1)
    with (fnc1_dir / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}


def write_docs(fnc1_dir: Path, out_dir: Path, gold: Path) -> list[Path]:
    """Write every body the gold file names to ``out_dir``.

    Returns:
        The files written.

    Raises:
        SystemExit: a file name is not ``fnc1-<Body ID>.txt`` or the id is not in the CSV.
    """
    bodies = read_bodies(fnc1_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in gold_files(gold):
        match = _FILE.match(name)
        if not match:
            raise SystemExit(f"{gold}: {name!r} is not an fnc1-<Body ID>.txt name")
        if match.group(1) not in bodies:
            raise SystemExit(f"{gold}: body {match.group(1)} is not in {fnc1_dir / 'train_bodies.csv'}")
        path = out_dir / name
        path.write_text(article_text(bodies[match.group(1)]), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fnc1_dir", type=Path, help="FNC-1 folder holding train_bodies.csv")
    parser.add_argument("out_dir", type=Path, help="folder to write fnc1-<Body ID>.txt files to")
    parser.add_argument("--gold", type=Path, action="append", required=True, help="gold file(s) naming the bodies")
    args = parser.parse_args()
    count = sum(len(write_docs(args.fnc1_dir, args.out_dir, gold)) for gold in args.gold)
    print(f"wrote {count} bodies to {args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
