"""`trustwatch show`: one document, its metadata and every extraction, with offsets.

`show()` gives the data (for `--format json`); `facts()` flattens the extractions into one
row per fact (for tables, CSV and JSON Lines); `render()` prints the text for a terminal with
each kind of extraction highlighted in its own colour, then the table of facts.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pipeline.classify.taxonomy import LABELS
from pipeline.errors import UsageError
from pipeline.query.common import fetch

DOCUMENT_COLUMNS = (
    "id", "title", "published", "kind", "source", "url", "format", "story_id", "n_chars",
    "main_org_id", "main_org", "metadata", "ingested_at", "pipeline_version", "text",
)  # fmt: skip
FACT_COLUMNS = ("kind", "start", "end", "text", "detail")
STYLES = {
    "organisation": "bold cyan",
    "rating": "bold magenta",
    "count": "bold yellow",
    "theme": "bold green",
    "repeat": "bold red",
}
THEME_SENTENCE_STYLE = "underline"
_SQL = {
    "org_mentions": """
        SELECT m.start, m."end", m.text, m.org_id, o.name, o.kind, o.ods_code, m.rule, m.score
        FROM org_mentions m LEFT JOIN organisations o ON o.id = m.org_id
        WHERE m.doc_id = ? ORDER BY m.start, m."end"
    """,
    "ratings": """
        SELECT r.start, r."end", r.sent_start, r.sent_end, r.org_id, o.name AS organisation,
          r.service, r.domain, r.rating, r.previous_rating, r.year, r.rule
        FROM ratings r LEFT JOIN organisations o ON o.id = r.org_id
        WHERE r.doc_id = ? ORDER BY r.start, r."end"
    """,
    "counts": """
        SELECT start, "end", text, value, qualifier, denominator, what, category, rule
        FROM counts WHERE doc_id = ? ORDER BY start, "end"
    """,
    "themes": """
        SELECT start, "end", category, negated, speaker, cue_start, cue_end, rule
        FROM themes WHERE doc_id = ? ORDER BY start, cue_start""",
    "repeat_signals": """
        SELECT start, "end", sent_start, sent_end, text, rule
        FROM repeat_signals WHERE doc_id = ? ORDER BY start""",
    "doc_categories": """
        SELECT category, score, method, start, "end"
        FROM doc_categories WHERE doc_id = ? ORDER BY score DESC, category""",
    "org_categories": """
        SELECT c.org_id, o.name AS organisation, c.category, c.method, c.start, c."end"
        FROM org_categories c LEFT JOIN organisations o ON o.id = c.org_id
        WHERE c.doc_id = ? ORDER BY o.name, c.category""",
}


def find_document(db: sqlite_utils.Database, ref: str) -> str:
    """The id of the document `ref` names: its id, a unique prefix of it, or its source."""
    ref = ref.strip()
    if not ref:
        raise UsageError("show: name a document by id, id prefix or source")
    exact = db.execute("SELECT id FROM documents WHERE id = ?", [ref]).fetchone()
    if exact:
        return str(exact[0])
    found = db.execute(
        """SELECT id, title FROM documents WHERE source = ?
           UNION SELECT id, title FROM documents WHERE id >= ? AND id < ?
           ORDER BY 1 LIMIT 6""",
        [ref, ref, ref + "\U0010ffff"],
    ).fetchall()
    if len(found) == 1:
        return str(found[0][0])
    if not found:
        raise UsageError(f"show: no document with id, id prefix or source {ref!r}")
    listed = "; ".join(f"{doc_id} ({title or 'untitled'})" for doc_id, title in found[:5])
    raise UsageError(f"show: {ref!r} names several documents: {listed}; give more of the id")


def show(db: sqlite_utils.Database, ref: str) -> dict[str, Any]:
    """The document (metadata and text) and every extraction, keyed by table name."""
    doc_id = find_document(db, ref)
    document = fetch(
        db,
        """SELECT d.*, o.name AS main_org FROM documents d
           LEFT JOIN organisations o ON o.id = d.main_org_id WHERE d.id = ?""",
        [doc_id],
    )[0]
    document["metadata"] = json.loads(document["metadata"]) if document["metadata"] else {}
    result: dict[str, Any] = {"document": {c: document.get(c) for c in DOCUMENT_COLUMNS}}
    for table, sql in _SQL.items():
        result[table] = fetch(db, sql, [doc_id])
    for row in result["themes"] + result["doc_categories"] + result["org_categories"]:
        row["label"] = LABELS.get(row["category"], row["category"])
    return result


def facts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every extraction of `show()` as a row: kind, offsets, the text there, what it says."""
    text: str = data["document"]["text"] or ""
    rows: list[dict[str, Any]] = []
    for m in data["org_mentions"]:
        code = f", {m['ods_code']}" if m["ods_code"] else ""
        rows.append(_fact("organisation", m, text, f"{m['name']} ({m['kind']}{code})"))
    for r in data["ratings"]:
        was = f", was {r['previous_rating']}" if r["previous_rating"] else ""
        year = f" in {r['year']}" if r["year"] else ""
        service = r["service"] or "whole organisation"
        detail = f"{r['organisation'] or '?'}: {service}, {r['domain']}: {r['rating']}{was}{year}"
        rows.append(_fact("rating", r, text, detail))
    for c in data["counts"]:
        qualifier = f"{c['qualifier']} " if c["qualifier"] else ""
        of = f" of {c['denominator']:g}" if c["denominator"] is not None else ""
        detail = f"{qualifier}{c['value']:g}{of} {c['what']} [{c['category']}]"
        rows.append(_fact("count", c, text, detail))
    for t in data["themes"]:
        negated = " (negated)" if t["negated"] else ""
        cue = {"start": t["cue_start"], "end": t["cue_end"]}
        rows.append(_fact("theme", cue, text, f"{t['category']}{negated}, said by {t['speaker']}"))
    for s in data["repeat_signals"]:
        rows.append(_fact("repeat", s, text, f"repeat signal ({s['rule']})"))
    for c in data["doc_categories"]:
        rows.append(_fact("category", c, text, f"{c['category']} {c['score']:.2f} ({c['method']})"))
    for a in data["org_categories"]:
        detail = f"{a['category']} attributed to {a['organisation']} ({a['method']})"
        rows.append(_fact("attribution", a, text, detail))
    return rows


