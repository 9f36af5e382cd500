"""Find an organisation by name, alias or ODS code, with close matches when none fits."""

from __future__ import annotations

import json

import sqlite_utils
from rapidfuzz import fuzz, process, utils

from pipeline.errors import UsageError

SUGGEST_CUTOFF = 60


def resolve_org(db: sqlite_utils.Database, query: str) -> int:
    """The id of the organisation `query` names: exact code, name or alias, else a unique
    best fuzzy match; otherwise a usage error that lists the closest names."""
    text = query.strip()
    row = db.execute(
        "SELECT id FROM organisations WHERE upper(ods_code) = upper(?) OR lower(name) = lower(?)"
        " ORDER BY ods_code IS NULL LIMIT 1",
        [text, text],
    ).fetchone()
    if row:
        return int(row[0])
    candidates = _candidates(db)
    folded = utils.default_process(text)
    for org_id, label in candidates:
        if utils.default_process(label) == folded:
            return org_id
    choices = {i: label for i, (_, label) in enumerate(candidates)}
    matches = process.extract(
        text, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=None,
        score_cutoff=SUGGEST_CUTOFF,
    )  # fmt: skip
    best = _best_per_org(candidates, matches)
    good = [m for m in best if m[1] >= 90]
    if good and (len(good) == 1 or good[0][1] - good[1][1] >= 3):
        return good[0][0]
    names = _names(db, [org_id for org_id, _ in best[:5]])
    hint = f"; did you mean: {'; '.join(names)}?" if names else ""
    raise UsageError(f"unknown organisation {query!r}{hint}")


def _best_per_org(
    candidates: list[tuple[int, str]], matches: list[tuple[str, float, int]]
) -> list[tuple[int, float]]:
    """Each matching organisation once, with its best-scoring name or alias, best first:
    a name and an alias of one organisation do not make a query ambiguous."""
    best: dict[int, float] = {}
    for _, score, index in matches:
        org_id = candidates[index][0]
        best[org_id] = max(best.get(org_id, 0.0), float(score))
    return sorted(best.items(), key=lambda item: -item[1])


def _names(db: sqlite_utils.Database, ids: list[int]) -> list[str]:
    """Canonical names of `ids`, in that order."""
    found = dict(
        db.execute(
            "SELECT id, name FROM organisations WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)],
        ).fetchall()
    )
    return [found[i] for i in ids if i in found]


def _candidates(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for org_id, name, aliases in db.execute("SELECT id, name, aliases FROM organisations"):
        out.append((int(org_id), name))
        out.extend((int(org_id), alias) for alias in json.loads(aliases or "[]"))
    return out
