"""The four questions of docs/queries.md, one command each, answered from the hand-made store."""

from __future__ import annotations

from tests.query.conftest import DUDLEY, KENT, NUH, as_json


def test_which_trusts_had_escalation_failures_since_2019(store, cli):
    rows = as_json(
        cli("themes", "--category", "escalation", "--since", "2019", "--by", "org", "-f", "json")
    )
    assert [r["organisation"] for r in rows] == [KENT, DUDLEY]


def test_how_has_nottinghams_maternity_rating_moved(store, cli):
    rows = as_json(cli("ratings", "Nottingham University Hospitals", "--service", "maternity",
                       "-f", "json"))  # fmt: skip
    assert [(r["year"], r["change"]) for r in rows] == [
        (2020, "inadequate"),
        (2023, "inadequate → inadequate"),
    ]


def test_how_many_deaths_for_east_kent_and_where_from(store, cli):
    rows = as_json(cli("counts", "--org", "East Kent", "--category", "death", "-f", "json"))
    assert [(r["text"], r["title"]) for r in rows] == [
        ("64 baby deaths", "Reading the signals"),
        ("45", "Reading the signals"),
        ("up to 15 baby deaths", "Investigation ordered into East Kent maternity"),
    ]


def test_which_failures_keep_coming_back_and_where(store, cli):
    rows = as_json(cli("recurring", "-f", "json"))
    assert [(r["organisation"], r["category"], r["n_documents"]) for r in rows] == [
        (KENT, "culture", 2),
        (NUH, "patient_voice", 2),
        (DUDLEY, "escalation", 2),
        (KENT, "incident_learning", 1),
    ]
