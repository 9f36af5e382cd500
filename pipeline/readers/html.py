"""HTML pages: the main text by trafilatura, title and date from the page's metadata.

trafilatura removes menus, cookie banners, related links and footers far better than a
hand-written walk of the tree; beautifulsoup4 reads the `<meta>` tags and is the fallback when
trafilatura finds no main text.
"""

from __future__ import annotations

import trafilatura
from bs4 import BeautifulSoup

from pipeline.documents import Document, iso_date
from pipeline.errors import InputRejected
from pipeline.readers.plain import document_from_meta
from pipeline.text import normalise

_BOILERPLATE_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript")
_DATE_META = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("name", "date"),
    ("name", "dc.date"),
    ("name", "DC.date.issued"),
    ("itemprop", "datePublished"),
)


def read_html(source: str, data: bytes) -> Document:
    html = _decode(source, data)
    soup = BeautifulSoup(html, "html.parser")
    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True
    )
    body = getattr(extracted, "text", None) if extracted is not None else None
    if not body or not body.strip():
        body = _fallback_text(soup)
    text = normalise(body or "")
    if not text:
        raise InputRejected(source, "no readable text in the HTML page")
    meta = {
        "title": _meta_title(soup) or getattr(extracted, "title", None),
        "published": _meta_date(soup) or iso_date(getattr(extracted, "date", None)),
        "url": _meta_url(soup),
    }
    return document_from_meta(text, source, "html", meta, extra={}, page_map=None)


def _decode(source: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        declared = BeautifulSoup(data[:4096], "html.parser").original_encoding
        if declared and declared.lower() not in {"utf-8", "ascii"}:
            try:
                return data.decode(declared)
            except (LookupError, UnicodeDecodeError):
                pass
    raise InputRejected(source, "not valid UTF-8 and no usable charset declared in the page")


def _fallback_text(soup: BeautifulSoup) -> str:
    for tag in soup(_BOILERPLATE_TAGS):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    return root.get_text("\n")


def _meta_title(soup: BeautifulSoup) -> str | None:
    og = soup.find("meta", attrs={"property": "og:title"})
    if og and og.get("content"):
        return str(og["content"]).strip()
    if soup.title and soup.title.string:
        return soup.title.string.strip()
    return None


def _meta_date(soup: BeautifulSoup) -> str | None:
    for attr, value in _DATE_META:
        tag = soup.find("meta", attrs={attr: value})
        if tag and tag.get("content"):
            found = iso_date(str(tag["content"]))
            if found:
                return found
    time_tag = soup.find("time", attrs={"datetime": True})
    return iso_date(str(time_tag["datetime"])) if time_tag else None


def _meta_url(soup: BeautifulSoup) -> str | None:
    canonical = soup.find("link", attrs={"rel": "canonical"})
    if canonical and canonical.get("href"):
        return str(canonical["href"])
    og = soup.find("meta", attrs={"property": "og:url"})
    return str(og["content"]) if og and og.get("content") else None
