"""Saving and loading with skops: trusted types only, clear errors, a complete model card,
and the shipped model within its size and load-time budget."""

from __future__ import annotations

import hashlib
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio

from pipeline.classify.persist import TRUSTED_TYPES, load_model, read_card, save_model
from pipeline.classify.predict import SentenceClassifier
from pipeline.classify.taxonomy import KEYS
from pipeline.errors import ModelError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "models" / "categories.skops"


class Smuggled:
    """A class no model of ours contains: loading it would run code of the file's choosing."""

    def __init__(self) -> None:
        self.payload = "anything"


def test_round_trip_keeps_keys_thresholds_and_predictions(trained):
    models, card = trained
    classifier = SentenceClassifier.load(models / "categories.skops")
    assert classifier.thresholds == card["thresholds"]
    assert list(classifier.thresholds) == list(KEYS)
    probs = classifier.predict_proba(["Not enough nurses.", "A nice day."])
    assert probs.shape == (2, len(KEYS))
    assert probs.dtype == np.float64
    assert ((probs >= 0) & (probs <= 1)).all()
    assert classifier.predict_proba([]).shape == (0, len(KEYS))


def test_card_describes_data_evaluation_and_file(trained, labels_dir):
    models, card = trained
    assert set(card["versions"]) >= {"python", "sklearn", "skops", "numpy"}
    assert card["seed"] == 7
    files = card["data"]["files"]
    raw = (labels_dir / "set.jsonl").read_bytes()
    assert files == [
        {
            "name": "set.jsonl",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "size_bytes": len(raw),
            "sentences": 108,
        }
    ]
    assert card["data"]["per_category"]["staffing"] == 18
    assert card["data"]["per_category"]["culture"] == 0
    assert card["data"]["no_failure"] == 54
    assert card["data"]["referenced_reports"] is None
    assert list(card["cv"]["by_source"]) == ["own"]
    assert card["cv"]["by_source"]["own"]["sentences"] == 108
    assert card["cv"]["by_source"]["own"]["macro"] == card["cv"]["macro"]
    assert list(card["cv"]["per_category"]) == list(KEYS)
    assert set(card["cv"]["per_category"]["staffing"]) == {"precision", "recall", "f1", "support"}
    assert 0 <= card["cv"]["macro"]["f1"] <= 1
    assert len(card["cv"]["fold_macro_f1"]) == 3
    model_bytes = (models / "categories.skops").read_bytes()
    assert card["model_file"]["size_bytes"] == len(model_bytes)
    assert card["model_file"]["sha256"] == hashlib.sha256(model_bytes).hexdigest()
    assert read_card(models / "categories.card.json") == card


def test_missing_file_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="model file not found"):
        load_model(tmp_path / "nothing.skops")


def test_file_that_is_not_a_skops_archive_is_a_model_error(tmp_path):
    path = tmp_path / "categories.skops"
    path.write_bytes(b"\x80\x04 pickled, perhaps")
    with pytest.raises(ModelError, match=r"categories\.skops: not a skops model file"):
        SentenceClassifier.load(path)


def test_untrusted_type_is_refused_by_name(tmp_path):
    path = tmp_path / "categories.skops"
    bundle = {"format": 1, "keys": list(KEYS), "thresholds": [0.5] * 15, "pipeline": Smuggled()}
    sio.dump(bundle, path)
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert str(err.value) == (
        f"{path}: refusing to load untrusted types: tests.classify.test_persist.Smuggled"
    )


def test_model_for_other_categories_is_refused(tmp_path, trained):
    models, _ = trained
    bundle = load_model(models / "categories.skops")
    bundle["keys"] = list(KEYS[:-1]) + ["something_else"]
    path = tmp_path / "categories.skops"
    with pytest.raises(ModelError, match="retrain it"):
        save_model(bundle, path)


def test_shipped_model_needs_only_trusted_types_and_fits_its_budget():
    assert set(sio.get_untrusted_types(file=SHIPPED)) <= set(TRUSTED_TYPES)
    assert SHIPPED.stat().st_size < 10 * 1024 * 1024
    with zipfile.ZipFile(SHIPPED) as archive:
        assert not [n for n in archive.namelist() if n.endswith((".pkl", ".pickle", ".joblib"))]
    started = time.perf_counter()
    SentenceClassifier.load(SHIPPED)
    assert time.perf_counter() - started < 2.0


def test_shipped_card_matches_the_shipped_model():
    card = read_card(SHIPPED.with_name("categories.card.json"))
    assert card["model_file"]["sha256"] == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    assert list(card["thresholds"]) == list(KEYS)
    assert SentenceClassifier.load(SHIPPED).thresholds == card["thresholds"]


def test_vectorizer_state_keeps_the_vocabulary_as_an_array(trained):
    models, _ = trained
    pipeline = load_model(models / "categories.skops")["pipeline"]
    chars = pipeline.named_steps["features"].transformer_list[1][1]
    state = chars.__getstate__()
    assert "vocabulary_" not in state
    assert state["vocabulary_terms_"].dtype.kind == "U"
    rebuilt = type(chars).__new__(type(chars))
    rebuilt.__setstate__(state)
    assert rebuilt.vocabulary_ == chars.vocabulary_
