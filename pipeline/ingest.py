"""`trustwatch ingest`: read inputs, store new documents with their extractions, in batches.

Each batch (documents, their extractions, near-duplicate keys, the files it completes and the
rejections met) is one transaction: a killed process loses at most the batch in flight, and a
re-run skips what is stored (by file digest, then by content id) and finishes the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline.analyse import Analyzer, save_analysis
from pipeline.documents import Document
from pipeline.errors import InputRejected
from pipeline.neardup import Signature, find_story, signature
from pipeline.progress import Progress
from pipeline.sources import InputFile, file_digest, find_inputs, read_input
from pipeline.store import (
    document_exists,
    file_seen,
    now,
    open_store,
    save_documents,
    save_files,
    save_minhashes,
    save_rejects,
    transaction,
)

RejectHandler = Callable[[InputRejected], None]


@dataclass
class IngestSummary:
    stored: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    rejected: int = 0
    files: int = 0
    by_format: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0


@dataclass
class _Batch:
    docs: list[Document] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    files: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[InputRejected] = field(default_factory=list)


class Ingester:
    """Stores documents into one store; `run` takes the paths of one command."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        on_reject: RejectHandler | None = None,
        batch_size: int = 64,
        store_path: Path | None = None,
    ) -> None:
        self.db = db
        self.store_path = store_path
        self.on_reject = on_reject
        self.batch_size = batch_size
        self.analyzer = Analyzer.for_store(db, batch_size=batch_size)
        self.summary = IngestSummary()
        self._batch = _Batch()

    def run(self, paths: list[str], progress: Progress) -> IngestSummary:
        inputs = list(find_inputs(paths, exclude=self.store_path))
        progress.start(total=len(inputs), what="files")
        for item in inputs:
            if isinstance(item, InputRejected):
                self._reject(item)
            else:
                self._ingest_file(item)
            progress.advance(self.summary.stored)
        self._flush()
        progress.stop()
        return self.summary

    def _ingest_file(self, item: InputFile) -> None:
        self.summary.files += 1
        digest = file_digest(item.path)
        seen = file_seen(self.db, digest)
        if seen is not None:
            self.summary.duplicates += max(seen, 1)
            return
        n_docs = rejected = 0
        try:
            for result in read_input(item):
                if isinstance(result, InputRejected):
                    rejected += 1
                    self._reject(result)
                    continue
                n_docs += 1
                self._add(result)
        except InputRejected as exc:
            self._reject(exc)
            return
        if not rejected:
            self._batch.files.append(
                {
                    "sha256": digest,
                    "path": item.name,
                    "size": item.path.stat().st_size,
                    "n_documents": n_docs,
                    "ingested_at": now(),
                }
            )

    def _add(self, doc: Document) -> None:
        doc_id = doc.id
        if doc_id in self._batch.ids or document_exists(self.db, doc_id):
            self.summary.duplicates += 1
            return
        self._batch.docs.append(doc)
        self._batch.ids.add(doc_id)
        if len(self._batch.docs) >= self.batch_size:
            self._flush()

    def _reject(self, rejection: InputRejected) -> None:
        self.summary.rejected += 1
        self._batch.rejects.append(rejection)
        if self.on_reject is not None:
            self.on_reject(rejection)

    def _flush(self) -> None:
        batch, self._batch = self._batch, _Batch()
        analyses = self.analyzer.analyse([doc.text for doc in batch.docs])
        signatures = [signature(doc.id, doc.text) for doc in batch.docs]
        with transaction(self.db):
            pending: list[tuple[Signature, str]] = []
            for doc, analysis, sig in zip(batch.docs, analyses, signatures, strict=True):
                story = find_story(self.db, sig, pending)
                if story is not None:
                    self.summary.near_duplicates += 1
                story = story or doc.id
                pending.append((sig, story))
                save_documents(self.db, [document_row(doc, story, self.analyzer.version)])
                save_minhashes(
                    self.db,
                    [{"doc_id": doc.id, "signature": sig.values.tobytes(), "bands": sig.bands}],
                )
                save_analysis(self.db, doc.id, doc.text, analysis)
                self.summary.stored += 1
                self.summary.by_format[doc.format] = self.summary.by_format.get(doc.format, 0) + 1
            save_rejects(self.db, ({"path": r.source, "reason": r.reason} for r in batch.rejects))
            save_files(self.db, batch.files)


def document_row(doc: Document, story_id: str, version: str) -> dict[str, Any]:
    stamp = now()
    return {
        "id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "published": doc.published,
        "kind": doc.kind,
        "text": doc.text,
        "format": doc.format,
        "n_chars": len(doc.text),
        "page_map": doc.page_map,
        "metadata": doc.metadata or None,
        "story_id": story_id,
        "ingested_at": stamp,
        "pipeline_version": version,
        "extracted_at": stamp,
    }


def ingest(
    db_path: str | Path,
    paths: Iterable[str],
    progress: Progress,
    on_reject: RejectHandler | None = None,
    batch_size: int = 64,
) -> IngestSummary:
    """Ingest `paths` into the store at `db_path`, creating it if needed."""
    db = open_store(db_path, create=True)
    try:
        ingester = Ingester(
            db, on_reject=on_reject, batch_size=batch_size, store_path=Path(db_path)
        )
        return ingester.run(list(paths), progress)
    finally:
        db.close()
