"""`trustwatch_repeats`: phrases saying a failing is a repeat (taxonomy.md, Recurrence)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from pipeline.errors import PatternError
from pipeline.extract import patterns_io
from pipeline.extract.nlp import build_nlp

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "data" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared is not present")


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["trustwatch_themes", "trustwatch_repeats"])


def cues(nlp, text: str) -> list[str]:
    doc = nlp(text)
    return [text[r.start : r.end] for r in doc._.tw_repeats]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Inspectors are still finding the same failings.", "still finding the same failings"),
        ("The trust was previously rated requires improvement in 2017.", "previously rated"),
        ("The unit was rated inadequate for the second time.", "for the second time"),
        ("Lessons are not being learned.", "Lessons are not being learned"),
        ("Report after report has found the same problems.", "Report after report"),
        ("The service was given a further 'requires improvement' rating.",
         "a further 'requires improvement' rating"),
        ("Staff raised continuing safety concerns.", "continuing safety concerns"),
        ("Little has changed since the last inspection.", "Little has changed"),
        ("The hospital has not improved since its last inspection.", "has not improved since"),
        ("Despite previous warnings, the ward was short of nurses.", "Despite previous warnings"),
    ],
)  # fmt: skip
def test_repeat_phrasings(nlp, text, cue):
    assert cue in cues(nlp, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The trust was rated inadequate again.", ["again"]),
        ("She was seen again by the GP the next day.", []),
        ("The maternity service remains inadequate.", ["remains"]),
        ("Concerns about staffing remain.", ["remain"]),
        ("The patient remained stable overnight.", []),
        ("The problems persist.", ["persist"]),
        ("He was still asleep when the nurse arrived.", []),
    ],
)
def test_everyday_words_need_a_failure_or_rating_context(nlp, text, expected):
    assert cues(nlp, text) == expected


def test_denied_repeat_is_dropped(nlp):
    assert cues(nlp, "There was no evidence of repeated failures.") == []


def test_signal_offsets(nlp):
    text = "The unit opened in 2010.\nIt was rated inadequate for the second time in 2019."
    [signal] = nlp(text)._.tw_repeats
    assert text[signal.start : signal.end] == "for the second time"
    assert text[signal.sent_start : signal.sent_end] == (
        "It was rated inadequate for the second time in 2019."
    )
    assert signal.rule == "rep.nth-time"


def test_overlapping_cues_keep_the_longest(nlp):
    text = "The CQC are still finding the same failings at A&E."
    assert cues(nlp, text) == ["still finding the same failings"]


def test_works_without_the_themes_component():
    nlp = build_nlp(["trustwatch_repeats"])
    doc = nlp("The trust was rated inadequate again. She was seen again.")
    assert [doc.text[r.start : r.end] for r in doc._.tw_repeats] == ["again"]


@needs_seeds
def test_seed_002_repeat_signals(nlp):
    [path] = SEEDS.glob("002_*.txt")
    text = path.read_text(encoding="utf-8")
    found = [text[r.start : r.end] for r in nlp(text)._.tw_repeats]
    assert "still finding the same failings" in found
    assert "previously received" in found
    assert "continuing safety concerns" in found


@needs_seeds
def test_seed_003_repeat_signals(nlp):
    [path] = SEEDS.glob("003_*.txt")
    text = path.read_text(encoding="utf-8")
    found = [text[r.start : r.end] for r in nlp(text)._.tw_repeats]
    assert "lessons are not being learned" in found
    assert "report after report" in found


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    """Serve rule files from a temporary folder instead of the package."""
    real = resources.files

    def files(package):
        return tmp_path if package == patterns_io.PACKAGE else real(package)

    monkeypatch.setattr(patterns_io.resources, "files", files)
    return tmp_path


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "r", "pattern": "again", "needs": "weather"},
        {"id": "r", "pattern": "again", "weight": -1},
        {"id": "r", "pattern": [{"LOWER": "once", "OP": "*"}]},
        {"pattern": "again"},
    ],
)
def test_malformed_rule_raises_pattern_error(rules_dir, rule):
    (rules_dir / "bad.jsonl").write_text(json.dumps(rule) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match="bad.jsonl"):
        build_nlp(["trustwatch_repeats"], config={"trustwatch_repeats": {"rules": "bad.jsonl"}})
