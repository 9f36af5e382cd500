"""Named views over the store: the common joins, one query away (and one click in Datasette).

Views are recreated whenever their SQL changes, so they are not part of the migrations.
"""

from __future__ import annotations

from pipeline.classify.recurrence import recurring_sql
from pipeline.classify.taxonomy import CATEGORIES


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def categories_sql() -> str:
    """The failure taxonomy as rows (category, label, definition), so joins can show labels."""
    rows = ",\n  ".join(
        f"({_quoted(c.key)}, {_quoted(c.label)}, {_quoted(c.definition)})" for c in CATEGORIES
    )
    return f"""
SELECT column1 AS category, column2 AS label, column3 AS definition
FROM (VALUES
  {rows})"""


VIEWS: dict[str, str] = {
    "failure_attributions": """
SELECT oc.org_id, o.name AS organisation, oc.category, oc.doc_id, d.story_id, d.published,
  d.title, oc.method, oc.start, oc."end",
  substr(d.text, oc.start + 1, oc."end" - oc.start) AS evidence,
  EXISTS (SELECT 1 FROM repeat_signals s WHERE s.doc_id = oc.doc_id) AS repeat_signalled
FROM org_categories oc JOIN documents d ON d.id = oc.doc_id
JOIN organisations o ON o.id = oc.org_id""",
    "recurring": recurring_sql(),
    "document_summary": """
SELECT d.id, d.title, d.published, d.kind, d.format, d.source, d.story_id, d.n_chars,
  (SELECT count(*) FROM org_mentions m WHERE m.doc_id = d.id) AS n_org_mentions,
  (SELECT count(*) FROM ratings r WHERE r.doc_id = d.id) AS n_ratings,
  (SELECT count(*) FROM counts c WHERE c.doc_id = d.id) AS n_counts,
  (SELECT count(*) FROM themes t WHERE t.doc_id = d.id AND t.negated = 0) AS n_themes
FROM documents d""",
    "rating_history": """
SELECT r.org_id, o.name AS organisation, o.ods_code, r.service, r.domain, r.rating,
  r.previous_rating, coalesce(r.year, CAST(substr(d.published, 1, 4) AS INTEGER)) AS year,
  d.published, r.doc_id, d.title, r.start, r."end",
  substr(d.text, r.sent_start + 1, r.sent_end - r.sent_start) AS evidence
FROM ratings r JOIN documents d ON d.id = r.doc_id
LEFT JOIN organisations o ON o.id = r.org_id""",
    "count_evidence": """
SELECT c.doc_id, d.title, d.published, c.value, c.qualifier, c.denominator, c.what,
  c.category, c.start, c."end", c.text
FROM counts c JOIN documents d ON d.id = c.doc_id""",
    "theme_evidence": """
SELECT t.doc_id, d.title, d.published, t.category, t.negated, t.speaker, t.start, t."end",
  substr(d.text, t.start + 1, t."end" - t.start) AS evidence, t.rule
FROM themes t JOIN documents d ON d.id = t.doc_id""",
    "failure_categories": categories_sql(),
}
