"""`trustwatch export`: stream a table or view out of the store, row by row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import sqlite_utils

from pipeline.errors import UsageError
from pipeline.output import write_rows

EXPORT_FORMATS = ("jsonl", "csv", "json")


def exportable(db: sqlite_utils.Database) -> list[str]:
    """Tables and views a user may export (not FTS shadow tables or internal bookkeeping)."""
    internal = {"doc_minhash", "lsh_bands", "schema_migrations", "cache_keys", "recurring_cache"}
    names = [
        name
        for name in [*db.table_names(), *db.view_names()]
        if not name.startswith("documents_fts") and name not in internal
    ]
    return sorted(names)


def export_table(db: sqlite_utils.Database, name: str, fmt: str, out: IO[str]) -> int:
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"export: unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    names = exportable(db)
    if name not in names:
        raise UsageError(f"export: no table or view {name!r}; choose from {', '.join(names)}")
    cursor = db.execute(f'SELECT * FROM "{name}"')
    columns = [d[0] for d in cursor.description]

    def rows() -> Iterator[dict[str, Any]]:
        for row in cursor:
            yield dict(zip(columns, row, strict=True))

    return write_rows(rows(), columns, fmt, out=out)
