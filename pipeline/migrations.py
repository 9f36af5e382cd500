"""Numbered schema migrations. Each runs once, in order, inside a transaction; the applied
versions are recorded in `schema_migrations`. Never edit a released migration: add one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = tuple[int, str, Callable[[sqlite_utils.Database], None]]


def _m001_documents(db: sqlite_utils.Database) -> None:
    db.table("documents").create(
        {
            "id": str,
            "source": str,
            "url": str,
            "title": str,
            "published": str,
            "kind": str,
            "text": str,
            "format": str,
            "n_chars": int,
            "page_map": str,
            "metadata": str,
            "story_id": str,
            "ingested_at": str,
            "pipeline_version": str,
            "extracted_at": str,
        },
        pk="id",
        not_null={"text", "source"},
    )
    db.table("rejects").create({"id": int, "path": str, "reason": str, "at": str}, pk="id")
    db.table("ingested_files").create(
        {"sha256": str, "path": str, "size": int, "n_documents": int, "ingested_at": str},
        pk="sha256",
    )
    db.table("doc_minhash").create({"doc_id": str, "signature": bytes}, pk="doc_id")
    db.table("lsh_bands").create({"band": int, "key": str, "doc_id": str})
    db.table("lsh_bands").create_index(["band", "key"])
    db.table("lsh_bands").create_index(["doc_id"])
    db.table("documents").create_index(["story_id"])
    db.table("documents").create_index(["published"])
    db.table("documents").create_index(["pipeline_version"])


def _m002_extractions(db: sqlite_utils.Database) -> None:
    db.table("organisations").create(
        {
            "id": int,
            "name": str,
            "kind": str,
            "ods_code": str,
            "parent_id": int,
            "aliases": str,
            "origin": str,
            "closed": str,
        },
        pk="id",
        not_null={"name", "kind"},
        foreign_keys=[("parent_id", "organisations", "id")],
    )
    db.table("organisations").create_index(["name"], unique=True)
    db.table("organisations").create_index(["ods_code"])
    tables: dict[str, dict[str, type]] = {
        "org_mentions": {
            "doc_id": str, "org_id": int, "start": int, "end": int, "text": str,
            "rule": str, "score": float,
        },
        "ratings": {
            "doc_id": str, "org_id": int, "service": str, "domain": str, "rating": str,
            "previous_rating": str, "year": int, "start": int, "end": int,
            "sent_start": int, "sent_end": int, "rule": str,
        },
        "counts": {
            "doc_id": str, "value": float, "qualifier": str, "denominator": float,
            "what": str, "category": str, "start": int, "end": int, "text": str, "rule": str,
        },
        "themes": {
            "doc_id": str, "category": str, "start": int, "end": int, "negated": int,
            "speaker": str, "cue_start": int, "cue_end": int, "rule": str,
        },
        "repeat_signals": {
            "doc_id": str, "start": int, "end": int, "sent_start": int, "sent_end": int,
            "text": str, "rule": str,
        },
        "doc_categories": {
            "doc_id": str, "category": str, "score": float, "method": str,
            "start": int, "end": int,
        },
    }  # fmt: skip
    for name, columns in tables.items():
        fks = [("doc_id", "documents", "id")]
        if "org_id" in columns:
            fks.append(("org_id", "organisations", "id"))
        db.table(name).create(columns, foreign_keys=fks)
        db.table(name).create_index(["doc_id"])
    for name in ("org_mentions", "ratings"):
        db.table(name).create_index(["org_id"])
    db.table("themes").create_index(["category"])
    db.table("doc_categories").create_index(["category"])
    db.table("counts").create_index(["category"])


def _m003_attribution(db: sqlite_utils.Database) -> None:
    db.table("documents").add_column("main_org_id", int)
    db.table("org_categories").create(
        {
            "doc_id": str,
            "org_id": int,
            "category": str,
            "start": int,
            "end": int,
            "method": str,
        },
        foreign_keys=[("doc_id", "documents", "id"), ("org_id", "organisations", "id")],
    )
    db.table("org_categories").create_index(["doc_id"])
    db.table("org_categories").create_index(["org_id", "category"])
    db.table("org_categories").create_index(["category"])
    db.table("repeat_signals").create_index(["doc_id"], if_not_exists=True)


MIGRATIONS: list[Migration] = [
    (1, "documents, rejects, files, near-duplicate signatures", _m001_documents),
    (2, "organisations and extractions", _m002_extractions),
    (3, "main organisation of a document; failures attributed to organisations", _m003_attribution),
]
