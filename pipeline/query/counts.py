"""`trustwatch counts`: the figures documents report (deaths, harms, incidents, staff, money),
each with the sentence it comes from, its document's title and date.

Figures are listed, not summed: the same deaths are reported again and again, and only the
evidence says whether two figures count the same thing.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from pipeline.query.common import (
    add_sentences,
    check_choice,
    check_date,
    fetch,
    in_list,
    org_scope,
    until_bound,
)

# The contract's count categories (pipeline.extract.count_nouns has them too, but importing
# it loads spaCy, which a query should not wait for).
CATEGORIES = (
    "death", "harm", "incident", "case", "staff", "money", "percentage", "duration", "other",
)  # fmt: skip
SORTS = ("date", "value")
COLUMNS = (
    "doc_id", "title", "published", "value", "qualifier", "denominator", "what", "category",
    "text", "start", "end", "evidence_start", "evidence_end", "evidence", "rule",
)  # fmt: skip
TABLE_COLUMNS = ("published", "text", "what", "evidence")

_ORDER = {
    "date": "doc_published IS NULL, doc_published DESC, doc_id, start",
    "value": "value DESC, doc_published IS NULL, doc_published DESC, doc_id, start",
}


def counts(
    db: sqlite_utils.Database,
    org_id: int | None = None,
    what: str | None = None,
    category: str | None = None,
    min_value: float | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str = "date",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Figures reported, newest document first (or largest first with `sort="value"`).

    `org_id` keeps documents about the organisation or one of its sites: its main
    organisation, or one named in it. `what` matches part of what is counted ("death" finds
    "neonatal death"); `category` is one of CATEGORIES; `since`/`until` are ISO dates (or
    years) compared with the publication date.
    """
    check_choice("sort", sort, SORTS)
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if org_id is not None:
        scope = org_scope(db, org_id)
        clauses.append(
            f"""doc_id IN (SELECT doc_id FROM org_mentions WHERE {in_list("org_id", scope)}
                UNION SELECT id FROM documents WHERE {in_list("main_org_id", scope)})"""
        )
        params += [*scope, *scope]
    if what is not None:
        clauses.append("instr(what, ?) > 0")
        params.append(what.strip().lower())
    if category is not None:
        clauses.append("category = ?")
        params.append(check_choice("count category", category, CATEGORIES, "count categories"))
    if min_value is not None:
        clauses.append("value >= ?")
        params.append(min_value)
    if check_date("since", since) is not None:
        clauses.append("doc_published >= ?")
        params.append(since)
    if check_date("until", until) is not None:
        clauses.append("doc_published <= ?")
        params.append(until_bound(str(until)))
    sql = f"""SELECT doc_id, doc_published AS published, value, qualifier, denominator, what,
                category, text, start, "end", rule
              FROM counts WHERE {" AND ".join(clauses)} ORDER BY {_ORDER[sort]}"""
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    rows = fetch(db, sql, params)
    _add_titles(db, rows)
    add_sentences(db, rows)
    return [{c: row.get(c) for c in COLUMNS} for row in rows]


def _add_titles(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    ids = json.dumps(sorted({row["doc_id"] for row in rows}))
    found = db.execute(
        "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?))", [ids]
    )
    titles = dict(found.fetchall())
    for row in rows:
        row["title"] = titles.get(row["doc_id"])
