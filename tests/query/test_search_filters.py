"""`trustwatch search --org --category`: full-text search narrowed to an organisation or
a failure category."""

from __future__ import annotations

from tests.query.conftest import as_json, ident


def ids(result):
    return sorted(hit["id"] for hit in as_json(result))


def test_org_filter_includes_the_organisations_sites(store, cli):
    assert ids(cli("search", "maternity", "-f", "json")) == sorted(
        ident(k) for k in ("a", "b", "c", "d", "e", "f", "g", "h")
    )
    assert ids(cli("search", "maternity", "--org", "RNA", "-f", "json")) == sorted(
        [ident("a"), ident("b"), ident("c")]
    )
    assert ids(cli("search", "maternity", "--org", "Russells Hall", "-f", "json")) == [ident("a")]


def test_category_filter(store, cli):
    assert ids(cli("search", "maternity", "--category", "culture", "-f", "json")) == sorted(
        [ident("d"), ident("e")]
    )
    both = cli(
        "search", "maternity", "--org", "East Kent", "--category", "escalation", "-f", "json"
    )
    assert ids(both) == [ident("d")]


def test_bad_filters(store, cli):
    result = cli("search", "maternity", "--category", "bogus")
    assert result.exit_code == 2
    assert "valid categories: escalation, monitoring" in result.stderr
    result = cli("search", "maternity", "--org", "Nowhere Trust")
    assert result.exit_code == 2
    assert "unknown organisation 'Nowhere Trust'" in result.stderr
