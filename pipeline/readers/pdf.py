"""PDF reports: text page by page with pypdf, wrapped lines re-flowed, page offsets kept.

The page map (page number → offset of its first character in the stored text) lets any
evidence span cite the page it came from. Encrypted and image-only PDFs are rejected with a
reason instead of being stored empty.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from pipeline.documents import Document
from pipeline.errors import InputRejected
from pipeline.readers.plain import document_from_meta
from pipeline.text import normalise, reflow

MIN_CHARS_PER_PAGE = 10
PAGE_BREAK = "\n\n"

logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(source: str, data: bytes) -> Document:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypt_empty(reader):
            raise InputRejected(source, "encrypted PDF (a password is needed to read it)")
        pages = [
            normalise(reflow(drop_page_numbers(page.extract_text() or ""))) for page in reader.pages
        ]
        info = reader.metadata
    except InputRejected:
        raise
    except (DependencyError, FileNotDecryptedError) as exc:
        raise InputRejected(source, f"encrypted PDF that cannot be opened ({exc})") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputRejected(source, f"corrupt or unreadable PDF ({exc})") from None
    if not pages:
        raise InputRejected(source, "PDF has no pages")
    n_chars = sum(len(p.replace(" ", "")) for p in pages)
    if n_chars < MIN_CHARS_PER_PAGE * len(pages):
        raise InputRejected(
            source,
            f"no extractable text in {len(pages)} page(s): scanned or image-only PDF (needs OCR)",
        )
    text, page_map = _join_pages(pages)
    meta = {
        "title": _info(info, "title"),
        "published": _creation_date(info),
    }
    extra = {"n_pages": len(pages)}
    return document_from_meta(text, source, "pdf", meta, extra=extra, page_map=page_map)


_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s+(?:of|/)\s+\d{1,4})?\s*$", re.I)


def drop_page_numbers(page: str) -> str:
    """Remove a page-number line ("Page 3", "3 of 12", "7") at the top or bottom of a page."""
    lines = page.strip("\n").split("\n")
    if lines and _PAGE_NUMBER.match(lines[-1]):
        lines.pop()
    if lines and _PAGE_NUMBER.match(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def _decrypt_empty(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except (DependencyError, FileNotDecryptedError, NotImplementedError):
        return False


def _join_pages(pages: list[str]) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    page_map: list[tuple[int, int]] = []
    offset = 0
    for number, page in enumerate(pages, start=1):
        if not page:
            continue
        if parts:
            parts.append(PAGE_BREAK)
            offset += len(PAGE_BREAK)
        page_map.append((number, offset))
        parts.append(page)
        offset += len(page)
    return "".join(parts), page_map


def _info(info: object, attr: str) -> str | None:
    value = getattr(info, attr, None) if info is not None else None
    return str(value).strip() or None if value else None


def _creation_date(info: object) -> str | None:
    if info is None:
        return None
    try:
        created = getattr(info, "creation_date", None)
    except (ValueError, TypeError):
        return None
    return created.date().isoformat() if isinstance(created, datetime) else None
