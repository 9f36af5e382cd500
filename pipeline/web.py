"""The browser view: the store served read-only by Datasette, described and with canned queries.

`metadata(db)` says what every table, view and column holds, which columns to facet on, which
column labels a foreign key, and adds canned queries for the questions people come with.
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
from pipeline.store import open_readonly

INSTALL_HINT = "install the web extra: pip install 'trustwatch[web]'"

SETTINGS: dict[str, Any] = {
    "truncate_cells_html": 400,
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 1000,
}

DOC_ID = "Document the row was extracted from (documents.id)."
ORG_ID = "Organisation (organisations.id)."
START = "Character offset where the evidence starts in documents.text."
END = "Character offset where the evidence ends in documents.text (exclusive)."
RULE = "Name of the extraction rule that matched (for auditing)."
CATEGORY = "Failure category key (see the failure_categories view)."

TABLES: dict[str, dict[str, Any]] = {
    "documents": {
        "description": "One row per stored news story or report, with its full text.",
        "label_column": "title",
        "fts_table": "documents_fts",
        "facets": ["kind", "format"],
        "sort_desc": "published",
        "sortable_columns": ["published", "title", "kind", "n_chars", "ingested_at"],
        "columns": {
            "id": "Stable identifier (hash of the source and text).",
            "source": "Path as given to ingest, or the JSON Lines id (else PATH:LINE).",
            "url": "Where the document was published, when known.",
            "title": "Headline or report title.",
            "published": "Publication date (ISO), or NULL when unknown.",
            "kind": "news, inspection_report, pfd_report, press_release, ...",
            "text": "Full text; every offset in the store points into it.",
            "format": "Input format: text, markdown, html, pdf or jsonl.",
            "n_chars": "Length of the text in characters.",
            "page_map": "PDF page boundaries as character offsets (JSON).",
            "metadata": "Other keys of the input, kept as JSON.",
            "story_id": "Shared by near-duplicate copies of one story; they count once.",
            "ingested_at": "When the document was stored (UTC).",
            "pipeline_version": "Extraction version that produced its rows.",
            "extracted_at": "When its extractions were last computed (UTC).",
            "main_org_id": "The organisation the document is mainly about.",
        },
    },
    "organisations": {
        "description": "NHS trusts, hospitals, health boards, commissioners and regulators.",
        "label_column": "name",
        "facets": ["kind", "origin"],
        "columns": {
            "id": "Identifier used by the other tables' org_id.",
            "name": "Canonical name, e.g. The Dudley Group NHS Foundation Trust.",
            "kind": "trust, hospital, health_board, commissioner, regulator or other.",
            "ods_code": "Official ODS code, NULL where unknown.",
            "parent_id": "For a hospital: the trust that runs it.",
            "aliases": "Other names it is mentioned by (JSON list).",
            "origin": "ods (official file), gazetteer or extracted (found in text only).",
            "closed": "Date the organisation closed or merged, if it has.",
        },
    },
    "org_mentions": {
        "description": "Each place a document names an organisation.",
        "facets": ["org_id", "rule"],
        "columns": {
            "doc_id": DOC_ID,
            "org_id": ORG_ID,
            "start": START,
            "end": END,
            "text": "The words as written in the document.",
            "rule": RULE,
            "score": "Match confidence in [0, 1] (1 for exact names).",
        },
    },
    "ratings": {
        "description": "CQC ratings stated in documents: organisation, service, domain, rating.",
        "facets": ["domain", "rating", "service"],
        "columns": {
            "doc_id": DOC_ID,
            "org_id": "Organisation rated (NULL where it could not be resolved).",
            "service": "Service rated, lower case (e.g. maternity); NULL for the whole body.",
            "domain": "overall, safe, effective, caring, responsive or well-led.",
            "rating": "outstanding, good, requires improvement or inadequate.",
            "previous_rating": "The rating before, where the document states it.",
            "year": "Year of the rating, where known.",
            "start": START,
            "end": END,
            "sent_start": "Offset where the evidence sentence starts.",
            "sent_end": "Offset where the evidence sentence ends.",
            "rule": RULE,
        },
    },
    "counts": {
        "description": "Numbers reported in documents: deaths, harms, incidents, staff, money.",
        "facets": ["category", "what"],
        "sort_desc": "value",
        "columns": {
            "doc_id": DOC_ID,
            "value": "The number, as a float.",
            "qualifier": "at least, more than, fewer than, about, up to, or NULL.",
            "denominator": "The 202 in '97 of the 202 cases', else NULL.",
            "what": "What was counted (singular noun, e.g. stillbirth, midwife).",
            "category": "death, harm, incident, case, staff, money, percentage, duration, other.",
            "start": START,
            "end": END,
            "text": "The count as written in the document.",
            "rule": RULE,
        },
    },
    "themes": {
        "description": "Sentences that evidence a failure category (rules over the text).",
        "facets": ["category", "speaker", "negated"],
        "columns": {
            "doc_id": DOC_ID,
            "category": CATEGORY,
            "start": "Offset where the evidence sentence starts.",
            "end": "Offset where the evidence sentence ends.",
            "negated": "1 when the sentence denies the failure ('no concerns about ...').",
            "speaker": "Who says it, where the sentence attributes it.",
            "cue_start": "Offset where the cue words start.",
            "cue_end": "Offset where the cue words end.",
            "rule": RULE,
        },
    },
    "repeat_signals": {
        "description": "Sentences saying a failing is a repeat ('the same failings again').",
        "facets": ["rule"],
        "columns": {
            "doc_id": DOC_ID,
            "start": START,
            "end": END,
            "sent_start": "Offset where the sentence starts.",
            "sent_end": "Offset where the sentence ends.",
            "text": "The signalling words.",
            "rule": RULE,
        },
    },
    "doc_categories": {
        "description": "Failure categories assigned to each document (one row per category).",
        "facets": ["category", "method"],
        "columns": {
            "doc_id": DOC_ID,
            "category": CATEGORY,
            "score": "Confidence in [0, 1].",
            "method": "model, rules or both.",
            "start": "Offset where the best evidence starts.",
            "end": "Offset where the best evidence ends.",
        },
    },
    "org_categories": {
        "description": "Failure categories attributed to the organisations answerable for them.",
        "facets": ["category", "method"],
        "columns": {
            "doc_id": DOC_ID,
            "org_id": "Organisation the failure is attributed to (a hospital's trust).",
            "category": CATEGORY,
            "start": "Offset where the evidence starts.",
            "end": "Offset where the evidence ends.",
            "method": "How it was attributed: main organisation or named in the evidence.",
        },
    },
    "rejects": {
        "description": "Inputs that could not be stored, with the reason.",
        "columns": {"path": "File (or file:line).", "reason": "Why.", "at": "When (UTC)."},
    },
    "ingested_files": {
        "description": "Files already ingested, by content hash (re-ingesting skips them).",
        "columns": {
            "sha256": "Hash of the file's bytes.",
            "path": "Path as given.",
            "size": "Bytes.",
            "n_documents": "Documents it held.",
            "ingested_at": "When (UTC).",
        },
    },
    "failure_attributions": {
        "description": "Each failure attributed to an organisation, with its evidence sentence.",
        "facets": ["category", "organisation"],
        "sort_desc": "published",
        "columns": {
            "organisation": "Name of the organisation answerable.",
            "category": CATEGORY,
            "published": "Publication date of the document.",
            "evidence": "The sentence that evidences the failure.",
            "repeat_signalled": "1 when the document says the failing is a repeat.",
            "story_id": "Near-duplicate copies share it.",
        },
    },
    "recurring": {
        "description": "Failures that keep coming back: per organisation and category, "
        "evidenced on two or more dates, or said to be a repeat.",
        "facets": ["category", "organisation"],
        "sort_desc": "n_documents",
        "columns": {
            "organisation": "Name of the organisation.",
            "category": CATEGORY,
            "n_documents": "Distinct stories evidencing it (near-duplicates count once).",
            "n_dates": "Distinct publication dates among them.",
            "first_date": "Earliest publication date.",
            "last_date": "Latest publication date.",
            "repeat_signalled": "1 when a document says the failing is a repeat.",
            "doc_ids": "The documents, comma separated.",
        },
    },
    "rating_history": {
        "description": "Every CQC rating with its organisation, year and evidence sentence.",
        "facets": ["organisation", "domain", "rating", "service"],
        "sort_desc": "year",
        "columns": {
            "organisation": "Name of the organisation rated.",
            "year": "Year of the rating (else the document's year).",
            "evidence": "The sentence stating the rating.",
        },
    },
    "count_evidence": {
        "description": "Every count with its document's title and date.",
        "facets": ["category", "what"],
        "columns": {"text": "The count as written.", "value": "The number."},
    },
    "theme_evidence": {
        "description": "Every failure-category sentence with its document's title and date.",
        "facets": ["category", "speaker", "negated"],
        "columns": {"evidence": "The sentence.", "negated": "1 when the failure is denied."},
    },
    "document_summary": {
        "description": "Documents with how many organisations, ratings, counts, themes each has.",
        "facets": ["kind", "format"],
        "sort_desc": "published",
    },
    "failure_categories": {
        "description": "The failure taxonomy: category keys, labels and definitions.",
        "columns": {
            "category": "Key used in the other tables.",
            "label": "Short label.",
            "definition": "What the category covers.",
        },
    },
    "doc_minhash": {"hidden": True},
    "lsh_bands": {"hidden": True},
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


def metadata(db: sqlite_utils.Database) -> dict[str, Any]:
    """Datasette metadata for the store: descriptions, facets, labels, search, canned queries."""
    present = set(db.table_names()) | set(db.view_names())
    tables = {name: dict(meta) for name, meta in TABLES.items() if name in present}
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
