"""Document-level categories from sentence probabilities, exclusions and rule hits."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.classify.predict import RuleHit, document_categories
from pipeline.classify.taxonomy import KEYS

THRESHOLDS = {key: 0.5 for key in KEYS} | {"staffing": 0.6, "culture": 0.4}
SPANS = [(0, 10), (11, 30), (31, 50), (51, 70)]
S, C, M = KEYS.index("staffing"), KEYS.index("culture"), KEYS.index("medication")


def probs(**columns: list[float]) -> np.ndarray:
    """Four sentences; every category 0.1 unless given."""
    out = np.full((len(SPANS), len(KEYS)), 0.1)
    for key, values in columns.items():
        out[:, KEYS.index(key)] = values
    return out


def run(p, excluded=frozenset(), rule_hits=None, **kw):
    return document_categories(
        p, SPANS, set(excluded), rule_hits or {}, thresholds=THRESHOLDS, **kw
    )


def test_category_when_a_sentence_reaches_its_threshold_evidence_is_the_best_sentence():
    p = probs(staffing=[0.2, 0.7, 0.9, 0.65], culture=[0.39, 0.1, 0.1, 0.1])
    assert run(p) == [
        {"category": "staffing", "score": 0.9, "method": "model", "start": 31, "end": 50}
    ]


def test_threshold_is_inclusive_and_per_category():
    p = probs(staffing=[0.59, 0.1, 0.1, 0.1], culture=[0.1, 0.4, 0.1, 0.1])
    assert run(p) == [
        {"category": "culture", "score": 0.4, "method": "model", "start": 11, "end": 30}
    ]


def test_excluded_sentences_do_not_count():
    p = probs(staffing=[0.95, 0.1, 0.1, 0.7])
    # the negated sentence 0 is ignored; sentence 3 still reaches the threshold
    assert run(p, excluded={0}) == [
        {"category": "staffing", "score": 0.7, "method": "model", "start": 51, "end": 70}
    ]
    assert run(p, excluded={0, 3}) == []


def test_strong_rule_alone_counts_weak_rule_alone_does_not():
    p = probs()
    rows = run(p, rule_hits={"medication": RuleHit(0.8, 11, 30), "culture": RuleHit(0.3, 0, 10)})
    assert rows == [
        {"category": "medication", "score": 0.8, "method": "rules", "start": 11, "end": 30}
    ]
    assert run(p, rule_hits={"medication": 0.8}) == [
        {"category": "medication", "score": 0.8, "method": "rules", "start": None, "end": None}
    ]
    assert run(p, rule_hits={"medication": 0.8}, strong_rule=0.9) == []


def test_model_and_rule_agreeing_is_both_with_the_model_evidence():
    p = probs(medication=[0.1, 0.1, 0.1, 0.75])
    assert run(p, rule_hits={"medication": RuleHit(0.2, 0, 10)}) == [
        {"category": "medication", "score": 0.75, "method": "both", "start": 51, "end": 70}
    ]


def test_rule_hit_with_model_below_threshold_is_rules_only():
    p = probs(medication=[0.1, 0.45, 0.1, 0.1])
    assert run(p, rule_hits={"medication": RuleHit(1.0, 0, 10)}) == [
        {"category": "medication", "score": 1.0, "method": "rules", "start": 0, "end": 10}
    ]


def test_rows_follow_keys_order_and_ties_take_the_first_sentence():
    p = probs(staffing=[0.1, 0.8, 0.8, 0.1], escalation=[0.6, 0.1, 0.1, 0.1])
    rows = run(p)
    assert [r["category"] for r in rows] == ["escalation", "staffing"]
    assert (rows[1]["start"], rows[1]["end"]) == (11, 30)


def test_document_without_sentences_has_only_rule_categories():
    empty = np.zeros((0, len(KEYS)))
    rows = document_categories(empty, [], set(), {"culture": 0.9}, thresholds=THRESHOLDS)
    assert rows == [
        {"category": "culture", "score": 0.9, "method": "rules", "start": None, "end": None}
    ]


def test_mismatched_inputs_and_unknown_rule_categories_are_errors():
    with pytest.raises(ValueError, match="rows of probabilities"):
        document_categories(probs(), SPANS[:2], set(), {}, thresholds=THRESHOLDS)
    with pytest.raises(ValueError, match="unknown categories: stafing"):
        run(probs(), rule_hits={"stafing": 1.0})
