"""The organisations extractor (`trustwatch_orgs`) on `spacy.blank("en")`.

Checks exact spans and canonical names for full names, variants, aliases, possessives,
anaphora, hospitals and their trusts, unknown NHS bodies and fuzzy resolution; hard negatives
must yield nothing; the shipped gazetteer must load cleanly; the seed articles must give
their organisations and nothing else.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

import pipeline.extract.orgs  # noqa: F401  (registers the factory)
from pipeline.errors import PatternError
from pipeline.extract.facts import OrgMention
from pipeline.extract.nlp import build_nlp
from pipeline.extract.orgs import (
    FuzzyResolver,
    commissioner_name,
    load_gazetteer,
    merge_entries,
    phrase_key,
    prune_aliases,
    validate_entry,
)
from pipeline.ods import read_sites, read_trusts

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "data" / "seeds"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not present")

DUDLEY = "The Dudley Group NHS Foundation Trust"
RUSSELLS = "Russells Hall Hospital"
CQC = "Care Quality Commission"
NUH = "Nottingham University Hospitals NHS Trust"
SATH = "The Shrewsbury and Telford Hospital NHS Trust"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp(["trustwatch_orgs"])


def orgs(nlp: Language, text: str) -> list[OrgMention]:
    return list(nlp(text)._.tw_orgs)


def spans(nlp: Language, text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, text, canonical name) of every mention, checking offsets on the way."""
    found = []
    for m in orgs(nlp, text):
        assert text[m.start : m.end] == m.text
        found.append((m.start, m.end, m.text, m.name))
    return found


def names(nlp: Language, text: str) -> set[str]:
    """Canonical names named in the text (anaphora add nothing new)."""
    return {m.name for m in orgs(nlp, text) if not m.rule.startswith("anaphora:")}


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- names


def test_full_name_with_leading_the(nlp: Language) -> None:
    text = "The Dudley Group NHS Foundation Trust was rated inadequate."
    assert spans(nlp, text) == [(0, 37, "The Dudley Group NHS Foundation Trust", DUDLEY)]
    (m,) = orgs(nlp, text)
    assert (m.kind, m.ods_code, m.parent, m.rule) == ("trust", "RNA", None, "gazetteer:org-RNA")


@pytest.mark.parametrize(
    "surface",
    [
        "Dudley Group NHS Foundation Trust",
        "Dudley Group NHS FT",
        "The Dudley Group NHS FT",
        "Dudley Group Foundation Trust",
        "DUDLEY GROUP NHS FOUNDATION TRUST",
        "Dudley Group",
    ],
)
def test_name_variants(nlp: Language, surface: str) -> None:
    text = f"Inspectors visited {surface} in May."
    assert spans(nlp, text) == [(19, 19 + len(surface), surface, DUDLEY)]


def test_informal_mention_excludes_lower_case_the(nlp: Language) -> None:
    text = "Diane Wake, chief executive of the Dudley Group, spoke."
    assert spans(nlp, text) == [(35, 47, "Dudley Group", DUDLEY)]


def test_possessive_is_not_part_of_the_mention(nlp: Language) -> None:
    text = "Dudley Group NHS Foundation Trust's investigations were inadequate."
    assert spans(nlp, text) == [(0, 33, "Dudley Group NHS Foundation Trust", DUDLEY)]
    text = "Nottingham University Hospitals’ maternity services"
    assert spans(nlp, text) == [(0, 31, "Nottingham University Hospitals", NUH)]


def test_punctuation_and_apostrophe_variants(nlp: Language) -> None:
    gstt = "Guy's and St Thomas' NHS Foundation Trust"
    for surface in (
        "Guy’s and St Thomas’ NHS Foundation Trust",
        "Guy's & St Thomas' NHS Foundation Trust",
        "Guy's and St. Thomas' NHS Foundation Trust",
    ):
        assert spans(nlp, f"At {surface} today") == [(3, 3 + len(surface), surface, gstt)]


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("NUH", NUH),
        ("East Kent Hospitals", "East Kent Hospitals University NHS Foundation Trust"),
        ("Russells Hall", RUSSELLS),
        ("the CQC", CQC),
        ("Care Quality Commission", CQC),
        ("HSIB", "Healthcare Safety Investigation Branch"),
        ("NHS England", "NHS England"),
        ("Dudley CCG", "Dudley Clinical Commissioning Group"),
        ("SaTH", SATH),
        ("UHMB", "University Hospitals of Morecambe Bay NHS Foundation Trust"),
        ("Royal Wolverhampton Trust", "The Royal Wolverhampton NHS Trust"),
        ("Swansea Bay UHB", "Swansea Bay University Health Board"),
        ("NHS Greater Glasgow and Clyde", "NHS Greater Glasgow and Clyde"),
        ("Llais", "Llais"),
    ],
)
def test_aliases_and_abbreviations(nlp: Language, surface: str, name: str) -> None:
    text = f"A statement from {surface} followed."
    start = 17 + (4 if surface.startswith("the ") else 0)
    expected = surface.removeprefix("the ")
    assert spans(nlp, text) == [(start, start + len(expected), expected, name)]


