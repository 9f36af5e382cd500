"""scripts/label_agreement.py: pairwise F1 between annotators, per category and overall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.label_agreement import agreement, main, read_annotations


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


ROWS = [
    {"report": "r1", "start": 0, "end": 40, "labels": [["staffing"], ["staffing"], ["staffing"]]},
    {
        "file": "set_a.jsonl",
        "sha1": "0" * 40,
        "labels": [["staffing", "training"], ["staffing"], ["training"]],
    },
    {"report": "r2", "start": 5, "end": 60, "labels": [[], ["medication"], []]},
    {"report": "r3", "start": 0, "end": 30, "labels": [[], [], []]},
]


def test_pairwise_f1_per_category_macro_and_failure(tmp_path: Path) -> None:
    pairs = agreement(read_annotations(write(tmp_path / "a.jsonl", ROWS)))

    assert list(pairs) == ["0-1", "0-2", "1-2"]
    # staffing: stored yes, yes; annotator 1 yes, yes -> 1.0; annotator 2 yes, no -> 2/3
    assert pairs["0-1"]["staffing"] == 1.0
    assert pairs["0-2"]["staffing"] == pytest.approx(2 / 3)
    assert pairs["0-1"]["training"] == 0.0
    assert pairs["0-2"]["training"] == 1.0
    assert pairs["0-1"]["medication"] == 0.0
    assert pairs["0-1"]["escalation"] is None  # nobody used it: left out of the macro
    assert pairs["0-1"]["macro"] == pytest.approx((1.0 + 0.0 + 0.0) / 3)
    assert pairs["0-2"]["macro"] == pytest.approx((2 / 3 + 1.0) / 2)
    # any failure: stored says so for sentences 1-2, annotator 1 for 1-3
    assert pairs["0-1"]["failure"] == pytest.approx(2 * 2 / (2 + 3))


def test_main_prints_a_row_per_category(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    main([str(write(tmp_path / "a.jsonl", ROWS))])
    lines = capsys.readouterr().out.splitlines()

    assert lines[0] == "4 sentences, annotations 0 (stored) to 2"
    assert lines[1].split() == ["category", "0-1", "0-2", "1-2"]
    assert lines[2].split() == ["escalation", "-", "-", "-"]
    assert lines[5].split() == ["staffing", "1.000", "0.667", "0.667"]
    assert len(lines) == 2 + 15 + 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"labels": [["staffing"]]}, "at least two annotations"),
        ({"labels": [["staffing"], ["bad_key"]]}, "unknown categories ['bad_key']"),
        ({"labels": [[], [], [], []]}, "a.jsonl:2: 4 annotations, not 3"),
    ],
)
def test_malformed_lines_name_the_line(tmp_path: Path, row: dict, message: str) -> None:
    path = write(tmp_path / "a.jsonl", [ROWS[0], row])

    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_annotations(path)


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("\n", encoding="utf-8")

    with pytest.raises(ValueError, match="no annotated sentences"):
        read_annotations(path)
