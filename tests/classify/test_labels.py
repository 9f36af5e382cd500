"""Loading labelled sentences: label matrix over KEYS, groups, provenance, clear errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify.labels import LabelError, load_labels
from pipeline.classify.taxonomy import KEYS
from tests.classify.conftest import write_labels

ROOT = Path(__file__).resolve().parents[2]


def line(text: str, categories: list[str], group: str = "d1") -> dict[str, object]:
    return {"text": text, "categories": categories, "group": group, "register": "news"}


def test_matrix_follows_keys_order_and_files_are_read_in_name_order(tmp_path):
    write_labels(tmp_path, [line("B one.", ["staffing", "escalation"], "b")], "b.jsonl")
    write_labels(tmp_path, [line("A one.", [], "a"), line("A two.", ["culture"], "a")], "a.jsonl")
    data = load_labels(tmp_path)
    assert data.texts == ["A one.", "A two.", "B one."]
    assert data.groups == ["a", "a", "b"]
    assert data.y.shape == (3, len(KEYS))
    assert data.y.dtype == np.int8
    assert [KEYS[j] for j in np.flatnonzero(data.y[1])] == ["culture"]
    assert [KEYS[j] for j in np.flatnonzero(data.y[2])] == ["escalation", "staffing"]
    assert not data.y[0].any()
    assert data.no_failure_count() == 1
    assert data.category_counts()["staffing"] == 1
    assert [(f.name, f.sentences) for f in data.files] == [("a.jsonl", 2), ("b.jsonl", 1)]
    raw = (tmp_path / "a.jsonl").read_bytes()
    assert data.files[0].sha256 == hashlib.sha256(raw).hexdigest()
    assert data.files[0].size_bytes == len(raw)


def test_unknown_category_names_file_and_line(tmp_path):
    path = write_labels(tmp_path, [line("Fine.", []), line("Bad.", ["staffing", "stafing"])])
    with pytest.raises(LabelError) as err:
        load_labels(tmp_path)
    assert str(err.value).startswith(f"{path}:2: unknown category 'stafing'; valid categories: ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{broken\n", "not valid JSON"),
        ("[1, 2]\n", "a line must be a JSON object, not list"),
        (json.dumps({"text": " ", "categories": [], "group": "g"}) + "\n", "'text' must be"),
        (json.dumps({"text": "x", "categories": "staffing", "group": "g"}) + "\n", "'categories'"),
        (json.dumps({"text": "x", "categories": []}) + "\n", "'group'"),
    ],
)
def test_malformed_lines_are_errors_naming_the_line(tmp_path, content, message):
    (tmp_path / "x.jsonl").write_text("\n" + content, encoding="utf-8")
    with pytest.raises(LabelError, match=rf"x\.jsonl:2: .*{message}"):
        load_labels(tmp_path)


def test_same_text_labelled_differently_is_an_error(tmp_path):
    write_labels(tmp_path, [line("Same.", ["staffing"], "a")], "a.jsonl")
    write_labels(tmp_path, [line("Same.", ["training"], "b")], "b.jsonl")
    with pytest.raises(LabelError, match=r"b\.jsonl:1: the same text is labelled \[training\]"):
        load_labels(tmp_path)


def test_labels_in_subfolders_are_not_read(tmp_path):
    write_labels(tmp_path, [line("Read.", [], "a")], "a.jsonl")
    write_labels(tmp_path / "pending", [line("Awaiting review.", ["staffing"], "b")], "b.jsonl")
    assert load_labels(tmp_path).texts == ["Read."]


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(LabelError, match="no labelled sentences"):
        load_labels(tmp_path)


def test_pfd_references_read_only_when_reports_are_present(tmp_path):
    labels = tmp_path / "labels"
    write_labels(labels, [line("Own sentence.", [])], "own.jsonl")
    ref = {"report": "r1", "start": 7, "end": 31, "categories": ["staffing"]}
    write_labels(labels, [ref], "pfd_refs.jsonl")
    reports = tmp_path / "reports.jsonl"
    text = "Intro. No midwife was on duty. End."
    reports.write_text(json.dumps({"id": "r1", "text": text}) + "\n", encoding="utf-8")

    without = load_labels(labels, pfd_reports=tmp_path / "missing.jsonl")
    assert without.texts == ["Own sentence."]
    assert without.sources == ["own"]
    assert without.reports is None

    data = load_labels(labels, pfd_reports=reports)
    assert data.texts == ["Own sentence.", "No midwife was on duty."]
    assert data.groups[1] == "pfd-r1"
    assert data.sources == ["own", "pfd"]
    assert data.reports is not None
    assert (data.reports.name, data.reports.sentences) == ("reports.jsonl", 1)
    assert data.reports.sha256 == hashlib.sha256(reports.read_bytes()).hexdigest()
    assert [KEYS[j] for j in np.flatnonzero(data.y[1])] == ["staffing"]


def test_pfd_reference_to_unknown_report_is_an_error(tmp_path):
    labels = tmp_path / "labels"
    write_labels(
        labels, [{"report": "nope", "start": 0, "end": 3, "categories": []}], "pfd_refs.jsonl"
    )
    reports = tmp_path / "reports.jsonl"
    reports.write_text(json.dumps({"id": "r1", "text": "Some text."}) + "\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"pfd_refs\.jsonl:1: 'report' 'nope'"):
        load_labels(labels, pfd_reports=reports)


def test_repository_labels_load():
    data = load_labels(ROOT / "corpus" / "labels")
    assert len(data) > 2000
    assert all(count > 0 for count in data.category_counts().values())
