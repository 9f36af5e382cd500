"""The `trustwatch` command line: thin wrappers that parse options and call `pipeline/`.

Errors raised by `pipeline/` are caught here and turned into a one-line message and an exit
code: 0 success, 1 rejected input or missing store, 2 usage errors.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from pipeline.errors import InputRejected, TrustwatchError

app = typer.Typer(
    name="trustwatch",
    help="Turn news and official reports about NHS care failures into a queryable record.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, json, jsonl or csv.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many rows.")]


class State:
    db: Path = Path("trustwatch.db")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"trustwatch: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """Turn pipeline errors into a message and exit code at the CLI edge."""
    try:
        yield
    except TrustwatchError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        typer.echo(
            "trustwatch: interrupted; what was stored is kept, run again to finish", err=True
        )
        raise typer.Exit(130) from None


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise typer.BadParameter(
            f"{fmt!r} is not one of {', '.join(allowed)}", param_hint="--format"
        )
    return fmt


@app.callback()
def main(
    db: Annotated[
        Path,
        typer.Option(
            "--db",
            envvar="TRUSTWATCH_DB",
            help="The SQLite store (default trustwatch.db; env TRUSTWATCH_DB).",
        ),
    ] = Path("trustwatch.db"),
) -> None:
    """trustwatch: who failed, how they were rated, what was counted, what keeps recurring.

    Example: trustwatch --db corpus.db ingest corpus/
    """
    State.db = db


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files and folders (walked recursively).")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per transaction.")] = 64,
) -> None:
    """Store documents (text, Markdown, HTML, PDF, JSON Lines) with their extractions.

    Example: trustwatch ingest corpus/ ../reports/new-report.pdf
    """
    from pipeline.ingest import ingest as run_ingest
    from pipeline.progress import progress_for

    def on_reject(rejection: InputRejected) -> None:
        typer.echo(f"trustwatch: rejected {rejection.source}: {rejection.reason}", err=True)

    with reported():
        summary = run_ingest(
            State.db,
            paths,
            progress_for("ingest", quiet),
            on_reject=on_reject,
            batch_size=batch_size,
        )
    typer.echo(
        f"stored {summary.stored}, duplicates {summary.duplicates}, "
        f"near-duplicates {summary.near_duplicates}, rejected {summary.rejected}"
    )
    raise typer.Exit(summary.exit_code)


orgs_app = typer.Typer(help="Organisations: import official ODS codes.", no_args_is_help=True)
app.add_typer(orgs_app, name="orgs")


@orgs_app.command("import")
def orgs_import(
    trusts: Annotated[Path, typer.Argument(help="ODS trusts file (etr.csv).")],
    sites: Annotated[
        Path | None, typer.Argument(help="Sites: ODS ets.csv or NHS.UK Hospital.csv.")
    ] = None,
) -> None:
    """Load official organisation codes so every English trust resolves to its ODS code.

    Example: trustwatch orgs import etr.csv Hospital.csv && trustwatch reindex
    """
    from pipeline.orgs_import import import_ods

    with reported():
        summary = import_ods(State.db, trusts, sites)
    typer.echo(
        f"imported {summary.trusts} trusts ({summary.closed_trusts} closed) and "
        f"{summary.sites} sites ({summary.sites_with_parent} linked to a trust)"
    )
    if summary.stale_documents:
        typer.echo(
            f"{summary.stale_documents} stored documents are now stale: "
            "run `trustwatch reindex` to re-resolve their organisations"
        )


@app.command()
def reindex(
    all_documents: Annotated[
        bool, typer.Option("--all", help="Re-extract every document, not only stale ones.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per transaction.")] = 64,
) -> None:
    """Re-run extraction over stored documents whose rules, organisations or model changed.

    Resumable: a killed run continues where it stopped when run again.

    Example: trustwatch reindex --all
    """
    from pipeline.progress import progress_for
    from pipeline.reindex import reindex as run_reindex

    with reported():
        summary = run_reindex(
            State.db, progress_for("reindex", quiet), force=all_documents, batch_size=batch_size
        )
    typer.echo(
        f"reindexed {summary.reindexed}, up to date {summary.up_to_date} "
        f"(pipeline {summary.version})"
    )


@app.command()
def train(
    labels: Annotated[Path, typer.Option(help="Folder of labelled JSON Lines.")] = Path(
        "corpus/labels"
    ),
    models: Annotated[Path, typer.Option(help="Where the model and its card go.")] = Path("models"),
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option(help="Random seed (same data and seed, same model).")] = 13,
) -> None:
    """Train the sentence classifier of failure categories; writes model and model card.

    Example: trustwatch train --folds 5
    """
    from pipeline.classify.train import train as run_train

    with reported():
        card = run_train(labels, models, folds=folds, seed=seed)
    scores = card.get("cv", {})
    typer.echo(
        f"trained on {card.get('data', {}).get('n_sentences')} sentences; "
        f"cross-validated macro-F1 {scores.get('macro_f1')}; wrote {models}"
    )


@app.command()
def classify(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per transaction.")] = 64,
) -> None:
    """Re-score every stored document with the current model (after `trustwatch train`).

    Example: trustwatch classify
    """
    from pipeline.progress import progress_for
    from pipeline.reindex import reindex as run_reindex

    with reported():
        summary = run_reindex(
            State.db, progress_for("classify", quiet), force=True, batch_size=batch_size
        )
    typer.echo(f"classified {summary.reindexed} documents (pipeline {summary.version})")


@app.command()
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSON Lines files (docs/annotation.md).")],
    classifier: Annotated[
        bool, typer.Option("--classifier", help="Per-category scores, macro-F1 and kappa.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    show_errors: Annotated[
        bool, typer.Option("--errors", help="List misses per document.")
    ] = False,
) -> None:
    """Score extraction against gold annotations: precision, recall, F1 per extractor.

    Example: trustwatch evaluate corpus/gold/gold.jsonl --classifier
    """
    from pipeline.evaluate import evaluate_files, report_rows
    from pipeline.output import write_rows

    check_format(fmt, ("table", "json"))
    with reported():
        report = evaluate_files(gold)
    if fmt == "json":
        data = report.as_dict()
        if show_errors:
            data["errors"] = {k: v for k, v in report.errors.items() if v}
        typer.echo(json.dumps(data, indent=2))
        return
    columns = ("name", "precision", "recall", "f1", "tp", "fp", "fn")
    title = f"{report.n_documents} gold documents"
    write_rows(report_rows(report, by_category=classifier), columns, "table", title=title)
    if show_errors:
        for doc_id, errors in report.errors.items():
            for error in errors:
                typer.echo(f"{doc_id}: {json.dumps(error)}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='An FTS5 query: words, "phrases", AND/OR/NOT.')],
    org: Annotated[str | None, typer.Option(help="Only documents about this organisation.")] = None,
    category: Annotated[str | None, typer.Option(help="Only documents with this category.")] = None,
    limit: LimitOption = 20,
    fmt: FormatOption = "table",
) -> None:
    """Full-text search of the documents, best match first, with a highlighted snippet.

    Example: trustwatch search '"fetal monitoring" AND Dudley' --limit 5
    """
    from pipeline.output import FORMATS, write_rows
    from pipeline.search import SEARCH_COLUMNS
    from pipeline.search import search as run_search
    from pipeline.store import open_readonly

    check_format(fmt, FORMATS)
    with reported():
        db = open_readonly(State.db)
        org_id = _org_id(db, org) if org else None
        category = _category(category) if category else None
        rows = run_search(db, query, limit=limit, org_id=org_id, category=category)
        write_rows(rows, SEARCH_COLUMNS, fmt, title=f"search: {query}")


@app.command()
def recurring(
    org: Annotated[str | None, typer.Option(help="Name, alias or ODS code.")] = None,
    category: Annotated[str | None, typer.Option(help="A failure category key.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only evidence published on/after (ISO).")
    ] = None,
    min_documents: Annotated[int, typer.Option(min=1, help="At least this many stories.")] = 1,
    limit: LimitOption = 50,
    fmt: FormatOption = "table",
) -> None:
    """Failures that keep coming back: per organisation and category, with dates and documents.

    Example: trustwatch recurring --category escalation --since 2019-01-01
    """
    from pipeline.classify.recurrence import RECURRING_COLUMNS
    from pipeline.classify.recurrence import recurring as find_recurring
    from pipeline.output import FORMATS, write_rows
    from pipeline.store import open_readonly

    check_format(fmt, FORMATS)
    with reported():
        db = open_readonly(State.db)
        rows = find_recurring(
            db,
            org_id=_org_id(db, org) if org else None,
            category=category,
            since=since,
            min_documents=min_documents,
            limit=limit,
        )
        columns = RECURRING_COLUMNS if fmt != "table" else RECURRING_COLUMNS[1:8]
        write_rows(rows, columns, fmt, title="Recurring failures")


@app.command()
def stats(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Counts of what the store holds.

    Example: trustwatch stats --format json
    """
    from pipeline.stats import store_stats
    from pipeline.store import open_readonly

    check_format(fmt, ("table", "json"))
    with reported():
        figures = store_stats(open_readonly(State.db))
    if fmt == "json":
        typer.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    for key, value in figures.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
            typer.echo(f"{key:>20}: {inner}")
        else:
            typer.echo(f"{key:>20}: {value}")


@app.command()
def export(
    table: Annotated[
        str | None, typer.Argument(help="A table or view, e.g. counts, recurring.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or json.")] = "jsonl",
) -> None:
    """Write a table or view to stdout, streaming.

    Example: trustwatch export ratings --format csv > ratings.csv
    """
    from pipeline.export import EXPORT_FORMATS, export_table
    from pipeline.store import open_readonly

    check_format(fmt, EXPORT_FORMATS)
    if table is None:
        raise typer.BadParameter("name a table or view to export", param_hint="TABLE")
    with reported():
        export_table(open_readonly(State.db), table, fmt, sys.stdout)


def _org_id(db: Any, org: str) -> int:
    from pipeline.query.orgs import resolve_org

    return resolve_org(db, org)


def _category(category: str) -> str:
    from pipeline.classify.taxonomy import check_category

    return check_category(category)


if __name__ == "__main__":
    app()
