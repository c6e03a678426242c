"""`newsdesk eval clean`: boilerplate removal scored against a gold.json annotation.

The annotation is the seed schema: ``documents`` maps a path (relative to the
gold file's folder, or to ``docs_dir``) to its labels.

- Text documents (``.txt`` layout) carry ``body_lines`` and
  ``boilerplate_lines`` (1-based line numbers; blank lines and the title line
  are neither), ``title`` (the headline without site name) and optionally
  ``source`` (the outlet) and ``template`` (the outlet template; default: the
  document's folder, else its outlet).
- HTML documents carry ``body_paragraphs`` (the exact text of every true body
  paragraph and subheading, in order) and ``title``.
- Other entries (JSONL lines, documents without labels) are skipped.

Scoring:

1. Text: the body is split and labelled by the cleaner
   (:func:`~newsdesk.clean.text.split_units`,
   :func:`~newsdesk.clean.text.label_units`) with a
   :class:`~newsdesk.clean.text.TemplateMemory` fitted on the *other*
   documents of the corpus, so a line only counts as repeated when other
   articles of the same outlet carry it. A line is predicted boilerplate when
   its unit gets a reason. With boilerplate as the positive class this gives
   precision, recall (= share of boilerplate lines removed) and F1, plus the
   share of body lines kept and the share of exact titles.
2. HTML: each page goes through :func:`~newsdesk.clean.html.extract_html`
   (trafilatura) and then :func:`~newsdesk.clean.text.clean_document`. The
   body is compared with the true paragraphs as multisets of word 4-grams
   (``\\w+`` tokens): per page, true/false positives and false negatives are
   normalised to sum to 1; precision and recall are means over pages and F1
   is computed from them (the article-extraction-benchmark convention). The
   same is reported for the extracted text before the text cleaner.
3. Leave one template out (optional): every document is scored again with a
   memory fitted only on documents of *other* templates, so nothing learned
   has seen the template being scored (what an unseen outlet gets).
4. Speed: articles per second of the text cleaner on the text documents
   (template fitting included), of extraction plus cleaning on the HTML pages
   and of extraction alone, and the cost of the text pass on the pages as a
   ratio to extraction time (best of ``repeat`` runs).

Run with::

    python -m newsdesk.evaluation.clean tests/data/clean [--leave-one-template-out]
    python -m newsdesk.evaluation.clean tests/data/sample_gold.json --docs-dir src/newsdesk/data/sample
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdesk.clean.html import extract_html
from newsdesk.clean.text import (
    CleanSettings,
    TemplateMemory,
    clean_document,
    fit_templates,
    label_units,
    split_title,
    split_units,
)
from newsdesk.errors import InputError, NewsdeskError
from newsdesk.ingest.readers import format_for, read_documents
from newsdesk.model import RawDocument

_TOKEN = re.compile(r"\w+")
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SHINGLE_SIZE = 4


@dataclass(slots=True)
class _Doc:
    """One labelled document of the corpus, read and (for HTML) extracted."""

    key: str
    gold: Mapping[str, Any]
    kind: str  # "text" or "html"
    raw: RawDocument  # for HTML: the extracted text document
    template: str
    outlet: str | None
    problem: str | None = None
    extracted_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _gold_path(path: Path) -> Path:
    return path / "gold.json" if path.is_dir() else path


def _norm(text: str) -> str:
    return " ".join(text.split())


def _read(path: Path) -> RawDocument:
    fmt = format_for(str(path))
    for item in read_documents(str(path), path.read_bytes(), fmt):
        if isinstance(item, RawDocument):
            return item
        raise InputError(str(path), item.reason)
    raise InputError(str(path), "no document")


def _load(gold_path: Path, docs_dir: Path | None) -> tuple[list[_Doc], list[str]]:
    """Read every labelled document; return them and the keys skipped."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    base = docs_dir or gold_path.parent
    docs: list[_Doc] = []
    skipped: list[str] = []
    for key, labels in gold.get("documents", {}).items():
        path = base / key
        if ":" in key or not path.is_file():
            skipped.append(key)
            continue
        if "body_paragraphs" in labels or path.suffix.lower() in _HTML_SUFFIXES:
            kind = "html"
        elif "body_lines" in labels:
            kind = "text"
        else:
            skipped.append(key)
            continue
        raw = _read(path)
        folder = Path(key).parent.as_posix()
        doc = _Doc(key=key, gold=labels, kind=kind, raw=raw, template="", outlet=None)
        if kind == "text":
            _, site, _ = split_title(raw)
            doc.outlet = labels.get("source") or site or (folder if folder != "." else None)
        doc.template = labels.get("template") or (folder if folder != "." else None) or doc.outlet or key
        docs.append(doc)
    return docs, skipped


