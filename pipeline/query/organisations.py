"""`trustwatch orgs`: the organisations in the store, how often documents name them, and a
fuzzy look-up by name, alias or ODS code.

Counts are of the organisation's own mentions (`org_mentions`), not of its sites'. Each row
carries one piece of evidence: the mention stored last, with its sentence.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils
from rapidfuzz import fuzz, process, utils

from pipeline.query.common import add_sentences, check_choice, fetch

KINDS = ("trust", "hospital", "health_board", "commissioner", "regulator", "other")
SEARCH_CUTOFF = 70  # WRatio: "dudley" scores 90 against "The Dudley Group NHS Foundation Trust"
COLUMNS = (
    "id", "name", "kind", "ods_code", "parent_id", "parent", "aliases", "origin",
    "n_documents", "n_mentions", "score", "doc_id", "start", "end", "mention",
    "evidence_start", "evidence_end", "evidence",
)  # fmt: skip
TABLE_COLUMNS = ("id", "name", "kind", "ods_code", "n_documents", "n_mentions")
SEARCH_TABLE_COLUMNS = ("id", "name", "kind", "ods_code", "n_documents", "score")

_SELECT = """
SELECT o.id, o.name, o.kind, o.ods_code, o.parent_id, p.name AS parent, o.aliases, o.origin,
  (SELECT count(DISTINCT m.doc_id) FROM org_mentions m WHERE m.org_id = o.id) AS n_documents,
  (SELECT count(*) FROM org_mentions m WHERE m.org_id = o.id) AS n_mentions
FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id"""


def organisations(
    db: sqlite_utils.Database,
    search: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Organisations, most documents first; with `search`, the fuzzy matches, best first.

    `search` matches names, aliases and ODS codes (rapidfuzz WRatio, case and punctuation
    folded); an exact code or name scores 100. `kind` keeps one kind (trust, hospital, ...).
    """
    if kind is not None:
        check_choice("kind", kind, KINDS)
    if search is not None and search.strip():
        rows = _search(db, search.strip(), kind)
    else:
        rows = _most_mentioned(db, kind, limit)
    rows = rows[:limit] if limit else rows
    for row in rows:
        row["aliases"] = "; ".join(json.loads(row["aliases"] or "[]"))
        row.update(_last_mention(db, row["id"]))
    add_sentences(db, rows)
    return [{c: row.get(c) for c in COLUMNS} for row in rows]


def _most_mentioned(
    db: sqlite_utils.Database, kind: str | None, limit: int | None
) -> list[dict[str, Any]]:
    """Organisations by number of documents naming them, then of mentions.

    Counting distinct documents for every organisation is what costs; mentions are cheap to
    count and bound documents from above. So organisations are ranked by mentions, and
    documents counted only until no organisation further down can enter the top `limit`.
    """
    where = " WHERE o.kind = ?" if kind else ""
    ranked = db.execute(
        f"""SELECT o.id, (SELECT count(*) FROM org_mentions m WHERE m.org_id = o.id) AS n
            FROM organisations o{where} ORDER BY n DESC, o.id""",
        [kind] if kind else [],
    )
    rows: list[dict[str, Any]] = []
    while batch := ranked.fetchmany(limit or 1000):
        rows += fetch(
            db,
            f"{_SELECT} WHERE o.id IN (SELECT value FROM json_each(?))",
            [json.dumps([org_id for org_id, _ in batch])],
        )
        if limit and len(rows) >= limit:
            threshold = sorted((r["n_documents"] for r in rows), reverse=True)[limit - 1]
            if batch[-1][1] < threshold:
                break
    rows.sort(key=lambda r: (-r["n_documents"], -r["n_mentions"], r["name"]))
    for row in rows:
        row["score"] = None
    return rows


def _search(db: sqlite_utils.Database, query: str, kind: str | None) -> list[dict[str, Any]]:
    """Every organisation with a name, alias or code scoring at least SEARCH_CUTOFF."""
    scores: dict[int, float] = {}
    folded = utils.default_process(query)
    sql = "SELECT id, name, aliases, ods_code FROM organisations"
    found = db.execute(sql + (" WHERE kind = ?" if kind else ""), [kind] if kind else [])
    labels: list[str] = []
    owners: list[int] = []
    for org_id, name, aliases, code in found:
        for label in (name, *json.loads(aliases or "[]"), code):
            if not label:
                continue
            if utils.default_process(label) == folded:
                scores[int(org_id)] = 100.0
            labels.append(label)
            owners.append(int(org_id))
    matches = process.extract(
        query,
        labels,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=None,
        score_cutoff=SEARCH_CUTOFF,
    )
    for _, score, index in matches:
        org_id = owners[index]
        scores[org_id] = max(scores.get(org_id, 0.0), float(score))
    if not scores:
        return []
    rows = fetch(
        db, f"{_SELECT} WHERE o.id IN (SELECT value FROM json_each(?))", [json.dumps(list(scores))]
    )
    for row in rows:
        row["score"] = round(scores[row["id"]], 1)
    rows.sort(key=lambda r: (-r["score"], -r["n_documents"], r["name"]))
    return rows


def _last_mention(db: sqlite_utils.Database, org_id: int) -> dict[str, Any]:
    """The mention stored last (one look-up on the org_id index)."""
    found = db.execute(
        'SELECT doc_id, start, "end", text FROM org_mentions WHERE org_id = ? '
        "ORDER BY rowid DESC LIMIT 1",
        [org_id],
    ).fetchone()
    if found is None:
        return {"doc_id": None, "start": None, "end": None, "mention": None}
    return {"doc_id": found[0], "start": found[1], "end": found[2], "mention": found[3]}