def _fact(kind: str, row: dict[str, Any], text: str, detail: str) -> dict[str, Any]:
    start, end = row.get("start"), row.get("end")
    span = text[start:end] if start is not None and end is not None else None
    return {"kind": kind, "start": start, "end": end, "text": span, "detail": detail}


def render(data: dict[str, Any], console: Console, with_text: bool = True) -> None:
    """Print the document for a terminal: metadata, highlighted text, table of facts."""
    doc = data["document"]
    header = Text()
    header.append(doc["title"] or "(untitled)", style="bold")
    for key in ("id", "published", "kind", "source", "url", "main_org", "story_id"):
        if doc.get(key):
            header.append(f"\n{key}: {doc[key]}")
    console.print(Panel(header, expand=False))
    if with_text:
        legend = Text("  ").join(Text(kind, style=style) for kind, style in STYLES.items())
        console.print(Text("Highlights: ") + legend + Text("; underlined: theme sentences"))
        console.print(highlighted(data))
    table = Table(title=f"{len(facts(data))} facts", show_lines=False)
    for column in FACT_COLUMNS:
        table.add_column(column, overflow="fold")
    for fact in facts(data):
        style = STYLES.get(fact["kind"], "")
        table.add_row(
            Text(fact["kind"], style=style),
            str(fact["start"]) if fact["start"] is not None else "",
            str(fact["end"]) if fact["end"] is not None else "",
            fact["text"] or "",
            fact["detail"],
        )
    console.print(table)


def highlighted(data: dict[str, Any]) -> Text:
    """The document text with each extraction styled by kind (theme sentences underlined)."""
    text = Text(data["document"]["text"] or "")
    for t in data["themes"]:
        if not t["negated"]:
            text.stylize(THEME_SENTENCE_STYLE, t["start"], t["end"])
    spans: list[tuple[str, Any, Any]] = [
        ("theme", t["cue_start"], t["cue_end"]) for t in data["themes"]
    ]
    spans += [("repeat", s["start"], s["end"]) for s in data["repeat_signals"]]
    spans += [("organisation", m["start"], m["end"]) for m in data["org_mentions"]]
    spans += [("count", c["start"], c["end"]) for c in data["counts"]]
    spans += [("rating", r["start"], r["end"]) for r in data["ratings"]]
    for kind, start, end in spans:
        if start is not None and end is not None:
            text.stylize(STYLES[kind], start, end)
    return text
