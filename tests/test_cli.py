"""Query commands of the foundation: search, stats, export; missing stores; formats."""

from __future__ import annotations

import csv
import io
import json

from tests.test_ingest import STORY


def ingest_story(tmp_path, cli):
    (tmp_path / "a.txt").write_text(
        "---\ntitle: Midwives\npublished: 2021-03-04\n---\n" + STORY, encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("The ambulance service said handover delays had fallen.")
    assert cli("ingest", "--quiet", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")).exit_code == 0


def test_query_commands_on_missing_store_exit_1(cli, db_path):
    for args in (("search", "x"), ("stats",), ("export", "documents")):
        result = cli(*args)
        assert result.exit_code == 1
        assert result.stderr.strip() == (
            f"trustwatch: error: no store at {db_path} (run `trustwatch ingest` to create one)"
        )
    assert not db_path.exists()


def test_search_ranks_and_highlights(tmp_path, cli):
    ingest_story(tmp_path, cli)
    result = cli("search", "midwives", "--format", "json")
    assert result.exit_code == 0
    hits = json.loads(result.stdout)
    assert [h["title"] for h in hits] == ["Midwives"]
    assert "[midwives]" in hits[0]["snippet"]
    stemmed = json.loads(cli("search", "delay", "--format", "json").stdout)
    assert len(stemmed) == 1 and "[delays]" in stemmed[0]["snippet"]


def test_search_formats_and_limit(tmp_path, cli):
    ingest_story(tmp_path, cli)
    out = cli("search", "the", "--format", "csv", "--limit", "1").stdout
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == 1
    assert list(table[0]) == ["id", "title", "published", "kind", "source", "snippet", "score"]
    lines = cli("search", "the", "--format", "jsonl").stdout.strip().splitlines()
    assert len(lines) == 2
    assert "Midwives" in cli("search", "midwives").stdout


def test_malformed_fts_query_is_a_clear_usage_error(tmp_path, cli):
    ingest_story(tmp_path, cli)
    result = cli("search", '"unbalanced')
    assert result.exit_code == 2
    assert result.stderr.startswith("trustwatch: error: search: cannot parse query")
    assert "Traceback" not in result.stderr


def test_stats_json(tmp_path, cli):
    ingest_story(tmp_path, cli)
    figures = json.loads(cli("stats", "--format", "json").stdout)
    assert figures["documents"] == 2
    assert figures["by_format"] == {"text": 2}
    assert figures["published"] == {"first": "2021-03-04", "last": "2021-03-04", "undated": 1}
    assert figures["schema_version"] >= 2


def test_export_streams_each_format(tmp_path, cli):
    ingest_story(tmp_path, cli)
    lines = cli("export", "documents", "--format", "jsonl").stdout.strip().splitlines()
    assert sorted(json.loads(line)["title"] or "" for line in lines) == ["", "Midwives"]
    data = json.loads(cli("export", "documents", "--format", "json").stdout)
    assert len(data) == 2
    rows = list(csv.DictReader(io.StringIO(cli("export", "rejects", "-f", "csv").stdout)))
    assert rows == []


def test_export_unknown_table_lists_choices(tmp_path, cli):
    ingest_story(tmp_path, cli)
    result = cli("export", "nosuch")
    assert result.exit_code == 2
    assert "no table or view 'nosuch'; choose from" in result.stderr
    assert "documents_fts" not in result.stderr
    assert cli("export", "documents", "--format", "xml").exit_code == 2


def test_db_from_environment(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cli import app

    store = tmp_path / "env.db"
    monkeypatch.setenv("TRUSTWATCH_DB", str(store))
    (tmp_path / "a.txt").write_text(STORY)
    result = CliRunner().invoke(app, ["ingest", "--quiet", str(tmp_path / "a.txt")])
    assert result.exit_code == 0
    assert store.exists()
