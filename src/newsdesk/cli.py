"""The ``newsdesk`` command: a thin shell over the library.

Exit codes: 0 all inputs analysed; 1 some inputs were rejected (each is
reported on stderr with its reason); 2 the command could not run (bad usage,
unusable database, missing model).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk import __version__, monitor_cli
from newsdesk.errors import NewsdeskError
from newsdesk.model import Analysis, Problem
from newsdesk.report.markdown import escape_controls, one_line
from newsdesk.settings import Settings, load_settings
from newsdesk.web import cli as web_cli

if TYPE_CHECKING:
    from newsdesk.storage import Store

log = logging.getLogger("newsdesk")

DEFAULT_DB = "newsdesk.db"
DEMO_DB = "newsdesk-demo.db"
DEMO_REPORT = "newsdesk-demo-report.html"
FORMATS = ("json", "markdown", "html")


def _default_db() -> str:
    return os.environ.get("NEWSDESK_DB", DEFAULT_DB)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``newsdesk`` command."""
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Clean scraped news articles, find who said what, group them into stories and "
        "show where sources agree, contradict each other or update a figure.",
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    parser.add_argument("--config", type=Path, help="settings file (TOML); default ~/.config/newsdesk/config.toml")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    parser.add_argument("-q", "--quiet", action="store_true", help="only print errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze",
        help="ingest and analyse articles, print the result",
        description="Ingest PATHs (files, directories, - for stdin; .txt, .html, .jsonl, .warc(.gz), .opml; "
        "article or feed URLs) and print stories, entities, quotes and contradictions. "
        "Without --db nothing is written to disk.",
    )
    analyze.add_argument("paths", nargs="+", metavar="PATH")
    analyze.add_argument(
        "--db", help="database to add the articles to: SQLite file or postgresql:// URL (default: in memory only)"
    )
    analyze.add_argument("--format", choices=FORMATS, default="markdown", help="output format (default markdown)")
    analyze.add_argument("-o", "--output", type=Path, help="write the result to this file instead of stdout")

    ingest = commands.add_parser(
        "ingest",
        help="clean and store articles without analysing them",
        description="Read PATHs (files, directories, -, .warc(.gz) archives, .opml lists, article or RSS/Atom "
        "feed URLs), clean them and store them. Fetching is polite: robots.txt, per-host rate limit, timeouts.",
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument(
        "--db",
        default=None,
        help=f"database: SQLite file or postgresql:// URL (default ${{NEWSDESK_DB}} or {DEFAULT_DB})",
    )
    ingest.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: clean in this process; dask: clean and enrich partitioned on a Dask cluster, the workers "
        "writing to a postgresql:// --db (needs the dask extra; see docs/scale.md)",
    )
    ingest.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the Dask scheduler, e.g. tcp://HOST:8786 (default: a local cluster)",
    )
    ingest.add_argument(
        "--workers", type=int, default=2, help="with --engine dask and no --scheduler: local worker processes"
    )

    stories = commands.add_parser(
        "stories",
        help="list the stories of a database (analyses new articles first)",
        description="Analyse the stored articles that are in no story yet (each article is enriched once; only "
        "the stories they join are compared again), then list the stories, most contested first.",
    )
    stories.add_argument(
        "--db",
        default=None,
        help=f"database: SQLite file or postgresql:// URL (default ${{NEWSDESK_DB}} or {DEFAULT_DB})",
    )
    stories.add_argument("--format", choices=("text", "json"), default="text")
    update = stories.add_mutually_exclusive_group()
    update.add_argument(
        "--refresh",
        action="store_true",
        help="forget the stored analysis and analyse every article again (after a model or settings change)",
    )
    update.add_argument(
        "--stored",
        action="store_true",
        help="list the stored stories without analysing new articles (a warning counts those left out)",
    )

    story = commands.add_parser("story", help="show one story with its sources and contradictions")
    story.add_argument("story_id", metavar="ID")
    story.add_argument(
        "--db",
        default=None,
        help=f"database: SQLite file or postgresql:// URL (default ${{NEWSDESK_DB}} or {DEFAULT_DB})",
    )
    story.add_argument("--format", choices=FORMATS, default="markdown")
    story.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")

    evaluate = commands.add_parser(
        "eval",
        help="benchmarks: quality (precision/recall/F1) and speed against labelled data",
        description="Score a stage against labelled data. Data paths are arguments: nothing is bundled.",
    )
    evals = evaluate.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    ev_clean = evals.add_parser("clean", help="boilerplate lines (gold.json format) and HTML body shingles")
    ev_clean.add_argument("path", type=Path, help="a gold.json file or a folder holding one")
    ev_clean.add_argument("--docs", type=Path, help="folder of the documents when not beside gold.json")
    ev_clean.add_argument(
        "--leave-one-template-out",
        action="store_true",
        help="also score each outlet template with nothing learned from it",
    )
    ev_attr = evals.add_parser("attribution", help="PolNeAR-format quotes: content-span F1 and source accuracy")
    ev_attr.add_argument("path", type=Path, help="folder of .txt + BRAT .ann files (e.g. polnear/dev)")
    ev_attr.add_argument("--limit", type=int, help="only the first N documents")
    ev_ent = evals.add_parser(
        "entities", help="canonical entities (variants, types) and quote speakers against a gold.json annotation"
    )
    ev_ent.add_argument("path", type=Path, help="gold.json")
    ev_ent.add_argument("--docs", type=Path, help="folder of the documents when not beside gold.json")
    ev_ent.add_argument(
        "--entities-only",
        action="store_true",
        help="enrich and merge entities only, without stories and comparison (the same entities, minutes sooner)",
    )
    ev_st = evals.add_parser("stories", help="BCubed and pairwise F1 of story grouping, with peer baselines")
    ev_st.add_argument("path", type=Path, help="FNC-1 folder (train_bodies.csv, stories_train.json) or gold.json")
    ev_st.add_argument("--docs", type=Path, help="folder of the documents for a gold.json corpus")
    ev_st.add_argument("--split", choices=("holdout", "tuning", "all"), default="holdout")
    ev_st.add_argument("--no-peers", action="store_true", help="skip the peer baselines")
    ev_st.add_argument(
        "--embedding-weight",
        type=float,
        default=None,
        help="also group with title + lead embeddings at this share (tuned: 0.4) and report both",
    )
    ev_cross = evals.add_parser("crosslingual", help="foreign-language articles joining the story of their event")
    ev_cross.add_argument("path", type=Path, help="multilingual gold.json (e.g. tests/data/multilingual/gold.json)")
    ev_cross.add_argument("--docs", type=Path, help="folder of the English documents it refers to")
    ev_stance = evals.add_parser("stance", help="FNC-1 stance: relative score, macro-F1, per-class F1")
    ev_stance.add_argument("path", type=Path, help="FNC-1 folder")
    ev_stance.add_argument("--split", choices=("holdout", "train"), default="holdout")
    ev_con = evals.add_parser("contradictions", help="contradictions, updates, agreements against gold.json")
    ev_con.add_argument("path", type=Path, help="gold.json")
    ev_con.add_argument("--docs", type=Path, help="folder of the documents when not beside gold.json")
    ev_con.add_argument(
        "--funnel",
        action="store_true",
        help="also say where each annotated contradiction not found was lost (no claim, another story, not a "
        "candidate, not read within the pair budget, not labelled); embeds every claim once more",
    )
    ev_speed = evals.add_parser("speed", help="articles/s of the enrich stage on ~500-word articles, vs spaCy alone")
    ev_speed.add_argument("path", type=Path, help="FNC-1 folder or a folder of .txt files")
    ev_speed.add_argument("--limit", type=int, default=200, help="number of articles (default 200)")
    ev_speed.add_argument("--processes", type=int, default=2, help="spaCy worker processes (default 2)")
    ev_pairs = evals.add_parser(
        "pairs", help="claim-pair model: Emergent test claims vs a TF-IDF baseline, NLI reference sets, pairs/s"
    )
    ev_pairs.add_argument("path", type=Path, help="shared data folder holding emergent/ and nli/")
    ev_pairs.add_argument(
        "--limit", type=int, default=1000, help="pairs per reference set and seen split (default 1000; 0 for all)"
    )
    ev_pairs.add_argument("--resamples", type=int, default=1000, help="bootstrap samples over claims (default 1000)")
    ev_pairs.add_argument("--threads", type=int, default=2, help="onnxruntime threads of the model (default 2)")
    ev_pairs.add_argument(
        "--model",
        choices=("aligned", "cross"),
        default="aligned",
        help="pair model: aligned (comparison's default) or cross (the cross-encoder)",
    )
    ev_cspeed = evals.add_parser(
        "compare-speed", help="claim comparison on every gold story of FNC-1 bodies: pairs/s, s per story of ~50"
    )
    ev_cspeed.add_argument("path", type=Path, help="FNC-1 folder (train_bodies.csv, stories_train.json)")
    ev_cspeed.add_argument("--limit", type=int, default=1000, help="number of bodies (default 1000)")
    ev_cspeed.add_argument("--processes", type=int, default=2, help="spaCy worker processes (default 2)")
    ev_scale = evals.add_parser(
        "scale",
        help="end to end at growing store sizes vs spaCy alone, an incremental update, peak memory, web latency",
    )
    ev_scale.add_argument("path", type=Path, help="shared data folder holding fnc1/ and polnear/")
    ev_scale.add_argument(
        "--sizes", type=_sizes, default=None, help="store sizes in articles, comma-separated (default 1000,10000)"
    )
    ev_scale.add_argument(
        "--spacy-sample", type=int, default=None, metavar="K", help="time spaCy alone on K texts per size and scale up"
    )
    ev_scale.add_argument("--processes", type=int, default=2, help="enrich and spaCy worker processes (default 2)")
    ev_scale.add_argument("--new", type=int, default=100, help="articles added to the largest store (default 100)")
    ev_scale.add_argument("--clients", type=int, default=8, help="concurrent web clients (default 8)")
    ev_scale.add_argument("--requests", type=int, default=200, help="web requests per page kind (default 200)")
    ev_scale.add_argument("--no-web", action="store_true", help="skip the web measurement")
    ev_scale.add_argument(
        "--workdir", type=Path, help="keep the corpus files, stores and the figures so far here (default: temporary)"
    )
    for sub in (ev_clean, ev_attr, ev_ent, ev_st, ev_cross, ev_stance, ev_con, ev_speed, ev_pairs, ev_cspeed, ev_scale):
        sub.add_argument("--json", action="store_true", help="print the full result as JSON")

    demo = commands.add_parser(
        "demo", help="analyse the bundled sample corpus into an SQLite file and write an HTML report"
    )
    demo.add_argument("--db", default=DEMO_DB, help=f"database: SQLite file or postgresql:// URL (default {DEMO_DB})")
    demo.add_argument("-o", "--output", type=Path, default=Path(DEMO_REPORT), help="HTML report path")
    monitor_cli.add_commands(commands)
    web_cli.add_commands(commands)
    return parser


