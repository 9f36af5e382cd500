"""`trustwatch orgs import`: official codes into the store, then resolved by the extractor."""

from __future__ import annotations

import sqlite3

from tests.conftest import ODS, needs_shared


def etr_row(code: str, name: str, closed: str = "") -> str:
    cells = [code, name, "Y60", "QUA", "1 HIGH STREET", "", "", "TOWN", "", "AB1 2CD",
             "20010401", closed] + [""] * 15  # fmt: skip
    return ",".join(f'"{c}"' for c in cells)


HEADER = (
    "OrganisationID¬OrganisationCode¬OrganisationType¬SubType¬Sector¬OrganisationStatus¬"
    "IsPimsManaged¬OrganisationName¬Address1¬Address2¬Address3¬City¬County¬Postcode¬Latitude¬"
    "Longitude¬ParentODSCode¬ParentName¬Phone¬Email¬Website¬Fax"
)


def site_row(code: str, name: str, parent: str, parent_name: str) -> str:
    cells = ["1", code, "Hospital", "Hospital", "NHS Sector", "Visible", "True", name, "", "",
             "", "Town", "", "AB1 2CD", "0", "0", parent, parent_name, "", "", "", ""]  # fmt: skip
    return "¬".join(cells)


def write_files(tmp_path):
    etr = tmp_path / "etr.csv"
    etr.write_text(
        "\r\n".join(
            [
                etr_row("RZZ", "NORTHTOWN AND DISTRICT HOSPITALS NHS FOUNDATION TRUST"),
                etr_row("RZY", "OLDTOWN HEALTHCARE NHS TRUST", closed="20200331"),
            ]
        )
        + "\r\n"
    )
    sites = tmp_path / "Hospital.csv"
    sites.write_bytes(
        "\r\n".join(
            [
                HEADER,
                site_row("RZZ01", "Northtown General Hospital", "RZZ", "Northtown"),
            ]
        ).encode("cp1252")
    )
    return etr, sites


def test_import_then_extract_resolves_to_codes(tmp_path, cli, db_path):
    etr, sites = write_files(tmp_path)
    result = cli("orgs", "import", str(etr), str(sites))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "imported 2 trusts (1 closed) and 1 sites (1 linked to a trust)"
    )
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT o.name, o.kind, o.ods_code, p.name, o.closed FROM organisations o "
            "LEFT JOIN organisations p ON p.id = o.parent_id ORDER BY o.ods_code"
        ).fetchall()
    assert rows == [
        ("Oldtown Healthcare NHS Trust", "trust", "RZY", None, "2020-03-31"),
        ("Northtown and District Hospitals NHS Foundation Trust", "trust", "RZZ", None, None),
        ("Northtown General Hospital", "hospital", "RZZ01",
         "Northtown and District Hospitals NHS Foundation Trust", None),
    ]  # fmt: skip
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "Northtown General Hospital was criticised by inspectors. Northtown and District "
        "Hospitals NHS Foundation Trust said it would act."
    )
    assert cli("ingest", "--quiet", str(doc)).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        mentioned = conn.execute(
            "SELECT o.ods_code, m.text FROM org_mentions m JOIN organisations o ON o.id = m.org_id "
            "ORDER BY m.start"
        ).fetchall()
    assert mentioned == [
        ("RZZ01", "Northtown General Hospital"),
        ("RZZ", "Northtown and District Hospitals NHS Foundation Trust"),
    ]


def test_import_is_idempotent_and_marks_documents_stale(tmp_path, cli, db_path):
    etr, sites = write_files(tmp_path)
    (tmp_path / "doc.txt").write_text("A short note about a hospital.")
    cli("ingest", "--quiet", str(tmp_path / "doc.txt"))
    cli("orgs", "import", str(etr))
    again = cli("orgs", "import", str(etr), str(sites))
    assert again.stdout.splitlines()[1] == (
        "1 stored documents are now stale: run `trustwatch reindex` to re-resolve their "
        "organisations"
    )
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM organisations").fetchone() == (3,)
    assert cli("reindex", "--quiet").stdout.startswith("reindexed 1, up to date 0")


def test_bad_file_is_one_line_error(tmp_path, cli):
    bad = tmp_path / "etr.csv"
    bad.write_text("code,name\nRZZ,Trust\n")
    result = cli("orgs", "import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"trustwatch: error: {bad}: line 1: ")
    assert len(result.stderr.strip().splitlines()) == 1


@needs_shared
def test_official_files_import(cli, db_path):
    result = cli("orgs", "import", str(ODS / "etr.csv"), str(ODS / "Hospital.csv"))
    assert result.exit_code == 0
    with sqlite3.connect(db_path) as conn:
        dudley = conn.execute(
            "SELECT o.name, p.ods_code FROM organisations o JOIN organisations p "
            "ON p.id = o.parent_id WHERE o.ods_code = 'RNA01'"
        ).fetchone()
        n_trusts = conn.execute("SELECT count(*) FROM organisations WHERE kind = 'trust'")
        assert n_trusts.fetchone() == (274,)
    assert dudley == ("Russells Hall Hospital", "RNA")
