"""Sentence boundaries at line breaks, before the punctuation-based sentencizer runs.

Headings, bullet points and table rows end without a full stop; stored text keeps them on
lines of their own, so a line break starts a new sentence unless the line was merely wrapped
(the next line continues in lower case after a word that does not end a sentence).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

SENT_END = {".", "!", "?", ":", ";", "”", '"', "’", "'"}


@Language.factory("trustwatch_lines")
class LineBreaks:
    """Mark the first token after a line break as a sentence start."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        for i in range(1, len(doc)):
            token, gap = doc[i], doc[i - 1]
            if token.is_space or not gap.is_space or "\n" not in gap.text:
                continue
            before = doc[i - 2] if i >= 2 else None
            wrapped = gap.text.count("\n") == 1 and token.is_lower
            if wrapped and before is not None and before.text[-1] not in SENT_END:
                continue
            token.is_sent_start = True
        return doc
