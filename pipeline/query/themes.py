"""`trustwatch themes`: which failures the documents evidence, how often, and where.

Counts come from *assigned* categories, not from every rule hit: `doc_categories` (one row per
category assigned to a document) gives the number of documents, and `org_categories` (each
failure attributed to the organisation answerable for it, a hospital's failure to its trust)
gives the number of organisations, the organisation filter and `by="org"`. Documents are
counted as distinct stories: near-duplicate copies of one story count once. Dates filter on
the document's publication date (`documents.published`); undated documents are kept only
when no date filter is given.

Each row carries one piece of evidence: the most recent document of the group, with the
offsets and text of the sentence that evidences the category.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pipeline.classify.taxonomy import LABELS, check_category
from pipeline.query.common import (
    add_span_evidence,
    check_choice,
    check_date,
    fetch,
    in_list,
    org_scope,
    until_bound,
)

BY = ("category", "org", "year")
EVIDENCE = ("doc_id", "title", "start", "end", "evidence")
COLUMNS: dict[str, tuple[str, ...]] = {
    "category": ("category", "label", "n_documents", "n_organisations", "first_date",
                 "last_date", *EVIDENCE),
    "org": ("org_id", "organisation", "ods_code", "kind", "category", "label", "n_documents",
            "first_date", "last_date", *EVIDENCE),
    "year": ("year", "category", "label", "n_documents", "n_organisations", "first_date",
             "last_date", *EVIDENCE),
}  # fmt: skip
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "category": ("category", "n_documents", "n_organisations", "first_date", "last_date"),
    "org": ("organisation", "category", "n_documents", "first_date", "last_date"),
    "year": ("year", "category", "n_documents", "n_organisations", "last_date"),
}
TITLES = {
    "category": "Failures by category",
    "org": "Failures by organisation and category",
    "year": "Failures by year and category",
}
_KEYS = {"category": ("category",), "year": ("year", "category")}
_ORDER = {
    "category": "n_documents DESC, category",
    "year": "year IS NULL, year, n_documents DESC, category",
}


@dataclass(frozen=True)
class _Filter:
    """The WHERE clause shared by the aggregates and the evidence look-ups."""

    sql: str
    params: tuple[Any, ...]
    scoped: bool


def themes(
    db: sqlite_utils.Database,
    org_id: int | None = None,
    category: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    by: str = "category",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Failure categories with their numbers of documents (stories) and organisations.

    `by` groups the rows: per `category` (default), per organisation and category (`org`), or
    per publication year and category (`year`). `org_id` keeps failures attributed to that
    organisation or one of its sites; `since`/`until` are ISO dates (or years) compared with
    the publication date; `kind` is a document kind such as `news` or `inspection_report`.
    """
    check_choice("grouping", by, BY, "groupings (--by)")
    if category is not None:
        check_category(category)
    scope = org_scope(db, org_id) if org_id is not None else None
    where = _where(scope, category, check_date("since", since), check_date("until", until), kind)
    if by == "org":
        rows = _by_org(db, where, limit)
        source = "org_categories"
    else:
        source = "doc_categories" if scope is None else "org_categories"
        rows = _grouped(db, source, by, where, limit)
        if source == "doc_categories" and rows:
            _add_org_counts(db, by, where, rows)
    for row in rows:
        row["label"] = LABELS.get(row["category"], row["category"])
        row.update(_evidence(db, source, by, row, where))
    add_span_evidence(db, rows)
    columns = COLUMNS[by]
    return [{c: row.get(c) for c in columns} for row in rows]


def _where(
    scope: list[int] | None,
    category: str | None,
    since: str | None,
    until: str | None,
    kind: str | None,
) -> _Filter:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if scope is not None:
        clauses.append(in_list("org_id", scope))
        params += scope
    if category is not None:
        clauses.append("category = ?")
        params.append(category)
    if since is not None:
        clauses.append("doc_published >= ?")
        params.append(since)
    if until is not None:
        clauses.append("doc_published <= ?")
        params.append(until_bound(until))
    if kind is not None:
        clauses.append("doc_kind = ?")
        params.append(kind)
    return _Filter(" AND ".join(clauses), tuple(params), scope is not None)


def _table(source: str, by: str, scoped: bool) -> str:
    """The table with the index that serves an aggregate: without statistics the planner may
    pick one whose order does not help count distinct stories. Migration 4 creates them."""
    if scoped:
        return f"{source} INDEXED BY org_categories_by_org"
    kind = {"year": "year", "category": "story" if source == "doc_categories" else "category"}
    return f"{source} INDEXED BY {source}_by_{kind[by]}"


def _group_sql(by: str) -> tuple[str, str]:
    """The SELECT and GROUP BY expressions of a grouping by category or year."""
    if by == "year":
        return "doc_year AS year, category", "doc_year, category"
    return "category", "category"


