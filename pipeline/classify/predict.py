"""Score sentences with the shipped category model, and decide a document's categories.

`SentenceClassifier` gives per-sentence probabilities (columns in `KEYS` order) and the
per-category thresholds chosen at training time. `document_categories` turns one document's
sentence probabilities, plus what the rule extractor found, into the rows of
`doc_categories` (contract.md): one per category assigned, with its score, the method that
found it, and the evidence sentence's offsets.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from pipeline.classify.persist import MODEL_FILE, load_model
from pipeline.classify.taxonomy import KEYS

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / MODEL_FILE
STRONG_RULE = 0.5


class RuleHit(NamedTuple):
    """The rule extractor's finding for one category: its strength in [0, 1] and sentence."""

    strength: float
    start: int
    end: int


class SentenceClassifier:
    """The trained sentence model with its per-category thresholds."""

    def __init__(self, pipeline: Any, thresholds: Mapping[str, float]) -> None:
        self.pipeline = pipeline
        self.thresholds: dict[str, float] = {key: float(thresholds[key]) for key in KEYS}

    @classmethod
    def load(cls, path: Path | str = DEFAULT_MODEL) -> SentenceClassifier:
        """The model saved at `path`; `ModelError` if it is missing, untrusted or malformed."""
        bundle = load_model(path)
        return cls(bundle["pipeline"], dict(zip(bundle["keys"], bundle["thresholds"], strict=True)))

    def predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """Probability of each category for each sentence: shape (n, 15), columns `KEYS`."""
        if not sentences:
            return np.zeros((0, len(KEYS)), dtype=np.float64)
        probabilities: np.ndarray = self.pipeline.predict_proba(list(sentences))
        return probabilities.astype(np.float64, copy=False)

    def predict(self, sentences: Sequence[str]) -> list[list[str]]:
        """The categories whose threshold each sentence reaches."""
        cut = np.array([self.thresholds[key] for key in KEYS])
        return [
            [KEYS[j] for j in np.flatnonzero(row >= cut)] for row in self.predict_proba(sentences)
        ]

    def document_categories(
        self,
        sentence_probs: np.ndarray,
        sentence_spans: Sequence[tuple[int, int]],
        excluded: Collection[int],
        rule_hits: Mapping[str, float | RuleHit],
    ) -> list[dict[str, Any]]:
        """`document_categories` with this model's thresholds."""
        return document_categories(
            sentence_probs, sentence_spans, excluded, rule_hits, thresholds=self.thresholds
        )


def document_categories(
    sentence_probs: np.ndarray,
    sentence_spans: Sequence[tuple[int, int]],
    excluded: Collection[int],
    rule_hits: Mapping[str, float | RuleHit],
    *,
    thresholds: Mapping[str, float],
    strong_rule: float = STRONG_RULE,
) -> list[dict[str, Any]]:
    """The categories a document has, in `KEYS` order, as `doc_categories` rows.

    - model: some sentence not in `excluded` (negated findings, reassurances: the rule
      extractor decides) reaches the category's threshold. Evidence is the sentence with the
      highest probability (the first of equals); score is that probability.
    - rules: `rule_hits` maps a category to the rule extractor's strength in [0, 1], or to a
      `RuleHit` with the rule's sentence. A hit of at least `strong_rule` counts on its own
      (method "rules", score = strength, evidence = the rule's sentence, None without one);
      a weaker one only confirms the model.
    - both: the model and a rule hit (of any strength) agree; score and evidence are the
      model's.

    Each row is `{"category", "score", "method", "start", "end"}`.
    """
    probs = np.asarray(sentence_probs, dtype=np.float64).reshape(-1, len(KEYS))
    if len(probs) != len(sentence_spans):
        raise ValueError(f"{len(probs)} rows of probabilities for {len(sentence_spans)} spans")
    unknown = set(rule_hits) - set(KEYS)
    if unknown:
        raise ValueError(f"rule hits for unknown categories: {', '.join(sorted(unknown))}")
    usable = np.array([i not in excluded for i in range(len(probs))], dtype=bool)
    rows = []
    for j, key in enumerate(KEYS):
        column = np.where(usable, probs[:, j], -1.0)
        best = int(np.argmax(column)) if len(column) else -1
        model_hit = best >= 0 and column[best] >= thresholds[key]
        hit = rule_hits.get(key)
        rule = hit if isinstance(hit, RuleHit) else None
        strength = float(hit.strength if isinstance(hit, RuleHit) else hit or 0.0)
        if model_hit:
            start, end = sentence_spans[best]
            rows.append(_row(key, column[best], "both" if hit is not None else "model", start, end))
        elif hit is not None and strength >= strong_rule:
            start_, end_ = (rule.start, rule.end) if rule else (None, None)
            rows.append(_row(key, strength, "rules", start_, end_))
    return rows


def _row(key: str, score: float, method: str, start: int | None, end: int | None) -> dict[str, Any]:
    return {
        "category": key,
        "score": round(min(max(float(score), 0.0), 1.0), 4),
        "method": method,
        "start": start,
        "end": end,
    }
