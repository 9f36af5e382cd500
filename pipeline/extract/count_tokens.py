"""Cheap access to the few tokens around each number in a `Doc`.

The counts extractor reads a handful of tokens either side of every number. Building a
`Token` object (as `doc[i]` does) costs more than the whole look-up it serves, so texts are
read from the token's `ORTH` id, which the anchor search has already taken from the `Doc` in
one array, through caches shared by all documents. Out-of-range indices read as the empty
string, which no rule matches, so callers need no bounds checks.
"""

from __future__ import annotations

from spacy.strings import StringStore
from spacy.tokens import Doc


class StringCache:
    """`ORTH` id -> text and lower-case text, kept across documents.

    An id is a hash of the string, the same in every `Vocab`, so one cache serves documents
    from any pipeline; a miss is resolved through the document's own `StringStore`.
    """

    __slots__ = ("texts", "lowers")

    def __init__(self) -> None:
        self.texts: dict[int, str] = {0: ""}
        self.lowers: dict[int, str] = {0: ""}

    def text(self, orth: int, strings: StringStore) -> str:
        """The string an `ORTH` id stands for."""
        text = self.texts.get(orth)
        if text is None:
            text = self.texts[orth] = strings[orth]
        return text

    def lower(self, orth: int, strings: StringStore) -> str:
        """The lower-case string an `ORTH` id stands for."""
        lower = self.lowers.get(orth)
        if lower is None:
            lower = self.lowers[orth] = self.text(orth, strings).lower()
        return lower


class TokenView:
    """Token texts and offsets of one `Doc`, by token index."""

    __slots__ = ("doc", "n", "orths", "cache", "strings", "_texts", "_lowers")

    def __init__(self, doc: Doc, orths: list[int], cache: StringCache) -> None:
        self.doc = doc
        self.n = len(orths)
        self.orths = orths
        self.cache = cache
        self.strings = doc.vocab.strings
        self._texts = cache.texts
        self._lowers = cache.lowers

    def text(self, i: int) -> str:
        """The token's text, or "" outside the document."""
        if not 0 <= i < self.n:
            return ""
        text = self._texts.get(self.orths[i])
        return self.cache.text(self.orths[i], self.strings) if text is None else text

    def lower(self, i: int) -> str:
        """The token's lower-case text, or "" outside the document."""
        if not 0 <= i < self.n:
            return ""
        lower = self._lowers.get(self.orths[i])
        return self.cache.lower(self.orths[i], self.strings) if lower is None else lower

    def idx(self, i: int) -> int:
        """Character offset of the token's start."""
        return int(self.doc[i].idx)

    def end_char(self, i: int) -> int:
        """Character offset just after the token."""
        return int(self.doc[i].idx) + len(self.text(i))

    def is_sent_start(self, i: int) -> bool:
        """Whether a sentence starts at token `i` (sentence boundaries set upstream)."""
        return 0 <= i < self.n and bool(self.doc[i].is_sent_start)
