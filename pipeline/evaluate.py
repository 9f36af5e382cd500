"""`trustwatch evaluate`: score the extractors (and the classifier) against a gold file.

Gold format: docs/annotation.md. Scores are micro-averaged over documents: a predicted fact
is a true positive when it matches an unmatched gold fact of the same document.

Matching (the same logic scores the hidden evaluation set, so it is deliberate):
- organisations: canonical names compared case-folded, without a leading "the", with "&" as
  "and" and punctuation removed;
- ratings: (organisation, service, domain, rating), organisation normalised as above, a NULL
  organisation in the prediction matching nothing;
- counts: equal value and the same counted thing: equal `what`, or the same head (last word)
  when one `what` is a modified form of the other ("baby death" ~ "death");
- categories: the set of categories per document.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.analyse import Analysis, Analyzer
from pipeline.classify.taxonomy import KEYS
from pipeline.errors import InputRejected, UsageError
from pipeline.text import normalise


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class GoldDoc:
    id: str
    text: str
    organisations: list[str]
    ratings: list[dict[str, Any]]
    counts: list[dict[str, Any]]
    categories: list[str]


@dataclass
class Report:
    n_documents: int = 0
    extractors: dict[str, Score] = field(default_factory=dict)
    per_category: dict[str, Score] = field(default_factory=dict)
    kappa: float | None = None
    errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        macro = (
            sum(s.f1 for s in self.per_category.values()) / len(self.per_category)
            if self.per_category
            else None
        )
        return {
            "documents": self.n_documents,
            "extractors": {k: v.as_dict() for k, v in self.extractors.items()},
            "categories": {k: v.as_dict() for k, v in self.per_category.items()},
            "categories_macro_f1": None if macro is None else round(macro, 4),
            "categories_kappa": None if self.kappa is None else round(self.kappa, 4),
        }


_PUNCT = re.compile(r"[^\w\s]")


def org_key(name: str | None) -> str:
    if not name:
        return ""
    text = name.casefold().replace("&", " and ").replace("’", "'")
    text = _PUNCT.sub(" ", text.replace("'", ""))
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def what_matches(gold: str, predicted: str) -> bool:
    g, p = gold.casefold().strip(), predicted.casefold().strip()
    if g == p:
        return True
    g_words, p_words = g.split(), p.split()
    return bool(g_words and p_words and g_words[-1] == p_words[-1])


def load_gold(paths: Sequence[Path], root: Path) -> list[GoldDoc]:
    """Gold documents; a line may point at its text by `path` (relative to `root`), and with
    `ref` at the document of that `id` inside a JSON Lines file (text kept outside the repo)."""
    docs = []
    for path in paths:
        if not path.is_file():
            raise UsageError(f"evaluate: no gold file {path}")
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputRejected(where, f"not valid JSON ({exc.msg})") from None
            text = obj.get("text")
            if text is None and obj.get("path"):
                source = (root / obj["path"]).resolve()
                if not source.is_file():
                    continue
                if obj.get("ref") is not None:
                    text = _jsonl_text(source, str(obj["ref"]))
                    if text is None:
                        raise InputRejected(where, f"no document {obj['ref']!r} in {source}")
                else:
                    text = source.read_text(encoding="utf-8")
            if not isinstance(text, str):
                raise InputRejected(where, "gold line has neither 'text' nor a readable 'path'")
            docs.append(
                GoldDoc(
                    id=str(obj.get("id") or where),
                    text=normalise(text),
                    organisations=list(obj.get("organisations") or []),
                    ratings=list(obj.get("ratings") or []),
                    counts=list(obj.get("counts") or []),
                    categories=list(obj.get("categories") or []),
                )
            )
    return docs


def _jsonl_text(path: Path, ref: str) -> str | None:
    """The `text` of the document whose `id` is `ref` in a JSON Lines file."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if f'"{ref}"' in line:
                obj = json.loads(line)
                if str(obj.get("id")) == ref:
                    return str(obj["text"])
    return None


def predicted_categories(analysis: Analysis) -> set[str]:
    from_model = {c["category"] for c in analysis.categories}
    from_rules = {t.category for t in analysis.themes if not t.negated}
    return from_model if analysis.categories else from_rules


