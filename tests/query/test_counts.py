"""`trustwatch counts`: figures reported, each with its sentence and document."""

from __future__ import annotations

from pipeline.query.counts import counts
from pipeline.store import open_readonly
from tests.query.conftest import as_json, ident


def figures(rows):
    return [(r["text"], r["value"], r["published"]) for r in rows]


def test_east_kent_deaths_with_their_sources(store, cli):
    rows = as_json(cli("counts", "--org", "East Kent", "--category", "death", "-f", "json"))
    assert figures(rows) == [
        ("64 baby deaths", 64, "2022-10-19"),
        ("45", 45, "2022-10-19"),
        ("up to 15 baby deaths", 15, "2020-02-14"),  # about the trust's hospital
    ]
    assert rows[1] == {
        "doc_id": ident("e"),
        "title": "Reading the signals",
        "published": "2022-10-19",
        "value": 45.0,
        "qualifier": None,
        "denominator": 64.0,
        "what": "baby death",
        "category": "death",
        "text": "45",
        "start": 105,
        "end": 107,
        "evidence_start": 86,
        "evidence_end": 143,
        "evidence": "Of 64 baby deaths, 45 might have had a different outcome.",
        "rule": "t",
    }


def test_what_min_value_dates_and_sort(store, cli):
    def got(*args):
        return figures(as_json(cli("counts", "-f", "json", *args)))

    assert [f[0] for f in got("--what", "death")] == [
        "64 baby deaths", "45", "up to 15 baby deaths", "3 babies",
    ]  # fmt: skip
    assert [f[1] for f in got("--min-value", "20")] == [64, 45, 1700, 2_000_000]
    assert [f[1] for f in got("--since", "2020", "--until", "2020")] == [1700, 15]
    assert [f[1] for f in got("--sort", "value")] == [2_000_000, 1700, 64, 45, 15, 12, 3]
    assert [f[1] for f in got("--org", "RX1")] == [1700]
    assert [f[1] for f in got("--category", "money", "--limit", "1")] == [2_000_000]


def test_evidence_sentence_is_cut_at_sentence_ends(store):
    rows = counts(open_readonly(store), what="serious incident")
    assert rows[0]["evidence"] == (
        "The Dudley Group NHS Foundation Trust reported 12 serious incidents."
    )
    undated = counts(open_readonly(store), category="money")[0]
    assert undated["evidence"] == "The government announced £2m for maternity."


def test_table_shows_figure_and_sentence(store, cli):
    out = cli("counts", "--what", "family").stdout
    assert "More than 1,700 families" in out
    assert "dismissed" in out


def test_sentence_bounds_use_stops_and_line_breaks():
    from pipeline.query.common import sentence_bounds

    text = "Heading\nFirst one. Second has 12 deaths! Third."
    start = text.index("12")
    assert sentence_bounds(text, 0, start, start + 2) == (19, 40)
    window = text[5:]
    assert sentence_bounds(window, 5, start, start + 2) == (19, 40)
    assert sentence_bounds("no stop at all", 100, 103, 107) == (100, 114)
