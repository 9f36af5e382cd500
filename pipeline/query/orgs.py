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
        text, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=5
    )
    good = [m for m in matches if m[1] >= 90]
    if good and (len(good) == 1 or good[0][1] - good[1][1] >= 3):
        return candidates[good[0][2]][0]
    close = [m[0] for m in matches if m[1] >= SUGGEST_CUTOFF]
    hint = f"; did you mean: {'; '.join(dict.fromkeys(close))}?" if close else ""
    raise UsageError(f"unknown organisation {query!r}{hint}")


def _candidates(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for org_id, name, aliases in db.execute("SELECT id, name, aliases FROM organisations"):
        out.append((int(org_id), name))
        out.extend((int(org_id), alias) for alias in json.loads(aliases or "[]"))
    return out