def _sizes(text: str) -> tuple[int, ...]:
    """``--sizes 1000,10000`` as numbers (argparse reports a bad value as a usage error)."""
    from newsdesk.evaluation.scale import parse_sizes

    try:
        return parse_sizes(text)
    except NewsdeskError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@contextmanager
def _progress(total: int | None, label: str, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A tqdm bar on a terminal; nothing when piped or quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit="article", leave=False) as bar:
        yield bar.update


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        log.info("wrote %s", output)


def _render(analysis: Analysis, fmt: str) -> str:
    if fmt == "json":
        from newsdesk.report.json import render_json

        return render_json(analysis)
    if fmt == "html":
        from newsdesk.report.html import render_html

        return render_html(analysis)
    from newsdesk.report.markdown import render_markdown

    return render_markdown(analysis)


def _report_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"newsdesk: skipped {escape_controls(problem.path)}: {escape_controls(problem.reason)}", file=sys.stderr)
    if problems:
        print(f"newsdesk: {len(problems)} input(s) rejected", file=sys.stderr)


def _to_enrich(store: Store) -> int:
    """Articles without saved enrichment: the length of the progress bar of an analysis."""
    from newsdesk.pipeline import analysis_status

    status = analysis_status(store)
    return status.articles - status.enriched


def _warn_pending(store: Store, quiet: bool) -> None:
    """Say on stderr when stored articles are in no story yet (the stories shown leave them out)."""
    from newsdesk.pipeline import analysis_status

    pending = analysis_status(store).pending
    if pending and not quiet:
        print(
            f"newsdesk: warning: {pending} stored article(s) are not analysed yet and are in no story; "
            "run `newsdesk stories` to analyse them",
            file=sys.stderr,
        )


