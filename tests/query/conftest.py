"""A small store built by hand for the query tests: eight documents about three trusts, with
every kind of extraction placed at known offsets. Built with `save_analysis` from hand-made
facts, so the tests do not depend on the extraction rules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pipeline.analyse import Analysis, save_analysis
from pipeline.documents import content_id
from pipeline.extract.facts import CountFact, OrgMention, RatingFact, RepeatSignal, ThemeFact
from pipeline.store import open_store, save_documents, save_organisations, transaction

DUDLEY = "The Dudley Group NHS Foundation Trust"
RUSSELLS = "Russells Hall Hospital"
KENT = "East Kent Hospitals University NHS Foundation Trust"
QEQM = "Queen Elizabeth the Queen Mother Hospital"
NUH = "Nottingham University Hospitals NHS Trust"
CQC = "Care Quality Commission"

ORGS: list[dict[str, Any]] = [
    {"name": DUDLEY, "kind": "trust", "ods_code": "RNA", "aliases": ["Dudley Group"]},
    {"name": RUSSELLS, "kind": "hospital", "ods_code": "RNA01", "parent": DUDLEY},
    {"name": KENT, "kind": "trust", "ods_code": "RVV", "aliases": ["East Kent Hospitals"]},
    {"name": QEQM, "kind": "hospital", "ods_code": "RVV09", "parent": KENT},
    {"name": NUH, "kind": "trust", "ods_code": "RX1"},
    {"name": CQC, "kind": "regulator", "aliases": ["CQC"]},
]
KINDS = {org["name"]: org["kind"] for org in ORGS}
PARENTS = {org["name"]: org.get("parent") for org in ORGS}
CODES = {org["name"]: org.get("ods_code") for org in ORGS}


@dataclass
class Doc:
    """A document and its facts, located by phrases of its text."""

    key: str
    text: str
    published: str | None
    kind: str
    title: str
    main: str | None = None
    story: str | None = None
    orgs: list[tuple[str, str]] = field(default_factory=list)  # (phrase, org name)
    categories: list[tuple[str, str]] = field(default_factory=list)  # (category, phrase)
    counts: list[tuple[str, float, str | None, float | None, str, str]] = field(
        default_factory=list
    )  # (phrase, value, qualifier, denominator, what, category)
    ratings: list[tuple[str, str, str | None, str, str | None, int | None]] = field(
        default_factory=list
    )  # (phrase, org, service, domain, previous, year)
    repeats: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return content_id(self.text)


DOCS = [
    Doc(
        "a",
        "Midwives at Russells Hall Hospital failed to escalate concerns. "
        "The Dudley Group NHS Foundation Trust said 3 babies died. "
        "The CQC rated maternity services at the trust inadequate in 2018.",
        "2018-03-01",
        "news",
        "Dudley midwives failed to escalate",
        main=DUDLEY,
        orgs=[("Russells Hall Hospital", RUSSELLS), ("The Dudley Group NHS", DUDLEY),
              ("CQC", CQC)],
        categories=[("escalation", "failed to escalate")],
        counts=[("3 babies", 3, None, None, "baby death", "death")],
        ratings=[("inadequate", DUDLEY, "maternity", "overall", None, 2018)],
    ),
    Doc(
        "b",
        "Inspectors found staff did not escalate deteriorating women. "
        "There were not enough midwives on shifts. "
        "The Dudley Group NHS Foundation Trust reported 12 serious incidents. "
        "Maternity services were rated requires improvement, up from inadequate.",
        "2019-07-12",
        "inspection_report",
        "Dudley maternity inspection",
        main=DUDLEY,
        story="dudley-2019",
        orgs=[("The Dudley Group NHS Foundation Trust", DUDLEY)],
        categories=[("escalation", "did not escalate"), ("staffing", "not enough midwives")],
        counts=[("12 serious incidents", 12, None, None, "serious incident", "incident")],
        ratings=[("requires improvement", DUDLEY, "maternity", "overall", "inadequate", 2019)],
    ),
    Doc(
        "c",
        "Staff at the Dudley Group did not escalate deteriorating women, inspectors said.",
        "2019-07-13",
        "news",
        "Dudley maternity services still failing",
        main=DUDLEY,
        story="dudley-2019",
        orgs=[("Dudley Group", DUDLEY)],
        categories=[("escalation", "did not escalate")],
    ),
    Doc(
        "d",
        "A baby died at the Queen Elizabeth the Queen Mother Hospital after delays in "
        "escalating his care. The trust may have had up to 15 baby deaths that could have been "
        "prevented. Consultants were disrespectful to midwives.",
        "2020-02-14",
        "news",
        "Investigation ordered into East Kent maternity",
        main=KENT,
        orgs=[("Queen Elizabeth the Queen Mother Hospital", QEQM)],
        categories=[("escalation", "delays in escalating"), ("culture", "disrespectful")],
        counts=[("up to 15 baby deaths", 15, "up to", None, "baby death", "death")],
    ),
    Doc(
        "e",
        "East Kent Hospitals University NHS Foundation Trust repeated the same failings again. "
        "Of 64 baby deaths, 45 might have had a different outcome. "
        "A culture of poor behaviour persisted. "
        "Maternity care at the trust was rated inadequate, down from requires improvement.",
        "2022-10-19",
        "inspection_report",
        "Reading the signals",
        main=KENT,
        orgs=[("East Kent Hospitals University NHS Foundation Trust", KENT)],
        categories=[("incident_learning", "the same failings"), ("culture", "poor behaviour")],
        counts=[
            ("64 baby deaths", 64, None, None, "baby death", "death"),
            ("45", 45, None, 64, "baby death", "death"),
        ],
        ratings=[("inadequate", KENT, "maternity", "overall", "requires improvement", 2022)],
        repeats=["the same failings again"],
    ),
    Doc(
        "f",
        "Nottingham University Hospitals NHS Trust had its maternity services rated inadequate "
        "in 2020. More than 1,700 families have raised concerns that were dismissed.",
        "2020-12-03",
        "news",
        "Nottingham maternity rated inadequate",
        main=NUH,
        orgs=[("Nottingham University Hospitals NHS Trust", NUH)],
        categories=[("patient_voice", "were dismissed")],
        counts=[("More than 1,700 families", 1700, "more than", None, "family", "case")],
        ratings=[("inadequate", NUH, "maternity", "overall", None, 2020)],
    ),
    Doc(
        "g",
        "Maternity services at Nottingham University Hospitals NHS Trust remain inadequate. "
        "The trust was rated good for caring. Families were not listened to.",
        "2023-11-01",
        "news",
        "Nottingham maternity still inadequate",
        main=NUH,
        orgs=[("Nottingham University Hospitals NHS Trust", NUH)],
        categories=[("patient_voice", "not listened to")],
        ratings=[
            ("inadequate", NUH, "maternity", "overall", None, 2023),
            ("good", NUH, None, "caring", None, 2023),
        ],
    ),
    Doc(
        "h",
        "Years of underfunding left services stretched. The government announced £2m for "
        "maternity.",
        None,
        "press_release",
        "Funding statement",
        categories=[("resourcing", "underfunding")],
        counts=[("£2m", 2_000_000, None, None, "pound", "money")],
    ),
]  # fmt: skip
BY_KEY = {doc.key: doc for doc in DOCS}


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def sentence(text: str, phrase: str) -> tuple[int, int]:
    """The sentence (up to and including its full stop) that holds `phrase`."""
    start, end = at(text, phrase)
    begin = text.rfind(". ", 0, start)
    begin = 0 if begin < 0 else begin + 2
    stop = text.find(".", end)
    return begin, len(text) if stop < 0 else stop + 1


def analysis(doc: Doc) -> Analysis:
    text = doc.text
    orgs = [
        OrgMention(*at(text, phrase), phrase, name, KINDS[name], CODES[name], PARENTS[name], "t")
        for phrase, name in doc.orgs
    ]
    themes, categories = [], []
    for category, phrase in doc.categories:
        s, e = sentence(text, phrase)
        cs, ce = at(text, phrase)
        themes.append(ThemeFact(s, e, category, False, "regulator", cs, ce, "t"))
        categories.append(
            {"category": category, "score": 0.9, "method": "rules", "start": s, "end": e}
        )
    counts = [
        CountFact(*at(text, phrase), value, qualifier, denominator, what, category, "t")
        for phrase, value, qualifier, denominator, what, category in doc.counts
    ]
    ratings = []
    for phrase, org, service, domain, previous, year in doc.ratings:
        s, e = sentence(text, phrase)
        ratings.append(
            RatingFact(*at(text, phrase), phrase, domain, service, previous, year, org, s, e, "t")
        )
    repeats = [RepeatSignal(*at(text, p), *sentence(text, p), "t") for p in doc.repeats]
    return Analysis(
        orgs=orgs,
        ratings=ratings,
        counts=counts,
        themes=themes,
        repeats=repeats,
        categories=categories,
        main_org=doc.main,
    )


def build_store(path: Path) -> None:
    db = open_store(path, create=True)
    with transaction(db):
        save_organisations(db, [{**org, "origin": "ods"} for org in ORGS])
        for doc in DOCS:
            save_documents(
                db,
                [
                    {
                        "id": doc.id,
                        "source": f"corpus/{doc.key}.txt",
                        "title": doc.title,
                        "published": doc.published,
                        "kind": doc.kind,
                        "text": doc.text,
                        "format": "text",
                        "n_chars": len(doc.text),
                        "metadata": {"key": doc.key},
                        "story_id": doc.story or doc.id,
                    }
                ],
            )
            save_analysis(db, doc.id, doc.text, analysis(doc))
    db.close()


@pytest.fixture
def store(db_path: Path) -> Path:
    """The hand-made store at the `cli` fixture's path."""
    build_store(db_path)
    return db_path


@pytest.fixture
def empty(db_path: Path) -> Path:
    open_store(db_path, create=True).close()
    return db_path


def as_json(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ident(key: str) -> str:
    return BY_KEY[key].id
