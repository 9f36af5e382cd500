"""`trustwatch orgs import`: load the official ODS organisation files into the store.

After an import every English trust (and the listed hospital sites) resolves to its ODS code,
and the extractor recognises them by name; stored documents become stale and `reindex`
re-resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.ods import read_sites, read_trusts
from pipeline.store import open_store, save_organisations, transaction


@dataclass
class ImportSummary:
    trusts: int = 0
    closed_trusts: int = 0
    sites: int = 0
    sites_with_parent: int = 0
    stale_documents: int = 0


def import_ods(
    db_path: str | Path, trusts_path: str | Path, sites_path: str | Path | None = None
) -> ImportSummary:
    trusts = read_trusts(trusts_path)
    names = {t["ods_code"]: t["name"] for t in trusts}
    sites = read_sites(sites_path, trusts=names) if sites_path else []
    summary = ImportSummary(
        trusts=len(trusts),
        closed_trusts=sum(1 for t in trusts if t.get("closed")),
        sites=len(sites),
        sites_with_parent=sum(1 for s in sites if s.get("parent") in names.values()),
    )
    db = open_store(db_path, create=True)
    try:
        with transaction(db):
            save_organisations(db, [{**t, "origin": "ods"} for t in trusts])
            save_organisations(db, [{**s, "origin": "ods"} for s in sites])
        summary.stale_documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        db.close()
    return summary
