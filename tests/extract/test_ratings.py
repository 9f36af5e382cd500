"""The CQC ratings extractor (`trustwatch_ratings`) on `spacy.blank("en")`.

Each phrasing family from docs/annotation.md ("CQC ratings") is checked for the exact
(rating, domain, service, previous_rating, year, org) rows and the exact rating phrases; the
hard negatives must yield nothing. Organisations are set by hand (`tw_orgs`, `tw_main_org`),
so these tests do not depend on the organisations component.
"""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest
from spacy.language import Language

import pipeline.extract.ratings  # noqa: F401  (registers the factory)
from pipeline.errors import PatternError
from pipeline.extract import patterns_io
from pipeline.extract.facts import OrgMention, RatingFact
from pipeline.extract.nlp import build_nlp

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "data" / "seeds"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not present")

MAIN = "Anytown Hospitals NHS Foundation Trust"
DUDLEY = "The Dudley Group NHS Foundation Trust"
RI = "requires improvement"
UEC = "urgent and emergency care"

Row = tuple[str, str, str | None, str | None, int | None, str | None]
# (surface text, canonical name, kind, parent trust)
OrgSpec = tuple[str, str, str, str | None]

DUDLEY_ORGS: list[OrgSpec] = [
    ("The Dudley Group NHS Foundation Trust", DUDLEY, "trust", None),
    ("Dudley Group", DUDLEY, "trust", None),
    ("Russells Hall Hospital", "Russells Hall Hospital", "hospital", DUDLEY),
    ("Care Quality Commission", "Care Quality Commission", "regulator", None),
    ("CQC", "Care Quality Commission", "regulator", None),
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp(["trustwatch_ratings"])


def mentions(text: str, orgs: list[OrgSpec]) -> list[OrgMention]:
    """Every occurrence of each surface form, as the organisations component would give it."""
    found = []
    for surface, name, kind, parent in orgs:
        for match in re.finditer(re.escape(surface), text):
            found.append(
                OrgMention(
                    start=match.start(),
                    end=match.end(),
                    text=surface,
                    name=name,
                    kind=kind,
                    ods_code=None,
                    parent=parent,
                    rule="test",
                )
            )
    return sorted(found, key=lambda m: m.start)


def extract(
    nlp: Language, text: str, orgs: list[OrgSpec] | None = None, main: str | None = MAIN
) -> list[RatingFact]:
    """Run the pipeline, setting the organisations just before the ratings component."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "trustwatch_ratings":
            doc._.tw_orgs = mentions(text, orgs or [])
            doc._.tw_main_org = main
        doc = proc(doc)
    return list(doc._.tw_ratings)


def rows(found: list[RatingFact]) -> list[Row]:
    return [(f.rating, f.domain, f.service, f.previous_rating, f.year, f.org) for f in found]


def phrases(text: str, found: list[RatingFact]) -> list[str]:
    return [text[f.start : f.end] for f in found]


def row(
    rating: str,
    domain: str = "overall",
    service: str | None = None,
    previous: str | None = None,
    year: int | None = None,
    org: str | None = MAIN,
) -> Row:
    return (rating, domain, service, previous, year, org)


FAMILIES = [
    # (text, expected rows, expected rating phrases)
    ("The trust was rated inadequate overall.", [row("inadequate")], ["inadequate"]),
    ("The trust requires improvement for being safe.", [row(RI, "safe")], [RI]),
    (
        "It was rated 'good' for whether services were effective and caring.",
        [row("good", "effective"), row("good", "caring")],
        ["good", "good"],
    ),
    (
        "The trust was rated 'inadequate' in the category looking at whether services were "
        "deemed safe.",
        [row("inadequate", "safe")],
        ["inadequate"],
    ),
    (
        "The trust moved from requires improvement to inadequate in safe.",
        [row("inadequate", "safe", previous=RI)],
        ["inadequate"],
    ),
    (
        "The trust went up from inadequate to requires improvement.",
        [row(RI, previous="inadequate")],
        [RI],
    ),
    (
        "Maternity services were downgraded from good to inadequate.",
        [row("inadequate", service="maternity", previous="good")],
        ["inadequate"],
    ),
    (
        "The trust was rated good, up from requires improvement.",
        [row("good", previous=RI)],
        ["good"],
    ),
    ("The trust remains requires improvement.", [row(RI, previous=RI)], [RI]),
    ("The trust remains rated as requires improvement.", [row(RI, previous=RI)], [RI]),
    ("The trust is no longer rated inadequate.", [], []),
    (
        "The trust is no longer rated inadequate and is now rated requires improvement.",
        [row(RI, previous="inadequate")],
        [RI],
    ),
    (
        "Its surgery service received outstanding for caring.",
        [row("outstanding", "caring", "surgery")],
        ["outstanding"],
    ),
    (
        "The trust received an overall rating of 'requires improvement'.",
        [row(RI)],
        [RI],
    ),
    ("The hospital was given a rating of inadequate.", [row("inadequate")], ["inadequate"]),
    (
        "Whether services are effective and caring were rated as 'good'.",
        [row("good", "effective"), row("good", "caring")],
        ["good", "good"],
    ),
    (
        "We are disappointed that our diagnostic imaging services has been rated inadequate "
        "overall, and overall the Trust was inadequate for safe domain.",
        [row("inadequate", service="diagnostic imaging"), row("inadequate", "safe")],
        ["inadequate", "inadequate"],
    ),
    (
        "Our overall rating remains the same at requires improvement.",
        [row(RI, previous=RI)],
        [RI],
    ),
    (
        "The work is paying off in our urgent and emergency services whose overall rating has "
        "improved to requires improvement.",
        [row(RI, service=UEC)],
        [RI],
    ),
    (
        "Our critical care service improved to a good rating.",
        [row("good", service="critical care")],
        ["good"],
    ),
    (
        "Our surgical services received an outstanding rating for being a caring service and "
        "are rated good overall.",
        [row("outstanding", "caring", "surgery"), row("good", service="surgery")],
        ["outstanding", "good"],
    ),
    (
        "Concerns have led to a further 'requires improvement' rating.",
        [row(RI)],
        [RI],
    ),
    (
        "The trust previously received an overall 'requires improvement' rating in 2017.",
        [row(RI, year=2017)],
        [RI],
    ),
    (
        "Maternity services were rated inadequate in its 2019 inspection.",
        [row("inadequate", service="maternity", year=2019)],
        ["inadequate"],
    ),
    ("In 2017, the trust was rated inadequate.", [row("inadequate", year=2017)], ["inadequate"]),
    (
        "The trust was rated outstanding in 2016 but fell to requires improvement in 2019.",
        [row("outstanding", year=2016), row(RI, year=2019)],
        ["outstanding", RI],
    ),
    (
        "The home closed following a CQC rating of overall inadequate, and was appealing a "
        "decision, to be heard in June 2023.",
        [row("inadequate")],
        ["inadequate"],
    ),
    ("The trust received a 'good' CQC rating.", [row("good")], ["good"]),
    ("The trust retained its good rating.", [row("good", previous="good")], ["good"]),
    (
        "Ratings for safe and well-led went down from good to requires improvement.",
        [row(RI, "safe", previous="good"), row(RI, "well-led", previous="good")],
        [RI, RI],
    ),
    # bullets and tables
    ("Safe: Inadequate", [row("inadequate", "safe")], ["Inadequate"]),
    ("Are services safe? Requires improvement", [row(RI, "safe")], ["Requires improvement"]),
    ("Well-led – good", [row("good", "well-led")], ["good"]),
    (
        "• Effective: Good\n• Responsive:\nRequires Improvement",
        [row("good", "effective"), row(RI, "responsive")],
        ["Good", "Requires Improvement"],
    ),
    (
        "Safe\tInadequate\nCaring\tOutstanding",
        [row("inadequate", "safe"), row("outstanding", "caring")],
        ["Inadequate", "Outstanding"],
    ),
    ("Maternity – Inadequate", [row("inadequate", service="maternity")], ["Inadequate"]),
    (
        "Overall rating for this trust: Requires improvement",
        [row(RI)],
        ["Requires improvement"],
    ),
    (
        "The rating for caring remained as good.",
        [row("good", "caring", previous="good")],
        ["good"],
    ),
    # quotes, capitals, hyphens
    ("The trust was rated ‘inadequate’.", [row("inadequate")], ["inadequate"]),
    ("The trust was rated “good”.", [row("good")], ["good"]),
    ('The trust was rated "outstanding".', [row("outstanding")], ["outstanding"]),
    ("The trust was rated Requires Improvement.", [row(RI)], ["Requires Improvement"]),
    ("The trust was rated requires-improvement.", [row(RI)], ["requires-improvement"]),
    ("The trust was rated as requiring improvement.", [row(RI)], ["requiring improvement"]),
    (
        "The trust is 'inadequate' for safety, its latest rating shows.",
        [row("inadequate", "safe")],
        ["inadequate"],
    ),
    # services
    (
        "The A&E department was rated inadequate.",
        [row("inadequate", service=UEC)],
        ["inadequate"],
    ),
    (
        "The emergency department was rated inadequate.",
        [row("inadequate", service=UEC)],
        ["inadequate"],
    ),
    (
        "The trust was rated inadequate for its maternity services.",
        [row("inadequate", service="maternity")],
        ["inadequate"],
    ),
    (
        "The community end of life service was rated good.",
        [row("good", service="community end of life care")],
        ["good"],
    ),
    (
        "Community health services for adults received a good overall rating.",
        [row("good", service="community health services for adults")],
        ["good"],
    ),
    (
        "Children and young people's services were rated outstanding.",
        [row("outstanding", service="children and young people")],
        ["outstanding"],
    ),
    (
        "Mental health services were rated good.",
        [row("good", service="mental health")],
        ["good"],
    ),
    (
        "The CQC rated the trust's diagnostic imaging inadequate.",
        [row("inadequate", service="diagnostic imaging")],
        ["inadequate"],
    ),
    (
        "She was waiting for surgery at a hospital rated inadequate.",
        [row("inadequate")],
        ["inadequate"],
    ),
    # corpus/gold/README.md ("Ratings"): "the 'inadequate' rating for safety and diagnostic
    # imaging" gives safe inadequate for the trust and diagnostic imaging overall inadequate.
    (
        "The trust was disappointed with the inadequate rating for safety and diagnostic imaging.",
        [row("inadequate", "safe"), row("inadequate", service="diagnostic imaging")],
        ["inadequate", "inadequate"],
    ),
]


@pytest.mark.parametrize(("text", "expected", "spans"), FAMILIES, ids=[f[0][:40] for f in FAMILIES])
def test_phrasing_families(nlp: Language, text: str, expected: list[Row], spans: list[str]) -> None:
    found = extract(nlp, text)
    assert rows(found) == expected
    assert phrases(text, found) == spans


ACUTE_WARDS = "acute wards for adults of working age and psychiatric intensive care units"

# Lists under a lead-in or heading, services referred back to, longer sentences.
CONTEXT_FAMILIES = [
    # a service named in a lead-in or heading carries over to the rows of its list
    (
        "Our ratings for maternity services at the trust are:\n"
        "• Overall: inadequate (previously requires improvement)\n"
        "• Safe: inadequate\n"
        "• Effective: requires improvement",
        [
            row("inadequate", service="maternity", previous=RI),
            row("inadequate", "safe", "maternity"),
            row(RI, "effective", "maternity"),
        ],
        ["inadequate", "inadequate", "requires improvement"],
    ),
    (
        "The maternity unit's ratings were:\nSafe – Inadequate\nEffective – Good",
        [row("inadequate", "safe", "maternity"), row("good", "effective", "maternity")],
        ["Inadequate", "Good"],
    ),
    (
        "Ratings for maternity\n\nSafe\tInadequate\nCaring\tGood",
        [row("inadequate", "safe", "maternity"), row("good", "caring", "maternity")],
        ["Inadequate", "Good"],
    ),
    (
        "Maternity\nInadequate\nSafe\nInadequate",
        [row("inadequate", service="maternity"), row("inadequate", "safe", "maternity")],
        ["Inadequate", "Inadequate"],
    ),
    (
        "Ratings for maternity:\n• Overall: inadequate\nRatings for surgery:\n• Overall: good",
        [row("inadequate", service="maternity"), row("good", service="surgery")],
        ["inadequate", "good"],
    ),
    (
        "Overall rating for maternity: Inadequate\nWell-led: Requires improvement",
        [row("inadequate", service="maternity"), row(RI, "well-led", "maternity")],
        ["Inadequate", "Requires improvement"],
    ),
    # no service: the lead-in names none, only an earlier sentence does, or prose intervenes
    ("The trust's ratings are:\n• Safe: inadequate", [row("inadequate", "safe")], ["inadequate"]),
    (
        "Inspectors visited maternity services. The trust was rated:\n• Safe: inadequate",
        [row("inadequate", "safe")],
        ["inadequate"],
    ),
    (
        "Maternity services were inspected in March.\n\nSafe: Inadequate",
        [row("inadequate", "safe")],
        ["Inadequate"],
    ),
    # "the service" / "the unit" stands for the service named last before it
    (
        "Maternity services were rated requires improvement for being safe. The service, which "
        "delivers 4,000 babies a year, was rated requires improvement overall and good for being "
        "caring and well-led.",
        [
            row(RI, "safe", "maternity"),
            row(RI, service="maternity"),
            row("good", "caring", "maternity"),
            row("good", "well-led", "maternity"),
        ],
        [RI, RI, "good", "good"],
    ),
    (
        "Inspectors visited the maternity units in March. The service was rated good when it was "
        "last inspected in 2019.",
        [row("good", service="maternity", year=2019)],
        ["good"],
    ),
    (
        "Maternity services were inspected. The service went up from inadequate to requires "
        "improvement for being safe, and was rated good for being effective.",
        [
            row(RI, "safe", "maternity", previous="inadequate"),
            row("good", "effective", "maternity"),
        ],
        [RI, "good"],
    ),
    (
        "The trust was rated good. The service was rated outstanding for caring.",
        [row("good"), row("outstanding", "caring")],
        ["good", "outstanding"],
    ),
    # "It" / "They" opening the next sentence goes on rating the service just rated
    (
        "The overall rating for the maternity service went down from requires improvement to "
        "inadequate. It was also rated inadequate for being safe.",
        [
            row("inadequate", service="maternity", previous=RI),
            row("inadequate", "safe", "maternity"),
        ],
        ["inadequate", "inadequate"],
    ),
    (
        "The trust was rated inadequate. It was rated good for caring.",
        [row("inadequate"), row("good", "caring")],
        ["inadequate", "good"],
    ),
    (
        "Maternity services were rated inadequate. It is the second time the trust has been "
        "rated inadequate.",
        [row("inadequate", service="maternity"), row("inadequate")],
        ["inadequate", "inadequate"],
    ),
    # previous ratings: in brackets, and "from X" without "to Y"
    (
        "The trust was rated inadequate (down from good).",
        [row("inadequate", previous="good")],
        ["inadequate"],
    ),
    (
        "Maternity services were rated inadequate after the CQC downgraded them from good.",
        [row("inadequate", service="maternity", previous="good")],
        ["inadequate"],
    ),
    ("The CQC downgraded the unit from 'requires improvement'.", [], []),
    # a domain list longer than the scan window; a service joined to a domain, or not
    (
        "The trust was rated 'inadequate' in the category looking at whether services were "
        "deemed safe and in the category for leadership.",
        [row("inadequate", "safe"), row("inadequate", "well-led")],
        ["inadequate", "inadequate"],
    ),
    (
        "The trust was rated inadequate for safety and maternity services were rated good.",
        [row("inadequate", "safe"), row("good", service="maternity")],
        ["inadequate", "good"],
    ),
    # "rated <a long object> as <rating>" with the regulator named
    (
        "The Care Quality Commission has rated maternity services at the hospital in the north of "
        "the county as requires improvement.",
        [row(RI, service="maternity")],
        [RI],
    ),
    # CQC core services of ambulance and mental health trusts
    (
        "The emergency operations centre received outstanding for caring.",
        [row("outstanding", "caring", "emergency operations centre")],
        ["outstanding"],
    ),
    (
        "Patient transport services were rated good.",
        [row("good", service="patient transport")],
        ["good"],
    ),
    (
        "Acute wards for adults of working age and psychiatric intensive care units were rated "
        "inadequate.",
        [row("inadequate", service=ACUTE_WARDS)],
        ["inadequate"],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "spans"), CONTEXT_FAMILIES, ids=[f[0][:40] for f in CONTEXT_FAMILIES]
)
def test_context_families(nlp: Language, text: str, expected: list[Row], spans: list[str]) -> None:
    found = extract(nlp, text)
    assert rows(found) == expected
    assert phrases(text, found) == spans


BARTS = "Barts Health NHS Trust"
UHB = "University Hospitals Birmingham NHS Foundation Trust"
SATH = "The Shrewsbury and Telford Hospital NHS Trust"
SITE_ORGS: list[OrgSpec] = [
    *DUDLEY_ORGS,
    ("Barts Health NHS Trust", BARTS, "trust", None),
    ("Whipps Cross Hospital", "Whipps Cross Hospital", "hospital", BARTS),
    ("the hospital", "Whipps Cross Hospital", "hospital", BARTS),  # the anaphor, resolved
    ("Royal London Hospital", "Royal London Hospital", "hospital", BARTS),
    ("Heartlands Hospital", "Heartlands Hospital", "hospital", UHB),
    ("Good Hope Hospital", "Good Hope Hospital", "hospital", UHB),
    (SATH, SATH, "trust", None),
]

ORG_FAMILIES = [
    # a whole hospital keeps its rating; a service at it goes to the trust that runs it
    (
        "Barts Health NHS Trust, the largest trust in the country, was placed in special measures "
        "after the Care Quality Commission rated Whipps Cross Hospital inadequate.",
        [row("inadequate", org="Whipps Cross Hospital")],
        ["inadequate"],
    ),
    (
        "Maternity services at Whipps Cross Hospital were rated good, and the hospital's overall "
        "rating was requires improvement.",
        [row("good", service="maternity", org=BARTS), row(RI, org="Whipps Cross Hospital")],
        ["good", RI],
    ),
    (
        "Following an inspection at Whipps Cross Hospital, it was rated inadequate.",
        [row("inadequate", org=BARTS)],
        ["inadequate"],
    ),
    (
        "Barts Health NHS Trust, which runs Whipps Cross Hospital and the Royal London Hospital, "
        "was rated inadequate.",
        [row("inadequate", org=BARTS)],
        ["inadequate"],
    ),
    (
        "Whipps Cross Hospital and the Royal London Hospital were rated inadequate.",
        [
            row("inadequate", org="Whipps Cross Hospital"),
            row("inadequate", org="Royal London Hospital"),
        ],
        ["inadequate", "inadequate"],
    ),
    # names are not clause breaks or blockers ("Shrewsbury and Telford", "Good Hope")
    (
        "Urgent and emergency care at Heartlands Hospital and Good Hope Hospital was rated "
        "inadequate.",
        [row("inadequate", service=UEC, org=UHB)],
        ["inadequate"],
    ),
    (
        "Four years on, maternity services at The Shrewsbury and Telford Hospital NHS Trust have "
        "been rated good overall.",
        [row("good", service="maternity", org=SATH)],
        ["good"],
    ),
    (
        "Maternity services were rated good, and Barts Health NHS Trust was rated inadequate.",
        [row("good", service="maternity", org=BARTS), row("inadequate", org=BARTS)],
        ["good", "inadequate"],
    ),
    # the organisation of a list comes from its lead-in
    (
        "Maternity services at Russells Hall Hospital were rated:\n• Safe: inadequate",
        [row("inadequate", "safe", "maternity", org=DUDLEY)],
        ["inadequate"],
    ),
    (
        "Russells Hall Hospital was rated:\n• Overall: inadequate",
        [row("inadequate", org="Russells Hall Hospital")],
        ["inadequate"],
    ),
    (
        "The Care Quality Commission has rated maternity services at Whipps Cross Hospital, run "
        "by Barts Health NHS Trust, as requires improvement.",
        [row(RI, service="maternity", org=BARTS)],
        [RI],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "spans"), ORG_FAMILIES, ids=[f[0][:40] for f in ORG_FAMILIES]
)
def test_org_families(nlp: Language, text: str, expected: list[Row], spans: list[str]) -> None:
    found = extract(nlp, text, SITE_ORGS, main="Elsewhere NHS Trust")
    assert rows(found) == expected
    assert phrases(text, found) == spans


HARD_NEGATIVES = [
    "Inspectors found good practice at the trust.",
    "The trust has a good working relationship with the CQC.",
    "There are outstanding issues with the rating process.",
    "The CQC recognised the outstanding aspects of our community service.",
    "That is good enough, the CQC said.",
    "It is clearly not good enough that 18 months after the first inspection, the CQC are "
    "still finding the same failings at A&E.",
    "The CQC found inadequate investigations.",
    "Investigations were inadequate, inspectors said.",
    "Staffing was inadequate, the CQC report found.",
    "The process requires improvement.",
    "It is hard work under the scrutiny of the CQC but for the hospital to still be in a "
    "position where it requires improvement is extremely concerning.",
    "The trust aims to be rated outstanding by 2025.",
    "We want to move from good to outstanding.",
    "The trust was not rated inadequate.",
    "The trust could be rated inadequate if nothing changes.",
    "Staff said the care was 'inadequate'.",
    "Morale remains good.",
    "Staffing remains inadequate, inspectors found.",
    "Staff were outstanding in caring for patients.",
    "It was good for patient safety.",
    "She received good care at the hospital.",
    "Schools which had been rated outstanding were not inspected.",
    "The previous Ofsted rating of the home was 'outstanding'.",
    "The trust has been told to improve by care watchdogs.",
    "The Community and Crisis team were identified as requiring improvement by ensuring "
    "routine weighing of patients.",
    "It was a good-quality service, the CQC said.",
    "Patients rated the food as good.",
    "The trust was rated good by patients in the friends and family test.",
    "Good Hope Hospital said staff were outstanding.",
    "The service user said the care was good for her.",
    "A spokesperson said they hoped the service would be rated good again soon.",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES, ids=[t[:40] for t in HARD_NEGATIVES])
def test_hard_negatives(nlp: Language, text: str) -> None:
    assert extract(nlp, text) == []


def test_org_is_the_rated_organisation_named_in_the_sentence(nlp: Language) -> None:
    text = (
        "Maternity services at Russells Hall Hospital were rated inadequate by the CQC. "
        "The Care Quality Commission rated the service good."
    )
    found = extract(nlp, text, DUDLEY_ORGS, main="Elsewhere NHS Trust")
    assert [f.org for f in found] == [DUDLEY, "Elsewhere NHS Trust"]


def test_org_service_goes_to_the_trust_and_falls_back_to_the_main_org(nlp: Language) -> None:
    # corpus/gold/README.md ("Ratings"): a rating of a whole hospital goes to the hospital, a
    # service rating to the trust that runs it. (This test used to expect the trust for the
    # first sentence; the gold decision says the hospital.)
    orgs: list[OrgSpec] = [
        ("Furness General Hospital", "Furness General Hospital", "hospital", None),
        ("Morecambe Bay trust", "Morecambe Bay NHS Foundation Trust", "trust", None),
    ]
    text = "Furness General Hospital, run by the Morecambe Bay trust, was rated inadequate."
    assert [f.org for f in extract(nlp, text, orgs)] == ["Furness General Hospital"]
    text = (
        "Maternity services at Furness General Hospital, run by the Morecambe Bay trust, were "
        "rated inadequate."
    )
    assert [f.org for f in extract(nlp, text, orgs)] == ["Morecambe Bay NHS Foundation Trust"]
    text = "Furness General Hospital was rated inadequate."
    assert [f.org for f in extract(nlp, text, orgs)] == ["Furness General Hospital"]
    assert [f.org for f in extract(nlp, "It was rated good.", orgs, main=None)] == [None]


def test_fact_offsets_sentence_and_rule(nlp: Language) -> None:
    text = "Staff were praised. The trust was rated 'inadequate' for safety.\nNext line."
    (fact,) = extract(nlp, text)
    assert text[fact.sent_start : fact.sent_end] == "The trust was rated 'inadequate' for safety."
    assert text[fact.start : fact.end] == "inadequate"
    assert fact.rule == "rated"


def test_without_orgs_or_rating_words(nlp: Language) -> None:
    doc = nlp("The trust was rated good.")
    assert [f.org for f in doc._.tw_ratings] == [None]
    assert nlp("No verdict was given.")._.tw_ratings == []


SEED_002: set[Row] = {
    row(RI, org=DUDLEY),
    row("inadequate", "safe", org=DUDLEY),
    row("good", "effective", org=DUDLEY),
    row("good", "caring", org=DUDLEY),
    row(RI, year=2017, org=DUDLEY),
    # "the 'inadequate' rating for safety and diagnostic imaging" (corpus/gold/README.md)
    row("inadequate", service="diagnostic imaging", org=DUDLEY),
}

SEED_004: set[Row] = SEED_002 | {
    row(RI, previous=RI, org=DUDLEY),  # "Our overall rating remains the same at …"
    row(RI, service=UEC, org=DUDLEY),
    row("good", service="community end of life care", org=DUDLEY),
    row("outstanding", "caring", "community end of life care", org=DUDLEY),
    row("good", service="community health services for adults", org=DUDLEY),
    row("outstanding", "caring", "surgery", org=DUDLEY),
    row("good", service="surgery", org=DUDLEY),
    row("good", service="critical care", org=DUDLEY),
    row("inadequate", service="diagnostic imaging", org=DUDLEY),
}


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@needs_shared
@pytest.mark.parametrize(("prefix", "expected"), [("002", SEED_002), ("004", SEED_004)])
def test_seed_documents(nlp: Language, prefix: str, expected: set[Row]) -> None:
    text = seed(prefix)
    found = extract(nlp, text, DUDLEY_ORGS, main=DUDLEY)
    assert set(rows(found)) == expected
    not_ratings = {
        m.start() for m in re.finditer("good practice|outstanding aspects|good enough", text)
    }
    kindness = [m.start() for m in re.finditer("kindness", text)]
    for fact in found:
        assert fact.start not in not_ratings
        assert not any(fact.sent_start <= k < fact.sent_end for k in kindness)
        assert text[fact.start : fact.end].lower() in {"good", "outstanding", "inadequate", RI}


@needs_shared
def test_seed_without_ratings_gives_none(nlp: Language) -> None:
    assert extract(nlp, seed("000"), DUDLEY_ORGS, main=DUDLEY) == []


RULE_FILES = (
    "ratings.jsonl",
    "rating_words.jsonl",
    "rating_domains.jsonl",
    "rating_services.jsonl",
    "rating_context.jsonl",
)


@pytest.mark.parametrize(
    ("filename", "line", "message"),
    [
        ("ratings.jsonl", '{"id": "broken", "kind": "left"', "not valid JSON"),
        (
            "ratings.jsonl",
            '{"id": "rated", "kind": "left", "strength": "strong", "pattern": [{"LOWER": "x"}]}',
            "duplicate id",
        ),
        (
            "ratings.jsonl",
            '{"id": "x", "kind": "sideways", "strength": "strong", "pattern": [{"LOWER": "x"}]}',
            "kind",
        ),
        (
            "ratings.jsonl",
            '{"id": "x", "kind": "left", "strength": "weak", "pattern": [{"LOWER": "x"}]}',
            "context",
        ),
        (
            "ratings.jsonl",
            '{"id": "x", "kind": "left", "strength": "strong", "pattern": [{"LOWERR": "x"}]}',
            "invalid token pattern",
        ),
        ("rating_words.jsonl", '{"id": "x", "pattern": "fine", "rating": "fine"}', "rating"),
        ("rating_context.jsonl", '{"id": "x", "role": "blocker", "pattern": "hope"}', "one token"),
    ],
)
def test_malformed_rule_raises_pattern_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, filename: str, line: str, message: str
) -> None:
    shipped = resources.files(patterns_io.PACKAGE)
    for name in RULE_FILES:
        with resources.as_file(shipped.joinpath(name)) as source:
            shutil.copy(source, tmp_path / name)
    with (tmp_path / filename).open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    monkeypatch.setattr(patterns_io, "resources", SimpleNamespace(files=lambda _pkg: tmp_path))
    with pytest.raises(PatternError, match=message) as info:
        build_nlp(["trustwatch_ratings"])
    assert filename in str(info.value)
