"""Every custom `Doc` attribute trustwatch uses, declared once.

Components assign these attributes in `__call__`; nothing else declares extensions. Defaults
are `None` (never a shared mutable list); readers use `facts(doc, name)`.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

FACT_ATTRS = ("tw_orgs", "tw_ratings", "tw_counts", "tw_themes", "tw_repeats")
META_ATTRS = ("tw_main_org", "tw_published_year")


def register_extensions() -> None:
    """Declare the attributes; safe to call more than once."""
    for name in FACT_ATTRS + META_ATTRS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def facts(doc: Doc, name: str) -> list[Any]:
    """The facts a component stored under `name`, or an empty list."""
    value = getattr(doc._, name)
    return list(value) if value else []


register_extensions()
