"""Train the category model: honest cross-validation, thresholds, final fit, model card.

Evaluation is nested cross-validation over whole source documents (`group`s):

- outer: `folds` group-disjoint splits (StratifiedGroupKFold, stratified on each sentence's
  rarest category so that every fold sees every category). For each, a model is fitted on the
  training part, and its thresholds are chosen by an inner group cross-validation *of that
  training part only*; the held-out part is then scored at those thresholds. Pooling the
  held-out predictions gives the reported precision, recall and F1: neither the model nor its
  thresholds saw the sentences they are scored on, nor any sentence of the same document.
- shipped thresholds: chosen on the outer out-of-fold probabilities of all data; the shipped
  model is then fitted on all data.

Same data and seed → same model and byte-identical predictions.
"""

from __future__ import annotations

import argparse
import logging
import platform
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
import skops
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold

from pipeline.classify.labels import OWN, LabelledSet, load_labels
from pipeline.classify.model import (
    CHAR_FEATURES,
    THRESHOLD_FLOOR,
    WORD_FEATURES,
    C,
    build_pipeline,
    choose_thresholds,
)
from pipeline.classify.persist import CARD_FILE, FORMAT, MODEL_FILE, save_model, write_card
from pipeline.classify.taxonomy import KEYS
from pipeline.errors import UsageError

SEED = 20_240_601
ROOT = Path(__file__).resolve().parents[2]
PFD_REPORTS = ROOT.parent / "shared" / "data" / "pfd" / "reports.jsonl"

ModelCard = dict[str, Any]
Split = tuple[np.ndarray, np.ndarray]

log = logging.getLogger(__name__)


def group_folds(data: LabelledSet, folds: int, seed: int) -> list[Split]:
    """`folds` (train, test) index splits that never put one group on both sides."""
    n_groups = len(set(data.groups))
    if folds < 2 or n_groups < folds:
        raise UsageError(f"{folds}-fold cross-validation needs at least {folds} groups")
    counts = data.y.sum(axis=0)
    strata = [
        KEYS[min(np.flatnonzero(row), key=lambda j: counts[j])] if row.any() else "none"
        for row in data.y
    ]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class")
        return list(splitter.split(data.texts, strata, data.groups))


def out_of_fold(data: LabelledSet, splits: Sequence[Split], seed: int) -> np.ndarray:
    """Probabilities for every sentence from the model of the split that held it out."""
    probabilities = np.zeros(data.y.shape, dtype=np.float64)
    for train_idx, test_idx in splits:
        model = build_pipeline(seed).fit(_take(data.texts, train_idx), data.y[train_idx])
        probabilities[test_idx] = model.predict_proba(_take(data.texts, test_idx))
    return probabilities


