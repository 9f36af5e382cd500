"""`trustwatch ratings`: the rating timeline per service and domain, with evidence."""

from __future__ import annotations

from pipeline.query.ratings import ratings
from pipeline.store import open_readonly
from tests.query.conftest import DUDLEY, KENT, NUH, as_json, ident


def steps(rows):
    return [
        (r["organisation"], r["service"], r["domain"], r["year"], r["change"], r["n_documents"])
        for r in rows
    ]


def test_how_nottingham_maternity_moved(store, cli):
    rows = as_json(cli("ratings", "Nottingham University Hospitals", "--service", "maternity",
                       "--format", "json"))  # fmt: skip
    assert steps(rows) == [
        (NUH, "maternity", "overall", 2020, "inadequate", 1),
        (NUH, "maternity", "overall", 2023, "inadequate → inadequate", 1),
    ]
    assert rows[1] == {
        "org_id": 5,
        "organisation": NUH,
        "ods_code": "RX1",
        "service": "maternity",
        "domain": "overall",
        "year": 2023,
        "rating": "inadequate",
        "previous_rating": None,
        "previous": "inadequate",
        "change": "inadequate → inadequate",
        "n_documents": 1,
        "first_published": "2023-11-01",
        "last_published": "2023-11-01",
        "doc_id": ident("g"),
        "title": "Nottingham maternity still inadequate",
        "start": 71,
        "end": 81,
        "sent_start": 0,
        "sent_end": 82,
        "evidence": "Maternity services at Nottingham University Hospitals NHS Trust remain "
        "inadequate.",
    }


def test_whole_organisation_ratings_first_then_services(store, cli):
    assert steps(as_json(cli("ratings", "RX1", "-f", "json"))) == [
        (NUH, None, "caring", 2023, "good", 1),
        (NUH, "maternity", "overall", 2020, "inadequate", 1),
        (NUH, "maternity", "overall", 2023, "inadequate → inadequate", 1),
    ]


def test_stated_previous_rating_wins(store, cli):
    assert steps(as_json(cli("ratings", "Dudley Group", "-f", "json"))) == [
        (DUDLEY, "maternity", "overall", 2018, "inadequate", 1),
        (DUDLEY, "maternity", "overall", 2019, "inadequate → requires improvement", 1),
    ]


def test_every_organisation_in_name_order(store, cli):
    assert steps(as_json(cli("ratings", "-f", "json"))) == [
        (KENT, "maternity", "overall", 2022, "requires improvement → inadequate", 1),
        (NUH, None, "caring", 2023, "good", 1),
        (NUH, "maternity", "overall", 2020, "inadequate", 1),
        (NUH, "maternity", "overall", 2023, "inadequate → inadequate", 1),
        (DUDLEY, "maternity", "overall", 2018, "inadequate", 1),
        (DUDLEY, "maternity", "overall", 2019, "inadequate → requires improvement", 1),
    ]
    assert len(as_json(cli("ratings", "--limit", "2", "-f", "json"))) == 2


def test_filters_keep_the_previous_step(store, cli):
    db = open_readonly(store)
    later = ratings(db, org_id=5, since="2021")
    assert [(r["year"], r["change"]) for r in later] == [
        (2023, "good"),
        (2023, "inadequate → inadequate"),
    ]
    assert [r["year"] for r in ratings(db, rating="inadequate", until="2020")] == [2020, 2018]
    assert [r["domain"] for r in ratings(db, domain="caring")] == ["caring"]
    assert ratings(db, service="emergency") == []


def test_table_view(store, cli):
    out = cli("ratings", "RVV").stdout
    assert "→" in out and "requires" in out
    assert "evidence" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
