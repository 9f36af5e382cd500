import pytest

from pipeline.errors import InputRejected
from pipeline.readers.plain import read_plain

FRONT = """---
title: "Dudley review"
published: 2017-11-10
kind: news
url: https://example.org/a
region: West Midlands
---

First paragraph.

Second paragraph.
"""


def test_front_matter_becomes_metadata():
    doc = read_plain("a.txt", FRONT, markdown=False)
    assert doc.text == "First paragraph.\n\nSecond paragraph."
    assert (doc.title, doc.published, doc.kind, doc.url) == (
        "Dudley review",
        "2017-11-10",
        "news",
        "https://example.org/a",
    )
    assert doc.metadata == {"region": "West Midlands"}
    assert doc.source == "a.txt"
    assert doc.format == "text"


def test_markdown_markup_is_reduced_to_words():
    md = "# Heading\n\nThe **trust** was [rated](http://x) inadequate.\n\n* one\n* two\n\n---\n"
    doc = read_plain("a.md", md, markdown=True)
    assert doc.text == "Heading\n\nThe trust was rated inadequate.\n\n- one\n- two"


def test_unparsable_date_is_kept_as_metadata_not_published():
    doc = read_plain("a.txt", "---\npublished: last Tuesday\n---\nText.", markdown=False)
    assert doc.published is None
    assert doc.metadata == {"published_unparsed": "last Tuesday"}


def test_front_matter_only_is_rejected():
    with pytest.raises(InputRejected) as info:
        read_plain("a.md", "---\ntitle: x\n---\n\n  \n", markdown=True)
    assert info.value.reason == "no text (the file holds only whitespace or metadata)"
