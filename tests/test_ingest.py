"""End-to-end ingest through the CLI: formats, duplicates, rejections, exit codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.pdfs import corrupt_pdf, encrypted_pdf, text_pdf

STORY = (
    "Inspectors from the Care Quality Commission found that the maternity unit at the hospital "
    "did not have enough midwives on most night shifts, and that women in labour waited too long "
    "to be seen by a doctor. The report said that concerns raised by families had been dismissed "
    "and that learning from serious incidents was not shared across the trust. The chief "
    "executive said the trust accepted the findings in full and had recruited twelve midwives "
    "since the inspection, with a new head of midwifery starting in the spring."
)


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def make_inputs(folder: Path) -> None:
    folder.mkdir()
    (folder / "story.txt").write_text(
        "---\ntitle: Maternity unit short of midwives\npublished: 2021-03-04\nkind: news\n---\n\n"
        + STORY,
        encoding="utf-8",
    )
    (folder / "notes.md").write_text("# Board notes\n\nThe **board** met on Tuesday.\n")
    (folder / "page.html").write_text(
        "<!doctype html><html><head><title>Rated</title>"
        '<meta property="article:published_time" content="2022-02-01"></head><body>'
        "<nav>Home | News</nav><article><p>The trust was rated inadequate overall by inspectors "
        "after a visit in the autumn, and its leaders were told to act quickly on safety.</p>"
        "</article><footer>Copyright</footer></body></html>"
    )
    (folder / "report.pdf").write_bytes(text_pdf(["A report on delays in triage.", "Page two."]))
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "pr-1", "text": "Press release one.", "published": "2023-01-01"})
        + "\n"
        + json.dumps({"text": "Press release two."})
        + "\n"
    )


def test_every_format_is_stored_once(tmp_path, cli, db_path):
    make_inputs(tmp_path / "in")
    result = cli("ingest", "--quiet", str(tmp_path / "in"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "stored 6, duplicates 0, near-duplicates 0, rejected 0"
    got = rows(db_path, "SELECT format, kind, published, title FROM documents ORDER BY format")
    assert got == [
        ("html", None, "2022-02-01", "Rated"),
        ("jsonl", None, "2023-01-01", None),
        ("jsonl", None, None, None),
        ("markdown", None, None, None),
        ("pdf", None, "2020-05-01", "Test report"),
        ("text", "news", "2021-03-04", "Maternity unit short of midwives"),
    ]
    sources = {r[0] for r in rows(db_path, "SELECT source FROM documents")}
    assert f"{tmp_path / 'in'}/feed.jsonl:2" in sources
    assert "pr-1" in sources
    assert rows(db_path, "SELECT text FROM documents WHERE format = 'markdown'") == [
        ("Board notes\n\nThe board met on Tuesday.",)
    ]
    page_map = rows(db_path, "SELECT page_map FROM documents WHERE format = 'pdf'")[0][0]
    assert json.loads(page_map) == [[1, 0], [2, 31]]


def test_second_run_stores_nothing_new(tmp_path, cli, db_path):
    make_inputs(tmp_path / "in")
    cli("ingest", "--quiet", str(tmp_path / "in"))
    again = cli("ingest", "--quiet", str(tmp_path / "in"))
    assert again.exit_code == 0
    assert again.stdout.strip() == "stored 0, duplicates 6, near-duplicates 0, rejected 0"
    assert rows(db_path, "SELECT count(*) FROM documents") == [(6,)]


def test_same_content_from_two_paths_is_one_document(tmp_path, cli, db_path):
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text("\n\n" + STORY.replace(". ", ".  ") + "\n")
    result = cli("ingest", "--quiet", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.stdout.strip() == "stored 1, duplicates 1, near-duplicates 0, rejected 0"


def test_near_duplicate_copy_shares_the_story(tmp_path, cli, db_path):
    (tmp_path / "a.txt").write_text(STORY)
    edited = STORY.replace("twelve midwives", "12 midwives").replace("spring", "summer")
    (tmp_path / "b.txt").write_text("By our health correspondent\n\n" + edited)
    (tmp_path / "c.txt").write_text("An unrelated story about hospital car parking charges.")
    result = cli("ingest", "--quiet", str(tmp_path))
    assert result.stdout.strip() == "stored 3, duplicates 0, near-duplicates 1, rejected 0"
    stories = rows(db_path, "SELECT source, story_id = id FROM documents ORDER BY source")
    assert [s[1] for s in stories] == [1, 0, 1]
    assert rows(db_path, "SELECT count(DISTINCT story_id) FROM documents") == [(2,)]


def test_bad_inputs_are_named_and_the_rest_is_stored(tmp_path, cli, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "latin1.txt").write_bytes("Caf\xe9 menu".encode("latin-1"))
    (folder / "corrupt.pdf").write_bytes(corrupt_pdf())
    (folder / "locked.pdf").write_bytes(encrypted_pdf(["Secret report text on a page."]))
    (folder / "mixed.jsonl").write_text(
        '{"text": "Good line one."}\n{oops\n{"text": "Good two."}\n'
    )
    result = cli("ingest", "--quiet", str(folder), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert result.stdout.strip() == "stored 3, duplicates 0, near-duplicates 0, rejected 7"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 7
    expected = {
        f"{folder}/binary.txt": "binary content (a PNG image)",
        f"{folder}/corrupt.pdf": "corrupt or unreadable PDF",
        f"{folder}/empty.txt": "empty file",
        f"{folder}/latin1.txt": "not valid UTF-8 (byte 0xe9 at offset 3)",
        f"{folder}/locked.pdf": "encrypted PDF",
        f"{folder}/mixed.jsonl:2": "not valid JSON",
        f"{tmp_path}/missing.txt": "no such file or folder",
    }
    for line in lines:
        assert line.startswith("trustwatch: rejected ")
        source, _, reason = line.removeprefix("trustwatch: rejected ").partition(": ")
        assert reason.startswith(expected.pop(source))
    assert expected == {}
    assert rows(db_path, "SELECT count(*) FROM rejects") == [(7,)]


def test_file_with_rejected_lines_is_reread_next_time(tmp_path, cli):
    feed = tmp_path / "mixed.jsonl"
    feed.write_text('{"text": "Good line one."}\n[]\n')
    assert cli("ingest", "--quiet", str(feed)).exit_code == 1
    again = cli("ingest", "--quiet", str(feed))
    assert again.exit_code == 1
    assert again.stdout.strip() == "stored 0, duplicates 1, near-duplicates 0, rejected 1"


def test_store_inside_the_walked_folder_is_not_ingested(tmp_path, cli):
    (tmp_path / "a.txt").write_text(STORY)
    store = tmp_path / "inside.db"
    cli("ingest", "--quiet", str(tmp_path), db=store)
    again = cli("ingest", "--quiet", str(tmp_path), db=store)
    assert again.exit_code == 0
    assert again.stdout.strip() == "stored 0, duplicates 1, near-duplicates 0, rejected 0"


def test_ignore_file_skips_listed_paths(tmp_path, cli, db_path):
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "x.jsonl").write_text('{"text": "label sentence"}\n')
    (tmp_path / "README.md").write_text("About this folder.")
    (tmp_path / ".trustwatchignore").write_text("# not documents\nlabels/\nREADME.md\n")
    result = cli("ingest", "--quiet", str(tmp_path))
    assert result.stdout.strip() == "stored 1, duplicates 0, near-duplicates 0, rejected 0"


def test_usage_errors_exit_2(cli):
    assert cli("ingest").exit_code == 2
    assert cli("ingest", "--batch-size", "0", "x").exit_code == 2
