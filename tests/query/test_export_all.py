"""`trustwatch export --all DIR`: every table and view as CSV and JSON Lines, with a README."""

from __future__ import annotations

import csv
import json

from pipeline.export import exportable
from pipeline.query.columns import COLUMNS
from pipeline.store import open_readonly, open_store

EXPECTED_ROWS = {
    "documents": 8,
    "organisations": 6,
    "org_mentions": 9,
    "ratings": 6,
    "counts": 7,
    "themes": 11,
    "repeat_signals": 1,
    "doc_categories": 11,
    "org_categories": 10,
    "recurring": 4,
    "failure_categories": 15,
    "rejects": 0,
}


def test_every_table_and_view_in_both_formats_with_readme(store, cli, tmp_path):
    out = tmp_path / "export"
    result = cli("export", "--all", str(out))
    assert result.exit_code == 0, result.stderr
    names = exportable(open_readonly(store))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["README.md", *(f"{n}.csv" for n in names), *(f"{n}.jsonl" for n in names)]
    )
    for name in names:
        with open(out / f"{name}.csv", encoding="utf-8", newline="") as handle:
            csv_rows = list(csv.DictReader(handle))
        jsonl_rows = [json.loads(line) for line in (out / f"{name}.jsonl").open(encoding="utf-8")]
        assert len(csv_rows) == len(jsonl_rows), name
        if name in EXPECTED_ROWS:
            assert len(jsonl_rows) == EXPECTED_ROWS[name], name
    documents = [json.loads(line) for line in (out / "documents.jsonl").open(encoding="utf-8")]
    assert {d["title"] for d in documents} >= {"Reading the signals", "Funding statement"}
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "| [counts](#counts) | table | 7 |" in readme
    assert "## recurring" in readme
    assert "| `what` | What is counted: singular head noun" in readme
    assert f"wrote {len(names)} tables and views" in result.stdout


def test_export_all_of_an_empty_store(empty, cli, tmp_path):
    out = tmp_path / "nothing"
    assert cli("export", "--all", str(out)).exit_code == 0
    assert (out / "documents.csv").read_text(encoding="utf-8").startswith("id,source,url,")
    assert (out / "documents.jsonl").read_text(encoding="utf-8") == ""


def test_table_and_all_together_is_a_usage_error(store, cli, tmp_path):
    result = cli("export", "counts", "--all", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "give a table or --all, not both" in result.stderr
    (tmp_path / "file").write_text("")
    result = cli("export", "--all", str(tmp_path / "file"))
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_every_exported_column_is_described(tmp_path):
    db = open_store(tmp_path / "shape.db", create=True)
    missing = []
    for name in exportable(db):
        columns = [d[0] for d in db.execute(f'SELECT * FROM "{name}" LIMIT 0').description]
        described = COLUMNS.get(name, {}).get("columns", {})
        missing += [f"{name}.{c}" for c in columns if c not in described]
        assert COLUMNS.get(name, {}).get("description"), name
    assert missing == []
