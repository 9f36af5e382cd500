"""How far independent annotators agree on sentence categories: the ceiling a model can reach.

A file of `corpus/labels/agreement/` holds, for a random sample of labelled sentences, the
stored labels at the time of sampling and those of annotators who labelled the same sentences
blind, one after another, under `docs/annotation.md`:
`{"file", "sha1" | "report", "start", "end", "labels": [[...], [...], ...]}` (the sentence is
named by reference, never copied). This prints the F1 of every pair of annotations per
category, their macro mean and the agreement on "states any failure at all". F1 between two
annotators is symmetric, so neither needs to be called the truth.

    python scripts/label_agreement.py corpus/labels/agreement/round1.jsonl
"""

from __future__ import annotations

import argparse
import json
from itertools import combinations
from pathlib import Path

from pipeline.classify.taxonomy import KEYS

Annotation = frozenset[str]


def read_annotations(path: Path) -> list[list[Annotation]]:
    """Per sentence, its annotations in file order; every sentence must have the same number."""
    rows: list[list[Annotation]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            labels = json.loads(line).get("labels")
            if not isinstance(labels, list) or len(labels) < 2:
                raise ValueError(f"{path}:{number}: 'labels' must list at least two annotations")
            unknown = {key for annotation in labels for key in annotation} - set(KEYS)
            if unknown:
                raise ValueError(f"{path}:{number}: unknown categories {sorted(unknown)}")
            if rows and len(labels) != len(rows[0]):
                raise ValueError(f"{path}:{number}: {len(labels)} annotations, not {len(rows[0])}")
            rows.append([frozenset(annotation) for annotation in labels])
    if not rows:
        raise ValueError(f"{path}: no annotated sentences")
    return rows


def f1(a: list[bool], b: list[bool]) -> float | None:
    """F1 of two yes/no annotations of the same items; None when neither says yes."""
    both = sum(x and y for x, y in zip(a, b, strict=True))
    either = sum(a) + sum(b)
    return None if either == 0 else 2 * both / either


def pair_agreement(a: list[Annotation], b: list[Annotation]) -> dict[str, float | None]:
    """Per-category F1, `macro` (mean over categories either annotation used) and `failure`."""
    result: dict[str, float | None] = {
        key: f1([key in x for x in a], [key in y for y in b]) for key in KEYS
    }
    used = [score for score in result.values() if score is not None]
    result["macro"] = sum(used) / len(used) if used else None
    result["failure"] = f1([bool(x) for x in a], [bool(y) for y in b])
    return result


def agreement(rows: list[list[Annotation]]) -> dict[str, dict[str, float | None]]:
    """`pair_agreement` for every pair of annotation columns, keyed "i-j" (0 = stored)."""
    columns = list(zip(*rows, strict=True))
    return {
        f"{i}-{j}": pair_agreement(list(columns[i]), list(columns[j]))
        for i, j in combinations(range(len(columns)), 2)
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    rows = read_annotations(args.file)
    pairs = agreement(rows)
    print(f"{len(rows)} sentences, annotations 0 (stored) to {len(rows[0]) - 1}")
    print("category".ljust(18) + "".join(pair.rjust(8) for pair in pairs))
    for key in [*KEYS, "macro", "failure"]:
        cells = [pairs[pair][key] for pair in pairs]
        print(key.ljust(18) + "".join("-".rjust(8) if c is None else f"{c:8.3f}" for c in cells))


if __name__ == "__main__":
    main()
