"""Text normalisation applied once, before a document is stored.

Every offset in the store refers to the normalised text, so normalisation must be idempotent:
`normalise(normalise(t)) == normalise(t)`.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HSPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_TRAILING = re.compile(r" +\n")
_LEADING = re.compile(r"\n +")
_PARAGRAPHS = re.compile(r"\n{3,}")
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")


def normalise(text: str) -> str:
    """NFC, one kind of line break, single spaces, at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.translate(_INVISIBLE)
    text = _CONTROL.sub(" ", text)
    text = _HSPACE.sub(" ", text)
    text = _TRAILING.sub("\n", text)
    text = _LEADING.sub("\n", text)
    text = _PARAGRAPHS.sub("\n\n", text)
    return text.strip()


def join_hyphenated(text: str) -> str:
    """Re-join words split across a line break by a hyphen ("investi-\\ngation")."""
    return _HYPHEN_BREAK.sub("", text)


def reflow(text: str) -> str:
    """Join lines wrapped inside a paragraph (as PDF text comes), keeping paragraph breaks.

    A line break is kept where the line ends a sentence and is short, or where the next line
    starts a list item or heading; otherwise the lines are one paragraph.
    """
    lines = join_hyphenated(text).split("\n")
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if out and out[-1] != "":
                out.append("")
            continue
        if out and out[-1] != "" and _continues(out[-1], stripped):
            out[-1] = f"{out[-1]} {stripped}"
        else:
            out.append(stripped)
    return "\n".join(out)


_LIST_START = re.compile(r"^(?:[-•*–]\s|\(?\d{1,3}[.)]\s|\d{1,3}(?:\.\d{1,3})+\s|\(?[a-z][.)]\s)")


def _continues(previous: str, line: str) -> bool:
    if _LIST_START.match(line):
        return False
    if previous.endswith((".", "!", "?", ":", ";")) and line[:1].isupper():
        return False
    return not (len(previous) < 60 and line[:1].isupper() and not previous.endswith(","))
