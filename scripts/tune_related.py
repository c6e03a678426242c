"""Choose ``StorySettings.related_bar`` on the tuning part of FNC-1 (never the held-out part).

A related link should join the chapters of one event that grouping kept apart
(a sequel, a turn of the story), not two events that merely share a topic.
FNC-1 has no dates, so sequels are simulated:

1. Every gold story of the tuning ids with at least two bodies is cut in two
   halves (file order): the halves are two stories that continue each other.
   Halves of different gold stories are distinct stories; FNC-1's gold stories
   often share a topic (several claims about one war, one celebrity), which is
   what a bar must tell apart.
2. The half-stories are linked by :func:`newsdesk.stories.related.related_links`
   with the default settings and each bar tried (no entities: the bar alone
   decides). A link is right when both halves are of one gold story.
3. Scored per bar: links, precision (share of links that are right), recall
   (share of gold stories whose halves are linked), F1. The bar chosen is the
   one with the best F1 (ties: the higher bar).
4. For scale, the actual grouping of the tuning bodies is linked with the
   chosen bar: links per story, and the share of links between stories of one
   gold story (a story grouping split).

Usage::

    python scripts/tune_related.py /path/to/fnc1
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter, defaultdict

from newsdesk.evaluation.stories import load_fnc_bodies
from newsdesk.model import Story
from newsdesk.stories.grouping import StorySettings, group_stories
from newsdesk.stories.related import related_links

BARS = tuple(round(0.05 + 0.025 * i, 3) for i in range(19))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    args = parser.parse_args()
    articles, gold, split = load_fnc_bodies(args.data_dir)
    tuning = set(split["tuning"])
    bodies = [a for a in articles if a.id in tuning and a.id in gold]
    by_gold: dict[str, list[str]] = defaultdict(list)
    for a in bodies:
        by_gold[gold[a.id]].append(a.id)
    halves: list[Story] = []
    label: dict[str, str] = {}
    for story, ids in by_gold.items():
        if len(ids) < 2:
            continue
        cut = len(ids) // 2
        for part, members in (("a", ids[:cut]), ("b", ids[cut:])):
            halves.append(Story(id=f"{story}-{part}", title="", articles=members))
            label[f"{story}-{part}"] = story
    stories = len(halves) // 2
    print(f"{len(bodies)} tuning bodies, {stories} gold stories of 2+ bodies cut in halves")
    print("bar    links  precision  recall     F1")
    best: tuple[float, float] = (-1.0, 0.0)
    for bar in BARS:
        settings = dataclasses.replace(StorySettings(), related_bar=bar)
        links = related_links(halves, bodies, settings=settings)
        pairs = {tuple(sorted((s, r.story))) for s, rs in links.items() for r in rs}
        right = sum(label[p] == label[q] for p, q in pairs)
        precision = right / len(pairs) if pairs else 1.0
        recall = right / stories
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{bar:.3f}  {len(pairs):5d}  {precision:9.3f}  {recall:6.3f}  {f1:.3f}")
        if f1 >= best[0]:
            best = (f1, bar)
    chosen = best[1]
    print(f"chosen related_bar = {chosen} (F1 {best[0]:.3f})")
    settings = dataclasses.replace(StorySettings(), related_bar=chosen)
    grouped = group_stories(bodies, settings=settings)
    links = related_links(grouped, bodies, settings=settings)
    majority = {s.id: Counter(gold[a] for a in s.articles).most_common(1)[0][0] for s in grouped}
    pairs = {tuple(sorted((s, r.story))) for s, rs in links.items() for r in rs}
    split_pairs = sum(majority[p] == majority[q] for p, q in pairs)
    linked = sum(bool(rs) for rs in links.values())
    print(
        f"grouping of the tuning bodies: {len(grouped)} stories, {len(pairs)} related links "
        f"({len(pairs) * 2 / len(grouped):.2f} per story, {linked} stories with one or more), "
        f"{split_pairs} of them between stories of one gold story"
    )


if __name__ == "__main__":
    main()
