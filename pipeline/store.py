"""The SQLite store: opening it, bringing it to the current shape, and saving records.

Writes go through `save_*(db, records)` functions; callers group them in one transaction per
batch (`with transaction(db):`) so a killed process leaves either the whole batch or none of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline.errors import StoreMissing
from pipeline.migrations import MIGRATIONS
from pipeline.views import VIEWS

EXTRACTION_TABLES = (
    "org_mentions",
    "ratings",
    "counts",
    "themes",
    "repeat_signals",
    "doc_categories",
    "org_categories",
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_store(path: str | Path, create: bool = False) -> sqlite_utils.Database:
    """Open (or, with `create`, create) the store and bring it to the current shape."""
    path = Path(path)
    if not create and not path.exists():
        raise StoreMissing(f"no store at {path} (run `trustwatch ingest` to create one)")
    if create and path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=10000")
    ensure_shape(db)
    return db


def open_readonly(path: str | Path) -> sqlite_utils.Database:
    """Open an existing store for queries; it is migrated first if it is behind."""
    return open_store(path, create=False)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One atomic unit of work: committed whole, or rolled back whole."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def schema_version(db: sqlite_utils.Database) -> int:
    if not db.table("schema_migrations").exists():
        return 0
    row = db.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def ensure_shape(db: sqlite_utils.Database) -> None:
    """Apply pending migrations, then (idempotently) the full-text index and views."""
    if not db.table("schema_migrations").exists():
        db.table("schema_migrations").create(
            {"version": int, "name": str, "applied_at": str}, pk="version", if_not_exists=True
        )
    current = schema_version(db)
    for version, name, migrate in MIGRATIONS:
        if version <= current:
            continue
        with transaction(db):
            migrate(db)
            db.table("schema_migrations").insert(
                {"version": version, "name": name, "applied_at": now()}
            )
    if not db.table("documents_fts").exists():
        with transaction(db):
            db.table("documents").enable_fts(
                ["title", "text"], create_triggers=True, tokenize="porter"
            )
    existing = {row[0]: row[1] for row in db.execute("SELECT name, sql FROM sqlite_master")}
    for name, sql in VIEWS.items():
        wanted = f"CREATE VIEW {name} AS {sql.strip()}"
        if existing.get(name) != wanted:
            with transaction(db):
                db.execute(f"DROP VIEW IF EXISTS {name}")
                db.execute(wanted)


def document_exists(db: sqlite_utils.Database, doc_id: str) -> bool:
    return db.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None


def file_seen(db: sqlite_utils.Database, sha256: str) -> int | None:
    """How many documents an already ingested file held, or None if it is new."""
    row = db.execute("SELECT n_documents FROM ingested_files WHERE sha256 = ?", [sha256]).fetchone()
    return None if row is None else int(row[0])


def save_documents(db: sqlite_utils.Database, records: Iterable[Mapping[str, Any]]) -> None:
    rows = []
    for record in records:
        row = dict(record)
        for key in ("metadata", "page_map"):
            if row.get(key) is not None and not isinstance(row[key], str):
                row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True)
        rows.append(row)
    db.table("documents").insert_all(rows, pk="id", ignore=True)


def save_rejects(db: sqlite_utils.Database, records: Iterable[Mapping[str, Any]]) -> None:
    db.table("rejects").insert_all(
        {"path": r["path"], "reason": r["reason"], "at": r.get("at") or now()} for r in records
    )


def save_files(db: sqlite_utils.Database, records: Iterable[Mapping[str, Any]]) -> None:
    db.table("ingested_files").upsert_all([dict(r) for r in records], pk="sha256")


def save_minhashes(db: sqlite_utils.Database, records: Iterable[Mapping[str, Any]]) -> None:
    """Signature and LSH band keys of each document (for near-duplicate look-ups)."""
    for record in records:
        db.table("doc_minhash").upsert(
            {"doc_id": record["doc_id"], "signature": record["signature"]}, pk="doc_id"
        )
        db.table("lsh_bands").insert_all(
            {"band": band, "key": key, "doc_id": record["doc_id"]}
            for band, key in enumerate(record["bands"])
        )


def save_extractions(
    db: sqlite_utils.Database, doc_id: str, tables: Mapping[str, list[dict[str, Any]]]
) -> None:
    """Replace every extraction of one document with `tables` (table name → rows)."""
    for name in EXTRACTION_TABLES:
        if name in tables:
            db.execute(f"DELETE FROM {name} WHERE doc_id = ?", [doc_id])
            rows = [{"doc_id": doc_id, **row} for row in tables[name]]
            if rows:
                db.table(name).insert_all(rows)


def save_organisations(
    db: sqlite_utils.Database, records: Iterable[Mapping[str, Any]]
) -> dict[str, int]:
    """Insert or update organisations by canonical name; returns name → id.

    A record's `parent` (a canonical name) becomes `parent_id`. Existing codes, kinds and
    parents are kept unless the record brings a value.
    """
    ids: dict[str, int] = {}
    pending_parents: list[tuple[str, str]] = []
    for record in records:
        name = record["name"]
        existing = db.execute(
            "SELECT id, kind, ods_code, aliases, origin FROM organisations WHERE name = ?", [name]
        ).fetchone()
        aliases = sorted(set(record.get("aliases") or []))
        org_id: int
        if existing is None:
            row = {
                "name": name,
                "kind": record.get("kind") or "other",
                "ods_code": record.get("ods_code"),
                "aliases": json.dumps(aliases, ensure_ascii=False),
                "origin": record.get("origin") or "extracted",
                "closed": record.get("closed"),
            }
            org_id = int(db.table("organisations").insert(row).last_pk or 0)
        else:
            org_id = int(existing[0])
            merged = sorted(set(json.loads(existing[3] or "[]")) | set(aliases))
            updates: dict[str, Any] = {"aliases": json.dumps(merged, ensure_ascii=False)}
            if record.get("ods_code"):
                updates["ods_code"] = record["ods_code"]
            if record.get("kind") and (existing[1] in (None, "other") or record.get("ods_code")):
                updates["kind"] = record["kind"]
            if record.get("closed"):
                updates["closed"] = record["closed"]
            if record.get("origin") == "ods":
                updates["origin"] = "ods"
            db.table("organisations").update(org_id, updates)
        ids[name] = org_id
        if record.get("parent"):
            pending_parents.append((name, record["parent"]))
    for child, parent in pending_parents:
        parent_id = ids.get(parent) or org_id_by_name(db, parent)
        if parent_id is not None and parent_id != ids[child]:
            db.execute(
                "UPDATE organisations SET parent_id = ? WHERE id = ?", [parent_id, ids[child]]
            )
    return ids


def org_id_by_name(db: sqlite_utils.Database, name: str) -> int | None:
    row = db.execute("SELECT id FROM organisations WHERE name = ?", [name]).fetchone()
    return None if row is None else int(row[0])


def load_organisations(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Organisations imported from official files, as gazetteer entries for the extractor."""
    rows = db.execute(
        """SELECT o.name, o.kind, o.ods_code, p.name, o.aliases, o.closed
           FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id
           WHERE o.origin = 'ods' ORDER BY o.id"""
    ).fetchall()
    return [
        {
            "id": f"ods-{code or name}",
            "name": name,
            "kind": kind,
            "ods_code": code,
            "parent": parent,
            "aliases": json.loads(aliases or "[]"),
            "closed": closed,
        }
        for name, kind, code, parent, aliases, closed in rows
    ]
