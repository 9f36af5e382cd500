"""Migration 4: document facets copied onto category, count and rating rows stay in step."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from pipeline.migrations import DOCUMENT_FACETS, FACET_TABLES, MIGRATIONS
from pipeline.store import open_store
from tests.query.conftest import ident

FACETS = ", ".join(DOCUMENT_FACETS)


def facets(path, table, doc_id):
    with sqlite3.connect(path) as conn:
        return conn.execute(
            f"SELECT DISTINCT {FACETS} FROM {table} WHERE doc_id = ?", [doc_id]
        ).fetchall()


def test_rows_inserted_after_their_document_get_its_facets(store):
    for table in FACET_TABLES:
        assert facets(store, table, ident("e")) == [
            ("2022-10-19", 2022, ident("e"), "inspection_report")
        ], table
    assert facets(store, "doc_categories", ident("c")) == [
        ("2019-07-13", 2019, "dudley-2019", "news")
    ]
    assert facets(store, "counts", ident("h")) == [(None, None, ident("h"), "press_release")]


def test_changing_a_document_updates_the_copies(store):
    with sqlite3.connect(store) as conn:
        conn.execute(
            "UPDATE documents SET published = '2021', story_id = 's', kind = 'news' WHERE id = ?",
            [ident("e")],
        )
    for table in FACET_TABLES:
        assert facets(store, table, ident("e")) == [("2021", 2021, "s", "news")], table


def test_migration_backfills_an_older_store(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    old.table("schema_migrations").create({"version": int, "name": str, "applied_at": str})
    for version, name, migrate in MIGRATIONS[:3]:
        migrate(old)
        old.table("schema_migrations").insert({"version": version, "name": name})
    old.table("documents").insert(
        {"id": "d1", "source": "s", "text": "t", "published": "2020-05-01", "kind": "news"}
    )
    old.table("doc_categories").insert({"doc_id": "d1", "category": "culture"})
    old.close()
    open_store(path).close()
    assert facets(path, "doc_categories", "d1") == [("2020-05-01", 2020, "d1", "news")]
