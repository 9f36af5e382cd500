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


DOCUMENT_FACETS = ("doc_published", "doc_year", "doc_story_id", "doc_kind")
FACET_TABLES = ("doc_categories", "org_categories", "counts", "ratings")
QUERY_INDEXES: dict[str, tuple[str, list[str]]] = {
    # name: (table, columns). Queries name some of them in INDEXED BY: keep the names.
    "doc_categories_by_story": (
        "doc_categories",
        ["category", "doc_story_id", "doc_published", "doc_kind"],
    ),
    "doc_categories_by_date": (
        "doc_categories",
        ["category", "doc_published", "doc_story_id", "doc_kind"],
    ),
    "doc_categories_by_year": (
        "doc_categories",
        ["category", "doc_year", "doc_story_id", "doc_published", "doc_kind"],
    ),
    "org_categories_by_org": (
        "org_categories",
        ["org_id", "category", "doc_published", "doc_story_id", "doc_kind"],
    ),
    "org_categories_by_category": (
        "org_categories",
        ["category", "org_id", "doc_story_id", "doc_published", "doc_kind"],
    ),
    "org_categories_by_year": (
        "org_categories",
        ["category", "doc_year", "org_id", "doc_published", "doc_kind"],
    ),
    "counts_by_category_date": ("counts", ["category", "doc_published"]),
    "counts_by_date": ("counts", ["doc_published"]),
    "ratings_by_org_date": ("ratings", ["org_id", "doc_published"]),
    "ratings_by_date": ("ratings", ["doc_published"]),
    "org_mentions_by_org_doc": ("org_mentions", ["org_id", "doc_id"]),
    "documents_by_main_org": ("documents", ["main_org_id"]),
    "organisations_by_parent": ("organisations", ["parent_id"]),
}


def _m004_query_facets(db: sqlite_utils.Database) -> None:
    """Copy each document's date, story and kind onto its extraction rows, kept by triggers.

    Counting distinct stories per category, or listing counts and ratings newest first, then
    reads one covering index instead of joining every row to `documents` (whose rows hold the
    whole text): the query commands stay fast on large stores. The copies are prefixed `doc_`
    so that joins with `documents` stay unambiguous.
    """
    facets = (
        "SELECT published, CAST(substr(published, 1, 4) AS INTEGER), coalesce(story_id, id), "
        "kind FROM documents WHERE id = {doc}"
    )
    columns = ", ".join(DOCUMENT_FACETS)
    for table in FACET_TABLES:
        for column in DOCUMENT_FACETS:
            kind = "INTEGER" if column == "doc_year" else "TEXT"
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        db.execute(f"UPDATE {table} SET ({columns}) = ({facets.format(doc=table + '.doc_id')})")
        db.execute(
            f"""CREATE TRIGGER {table}_facets AFTER INSERT ON {table} BEGIN
                  UPDATE {table} SET ({columns}) = ({facets.format(doc="NEW.doc_id")})
                  WHERE rowid = NEW.rowid;
                END"""
        )
    updates = "".join(
        f"""UPDATE {table} SET ({columns}) = (NEW.published,
              CAST(substr(NEW.published, 1, 4) AS INTEGER), coalesce(NEW.story_id, NEW.id),
              NEW.kind) WHERE doc_id = NEW.id;\n"""
        for table in FACET_TABLES
    )
    db.execute(
        f"""CREATE TRIGGER documents_facets AFTER UPDATE OF published, story_id, kind
            ON documents BEGIN {updates} END"""
    )
    for name, (table, index) in QUERY_INDEXES.items():
        db.table(table).create_index(index, index_name=name, if_not_exists=True)


def _m005_recurring_cache(db: sqlite_utils.Database) -> None:
    """A cache of the unfiltered recurrence aggregate (see pipeline/classify/recurrence.py)."""
    db.table("cache_keys").create({"name": str, "key": str}, pk="name")
    db.table("recurring_cache").create(
        {
            "org_id": int,
            "organisation": str,
            "category": str,
            "n_documents": int,
            "n_dates": int,
            "first_date": str,
            "last_date": str,
            "repeat_signalled": int,
            "doc_ids": str,
        }
    )
    db.table("recurring_cache").create_index(["n_documents"])


MIGRATIONS: list[Migration] = [
    (1, "documents, rejects, files, near-duplicate signatures", _m001_documents),
    (2, "organisations and extractions", _m002_extractions),
    (3, "main organisation of a document; failures attributed to organisations", _m003_attribution),
    (4, "document facets on category rows; indexes for the query commands", _m004_query_facets),
    (5, "cache of the unfiltered recurrence aggregate", _m005_recurring_cache),
]
