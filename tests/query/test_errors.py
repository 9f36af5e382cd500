"""Bad arguments, an empty store and a missing store, for every query command."""

from __future__ import annotations

import pytest

COMMANDS = [
    ("themes",),
    ("orgs",),
    ("orgs", "list"),
    ("ratings",),
    ("counts",),
]


@pytest.mark.parametrize("args", [*COMMANDS, ("show", "abc")])
def test_missing_store_exits_1(cli, db_path, args):
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"trustwatch: error: no store at {db_path} (run `trustwatch ingest` to create one)"
    )


@pytest.mark.parametrize("args", COMMANDS)
def test_empty_store_answers_with_no_rows(empty, cli, args):
    for fmt, expected in (("json", "[]\n"), ("jsonl", ""), ("table", "(no rows)\n")):
        result = cli(*args, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == expected
    assert cli(*args, "--format", "csv").stdout.count("\n") == 1  # the header only


@pytest.mark.parametrize("args", [*COMMANDS, ("show", "abc")])
def test_bad_format_exits_2(store, cli, args):
    result = cli(*args, "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of table, json, jsonl, csv" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("themes", "--org", "Dudly Hospitals Trust"),
        ("ratings", "Nottingham Hospitals"),
        ("counts", "--org", "Hospital"),
    ],
)
def test_unknown_organisation_suggests_close_matches(store, cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert "unknown organisation" in result.stderr and "did you mean: " in result.stderr


def test_unknown_organisation_message(store, cli):
    result = cli("ratings", "Nottingam Universty")
    assert result.exit_code == 2
    assert result.stderr == (
        "trustwatch: error: unknown organisation 'Nottingam Universty'; "
        "did you mean: Nottingham University Hospitals NHS Trust; "
        "East Kent Hospitals University NHS Foundation Trust?\n"
    )


def test_unknown_category_lists_valid_keys(store, cli):
    result = cli("themes", "--category", "bogus")
    assert result.exit_code == 2
    assert result.stderr == (
        "trustwatch: error: unknown category 'bogus'; valid categories: escalation, monitoring, "
        "medication, staffing, training, leadership, culture, incident_learning, facilities, "
        "patient_voice, inequalities, resourcing, access_delays, communication, "
        "policy_procedure\n"
    )
    result = cli("counts", "--category", "deaths")
    assert result.exit_code == 2
    assert result.stderr == (
        "trustwatch: error: unknown count category 'deaths'; valid count categories: death, "
        "harm, incident, case, staff, money, percentage, duration, other\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("themes", "--by", "trust"), "unknown grouping 'trust'; valid groupings (--by): "),
        (("themes", "--since", "last year"), "since: 'last year' is not an ISO date"),
        (("ratings", "--domain", "safety"), "unknown domain 'safety'; valid domains: overall"),
        (("ratings", "--rating", "poor"), "unknown rating 'poor'; valid ratings: outstanding"),
        (("counts", "--sort", "size"), "unknown sort 'size'; valid sorts: date, value"),
        (("orgs", "--kind", "ccg"), "unknown kind 'ccg'; valid kinds: trust, hospital"),
        (("show", "zzz"), "show: no document with id, id prefix or source 'zzz'"),
        (("counts", "--limit", "0"), "Invalid value for '--limit'"),
    ],
)
def test_bad_values_exit_2_with_the_valid_ones(store, cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_ambiguous_document_prefix_lists_candidates(store, cli):
    from tests.query.conftest import DOCS

    first = {}
    for doc in DOCS:
        first.setdefault(doc.id[0], []).append(doc.id)
    shared = next(prefix for prefix, ids in first.items() if len(ids) > 1)
    result = cli("show", shared)
    assert result.exit_code == 2
    assert f"show: '{shared}' names several documents: " in result.stderr
