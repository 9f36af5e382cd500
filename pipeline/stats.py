"""`trustwatch stats`: what the store holds, in numbers."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from pipeline.store import schema_version


def store_stats(db: sqlite_utils.Database) -> dict[str, Any]:
    def scalar(sql: str) -> Any:
        return db.execute(sql).fetchone()[0]

    def grouped(sql: str) -> dict[str, int]:
        return {str(k): int(v) for k, v in db.execute(sql).fetchall()}

    return {
        "documents": scalar("SELECT count(*) FROM documents"),
        "stories": scalar("SELECT count(DISTINCT story_id) FROM documents"),
        "by_kind": grouped(
            "SELECT coalesce(kind, '(none)'), count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC"
        ),
        "by_format": grouped("SELECT format, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC"),
        "published": {
            "first": scalar("SELECT min(published) FROM documents"),
            "last": scalar("SELECT max(published) FROM documents"),
            "undated": scalar("SELECT count(*) FROM documents WHERE published IS NULL"),
        },
        "organisations": scalar(
            "SELECT count(*) FROM organisations WHERE id IN (SELECT org_id FROM org_mentions)"
        ),
        "organisations_known": scalar("SELECT count(*) FROM organisations"),
        "org_mentions": scalar("SELECT count(*) FROM org_mentions"),
        "ratings": scalar("SELECT count(*) FROM ratings"),
        "counts": scalar("SELECT count(*) FROM counts"),
        "themes": scalar("SELECT count(*) FROM themes WHERE negated = 0"),
        "doc_categories": scalar("SELECT count(*) FROM doc_categories"),
        "rejects": scalar("SELECT count(*) FROM rejects"),
        "schema_version": schema_version(db),
    }
