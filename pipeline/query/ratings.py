"""`trustwatch ratings`: how CQC ratings moved, per organisation, service and domain.

The same rating is usually reported by many documents, so the timeline has one row per
organisation, service, domain, year and rating, with the number of stories reporting it and
the sentence of the earliest. The year is the rating's own where the text gives it, else the
publication year. `previous_rating` is the rating before as the text states it; `previous`
is that, or else the rating of the row before in the timeline, and `change` reads
"previous → rating".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from pipeline.query.common import (
    check_choice,
    check_date,
    fetch,
    in_list,
    org_scope,
)

DOMAINS = ("overall", "safe", "effective", "caring", "responsive", "well-led")
RATINGS = ("outstanding", "good", "requires improvement", "inadequate")
COLUMNS = (
    "org_id", "organisation", "ods_code", "service", "domain", "year", "rating",
    "previous_rating", "previous", "change", "n_documents", "first_published",
    "last_published", "doc_id", "title", "start", "end", "sent_start", "sent_end", "evidence",
)  # fmt: skip
TABLE_COLUMNS = ("organisation", "service", "domain", "year", "change", "n_documents")

_DOMAIN_ORDER = "CASE domain " + " ".join(f"WHEN '{d}' THEN {i}" for i, d in enumerate(DOMAINS))
_DOMAIN_ORDER += " ELSE 9 END"
_TIMELINE = "year IS NULL, year, first_published"
_BATCH = 50  # organisations per look-up when listing every timeline


@dataclass
class _Where:
    """Filters on rating rows (`rows`, before the timeline is built: service and domain are
    part of a timeline's identity) and on timeline rows (`steps`: year and rating, applied
    after, so that `previous` still sees the steps filtered out)."""

    rows: list[str] = field(default_factory=lambda: ["1 = 1"])
    row_params: list[Any] = field(default_factory=list)
    steps: list[str] = field(default_factory=lambda: ["1 = 1"])
    step_params: list[Any] = field(default_factory=list)


def ratings(
    db: sqlite_utils.Database,
    org_id: int | None = None,
    service: str | None = None,
    domain: str | None = None,
    rating: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The rating timeline of an organisation (and its sites), or of every organisation.

    `service` matches part of the service name ("maternity", "emergency"); whole-organisation
    ratings have no service. `since`/`until` compare with the timeline year.
    """
    where = _Where()
    if service is not None:
        where.rows.append("instr(service, ?) > 0")
        where.row_params.append(service.strip().lower())
    if domain is not None:
        where.rows.append("domain = ?")
        where.row_params.append(check_choice("domain", domain, DOMAINS))
    if rating is not None:
        where.steps.append("rating = ?")
        where.step_params.append(check_choice("rating", rating, RATINGS))
    if check_date("since", since) is not None:
        where.steps.append("year >= ?")
        where.step_params.append(int(str(since)[:4]))
    if check_date("until", until) is not None:
        where.steps.append("year <= ?")
        where.step_params.append(int(str(until)[:4]))
    if org_id is not None:
        rows = _timeline(db, where, org_scope(db, org_id), limit)
    else:
        rows = _every_timeline(db, where, limit)
    for row in rows:
        row.update(_evidence(db, row))
        row["previous"] = row["previous_rating"] or row["timeline_previous"]
        row["change"] = f"{row['previous']} → {row['rating']}" if row["previous"] else row["rating"]
    return [{c: row.get(c) for c in COLUMNS} for row in rows]


def _every_timeline(
    db: sqlite_utils.Database, where: _Where, limit: int | None
) -> list[dict[str, Any]]:
    """Timelines of every rated organisation in name order, then of unresolved ratings.

    Built a batch of organisations at a time (each an indexed look-up), stopping once
    `limit` rows are found, so a short listing does not aggregate the whole table.
    """
    ordered = db.execute(
        """SELECT id FROM organisations WHERE id IN (SELECT org_id FROM ratings)
           ORDER BY name, id"""
    )
    rows: list[dict[str, Any]] = []
    while batch := [int(row[0]) for row in ordered.fetchmany(_BATCH)]:
        rows += _timeline(db, where, batch, limit and limit - len(rows))
        if limit and len(rows) >= limit:
            return rows
    rows += _timeline(db, where, None, limit and limit - len(rows))
    return rows


def _timeline(
    db: sqlite_utils.Database, where: _Where, org_ids: list[int] | None, limit: int | None
) -> list[dict[str, Any]]:
    """Timeline rows of the organisations `org_ids` (None: of unresolved ratings)."""
    rows = " AND ".join(where.rows)
    params = list(where.row_params)
    if org_ids is None:
        rows += " AND org_id IS NULL"
    else:
        rows += " AND " + in_list("org_id", org_ids)
        params += org_ids
    sql = f"""
        WITH g AS MATERIALIZED (
          SELECT org_id, service, domain, coalesce(year, doc_year) AS year, rating,
            max(previous_rating) AS previous_rating,
            count(DISTINCT doc_story_id) AS n_documents,
            min(doc_published) AS first_published, max(doc_published) AS last_published
          FROM ratings WHERE {rows}
          GROUP BY org_id, service, domain, coalesce(year, doc_year), rating),
        t AS (
          SELECT g.*, lag(g.rating) OVER (PARTITION BY g.org_id, g.service, g.domain
                                          ORDER BY {_TIMELINE}) AS timeline_previous
          FROM g)
        SELECT t.*, o.name AS organisation, o.ods_code
        FROM t LEFT JOIN organisations o ON o.id = t.org_id
        WHERE {" AND ".join(where.steps)}
        ORDER BY o.name IS NULL, o.name, t.org_id, t.service IS NOT NULL, t.service,
          {_DOMAIN_ORDER}, {_TIMELINE}, rating{" LIMIT ?" if limit else ""}"""
    return fetch(db, sql, [*params, *where.step_params, *([limit] if limit else [])])


def _evidence(db: sqlite_utils.Database, row: dict[str, Any]) -> dict[str, Any]:
    """The earliest document reporting the row's rating, and its sentence."""
    found = fetch(
        db,
        """SELECT r.doc_id, d.title, r.start, r."end", r.sent_start, r.sent_end,
             substr(d.text, r.sent_start + 1, r.sent_end - r.sent_start) AS evidence
           FROM ratings r JOIN documents d ON d.id = r.doc_id
           WHERE r.org_id IS ? AND r.service IS ? AND r.domain IS ? AND r.rating IS ?
             AND coalesce(r.year, r.doc_year) IS ?
           ORDER BY r.doc_published IS NULL, r.doc_published, r.doc_id, r.start LIMIT 1""",
        [row["org_id"], row["service"], row["domain"], row["rating"], row["year"]],
    )
    return found[0] if found else {}
