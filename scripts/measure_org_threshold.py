"""Measure fuzzy organisation matching: precision and recall per threshold and margin.

The fuzzy step in `pipeline/extract/orgs.py` only sees names the exact gazetteer lookup
missed, so it is measured on such names:

- positives: variants generated from every trust (open or closed), hospital and health
  board in the gazetteer (a typo, "&" for "and", "NHS Trust" for "NHS Foundation Trust", a
  dropped word such as "University", the place alone, "Hospitals" for "Hospital"), each of
  which should resolve to the entry it came from. Variants that are already an exact name
  or alias are left out: they never reach the fuzzy step.
- negatives: (a) the same variants resolved against the gazetteer *without* their entry
  (leave-one-out: an organisation the gazetteer does not know must not be matched to a
  neighbour, nor a merged trust to its predecessor), and (b) invented organisations
  ("Ambridge and District NHS Foundation Trust").

Counts: a positive resolved to its entry is a true positive; a positive resolved to another
entry and a negative resolved to anything are false positives; precision = TP / (TP + FP),
recall = TP / positives. Run:

    .venv/bin/python scripts/measure_org_threshold.py

Result recorded in orgs.py (FUZZY_THRESHOLD, FUZZY_MARGIN) and in the issue report.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract.orgs import (  # noqa: E402
    FUZZY_MARGIN,
    FUZZY_THRESHOLD,
    FuzzyMatch,
    FuzzyResolver,
    load_gazetteer,
    phrase_key,
    prune_aliases,
)
from pipeline.ods import GENERIC_WORDS  # noqa: E402

KINDS = ("trust", "hospital", "health_board")
THRESHOLDS = (70, 75, 80, 84, 86, 88, 90, 92, 95, 98, 100)
MARGINS = (0, 2, 5, 10)
SHOWN = 15
DROPPABLE = ("University", "Teaching", "Hospitals", "Healthcare", "Group", "Community", "General")
INVENTED_PLACES = (
    "Ambridge",
    "Holby",
    "Casterbridge",
    "Middlemarch",
    "Melchester",
    "Budmouth",
    "Christminster",
    "Lymestone",
    "Royston Vasey",
    "Walford",
    "Weatherfield",
    "Emmerdale",
    "Greendale",
    "Pontypandy",
    "Trumpton",
    "Camberwick Green",
    "Summerisle",
    "Midsomer",
    "Newtown Linford",
    "Little Whinging",
)
TEMPLATES = {
    "trust": (
        "{p} NHS Trust",
        "{p} and District NHS Foundation Trust",
        "{p} Teaching Hospitals NHS Trust",
        "{p} Community Healthcare NHS Trust",
        "North {p} NHS Foundation Trust",
    ),
    "hospital": (
        "{p} Hospital",
        "{p} General Hospital",
        "{p} Royal Infirmary",
        "St Mary's {p} Hospital",
    ),
    "health_board": ("{p} University Health Board", "{p} Health Board"),
}


@dataclass(frozen=True)
class Case:
    """A name to resolve, the entry it names (None for invented ones) and an id to hide."""

    kind: str
    text: str
    expected: str | None
    hidden: str | None
    variant: str = "invented"


def main() -> int:
    """Print the precision/recall table."""
    entries, _ = prune_aliases(load_gazetteer())
    resolver = FuzzyResolver(entries, threshold=0, margin=0)
    exact = {phrase_key(t) for e in entries for t in [e["name"], *e["aliases"]]}
    rng = random.Random(20240601)
    closed = {e["id"] for e in entries if e.get("closed")}
    # A closed trust's place alone ("Barts NHS Trust") names its successor as well: left out.
    positives = [
        c
        for c in _positives(entries, rng)
        if phrase_key(c.text) not in exact and not (c.expected in closed and c.variant == "place")
    ]
    negatives = [Case(c.kind, c.text, None, c.expected, c.variant) for c in positives]
    negatives += list(_invented())
    scored = [(case, _scores(resolver, case)) for case in positives + negatives]
    print(f"{len(entries)} entries; {len(positives)} positive variants; {len(negatives)} negatives")
    n_closed = sum(c.expected in closed for c in positives)
    n_invented = len(negatives) - len(positives)
    print(
        f"({n_closed} of the positives name closed trusts; negatives: {len(positives)}"
        f" leave-one-out, {n_invented} invented)\n"
    )
    print("margin threshold  precision  recall   TP   FP   FN")
    for margin in MARGINS:
        for threshold in THRESHOLDS:
            tp, fp, fn = _count(scored, threshold, margin, len(positives))
            precision = tp / (tp + fp) if tp + fp else 1.0
            marker = "  <- chosen" if (threshold, margin) == (FUZZY_THRESHOLD, FUZZY_MARGIN) else ""
            print(
                f"{margin:>6} {threshold:>9}  {precision:9.3f}  {tp / len(positives):6.3f}"
                f" {tp:4} {fp:4} {fn:4}{marker}"
            )
        print()
    _by_variant(scored, FUZZY_THRESHOLD, FUZZY_MARGIN)
    _examples(scored, FUZZY_THRESHOLD, FUZZY_MARGIN)
    return 0


def _by_variant(
    scored: list[tuple[Case, list[FuzzyMatch]]], threshold: float, margin: float
) -> None:
    """Where the errors come from, at the chosen setting."""
    print(f"by variant at threshold {threshold}, margin {margin}:")
    print("variant       positives  resolved  wrong  leave-one-out FP")
    for variant in ("typo", "ampersand", "suffix", "drop-word", "place", "plural", "invented"):
        cases = [(c, m) for c, m in scored if c.variant == variant]
        pos = [
            (c, _decide(m, threshold, margin)) for c, m in cases if c.hidden is None and c.expected
        ]
        neg = [_decide(m, threshold, margin) for c, m in cases if c.expected is None]
        right = sum(got == c.expected for c, got in pos)
        wrong = sum(got is not None and got != c.expected for c, got in pos)
        false = sum(got is not None for got in neg)
        print(f"{variant:<12} {len(pos):>10} {right:>9} {wrong:>6} {false:>8} of {len(neg)}")
    print()


def _scores(resolver: FuzzyResolver, case: Case) -> list[FuzzyMatch]:
    if not any(w.lower() not in GENERIC_WORDS for w in case.text.replace("&", " ").split()):
        return []
    return [m for m in resolver.scores(case.kind, case.text) if m.entry_id != case.hidden]


def _decide(matches: list[FuzzyMatch], threshold: float, margin: float) -> str | None:
    resolver = FuzzyResolver([], threshold, margin)
    match = resolver.decide(matches)
    return match.entry_id if match else None


def _count(
    scored: list[tuple[Case, list[FuzzyMatch]]], threshold: float, margin: float, n_pos: int
) -> tuple[int, int, int]:
    tp = fp = 0
    for case, matches in scored:
        got = _decide(matches, threshold, margin)
        if got is None:
            continue
        if case.expected is not None and case.hidden is None and got == case.expected:
            tp += 1
        else:
            fp += 1
    return tp, fp, n_pos - tp


def _examples(scored: list[tuple[Case, list[FuzzyMatch]]], threshold: float, margin: float) -> None:
    print(f"false positives at threshold {threshold}, margin {margin} (first {SHOWN}):")
    shown = 0
    for case, matches in scored:
        got = _decide(matches, threshold, margin)
        wrong = got is not None and (case.hidden is not None or got != case.expected)
        if wrong and shown < SHOWN:
            shown += 1
            print(f"  {case.text!r} -> {got} (true: {case.expected or case.hidden})")


def _positives(entries: list[dict[str, Any]], rng: random.Random) -> Iterator[Case]:
    for entry in entries:
        if entry["kind"] not in KINDS:
            continue
        seen: set[str] = set()
        for variant in _variants(entry["name"], entry["kind"], rng):
            if variant[1] != entry["name"] and variant[1] not in seen:
                seen.add(variant[1])
                yield Case(entry["kind"], variant[1], entry["id"], None, variant[0])


def _variants(name: str, kind: str, rng: random.Random) -> Iterator[tuple[str, str]]:
    base = name[4:] if name.startswith("The ") else name
    words = base.split()
    yield "typo", _typo(base, rng)
    amp = base.replace(" and ", " & ") if " and " in base else base.replace(" & ", " and ")
    yield "ampersand", amp
    if base.endswith("NHS Foundation Trust"):
        yield "suffix", base.replace("NHS Foundation Trust", "NHS Trust")
    elif base.endswith("NHS Trust"):
        yield "suffix", base.replace("NHS Trust", "NHS Foundation Trust")
    for word in DROPPABLE:
        if word in words[:-1] and len(words) > 2:
            yield "drop-word", " ".join(w for w in words if w != word)
    specific = [w for w in words if w.lower().strip(",") not in GENERIC_WORDS]
    if specific:
        suffix = {"trust": "NHS Trust", "hospital": "Hospital", "health_board": "Health Board"}[
            kind
        ]
        yield "place", f"{specific[0].strip(',')} {suffix}"
    if " Hospital " in f" {base} ":
        yield "plural", f" {base} ".replace(" Hospital ", " Hospitals ").strip()


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.lower() not in GENERIC_WORDS]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("delete", "swap", "double"))
    if edit == "delete":
        word = word[:j] + word[j + 1 :]
    elif edit == "swap":
        word = word[: j - 1] + word[j] + word[j - 1] + word[j + 1 :]
    else:
        word = word[:j] + word[j] + word[j:]
    words[i] = word
    return " ".join(words)


def _invented() -> Iterator[Case]:
    for kind, templates in TEMPLATES.items():
        for place in INVENTED_PLACES:
            for template in templates:
                yield Case(kind, template.format(p=place), None, None)


if __name__ == "__main__":
    raise SystemExit(main())