# ---------------------------------------------------------------------------- ambulance services


LAS = "London Ambulance Service NHS Trust"
WMAS = "West Midlands Ambulance Service University NHS Foundation Trust"
SECAMB = "South East Coast Ambulance Service NHS Foundation Trust"


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("London Ambulance Service", LAS),
        ("LAS", LAS),
        ("South East Coast Ambulance Service", SECAMB),
        ("SECAmb", SECAMB),
        ("Yorkshire Ambulance Service", "Yorkshire Ambulance Service NHS Trust"),
        ("EMAS", "East Midlands Ambulance Service NHS Trust"),
        ("SCAS", "South Central Ambulance Service NHS Foundation Trust"),
        ("NWAS", "North West Ambulance Service NHS Trust"),
        ("Welsh Ambulance Service", "Welsh Ambulance Services NHS Trust"),
        ("Welsh Ambulance Service NHS Trust", "Welsh Ambulance Services NHS Trust"),
        ("WAST", "Welsh Ambulance Services NHS Trust"),
        ("West Midlands Ambulance Service NHS Foundation Trust", WMAS),
        ("South West Ambulance Service", "South Western Ambulance Service NHS Foundation Trust"),
    ],
)  # fmt: skip
def test_ambulance_services_by_service_name_and_abbreviation(
    nlp: Language, surface: str, name: str
) -> None:
    text = f"A call to the {surface} was made."
    assert spans(nlp, text) == [(14, 14 + len(surface), surface, name)]


def test_acronyms_match_only_as_written_or_in_capitals(nlp: Language) -> None:
    assert spans(nlp, "He flew to Las Vegas. Emas is a name. Sath said no.") == []
    assert [m.name for m in orgs(nlp, "Staff at SATH and SaTH.")] == [SATH, SATH]


def test_ambulance_trust_names_grow_through_service(nlp: Language) -> None:
    """A role word, "Service" is part of the name in "… Ambulance Service NHS Trust"."""
    text = "A call to Yorkshre Ambulance Service NHS Trust was made."
    (m,) = orgs(nlp, text)
    assert (m.text, m.name, m.rule) == (
        "Yorkshre Ambulance Service NHS Trust",
        "Yorkshire Ambulance Service NHS Trust",
        "fuzzy:org-RX8",
    )


def test_university_hospitals_of(nlp: Language) -> None:
    uhmb = "University Hospitals of Morecambe Bay NHS Foundation Trust"
    text = f"{uhmb} runs Furness General Hospital."
    found = orgs(nlp, text)
    assert [(m.text, m.name, m.kind) for m in found] == [
        (uhmb, uhmb, "trust"),
        ("Furness General Hospital", "Furness General Hospital", "hospital"),
    ]
    assert found[1].parent == uhmb


def test_lower_case_head_noun_is_accepted_but_not_other_words(nlp: Language) -> None:
    text = "She was taken to Russells Hall hospital by the NHS improvement body."
    assert spans(nlp, text) == [(17, 39, "Russells Hall hospital", RUSSELLS)]


# ---------------------------------------------------------------------------- hospitals


def test_hospital_has_its_parent_trust(nlp: Language) -> None:
    (m,) = orgs(nlp, "Oxford’s John Radcliffe Hospital maternity unit was criticised.")
    assert (m.text, m.name, m.kind, m.ods_code) == (
        "John Radcliffe Hospital",
        "John Radcliffe Hospital",
        "hospital",
        "RTH08",
    )
    assert m.parent == "Oxford University Hospitals NHS Foundation Trust"


def test_hospital_mentions_count_towards_the_parent_trust(nlp: Language) -> None:
    doc = nlp(
        "The CQC inspected Russells Hall Hospital. NUH was fined. Russells Hall Hospital "
        "has since improved."
    )
    assert doc._.tw_main_org == DUDLEY


