"""The browser view: the store served read-only by Datasette, described and with canned queries.

`metadata(db)` says what every table, view and column holds (from `pipeline.query.columns`,
which the export README reads too), which columns to facet on, which column labels a foreign
key, and adds canned queries for the questions people come with.
`serve()` runs Datasette on the store as an immutable file: nobody can write through the
browser, and Datasette may count and cache freely. Datasette is the optional `web` extra, so
it is imported only here, and only when serving.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline.errors import TrustwatchError
from pipeline.query.columns import COLUMNS
from pipeline.store import open_readonly

INSTALL_HINT = "install the web extra: pip install 'trustwatch[web]'"

SETTINGS: dict[str, Any] = {
    "truncate_cells_html": 400,
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 1000,
}

# What the browser adds to the descriptions of `pipeline.query.columns`: facets, the column that
# labels a row where another table points at it, sorting, the full-text index, hidden tables.
TABLES: dict[str, dict[str, Any]] = {
    "documents": {
        "label_column": "title",
        "fts_table": "documents_fts",
        "facets": ["kind", "format"],
        "sort_desc": "published",
        "sortable_columns": ["published", "title", "kind", "n_chars", "ingested_at"],
    },
    "organisations": {"label_column": "name", "facets": ["kind", "origin"]},
    "org_mentions": {"facets": ["org_id", "rule"]},
    "ratings": {"facets": ["domain", "rating", "service"]},
    "counts": {"facets": ["category", "what"], "sort_desc": "value"},
    "themes": {"facets": ["category", "speaker", "negated"]},
    "repeat_signals": {"facets": ["rule"]},
    "doc_categories": {"facets": ["category", "method"]},
    "org_categories": {"facets": ["category", "method"]},
    "failure_attributions": {"facets": ["category", "organisation"], "sort_desc": "published"},
    "recurring": {"facets": ["category", "organisation"], "sort_desc": "n_documents"},
    "rating_history": {
        "facets": ["organisation", "domain", "rating", "service"],
        "sort_desc": "year",
    },
    "count_evidence": {"facets": ["category", "what"]},
    "theme_evidence": {"facets": ["category", "speaker", "negated"]},
    "document_summary": {"facets": ["kind", "format"], "sort_desc": "published"},
    "doc_minhash": {"hidden": True},
    "lsh_bands": {"hidden": True},
    "cache_keys": {"hidden": True},
    "recurring_cache": {"hidden": True},
    "schema_migrations": {"hidden": True},
}

QUERIES: dict[str, dict[str, str]] = {
    "failures-by-organisation-and-year": {
        "title": "Failures by organisation and year",
        "description": "How many stories attribute each failure category to an organisation, "
        "per year of publication. Leave organisation empty for all.",
        "sql": """
SELECT organisation, substr(published, 1, 4) AS year, category,
  count(DISTINCT coalesce(story_id, doc_id)) AS n_documents,
  max(repeat_signalled) AS repeat_signalled
FROM failure_attributions
WHERE :organisation = '' OR organisation LIKE '%' || :organisation || '%'
GROUP BY org_id, year, category
ORDER BY organisation, year, n_documents DESC, category""",
    },
    "recurring-failures": {
        "title": "Recurring failures",
        "description": "Failures evidenced for the same organisation on two or more dates, "
        "or said to be a repeat; most stories first. Leave category empty for all.",
        "sql": """
SELECT r.organisation, r.category, c.label, r.n_documents, r.n_dates, r.first_date,
  r.last_date, r.repeat_signalled, replace(r.doc_ids, ',', ', ') AS doc_ids
FROM recurring r LEFT JOIN failure_categories c ON c.category = r.category
WHERE :category = '' OR r.category = :category
ORDER BY r.n_documents DESC, r.n_dates DESC, r.organisation, r.category""",
    },
    "rating-history": {
        "title": "Rating history of an organisation",
        "description": "CQC ratings of organisations whose name contains the text given "
        "(and of the hospitals they run), oldest first.",
        "sql": """
SELECT organisation, year, coalesce(service, 'whole organisation') AS service, domain,
  rating, previous_rating, published, title, evidence, doc_id
