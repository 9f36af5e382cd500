"""The sentence classifier: TF-IDF n-grams into linear models, one probability per category.

Words (1–2-grams) carry the topic ("midwives", "handover"); character 3–5-grams inside word
boundaries catch inflections and spellings the word vocabulary has not seen ("understaffed",
"under-staffed"). A failure is usually stated through negation ("did not escalate", "no
consultant was present"), so the words in the scope of a negation are added a second time
with a `neg_` prefix (`NegationMarker`): "staff did not always follow the policy" then differs
from "staff always followed the policy" by features that a linear model can weigh.

The probability of a category is factored (`FailureTopicClassifier`) as
P(the sentence states a failure) × P(category | it states a failure): one logistic regression
tells failures from everything else, and one-vs-rest logistic regressions, trained on failure
sentences only, tell the categories apart. Each is simpler than "this category's failure vs
all other sentences"; in group cross-validation the product scored about 0.025 macro-F1 above
plain one-vs-rest. Class weights are balanced, since each category is rare.

A probability becomes a yes/no by a per-category threshold chosen from out-of-fold
probabilities (`choose_thresholds`), never by hand. Everything is deterministic: liblinear
with a fixed `random_state`, vocabularies capped by document frequency with ties broken
alphabetically.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

C = 10.0
WORD_FEATURES = 15_000
CHAR_FEATURES = 22_000
THRESHOLD_FLOOR = 0.3
THRESHOLD_STEP = 0.01
DEFAULT_THRESHOLD = 0.5  # for a category with no positive example to choose from

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|n't|[.,;:!?]")
_NEGATION = frozenset(
    {
        "not", "no", "never", "n't", "without", "nobody", "none", "nothing", "neither", "nor",
        "cannot", "unable", "fail", "failed", "fails", "failing", "lack", "lacked", "lacking",
        "absence", "insufficient", "inadequate",
    }
)  # fmt: skip
_SCOPE_END = frozenset(
    {".", ",", ";", ":", "!", "?", "but", "however", "although", "though", "whereas"}
)


def negated_words(sentence: str) -> list[str]:
    """The words that follow a negation cue up to the end of its clause, prefixed `neg_`.

    "Staff did not always follow the policy, but ..." gives
    `["neg_always", "neg_follow", "neg_the", "neg_policy"]`.
    """
    marked: list[str] = []
    in_scope = False
    for token in _TOKEN.findall(sentence.lower().replace("n't", " n't")):
        if token in _SCOPE_END:
            in_scope = False
        elif token in _NEGATION:
            in_scope = True
        elif in_scope:
            marked.append("neg_" + token)
    return marked


class NegationMarker(TransformerMixin, BaseEstimator):
    """Append each sentence's `negated_words` to it, for the word vectorizer that follows.

    Stateless: `fit` learns nothing. Written to scikit-learn's estimator rules (no parameters,
    no logic in `__init__`) so that it clones, reports `get_params` and persists with skops.
    """

    def fit(self, X: Iterable[str], y: Any = None) -> NegationMarker:
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        out = []
        for sentence in X:
            extra = negated_words(sentence)
            out.append(f"{sentence} {' '.join(extra)}" if extra else sentence)
        return out


class CompactTfidfVectorizer(TfidfVectorizer):
    """A `TfidfVectorizer` whose saved state keeps its vocabulary as one array of terms.

    skops writes a dict entry by entry (tens of thousands of JSON nodes for a vocabulary),
    which makes the model file slow to load; an array of terms in index order is one `.npy`
    member. Loading rebuilds the same `vocabulary_` dict, so transforms are unchanged.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
            state["vocabulary_terms_"] = np.array(terms, dtype=np.str_)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        terms = state.pop("vocabulary_terms_", None)
        if terms is not None:
            state["vocabulary_"] = {str(term): i for i, term in enumerate(terms)}
        super().__setstate__(state)


