"""Write rows as a table (rich), JSON, JSON Lines or CSV, streaming where the format allows."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "jsonl", "csv")


def write_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    title: str | None = None,
    out: IO[str] | None = None,
) -> int:
    """Write `rows` (restricted to `columns`, in order) in `fmt`; returns the number written."""
    out = out or sys.stdout
    if fmt == "table":
        return _table(rows, columns, title, out)
    n = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
            n += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(_dumps({c: row.get(c) for c in columns}) + "\n")
            n += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            out.write(("\n" if n == 0 else ",\n") + _dumps({c: row.get(c) for c in columns}))
            n += 1
        out.write("\n]\n" if n else "]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return n


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def _table(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], title: str | None, out: IO[str]
) -> int:
    table = Table(title=title, show_lines=False, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    n = 0
    for row in rows:
        table.add_row(*("" if row.get(c) is None else _cell(row.get(c)) for c in columns))
        n += 1
    console = Console(file=out, width=_width(out), soft_wrap=False)
    if n:
        console.print(table)
    else:
        console.print("(no rows)")
    return n


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _width(out: IO[str]) -> int | None:
    return None if getattr(out, "isatty", lambda: False)() else 80