def _grouped(
    db: sqlite_utils.Database, source: str, by: str, where: _Filter, limit: int | None
) -> list[dict[str, Any]]:
    """Rows per category, or per year and category."""
    select, group = _group_sql(by)
    n_orgs = ", count(DISTINCT org_id) AS n_organisations" if source == "org_categories" else ""
    sql = f"""
        SELECT {select}, count(DISTINCT doc_story_id) AS n_documents{n_orgs},
          min(doc_published) AS first_date, max(doc_published) AS last_date
        FROM {_table(source, by, where.scoped)} WHERE {where.sql} GROUP BY {group}
        ORDER BY {_ORDER[by]}{" LIMIT ?" if limit else ""}"""
    return fetch(db, sql, [*where.params, *([limit] if limit else [])])


def _add_org_counts(
    db: sqlite_utils.Database, by: str, where: _Filter, rows: list[dict[str, Any]]
) -> None:
    """Number of organisations per group, from the attributions (documents may name none)."""
    select, group = _group_sql(by)
    found = db.execute(
        f"""SELECT {select}, count(DISTINCT org_id) FROM {_table("org_categories", by, False)}
            WHERE {where.sql} GROUP BY {group}""",
        list(where.params),
    ).fetchall()
    counts = {tuple(row[:-1]): int(row[-1]) for row in found}
    for row in rows:
        row["n_organisations"] = counts.get(tuple(row[k] for k in _KEYS[by]), 0)


def _by_org(db: sqlite_utils.Database, where: _Filter, limit: int | None) -> list[dict[str, Any]]:
    """Rows per organisation and category, most stories first.

    There can be tens of thousands of groups, and counting distinct stories in each is what
    costs. So groups are ranked by their number of rows (an upper bound on their stories,
    cheap to count), and stories are counted exactly, one indexed look-up per group, only
    until no group further down the ranking can still enter the top `limit`.
    """
    table = "org_categories INDEXED BY " + (
        "org_categories_by_org" if where.scoped else "org_categories_by_category"
    )
    ranked = db.execute(
        f"""SELECT org_id, category, count(*) AS n FROM {table} WHERE {where.sql}
            GROUP BY category, org_id ORDER BY n DESC""",
        list(where.params),
    )
    exact: list[dict[str, Any]] = []
    while batch := ranked.fetchmany(limit or 1000):
        exact += [_org_group(db, where, org_id, category) for org_id, category, _ in batch]
        if limit and len(exact) >= limit:
            threshold = sorted((r["n_documents"] for r in exact), reverse=True)[limit - 1]
            if batch[-1][2] < threshold:
                break
    names = _org_names(db, {row["org_id"] for row in exact})
    for row in exact:
        row.update(names.get(row["org_id"], {}))
    exact.sort(key=lambda r: (-r["n_documents"], r.get("organisation") or "", r["category"]))
    return exact[:limit] if limit else exact


def _org_group(
    db: sqlite_utils.Database, where: _Filter, org_id: int, category: str
) -> dict[str, Any]:
    n_documents, first_date, last_date = db.execute(
        f"""SELECT count(DISTINCT doc_story_id), min(doc_published), max(doc_published)
            FROM org_categories INDEXED BY org_categories_by_org
            WHERE {where.sql} AND org_id = ? AND category = ?""",
        [*where.params, org_id, category],
    ).fetchone()
    return {
        "org_id": org_id,
        "category": category,
        "n_documents": n_documents,
        "first_date": first_date,
        "last_date": last_date,
    }


def _org_names(db: sqlite_utils.Database, ids: set[int]) -> dict[int, dict[str, Any]]:
    found = fetch(
        db,
        f"SELECT id, name AS organisation, ods_code, kind FROM organisations "
        f"WHERE {in_list('id', sorted(ids))}",
        sorted(ids),
    )
    return {row.pop("id"): row for row in found}


def _evidence(
    db: sqlite_utils.Database, source: str, by: str, row: dict[str, Any], where: _Filter
) -> dict[str, Any]:
    """The evidence of the group's most recent document: one indexed look-up, since that
    document's date is the group's `last_date` (which also fixes the year of a year group)."""
    keys = ("org_id", "category") if by == "org" else ("category",)
    index = "org_categories_by_org" if source == "org_categories" else "doc_categories_by_date"
    last = row["last_date"]
    found = db.execute(
        f"""SELECT doc_id, start, "end" FROM {source} INDEXED BY {index}
            WHERE {where.sql} AND {" AND ".join(f"{k} = ?" for k in keys)}
              AND {"doc_published = ?" if last is not None else "doc_published IS NULL"}
            ORDER BY doc_id DESC, start LIMIT 1""",
        [*where.params, *(row[k] for k in keys), *([last] if last is not None else [])],
    ).fetchone()
    if found is None:
        return {"doc_id": None, "start": None, "end": None}
    return {"doc_id": found[0], "start": found[1], "end": found[2]}
