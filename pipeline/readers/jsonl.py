"""JSON Lines: one document per line, per the contract; each bad line rejected on its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pipeline.documents import Document
from pipeline.errors import InputRejected
from pipeline.readers.plain import document_from_meta
from pipeline.text import normalise

CONTRACT_KEYS = {"text", "id", "title", "url", "published", "kind"}


def read_jsonl(path: Path, name: str) -> Iterator[Document | InputRejected]:
    """Stream the documents of a JSON Lines file, yielding a rejection for each bad line.

    `name` is the path as the user gave it: documents without an `id` are sourced `NAME:LINE`.
    """
    with path.open("rb") as handle:
        for lineno, raw in enumerate(handle, start=1):
            where = f"{name}:{lineno}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                yield InputRejected(where, f"not valid UTF-8 (byte at column {exc.start + 1})")
                continue
            yield parse_line(where, line)


def parse_line(where: str, line: str) -> Document | InputRejected:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputRejected(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return InputRejected(where, f"a line must be a JSON object, not {type(obj).__name__}")
    raw_text = obj.get("text")
    if not isinstance(raw_text, str):
        reason = "no 'text' field" if raw_text is None else "'text' is not a string"
        return InputRejected(where, reason)
    text = normalise(raw_text)
    if not text:
        return InputRejected(where, "'text' is empty")
    doc = document_from_meta(text, where, "jsonl", obj, extra={}, page_map=None)
    doc.metadata.update(
        {k: v for k, v in obj.items() if k not in CONTRACT_KEYS and k not in doc.metadata}
    )
    return doc