def _extract_all(docs: Sequence[_Doc], fast: bool) -> None:
    """Replace each HTML document's page by its extracted text (problems are recorded)."""
    for doc in docs:
        if doc.kind != "html":
            continue
        try:
            doc.raw = extract_html(doc.raw, fast=fast)
        except InputError as error:
            doc.problem = error.reason
            continue
        _, site, start = split_title(doc.raw)
        doc.outlet = doc.raw.source or site or doc.gold.get("source")
        doc.extracted_text = "\n\n".join(p for p in doc.raw.body.splitlines()[start:] if p.strip())


def _memory(docs: Iterable[_Doc], settings: CleanSettings) -> TemplateMemory:
    memory = TemplateMemory(min_articles=settings.template_articles, max_words=settings.template_max_words)
    return memory.fit((d.outlet, d.raw.body) for d in docs if d.problem is None)


# --- text documents: line labels -------------------------------------------------------------


def _label_text(doc: _Doc, memory: TemplateMemory, settings: CleanSettings) -> tuple[str, dict[int, str | None]]:
    """Run the cleaner's labelling; return the headline and each line's reason (None: body)."""
    title, _, start = split_title(doc.raw)
    lines = doc.raw.body.splitlines()
    units = split_units("\n" * start + "\n".join(lines[start:]))
    labelled = label_units(units, title=title, source=doc.outlet, templates=memory, settings=settings)
    reasons = {n: unit.reason for unit in labelled.units for n in unit.lines}
    return title, reasons


def _score_text(
    docs: Sequence[_Doc], memory_for: Callable[[_Doc], TemplateMemory], settings: CleanSettings
) -> dict[str, Any]:
    totals: Counter[str] = Counter()
    per_template: dict[str, Counter[str]] = defaultdict(Counter)
    errors: list[dict[str, Any]] = []
    titles_exact = 0
    title_errors: list[dict[str, str]] = []
    for doc in docs:
        title, reasons = _label_text(doc, memory_for(doc), settings)
        if _norm(title) == _norm(doc.gold.get("title", "")):
            titles_exact += 1
        else:
            title_errors.append({"doc": doc.key, "predicted": title, "gold": doc.gold.get("title", "")})
        lines = doc.raw.body.splitlines()
        body, junk = set(doc.gold.get("body_lines", [])), set(doc.gold.get("boilerplate_lines", []))
        removed = {n for n, reason in reasons.items() if reason is not None}
        counts = Counter(
            body=len(body),
            body_kept=len(body - removed),
            boilerplate=len(junk),
            boilerplate_removed=len(junk & removed),
            predicted=len(removed & (body | junk)),
            unlabelled=len(set(reasons) - body - junk),
        )
        totals.update(counts)
        per_template[doc.template].update(counts)
        for n in sorted((body & removed) | (junk - removed)):
            errors.append(
                {
                    "doc": doc.key,
                    "line": n,
                    "gold": "body" if n in body else "boilerplate",
                    "reason": reasons.get(n),
                    "text": _norm(lines[n - 1])[:100] if n <= len(lines) else "",
                }
            )
    result = _line_metrics(totals)
    result.update(
        documents=len(docs),
        titles_exact=round(titles_exact / len(docs), 4) if docs else 1.0,
        title_errors=title_errors,
        per_template={name: _line_metrics(c) for name, c in sorted(per_template.items())},
        errors=errors,
    )
    return result


