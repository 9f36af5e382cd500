"""`trustwatch themes`: counts of stories and organisations per category, organisation, year."""

from __future__ import annotations

import csv
import io

from pipeline.query.themes import themes
from pipeline.store import open_readonly
from tests.query.conftest import DUDLEY, KENT, NUH, as_json, ident


def brief(rows, *keys):
    return [tuple(row[k] for k in keys) for row in rows]


def test_by_category_counts_stories_once_and_organisations(store, cli):
    rows = as_json(cli("themes", "--format", "json"))
    assert brief(rows, "category", "n_documents", "n_organisations", "first_date", "last_date") == [
        ("escalation", 3, 2, "2018-03-01", "2020-02-14"),
        ("culture", 2, 1, "2020-02-14", "2022-10-19"),
        ("patient_voice", 2, 1, "2020-12-03", "2023-11-01"),
        ("incident_learning", 1, 1, "2022-10-19", "2022-10-19"),
        ("resourcing", 1, 0, None, None),
        ("staffing", 1, 1, "2019-07-12", "2019-07-12"),
    ]
    assert rows[0] == {
        "category": "escalation",
        "label": "Recognising and escalating deterioration",
        "n_documents": 3,
        "n_organisations": 2,
        "first_date": "2018-03-01",
        "last_date": "2020-02-14",
        "doc_id": ident("d"),
        "title": "Investigation ordered into East Kent maternity",
        "start": 0,
        "end": 97,
        "evidence": "A baby died at the Queen Elizabeth the Queen Mother Hospital after delays "
        "in escalating his care.",
    }


def test_filters_since_until_kind_category(store, cli):
    def got(*args):
        return brief(as_json(cli("themes", "-f", "json", *args)), "category", "n_documents")

    assert got("--since", "2019") == [
        ("culture", 2), ("escalation", 2), ("patient_voice", 2), ("incident_learning", 1),
        ("staffing", 1),
    ]  # fmt: skip
    assert got("--until", "2019-07") == [("escalation", 2), ("staffing", 1)]
    assert got("--since", "2019-07-13", "--until", "2020") == [
        ("escalation", 2), ("culture", 1), ("patient_voice", 1),
    ]  # fmt: skip
    assert got("--kind", "news") == [("escalation", 3), ("patient_voice", 2), ("culture", 1)]
    assert got("--category", "culture") == [("culture", 2)]


def test_org_filter_uses_attributions_and_includes_sites(store, cli):
    rows = as_json(cli("themes", "--org", "RNA", "-f", "json"))
    assert brief(rows, "category", "n_documents", "n_organisations") == [
        ("escalation", 2, 1),
        ("staffing", 1, 1),
    ]
    assert as_json(cli("themes", "--org", "Russells Hall Hospital", "-f", "json")) == []


def test_by_org_answers_which_trusts_had_escalation_failures_since_2019(store, cli):
    args = ("themes", "--category", "escalation", "--since", "2019", "--by", "org", "-f", "json")
    rows = as_json(cli(*args))
    assert brief(rows, "organisation", "ods_code", "n_documents", "first_date", "last_date") == [
        (KENT, "RVV", 1, "2020-02-14", "2020-02-14"),
        (DUDLEY, "RNA", 1, "2019-07-12", "2019-07-13"),
    ]
    assert rows[1]["doc_id"] == ident("c")
    assert rows[1]["evidence"] == (
        "Staff at the Dudley Group did not escalate deteriorating women, inspectors said."
    )


def test_by_org_everything_ranked_by_stories(store, cli):
    rows = as_json(cli("themes", "--by", "org", "-f", "json"))
    assert brief(rows, "organisation", "category", "n_documents") == [
        (KENT, "culture", 2),
        (NUH, "patient_voice", 2),
        (DUDLEY, "escalation", 2),
        (KENT, "escalation", 1),
        (KENT, "incident_learning", 1),
        (DUDLEY, "staffing", 1),
    ]
    limited = as_json(cli("themes", "--by", "org", "--limit", "2", "-f", "json"))
    assert limited == rows[:2]


def test_by_year(store, cli):
    rows = as_json(cli("themes", "--by", "year", "--category", "escalation", "-f", "json"))
    assert brief(rows, "year", "n_documents", "n_organisations", "doc_id") == [
        (2018, 1, 1, ident("a")),
        (2019, 1, 1, ident("c")),
        (2020, 1, 1, ident("d")),
    ]
    years = as_json(cli("themes", "--by", "year", "-f", "json"))
    assert [r["year"] for r in years][-1] is None  # undated documents come last


def test_python_api_matches_cli(store):
    db = open_readonly(store)
    assert themes(db, category="staffing") == [
        {
            "category": "staffing",
            "label": "Staffing and skill mix",
            "n_documents": 1,
            "n_organisations": 1,
            "first_date": "2019-07-12",
            "last_date": "2019-07-12",
            "doc_id": ident("b"),
            "title": "Dudley maternity inspection",
            "start": 61,
            "end": 102,
            "evidence": "There were not enough midwives on shifts.",
        }
    ]


def test_formats(store, cli):
    table = cli("themes", "--limit", "2").stdout
    assert "escalation" in table and "culture" in table and "patient_voice" not in table
    assert "evidence" not in table
    rows = list(csv.DictReader(io.StringIO(cli("themes", "-f", "csv").stdout)))
    assert len(rows) == 6 and rows[4]["first_date"] == ""
    assert list(rows[0]) == [
        "category", "label", "n_documents", "n_organisations", "first_date", "last_date",
        "doc_id", "title", "start", "end", "evidence",
    ]  # fmt: skip
    lines = cli("themes", "-f", "jsonl", "-n", "3").stdout.splitlines()
    assert len(lines) == 3