class FailureTopicClassifier(BaseEstimator):
    """Multi-label probabilities as P(failure) × P(category | failure).

    `failure` is a binary classifier fitted on every sentence (any category vs none);
    `topics` is a multi-label classifier fitted on the failure sentences only (None: a
    balanced logistic regression, one-vs-rest for the topics). Both are
    cloned in `fit` (fitted copies in `failure_` and `topics_`), as scikit-learn's
    meta-estimators do, so parameters are reachable as `failure__C`, `topics__estimator__C`.
    """

    def __init__(self, failure: Any = None, topics: Any = None) -> None:
        self.failure = failure
        self.topics = topics

    def fit(self, X: Any, y: Any) -> FailureTopicClassifier:
        """Fit both parts; `y` is the (n × categories) 0/1 label matrix."""
        labels = np.asarray(y)
        failing = labels.any(axis=1)
        if failing.all() or not failing.any():
            raise ValueError("training needs sentences both with and without a failure")
        failure = _linear() if self.failure is None else clone(self.failure)
        topics = OneVsRestClassifier(_linear()) if self.topics is None else clone(self.topics)
        self.failure_ = failure.fit(X, failing.astype(np.int8))
        with warnings.catch_warnings():
            # a category without any example gets a constant 0 from OneVsRestClassifier
            warnings.filterwarnings("ignore", message="Label not .* present in all training")
            self.topics_ = topics.fit(X[failing], labels[failing])
        self.n_outputs_ = labels.shape[1]
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """(n × categories) probabilities."""
        failure = self.failure_.predict_proba(X)[:, 1:2]
        topics = np.asarray(self.topics_.predict_proba(X), dtype=np.float64)
        result: np.ndarray = failure.astype(np.float64) * topics
        return result

    def predict(self, X: Any) -> np.ndarray:
        """0/1 per category at 0.5 (the trained thresholds are applied by the caller)."""
        return (self.predict_proba(X) >= 0.5).astype(np.int8)


def build_pipeline(
    seed: int,
    c: float = C,
    word_features: int = WORD_FEATURES,
    char_features: int = CHAR_FEATURES,
) -> Pipeline:
    """An unfitted sentence → (n × categories) probability pipeline."""
    words = Pipeline(
        [
            ("negation", NegationMarker()),
            (
                "tfidf",
                CompactTfidfVectorizer(
                    ngram_range=(1, 2),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=word_features,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    chars = CompactTfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=2,
        sublinear_tf=True,
        max_features=char_features,
        dtype=np.float32,
    )
    linear = _linear(c, seed)
    classifier = FailureTopicClassifier(failure=linear, topics=OneVsRestClassifier(linear))
    return Pipeline(
        [
            ("features", FeatureUnion([("words", words), ("chars", chars)])),
            ("classify", classifier),
        ]
    )


def _linear(c: float = C, seed: int | None = None) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=seed)


def choose_thresholds(
    y: np.ndarray, probabilities: np.ndarray, floor: float = THRESHOLD_FLOOR
) -> np.ndarray:
    """Per category, the threshold in [floor, 0.95] that maximises F1 on held-out predictions.

    `probabilities` must be out-of-fold (from models that did not see the sentence), or the
    thresholds would fit the training data. Candidates are a 0.01 grid; among equally good
    ones the middle is taken, so that a flat optimum does not push the threshold to its edge.
    A category that no candidate finds at all gets the floor (its best chance of being found);
    one without positive examples gets `DEFAULT_THRESHOLD`.
    """
    grid = np.round(np.arange(floor, 0.95 + THRESHOLD_STEP / 2, THRESHOLD_STEP), 2)
    chosen = np.full(y.shape[1], DEFAULT_THRESHOLD)
    for j in range(y.shape[1]):
        if not y[:, j].any():
            continue
        scores = np.array(
            [f1_score(y[:, j], probabilities[:, j] >= t, zero_division=0.0) for t in grid]
        )
        if scores.max() <= 0.0:
            chosen[j] = floor
            continue
        best = np.flatnonzero(scores >= scores.max() - 1e-12)
        chosen[j] = grid[best[len(best) // 2]]
    return chosen
