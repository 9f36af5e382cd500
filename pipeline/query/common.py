"""Helpers shared by the query modules: rows as dicts, organisation scopes, evidence sentences.

Queries return plain lists of dicts so the CLI, notebooks and tests see the same data; every
row points back at its evidence with `doc_id` and character offsets into `documents.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from pipeline.errors import UsageError

WINDOW = 600  # characters read either side of a span when looking for its sentence
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n")


def fetch(db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Run `sql` and return its rows as dicts keyed by column name."""
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def org_scope(db: sqlite_utils.Database, org_id: int) -> list[int]:
    """The organisation and its sites (organisations whose parent it is)."""
    children = db.execute("SELECT id FROM organisations WHERE parent_id = ?", [org_id]).fetchall()
    return [org_id, *(int(row[0]) for row in children)]


def in_list(column: str, values: Sequence[Any]) -> str:
    """`column IN (?, ?, …)` with one placeholder per value."""
    return f"{column} IN ({', '.join('?' for _ in values)})"


def check_choice(name: str, value: str, allowed: Sequence[str], plural: str = "") -> str:
    """`value` if it is one of `allowed`; otherwise a usage error naming the valid values."""
    if value in allowed:
        return value
    raise UsageError(
        f"unknown {name} {value!r}; valid {plural or name + 's'}: {', '.join(allowed)}"
    )


def check_date(name: str, value: str | None) -> str | None:
    """An ISO date prefix (YYYY, YYYY-MM or YYYY-MM-DD) for comparing with `published`."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise UsageError(f"{name}: {value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def until_bound(until: str) -> str:
    """An upper bound that keeps every `published` value within the `until` date or period.

    `published` holds YYYY, YYYY-MM or YYYY-MM-DD; `until 2020` must keep 2020-12-31, so the
    bound is the prefix followed by a character that sorts after any date character.
    """
    return until + "~"


def sentence_bounds(text: str, offset: int, start: int, end: int) -> tuple[int, int]:
    """The sentence around `start`..`end` within `text`, a window that begins at `offset`.

    Cheap and store-free: the span from the last sentence end (". ", "! ", "? " or a line
    break) before `start` to the next one at or after `end`. Returns document offsets.
    """
    local_start, local_end = start - offset, end - offset
    begin = 0
    for match in _SENT_END.finditer(text, 0, max(local_start, 0)):
        begin = match.end()
    stop = len(text)
    after = _SENT_END.search(text, max(local_end, local_start, 0))
    if after is not None:
        stop = after.start() + len(after.group().rstrip())
    while begin < stop and text[begin].isspace():
        begin += 1
    return offset + begin, offset + stop


def add_sentences(
    db: sqlite_utils.Database,
    rows: Iterable[dict[str, Any]],
    start_key: str = "start",
    end_key: str = "end",
) -> None:
    """Set `evidence_start`, `evidence_end` and `evidence` (the sentence) on each row.

    Reads only a window of each document's text, one primary-key look-up per row, so it is
    meant for the (limited) rows a query returns, not for whole tables.
    """
    for row in rows:
        start, end = row.get(start_key), row.get(end_key)
        if start is None or end is None:
            row.update(evidence_start=None, evidence_end=None, evidence=None)
            continue
        offset = max(0, int(start) - WINDOW)
        found = db.execute(
            "SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
            [offset + 1, int(end) - offset + WINDOW, row["doc_id"]],
        ).fetchone()
        window = found[0] if found and found[0] else ""
        sent_start, sent_end = sentence_bounds(window, offset, int(start), int(end))
        row["evidence_start"] = sent_start
        row["evidence_end"] = sent_end
        row["evidence"] = window[sent_start - offset : sent_end - offset]


def add_span_evidence(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> None:
    """Set `title` and `evidence` (the text of `start`..`end`) on each row with a `doc_id`.

    For spans that already are sentences (themes, assigned categories); one primary-key
    look-up per row, for the rows a query returns.
    """
    for row in rows:
        start, end = row.get("start"), row.get("end")
        if row.get("doc_id") is None:
            row.update(title=None, evidence=None)
            continue
        found = db.execute(
            "SELECT title, substr(text, ?, ?) FROM documents WHERE id = ?",
            [
                (start or 0) + 1,
                0 if start is None or end is None else int(end) - int(start),
                row["doc_id"],
            ],
        ).fetchone()
        row["title"] = found[0] if found else None
        row["evidence"] = found[1] if found and start is not None and end is not None else None