def test_main_org_ties_go_to_the_first_mentioned(nlp: Language) -> None:
    doc = nlp("NUH was fined. Dudley Group was praised.")
    assert doc._.tw_main_org == NUH


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Newham University Hospital", "Newham University Hospital"),
        ("Newham Hospital", "Newham University Hospital"),
        ("St James's University Hospital", "St James's University Hospital"),
        ("St James's Hospital", "St James's University Hospital"),
        ("Southend Hospital", "Southend University Hospital"),
        ("Queen Elizabeth the Queen Mother Hospital", "Queen Elizabeth the Queen Mother Hospital"),
        ("Gloucester Royal Hospital", "Gloucestershire Royal Hospital"),
        ("Priory Hospital, Altrincham", "Priory Hospital Altrincham"),
        ("Tameside General Hospital", "Tameside General Hospital"),
        ("Walsall Manor Hospital", "Walsall Manor Hospital"),
        ("Princess Royal Hospital", "Princess Royal Hospital"),
        ("Cumberland Infirmary", "Cumberland Infirmary"),
    ],
)  # fmt: skip
def test_hospitals_by_their_usual_full_name(nlp: Language, surface: str, name: str) -> None:
    """NHS.UK's shorter site names are aliases of the usual full name (gold README)."""
    text = f"She was taken to {surface} by ambulance."
    (m,) = orgs(nlp, text)
    assert (m.start, m.end, m.text, m.name, m.kind) == (17, 17 + len(surface), surface, name,
                                                         "hospital")  # fmt: skip
    assert m.rule.startswith("gazetteer:")


@pytest.mark.parametrize(
    ("surface", "name", "parent"),
    [
        ("Ysbyty Glan Clwyd", "Ysbyty Glan Clwyd", "Betsi Cadwaladr University Health Board"),
        ("Glan Clwyd Hospital", "Ysbyty Glan Clwyd", "Betsi Cadwaladr University Health Board"),
        ("Ysbyty Maelor Wrecsam", "Wrexham Maelor Hospital",
         "Betsi Cadwaladr University Health Board"),
        ("University Hospital of Wales", "University Hospital of Wales",
         "Cardiff and Vale University Health Board"),
        ("Royal Glamorgan Hospital", "Royal Glamorgan Hospital",
         "Cwm Taf Morgannwg University Health Board"),
        ("Princess of Wales Hospital", "Princess of Wales Hospital",
         "Cwm Taf Morgannwg University Health Board"),
        ("Grange University Hospital", "Grange University Hospital",
         "Aneurin Bevan University Health Board"),
        ("Ninewells Hospital", "Ninewells Hospital", "NHS Tayside"),
        ("Queen Elizabeth University Hospital", "Queen Elizabeth University Hospital",
         "NHS Greater Glasgow and Clyde"),
    ],
)  # fmt: skip
def test_welsh_and_scottish_hospitals_have_their_boards(
    nlp: Language, surface: str, name: str, parent: str
) -> None:
    (m,) = orgs(nlp, f"She was taken to {surface} by ambulance.")
    assert (m.text, m.name, m.kind, m.parent) == (surface, name, "hospital", parent)


def test_a_hospital_counts_towards_its_health_board(nlp: Language) -> None:
    doc = nlp("She was taken to Ysbyty Gwynedd. The health board apologised.")
    assert doc._.tw_main_org == "Betsi Cadwaladr University Health Board"
    assert [(m.text, m.name, m.kind) for m in doc._.tw_orgs][1] == (
        "The health board",
        "Betsi Cadwaladr University Health Board",
        "health_board",
    )


def test_coordinated_outpatient_centres(nlp: Language) -> None:
    text = "It runs the Corbett and Guest Outpatient Centres."
    assert spans(nlp, text) == [
        (12, 19, "Corbett", "Corbett Outpatient Centre"),
        (24, 48, "Guest Outpatient Centres", "Guest Outpatient Centre"),
    ]


# ---------------------------------------------------------------------------- anaphora


def test_the_trust_resolves_to_the_main_trust(nlp: Language) -> None:
    text = (
        "The Dudley Group NHS Foundation Trust was inspected. The Trust said the trust's "
        "staff and the hospital trust had improved."
    )
    found = spans(nlp, text)
    assert found == [
        (0, 37, "The Dudley Group NHS Foundation Trust", DUDLEY),
        (53, 62, "The Trust", DUDLEY),
        (68, 77, "the trust", DUDLEY),
        (90, 108, "the hospital trust", DUDLEY),
    ]
    assert [m.rule for m in orgs(nlp, text)][1:] == ["anaphora:trust"] * 3


