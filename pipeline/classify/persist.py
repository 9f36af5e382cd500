"""Save and load the category model with skops, never pickle.

A skops file names every type it contains, and `skops.io.load` builds only the types it is
told to trust. The model is shipped in the repository and may be replaced by anyone who can
write to it, so loading checks the file against `TRUSTED_TYPES`, an explicit list kept here,
and refuses (with `ModelError`) a file that needs anything else. When the model's components
change, a new type shows up in the refusal message; add it here only after checking that it
is a plain scikit-learn/numpy/scipy type or one of ours.

The file holds a `ModelBundle` dict: the fitted pipeline with the category keys and the
per-category thresholds it was trained with, so that model and thresholds cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from pathlib import Path
from typing import Any, TypedDict, cast

import skops.io as sio
from sklearn.pipeline import Pipeline

from pipeline.classify.taxonomy import KEYS
from pipeline.errors import ModelError

MODEL_FILE = "categories.skops"
CARD_FILE = "categories.card.json"
FORMAT = 1

TRUSTED_TYPES: list[str] = [
    "pipeline.classify.model.CompactTfidfVectorizer",
    "pipeline.classify.model.FailureTopicClassifier",
    "pipeline.classify.model.NegationMarker",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.multiclass._ConstantPredictor",  # a category with no positive training example
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
]


class ModelBundle(TypedDict):
    """What `categories.skops` holds."""

    format: int
    keys: list[str]
    thresholds: list[float]
    pipeline: Pipeline


def save_model(bundle: ModelBundle, path: Path) -> dict[str, Any]:
    """Write `bundle` to `path` (deflate-compressed); returns its size, sha256 and load time.

    The file is loaded back once, through the same checks as `load_model`, so a model that
    could not be shipped fails here rather than on a user's machine.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(bundle, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    started = time.perf_counter()
    load_model(path)
    load_seconds = time.perf_counter() - started
    data = path.read_bytes()
    return {
        "name": path.name,
        "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "load_seconds": round(load_seconds, 3),
    }


def load_model(path: Path | str) -> ModelBundle:
    """The bundle saved at `path`; `ModelError` if it is missing, untrusted or malformed."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: model file not found (train one with `trustwatch train`)")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a zip or JSON error: not a skops archive at all
        raise ModelError(f"{path}: not a skops model file ({type(exc).__name__}: {exc})") from exc
    refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if refused:
        raise ModelError(f"{path}: refusing to load untrusted types: {', '.join(refused)}")
    try:
        bundle = sio.load(path, trusted=TRUSTED_TYPES)
    except Exception as exc:
        raise ModelError(f"{path}: model file is unreadable ({type(exc).__name__}: {exc})") from exc
    return _checked(bundle, path)


def _checked(bundle: Any, path: Path) -> ModelBundle:
    """`bundle` if it is a model for the current taxonomy; `ModelError` otherwise."""
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise ModelError(f"{path}: not a trustwatch category model (format {FORMAT})")
    keys, thresholds = bundle.get("keys"), bundle.get("thresholds")
    if keys != list(KEYS):
        raise ModelError(
            f"{path}: model was trained for categories {keys}, but the taxonomy has {list(KEYS)};"
            " retrain it"
        )
    if not isinstance(thresholds, list) or len(thresholds) != len(KEYS):
        raise ModelError(f"{path}: model has no threshold for each category")
    if not hasattr(bundle.get("pipeline"), "predict_proba"):
        raise ModelError(f"{path}: model file holds no fitted classifier")
    return cast(ModelBundle, bundle)


def write_card(card: dict[str, Any], path: Path) -> None:
    """Write the model card as indented JSON (diff-friendly, read by people)."""
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_card(path: Path | str) -> dict[str, Any]:
    """The model card written beside a model."""
    card: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return card