def _cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.pipeline import analyze_store, ingest
    from newsdesk.storage import open_store

    with open_store(args.db) as store:
        report = ingest(args.paths, store, settings, command="analyze")
        with _progress(_to_enrich(store), "analysing", args.quiet) as progress:
            analysis = analyze_store(store, settings, progress=progress)
    analysis.problems = report.problems
    _emit(_render(analysis, args.format), args.output)
    _report_problems(report.problems)
    return 1 if report.problems else 0


def _cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.pipeline import analysis_status, ingest
    from newsdesk.storage import open_store

    if args.engine == "dask":
        return _ingest_on_cluster(args, settings)
    if args.scheduler:
        raise NewsdeskError("--scheduler is for --engine dask; add --engine dask or leave --scheduler out.")
    with open_store(args.db or _default_db()) as store:
        report = ingest(args.paths, store, settings)
        pending = analysis_status(store).pending
    if not args.quiet:
        print(f"{len(report.articles)} article(s) read, {len(report.added)} new, {len(report.problems)} rejected")
        if pending:
            print(f"{pending} article(s) not analysed yet: `newsdesk stories` analyses them")
    _report_problems(report.problems)
    return 1 if report.problems else 0


def _ingest_on_cluster(args: argparse.Namespace, settings: Settings) -> int:
    try:
        from newsdesk.cluster import ingest_on_cluster
    except ImportError as exc:
        raise NewsdeskError(f"--engine dask needs Dask: pip install 'newsdesk[dask]' ({exc}).") from exc
    from newsdesk.pipeline import analysis_status
    from newsdesk.storage import open_store

    # Dask logs its cluster's comings and goings at INFO and WARNING; the run's own summary is printed below.
    logging.getLogger("distributed").setLevel(logging.DEBUG if args.verbose else logging.ERROR)
    db = args.db or _default_db()
    report = ingest_on_cluster(args.paths, db, settings, scheduler=args.scheduler, workers=args.workers)
    with open_store(db) as store:
        pending = analysis_status(store).pending
    if not args.quiet:
        print(
            f"{report.articles} article(s) read, {len(report.added)} new, {report.enriched} enriched, "
            f"{len(report.problems)} rejected ({report.partitions} partitions on {report.workers} workers, "
            f"{report.seconds['total']:.1f} s)"
        )
        if pending:
            print(f"{pending} article(s) in no story yet: `newsdesk stories` groups and compares them")
    _report_problems(report.problems)
    return 1 if report.problems else 0


