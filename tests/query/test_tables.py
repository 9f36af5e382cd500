"""Table views stay readable in an 80-column terminal: every column header whole."""

from __future__ import annotations

import io

import pytest
from rich.text import Text

from pipeline.output import write_rows
from pipeline.query import counts, organisations, ratings, themes
from pipeline.store import open_readonly


class Terminal(io.StringIO):
    """An 80-column terminal for `write_rows`."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("rows", "columns"),
    [
        (lambda db: themes.themes(db), themes.TABLE_COLUMNS["category"]),
        (lambda db: themes.themes(db, by="org"), themes.TABLE_COLUMNS["org"]),
        (lambda db: themes.themes(db, by="year"), themes.TABLE_COLUMNS["year"]),
        (lambda db: organisations.organisations(db), organisations.TABLE_COLUMNS),
        (lambda db: organisations.organisations(db, "rvv"), organisations.SEARCH_TABLE_COLUMNS),
        (lambda db: ratings.ratings(db), ratings.TABLE_COLUMNS),
        (lambda db: counts.counts(db), counts.TABLE_COLUMNS),
    ],
)
def test_fits_80_columns_with_whole_headers(store, monkeypatch, rows, columns):
    monkeypatch.setenv("COLUMNS", "80")
    out = Terminal()
    write_rows(rows(open_readonly(store)), columns, "table", out=out)
    lines = [Text.from_ansi(line).plain for line in out.getvalue().splitlines()]
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if columns[0] in line)
    assert all(column in header for column in columns)
