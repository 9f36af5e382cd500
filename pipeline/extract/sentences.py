"""Sentence boundaries at line breaks, before the punctuation-based sentencizer runs.

Headings, bullet points and table rows end without a full stop; stored text keeps them on
lines of their own, so a line break starts a new sentence unless the line was merely wrapped
(the next line continues in lower case after a word that does not end a sentence).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from thinc.types import Ints2d

SENT_END = {".", "!", "?", ":", ";", "”", '"', "’", "'"}


@Language.factory("trustwatch_lines")
class LineBreaks:
    """Mark the first token after a line break as a sentence start."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if "\n" not in doc.text:
            return doc
        spaces = doc.to_array([IS_SPACE])
        last = len(doc) - 1
        starts = doc.to_array([SENT_START])
        found = False
        for gap_index in np.flatnonzero(spaces).tolist():
            if gap_index >= last or spaces[gap_index + 1]:
                continue
            gap = doc[gap_index].text
            if "\n" not in gap:
                continue
            wrapped = gap.count("\n") == 1 and doc[gap_index + 1].is_lower
            if wrapped and gap_index > 0 and doc[gap_index - 1].text[-1] not in SENT_END:
                continue
            starts[gap_index + 1] = 1
            found = True
        if found:
            doc.from_array([SENT_START], cast(Ints2d, starts.reshape(-1, 1)))
        return doc
