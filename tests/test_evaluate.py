"""The scorer: matching rules, micro P/R/F1, per-category scores and kappa."""

from __future__ import annotations

import json

import pytest

from pipeline.analyse import Analysis
from pipeline.errors import InputRejected, UsageError
from pipeline.evaluate import GoldDoc, evaluate, load_gold, org_key, what_matches
from pipeline.extract.facts import CountFact, OrgMention, RatingFact, ThemeFact


class FakeAnalyzer:
    def __init__(self, analyses):
        self.analyses = analyses

    def analyse(self, texts):
        assert len(texts) == len(self.analyses)
        return self.analyses


def org(name):
    return OrgMention(0, 1, name, name, "trust", None, None, "t")


def rating(org_name, domain, value, service=None):
    return RatingFact(0, 1, value, domain, service, None, None, org_name, 0, 1, "r")


def count(value, what):
    return CountFact(0, 1, value, None, None, what, "other", "c")


def theme(category, negated=False):
    return ThemeFact(0, 1, category, negated, "regulator", 0, 1, "t")


def test_org_key_folds_case_the_ampersand_and_punctuation():
    assert org_key("The Dudley Group NHS Foundation Trust") == "dudley group nhs foundation trust"
    assert org_key("Guy's & St Thomas' NHS Foundation Trust") == org_key(
        "Guys and St Thomas NHS Foundation Trust"
    )


@pytest.mark.parametrize(
    ("gold", "predicted", "match"),
    [
        ("death", "death", True),
        ("baby death", "death", True),
        ("serious incident", "incident", True),
        ("midwife", "consultant", False),
    ],
)
def test_what_matches_on_head(gold, predicted, match):
    assert what_matches(gold, predicted) is match


def test_micro_scores_and_categories():
    gold = [
        GoldDoc(
            "d1",
            "text",
            organisations=["The Dudley Group NHS Foundation Trust", "Care Quality Commission"],
            ratings=[
                {"organisation": "The Dudley Group NHS Foundation Trust", "service": None,
                 "domain": "safe", "rating": "inadequate"},
                {"organisation": "The Dudley Group NHS Foundation Trust", "service": None,
                 "domain": "overall", "rating": "requires improvement"},
            ],
            counts=[{"value": 43, "what": "serious incident"}, {"value": 5, "what": "case"}],
            categories=["escalation", "staffing"],
        ),
        GoldDoc("d2", "text", [], [], [], []),
    ]  # fmt: skip
    analyses = [
        Analysis(
            orgs=[org("Dudley Group NHS Foundation Trust"), org("NHS England")],
            ratings=[
                rating("The Dudley Group NHS Foundation Trust", "safe", "inadequate"),
                rating(None, "overall", "requires improvement"),
            ],
            counts=[count(43, "incident"), count(5, "case"), count(2019, "year")],
            themes=[theme("escalation"), theme("monitoring", negated=True)],
        ),
        Analysis(themes=[theme("culture")]),
    ]
    report = evaluate(gold, FakeAnalyzer(analyses)).as_dict()
    ex = report["extractors"]
    assert (ex["organisations"]["tp"], ex["organisations"]["fp"], ex["organisations"]["fn"]) == (
        1, 1, 1,
    )  # fmt: skip
    assert (ex["ratings"]["tp"], ex["ratings"]["fp"], ex["ratings"]["fn"]) == (1, 0, 1)
    assert (ex["counts"]["tp"], ex["counts"]["fp"], ex["counts"]["fn"]) == (2, 1, 0)
    assert ex["counts"]["precision"] == pytest.approx(0.6667)
    assert (ex["categories"]["tp"], ex["categories"]["fp"], ex["categories"]["fn"]) == (1, 1, 1)
    assert report["categories"]["escalation"]["f1"] == 1.0
    assert report["categories"]["staffing"]["recall"] == 0.0
    assert report["categories"]["culture"]["precision"] == 0.0
    assert report["documents"] == 2
    # 30 decisions: tp 1, fp 1, fn 1, tn 27 -> kappa = (28/30 - pe) / (1 - pe)
    pe = (2 * 2 + 28 * 28) / 900
    assert report["categories_kappa"] == pytest.approx(round((28 / 30 - pe) / (1 - pe), 4))


def test_load_gold_reads_text_or_path(tmp_path):
    (tmp_path / "doc.txt").write_text("Some  text\r\n")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "a", "text": "Inline text", "categories": ["staffing"]})
        + "\n"
        + json.dumps({"id": "b", "path": "doc.txt"})
        + "\n"
        + json.dumps({"id": "c", "path": "missing.txt"})
        + "\n"
    )
    docs = load_gold([gold], tmp_path)
    assert [(d.id, d.text, d.categories) for d in docs] == [
        ("a", "Inline text", ["staffing"]),
        ("b", "Some text", []),
    ]


def test_load_gold_reads_a_document_by_reference_into_jsonl(tmp_path):
    (tmp_path / "reports.jsonl").write_text(
        json.dumps({"id": "2024-0001", "text": "First."}) + "\n"
        + json.dumps({"id": "2024-0002", "text": "Second  report."}) + "\n"
    )  # fmt: skip
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "p2", "path": "reports.jsonl", "ref": "2024-0002"}) + "\n")
    assert [(d.id, d.text) for d in load_gold([gold], tmp_path)] == [("p2", "Second report.")]
    gold.write_text(json.dumps({"id": "p3", "path": "reports.jsonl", "ref": "2024-0003"}) + "\n")
    with pytest.raises(InputRejected, match="no document '2024-0003'"):
        load_gold([gold], tmp_path)


def test_load_gold_errors(tmp_path):
    with pytest.raises(UsageError):
        load_gold([tmp_path / "nope.jsonl"], tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    with pytest.raises(InputRejected) as info:
        load_gold([bad], tmp_path)
    assert info.value.source == f"{bad}:1"