def test_the_trust_prefers_a_trust_the_document_names(nlp: Language) -> None:
    """Two hospitals its successor runs now do not make "the trust" the successor."""
    bsuh = "Brighton and Sussex University Hospitals NHS Trust"
    text = (
        "She was moved from the Royal Sussex County Hospital to the Princess Royal Hospital "
        f"and back to the Royal Sussex County Hospital. {bsuh} said the trust would learn."
    )
    found = orgs(nlp, text)
    assert [(m.text, m.name) for m in found if m.kind == "trust"] == [
        (bsuh, bsuh),
        ("the trust", bsuh),
    ]


def test_the_hospital_and_the_health_board(nlp: Language) -> None:
    text = (
        "Swansea Bay University Health Board runs Morriston Hospital. The health board said "
        "the hospital's wards were full."
    )
    found = orgs(nlp, text)
    assert [(m.text, m.name, m.rule) for m in found] == [
        ("Swansea Bay University Health Board", "Swansea Bay University Health Board",
         "gazetteer:org-7A3"),
        ("Morriston Hospital", "Morriston Hospital", "gazetteer:org-site-morriston"),
        ("The health board", "Swansea Bay University Health Board", "anaphora:health_board"),
        ("the hospital", "Morriston Hospital", "anaphora:hospital"),
    ]  # fmt: skip
    assert found[1].parent == "Swansea Bay University Health Board"


def test_the_regulator_is_the_cqc_only_when_the_cqc_is_named(nlp: Language) -> None:
    assert spans(nlp, "The regulator said it would inspect.") == []
    text = "The CQC inspected. The regulator said care was unsafe."
    assert spans(nlp, text) == [(4, 7, "CQC", CQC), (19, 32, "The regulator", CQC)]


def test_no_anaphora_without_an_antecedent(nlp: Language) -> None:
    text = "The trust said the hospital and the health board would respond."
    assert spans(nlp, text) == []
    assert nlp(text)._.tw_main_org is None


# ---------------------------------------------------------------------------- unknown


@pytest.mark.parametrize(
    ("surface", "kind"),
    [
        ("Anytown and District NHS Foundation Trust", "trust"),
        ("St Elsewhere's Hospital", "hospital"),
        ("Anytown University Health Board", "health_board"),
        ("NHS Anytown Integrated Care Board", "commissioner"),
        ("Anytown Clinical Commissioning Group", "commissioner"),
    ],
)
def test_unknown_nhs_bodies(nlp: Language, surface: str, kind: str) -> None:
    text = f"Families criticised {surface} yesterday."
    (m,) = orgs(nlp, text)
    assert (m.start, m.end, m.text, m.name) == (20, 20 + len(surface), surface, surface)
    assert (m.kind, m.ods_code, m.parent) == (kind, None, None)
    assert m.rule == f"pattern:{kind}"


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Northamptonshire ICB", "NHS Northamptonshire Integrated Care Board"),
        ("NHS Anytown ICB", "NHS Anytown Integrated Care Board"),
        ("Anytown Integrated Care Board", "NHS Anytown Integrated Care Board"),
        ("Anytown CCG", "Anytown Clinical Commissioning Group"),
        ("NHS Anytown CCG", "Anytown Clinical Commissioning Group"),
    ],
)
def test_unknown_commissioners_get_canonical_names(nlp: Language, surface: str, name: str) -> None:
    (m,) = orgs(nlp, f"Funding from the {surface} was cut.")
    assert (m.text, m.name, m.kind, m.rule) == (surface, name, "commissioner",
                                                "pattern:commissioner")  # fmt: skip


def test_commissioner_name() -> None:
    assert commissioner_name("NHS Black Country ICB") == "NHS Black Country Integrated Care Board"
    assert commissioner_name("Dudley CCG") == "Dudley Clinical Commissioning Group"
    assert commissioner_name("ICB") == "ICB"
    assert commissioner_name("Anytown Council") == "Anytown Council"


def test_known_commissioner_written_informally_is_the_known_one(nlp: Language) -> None:
    (m,) = orgs(nlp, "The Kent & Medway Integrated Care Board met.")
    assert (m.name, m.ods_code) == ("NHS Kent and Medway Integrated Care Board", "QKS")


def test_unknown_names_are_normalised(nlp: Language) -> None:
    (m,) = orgs(nlp, "Yesterday ANYTOWN AND DISTRICT NHS FOUNDATION TRUST apologised.")
    assert m.name == "Anytown and District NHS Foundation Trust"
    (m,) = orgs(nlp, "Care at the St Elsewhere’s Hospital was poor.")
    assert (m.text, m.name) == ("St Elsewhere’s Hospital", "St Elsewhere's Hospital")


