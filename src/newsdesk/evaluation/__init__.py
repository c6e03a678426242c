"""Quality and speed measurements of newsdesk stages against labelled corpora.

Each benchmark is a library function returning a result dict plus a
formatter; :func:`run` is what ``newsdesk eval BENCHMARK`` calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsdesk.errors import NewsdeskError

BENCHMARKS = (
    "clean",
    "attribution",
    "entities",
    "stories",
    "crosslingual",
    "stance",
    "contradictions",
    "speed",
    "pairs",
    "compare-speed",
    "scale",
)


def run(benchmark: str, options: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """Run one benchmark; returns its result and a terminal report.

    Args:
        benchmark: One of :data:`BENCHMARKS`.
        options: ``path`` plus the benchmark's options (``docs``, ``split``, ...).

    Raises:
        NewsdeskError: Unknown benchmark or missing data path.
    """
    path = Path(options["path"])
    if not path.exists():
        raise NewsdeskError(f"benchmark data not found: {path}")
    docs = options.get("docs")
    if benchmark == "clean":
        from newsdesk.evaluation.clean import evaluate_clean, format_clean_report
        from newsdesk.evaluation.clean_pages import evaluate_pages, format_pages_report, is_page_folder

        if is_page_folder(path):
            result = evaluate_pages(path)
            return result, format_pages_report(result)

        result = evaluate_clean(
            path, docs_dir=docs, leave_one_template_out=options.get("leave_one_template_out", False)
        )
        return result, format_clean_report(result)
    if benchmark == "attribution":
        from newsdesk.evaluation.attribution import evaluate_attribution, format_attribution_report

        result = evaluate_attribution(path, limit=options.get("limit"))
        return result, format_attribution_report(result)
    if benchmark == "entities":
        from newsdesk.evaluation.entities import evaluate_entities, format_entities_report

        result = evaluate_entities(path, docs, entities_only=options.get("entities_only", False))
        return result, format_entities_report(result)
    if benchmark == "stories":
        from newsdesk.evaluation.stories import evaluate_gold_stories, evaluate_stories, format_stories_report

        if path.is_file():  # a gold.json corpus, run through the whole pipeline
            result = evaluate_gold_stories(path, Path(docs) if docs else None)
            ours = result["newsdesk"]
            text = (
                f"{result['corpus']}: BCubed P {ours['bcubed']['precision']:.3f} R {ours['bcubed']['recall']:.3f} "
                f"F1 {ours['bcubed']['f1']:.3f}; pairwise F1 {ours['pairwise']['f1']:.3f}; {ours['stories']} stories; "
                f"{ours['duplicates_flagged']} near-duplicate(s) flagged"
            )
            return result, text
        from newsdesk.stories import StorySettings

        weight = options.get("embedding_weight")
        result = evaluate_stories(
            path,
            split=options.get("split", "holdout"),
            peers=not options.get("no_peers", False),
            settings=StorySettings(embedding_weight=weight) if weight else StorySettings(),
        )
        return result, format_stories_report(result)
    if benchmark == "crosslingual":
        from newsdesk.evaluation.crosslingual import evaluate_crosslingual, format_crosslingual_report

        if docs is None:
            raise NewsdeskError("crosslingual needs --docs: the folder of the English documents")
        result = evaluate_crosslingual(path, Path(docs))
        return result, format_crosslingual_report(result)
    if benchmark == "stance":
        from newsdesk.evaluation.stance import evaluate_stance, format_stance_report

        result = evaluate_stance(path, split=options.get("split", "holdout"))
        return result, format_stance_report(result)
    if benchmark == "contradictions":
        from newsdesk.evaluation.contradictions import evaluate_contradictions, format_contradictions_report

        result = evaluate_contradictions(path, docs, funnel=options.get("funnel", False))
        return result, format_contradictions_report(result)
    if benchmark == "speed":
        from newsdesk.evaluation.speed import evaluate_speed, format_speed_report

        result = evaluate_speed(path, limit=options.get("limit") or 200, processes=options.get("processes", 2))
        return result, format_speed_report(result)
    if benchmark == "pairs":
        from newsdesk.evaluation.pairs import evaluate_pairs, format_pairs_report

        result = evaluate_pairs(
            path,
            limit=options.get("limit", 1000),
            resamples=options.get("resamples", 1000),
            threads=options.get("threads", 2),
            kind=options.get("model", "aligned"),
        )
        return result, format_pairs_report(result)
    if benchmark == "compare-speed":
        from newsdesk.evaluation.compare_speed import evaluate_compare_speed, format_compare_speed

        result = evaluate_compare_speed(path, limit=options.get("limit") or 1000, processes=options.get("processes", 2))
        return result, format_compare_speed(result)
    if benchmark == "scale":
        from newsdesk.evaluation.scale import DEFAULT_SIZES, evaluate_scale, format_scale_report

        result = evaluate_scale(
            path,
            sizes=options.get("sizes") or DEFAULT_SIZES,
            spacy_sample=options.get("spacy_sample"),
            processes=options.get("processes", 2),
            new=options.get("new", 100),
            clients=options.get("clients", 8),
            requests=options.get("requests", 200),
            web=not options.get("no_web", False),
            workdir=options.get("workdir"),
        )
        return result, format_scale_report(result)
    raise NewsdeskError(f"unknown benchmark {benchmark!r}; choose one of {', '.join(BENCHMARKS)}")
