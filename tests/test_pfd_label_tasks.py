"""scripts/pfd_label_tasks.py: annotation chunks offer only unlabelled, non-gold reports with
exact offsets; merging checks the answers, drops repeated sentences and groups copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.classify.labels import load_labels
from scripts.pfd_label_tasks import make_chunks, merge

SHARED = "In the circumstances it is my statutory duty to report to you."
COPIED = [
    "The ward had no policy on checking bed rails at night.",
    "Nurses did not record the patient's observations for six hours.",
    "The discharge letter never reached the patient's general practice.",
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def reports(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "reports.jsonl",
        [
            {"id": "a", "text": " ".join([*COPIED, SHARED, "Too short here."])},
            {
                "id": "b",
                "text": " ".join([*COPIED, "The family were not told of the review.", SHARED]),
            },
            {"id": "c", "text": f"No bed was available anywhere in the region. {SHARED}"},
            {"id": "gold", "text": "The gold report must never be offered to annotators."},
        ],
    )


def answer(chunk: Path, labels: dict[str, list[str]]) -> None:
    """Label every line of `chunk` by its text (default: no category)."""
    texts = {
        r["id"]: r["text"] for r in map(json.loads, (chunk.parent.parent / "reports.jsonl").open())
    }
    rows = []
    for line in map(json.loads, chunk.open()):
        text = texts[line["report"]][line["start"] : line["end"]]
        assert text == line["text"]
        rows.append(
            {k: line[k] for k in ("report", "start", "end")} | {"categories": labels.get(text, [])}
        )
    write_jsonl(chunk.with_name(chunk.name.replace("chunk_", "labels_")), rows)


def test_chunks_skip_gold_and_labelled_reports_and_short_sentences(tmp_path):
    reports_file = reports(tmp_path)
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": "g", "ref": "gold"}])
    refs = write_jsonl(
        tmp_path / "refs.jsonl", [{"report": "c", "start": 0, "end": 44, "categories": []}]
    )
    make_chunks(tmp_path / "tasks", 1, 100, False, 1, reports_file, refs, [gold])
    lines = [json.loads(x) for x in (tmp_path / "tasks" / "chunk_1.jsonl").open()]
    assert {line["report"] for line in lines} == {"a", "b"}
    assert "Too short here." not in {line["text"] for line in lines}
    assert len(lines) == 9


def test_merge_drops_repeats_and_groups_copies(tmp_path):
    reports_file = reports(tmp_path)
    tasks = tmp_path / "tasks"
    make_chunks(tasks, 1, 100, False, 1, reports_file, tmp_path / "refs.jsonl", [])
    answer(
        tasks / "chunk_1.jsonl",
        {COPIED[0]: ["policy_procedure", "facilities"], COPIED[1]: ["monitoring"]},
    )
    refs = tmp_path / "labels" / "pfd_refs.jsonl"
    refs.parent.mkdir()
    merge(tasks, reports_file, refs)
    rows = [json.loads(x) for x in refs.open()]
    texts = {r["id"]: r["text"] for r in map(json.loads, reports_file.open())}
    by_text = {texts[r["report"]][r["start"] : r["end"]]: r for r in rows}
    assert len(rows) == 7  # 12 sentences less 3 copied and 2 boilerplate repeats
    assert sorted(by_text) == sorted(
        [*COPIED, SHARED, "The family were not told of the review.",
         "No bed was available anywhere in the region.",
         "The gold report must never be offered to annotators."]
    )  # fmt: skip
    assert by_text[COPIED[0]]["categories"] == ["facilities", "policy_procedure"]  # key order
    assert by_text[COPIED[1]]["categories"] == ["monitoring"]
    family = by_text["The family were not told of the review."]
    original = by_text[COPIED[0]]["report"]
    assert family["report"] != original and family["group"] == f"pfd-{original}"
    assert "group" not in by_text["No bed was available anywhere in the region."]
    data = load_labels(refs.parent, reports_file)
    assert len(data) == 7 and len(set(data.groups)) == 3


def test_merge_refuses_answers_out_of_step_or_with_unknown_categories(tmp_path):
    reports_file = reports(tmp_path)
    tasks = tmp_path / "tasks"
    make_chunks(tasks, 1, 100, False, 1, reports_file, tmp_path / "refs.jsonl", [])
    chunk = tasks / "chunk_1.jsonl"
    answer(chunk, {COPIED[2]: ["handover"]})
    with pytest.raises(SystemExit, match=r"unknown categories \['handover'\]"):
        merge(tasks, reports_file, tmp_path / "refs.jsonl")
    labels = chunk.with_name("labels_1.jsonl")
    labels.write_text("".join(labels.read_text().splitlines(keepends=True)[1:]))
    with pytest.raises(SystemExit, match="does not answer"):
        merge(tasks, reports_file, tmp_path / "refs.jsonl")
    assert not (tmp_path / "refs.jsonl").exists()


def test_reports_pending_review_are_not_offered_again(tmp_path):
    reports_file = reports(tmp_path)
    refs = tmp_path / "labels" / "pfd_refs.jsonl"
    write_jsonl(refs.parent / "pending" / "round.jsonl", [{"report": "a", "start": 0, "end": 9}])
    make_chunks(tmp_path / "tasks", 1, 100, False, 1, reports_file, refs, [])
    lines = [json.loads(x) for x in (tmp_path / "tasks" / "chunk_1.jsonl").open()]
    assert {line["report"] for line in lines} == {"b", "c", "gold"}