def test_unknown_name_stops_at_other_names_and_roles(nlp: Language) -> None:
    text = "Hampshire Constabulary and Anytown Health NHS Foundation Trust met."
    assert [m.text for m in orgs(nlp, text)] == ["Anytown Health NHS Foundation Trust"]
    text = "He was moved to Maple Ward of Anytown Park Hospital."
    assert [m.text for m in orgs(nlp, text)] == ["Anytown Park Hospital"]


# ---------------------------------------------------------------------------- fuzzy


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Dudley Group NHS Trust", DUDLEY),
        ("Shrewsbury & Telford Hospitals NHS Trust", SATH),
        ("Nottingham NHS Trust", NUH),
        ("Newcastle-upon-Tyne Hospitals NHS Foundation Trust",
         "The Newcastle Upon Tyne Hospitals NHS Foundation Trust"),
        ("Westmoreland General Hospital", "Westmorland General Hospital"),
    ],
)  # fmt: skip
def test_fuzzy_resolution(nlp: Language, surface: str, name: str) -> None:
    (m,) = orgs(nlp, f"Concerns about {surface} grew.")
    assert (m.start, m.end, m.text, m.name) == (15, 15 + len(surface), surface, name)
    assert m.rule.startswith("fuzzy:") and 0.88 <= m.score <= 1.0


def test_closed_trusts_are_named_exactly_but_never_guessed(nlp: Language) -> None:
    mid_staffs = "Mid Staffordshire NHS Foundation Trust"
    (m,) = orgs(nlp, f"The {mid_staffs} scandal.")
    assert (m.name, m.ods_code, m.rule) == (mid_staffs, "RJD", "gazetteer:org-RJD")
    (m,) = orgs(nlp, "Dudley NHS Trust said sorry.")  # not Dudley Integrated Health and Care
    assert (m.name, m.rule) == (DUDLEY, "fuzzy:org-RNA")


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("North Essex Partnership University NHS Foundation Trust",
         "North Essex Partnership University NHS Foundation Trust"),
        ("South Essex Partnership University NHS Foundation Trust",
         "South Essex Partnership University NHS Foundation Trust"),
        ("Bridgewater Community Healthcare NHS Foundation Trust",
         "Bridgewater Community Healthcare NHS Foundation Trust"),
        ("Camden and Islington NHS Foundation Trust", "Camden and Islington NHS Foundation Trust"),
    ],
)  # fmt: skip
def test_closed_trusts_from_ods_are_named_exactly(nlp: Language, surface: str, name: str) -> None:
    """Not the open trust whose name is inside theirs (Essex Partnership University)."""
    (m,) = orgs(nlp, f"The {surface} failed to act.")
    assert (m.text, m.name, m.rule.split(":")[0]) == (surface, name, "gazetteer")


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Brighton and Sussex University Hospital NHS Trust",
         "Brighton and Sussex University Hospitals NHS Trust"),
        ("North Essex Partnership NHS Foundation Trust",
         "North Essex Partnership University NHS Foundation Trust"),
        ("Princes Royal Hospital", "Princess Royal Hospital"),
        ("Southampton Hospital", "Southampton General Hospital"),
    ],
)  # fmt: skip
def test_fuzzy_resolution_of_closed_trusts_and_shortened_hospitals(
    nlp: Language, surface: str, name: str
) -> None:
    (m,) = orgs(nlp, f"Concerns about {surface} grew.")
    assert (m.text, m.name) == (surface, name)
    assert m.rule.startswith("fuzzy:")


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("West London Mental Health Trust", "West London NHS Trust"),
        ("Bedford Hospitals NHS Trust", "Bedfordshire Hospitals NHS Foundation Trust"),
        ("2gether NHS Foundation Trust", "Gloucestershire Health and Care NHS Foundation Trust"),
        ("ABMU Health Board", "Swansea Bay University Health Board"),
        ("ELFT", "East London NHS Foundation Trust"),
    ],
)
def test_former_names_map_to_the_renamed_trust(nlp: Language, surface: str, name: str) -> None:
    """Same ODS code, new name: the gold maps old names to the trust (gold README)."""
    (m,) = orgs(nlp, f"Concerns about {surface} grew.")
    assert (m.text, m.name) == (surface, name)


def test_ambiguous_place_is_not_resolved_nor_invented(nlp: Language) -> None:
    """Three Leeds trusts: "Leeds NHS Trust" could be any, so it is left out."""
    assert spans(nlp, "Leeds NHS Trust apologised.") == []


