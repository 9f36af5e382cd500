"""Full-text search over documents (SQLite FTS5 with the porter stemmer), ranked by bm25."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlite_utils

from pipeline.errors import UsageError
from pipeline.query.common import fetch, in_list, org_scope

SEARCH_COLUMNS = ("id", "title", "published", "kind", "source", "snippet", "score")


def search(
    db: sqlite_utils.Database,
    query: str,
    limit: int = 20,
    org_id: int | None = None,
    category: str | None = None,
) -> list[dict[str, Any]]:
    """Documents matching an FTS5 query, best first, with a highlighted snippet.

    Optional filters keep documents that mention an organisation (or one of its sites) or that
    were assigned a failure category.
    """
    if not query.strip():
        raise UsageError("search: the query is empty")
    filters: list[str] = []
    params: list[object] = [query]
    if org_id is not None:
        scope = org_scope(db, org_id)
        filters.append(
            f"d.id IN (SELECT doc_id FROM org_mentions WHERE {in_list('org_id', scope)})"
        )
        params += scope
    if category is not None:
        filters.append(
            """d.id IN (SELECT doc_id FROM doc_categories WHERE category = ?
                       UNION SELECT doc_id FROM themes WHERE category = ? AND negated = 0)"""
        )
        params += [category, category]
    where = "".join(f" AND {f}" for f in filters)
    sql = f"""
        SELECT d.id, d.title, d.published, d.kind, d.source,
               snippet(documents_fts, 1, '[', ']', '…', 16) AS snippet,
               round(-bm25(documents_fts), 3) AS score
        FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid
        WHERE documents_fts MATCH ?{where}
        ORDER BY bm25(documents_fts) LIMIT ?"""
    try:
        return fetch(db, sql, [*params, limit])
    except sqlite3.OperationalError as exc:
        raise UsageError(
            f"search: cannot parse query {query!r} ({exc}); put phrases in double quotes "
            "and use AND, OR, NOT in capitals, e.g. '\"fetal monitoring\" AND Dudley'"
        ) from None
