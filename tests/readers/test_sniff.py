from pathlib import Path

import pytest

from pipeline.errors import InputRejected
from pipeline.readers.sniff import decode_utf8, sniff


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", b"%PDF-1.7\n...", "pdf"),
        ("a.txt", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("a.htm", b"<div>x</div>", "html"),
        ("a.jsonl", b'{"text": "x"}\n', "jsonl"),
        ("a.md", b"# Title\n\ntext", "markdown"),
        ("a.html", b"plain words only", "text"),
        ("notes", b"plain words", "text"),
    ],
)
def test_sniff_by_content_with_suffix_hint(name, head, expected):
    assert sniff(Path(name), head) == expected


@pytest.mark.parametrize(
    ("name", "head", "reason"),
    [
        ("a.txt", b"", "empty file"),
        ("a.txt", b"  \n\t ", "empty file"),
        (
            "a.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "binary content (a PNG image), not a text, HTML or PDF file",
        ),
        ("a.txt", b"abc\x00def", "binary content (NUL bytes), not a text, HTML or PDF file"),
        ("a.pdf", b"hello", "named .pdf but is not a PDF (no %PDF- header)"),
    ],
)
def test_sniff_rejects_with_reason(name, head, reason):
    with pytest.raises(InputRejected) as info:
        sniff(Path(name), head)
    assert info.value.reason == reason
    assert info.value.source == name


def test_decode_utf8_names_the_bad_byte():
    with pytest.raises(InputRejected) as info:
        decode_utf8("x.txt", b"ok \xe9 bad")
    assert info.value.reason == "not valid UTF-8 (byte 0xe9 at offset 3)"
    assert decode_utf8("x.txt", b"\xef\xbb\xbfBOM") == "BOM"