def test_a_different_place_is_not_a_typo(nlp: Language) -> None:
    (m,) = orgs(nlp, "He was admitted to West Park Hospital.")
    assert (m.name, m.ods_code, m.rule) == ("West Park Hospital", None, "pattern:hospital")


def test_fuzzy_resolver_margin_and_threshold() -> None:
    entries: list[dict[str, Any]] = [
        {"id": "a", "name": "Leeds Teaching Hospitals NHS Trust", "kind": "trust",
         "ods_code": None, "parent": None, "aliases": []},
        {"id": "b", "name": "Leeds Community Healthcare NHS Trust", "kind": "trust",
         "ods_code": None, "parent": None, "aliases": []},
    ]  # fmt: skip
    resolver = FuzzyResolver(entries, threshold=88, margin=5)
    assert resolver.resolve("trust", "Leeds NHS Trust") == (None, True)
    match, _ = resolver.resolve("trust", "Leeds Teaching Hospital NHS Trust")
    assert match is not None and match.entry_id == "a"
    assert resolver.resolve("trust", "Harrogate NHS Trust") == (None, False)


# ---------------------------------------------------------------------------- negatives


@pytest.mark.parametrize(
    "text",
    [
        "It was a relationship of trust between families and staff.",
        "The hospital lost the trust of the public.",
        "Patients need to trust their midwives.",
        "The outcome gave good hope to families.",
        "Trust leaders met ministers. Hospital bosses apologised.",
        "NHS Trusts face a difficult winter.",
        "The National Trust and the Wellcome Trust are charities.",
        "Summary Hospital-level Mortality Indicator figures improved.",
        "Dudley Maternity Services Quality Improvement Board was set up. The board met.",
        "The report by the Chief Inspector of Hospitals was published.",
        "Families called for an inquiry into maternity services in Leeds.",
        "Monitor the patient closely.",
        "The Royal Hospital and the General Hospital were busy.",
        "He spoke to the NHS improvement body.",
    ],
)
def test_hard_negatives(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_nhs_country_before_its_records_is_the_place(nlp: Language) -> None:
    """The records in "NHS England clinical records" are held in England, not by NHS England."""
    text = "Staff in Wales cannot access NHS England clinical records or NHS England patients."
    assert spans(nlp, text) == []
    assert [m.name for m in orgs(nlp, "NHS England guidance was updated.")] == ["NHS England"]


def test_sentence_initial_capitals_do_not_extend_names(nlp: Language) -> None:
    text = "Yesterday Russells Hall Hospital said sorry.\nFamilies Anytown Hospital staff wept."
    assert [m.text for m in orgs(nlp, text)] == ["Russells Hall Hospital", "Anytown Hospital"]


def test_mentions_are_sorted_and_do_not_overlap(nlp: Language) -> None:
    text = (
        "The Shrewsbury and Telford Hospital NHS Trust and Russells Hall Hospital, "
        "Leeds Teaching Hospitals NHS Trust and Leeds General Infirmary."
    )
    found = orgs(nlp, text)
    assert [m.text for m in found] == [
        "The Shrewsbury and Telford Hospital NHS Trust",
        "Russells Hall Hospital",
        "Leeds Teaching Hospitals NHS Trust",
        "Leeds General Infirmary",
    ]
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


# ---------------------------------------------------------------------------- gazetteer


def test_gazetteer_loads_without_duplicates() -> None:
    entries = load_gazetteer()
    assert len(entries) > 700
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    keys = [phrase_key(t) for e in entries for t in [e["name"], *e["aliases"]]]
    assert len(keys) == len(set(keys)), "a name or alias is claimed twice"
    assert prune_aliases(entries)[1] == [], "the shipped file is already pruned"
    kinds = {e["kind"] for e in entries}
    assert kinds == {"trust", "hospital", "health_board", "commissioner", "regulator", "other"}
    by_name = {e["name"]: e for e in entries}
    assert by_name[RUSSELLS]["parent"] == DUDLEY
    assert all(e["parent"] in by_name for e in entries if e["parent"])


def test_gazetteer_closed_trusts_and_boards() -> None:
    entries = load_gazetteer()
    by_id = {e["id"]: e for e in entries}
    closed = [e for e in entries if e["closed"]]
    assert len(closed) >= 70 and all(e["kind"] == "trust" for e in closed)
    assert by_id["org-RRD"]["closed"] == "2017-03-31"
    # A closed trust's core that reads as a hospital is left to the site.
    assert "Whipps Cross University Hospital" not in by_id["org-RGC"]["aliases"]
    kinds = {e["name"]: e["kind"] for e in entries}
    welsh = [e for e in entries if e["kind"] == "hospital" and e["parent"]
             and kinds[e["parent"]] == "health_board"]  # fmt: skip
    assert len(welsh) >= 30


def test_gazetteer_lines_have_the_schema() -> None:
    text = resources.files("pipeline.extract.data").joinpath("organisations.jsonl").read_text()
    first = json.loads(text.splitlines()[0])
    assert list(first) == ["id", "name", "kind", "ods_code", "parent", "aliases", "closed"]


def test_malformed_entries_are_rejected() -> None:
    with pytest.raises(PatternError, match="kind"):
        validate_entry({"id": "x", "name": "X", "kind": "charity", "aliases": []}, "line 1")
    with pytest.raises(PatternError, match="aliases"):
        validate_entry({"id": "x", "name": "X", "kind": "trust", "aliases": "X"}, "line 1")


def test_prune_aliases_drops_ambiguous_and_common_ones() -> None:
    entries = [
        {"id": "a", "name": "Alpha Hospital", "kind": "hospital", "ods_code": None,
         "parent": None, "aliases": ["Alpha", "Shared Name", "the"]},
        {"id": "b", "name": "Beta Hospital", "kind": "hospital", "ods_code": None,
         "parent": None, "aliases": ["Shared Name", "Alpha Hospital"]},
    ]  # fmt: skip
    pruned, dropped = prune_aliases(entries)
    assert [e["aliases"] for e in pruned] == [["Alpha"], []]
    assert [alias for alias, _ in dropped] == ["Alpha Hospital", "Shared Name", "the"]


def test_extra_orgs_are_recognised() -> None:
    extra = [
        {"id": "ods-RZZ", "name": "Northtown and District Hospitals NHS Foundation Trust",
         "kind": "trust", "ods_code": "RZZ", "parent": None, "aliases": [], "closed": None},
        {"id": "ods-RZZ01", "name": "Northtown General Hospital", "kind": "hospital",
         "ods_code": "RZZ01", "parent": "Northtown and District Hospitals NHS Foundation Trust",
         "aliases": []},
        {"id": "ods-RNA", "name": "The Dudley Group NHS Foundation Trust", "kind": "trust",
         "ods_code": "RNA", "parent": None, "aliases": []},
    ]  # fmt: skip
    nlp = build_nlp(["trustwatch_orgs"], config={"trustwatch_orgs": {"extra_orgs": extra}})
    doc = nlp("Northtown General Hospital was criticised. Dudley Group said sorry.")
    assert [(m.text, m.ods_code, m.rule) for m in doc._.tw_orgs] == [
        ("Northtown General Hospital", "RZZ01", "gazetteer:ods-RZZ01"),
        ("Dudley Group", "RNA", "gazetteer:org-RNA"),
    ]
    assert doc._.tw_main_org == "Northtown and District Hospitals NHS Foundation Trust"


def test_extra_orgs_sharing_a_name_are_left_out() -> None:
    extra: list[dict[str, Any]] = [
        {
            "id": f"s{i}",
            "name": "St Anywhere's Hospital",
            "kind": "hospital",
            "ods_code": None,
            "parent": parent,
            "aliases": [],
        }
        for i, parent in enumerate(["Trust A", "Trust B"])
    ]
    merged = merge_entries([], extra)
    assert merged == []


# ---------------------------------------------------------------------------- seeds


@needs_shared
@pytest.mark.parametrize(
    ("prefix", "expected", "main"),
    [
        ("000", {DUDLEY, RUSSELLS, "Dudley Clinical Commissioning Group", "NHS England",
                 "The Royal Wolverhampton NHS Trust"}, DUDLEY),
        ("001", {"NHS Providers", NUH, "John Radcliffe Hospital", "Royal Lancaster Infirmary",
                 "Swansea Bay University Health Board", "Llais"}, NUH),
        ("002", {DUDLEY, RUSSELLS, "Corbett Outpatient Centre", "Guest Outpatient Centre", CQC,
                 "NHS Improvement"}, DUDLEY),
        ("003", {"East Kent Hospitals University NHS Foundation Trust"},
         "East Kent Hospitals University NHS Foundation Trust"),
        ("004", {DUDLEY, RUSSELLS, "Corbett Outpatient Centre", "Guest Outpatient Centre", CQC},
         DUDLEY),
    ],
)  # fmt: skip
def test_seed_organisations(nlp: Language, prefix: str, expected: set[str], main: str) -> None:
    doc = nlp(seed(prefix))
    assert {m.name for m in doc._.tw_orgs if not m.rule.startswith("anaphora:")} == expected
    assert doc._.tw_main_org == main


@needs_shared
def test_seed_000_details(nlp: Language) -> None:
    found = orgs(nlp, seed("000"))
    russells = next(m for m in found if m.name == RUSSELLS)
    assert (russells.kind, russells.ods_code, russells.parent) == ("hospital", "RNA01", DUDLEY)
    assert [m.text for m in found if m.rule == "anaphora:hospital"] == ["the hospital"]
    assert "Dudley Group NHS Foundation Trust" in [m.text for m in found]
    assert not any("Board" in m.text for m in found)


@needs_shared
def test_seed_001_only_names_count(nlp: Language) -> None:
    """Only names count: "in Leeds" names no organisation; "Nottingham NHS Trust" is NUH."""
    text = seed("001")
    found = orgs(nlp, text)
    assert not any("Leeds" in m.text or "Leeds" in m.name for m in found)
    nottingham = next(m for m in found if m.name == NUH)
    assert (nottingham.text, nottingham.rule) == ("Nottingham NHS Trust", "fuzzy:org-RX1")


@needs_shared
def test_seeds_unchanged_after_a_full_ods_import() -> None:
    """Every trust and site of the official files as `extra_orgs`, as the store passes them."""
    ods = SHARED / "data" / "ods"
    trusts = read_trusts(ods / "etr.csv")
    sites = read_sites(ods / "Hospital.csv", trusts={t["ods_code"]: t["name"] for t in trusts})
    extra = [{**e, "id": f"ods-{e['ods_code']}"} for e in trusts + sites]
    nlp = build_nlp(["trustwatch_orgs"], config={"trustwatch_orgs": {"extra_orgs": extra}})
    assert names(nlp, seed("001")) == {
        "NHS Providers",
        NUH,
        "John Radcliffe Hospital",
        "Royal Lancaster Infirmary",
        "Swansea Bay University Health Board",
        "Llais",
    }
    assert nlp(seed("000"))._.tw_main_org == DUDLEY


# ---------------------------------------------------------------------------- PFD review

NICE = "National Institute for Health and Care Excellence"
MHRA = "Medicines and Healthcare products Regulatory Agency"


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("NICE", NICE),
        ("National Institute for Health and Clinical Excellence", NICE),
        ("MHRA", MHRA),
        ("UKHSA", "UK Health Security Agency"),
        ("Public Health England", "Public Health England"),
        ("Health Education England", "Health Education England"),
        ("NHS Blood and Transplant", "NHS Blood and Transplant"),
        ("Royal College of Emergency Medicine", "Royal College of Emergency Medicine"),
        ("Royal College of Radiology", "Royal College of Radiologists"),
        ("Royal College of Psychiatrists", "Royal College of Psychiatrists"),
        ("UHP", "University Hospitals Plymouth NHS Trust"),
    ],
)
def test_national_bodies_colleges_and_trust_acronyms(
    nlp: Language, surface: str, name: str
) -> None:
    text = f"A statement from {surface} followed."
    assert spans(nlp, text) == [(17, 17 + len(surface), surface, name)]


