"""The `trustwatch` command line: thin wrappers that parse options and call `pipeline/`.

Errors raised by `pipeline/` are caught here and turned into a one-line message and an exit
code: 0 success, 1 rejected input or missing store, 2 usage errors.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import InputRejected, TrustwatchError

app = typer.Typer(
    name="trustwatch",
    help="Turn news and official reports about NHS care failures into a queryable record.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

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


orgs_app = typer.Typer(
    help="Organisations: list and search them; import official ODS codes.\n\n"
    "Example: trustwatch orgs --search dudley",
    invoke_without_command=True,
)
app.add_typer(orgs_app, name="orgs")
SearchOption = Annotated[
    str | None, typer.Option("--search", "-s", help="Fuzzy look-up: name, alias or ODS code.")
]
KindOption = Annotated[
    str | None, typer.Option(help="trust, hospital, health_board, commissioner, regulator, other.")
]


@orgs_app.callback()
def orgs(
    ctx: typer.Context,
    search: SearchOption = None,
    kind: KindOption = None,
    limit: LimitOption = 50,
    fmt: FormatOption = "table",
) -> None:
    """Organisations with how many documents name them; --search finds one by name or code.

    Example: trustwatch orgs --search dudley
    """
    if ctx.invoked_subcommand is None:
        _list_orgs(search, kind, limit, fmt)


@orgs_app.command("list")
def orgs_list(
    search: SearchOption = None,
    kind: KindOption = None,
    limit: LimitOption = 50,
    fmt: FormatOption = "table",
) -> None:
    """Organisations, most documents first (the same as `trustwatch orgs`).

    Example: trustwatch orgs list --kind trust --limit 20
    """
    _list_orgs(search, kind, limit, fmt)


def _list_orgs(search: str | None, kind: str | None, limit: int, fmt: str) -> None:
    from pipeline.output import FORMATS, write_rows
    from pipeline.query import organisations as query
    from pipeline.store import open_readonly

    check_format(fmt, FORMATS)
    with reported():
        rows = query.organisations(open_readonly(State.db), search=search, kind=kind, limit=limit)
        table = query.SEARCH_TABLE_COLUMNS if search else query.TABLE_COLUMNS
        title = f"organisations matching {search!r}" if search else "organisations"
        write_rows(rows, table if fmt == "table" else query.COLUMNS, fmt, title=title)


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
    seed: Annotated[
        int | None,
        typer.Option(help="Random seed (default: the shipped model's; same data, same model)."),
    ] = None,
) -> None:
    """Train the sentence classifier of failure categories; writes model and model card.

    Example: trustwatch train --folds 5
    """
    from pipeline.classify.train import train as run_train

    with reported():
        card = (
            run_train(labels, models, folds=folds)
            if seed is None
            else run_train(labels, models, folds=folds, seed=seed)
        )
    by_source = ", ".join(
        f"{source} {part['macro']['f1']} on {part['sentences']}"
        for source, part in card["cv"]["by_source"].items()
    )
    typer.echo(
        f"trained on {card['data']['sentences']} sentences; cross-validated macro-F1 "
        f"{card['cv']['macro']['f1']} ({by_source}; {card['cv']['folds']} folds, whole groups "
        f"held out); wrote {models}"
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
        table_view = ("organisation", "category", "n_documents", "first_date", "last_date")
        columns = RECURRING_COLUMNS if fmt != "table" else table_view
        write_rows(rows, columns, fmt, title="Recurring failures")


OrgOption = Annotated[str | None, typer.Option(help="Name, alias or ODS code.")]
SinceOption = Annotated[
    str | None, typer.Option(help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
]
UntilOption = Annotated[
    str | None, typer.Option(help="Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).")
]


@app.command()
def themes(
    org: OrgOption = None,
    category: Annotated[str | None, typer.Option(help="A failure category key.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    kind: Annotated[str | None, typer.Option(help="Document kind, e.g. news.")] = None,
    by: Annotated[str, typer.Option(help="Rows per category, org or year.")] = "category",
    limit: LimitOption = 100,
    fmt: FormatOption = "table",
) -> None:
    """Failures found: stories and organisations per category, organisation or year.

    Example: trustwatch themes --category escalation --since 2019 --by org
    """
    from pipeline.output import FORMATS, write_rows
    from pipeline.query import themes as query
    from pipeline.store import open_readonly

    check_format(fmt, FORMATS)
    with reported():
        db = open_readonly(State.db)
        rows = query.themes(
            db,
            org_id=_org_id(db, org) if org else None,
            category=_category(category) if category else None,
            since=since,
            until=until,
            kind=kind,
            by=by,
            limit=limit,
        )
        columns = query.TABLE_COLUMNS[by] if fmt == "table" else query.COLUMNS[by]
        write_rows(rows, columns, fmt, title=query.TITLES[by])


@app.command()
def ratings(
    org: Annotated[str | None, typer.Argument(help="Name, alias or ODS code.")] = None,
    service: Annotated[str | None, typer.Option(help="Part of a service name.")] = None,
    domain: Annotated[str | None, typer.Option(help="overall, safe, ..., well-led.")] = None,
    rating: Annotated[str | None, typer.Option(help="e.g. inadequate.")] = None,
    since: Annotated[str | None, typer.Option(help="From this year (YYYY).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this year (YYYY).")] = None,
    limit: LimitOption = 100,
    fmt: FormatOption = "table",
) -> None:
    """How CQC ratings moved: timeline per service and domain, with the evidence sentence.

    Example: trustwatch ratings "Nottingham University Hospitals" --service maternity
    """
    from pipeline.output import FORMATS, write_rows
    from pipeline.query import ratings as query
    from pipeline.store import open_readonly

    check_format(fmt, FORMATS)
    with reported():
        db = open_readonly(State.db)
        rows = query.ratings(
            db,
            org_id=_org_id(db, org) if org else None,
            service=service,
            domain=domain,
            rating=rating,
            since=since,
            until=until,
            limit=limit,
        )
        columns = query.TABLE_COLUMNS if fmt == "table" else query.COLUMNS
        write_rows(rows, columns, fmt, title=f"Ratings: {org}" if org else "Ratings")


@app.command()
def counts(
    org: Annotated[str | None, typer.Option(help="Documents about it (name, alias, code).")] = None,
    what: Annotated[str | None, typer.Option(help="What is counted, e.g. death.")] = None,
    category: Annotated[str | None, typer.Option(help="death, harm, staff, money, ...")] = None,
    min_value: Annotated[float | None, typer.Option(help="At least this value.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    sort: Annotated[str, typer.Option(help="date (newest first) or value.")] = "date",
    limit: LimitOption = 50,
    fmt: FormatOption = "table",
) -> None:
    """Figures reported (deaths, harms, staff, money), each with its sentence and document.

    Example: trustwatch counts --org "East Kent" --category death
    """
    from pipeline.output import FORMATS, write_rows
    from pipeline.query import counts as query
    from pipeline.store import open_readonly

    check_format(fmt, FORMATS)
    with reported():
        db = open_readonly(State.db)
        rows = query.counts(
            db,
            org_id=_org_id(db, org) if org else None,
            what=what,
            category=category,
            min_value=min_value,
            since=since,
            until=until,
            sort=sort,
            limit=limit,
        )
        columns = query.TABLE_COLUMNS if fmt == "table" else query.COLUMNS
        write_rows(rows, columns, fmt, title="Counts")


@app.command()
def show(
    doc: Annotated[str, typer.Argument(help="Document id, unique id prefix, or source.")],
    text: Annotated[bool, typer.Option("--text/--no-text", help="Print the text.")] = True,
    fmt: FormatOption = "table",
) -> None:
    """One document with every extraction highlighted; json gives it all as data.

    Example: trustwatch show 3f9a2c --no-text
    """
    from rich.console import Console

    from pipeline.output import FORMATS, write_rows
    from pipeline.query import show as query
    from pipeline.store import open_readonly

    check_format(fmt, FORMATS)
    with reported():
        data = query.show(open_readonly(State.db), doc)
    if fmt == "json":
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "table":
        width = None if sys.stdout.isatty() else 100
        query.render(data, Console(width=width, soft_wrap=False), with_text=text)
    else:
        write_rows(query.facts(data), query.FACT_COLUMNS, fmt)


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
    all_to: Annotated[
        Path | None,
        typer.Option("--all", help="Every table and view as CSV and JSON Lines into this folder."),
    ] = None,
) -> None:
    """Write a table or view to stdout, streaming; --all DIR writes them all, with a README.

    Example: trustwatch export ratings --format csv > ratings.csv

    Example: trustwatch export --all exports/
    """
    from pipeline.export import EXPORT_FORMATS, export_table
    from pipeline.store import open_readonly

    check_format(fmt, EXPORT_FORMATS)
    if all_to is not None:
        if table is not None:
            raise typer.BadParameter("give a table or --all, not both", param_hint="TABLE")
        _export_all(all_to)
        return
    if table is None:
        raise typer.BadParameter("name a table or view to export", param_hint="TABLE")
    with reported():
        export_table(open_readonly(State.db), table, fmt, sys.stdout)


def _export_all(directory: Path) -> None:
    from pipeline.output import write_rows
    from pipeline.query.export_all import export_all
    from pipeline.store import open_readonly

    with reported():
        summary = export_all(open_readonly(State.db), directory)
    write_rows(summary, ("name", "type", "rows"), "table", title=f"Exported to {directory}")
    typer.echo(f"wrote {len(summary)} tables and views (CSV, JSON Lines) and README.md")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8001,
) -> None:
    """Browse the store in Datasette, read-only, with facets and canned queries (web extra).

    Example: trustwatch --db corpus.db serve --port 8001
    """
    from pipeline.web import serve as run_serve

    def announce(url: str) -> None:
        typer.echo(f"serving {State.db} read-only at {url} (Ctrl-C to stop)")

    with reported():
        run_serve(State.db, host=host, port=port, announce=announce)


def _org_id(db: Any, org: str) -> int:
    from pipeline.query.orgs import resolve_org

    return resolve_org(db, org)


def _category(category: str) -> str:
    from pipeline.classify.taxonomy import check_category

    return check_category(category)


if __name__ == "__main__":
    app()
