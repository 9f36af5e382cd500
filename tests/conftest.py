"""Shared fixtures: temporary stores, the CLI runner, and where ../shared lives."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "data" / "seeds"
PFD = SHARED / "data" / "pfd" / "reports.jsonl"
ODS = SHARED / "data" / "ods"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not present")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def cli(db_path: Path):
    """Run `trustwatch --db <tmp store> ARGS...`; returns the click Result."""
    runner = CliRunner()

    def run(*args: str, db: Path | None = None):
        return runner.invoke(app, ["--db", str(db or db_path), *args], catch_exceptions=False)

    return run
