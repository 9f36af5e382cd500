"""`trustwatch orgs`: listing with mention counts, fuzzy search; `orgs import` still works."""

from __future__ import annotations

import pytest

from pipeline.errors import UsageError
from pipeline.query.organisations import organisations
from pipeline.query.orgs import resolve_org
from pipeline.store import open_readonly
from tests.query.conftest import CQC, DUDLEY, KENT, NUH, QEQM, RUSSELLS, as_json, ident


def test_listing_most_documents_first(store, cli):
    rows = as_json(cli("orgs", "--format", "json"))
    assert [(r["name"], r["n_documents"], r["n_mentions"]) for r in rows] == [
        (DUDLEY, 3, 3),
        (NUH, 2, 2),
        (CQC, 1, 1),
        (KENT, 1, 1),
        (QEQM, 1, 1),
        (RUSSELLS, 1, 1),
    ]
    assert rows[-1] == {
        "id": 2,
        "name": RUSSELLS,
        "kind": "hospital",
        "ods_code": "RNA01",
        "parent_id": 1,
        "parent": DUDLEY,
        "aliases": "",
        "origin": "ods",
        "n_documents": 1,
        "n_mentions": 1,
        "score": None,
        "doc_id": ident("a"),
        "start": 12,
        "end": 34,
        "mention": "Russells Hall Hospital",
        "evidence_start": 0,
        "evidence_end": 63,
        "evidence": "Midwives at Russells Hall Hospital failed to escalate concerns.",
    }


def test_list_subcommand_kind_and_limit(store, cli):
    rows = as_json(cli("orgs", "list", "--kind", "trust", "--limit", "2", "-f", "json"))
    assert [r["name"] for r in rows] == [DUDLEY, NUH]
    assert as_json(cli("orgs", "--kind", "regulator", "-f", "json"))[0]["name"] == CQC


def test_search_is_fuzzy_over_names_aliases_and_codes(store, cli):
    rows = as_json(cli("orgs", "--search", "dudley", "-f", "json"))
    assert [(r["name"], r["score"]) for r in rows] == [(DUDLEY, 90.0)]
    assert [r["name"] for r in as_json(cli("orgs", "-s", "Dudley Group", "-f", "json"))] == [DUDLEY]
    by_code = as_json(cli("orgs", "--search", "rvv", "-f", "json"))
    assert [(r["name"], r["score"]) for r in by_code] == [(KENT, 100.0), (QEQM, 90.0)]
    assert as_json(cli("orgs", "--search", "zzzz", "-f", "json")) == []
    table = cli("orgs", "--search", "nottingham").stdout
    assert "Nottingham University" in table
    assert max(len(line) for line in table.splitlines()) <= 80


def test_import_subcommand_still_reachable(store, cli):
    result = cli("orgs", "import", "--help")
    assert result.exit_code == 0
    assert "ODS trusts file" in result.stdout


def test_resolve_org_by_code_name_alias_and_close_spelling(store):
    db = open_readonly(store)
    assert resolve_org(db, "rna") == 1
    assert resolve_org(db, "dudley") == 1  # a name and an alias of one trust: not ambiguous
    assert resolve_org(db, "Dudly Grop") == 1
    with pytest.raises(UsageError) as error:
        resolve_org(db, "Hospitals")
    assert str(error.value).startswith("unknown organisation 'Hospitals'; did you mean: ")
    assert organisations(db, search="   ") == organisations(db)