def _cmd_stories(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.pipeline import analysis_status, load_analysis, update_store
    from newsdesk.storage import open_store

    with open_store(args.db or _default_db()) as store:
        if args.refresh:
            store.save_analysis(entities=[], quotes=[], claims=[], stories=[])
        if args.stored:
            _warn_pending(store, args.quiet)
        elif analysis_status(store).pending:
            with _progress(_to_enrich(store), "analysing", args.quiet) as progress:
                update_store(store, settings, progress=progress)
        analysis = load_analysis(store)
    if args.format == "json":
        from newsdesk.report.json import dumps, to_dict

        print(dumps(to_dict(analysis)["stories"]))
        return 0
    from newsdesk.report.markdown import ranked_stories

    for story in ranked_stories(analysis):
        n = len(story.contradictions)
        columns = f"{len(story.articles):>3} article(s)  {n:>2} contradiction(s)  {len(story.disputes):>2} dispute(s)"
        print(f"{story.id}  {columns}  {one_line(story.title)}")
    return 0


def _cmd_story(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.pipeline import load_analysis
    from newsdesk.storage import open_store

    with open_store(args.db or _default_db()) as store:
        analysis = load_analysis(store, args.story_id)
        _warn_pending(store, args.quiet)
    _emit(_render(analysis, args.format), args.output)
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.pipeline import analyze_store, ingest
    from newsdesk.report.html import render_html
    from newsdesk.report.markdown import render_summary
    from newsdesk.storage import is_postgres_url, open_store, redact_url

    sample = resources.files("newsdesk.data") / "sample"
    with resources.as_file(sample) as folder, open_store(args.db) as store:
        report = ingest([str(folder)], store, settings, command="demo")
        with _progress(_to_enrich(store), "analysing", args.quiet) as progress:
            analysis = analyze_store(store, settings, progress=progress)
    analysis.problems = report.problems
    _emit(render_html(analysis, title="newsdesk demo: sample corpus"), args.output)
    print(render_summary(analysis))
    print(f"\nDatabase: {redact_url(args.db) if is_postgres_url(args.db) else Path(args.db).resolve()}")
    print(f"HTML report: {args.output.resolve()}")
    _report_problems(report.problems)
    return 1 if report.problems else 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from newsdesk import evaluation

    result, text = evaluation.run(args.benchmark, vars(args))
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str) if args.json else text)
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "eval": _cmd_eval,
    "analyze": _cmd_analyze,
    "ingest": _cmd_ingest,
    "stories": _cmd_stories,
    "story": _cmd_story,
    "demo": _cmd_demo,
    "watch": monitor_cli.run,
    "serve": web_cli.run,
    "report": web_cli.run,
}


class _EscapingFormatter(logging.Formatter):
    """Log lines with control characters escaped: input named in a message cannot forge lines or run escapes."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return escape_controls(super().formatMessage(record))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``newsdesk`` command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.WARNING
    handler = logging.StreamHandler()
    handler.setFormatter(_EscapingFormatter("newsdesk: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    # Problems are printed once by the CLI; the library's per-input warnings would repeat them.
    logging.getLogger("newsdesk.pipeline").setLevel(max(level, logging.ERROR))
    # The extractor warns "discarding data: None" when a page holds no main text it accepts; the cleaner then
    # reads the page itself, and reports the input when that fails too.
    logging.getLogger("trafilatura").setLevel(logging.DEBUG if args.verbose else logging.ERROR)
    try:
        settings = load_settings(args.config)
        return _COMMANDS[args.command](args, settings)
    except NewsdeskError as exc:
        print(f"newsdesk: error: {escape_controls(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`newsdesk stories | head`): not an error. Python would still complain when it
        # flushes stdout at exit, so stdout is pointed at nothing first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
