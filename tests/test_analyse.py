"""Glue between rules and model: which sentences the model may count, which rule hits count."""

from __future__ import annotations

from pipeline.analyse import Analysis, Analyzer, excluded_sentences, rule_hits
from pipeline.classify.predict import RuleHit
from pipeline.extract.facts import ThemeFact

TEXT = (
    "There were not enough midwives on the ward. "
    "We are confident our maternity services are safe. "
    "Inspectors found no concerns about staffing."
)


def theme(category, start, end, negated=False):
    return ThemeFact(start, end, category, negated, "regulator", start, start + 3, "rule")


def spans():
    first = TEXT.index("We")
    second = TEXT.index("Inspectors")
    return [(0, first - 1), (first, second - 1), (second, len(TEXT))]


def test_excluded_sentences_are_negated_findings_and_reassurances():
    s = spans()
    analysis = Analysis(sentences=s, themes=[theme("staffing", *s[2], negated=True)])
    assert excluded_sentences(TEXT, analysis) == {1, 2}


def test_rule_hits_first_non_negated_per_category():
    themes = [theme("staffing", 0, 10, negated=True), theme("staffing", 20, 30),
              theme("staffing", 40, 50), theme("culture", 5, 9)]  # fmt: skip
    assert rule_hits(themes) == {
        "staffing": RuleHit(1.0, 20, 30),
        "culture": RuleHit(1.0, 5, 9),
    }


def test_without_a_model_categories_come_from_rules(tmp_path):
    analyzer = Analyzer(model_path=tmp_path / "missing.skops")
    assert analyzer.classifier is None
    assert analyzer.version.endswith(".model.none")
    [analysis] = analyzer.analyse([TEXT])
    assert all(c["method"] == "rules" for c in analysis.categories)


def test_shipped_model_classifies_and_versions():
    analyzer = Analyzer()
    assert analyzer.classifier is not None
    assert ".model." in analyzer.version and not analyzer.version.endswith(".none")
    [analysis] = analyzer.analyse([TEXT])
    staffing = [c for c in analysis.categories if c["category"] == "staffing"]
    assert len(staffing) == 1
    assert (staffing[0]["start"], staffing[0]["end"]) == spans()[0]
    assert staffing[0]["method"] in {"model", "both"}
