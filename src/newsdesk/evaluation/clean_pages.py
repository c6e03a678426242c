"""`newsdesk eval clean` on a folder of real web pages: main text and metadata against a reference.

The layout is that of Mozilla Readability's test pages (``../shared/data/readability``): one folder per page,
under ``pages/`` or directly under the given path, each holding

- ``source.html``: the page as fetched;
- ``expected.html``: the page's main content (the reference text);
- ``expected-metadata.json``: ``title``, ``byline``, ``siteName``, ``publishedTime`` where the page has them.

Scoring:

1. Every page goes through newsdesk's cleaning stage as the pipeline runs it
   (:func:`~newsdesk.clean.html.extract_html`, then
   :func:`~newsdesk.clean.text.clean_document` with a template memory fitted
   on the whole batch); through trafilatura alone, as a user runs it for an
   article's text and metadata (:data:`TRAFILATURA_ALONE`: its own
   defaults, comments off, metadata on); and through newsdesk's extraction
   step alone (``extractor``: trafilatura with newsdesk's options and
   pruning, nothing removed after it).
2. The texts are compared with the text of ``expected.html`` as multisets of
   word 4-grams (:func:`~newsdesk.evaluation.clean.shingle_counts`): mean
   precision and recall over pages, F1 of the means.
3. Title, author, date and site name are compared with the reference metadata,
   each over the pages whose reference has a value (see :func:`metadata_match`).
4. Figures are given over all pages and over news pages (:data:`NEWS_PAGES`),
   for the tuning part and for the held-out part (every 4th folder in sorted
   order, :func:`is_held_out`) side by side.
5. Speed: CPU time of the cleaning stage (no NLP) against trafilatura alone
   on the same pages, in the same run (best of ``repeat`` runs each).

Run with::

    newsdesk eval clean ../shared/data/readability
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura
from lxml import etree, html

from newsdesk.clean.html import blocks_of, extract_html, trafilatura_options
from newsdesk.clean.text import CleanSettings, clean_document, fit_templates, line_feature_rows, split_title
from newsdesk.clean.title import split_site_name
from newsdesk.errors import InputError, NewsdeskError
from newsdesk.evaluation.clean import SHINGLE_SIZE, best_time, shingle_counts, shingle_metrics, shingles
from newsdesk.model import Article, RawDocument

#: Pages of the Readability test set that are articles of news outlets or news magazines (the rest are docs,
#: blogs, recipes, fiction, encyclopaedia pages and synthetic edge cases). A fixed list: the split is part of
#: the benchmark's definition, read from each page's outlet.
NEWS_PAGES = frozenset(
    {
        "aktualne", "ars-1", "article-author-tag", "bbc-1", "breitbart", "bug-1255978", "buzzfeed-1", "citylab-1",
        "cnet", "cnet-svg-classes", "cnn", "engadget", "folha", "gmw", "guardian-1", "heise", "herald-sun-1",
        "la-nacion", "lazy-image-2", "lemonde-1", "liberation-1", "lwn-1", "medicalnewstoday", "msn", "nytimes-1",
        "nytimes-2", "nytimes-3", "nytimes-4", "nytimes-5", "qq", "quanta-1", "salon-1", "schema-org-context-object",
        "seattletimes-1", "telegraph", "theverge", "tmz-1", "videos-1", "videos-2", "wapo-1", "wapo-2", "webmd-1",
        "wikia", "wordpress", "yahoo-1", "yahoo-2", "yahoo-3", "yahoo-4", "youth",
    }
)  # fmt: skip

HELD_OUT_EVERY = 4
"""Every 4th page folder (sorted by name, the 4th, 8th, ...) is held out from tuning."""

METADATA_FIELDS = ("title", "author", "date", "site")
#: Systems scored: newsdesk's cleaning stage, trafilatura alone, newsdesk's extraction step alone.
SYSTEMS = ("newsdesk", "trafilatura", "extractor")

# Elements whose text starts a new line in the reference text.
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table",
     "tr", "td", "th", "figure", "figcaption", "section", "article", "header", "footer", "aside", "br", "hr", "main",
     "nav", "details", "summary"}
)  # fmt: skip
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
_TOKEN = re.compile(r"\w+")
_BYLINE_PREFIX = re.compile(r"^\s*(by|par|por|von|di|written by|posted by)\s*:?\s+", re.IGNORECASE)


def is_held_out(index: int) -> bool:
    """Whether the page at ``index`` (0-based, folders sorted by name) is held out from tuning."""
    return index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1


@dataclass(slots=True)
class _Page:
    name: str
    source: RawDocument
    expected: str
    metadata: Mapping[str, Any]
    held_out: bool
    news: bool
    extracted: RawDocument | None = None
    trafilatura_text: str = ""
    extractor_text: str = ""
    article: Article | None = None
    problem: str | None = None
    counts: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    metadata_hits: dict[str, bool | None] = field(default_factory=dict)


def is_page_folder(path: Path) -> bool:
    """Whether ``path`` holds pages in the Readability layout (``[pages/]<name>/source.html``)."""
    if not path.is_dir():
        return False
    base = path / "pages" if (path / "pages").is_dir() else path
    return any((child / "source.html").is_file() and (child / "expected.html").is_file() for child in base.iterdir())


def reference_text(markup: str) -> str:
    """The visible text of a reference page, one line per block element."""
    if not markup.strip():
        return ""
    root = html.fromstring(markup)
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if not isinstance(element.tag, str) or element.tag in _INVISIBLE:
            if element.tail:
                parts.append(element.tail)
            return
        block = element.tag in _BLOCKS
        if block:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
        if block:
            parts.append("\n")
        if element.tail:
            parts.append(element.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)


def _fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def metadata_match(kind: str, predicted: str | None, expected: str | None) -> bool | None:
    """Whether a predicted metadata value agrees with the reference, or None when there is no reference value.

    Titles and site names must be equal after case, punctuation and whitespace are folded; a title also agrees
    when it is the reference without the site name the reference ends with ("Headline | Outlet", split as
    :func:`~newsdesk.clean.title.split_site_name` splits). An author agrees
    when the folded names are equal or one holds the other (reference bylines carry "By", dates, several
    names). A date agrees when the calendar days (``YYYY-MM-DD``) are equal.
    """
    if not expected or not expected.strip():
        return None
    if not predicted:
        return False
    if kind == "date":
        return predicted[:10] == expected.strip()[:10]
    gold, guess = _fold(expected), _fold(predicted)
    if kind == "title" and guess and gold.startswith(guess) and gold != guess:
        # newsdesk takes the site name off a title ("Headline | Outlet"); the reference keeps it.
        return (
            split_site_name(expected)[0].casefold() != expected.casefold()
            and _fold(split_site_name(expected)[0]) == guess
        )
    if kind == "author":
        gold, guess = _fold(_BYLINE_PREFIX.sub("", expected)), _fold(_BYLINE_PREFIX.sub("", predicted))
        return bool(guess) and (guess == gold or guess in gold or gold in guess)
    return bool(guess) and guess == gold


def _load(path: Path) -> list[_Page]:
    base = path / "pages" if (path / "pages").is_dir() else path
    folders = sorted(
        child for child in base.iterdir() if (child / "source.html").is_file() and (child / "expected.html").is_file()
    )
    pages = []
    for index, folder in enumerate(folders):
        source = folder / "source.html"
        meta_path = folder / "expected-metadata.json"
        metadata = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        pages.append(
            _Page(
                name=folder.name,
                source=RawDocument(
                    path=str(source), body=source.read_text(encoding="utf-8", errors="replace"), is_html=True
                ),
                expected=reference_text((folder / "expected.html").read_text(encoding="utf-8", errors="replace")),
                metadata=metadata,
                held_out=is_held_out(index),
                news=folder.name in NEWS_PAGES,
            )
        )
    return pages


#: Trafilatura alone: its own defaults but for comments (not the article's text; newsdesk leaves them out too)
#: and metadata (title, author, date and site are part of the job, as in newsdesk's cleaning stage).
TRAFILATURA_ALONE: dict[str, Any] = {"include_comments": False, "with_metadata": True}


def _trafilatura_alone(page: RawDocument, options: Mapping[str, Any] = TRAFILATURA_ALONE) -> str:
    """The text trafilatura extracts with ``options``, one paragraph per line, nothing removed."""
    document = trafilatura.bare_extraction(page.body, url=page.url, **options)
    if document is None or isinstance(document, dict) or document.body is None:
        return ""
    return "\n".join(text for _, text in blocks_of(document.body) if text)


def _clean_batch(pages: Sequence[RawDocument], settings: CleanSettings) -> list[Article | InputError]:
    """The cleaning stage as the pipeline runs it: extract every page, fit templates on the batch, clean."""
    extracted: list[RawDocument | InputError] = []
    for page in pages:
        try:
            extracted.append(extract_html(page))
        except InputError as error:
            extracted.append(error)
    memory = fit_templates([doc for doc in extracted if isinstance(doc, RawDocument)], settings)
    results: list[Article | InputError] = []
    for doc in extracted:
        if isinstance(doc, InputError):
            results.append(doc)
            continue
        try:
            results.append(clean_document(doc, settings, memory))
        except InputError as error:
            results.append(error)
    return results


def _subsets(pages: Sequence[_Page]) -> Iterator[tuple[str, list[_Page]]]:
    for part, keep in (("tuning", False), ("held_out", True)):
        chosen = [p for p in pages if p.held_out == keep]
        yield f"{part}/all", chosen
        yield f"{part}/news", [p for p in chosen if p.news]
    yield "all/all", list(pages)
    yield "all/news", [p for p in pages if p.news]


def _summary(pages: Sequence[_Page]) -> dict[str, Any]:
    result: dict[str, Any] = {"pages": len(pages)}
    for system in SYSTEMS:
        result[system] = shingle_metrics([p.counts[system] for p in pages])
    result["f1_gain"] = round(result["newsdesk"]["f1"] - result["trafilatura"]["f1"], 4)
    result["recall_gain"] = round(result["newsdesk"]["recall"] - result["trafilatura"]["recall"], 4)
    metadata: dict[str, Any] = {}
    for kind in METADATA_FIELDS:
        hits = [hit for p in pages if (hit := p.metadata_hits.get(kind)) is not None]
        metadata[kind] = {"accuracy": round(sum(hits) / len(hits), 4) if hits else None, "pages": len(hits)}
    result["metadata"] = metadata
    return result


def evaluate_pages(
    path: Path, *, settings: CleanSettings = CleanSettings(), repeat: int = 2, timing: bool = True
) -> dict[str, Any]:
    """Score newsdesk's HTML cleaning and trafilatura alone on a folder of reference pages.

    Args:
        path: A folder in the Readability test-page layout (see the module docstring).
        settings: Cleaner thresholds.
        repeat: Timing runs of each system; the least CPU time is kept.
        timing: Measure speed (the quality figures do not need it).

    Returns:
        ``{"path", "pages", "held_out_rule", "summary", "per_page", "problems", "speed"}``. ``summary`` maps
        ``"<part>/<pages>"`` (part: ``tuning``, ``held_out``, ``all``; pages: ``all``, ``news``) to shingle
        P/R/F1 of ``newsdesk``, ``trafilatura`` (alone) and ``extractor`` (newsdesk's extraction step alone), the
        F1 and recall difference of newsdesk against trafilatura, and metadata accuracy.

    Raises:
        NewsdeskError: The folder holds no pages in that layout.
    """
    if not is_page_folder(Path(path)):
        raise NewsdeskError(f"no pages with source.html and expected.html under {path}")
    pages = _load(Path(path))
    articles = _clean_batch([p.source for p in pages], settings)
    for page, outcome in zip(pages, articles, strict=True):
        page.trafilatura_text = _trafilatura_alone(page.source)
        page.extractor_text = _trafilatura_alone(page.source, trafilatura_options())
        if isinstance(outcome, InputError):
            page.problem = outcome.reason
            text, title, author, published, site = "", None, None, None, None
        else:
            page.article = outcome
            text = "\n".join(outcome.paragraphs)
            title, author, published, site = outcome.title, outcome.author, outcome.published, outcome.source
        page.counts = {
            "newsdesk": shingle_counts(page.expected, text),
            "trafilatura": shingle_counts(page.expected, page.trafilatura_text),
            "extractor": shingle_counts(page.expected, page.extractor_text),
        }
        meta = page.metadata
        page.metadata_hits = {
            "title": metadata_match("title", title, meta.get("title")),
            "author": metadata_match("author", author, meta.get("byline")),
            "date": metadata_match("date", published, meta.get("publishedTime")),
            "site": metadata_match("site", site, meta.get("siteName")),
        }
    result: dict[str, Any] = {
        "path": str(path),
        "pages": len(pages),
        "news_pages": sum(p.news for p in pages),
        "held_out_rule": f"every {HELD_OUT_EVERY}th folder in name order (index % {HELD_OUT_EVERY} == "
        f"{HELD_OUT_EVERY - 1})",
        "summary": {name: _summary(subset) for name, subset in _subsets(pages)},
        "per_page": [_page_row(p) for p in pages],
        "problems": {p.name: p.problem for p in pages if p.problem},
        "speed": _speed(pages, settings, repeat) if timing else None,
    }
    return result


def _page_row(page: _Page) -> dict[str, Any]:
    def f1(counts: tuple[float, float, float]) -> float:
        return shingle_metrics([counts])["f1"]

    article = page.article
    return {
        "page": page.name,
        "held_out": page.held_out,
        "news": page.news,
        "newsdesk": shingle_metrics([page.counts["newsdesk"]]),
        "trafilatura_f1": f1(page.counts["trafilatura"]),
        "removed": [{"text": r.text[:200], "reason": r.reason} for r in article.removed] if article else [],
        "metadata": {
            "title": article.title if article else None,
            "author": article.author if article else None,
            "date": article.published if article else None,
            "site": article.source if article else None,
        },
        "metadata_hits": page.metadata_hits,
        "problem": page.problem,
    }


def _speed(pages: Sequence[_Page], settings: CleanSettings, repeat: int) -> dict[str, float | None]:
    raws = [p.source for p in pages]

    def extract_only() -> None:
        for raw in raws:
            with contextlib.suppress(ValueError, TypeError, etree.LxmlError):
                trafilatura.bare_extraction(raw.body, url=raw.url, **TRAFILATURA_ALONE)

    # CPU time: the machine's cores are shared with other work.
    trafilatura_time = best_time(extract_only, repeat, time.process_time)
    stage_time = best_time(lambda: _clean_batch(raws, settings), repeat, time.process_time)
    return {
        "pages": len(raws),
        "trafilatura_seconds": round(trafilatura_time, 3),
        "clean_stage_seconds": round(stage_time, 3),
        "trafilatura_pages_per_s": round(len(raws) / trafilatura_time, 1) if trafilatura_time else None,
        "clean_stage_pages_per_s": round(len(raws) / stage_time, 1) if stage_time else None,
        "ratio": round(stage_time / trafilatura_time, 3) if trafilatura_time else None,
    }


def format_pages_report(result: Mapping[str, Any], *, worst: int = 10) -> str:
    """A terminal summary of :func:`evaluate_pages`: tuning and held-out side by side, then the worst pages."""
    lines = [
        f"pages: {result['path']} ({result['pages']} pages, {result['news_pages']} news; held out: "
        f"{result['held_out_rule']})",
        f"{'':14}{'tuning':>34}{'held out':>34}{'all':>34}",
    ]
    summary = result["summary"]
    for pages in ("all", "news"):
        parts = [summary[f"{part}/{pages}"] for part in ("tuning", "held_out", "all")]
        lines.append(f"{pages + ' pages':14}" + "".join(f"{str(s['pages']) + ' pages':>34}" for s in parts))
        for system in SYSTEMS:
            cells = [
                f"P {s[system]['precision']:.3f} R {s[system]['recall']:.3f} F1 {s[system]['f1']:.3f}" for s in parts
            ]
            lines.append(f"  {system:12}" + "".join(f"{c:>34}" for c in cells))
        lines.append(f"  {'difference':12}" + "".join(f"{_gain(s):>34}" for s in parts))
        for kind in METADATA_FIELDS:
            cells = []
            for s in parts:
                m = s["metadata"][kind]
                cells.append("n/a" if m["accuracy"] is None else f"{m['accuracy']:.3f} of {m['pages']}")
            lines.append(f"  {kind:12}" + "".join(f"{c:>34}" for c in cells))
    rows = sorted(result["per_page"], key=lambda r: r["newsdesk"]["f1"] - r["trafilatura_f1"])
    lines.append("pages where newsdesk loses most against trafilatura alone (F1 newsdesk / trafilatura):")
    for row in rows[:worst]:
        if row["newsdesk"]["f1"] >= row["trafilatura_f1"]:
            break
        tag = " (held out)" if row["held_out"] else ""
        lines.append(f"  {row['page']}{tag}: {row['newsdesk']['f1']:.3f} / {row['trafilatura_f1']:.3f}")
    for name, problem in result["problems"].items():
        lines.append(f"  problem {name}: {problem}")
    speed = result["speed"]
    if speed:
        lines.append(
            f"Speed on {speed['pages']} pages: cleaning stage {speed['clean_stage_seconds']} s "
            f"({speed['clean_stage_pages_per_s']} pages/s), trafilatura alone {speed['trafilatura_seconds']} s "
            f"({speed['trafilatura_pages_per_s']} pages/s): x{speed['ratio']}"
        )
    return "\n".join(lines)


def _gain(summary: Mapping[str, Any]) -> str:
    return f"F1 {summary['f1_gain']:+.3f} R {summary['recall_gain']:+.3f}"


# --- training rows for the line classifier ----------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class LinePage:
    """One page's extracted lines, with the classifier's features and whether the reference text holds them."""

    name: str
    expected: str
    held_out: bool
    news: bool
    texts: list[str]
    rows: list[list[float]]
    labels: list[int]
    """1: the line is not in the reference text (boilerplate), 0: body."""
    repeated: list[bool] = field(default_factory=list)


def in_reference(text: str, reference_tokens: str, reference_shingles: Counter[tuple[str, ...]]) -> bool:
    """Whether a line is part of the reference text: its words in order (short lines), or most of its 4-grams."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < SHINGLE_SIZE:
        return f" {' '.join(tokens)} " in reference_tokens
    own = shingles(text)
    return sum((own & reference_shingles).values()) >= 0.5 * sum(own.values())


def line_pages(path: Path, settings: CleanSettings = CleanSettings()) -> list[LinePage]:
    """Extract every reference page and label its lines against the reference text (for fitting the classifier).

    A line counts as repeated template when the template memory of the whole batch says so (the cleaner removes
    those whatever the classifier says).
    """
    pages = _load(Path(path))
    extracted: list[tuple[_Page, RawDocument]] = []
    for page in pages:
        with contextlib.suppress(InputError):
            extracted.append((page, extract_html(page.source)))
    memory = fit_templates([raw for _, raw in extracted], settings)
    result = []
    for page, raw in extracted:
        reference_tokens = f" {' '.join(_TOKEN.findall(page.expected))} "
        reference_shingles = shingles(page.expected)
        rows = line_feature_rows(raw, settings)
        source = raw.source or split_title(raw)[1]
        result.append(
            LinePage(
                name=page.name,
                expected=page.expected,
                held_out=page.held_out,
                news=page.news,
                texts=[unit.text for unit, _ in rows],
                rows=[values for _, values in rows],
                labels=[int(not in_reference(unit.text, reference_tokens, reference_shingles)) for unit, _ in rows],
                repeated=[memory.is_template(source, unit.text) for unit, _ in rows],
            )
        )
    return result
