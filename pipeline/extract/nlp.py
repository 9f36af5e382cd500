"""Build the extraction pipeline: `spacy.blank("en")`, sentence boundaries, trustwatch rules.

No model is downloaded: every component is rule-based and its rules ship with the package.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from typing import Any

import spacy
from spacy.language import Language

from pipeline.extract import extensions  # noqa: F401  (declares Doc attributes)

# (factory name, module that registers it), in pipeline order: later components read what
# earlier ones found (ratings need organisations; themes need sentences).
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("trustwatch_orgs", "pipeline.extract.orgs"),
    ("trustwatch_ratings", "pipeline.extract.ratings"),
    ("trustwatch_counts", "pipeline.extract.counts"),
    ("trustwatch_themes", "pipeline.extract.themes"),
    ("trustwatch_repeats", "pipeline.extract.repeats"),
)


def available_components() -> list[str]:
    """Factories whose modules exist in this installation, in pipeline order."""
    names = []
    for factory, module in COMPONENTS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        names.append(factory)
    return names


def build_nlp(
    components: Sequence[str] | None = None,
    config: dict[str, dict[str, Any]] | None = None,
) -> Language:
    """A blank English pipeline with sentence boundaries and the named trustwatch components.

    `config` gives per-component settings, e.g. `{"trustwatch_orgs": {"extra_orgs": [...]}}`.
    """
    importlib.import_module("pipeline.extract.sentences")
    modules = dict(COMPONENTS)
    names = available_components() if components is None else list(components)
    for factory in names:
        if factory in modules:
            importlib.import_module(modules[factory])
    nlp = spacy.blank("en")
    nlp.add_pipe("trustwatch_lines")
    nlp.add_pipe("sentencizer")
    for factory in names:
        nlp.add_pipe(factory, config=(config or {}).get(factory, {}))
    return nlp


def sentences(nlp: Language, texts: Iterable[str]) -> Iterable[list[tuple[int, int]]]:
    """Character spans of the sentences of each text (for classifiers that score sentences)."""
    for doc in nlp.pipe(texts):
        yield [(s.start_char, s.end_char) for s in doc.sents]
