"""Attribution of categories to organisations, and what counts as recurring."""

from __future__ import annotations

import pytest

from pipeline.analyse import Analysis, save_analysis
from pipeline.classify.attribution import attribute, rule_categories
from pipeline.classify.recurrence import recurring
from pipeline.documents import Document
from pipeline.errors import UsageError
from pipeline.extract.facts import OrgMention, RepeatSignal, ThemeFact
from pipeline.ingest import document_row
from pipeline.store import open_store, transaction

DUDLEY = "The Dudley Group NHS Foundation Trust"
KENT = "East Kent Hospitals University NHS Foundation Trust"


def mention(name, start, kind="trust", parent=None):
    return OrgMention(start, start + 5, name, name, kind, None, parent, "test")


def theme(category, start, end, negated=False):
    return ThemeFact(start, end, category, negated, "regulator", start, start + 3, "t")


def category(key, start, end, method="model"):
    return {"category": key, "score": 0.9, "method": method, "start": start, "end": end}


def test_rule_categories_take_first_non_negated_evidence():
    themes = [theme("staffing", 0, 10, negated=True), theme("staffing", 20, 30),
              theme("staffing", 40, 50), theme("culture", 60, 70)]  # fmt: skip
    assert rule_categories(themes) == [
        {"category": "staffing", "score": 1.0, "method": "rules", "start": 20, "end": 30},
        {"category": "culture", "score": 1.0, "method": "rules", "start": 60, "end": 70},
    ]


def test_attribution_to_main_org_sentence_orgs_and_parent_trusts():
    orgs = [
        mention(DUDLEY, 0),
        mention("Russells Hall Hospital", 105, kind="hospital", parent=DUDLEY),
        mention("Care Quality Commission", 110, kind="regulator"),
        mention(KENT, 210),
    ]
    rows = attribute(
        orgs,
        DUDLEY,
        [category("staffing", 100, 150), category("culture", 200, 260, "rules")],
        [theme("culture", 200, 260), theme("monitoring", 300, 320)],
    )
    assert sorted((r["organisation"], r["category"], r["start"]) for r in rows) == [
        (KENT, "culture", 200),
        (DUDLEY, "culture", 200),
        (DUDLEY, "staffing", 100),
    ]


def add_doc(db, text, published, story=None, categories=(), orgs=(), repeats=(), main=None):
    doc = Document(text=text, source=text[:10], format="text", published=published)
    analysis = Analysis(
        orgs=list(orgs), categories=list(categories), repeats=list(repeats), main_org=main
    )
    with transaction(db):
        db.table("documents").insert(document_row(doc, story or doc.id, "v"))
        save_analysis(db, doc.id, text, analysis)
    return doc.id


@pytest.fixture
def db(tmp_path):
    store = open_store(tmp_path / "r.db", create=True)
    text = "x" * 400
    add_doc(
        store,
        text + "1",
        "2017-03-01",
        categories=[category("staffing", 0, 50)],
        orgs=[mention(DUDLEY, 0)],
        main=DUDLEY,
    )
    add_doc(
        store,
        text + "2",
        "2019-07-12",
        categories=[category("staffing", 0, 50), category("leadership", 60, 90)],
        orgs=[mention(DUDLEY, 0)],
        main=DUDLEY,
    )
    add_doc(
        store,
        text + "3",
        "2020-01-01",
        story="copy",
        categories=[category("leadership", 60, 90)],
        orgs=[mention(DUDLEY, 0)],
        main=DUDLEY,
    )
    add_doc(
        store,
        text + "4",
        "2020-01-02",
        story="copy",
        categories=[category("leadership", 60, 90)],
        orgs=[mention(DUDLEY, 0)],
        main=DUDLEY,
    )
    add_doc(
        store,
        text + "5",
        "2022-10-19",
        categories=[category("culture", 0, 40)],
        orgs=[mention(KENT, 0)],
        main=KENT,
        repeats=[RepeatSignal(10, 20, 0, 40, "same-failings")],
    )
    add_doc(
        store,
        text + "6",
        "2022-10-20",
        categories=[category("medication", 0, 40)],
        orgs=[mention(KENT, 0)],
        main=KENT,
    )
    return store  # fmt: skip


def test_recurring_by_dates_or_signal_counting_copies_once(db):
    got = [
        (r["organisation"], r["category"], r["n_documents"], r["n_dates"], r["first_date"],
         r["last_date"], r["repeat_signalled"])
        for r in recurring(db)
    ]  # fmt: skip
    assert got == [
        (DUDLEY, "leadership", 2, 2, "2019-07-12", "2020-01-01", 0),
        (DUDLEY, "staffing", 2, 2, "2017-03-01", "2019-07-12", 0),
        (KENT, "culture", 1, 1, "2022-10-19", "2022-10-19", 1),
    ]


def test_recurring_filters(db):
    dudley_id = db.execute("SELECT id FROM organisations WHERE name = ?", [DUDLEY]).fetchone()[0]
    assert [r["category"] for r in recurring(db, org_id=dudley_id)] == ["leadership", "staffing"]
    assert [r["category"] for r in recurring(db, category="culture")] == ["culture"]
    assert [r["category"] for r in recurring(db, min_documents=2)] == ["leadership", "staffing"]
    assert [r["category"] for r in recurring(db, since="2019-01-01")] == ["leadership", "culture"]
    with pytest.raises(UsageError, match="unknown category 'bogus'; valid categories: escalation"):
        recurring(db, category="bogus")


def test_export_recurring_view_matches(db):
    rows = db.execute("SELECT organisation, category, n_documents FROM recurring ORDER BY 1, 2")
    assert rows.fetchall() == [
        (KENT, "culture", 1),
        (DUDLEY, "leadership", 2),
        (DUDLEY, "staffing", 2),
    ]


def test_unfiltered_result_is_cached_and_rebuilt_when_data_changes(db):
    first = recurring(db)
    assert db.execute("SELECT count(*) FROM recurring_cache").fetchone()[0] == len(first)
    assert recurring(db) == first
    add_doc(
        db,
        "y" * 400,
        "2023-05-05",
        categories=[category("medication", 0, 40)],
        orgs=[mention(KENT, 0)],
        main=KENT,
    )
    assert [(r["organisation"], r["category"]) for r in recurring(db, min_documents=2)] == [
        (KENT, "medication"),
        (DUDLEY, "leadership"),
        (DUDLEY, "staffing"),
    ]
