"""The document record every reader produces, and the identity derived from its content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

KINDS = ("news", "inspection_report", "pfd_report", "press_release", "report_extract")


@dataclass
class Document:
    """A normalised document ready to store. `text` is final: offsets refer to it."""

    text: str
    source: str
    format: str  # text, markdown, html, pdf, jsonl
    title: str | None = None
    url: str | None = None
    published: str | None = None
    kind: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    page_map: list[tuple[int, int]] | None = None  # (page number, offset of its first char)

    @property
    def id(self) -> str:
        return content_id(self.text)


def content_id(text: str) -> str:
    """Stable identity of a normalised text: the same text from any path is one document."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def iso_date(value: Any) -> str | None:
    """An ISO 8601 date (or year, or year-month) from a date, date-time or string; else None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and 1800 <= value <= 2200:
        return str(value)
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if len(raw) == 4 and raw.isdigit():
        return raw
    if len(raw) == 7 and raw[:4].isdigit() and raw[4] == "-" and raw[5:].isdigit():
        return raw if 1 <= int(raw[5:]) <= 12 else None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def published_year(published: str | None) -> int | None:
    """The year of a stored `published` value."""
    return int(published[:4]) if published and published[:4].isdigit() else None
