"""Plain text and Markdown, with an optional front-matter block of metadata.

A file may start with `---`, lines of `key: value` (title, published, kind, url, source, id),
and `---`: a researcher's way to date and title a text file. Markdown markup is reduced to
its words so that rules see sentences, not syntax.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.documents import Document, iso_date
from pipeline.errors import InputRejected
from pipeline.text import normalise

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^#{1,6}[ \t]+", re.M)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.M)
_BULLET = re.compile(r"^[ \t]*[*+][ \t]+", re.M)


def read_plain(source: str, content: str, markdown: bool) -> Document:
    meta, body = split_front_matter(content)
    if markdown:
        body = strip_markdown(body)
    text = normalise(body)
    if not text:
        raise InputRejected(source, "no text (the file holds only whitespace or metadata)")
    return document_from_meta(
        text, source, "markdown" if markdown else "text", meta, extra={}, page_map=None
    )


def split_front_matter(content: str) -> tuple[dict[str, str], str]:
    match = _FRONT.match(content.lstrip("\ufeff"))
    if not match:
        return {}, content
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, content.lstrip("\ufeff")[match.end() :]


def strip_markdown(body: str) -> str:
    body = _RULE.sub("", body)
    body = _HEADING.sub("", body)
    body = _LINK.sub(r"\1", body)
    body = _EMPHASIS.sub(r"\2", body)
    return _BULLET.sub("- ", body)


def document_from_meta(
    text: str,
    source: str,
    fmt: str,
    meta: dict[str, Any],
    extra: dict[str, Any],
    page_map: list[tuple[int, int]] | None,
) -> Document:
    """A Document from metadata keys of the contract; other keys are kept as metadata."""
    known = {"title", "url", "published", "kind", "source", "id", "text", "date"}
    metadata = {k: v for k, v in meta.items() if k not in known}
    metadata.update(extra)
    published_raw = meta.get("published", meta.get("date"))
    published = iso_date(published_raw)
    if published_raw and not published:
        metadata["published_unparsed"] = published_raw
    return Document(
        text=text,
        source=str(meta.get("id") or source),
        format=fmt,
        title=_str_or_none(meta.get("title")),
        url=_str_or_none(meta.get("url")),
        published=published,
        kind=_str_or_none(meta.get("kind")),
        metadata=metadata,
        page_map=page_map,
    )


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
