"""Which failures keep coming back, and where (taxonomy.md, Recurrence).

A category recurs for an organisation when it is attributed to it in documents of two or more
distinct publication dates (or years, where only the year is known), or when one of those
documents itself says the failing is a repeat (a repeat-signal rule fired). Near-duplicate
copies of one story count once (`story_id`), dated by the earliest copy.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from pipeline.classify.taxonomy import LABELS, check_category
from pipeline.query.common import fetch, in_list, org_scope


def recurring_sql(where: str = "1 = 1", extra_having: str = "") -> str:
    """The aggregate behind the `recurring` view and `trustwatch recurring`, filtered.

    It reads `org_categories` alone (document date and story are copied onto each row by
    migration 4), so it never touches the document texts: fast on large stores.
    """
    return f"""
WITH stories AS (
  SELECT org_id, category, doc_story_id AS story_id, min(doc_published) AS published,
    max(EXISTS (SELECT 1 FROM repeat_signals s WHERE s.doc_id = org_categories.doc_id))
      AS repeat_signalled,
    group_concat(DISTINCT doc_id) AS doc_ids
  FROM org_categories
  WHERE {where}
  GROUP BY org_id, category, doc_story_id
)
SELECT s.org_id, o.name AS organisation, s.category,
  count(*) AS n_documents,
  count(DISTINCT s.published) AS n_dates,
  min(s.published) AS first_date, max(s.published) AS last_date,
  max(s.repeat_signalled) AS repeat_signalled,
  group_concat(s.doc_ids) AS doc_ids
FROM stories s JOIN organisations o ON o.id = s.org_id
GROUP BY s.org_id, s.category
HAVING (count(DISTINCT s.published) >= 2 OR max(s.repeat_signalled) = 1){extra_having}"""


RECURRING_COLUMNS = (
    "org_id",
    "organisation",
    "category",
    "n_documents",
    "n_dates",
    "first_date",
    "last_date",
    "repeat_signalled",
    "doc_ids",
)


def _cached(db: sqlite_utils.Database) -> str:
    """The unfiltered aggregate, from `recurring_cache`, rebuilt when the rows it reads changed.

    On a large store the aggregate takes most of a second; filtered queries are fast through
    the indexes, so only the unfiltered one is cached. The key is the count and highest rowid
    of `org_categories`, `repeat_signals` and `documents`: any ingest, reindex or classify run
    replaces rows and so changes it.
    """
    from pipeline.store import transaction  # store imports the views built from this module

    key = repr(
        db.execute(
            """SELECT (SELECT count(*) FROM org_categories),
                      (SELECT max(rowid) FROM org_categories),
                      (SELECT count(*) FROM repeat_signals),
                      (SELECT max(rowid) FROM repeat_signals),
                      (SELECT count(*) FROM documents),
                      (SELECT max(rowid) FROM documents)"""
        ).fetchone()
    )
    stored = db.execute("SELECT key FROM cache_keys WHERE name = 'recurring'").fetchone()
    if stored is None or stored[0] != key:
        with transaction(db):
            db.execute("DELETE FROM recurring_cache")
            db.execute(f"INSERT INTO recurring_cache {recurring_sql()}")
            db.execute(
                "INSERT OR REPLACE INTO cache_keys (name, key) VALUES ('recurring', ?)", [key]
            )
    return "SELECT * FROM recurring_cache"


def recurring(
    db: sqlite_utils.Database,
    org_id: int | None = None,
    category: str | None = None,
    since: str | None = None,
    min_documents: int = 1,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Rows of the `recurring` view, filtered; most documents first.

    `since` keeps evidence published on or after that date when counting; an organisation
    filter includes the organisation's sites.
    """
    params: list[object] = []
    if org_id is None and category is None and since is None:
        sql = _cached(db)
    else:
        where: list[str] = ["1 = 1"]
        if org_id is not None:
            scope = org_scope(db, org_id)
            where.append(in_list("org_id", scope))
            params += scope
        if category is not None:
            where.append("category = ?")
            params.append(check_category(category))
        if since is not None:
            where.append("doc_published >= ?")
            params.append(since)
        sql = f"SELECT * FROM ({recurring_sql(' AND '.join(where))})"
    sql += " WHERE n_documents >= ? ORDER BY n_documents DESC, n_dates DESC, organisation, category"
    params.append(min_documents)
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    rows = fetch(db, sql, params)
    for row in rows:
        row["label"] = LABELS.get(row["category"], row["category"])
    return rows