def _line_metrics(c: Mapping[str, int]) -> dict[str, Any]:
    body_kept = c["body_kept"] / c["body"] if c["body"] else 1.0
    recall = c["boilerplate_removed"] / c["boilerplate"] if c["boilerplate"] else 1.0
    precision = c["boilerplate_removed"] / c["predicted"] if c["predicted"] else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "body_lines": c["body"],
        "boilerplate_lines": c["boilerplate"],
        "unlabelled_lines": c["unlabelled"],
        "body_kept": round(body_kept, 4),
        "boilerplate_removed": round(recall, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


# --- HTML documents: shingles ----------------------------------------------------------------


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Word ``size``-grams of a text, with their counts (a text shorter than ``size`` is one shingle)."""
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens)


def shingle_counts(true: str, predicted: str) -> tuple[float, float, float]:
    """Normalised ``(tp, fp, fn)`` of predicted against true shingles (they sum to 1, or all 0)."""
    gold, pred = shingles(true), shingles(predicted)
    tp = sum((gold & pred).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def shingle_metrics(counts: Sequence[tuple[float, float, float]]) -> dict[str, float]:
    """Mean precision and recall over documents, and F1 of those means."""

    def score(tp: float, other: float, rest: float) -> float:
        if other == rest == 0:
            return 1.0
        return tp / (tp + other) if tp + other else 0.0

    precisions = [score(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [score(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _score_html(
    docs: Sequence[_Doc], memory_for: Callable[[_Doc], TemplateMemory], settings: CleanSettings
) -> dict[str, Any]:
    cleaned_counts: list[tuple[float, float, float]] = []
    extracted_counts: list[tuple[float, float, float]] = []
    errors: list[dict[str, Any]] = []
    titles_exact = 0
    title_errors: list[dict[str, str]] = []
    for doc in docs:
        true_paragraphs = [_norm(p) for p in doc.gold.get("body_paragraphs", [])]
        truth = "\n\n".join(true_paragraphs)
        if doc.problem is not None:
            cleaned_counts.append(shingle_counts(truth, ""))
            extracted_counts.append(shingle_counts(truth, ""))
            errors.append({"doc": doc.key, "kind": "not extracted", "text": doc.problem})
            continue
        try:
            article = clean_document(doc.raw, settings, memory_for(doc))
            paragraphs, title = [_norm(p) for p in article.paragraphs], article.title
        except InputError:
            paragraphs, title = [], split_title(doc.raw)[0]
        cleaned_counts.append(shingle_counts(truth, "\n\n".join(paragraphs)))
        extracted_counts.append(shingle_counts(truth, doc.extracted_text))
        if _norm(title) == _norm(doc.gold.get("title", "")):
            titles_exact += 1
        else:
            title_errors.append({"doc": doc.key, "predicted": title, "gold": doc.gold.get("title", "")})
        extracted = [_norm(p) for p in doc.extracted_text.split("\n\n")]
        for text in paragraphs:
            if text not in true_paragraphs:
                errors.append({"doc": doc.key, "kind": "junk kept", "text": text[:100]})
        for text in true_paragraphs:
            if text not in paragraphs:
                kind = "body removed by cleaner" if text in extracted else "body not extracted"
                errors.append({"doc": doc.key, "kind": kind, "text": text[:100]})
    return {
        "documents": len(docs),
        "cleaned": shingle_metrics(cleaned_counts),
        "extracted": shingle_metrics(extracted_counts),
        "titles_exact": round(titles_exact / len(docs), 4) if docs else 1.0,
        "title_errors": title_errors,
        "errors": errors,
    }


# --- speed -------------------------------------------------------------------------------------


def best_time(run: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter) -> float:
    """The least time of ``repeat`` runs of ``run``, by ``clock`` (wall time unless told otherwise)."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        started = clock()
        run()
        best = min(best, clock() - started)
    return best


def _clean_all(raws: Sequence[RawDocument], settings: CleanSettings) -> None:
    memory = fit_templates(raws, settings)
    for raw in raws:
        with contextlib.suppress(InputError):
            clean_document(raw, settings, memory)


def _extract_pages(pages: Sequence[RawDocument], fast: bool) -> list[RawDocument]:
    out = []
    for page in pages:
        with contextlib.suppress(InputError):
            out.append(extract_html(page, fast=fast))
    return out


def _speed(
    texts: Sequence[RawDocument], pages: Sequence[RawDocument], settings: CleanSettings, fast: bool, repeat: int
) -> dict[str, float | None]:
    def rate(count: int, seconds: float) -> float | None:
        return round(count / seconds, 1) if count and seconds > 0 else None

    result: dict[str, float | None] = {
        "text_articles_per_s": rate(len(texts), best_time(lambda: _clean_all(texts, settings), repeat)),
        "html_articles_per_s": None,
        "trafilatura_articles_per_s": None,
        "text_pass_cost_ratio": None,
    }
    if pages:
        extracted = _extract_pages(pages, fast)
        extract_time = best_time(lambda: _extract_pages(pages, fast), repeat)
        clean_time = best_time(lambda: _clean_all(extracted, settings), repeat)
        result["trafilatura_articles_per_s"] = rate(len(pages), extract_time)
        result["html_articles_per_s"] = rate(len(pages), extract_time + clean_time)
        result["text_pass_cost_ratio"] = round(clean_time / extract_time, 4) if extract_time > 0 else None
    return result


# --- public API --------------------------------------------------------------------------------


def evaluate_clean(
    path: Path,
    *,
    docs_dir: Path | None = None,
    leave_one_template_out: bool = False,
    settings: CleanSettings = CleanSettings(),
    fast_html: bool = False,
    repeat: int = 3,
) -> dict[str, Any]:
    """Score the cleaner on a labelled corpus (see the module docstring).

    Args:
        path: A gold.json file, or a folder holding one.
        docs_dir: Folder of the documents when they are not beside the gold file.
        leave_one_template_out: Also score every document with a template memory
            that never saw its template (section ``leave_one_template_out``).
        settings: Cleaner thresholds.
        fast_html: Use trafilatura without its fallback extractors.
        repeat: Timing runs; the best is kept.

    Returns:
        ``{"gold", "documents", "skipped", "text", "html", "speed"}`` and, when
        asked, ``"leave_one_template_out": {"text", "html"}``. ``text`` holds
        line metrics (``body_kept``, ``boilerplate_removed``, ``precision``,
        ``recall``, ``f1``, ``titles_exact``, per template, and the wrong
        lines); ``html`` holds shingle metrics after cleaning (``cleaned``) and
        straight out of trafilatura (``extracted``).

    Raises:
        NewsdeskError: The gold file does not exist.
    """
    gold_path = _gold_path(Path(path))
    if not gold_path.is_file():
        raise NewsdeskError(f"gold annotation not found: {gold_path}")
    docs, skipped = _load(gold_path, Path(docs_dir) if docs_dir else None)
    pages = [d.raw for d in docs if d.kind == "html"]
    _extract_all(docs, fast_html)
    texts = [d for d in docs if d.kind == "text"]
    htmls = [d for d in docs if d.kind == "html"]

    def others(doc: _Doc) -> TemplateMemory:
        return _memory((d for d in docs if d is not doc), settings)

    def other_templates(doc: _Doc) -> TemplateMemory:
        return _memory((d for d in docs if d.template != doc.template), settings)

    result: dict[str, Any] = {
        "gold": str(gold_path),
        "documents": len(docs),
        "skipped": skipped,
        "templates": len({d.template for d in docs}),
        "text": _score_text(texts, others, settings),
        "html": _score_html(htmls, others, settings),
    }
    if leave_one_template_out:
        result["leave_one_template_out"] = {
            "text": _score_text(texts, other_templates, settings),
            "html": _score_html(htmls, other_templates, settings),
        }
    result["speed"] = _speed([d.raw for d in texts], pages, settings, fast_html, repeat)
    return result


def _text_lines(name: str, text: Mapping[str, Any]) -> list[str]:
    if not text["documents"]:
        return [f"{name}: no text documents"]
    return [
        f"{name}: {text['documents']} documents, {text['body_lines']} body / {text['boilerplate_lines']} "
        f"boilerplate lines",
        f"  body lines kept {text['body_kept']:.3f}, boilerplate lines removed {text['boilerplate_removed']:.3f}",
        f"  boilerplate P {text['precision']:.3f} R {text['recall']:.3f} F1 {text['f1']:.3f}, "
        f"titles exact {text['titles_exact']:.3f}",
    ]


def _html_lines(name: str, html: Mapping[str, Any]) -> list[str]:
    if not html["documents"]:
        return [f"{name}: no HTML documents"]
    c, e = html["cleaned"], html["extracted"]
    return [
        f"{name}: {html['documents']} pages, titles exact {html['titles_exact']:.3f}",
        f"  4-gram shingles, extract + clean:   P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f}",
        f"  4-gram shingles, trafilatura alone: P {e['precision']:.3f} R {e['recall']:.3f} F1 {e['f1']:.3f}",
    ]


def format_clean_report(result: Mapping[str, Any], *, errors: int = 10) -> str:
    """A terminal summary of :func:`evaluate_clean`, with up to ``errors`` wrong lines per section."""
    lines = [f"gold: {result['gold']} ({result['documents']} documents, {result['templates']} templates)"]
    if result["skipped"]:
        lines.append(f"skipped (no line or paragraph labels): {', '.join(result['skipped'])}")
    sections = [("", result)]
    if "leave_one_template_out" in result:
        sections.append(("leave one template out, ", result["leave_one_template_out"]))
    for prefix, section in sections:
        lines += _text_lines(f"{prefix}text".capitalize(), section["text"])
        lines += _html_lines(f"{prefix}HTML".capitalize(), section["html"])
        for item in section["text"]["errors"][:errors]:
            lines.append(f"    {item['doc']}:{item['line']} {item['gold']} ({item['reason']}): {item['text']}")
        for item in section["text"]["title_errors"] + section["html"]["title_errors"]:
            lines.append(f"    title {item['doc']}: {item['predicted']!r} != {item['gold']!r}")
        for item in section["html"]["errors"][:errors]:
            lines.append(f"    {item['doc']} {item['kind']}: {item['text']}")
    speed = result["speed"]

    def show(value: float | None, unit: str = " articles/s") -> str:
        return "n/a" if value is None else f"{value}{unit}"

    lines.append(
        f"Speed: text cleaner {show(speed['text_articles_per_s'])}; HTML extract + clean "
        f"{show(speed['html_articles_per_s'])}; trafilatura alone {show(speed['trafilatura_articles_per_s'])}; "
        f"text pass / trafilatura time {show(speed['text_pass_cost_ratio'], '')}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: print the report (or the result as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", type=Path, help="gold.json, or a folder holding one")
    parser.add_argument("--docs-dir", type=Path, default=None, help="folder of the documents")
    parser.add_argument("--leave-one-template-out", action="store_true")
    parser.add_argument("--errors", type=int, default=10, help="wrong lines shown per section")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    result = evaluate_clean(args.path, docs_dir=args.docs_dir, leave_one_template_out=args.leave_one_template_out)
    print(
        json.dumps(result, ensure_ascii=False, indent=2)
        if args.json
        else format_clean_report(result, errors=args.errors)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
