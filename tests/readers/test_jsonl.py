import json

from pipeline.errors import InputRejected
from pipeline.readers.jsonl import read_jsonl


def test_good_lines_stored_bad_lines_rejected_on_their_own(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(
            {
                "id": "r1",
                "text": "First  report.",
                "published": "2024-05-01T10:00:00Z",
                "kind": "pfd_report",
                "title": "One",
                "source": "judiciary",
                "court": "X",
            }
        ),
        "{broken",
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text"}),
        json.dumps({"text": 42}),
        json.dumps({"text": "   "}),
        "",
        json.dumps({"text": "Second report without id", "published": "not a date"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = list(read_jsonl(path, "feed.jsonl"))
    docs = [r for r in results if not isinstance(r, InputRejected)]
    rejects = [(r.source, r.reason) for r in results if isinstance(r, InputRejected)]
    assert rejects == [
        (
            "feed.jsonl:2",
            "not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        ),
        ("feed.jsonl:3", "a line must be a JSON object, not list"),
        ("feed.jsonl:4", "no 'text' field"),
        ("feed.jsonl:5", "'text' is not a string"),
        ("feed.jsonl:6", "'text' is empty"),
    ]
    first, second = docs
    assert (first.source, first.text, first.published, first.kind, first.title) == (
        "r1",
        "First report.",
        "2024-05-01",
        "pfd_report",
        "One",
    )
    assert first.metadata == {"source": "judiciary", "court": "X"}
    assert (second.source, second.published) == ("feed.jsonl:8", None)
    assert second.metadata == {"published_unparsed": "not a date"}


def test_invalid_utf8_line_is_rejected(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "\xff"}\n')
    results = list(read_jsonl(path, "feed.jsonl"))
    assert isinstance(results[1], InputRejected)
    assert results[1].source == "feed.jsonl:2"
    assert results[1].reason == "not valid UTF-8 (byte at column 11)"
