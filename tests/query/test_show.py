"""`trustwatch show`: a document, its metadata and every extraction, with offsets."""

from __future__ import annotations

import csv
import io

from rich.console import Console

from pipeline.query.show import highlighted, render, show
from pipeline.store import open_readonly
from tests.query.conftest import BY_KEY, KENT, as_json, ident


def test_json_has_document_and_every_extraction(store, cli):
    data = as_json(cli("show", ident("e"), "--format", "json"))
    assert list(data) == [
        "document", "org_mentions", "ratings", "counts", "themes", "repeat_signals",
        "doc_categories", "org_categories",
    ]  # fmt: skip
    assert data["document"]["text"] == BY_KEY["e"].text
    assert data["document"]["main_org"] == KENT
    assert data["document"]["metadata"] == {"key": "e"}
    assert [(m["start"], m["end"], m["name"]) for m in data["org_mentions"]] == [(0, 51, KENT)]
    assert [(c["text"], c["value"], c["denominator"]) for c in data["counts"]] == [
        ("64 baby deaths", 64.0, None),
        ("45", 45.0, 64.0),
    ]
    assert [(r["rating"], r["previous_rating"]) for r in data["ratings"]] == [
        ("inadequate", "requires improvement")
    ]
    assert [(t["category"], t["start"], t["end"]) for t in data["themes"]] == [
        ("incident_learning", 0, 85),
        ("culture", 144, 182),
    ]
    assert [(s["text"], s["start"]) for s in data["repeat_signals"]] == [
        ("the same failings again", 61)
    ]
    assert [c["category"] for c in data["doc_categories"]] == ["culture", "incident_learning"]
    assert [(a["organisation"], a["category"]) for a in data["org_categories"]] == [
        (KENT, "culture"),
        (KENT, "incident_learning"),
    ]


def test_document_by_prefix_or_source(store, cli):
    by_prefix = as_json(cli("show", ident("a")[:8], "-f", "json"))
    by_source = as_json(cli("show", "corpus/a.txt", "-f", "json"))
    assert by_prefix["document"]["id"] == by_source["document"]["id"] == ident("a")


def test_facts_as_csv(store, cli):
    rows = list(csv.DictReader(io.StringIO(cli("show", ident("a"), "-f", "csv").stdout)))
    assert [(r["kind"], r["text"]) for r in rows] == [
        ("organisation", "Russells Hall Hospital"),
        ("organisation", "The Dudley Group NHS"),
        ("organisation", "CQC"),
        ("rating", "inadequate"),
        ("count", "3 babies"),
        ("theme", "failed to escalate"),
        ("category", "Midwives at Russells Hall Hospital failed to escalate concerns."),
        ("attribution", "Midwives at Russells Hall Hospital failed to escalate concerns."),
    ]
    assert rows[3]["detail"] == (
        "The Dudley Group NHS Foundation Trust: maternity, overall: inadequate in 2018"
    )
    assert rows[4]["detail"] == "3 baby death [death]"


def test_terminal_rendering_highlights_each_kind(store, cli):
    data = show(open_readonly(store), ident("e"))
    text = highlighted(data)
    styles = {str(span.style) for span in text.spans}
    assert styles == {"underline", "bold cyan", "bold yellow", "bold green", "bold red",
                      "bold magenta"}  # fmt: skip
    console = Console(width=80, record=True, force_terminal=True, color_system="truecolor")
    render(data, console)
    out = console.export_text(clear=False)
    assert "Reading the signals" in out and "11 facts" in out
    assert "\x1b[" in console.export_text(styles=True)
    plain = cli("show", ident("e"), "--no-text").stdout
    assert "Of 64 baby deaths" not in plain.split("facts")[0]
    assert "64 baby deaths" in plain
