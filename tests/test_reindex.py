"""`reindex` re-extracts stale documents only, batch by batch, and resumes after a failure."""

from __future__ import annotations

import json
import sqlite3

import pytest

from pipeline.analyse import Analyzer
from pipeline.progress import Progress
from pipeline.reindex import reindex


def versions(db):
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT pipeline_version FROM documents ORDER BY rowid")]


@pytest.fixture
def store(tmp_path, cli, db_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": f"Document number {i} text."}) + "\n"
                for i in range(10))
    )  # fmt: skip
    assert cli("ingest", "--quiet", str(feed)).exit_code == 0
    return db_path


def test_nothing_to_do_when_up_to_date(store, cli):
    result = cli("reindex", "--quiet")
    assert result.exit_code == 0
    assert result.stdout.startswith("reindexed 0, up to date 10 (pipeline ")


def test_only_stale_documents_are_reindexed(store, cli):
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE documents SET pipeline_version = 'old' WHERE rowid IN (2, 5, 7)")
    result = cli("reindex", "--quiet")
    assert result.stdout.startswith("reindexed 3, up to date 7 ")
    assert len(set(versions(store))) == 1


def test_all_forces_every_document(store, cli):
    assert cli("reindex", "--all", "--quiet").stdout.startswith("reindexed 10, up to date 0 ")


def test_resumes_after_a_failed_batch(store, monkeypatch):
    real = Analyzer.analyse
    calls = {"n": 0}

    def failing(self, texts):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real(self, texts)

    monkeypatch.setattr(Analyzer, "analyse", failing)
    with pytest.raises(RuntimeError):
        reindex(store, Progress(), force=True, batch_size=4)
    current = [v for v in versions(store) if v != "stale"]
    assert len(current) == 4, "the first batch was committed"
    monkeypatch.setattr(Analyzer, "analyse", real)
    summary = reindex(store, Progress(), batch_size=4)
    assert (summary.reindexed, summary.up_to_date) == (6, 4)
    assert versions(store) == [summary.version] * 10
