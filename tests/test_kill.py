"""Killing `trustwatch ingest` mid-run leaves a store that opens, and a re-run finishes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

N_DOCS = 3000


def count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_kill_mid_ingest_then_resume(tmp_path):
    feed = tmp_path / "feed.jsonl"
    with feed.open("w") as out:
        for i in range(N_DOCS):
            text = (
                f"Report {i}: the coroner found that observations of patient {i} were not "
                f"recorded for {i % 90 + 5} minutes and that {i % 7 + 2} nurses were on duty. " * 12
            )
            out.write(json.dumps({"id": f"r{i}", "text": text}) + "\n")
    db = tmp_path / "killed.db"
    command = [
        sys.executable, "-c", "from cli import app; app()",
        "--db", str(db), "ingest", "--quiet", "--batch-size", "25", str(feed),
    ]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while count(db) < 100 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = count(db)
    assert 0 < stored < N_DOCS, "the process should be killed part way"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert stored % 25 == 0, "only whole batches are committed"
        orphans = conn.execute(
            "SELECT count(*) FROM counts WHERE doc_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        assert orphans == 0
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"stored {N_DOCS - stored}, duplicates {stored}, near-duplicates 0, rejected 0"
    )
    assert count(db) == N_DOCS
