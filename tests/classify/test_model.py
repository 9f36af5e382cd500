"""The sentence model: negation feature, thresholds from cross-validation, determinism, and
the shipped model on a few clear sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from pipeline.classify.labels import LabelledSet, load_labels
from pipeline.classify.model import (
    DEFAULT_THRESHOLD,
    NegationMarker,
    build_pipeline,
    choose_thresholds,
    negated_words,
)
from pipeline.classify.predict import SentenceClassifier
from pipeline.classify.taxonomy import KEYS
from pipeline.classify.train import group_folds, out_of_fold, scores_by_source, train
from tests.classify.conftest import KEYS_USED

ROOT = Path(__file__).resolve().parents[2]


def test_negated_words_run_to_the_end_of_the_clause():
    assert negated_words("Staff did not always follow the policy, but audits were done.") == [
        "neg_always",
        "neg_follow",
        "neg_the",
        "neg_policy",
    ]
    assert negated_words("There wasn't a consultant; the registrar came.") == [
        "neg_a",
        "neg_consultant",
    ]
    assert negated_words("Staff escalated promptly.") == []


def test_negation_marker_is_a_plain_stateless_estimator():
    marker = NegationMarker()
    assert marker.get_params() == {}
    assert isinstance(clone(marker), NegationMarker)
    assert marker.fit(["x"]).transform(["No midwife came.", "All fine."]) == [
        "No midwife came. neg_midwife neg_came",
        "All fine.",
    ]


def test_pipeline_parameters_are_visible_to_get_params():
    params = build_pipeline(seed=3).get_params()
    assert params["classify__failure__random_state"] == 3
    assert params["classify__topics__estimator__class_weight"] == "balanced"
    assert params["features__chars__analyzer"] == "char_wb"
    assert params["features__words__tfidf__ngram_range"] == (1, 2)


def test_probability_is_failure_times_topic(labels_dir):
    data = load_labels(labels_dir)
    pipeline = build_pipeline(seed=1).fit(data.texts, data.y)
    features = pipeline.named_steps["features"].transform(["No midwife was on the unit."])
    classifier = pipeline.named_steps["classify"]
    failure = classifier.failure_.predict_proba(features)[:, 1]
    topics = classifier.topics_.predict_proba(features)
    assert np.allclose(pipeline.predict_proba(["No midwife was on the unit."]), failure * topics)
    with pytest.raises(ValueError, match="both with and without a failure"):
        build_pipeline(seed=1).fit(["no staff", "no staff"], np.zeros((2, len(KEYS)), dtype=int))


def test_threshold_maximises_f1_taking_the_middle_of_a_flat_optimum():
    y = np.array([[1, 0, 1], [1, 0, 1], [0, 0, 0], [0, 0, 0]])
    p = np.array([[0.9, 0.9, 0.2], [0.6, 0.1, 0.25], [0.4, 0.3, 0.1], [0.2, 0.2, 0.05]])
    thresholds = choose_thresholds(y, p)
    # column 0: every threshold in (0.40, 0.60] separates perfectly: 0.41 … 0.60, middle 0.51
    assert thresholds[0] == pytest.approx(0.51)
    # column 1 has no positive example
    assert thresholds[1] == DEFAULT_THRESHOLD
    # column 2: its positives score below the floor, so nothing is found; the floor is kept
    assert thresholds[2] == pytest.approx(0.3)
    assert choose_thresholds(y, p, floor=0.15)[2] == pytest.approx(0.175, abs=0.006)


def test_cv_folds_hold_out_whole_groups(labels_dir):
    data = load_labels(labels_dir)
    splits = group_folds(data, 3, seed=7)
    assert len(splits) == 3
    groups = np.array(data.groups)
    for train_idx, test_idx in splits:
        assert not set(groups[train_idx]) & set(groups[test_idx])
    assert sorted(np.concatenate([t for _, t in splits]).tolist()) == list(range(len(data)))


def test_shipped_thresholds_are_those_of_out_of_fold_cv(labels_dir, trained):
    _, card = trained
    data = load_labels(labels_dir)
    expected = choose_thresholds(data.y, out_of_fold(data, group_folds(data, 3, 7), 7))
    assert card["thresholds"] == {key: float(expected[j]) for j, key in enumerate(KEYS)}
    assert card["cv"]["method"].startswith("nested 3-fold StratifiedGroupKFold")


def test_synthetic_model_learns_its_categories(trained):
    models, card = trained
    classifier = SentenceClassifier.load(models / "categories.skops")
    predicted = classifier.predict(
        [
            "There were not enough midwives on the maternity ward.",
            "The wrong dose of insulin was given on the ward.",
            "The inspection took place in March.",
        ]
    )
    assert predicted == [["staffing"], ["medication"], []]
    for key in KEYS_USED:
        assert card["cv"]["per_category"][key]["f1"] > 0.8


def test_same_data_same_seed_gives_identical_predictions(tmp_path, labels_dir, trained):
    models, card = trained
    again = train(labels_dir, tmp_path, folds=3, seed=7, pfd_reports=None)
    assert again["thresholds"] == card["thresholds"]
    assert again["cv"] == card["cv"]
    sentences = ["No consultant cover was available.", "Broken equipment on the unit.", "Hello."]
    first = SentenceClassifier.load(models / "categories.skops").predict_proba(sentences)
    second = SentenceClassifier.load(tmp_path / "categories.skops").predict_proba(sentences)
    assert first.tobytes() == second.tobytes()


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("There were not enough midwives on the ward.", "staffing"),
        ("The CTG was misinterpreted and the baby's heart rate was not monitored.", "monitoring"),
        ("She was given the wrong dose of oxytocin.", "medication"),
        ("Staff had not completed their mandatory training.", "training"),
        ("Midwives described a culture of bullying and harassment.", "culture"),
        ("Patients waited more than 12 hours in A&E before being admitted.", "access_delays"),
        ("Black women faced structural racism in maternity care.", "inequalities"),
    ],
)
def test_shipped_model_classifies_clear_sentences(shipped, sentence, category):
    assert category in shipped.predict([sentence])[0]


def test_shipped_model_finds_nothing_in_neutral_sentences(shipped):
    neutral = ["The trust runs three hospitals.", "The inquest was held on 12 July."]
    assert shipped.predict(neutral) == [[], []]


@pytest.fixture(scope="module")
def shipped() -> SentenceClassifier:
    return SentenceClassifier.load(ROOT / "models" / "categories.skops")


def test_scores_are_reported_apart_for_own_and_referenced_sentences():
    data = LabelledSet(
        texts=["a", "b", "c", "d"],
        y=np.array([[1] + [0] * 14, [0] * 15, [1] + [0] * 14, [1] + [0] * 14], dtype=np.int8),
        groups=["g1", "g1", "pfd-r1", "pfd-r2"],
        sources=["own", "own", "pfd", "pfd"],
    )
    predicted = np.array([[1] + [0] * 14, [0] * 15, [0] * 15, [1] + [0] * 14], dtype=np.int8)
    parts = scores_by_source(data, predicted)
    assert list(parts) == ["own", "pfd"]
    assert parts["own"]["sentences"] == 2
    assert parts["own"]["f1"]["escalation"] == 1.0
    assert parts["pfd"]["f1"]["escalation"] == pytest.approx(0.6667)
    assert parts["pfd"]["macro"]["recall"] == pytest.approx(round(0.5 / 15, 4))
