"""The browser view's metadata and canned queries, and serve()'s errors (no browser needed)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipeline import web
from pipeline.errors import StoreMissing, TrustwatchError
from pipeline.query.columns import COLUMNS
from pipeline.store import open_store

FACETS = {
    "themes": {"category", "speaker"},
    "ratings": {"domain", "rating", "service"},
    "counts": {"category", "what"},
    "doc_categories": {"category", "method"},
    "org_categories": {"category"},
    "recurring": {"category", "organisation"},
}
PARAMETER = re.compile(r"(?<!:):(\w+)")


@pytest.fixture
def store(db_path: Path) -> Path:
    open_store(db_path, create=True).close()
    return db_path


@pytest.fixture
def meta(store: Path) -> dict[str, Any]:
    db = open_store(store)
    try:
        return web.metadata(db)
    finally:
        db.close()


def database(meta: dict[str, Any]) -> dict[str, Any]:
    return meta["databases"]["store"]


def test_metadata_describes_the_store(meta: dict[str, Any]) -> None:
    assert meta["title"] and meta["description"]
    db = database(meta)
    assert db["description"].startswith("0 documents about 0 organisations")
    tables = db["tables"]
    for name in ("documents", "organisations", "ratings", "counts", "themes", "recurring"):
        assert tables[name]["description"], name
    assert tables["ratings"]["columns"]["domain"]
    assert tables["counts"]["columns"]["denominator"]
    assert tables["organisations"]["label_column"] == "name"
    assert tables["documents"]["label_column"] == "title"
    assert tables["documents"]["fts_table"] == "documents_fts"
    assert tables["lsh_bands"]["hidden"] is True
    for name, facets in FACETS.items():
        assert facets <= set(tables[name]["facets"]), name


def test_described_columns_exist(store: Path, meta: dict[str, Any]) -> None:
    with sqlite3.connect(store) as db:
        for name, table in database(meta)["tables"].items():
            actual = {row[1] for row in db.execute(f"PRAGMA table_info({name})")}
            described = set(table.get("columns", {})) | set(table.get("facets", []))
            assert described <= actual, (name, described - actual)
            if "label_column" in table:
                assert table["label_column"] in actual


def shapes(path: Path) -> dict[str, list[str]]:
    """Every table and view of the store with its columns, bar the full-text shadow tables."""
    db = open_store(path)
    try:
        fts = db.table_names(fts5=True)
        names = [
            name
            for name in [*db.table_names(), *db.view_names()]
            if not any(name.startswith(f"{index}_") for index in fts)
        ]
        return {
            name: [d[0] for d in db.execute(f'SELECT * FROM "{name}" LIMIT 0').description]
            for name in names
        }
    finally:
        db.close()


def test_every_column_of_every_table_and_view_is_described(store: Path) -> None:
    tables = shapes(store)
    assert {"doc_categories", "org_categories", "counts", "ratings", "recurring"} <= set(tables)
    assert "doc_story_id" in tables["doc_categories"]  # migration 4's copied document facets
    undescribed = [name for name in tables if not COLUMNS.get(name, {}).get("description")]
    missing = [
        f"{name}.{column}"
        for name, columns in tables.items()
        for column in columns
        if not COLUMNS.get(name, {}).get("columns", {}).get(column)
    ]
    assert undescribed == []
    assert missing == []


def test_descriptions_come_from_the_columns_module(store: Path, meta: dict[str, Any]) -> None:
    tables = database(meta)["tables"]
    assert set(shapes(store)) <= set(tables)
    for name, table in tables.items():
        assert table["description"] == COLUMNS[name]["description"], name
        assert table["columns"] == COLUMNS[name]["columns"], name
    for name, own in web.TABLES.items():
        assert not {"description", "columns"} & set(own), name
        assert tables[name].items() >= own.items(), name


def test_canned_queries_run_on_an_empty_store(store: Path, meta: dict[str, Any]) -> None:
    queries = database(meta)["queries"]
    assert {q["title"] for q in queries.values()} == {
        "Failures by organisation and year",
        "Recurring failures",
        "Rating history of an organisation",
        "Counts of deaths with evidence",
    }
    with sqlite3.connect(store) as db:
        for query in queries.values():
            params = {name: "" for name in PARAMETER.findall(query["sql"])}
            assert db.execute(query["sql"], params).fetchall() == []


def test_canned_queries_parameters(meta: dict[str, Any]) -> None:
    queries = database(meta)["queries"]
    assert set(PARAMETER.findall(queries["recurring-failures"]["sql"])) == {"category"}
    assert set(PARAMETER.findall(queries["rating-history"]["sql"])) == {"organisation"}
    assert "category = 'death'" in queries["counts-of-deaths"]["sql"]


def populate(path: Path) -> None:
    """A trust with a hospital, staffing failures on two dates and one death count."""
    db = open_store(path)
    docs = [("a", "2019-01-02"), ("b", "2021-05-06")]
    for doc_id, published in docs:
        db.table("documents").insert(
            {"id": doc_id, "source": doc_id, "title": f"Story {doc_id}", "published": published,
             "story_id": doc_id, "text": "Two babies died. Staffing was short."}
        )  # fmt: skip
    db.table("organisations").insert({"id": 1, "name": "Example NHS Trust", "kind": "trust"})
    db.table("organisations").insert(
        {"id": 2, "name": "Example General Hospital", "kind": "hospital", "parent_id": 1}
    )
    for doc_id, _ in docs:
        db.table("org_categories").insert(
            {"doc_id": doc_id, "org_id": 1, "category": "staffing", "start": 17, "end": 36}
        )
    db.table("org_categories").insert(
        {"doc_id": "a", "org_id": 1, "category": "escalation", "start": 0, "end": 16}
    )
    db.table("ratings").insert(
        {"doc_id": "a", "org_id": 2, "service": "maternity", "domain": "safe",
         "rating": "inadequate", "year": 2019, "start": 0, "end": 4, "sent_start": 0,
         "sent_end": 16}
    )  # fmt: skip
    db.table("counts").insert(
        {"doc_id": "a", "value": 2, "what": "baby", "category": "death", "start": 0, "end": 10,
         "text": "Two babies"}
    )  # fmt: skip
    db.close()


def run(path: Path, sql: str, **params: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql, params).fetchall()


def test_canned_queries_on_a_small_store(store: Path, meta: dict[str, Any]) -> None:
    populate(store)
    queries = {key: q["sql"] for key, q in database(meta)["queries"].items()}
    recurring = run(store, queries["recurring-failures"], category="")
    assert [row[:4] for row in recurring] == [
        ("Example NHS Trust", "staffing", "Staffing and skill mix", 2)
    ]
    assert run(store, queries["recurring-failures"], category="staffing") == recurring
    assert run(store, queries["recurring-failures"], category="culture") == []
    history = run(store, queries["rating-history"], organisation="example nhs")
    assert [row[:5] for row in history] == [
        ("Example General Hospital", 2019, "maternity", "safe", "inadequate")
    ]
    assert run(store, queries["rating-history"], organisation="Nowhere") == []
    deaths = run(store, queries["counts-of-deaths"])
    assert [(row[0], row[3], row[6]) for row in deaths] == [("Story a", 2.0, "Two babies")]
    assert "Two babies died." in deaths[0][7]
    by_year = run(store, queries["failures-by-organisation-and-year"], organisation="")
    assert [row[:4] for row in by_year] == [
        ("Example NHS Trust", "2019", "escalation", 1),
        ("Example NHS Trust", "2019", "staffing", 1),
        ("Example NHS Trust", "2021", "staffing", 1),
    ]


def test_failure_categories_view_lists_the_taxonomy(store: Path) -> None:
    from pipeline.classify.taxonomy import LABELS

    with sqlite3.connect(store) as db:
        rows = dict(db.execute("SELECT category, label FROM failure_categories").fetchall())
    assert rows == LABELS


def test_datasette_serves_the_canned_queries(store: Path, meta: dict[str, Any]) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    ds = datasette_app.Datasette(immutables=[str(store)], metadata=meta, settings=web.SETTINGS)

    async def fetch(path: str) -> Any:
        await ds.invoke_startup()
        return await ds.client.get(path)

    for key in database(meta)["queries"]:
        response = asyncio.run(fetch(f"/store/{key}.json?_shape=array"))
        assert response.status_code == 200, (key, response.text)
        assert response.json() == []


def test_serve_on_a_missing_store_says_so(tmp_path: Path) -> None:
    pytest.importorskip("datasette")
    with pytest.raises(StoreMissing, match="no store at"):
        web.serve(tmp_path / "missing.db", port=0)
    assert not (tmp_path / "missing.db").exists()


def test_serve_without_datasette_names_the_extra(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_datasette(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("datasette") or name == "uvicorn":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasette)
    with pytest.raises(TrustwatchError, match=r"pip install 'trustwatch\[web\]'"):
        web.serve(store)


def test_serve_on_a_busy_port_says_so(store: Path) -> None:
    pytest.importorskip("datasette")
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(TrustwatchError, match=f"cannot listen on 127.0.0.1:{port}"):
            web.serve(store, port=port)
