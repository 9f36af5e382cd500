"""Score the theme rules sentence by sentence against the labelled sets in corpus/labels/.

Each label line is one sentence with its categories ([] = no failure). A sentence is
predicted to have a category when `trustwatch_themes` emits a non-negated fact of it; the
script prints precision, recall and F1 per category and overall (micro-averaged).

`--split dev|holdout` scores half of the groups (by a stable hash of the group id): look at
errors on `dev` only, so `holdout` stays an honest estimate for documents nobody has seen.
`--errors CATEGORY` lists that category's false positives and false negatives.

    .venv/bin/python scripts/eval_theme_rules.py [--split all|dev|holdout] [--errors KEY]
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.classify.taxonomy import KEYS  # noqa: E402
from pipeline.extract.nlp import build_nlp  # noqa: E402

LABELS = ROOT / "corpus" / "labels"


def load(split: str) -> list[dict]:
    """The labelled sentences of every set, restricted to one half of the groups if asked."""
    rows = []
    for path in sorted(LABELS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    if split == "all":
        return rows
    want = 0 if split == "dev" else 1
    return [r for r in rows if zlib.crc32(r.get("group", "").encode()) % 2 == want]


def predict(texts: list[str]) -> list[dict[str, str]]:
    """For each text, the categories the rules find (not denied) and the rule that fired."""
    nlp = build_nlp(["trustwatch_themes"])
    return [
        {fact.category: fact.rule for fact in doc._.tw_themes if not fact.negated}
        for doc in nlp.pipe(texts, batch_size=256)
    ]


def score(rows: list[dict], predicted: list[dict[str, str]]) -> dict[str, Counter]:
    """True positives, false positives and false negatives per category."""
    counts = {key: Counter() for key in KEYS}
    for row, found in zip(rows, predicted, strict=True):
        gold = set(row["categories"])
        for key in KEYS:
            if key in found and key in gold:
                counts[key]["tp"] += 1
            elif key in found:
                counts[key]["fp"] += 1
            elif key in gold:
                counts[key]["fn"] += 1
    return counts


def prf(c: Counter) -> tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(counts: dict[str, Counter]) -> None:
    print(f"{'category':<18} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
    total: Counter = Counter()
    for key in KEYS:
        c = counts[key]
        total.update(c)
        p, r, f = prf(c)
        print(
            f"{key:<18} {c['tp'] + c['fn']:>5} {c['tp'] + c['fp']:>5} {p:>6.3f} {r:>6.3f} {f:>6.3f}"
        )
    p, r, f = prf(total)
    gold, pred = total["tp"] + total["fn"], total["tp"] + total["fp"]
    print(f"{'micro':<18} {gold:>5} {pred:>5} {p:>6.3f} {r:>6.3f} {f:>6.3f}")


def show_errors(rows: list[dict], predicted: list[dict[str, str]], key: str) -> None:
    for row, found in zip(rows, predicted, strict=True):
        gold = set(row["categories"])
        if key in found and key not in gold:
            print(f"FP  {found[key]}  {sorted(gold)}  {row['text']}")
    for row, found in zip(rows, predicted, strict=True):
        if key in row["categories"] and key not in found:
            print(f"FN  {sorted(found)}  {row['text']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("all", "dev", "holdout"), default="all")
    parser.add_argument("--errors", choices=KEYS, help="list this category's errors")
    args = parser.parse_args()
    rows = load(args.split)
    predicted = predict([r["text"] for r in rows])
    print(f"{len(rows)} labelled sentences ({args.split})")
    report(score(rows, predicted))
    if args.errors:
        show_errors(rows, predicted, args.errors)


if __name__ == "__main__":
    main()
