"""Which organisation failed: attribute a document's categories to organisations.

A category found in a document is attributed to the document's main organisation and to every
provider or commissioner named in one of its evidence sentences. A hospital's failure is its
trust's (recurrence is followed at trust level, where inspections and reviews land).
Regulators and national bodies report failures; they are not attributed them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.extract.facts import OrgMention, ThemeFact

ATTRIBUTABLE = frozenset({"trust", "hospital", "health_board", "commissioner"})


def accountable_name(mention: OrgMention) -> str:
    """The organisation answerable for a mention: a hospital's parent trust, else itself."""
    return mention.parent if mention.kind == "hospital" and mention.parent else mention.name


def rule_categories(themes: Iterable[ThemeFact]) -> list[dict[str, Any]]:
    """Document categories from rule hits alone (no model): the first evidence per category."""
    found: dict[str, dict[str, Any]] = {}
    for theme in themes:
        if theme.negated or theme.category in found:
            continue
        found[theme.category] = {
            "category": theme.category,
            "score": 1.0,
            "method": "rules",
            "start": theme.start,
            "end": theme.end,
        }
    return list(found.values())


def attribute(
    orgs: list[OrgMention],
    main_org: str | None,
    categories: list[dict[str, Any]],
    themes: list[ThemeFact],
) -> list[dict[str, Any]]:
    """One row per (organisation, category): the organisation's name, category, evidence span."""
    assigned = {c["category"]: c for c in categories}
    evidence: list[tuple[str, int, int, str]] = [
        (c["category"], c["start"], c["end"], c["method"])
        for c in categories
        if c.get("start") is not None
    ]
    evidence += [
        (t.category, t.start, t.end, "rules")
        for t in themes
        if not t.negated and t.category in assigned
    ]
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for category, start, end, method in evidence:
        for mention in orgs:
            if mention.kind in ATTRIBUTABLE and start <= mention.start < end:
                key = (accountable_name(mention), category)
                rows.setdefault(key, _row(key, start, end, method))
    if main_org:
        for category, row in assigned.items():
            key = (main_org, category)
            rows.setdefault(key, _row(key, row.get("start"), row.get("end"), row["method"]))
    return list(rows.values())


def _row(key: tuple[str, str], start: int | None, end: int | None, method: str) -> dict[str, Any]:
    return {
        "organisation": key[0],
        "category": key[1],
        "start": start,
        "end": end,
        "method": method,
    }
