"""Choose an input's format from its content, with the file suffix as a hint."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputRejected

MAGIC = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive (Word, Excel or other Office file?)",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file",
    b"SQLite format 3": "an SQLite database",
}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}


def sniff(path: Path, head: bytes) -> str:
    """One of `pdf`, `html`, `jsonl`, `markdown`, `text`; raises InputRejected for the rest.

    `head` is the first few kilobytes of the input.
    """
    source = str(path)
    if not head.strip():
        raise InputRejected(source, "empty file")
    stripped = head.lstrip()
    if stripped.startswith(b"%PDF-"):
        return "pdf"
    for magic, what in MAGIC.items():
        if head.startswith(magic):
            raise InputRejected(source, f"binary content ({what}), not a text, HTML or PDF file")
    if b"\x00" in head:
        raise InputRejected(source, "binary content (NUL bytes), not a text, HTML or PDF file")
    if path.suffix.lower() == ".pdf":
        raise InputRejected(source, "named .pdf but is not a PDF (no %PDF- header)")
    lowered = stripped[:512].lower().lstrip(b"\xef\xbb\xbf")
    suffix = path.suffix.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return "html"
    if suffix in HTML_SUFFIXES and lowered.startswith(b"<"):
        return "html"
    if suffix in JSONL_SUFFIXES or (suffix == ".json" and lowered.startswith(b"{")):
        return "jsonl"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def decode_utf8(source: str, data: bytes) -> str:
    """Strict UTF-8 (a BOM is allowed); a clear rejection names the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputRejected(
            source, f"not valid UTF-8 (byte 0x{bad} at offset {exc.start})"
        ) from None