FROM rating_history
WHERE org_id IN (
  SELECT id FROM organisations WHERE name LIKE '%' || :organisation || '%'
  UNION
  SELECT child.id FROM organisations child JOIN organisations parent
    ON parent.id = child.parent_id
  WHERE parent.name LIKE '%' || :organisation || '%')
ORDER BY organisation, year, service, domain""",
    },
    "counts-of-deaths": {
        "title": "Counts of deaths with evidence",
        "description": "Every count of deaths (including stillbirths and neonatal deaths) "
        "with the words around it and the document it comes from.",
        "sql": """
SELECT d.title, d.published, c.qualifier, c.value, c.denominator, c.what,
  c.text AS count_text,
  trim(substr(d.text, max(c.start - 200, 0) + 1,
    c."end" - max(c.start - 200, 0) + 200)) AS evidence,
  c.doc_id
FROM counts c JOIN documents d ON d.id = c.doc_id
WHERE c.category = 'death'
ORDER BY d.published, c.doc_id, c.start""",
    },
}


def database_name(db: sqlite_utils.Database) -> str:
    """The name Datasette gives the store: its file name without the suffix."""
    row = db.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    return Path(path).stem if path else "trustwatch"


def store_description(db: sqlite_utils.Database) -> str:
    """One line on what the store holds, shown on the database page."""
    n_docs, first, last = db.execute(
        "SELECT count(*), min(published), max(published) FROM documents"
    ).fetchone()
    n_orgs = db.execute("SELECT count(*) FROM organisations").fetchone()[0]
    span = f", published {first} to {last}" if first else ""
    return (
        f"{n_docs} documents about {n_orgs} organisations{span}. Start with the canned "
        "queries below, or open a view: the common joins are one click away."
    )


def table_metadata(name: str) -> dict[str, Any]:
    """Datasette metadata for one table or view: its descriptions from `pipeline.query.columns`
    (the single source, shared with the export README), then the browser's own settings."""
    described = COLUMNS.get(name, {})
    meta: dict[str, Any] = {}
    if described.get("description"):
        meta["description"] = described["description"]
    if described.get("columns"):
        meta["columns"] = dict(described["columns"])
    meta.update(TABLES.get(name, {}))
    return meta


def metadata(db: sqlite_utils.Database) -> dict[str, Any]:
    """Datasette metadata for the store: descriptions, facets, labels, search, canned queries."""
    present = set(db.table_names()) | set(db.view_names())
    tables = {name: table_metadata(name) for name in {**COLUMNS, **TABLES} if name in present}
    return {
        "title": "trustwatch: NHS care failures",
        "description": "Organisations, CQC ratings, counts and failure themes extracted "
        "from news and official reports about failures in NHS care, with the evidence "
        "sentence for each.",
        "databases": {
            database_name(db): {
                "description": store_description(db),
                "tables": tables,
                "queries": {key: dict(query) for key, query in QUERIES.items()},
            }
        },
    }


def _datasette() -> tuple[Any, Any]:
    """Datasette and uvicorn, or a clear error when the web extra is not installed."""
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError as exc:
        raise TrustwatchError(f"the browser view needs Datasette; {INSTALL_HINT}") from exc
    return Datasette, uvicorn


def _check_port(host: str, port: int) -> None:
    """Fail clearly, before Datasette starts, when the address cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise TrustwatchError(f"cannot listen on {host}:{port}: {reason}") from exc


def prepare(db_path: str | Path) -> dict[str, Any]:
    """Bring the store to the current shape and fold its write-ahead log into the file.

    An immutable reader ignores the `-wal` file, so without the checkpoint the browser could
    miss the latest ingest. Returns the metadata for the store.
    """
    db = open_readonly(db_path)
    try:
        meta = metadata(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return meta


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8001,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve the store read-only in Datasette until interrupted; `announce` gets the URL."""
    datasette_class, uvicorn = _datasette()
    meta = prepare(db_path)
    _check_port(host, port)
    ds = datasette_class(immutables=[str(db_path)], metadata=meta, settings=SETTINGS)
    asyncio.run(ds.invoke_startup())
    if announce is not None:
        name = next(iter(meta["databases"]))
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{port}/{name}")
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