def test_acronym_nice_is_not_the_adjective(nlp: Language) -> None:
    assert spans(nlp, "It was a nice day. Nice weather.") == []
    assert names(nlp, "(4) NICE issued update guidance.") == {NICE}


def test_lower_case_word_of_the_entry_name_may_be_lower_case(nlp: Language) -> None:
    """The MHRA writes "products" in lower case; other lower-case words still do not match."""
    text = "The Medicines and Healthcare products Regulatory Agency issued an alert."
    assert spans(nlp, text) == [(4, 55, MHRA, MHRA)]
    assert names(nlp, "Medicines and Healthcare Products Regulatory Agency") == {MHRA}
    assert names(nlp, "the medicines and healthcare products regulatory agency") == set()


def test_role_word_before_a_coordinated_name_ends_it_at_the_and(nlp: Language) -> None:
    """ "HMP Coldingley and Central North West London NHS Foundation Trust": the prison is
    another body; the trust's name starts after the "and"."""
    text = "HMP Coldingley and Central North West London NHS Foundation Trust were told."
    assert spans(nlp, text) == [
        (
            19,
            65,
            "Central North West London NHS Foundation Trust",
            "Central and North West London NHS Foundation Trust",
        )
    ]
    text = "Staff at HMP Coldingley and Oxleas NHS Foundation Trust agreed."
    assert names(nlp, text) == {"Oxleas NHS Foundation Trust"}
