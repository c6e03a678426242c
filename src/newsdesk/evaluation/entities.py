"""`newsdesk eval entities`: canonical entities scored against a gold.json annotation.

The annotation lists each entity's surface forms ("mentions") and pairs of
names that must stay distinct. Scoring works on surface forms:

- a form is *found* when some predicted entity has a mention with that text
  (compared without case, titles or place words: "Panjshir province" ~ "Panjshir");
- pairwise recall: of the pairs of found forms of one gold entity, the share
  predicted in the same entity (variants merged);
- pairwise precision: of the pairs of found forms predicted in one entity, the
  share that belong to one gold entity (different things kept apart);
- each must-stay-distinct pair passes when its two names are in different
  predicted entities; a failing pair is either *merged* (both names found, in
  one entity) or has a name *not found* at all (the tagger never found it, so
  the pair is untested rather than confused);
- speakers of the annotated quotes, when the annotation has quotes
  (:mod:`newsdesk.evaluation.speakers`);
- type accuracy: of the gold entities with a found form, the share whose
  predicted type (that of the predicted entity holding most mentions of its
  forms) is the annotated one (person, organization, place).

Gold forms are annotated on the document files, but the entities come from the
cleaned articles: a form never found is listed apart when no cleaned text holds
it any more (cleaning took its line away, as a byline or a signature), since no
entity step could have found it there. The figures count it as not found either way.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdesk.enrich.entities import _strip_place_words, name_tokens
from newsdesk.evaluation.contradictions import GoldCorpus
from newsdesk.evaluation.speakers import format_speakers_report, gold_quotes, score_speakers
from newsdesk.model import Analysis, Entity

if TYPE_CHECKING:
    from newsdesk.enrich import Enriched


def form_key(text: str) -> str:
    """Compare forms without case, titles, leading articles or place words ("Panjshir province")."""
    return " ".join(_strip_place_words(name_tokens(text))) or text.lower()


def _form_owners(entities: Sequence[Entity]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for mention in entity.mentions:
            owners[form_key(mention.text)].add(entity.id)
    return owners


def _kinds(entities: Sequence[Entity], gold: Mapping[str, Any]) -> tuple[int, list[str]]:
    """Gold entities typed right, and how the others were typed ("Valmora: person, not place")."""
    mentions_of: dict[str, Counter[str]] = defaultdict(Counter)
    for entity in entities:
        for mention in entity.mentions:
            mentions_of[form_key(mention.text)][entity.kind] += 2
    right, wrong = 0, []
    for item in gold.get("entities", []):
        votes: Counter[str] = Counter()
        for form in sorted({form_key(m) for m in item["mentions"]}):
            votes.update(mentions_of.get(form, Counter()))
        own = mentions_of.get(form_key(item["canonical"]))
        if own:  # each mention votes twice; a tie goes to the type its canonical form is given most
            votes[own.most_common(1)[0][0]] += 1
        if not votes or not item.get("kind"):
            continue
        kind = votes.most_common(1)[0][0]
        if kind == item["kind"]:
            right += 1
        else:
            wrong.append(f"{item['canonical']}: {kind}, not {item['kind']}")
    return right, wrong


def _absent_forms(missing: set[str], gold: Mapping[str, Any], texts: Sequence[str]) -> list[str]:
    """The forms of ``missing`` whose every gold surface form is in none of ``texts`` (case and spacing aside)."""
    surfaces: dict[str, set[str]] = defaultdict(set)
    for item in gold.get("entities", []):
        for mention in item["mentions"]:
            if form_key(mention) in missing:
                surfaces[form_key(mention)].add(mention)
    haystack = "\n".join(" ".join(text.split()) for text in texts).lower()

    def held(surface: str) -> bool:
        words = re.escape(" ".join(surface.split()).lower())
        return re.search(rf"(?<!\w){words}(?!\w)", haystack) is not None

    return sorted(form for form, written in surfaces.items() if not any(held(w) for w in written))


def score_entities(
    entities: Sequence[Entity], gold: Mapping[str, Any], texts: Sequence[str] | None = None
) -> dict[str, Any]:
    """Score predicted canonical entities against gold groups (see module docstring).

    ``texts``, the cleaned texts the entities come from, tell the forms never found that no text holds.
    """
    owners = _form_owners(entities)
    forms_of = {g["canonical"]: sorted({form_key(m) for m in g["mentions"]}) for g in gold.get("entities", [])}
    group_of = {form: name for name, forms in forms_of.items() for form in forms}
    found = {form for form in group_of if owners.get(form)}

    def together(x: str, y: str) -> bool:
        return bool(owners[x] & owners[y])

    gold_pairs = [
        (x, y) for forms in forms_of.values() for x, y in itertools.combinations(forms, 2) if x in found and y in found
    ]
    merged = sum(together(x, y) for x, y in gold_pairs)
    predicted_pairs = [(x, y) for x, y in itertools.combinations(sorted(found), 2) if together(x, y)]
    right = sum(group_of[x] == group_of[y] for x, y in predicted_pairs)
    split = [
        name
        for name, forms in forms_of.items()
        if len([f for f in forms if f in found]) > 1
        and not all(together(x, y) for x, y in itertools.combinations([f for f in forms if f in found], 2))
    ]
    wrongly_merged = sorted({f"{x} + {y}" for x, y in predicted_pairs if group_of[x] != group_of[y]})
    distinct = []
    for a, b in gold.get("must_stay_distinct", []):
        a_owner, b_owner = owners.get(form_key(a), set()), owners.get(form_key(b), set())
        state = "not found" if not (a_owner and b_owner) else "merged" if a_owner & b_owner else "apart"
        distinct.append({"pair": [a, b], "kept_apart": state == "apart", "state": state})
    precision = right / len(predicted_pairs) if predicted_pairs else 1.0
    recall = merged / len(gold_pairs) if gold_pairs else 1.0
    typed, mistyped = _kinds(entities, gold)
    missing = set(group_of) - found
    absent = _absent_forms(missing, gold, texts) if texts is not None else []
    return {
        "forms": len(group_of),
        "forms_found": len(found),
        "pair_precision": round(precision, 3),
        "pair_recall": round(recall, 3),
        "pair_f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "entities_not_merged": split,
        "wrongly_merged": wrongly_merged,
        "must_stay_distinct": distinct,
        "missing_forms": sorted(missing),
        "forms_not_in_texts": absent,
        "types_right": typed,
        "types_scored": typed + len(mistyped),
        "type_accuracy": round(typed / (typed + len(mistyped)), 3) if typed or mistyped else 1.0,
        "mistyped": mistyped,
    }


def evaluate_entities(gold_path: Path, docs_dir: Path | None = None, *, entities_only: bool = False) -> dict[str, Any]:
    """Analyse the documents of a gold.json corpus in memory and score its entities.

    Args:
        gold_path: The gold.json annotation.
        docs_dir: Folder of the documents when not beside it.
        entities_only: Run only enrichment and the entity merge
            (:meth:`~newsdesk.enrich.Enricher.run`), not stories and comparison: the
            entities are the same, the run minutes shorter on a hundred articles.

    Returns:
        The result of :func:`score_entities`.
    """
    from newsdesk.storage import MemoryStore

    corpus = GoldCorpus(gold_path, docs_dir)
    with MemoryStore() as store:
        if entities_only:
            from newsdesk.enrich import Enricher
            from newsdesk.pipeline import ingest

            ingest(corpus.document_paths(), store)
            analysed: Enriched | Analysis = Enricher().run(list(store.articles()))
        else:
            from newsdesk.pipeline import analyze

            analysed = analyze(corpus.document_paths(), store)
    result = score_entities(analysed.entities, corpus.gold, [a.text for a in analysed.articles])
    quotes = gold_quotes(json.loads(gold_path.read_text(encoding="utf-8")))
    if quotes:
        result["speakers"] = score_speakers(analysed.articles, analysed.quotes, analysed.entities, quotes)
    return result


def format_entities_report(result: Mapping[str, Any]) -> str:
    """A terminal summary of :func:`evaluate_entities`."""
    lines = [
        f"surface forms found: {result['forms_found']}/{result['forms']}",
        f"variant pairs: precision {result['pair_precision']:.3f}, recall {result['pair_recall']:.3f}, "
        f"F1 {result['pair_f1']:.3f}",
        f"types: {result['types_right']}/{result['types_scored']} right ({result['type_accuracy']:.3f})",
    ]
    pairs = result["must_stay_distinct"]
    if pairs:
        states = Counter(item["state"] for item in pairs)
        lines.append(
            f"must stay distinct: {states['apart']}/{len(pairs)} kept apart, {states['merged']} merged, "
            f"{states['not found']} with a form never found"
        )
    for item in pairs:
        state = {"apart": "kept apart", "merged": "NOT kept apart (merged)"}.get(item["state"], "NOT kept apart")
        if item["state"] == "not found":
            state += " (a form never found)"
        lines.append(f"must stay distinct: {' / '.join(item['pair'])}: {state}")
    if result["entities_not_merged"]:
        lines.append("not fully merged: " + ", ".join(result["entities_not_merged"]))
    if result["wrongly_merged"]:
        lines.append("wrongly merged: " + ", ".join(result["wrongly_merged"]))
    if result["mistyped"]:
        lines.append("typed wrong: " + ", ".join(result["mistyped"]))
    if result["missing_forms"]:
        lines.append("forms never found: " + ", ".join(result["missing_forms"]))
    if result.get("forms_not_in_texts"):
        absent = ", ".join(result["forms_not_in_texts"])
        lines.append(f"of which in no cleaned text (a title, byline or line cleaning removed): {absent}")
    if "speakers" in result:
        lines.append(format_speakers_report(result["speakers"]))
    return "\n".join(lines)