def nested_evaluation(
    data: LabelledSet, splits: Sequence[Split], folds: int, seed: int
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Outer out-of-fold probabilities, held-out yes/no predictions, macro-F1 per outer fold.

    The predictions of each outer fold use thresholds chosen by an inner cross-validation of
    that fold's training part.
    """
    probabilities = np.zeros(data.y.shape, dtype=np.float64)
    predicted = np.zeros(data.y.shape, dtype=np.int8)
    fold_macro: list[float] = []
    for k, (train_idx, test_idx) in enumerate(splits, start=1):
        inner = _subset(data, train_idx)
        thresholds = choose_thresholds(
            inner.y, out_of_fold(inner, group_folds(inner, folds, seed), seed)
        )
        model = build_pipeline(seed).fit(inner.texts, inner.y)
        probabilities[test_idx] = model.predict_proba(_take(data.texts, test_idx))
        predicted[test_idx] = probabilities[test_idx] >= thresholds
        _, _, f1, _ = precision_recall_fscore_support(
            data.y[test_idx], predicted[test_idx], average="macro", zero_division=0.0
        )
        fold_macro.append(round(float(f1), 4))
        log.info("outer fold %d/%d: macro-F1 %.3f", k, len(splits), f1)
    return probabilities, predicted, fold_macro


def scores(y: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    """Per-category and macro precision, recall and F1 (pooled over the held-out folds)."""
    p, r, f, support = precision_recall_fscore_support(
        y, predicted, average=None, zero_division=0.0
    )
    per_category = {
        key: {
            "precision": round(float(p[j]), 4),
            "recall": round(float(r[j]), 4),
            "f1": round(float(f[j]), 4),
            "support": int(support[j]),
        }
        for j, key in enumerate(KEYS)
    }
    macro = {
        "precision": round(float(np.mean(p)), 4),
        "recall": round(float(np.mean(r)), 4),
        "f1": round(float(np.mean(f)), 4),
    }
    return {"per_category": per_category, "macro": macro}


def scores_by_source(data: LabelledSet, predicted: np.ndarray) -> dict[str, Any]:
    """`scores` of the held-out predictions for each source of sentences (own, referenced).

    Own sentences are written for the project; referenced ones are real coroners' report
    sentences, harder and mostly without failure. Reported apart so that neither hides the
    other.
    """
    sources = np.array(data.sources or [OWN] * len(data))
    result: dict[str, Any] = {}
    for source in sorted(set(sources)):
        rows = sources == source
        part = scores(data.y[rows], predicted[rows])
        result[source] = {
            "sentences": int(rows.sum()),
            "macro": part["macro"],
            "f1": {key: s["f1"] for key, s in part["per_category"].items()},
        }
    return result


def train(
    labels_dir: Path | str,
    models_dir: Path | str,
    folds: int = 5,
    seed: int = SEED,
    pfd_reports: Path | str | None = PFD_REPORTS,
) -> ModelCard:
    """Evaluate, choose thresholds, fit on all labels and save model + card in `models_dir`."""
    data = load_labels(labels_dir, pfd_reports)
    log.info("%d sentences in %d groups", len(data), len(set(data.groups)))
    missing = [key for key, n in data.category_counts().items() if n == 0]
    if missing:
        log.warning("no labelled sentence for %s: never predicted", ", ".join(missing))
    splits = group_folds(data, folds, seed)
    probabilities, predicted, fold_macro = nested_evaluation(data, splits, folds, seed)
    thresholds = choose_thresholds(data.y, probabilities)
    pipeline = build_pipeline(seed).fit(data.texts, data.y)
    models = Path(models_dir)
    model_file = save_model(
        {
            "format": FORMAT,
            "keys": list(KEYS),
            "thresholds": [float(t) for t in thresholds],
            "pipeline": pipeline,
        },
        models / MODEL_FILE,
    )
    features = pipeline.named_steps["features"]
    card: ModelCard = {
        "model": "trustwatch sentence failure categories",
        "format": FORMAT,
        "trained": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {
            "python": platform.python_version(),
            "sklearn": sklearn.__version__,
            "skops": skops.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "seed": seed,
        "model_params": {
            "features": "word 1-2-gram TF-IDF (+ negation-scope words) and char_wb 3-5-gram "
            "TF-IDF, min_df=2, sublinear_tf",
            "classifier": "P(failure) x P(category | failure): LogisticRegression(liblinear, "
            "class_weight=balanced) for failure vs none, one-vs-rest LogisticRegression on "
            "failure sentences for the categories",
            "C": C,
            "max_word_features": WORD_FEATURES,
            "max_char_features": CHAR_FEATURES,
            "word_vocabulary": len(features.transformer_list[0][1][-1].vocabulary_),
            "char_vocabulary": len(features.transformer_list[1][1].vocabulary_),
            "threshold_floor": THRESHOLD_FLOOR,
        },
        "data": {
            "labels_dir": _display(Path(labels_dir)),
            "files": [vars(f) for f in data.files],
            "sentences": len(data),
            "groups": len(set(data.groups)),
            "per_category": data.category_counts(),
            "no_failure": data.no_failure_count(),
            "referenced_reports": vars(data.reports) if data.reports else None,
        },
        "cv": {
            "method": f"nested {folds}-fold StratifiedGroupKFold on `group` (whole source "
            "documents held out); thresholds of each outer fold chosen by an inner "
            f"{folds}-fold group CV of its training part (max F1 on out-of-fold probabilities, "
            f"floor {THRESHOLD_FLOOR}); scores pooled over the outer held-out folds",
            "folds": folds,
            "fold_macro_f1": fold_macro,
            **scores(data.y, predicted),
            "by_source": scores_by_source(data, predicted),
        },
        "thresholds": {key: float(thresholds[j]) for j, key in enumerate(KEYS)},
        "thresholds_method": f"max F1 on {folds}-fold group-CV out-of-fold probabilities of "
        f"all data, 0.01 grid in [{THRESHOLD_FLOOR}, 0.95]",
        "model_file": model_file,
    }
    write_card(card, models / CARD_FILE)
    return card


def _display(path: Path) -> str:
    """`path` relative to the repository when inside it (no machine-specific prefix)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _take(texts: Sequence[str], idx: np.ndarray) -> list[str]:
    return [texts[i] for i in idx]


def _subset(data: LabelledSet, idx: np.ndarray) -> LabelledSet:
    return LabelledSet(
        texts=_take(data.texts, idx),
        y=data.y[idx],
        groups=[data.groups[i] for i in idx],
        sources=[data.sources[i] for i in idx] if data.sources else [],
    )


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m pipeline.classify.train [--labels DIR] [--models DIR]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=ROOT / "corpus" / "labels")
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    card = train(args.labels, args.models, folds=args.folds, seed=args.seed)
    for key, s in card["cv"]["per_category"].items():
        print(f"{key:18} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}")
    print(f"macro-F1 {card['cv']['macro']['f1']:.3f}; model {card['model_file']}")


if __name__ == "__main__":
    main()