def evaluate(gold: list[GoldDoc], analyzer: Analyzer | None = None) -> Report:
    analyzer = analyzer or Analyzer()
    analyses = analyzer.analyse([g.text for g in gold])
    report = Report(n_documents=len(gold))
    scores = {name: Score() for name in ("organisations", "ratings", "counts", "categories")}
    per_category = {key: Score() for key in KEYS}
    agree = [0, 0, 0, 0]  # tp, fp, fn, tn over (document, category) decisions
    for doc, analysis in zip(gold, analyses, strict=True):
        errors = report.errors.setdefault(doc.id, [])
        _score_sets(
            scores["organisations"],
            {org_key(n) for n in doc.organisations},
            {org_key(m.name) for m in analysis.orgs},
            "organisation",
            errors,
        )
        _score_sets(
            scores["ratings"],
            {_rating_key(r, r.get("organisation")) for r in doc.ratings},
            {_rating_key(r.__dict__, r.org) for r in analysis.ratings if r.org},
            "rating",
            errors,
        )
        _score_counts(scores["counts"], doc.counts, analysis, errors)
        gold_cats = set(doc.categories)
        pred_cats = predicted_categories(analysis)
        _score_sets(scores["categories"], gold_cats, pred_cats, "category", errors)
        for key in KEYS:
            g, p = key in gold_cats, key in pred_cats
            per_category[key].tp += g and p
            per_category[key].fp += p and not g
            per_category[key].fn += g and not p
            agree[0 if g and p else 1 if p else 2 if g else 3] += 1
    report.extractors = scores
    report.per_category = per_category
    report.kappa = _kappa(*agree)
    return report


def _rating_key(r: dict[str, Any], org: str | None) -> tuple[str, str, str, str]:
    return (org_key(org), (r.get("service") or "").casefold(), r["domain"], r["rating"])


def _score_sets(
    score: Score, gold: set[Any], predicted: set[Any], what: str, errors: list[dict[str, Any]]
) -> None:
    gold.discard("")
    score.tp += len(gold & predicted)
    score.fp += len(predicted - gold)
    score.fn += len(gold - predicted)
    errors.extend({"kind": what, "missed": repr(x)} for x in sorted(gold - predicted, key=str))
    errors.extend({"kind": what, "spurious": repr(x)} for x in sorted(predicted - gold, key=str))


def _score_counts(
    score: Score, gold: Iterable[dict[str, Any]], analysis: Analysis, errors: list[dict[str, Any]]
) -> None:
    remaining = [(float(c["value"]), str(c.get("what") or "")) for c in gold]
    for count in analysis.counts:
        hit = next(
            (
                i
                for i, (value, what) in enumerate(remaining)
                if math.isclose(value, count.value) and what_matches(what, count.what)
            ),
            None,
        )
        if hit is None:
            score.fp += 1
            errors.append({"kind": "count", "spurious": f"{count.value:g} {count.what}"})
        else:
            score.tp += 1
            remaining.pop(hit)
    score.fn += len(remaining)
    errors.extend({"kind": "count", "missed": f"{v:g} {w}"} for v, w in remaining)


def _kappa(tp: int, fp: int, fn: int, tn: int) -> float | None:
    n = tp + fp + fn + tn
    if not n:
        return None
    observed = (tp + tn) / n
    expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def report_rows(report: Report, by_category: bool) -> list[dict[str, Any]]:
    """Rows for printing: one per extractor, or one per category (plus macro) for the model."""
    table = report.per_category if by_category else report.extractors
    rows = [{"name": name, **score.as_dict()} for name, score in table.items()]
    if by_category:
        summary = report.as_dict()
        rows.append(
            {
                "name": "macro",
                "f1": summary["categories_macro_f1"],
                "precision": round(sum(s.precision for s in table.values()) / len(table), 4),
                "recall": round(sum(s.recall for s in table.values()) / len(table), 4),
            }
        )
        rows.append({"name": "kappa", "f1": summary["categories_kappa"]})
    return rows


def evaluate_files(paths: Sequence[Path], root: Path | None = None) -> Report:
    """Evaluate the shipped pipeline against gold files (paths in them relative to `root`)."""
    gold = load_gold(paths, root or Path.cwd())
    if not gold:
        raise UsageError("evaluate: the gold files hold no documents")
    return evaluate(gold)
