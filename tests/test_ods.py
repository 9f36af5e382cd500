"""Reading ODS files (`pipeline/ods.py`): canonical names, aliases, layouts, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputRejected
from pipeline.ods import clean_site_name, read_sites, read_trusts, title_case, trust_aliases

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ODS = SHARED / "data" / "ods"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not present")
DUDLEY = "The Dudley Group NHS Foundation Trust"

HEADER = (
    "OrganisationID¬OrganisationCode¬OrganisationType¬SubType¬Sector¬OrganisationStatus¬"
    "IsPimsManaged¬OrganisationName¬Address1¬Address2¬Address3¬City¬County¬Postcode¬Latitude¬"
    "Longitude¬ParentODSCode¬ParentName¬Phone¬Email¬Website¬Fax"
)


def etr_row(code: str, name: str, opened: str = "19940401", closed: str = "") -> str:
    cells = [code, name, "Y60", "QUA", "1 HIGH STREET", "", "", "TOWN", "", "AB1 2CD", opened,
             closed] + [""] * 15  # fmt: skip
    return ",".join(f'"{c}"' for c in cells)


def site_row(
    code: str, name: str, parent: str, parent_name: str, sector: str = "NHS Sector"
) -> str:
    cells = ["1", code, "Hospital", "Hospital", sector, "Visible", "True", name, "", "", "",
             "Town", "", "AB1 2CD", "0", "0", parent, parent_name, "", "", "", ""]  # fmt: skip
    return "¬".join(cells)


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("THE DUDLEY GROUP NHS FOUNDATION TRUST", "The Dudley Group NHS Foundation Trust"),
        ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
        ("UNIVERSITY HOSPITALS OF MORECAMBE BAY NHS FOUNDATION TRUST",
         "University Hospitals of Morecambe Bay NHS Foundation Trust"),
        ("THE SHREWSBURY AND TELFORD HOSPITAL NHS TRUST",
         "The Shrewsbury and Telford Hospital NHS Trust"),
        ("STAFFORDSHIRE AND STOKE-ON-TRENT NHS TRUST",
         "Staffordshire and Stoke-on-Trent NHS Trust"),
        ("EAST OF ENGLAND AMBULANCE SERVICE NHS TRUST",
         "East of England Ambulance Service NHS Trust"),
        ("Countess Of Chester Hospital", "Countess of Chester Hospital"),
        ("Royal National ENT and Eastman Dental Hospitals",
         "Royal National ENT and Eastman Dental Hospitals"),
    ],
)  # fmt: skip
def test_title_case_follows_the_guidelines(raw: str, canonical: str) -> None:
    assert title_case(raw) == canonical


def test_trust_aliases() -> None:
    assert trust_aliases("The Dudley Group NHS Foundation Trust") == [
        "Dudley Group NHS Foundation Trust",
        "Dudley Group NHS FT",
        "Dudley Group Foundation Trust",
        "The Dudley Group NHS FT",
        "Dudley Group",
        "Dudley Group Trust",
    ]
    assert "East Kent Hospitals" in trust_aliases(
        "East Kent Hospitals University NHS Foundation Trust"
    )
    # A bare place is not an alias: "Salisbury" alone names a city.
    assert trust_aliases("Salisbury NHS Foundation Trust") == [
        "Salisbury NHS FT",
        "Salisbury Foundation Trust",
    ]
    assert trust_aliases("NHS Providers") == []


def test_ambulance_trust_aliases() -> None:
    aliases = trust_aliases("West Midlands Ambulance Service University NHS Foundation Trust")
    for alias in (
        "West Midlands Ambulance Service",
        "West Midlands Ambulance Service NHS Foundation Trust",
        "West Midlands Ambulance Service NHS Trust",
    ):
        assert alias in aliases
    aliases = trust_aliases("Welsh Ambulance Services NHS Trust")
    assert {"Welsh Ambulance Services", "Welsh Ambulance Service",
            "Welsh Ambulance Service NHS Trust"} <= set(aliases)  # fmt: skip
    assert "London Ambulance Service" in trust_aliases("London Ambulance Service NHS Trust")


def test_closed_trust_leaves_a_hospital_name_to_the_site() -> None:
    name = "Whipps Cross University Hospital NHS Trust"
    assert "Whipps Cross University Hospital" in trust_aliases(name)
    assert trust_aliases(name, closed=True) == ["Whipps Cross University Hospital Trust"]
    # A closed trust whose core is not a hospital keeps it.
    assert "Pennine Acute Hospitals" in trust_aliases(
        "Pennine Acute Hospitals NHS Trust", closed=True
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Russells Hall Hospital", "Russells Hall Hospital"),
        ("Royal Cornwall Hospital (Treliske)", "Royal Cornwall Hospital"),
        ("Bodmin Hospital - Cornwall Partnership NHS Foundation Trust", "Bodmin Hospital"),
        ("Lancashire Bowel Cancer Screening Programme - Fleetwood Hospital", "Fleetwood Hospital"),
        ("Cross Lane Hospital, Scarborough", "Cross Lane Hospital"),
        ("Diana, Princess Of Wales Hospital", "Diana, Princess of Wales Hospital"),
        ("Guisborough General Hospital ", "Guisborough General Hospital"),
        ("The Lodge", None),
        ("Windsor House", None),
        ("Victoria Hospital", None),
        ("Princess Royal Hospital ", "Princess Royal Hospital"),
        ("The Queen Elizabeth Hospital", "The Queen Elizabeth Hospital"),
        ("Royal Victoria Hospital, Folkestone", "Royal Victoria Hospital"),
        ("Queen's Hospital", None),
        ("Royal General Hospital", None),
        ("Alder Hey Children's NHS Foundation Trust", None),
        ("Nottingham University Hospitals NHS Trust - City Campus", None),
    ],
)
def test_clean_site_name(raw: str, clean: str | None) -> None:
    assert clean_site_name(raw) == clean


# ---------------------------------------------------------------------------- trusts


def test_read_trusts(tmp_path: Path) -> None:
    path = write(
        tmp_path / "etr.csv",
        [
            etr_row("RNA", "THE DUDLEY GROUP NHS FOUNDATION TRUST"),
            etr_row("RJD", "MID STAFFORDSHIRE NHS FOUNDATION TRUST", closed="20171031"),
            etr_row("RGC", "WHIPPS CROSS UNIVERSITY HOSPITAL NHS TRUST", closed="20120331"),
        ],
    )
    dudley, mid_staffs, whipps = read_trusts(path)
    assert whipps["aliases"] == ["Whipps Cross University Hospital Trust"]
    assert {k: dudley[k] for k in ("id", "name", "kind", "ods_code", "parent", "closed")} == {
        "id": "org-RNA",
        "name": "The Dudley Group NHS Foundation Trust",
        "kind": "trust",
        "ods_code": "RNA",
        "parent": None,
        "closed": None,
    }
    assert "Dudley Group" in dudley["aliases"]
    assert dudley["opened"] == "1994-04-01"
    assert (mid_staffs["name"], mid_staffs["closed"]) == (
        "Mid Staffordshire NHS Foundation Trust",
        "2017-10-31",
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"code,name\r\nRZZ,Trust\r\n", "line 1: 2 columns"),
        (b'"Organisation code","Name"' + b',""' * 25 + b"\r\n", "line 1: 'Organisation code'"),
        (etr_row("RZZ", "A TRUST", opened="1 April 1994").encode(), "line 1: date"),
        (etr_row("RZZ", "").encode(), "has no name"),
        (b"\xff\xfe\x00not text", "not utf-8-sig text"),
    ],
)
def test_malformed_trust_files_are_rejected(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "etr.csv"
    path.write_bytes(content)
    with pytest.raises(InputRejected) as caught:
        read_trusts(path)
    assert caught.value.source == str(path)
    assert reason in caught.value.reason


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="cannot read"):
        read_trusts(tmp_path / "absent.csv")
    with pytest.raises(InputRejected, match="cannot read"):
        read_sites(tmp_path / "absent.csv")


# ---------------------------------------------------------------------------- sites


def test_read_hospital_csv(tmp_path: Path) -> None:
    path = write(
        tmp_path / "Hospital.csv",
        [
            HEADER,
            site_row("RNA01", "Russells Hall Hospital", "RNA", DUDLEY),
            site_row("RZZ01", "Northtown General Hospital", "RZZ",
                     "NORTHTOWN HEALTHCARE NHS TRUST"),
            site_row("NT201", "Nuffield Health, Anytown Hospital", "NT2", "Nuffield Health",
                     sector="Independent Sector"),
            site_row("RNA99", "The Lodge", "RNA", DUDLEY),
        ],
        encoding="cp1252",
    )  # fmt: skip
    sites = read_sites(path, trusts={"RNA": DUDLEY})
    rows = [(s["ods_code"], s["name"], s["parent"], s["parent_ods"], s["sector"]) for s in sites]
    assert rows == [
        ("RNA01", "Russells Hall Hospital", DUDLEY, "RNA", "nhs"),
        ("RZZ01", "Northtown General Hospital", "Northtown Healthcare NHS Trust", "RZZ", "nhs"),
        ("NT201", "Nuffield Health, Anytown Hospital", "Nuffield Health", "NT2", "independent"),
    ]  # fmt: skip
    assert all(s["kind"] == "hospital" and s["id"] == f"org-{s['ods_code']}" for s in sites)


def test_read_ets_layout(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ets.csv",
        [
            etr_row("RNA01", "RUSSELLS HALL HOSPITAL"),
            etr_row("RNA04", "CORBETT HOSPITAL", closed="20200101"),
        ],
    )
    sites = read_sites(path, trusts={"RNA": "The Dudley Group NHS Foundation Trust"})
    assert [(s["name"], s["parent"], s["parent_ods"], s["closed"]) for s in sites] == [
        ("Russells Hall Hospital", "The Dudley Group NHS Foundation Trust", "RNA", None),
        ("Corbett Hospital", "The Dudley Group NHS Foundation Trust", "RNA", "2020-01-01"),
    ]


def test_malformed_site_files_are_rejected(tmp_path: Path) -> None:
    no_parent = HEADER.replace("¬ParentODSCode", "")
    path = write(tmp_path / "Hospital.csv", [no_parent], encoding="cp1252")
    with pytest.raises(InputRejected, match="header lacks ParentODSCode"):
        read_sites(path)
    short = write(tmp_path / "short.csv", [HEADER, "1¬RNA01¬Hospital"], encoding="cp1252")
    with pytest.raises(InputRejected, match="line 2: 3 fields"):
        read_sites(short)
    bad_code = write(
        tmp_path / "code.csv", [HEADER, site_row("??", "A Hospital", "RNA", "")], encoding="cp1252"
    )
    with pytest.raises(InputRejected, match="not an ODS code"):
        read_sites(bad_code)


# ---------------------------------------------------------------------------- real files


@needs_shared
def test_official_trust_file() -> None:
    trusts = read_trusts(ODS / "etr.csv")
    assert len(trusts) == 274
    assert sum(1 for t in trusts if t["closed"] is None) == 202
    by_code = {t["ods_code"]: t for t in trusts}
    assert by_code["RJ1"]["name"] == "Guy's and St Thomas' NHS Foundation Trust"
    assert by_code["RXW"]["name"] == "The Shrewsbury and Telford Hospital NHS Trust"
    assert by_code["RJD"]["closed"] == "2017-10-31"


@needs_shared
def test_official_site_file() -> None:
    trusts = {t["ods_code"]: t["name"] for t in read_trusts(ODS / "etr.csv")}
    sites = {s["ods_code"]: s for s in read_sites(ODS / "Hospital.csv", trusts=trusts)}
    assert sites["RNA01"]["name"] == "Russells Hall Hospital"
    assert sites["RNA01"]["parent"] == "The Dudley Group NHS Foundation Trust"
    assert sites["RTX02"]["parent"] == "University Hospitals of Morecambe Bay NHS Foundation Trust"
    assert "RPY01" in sites and sites["RPY01"]["name"] == "The Royal Marsden Hospital"
