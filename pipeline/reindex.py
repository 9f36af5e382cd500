"""`trustwatch reindex`: re-run extraction over stored documents whose results are stale.

A document is stale when its `pipeline_version` differs from the current one (rules, imported
organisations or model changed). Each batch replaces its documents' extractions and stamps the
new version in one transaction, so a killed run resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from pipeline.analyse import Analyzer, save_analysis
from pipeline.progress import Progress
from pipeline.store import now, open_store, transaction

STALE = "stale"


@dataclass
class ReindexSummary:
    reindexed: int = 0
    up_to_date: int = 0
    version: str = ""


def reindex(
    db_path: str | Path, progress: Progress, force: bool = False, batch_size: int = 64
) -> ReindexSummary:
    db = open_store(db_path)
    try:
        return reindex_store(db, progress, force=force, batch_size=batch_size)
    finally:
        db.close()


def reindex_store(
    db: sqlite_utils.Database, progress: Progress, force: bool = False, batch_size: int = 64
) -> ReindexSummary:
    analyzer = Analyzer.for_store(db, batch_size=batch_size)
    summary = ReindexSummary(version=analyzer.version)
    if force:
        with transaction(db):
            db.execute("UPDATE documents SET pipeline_version = ?", [STALE])
    total = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    stale_sql = "FROM documents WHERE pipeline_version IS NOT ? OR pipeline_version IS NULL"
    n_stale = db.execute(f"SELECT count(*) {stale_sql}", [analyzer.version]).fetchone()[0]
    summary.up_to_date = total - n_stale
    progress.start(total=n_stale, what="documents")
    last_rowid = 0
    while True:
        batch = db.execute(
            f"SELECT rowid, id, text {stale_sql} AND rowid > ? ORDER BY rowid LIMIT ?",
            [analyzer.version, last_rowid, batch_size],
        ).fetchall()
        if not batch:
            break
        last_rowid = batch[-1][0]
        analyses = analyzer.analyse([text for _, _, text in batch])
        with transaction(db):
            for (_, doc_id, text), analysis in zip(batch, analyses, strict=True):
                save_analysis(db, doc_id, text, analysis)
                db.execute(
                    "UPDATE documents SET pipeline_version = ?, extracted_at = ? WHERE id = ?",
                    [analyzer.version, now(), doc_id],
                )
        summary.reindexed += len(batch)
        progress.advance(summary.reindexed, steps=len(batch))
    progress.stop()
    return summary
