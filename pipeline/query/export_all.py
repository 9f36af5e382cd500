"""`trustwatch export --all DIR`: every table and view as CSV and JSON Lines, and a README.

Each table is read once, row by row, and written to both files as it is read, so no table is
held in memory. The README describes each table's columns from `pipeline.query.columns`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline.errors import UsageError
from pipeline.export import exportable
from pipeline.query.columns import COLUMNS, describe

SUMMARY_COLUMNS = ("name", "type", "rows", "csv", "jsonl")


def export_all(db: sqlite_utils.Database, directory: str | Path) -> list[dict[str, Any]]:
    """Write NAME.csv and NAME.jsonl for every exportable table and view, and README.md."""
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise UsageError(f"export: {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    views = set(db.view_names())
    summary: list[dict[str, Any]] = []
    shapes: dict[str, list[str]] = {}
    for name in exportable(db):
        columns, n = _write(db, name, out)
        shapes[name] = columns
        summary.append(
            {
                "name": name,
                "type": "view" if name in views else "table",
                "rows": n,
                "csv": f"{name}.csv",
                "jsonl": f"{name}.jsonl",
            }
        )
    (out / "README.md").write_text(readme(summary, shapes), encoding="utf-8")
    return summary


def _write(db: sqlite_utils.Database, name: str, out: Path) -> tuple[list[str], int]:
    cursor = db.execute(f'SELECT * FROM "{name}"')
    columns = [d[0] for d in cursor.description]
    n = 0
    with (
        open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as csv_file,
        open(out / f"{name}.jsonl", "w", encoding="utf-8") as jsonl_file,
    ):
        writer = csv.writer(csv_file, lineterminator="\n")
        writer.writerow(columns)
        for row in cursor:
            writer.writerow(["" if value is None else value for value in row])
            record = dict(zip(columns, row, strict=True))
            jsonl_file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            n += 1
    return columns, n


def readme(summary: list[dict[str, Any]], shapes: dict[str, list[str]]) -> str:
    """The README.md of an export: what each file holds, column by column."""
    lines = [
        "# trustwatch export",
        "",
        "Every table and view of the store, each as CSV (`NAME.csv`, with a header row) and",
        "JSON Lines (`NAME.jsonl`, one object per row). Offsets (`start`, `end`, `sent_start`,",
        "`sent_end`, `cue_start`, `cue_end`) are character offsets into `documents.text`, end",
        "exclusive: `documents.text[start:end]` is the evidence. Empty CSV cells are NULL.",
        "",
        "| name | type | rows |",
        "|---|---|---|",
        *(f"| [{s['name']}](#{s['name']}) | {s['type']} | {s['rows']} |" for s in summary),
    ]
    for entry in summary:
        name = entry["name"]
        description = COLUMNS.get(name, {}).get("description", "")
        lines += ["", f"## {name}", "", f"{description} {entry['rows']} rows.".strip(), ""]
        lines += ["| column | description |", "|---|---|"]
        lines += [f"| `{c}` | {describe(name, c)} |" for c in shapes[name]]
    return "\n".join(lines) + "\n"
