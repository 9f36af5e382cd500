"""The counts extractor (`trustwatch_counts`) on `spacy.blank("en")`.

Each family of docs/annotation.md ("Counts") is checked for the exact (value, qualifier,
denominator, what, category) rows *and* the exact span text; each family of numbers that are
not counts must yield nothing; the seed articles give their full list of counts.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest
from spacy.language import Language

import pipeline.extract.counts  # noqa: F401  (registers the factory)
from pipeline.errors import PatternError
from pipeline.extract import patterns_io
from pipeline.extract.nlp import build_nlp

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "data" / "seeds"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not present")

# (span text, value, qualifier, denominator, what, category)
Row = tuple[str, float, str | None, float | None, str, str]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp(["trustwatch_counts"])


def rows(nlp: Language, text: str) -> list[Row]:
    doc = nlp(text)
    return [
        (text[f.start : f.end], f.value, f.qualifier, f.denominator, f.what, f.category)
        for f in doc._.tw_counts
    ]


def check(nlp: Language, text: str, expected: Sequence[Row]) -> None:
    assert rows(nlp, text) == expected


NUMERALS = [
    (
        "The trust reported 43 serious incidents last year.",
        [("43 serious incidents", 43, None, None, "serious incident", "incident")],
    ),
    (
        "In total 1,486 patients were recalled.",
        [("1,486 patients", 1486, None, None, "patient", "other")],
    ),
    (
        "Compliance was 92.8 per cent in March.",
        [("92.8 per cent", 92.8, None, None, "percent", "percentage")],
    ),
    (
        "Another 12 midwives were recruited.",
        [("12 midwives", 12, None, None, "midwife", "staff")],
    ),
]

NUMBER_WORDS = [
    (
        "Inspectors found six midwives on duty.",
        [("six midwives", 6, None, None, "midwife", "staff")],
    ),
    (
        "There were twenty-one stillbirths.",
        [("twenty-one stillbirths", 21, None, None, "stillbirth", "death")],
    ),
    (
        "The trust employs two hundred and fifty nurses.",
        [("two hundred and fifty nurses", 250, None, None, "nurse", "staff")],
    ),
    (
        "A dozen families have complained.",
        [("A dozen families", 12, None, None, "family", "other")],
    ),
    (
        "Half a dozen midwives left.",
        [("Half a dozen midwives", 6, None, None, "midwife", "staff")],
    ),
    (
        "The unit recruited four new obstetrician/gynaecology consultants.",
        [
            (
                "four new obstetrician/gynaecology consultants",
                4,
                None,
                None,
                "consultant",
                "staff",
            )
        ],
    ),
    (
        "There was one baby death in 2015.",
        [("one baby death", 1, None, None, "baby death", "death")],
    ),
    ("Four MPs wrote to the trust.", [("Four MPs", 4, None, None, "mp", "other")]),
    (
        "All four Black Country MPs have been keeping a close eye on the trust.",
        [("four Black Country MPs", 4, None, None, "mp", "other")],
    ),
    (
        "That evening 19 WMAS ambulances queued between the two NHS Trusts.",
        [
            ("19 WMAS ambulances", 19, None, None, "ambulance", "other"),
            ("two NHS Trusts", 2, None, None, "trust", "other"),
        ],
    ),
    (
        "The report sets out 15 immediate and essential actions.",
        [("15 immediate and essential actions", 15, None, None, "action", "other")],
    ),
    (
        "Evidence came from more than 5,000 nursing staff and two other members of staff.",
        [
            ("more than 5,000 nursing staff", 5000, "more than", None, "nursing staff", "staff"),
            ("two other members of staff", 2, None, None, "member of staff", "staff"),
        ],
    ),
]

PARTS = [
    (
        "Reviewers found that 97 of the 202 cases were avoidable.",
        [("97 of the 202 cases", 97, None, 202, "case", "case")],
    ),
    (
        "The outcomes in almost half (97) of the 202 cases reviewed would have been different.",
        [("almost half (97) of the 202 cases", 97, None, 202, "case", "case")],
    ),
    (
        "Many of the deaths (45 of 64) could have been avoided.",
        [("deaths (45 of 64)", 45, None, 64, "death", "death")],
    ),
    (
        "Most of the maternal deaths and injuries (23 of 32) were avoidable.",
        [
            (
                "maternal deaths and injuries (23 of 32)",
                23,
                None,
                32,
                "maternal death and injury",
                "harm",
            )
        ],
    ),
    (
        "Care would have prevented the outcome in 11 of the babies' deaths.",
        [("11 of the babies' deaths", 11, None, None, "death", "death")],
    ),
    (
        "The clinical hub had only 9 of its planned 16 clinicians on duty.",
        [("9 of its planned 16 clinicians", 9, None, 16, "clinician", "staff")],
    ),
    (
        "In three out of four trusts the service was unsafe.",
        [("three out of four trusts", 3, None, 4, "trust", "other")],
    ),
    (
        "Nationally one in five women were affected.",
        [("one in five women", 1, None, 5, "woman", "other")],
    ),
    (
        "The board reviewed 25 of the cases - 19 of which related to newborn babies.",
        [
            ("25 of the cases", 25, None, None, "case", "case"),
            ("19 of which", 19, None, None, "case", "case"),
        ],
    ),
    (
        "There were 36 collisions within 50 metres, 17 of which involved pedestrians.",
        [
            ("36 collisions", 36, None, None, "collision", "other"),
            ("50 metres", 50, None, None, "metre", "other"),
            ("17 of which", 17, None, None, "collision", "other"),
        ],
    ),
    (
        "The trust said 83.7 of patients were seen within 15 minutes.",
        [
            ("83.7", 83.7, None, None, "percent", "percentage"),
            ("15 minutes", 15, None, None, "minute", "duration"),
        ],
    ),
]

QUALIFIERS = [
    ("at least 56 babies", "at least"),
    ("no fewer than 56 babies", "at least"),
    ("more than 56 babies", "more than"),
    ("over 56 babies", "more than"),
    ("in excess of 56 babies", "more than"),
    ("fewer than 56 babies", "fewer than"),
    ("less than 56 babies", "fewer than"),
    ("under 56 babies", "fewer than"),
    ("up to 56 babies", "up to"),
    ("around 56 babies", "about"),
    ("about 56 babies", "about"),
    ("almost 56 babies", "about"),
    ("nearly 56 babies", "about"),
    ("approximately 56 babies", "about"),
    ("some 56 babies", "about"),
]

MONEY = [
    ("The trust was fined £1.6 million.", [("£1.6 million", 1_600_000)]),
    ("It paid £800,000 in damages.", [("£800,000", 800_000)]),
    ("It paid £1.6m in damages.", [("£1.6m", 1_600_000)]),
    ("Maternity claims cost £2bn a year.", [("£2bn", 2_000_000_000)]),
    ("A £500k fund was set up.", [("£500k", 500_000)]),
    ("The trust was fined £1.6m.", [("£1.6m", 1_600_000)]),
]

PERCENTAGES = [
    ("Uptake was 96% last year.", [("96%", 96.0)]),
    ("Uptake was 96 percent last year.", [("96 percent", 96.0)]),
    ("Uptake was 96 per cent last year.", [("96 per cent", 96.0)]),
]

DURATIONS = [
    (
        "Meantime to administer antibiotics is now 38 minutes.",
        [("38 minutes", 38, None, None, "minute", "duration")],
    ),
    (
        "The hospital has now had over 18 months to put itself right.",
        [("over 18 months", 18, "more than", None, "month", "duration")],
    ),
    (
        "She waited three hours for an ambulance.",
        [("three hours", 3, None, None, "hour", "duration")],
    ),
    ("He died two days later.", [("two days", 2, None, None, "day", "duration")]),
    (
        "The letter was sent on 27 November, two weeks after discharge.",
        [("two weeks", 2, None, None, "week", "duration")],
    ),
    (
        "A six-month review was ordered.",
        [("six-month", 6, None, None, "month", "duration")],
    ),
    (
        "More than 100 hours of ambulance time were lost.",
        [("More than 100 hours", 100, "more than", None, "hour", "duration")],
    ),
    (
        "The Category 3 120-minute response was overridden.",
        [("120-minute", 120, None, None, "minute", "duration")],
    ),
    (
        "It was rated by the Care Quality Commission, nine years after the merger.",
        [("nine years", 9, None, None, "year", "duration")],
    ),
    (
        "He had been seen three times that week.",
        [("three times", 3, None, None, "time", "other")],
    ),
    (
        "The ambulance arrived 5 hours and 19 minutes after the call.",
        [
            ("5 hours", 5, None, None, "hour", "duration"),
            ("19 minutes", 19, None, None, "minute", "duration"),
        ],
    ),
]

RANGES = [
    (
        "There were between 10 and 15 babies on the unit.",
        [
            ("between 10 and 15 babies", 10, None, None, "baby", "other"),
            ("15 babies", 15, None, None, "baby", "other"),
        ],
    ),
    (
        "There were 10-15 babies on the unit.",
        [
            ("10-15 babies", 10, None, None, "baby", "other"),
            ("15 babies", 15, None, None, "baby", "other"),
        ],
    ),
    (
        "The wait was about 10 to 15 minutes.",
        [
            ("about 10 to 15 minutes", 10, "about", None, "minute", "duration"),
            ("15 minutes", 15, "about", None, "minute", "duration"),
        ],
    ),
    (
        "The rota rose from 10 to 15 midwives.",
        [
            ("10 to 15 midwives", 10, None, None, "midwife", "staff"),
            ("15 midwives", 15, None, None, "midwife", "staff"),
        ],
    ),
    (
        'She had lost "2 or 3 coffee cups" of blood.',
        [
            ("2 or 3 coffee cups", 2, None, None, "cup", "other"),
            ("3 coffee cups", 3, None, None, "cup", "other"),
        ],
    ),
]

WHAT = [
    (
        "Concerns about 43 cases reported as serious incidents were raised.",
        [
            (
                "43 cases reported as serious incidents",
                43,
                None,
                None,
                "serious incident",
                "incident",
            )
        ],
    ),
    (
        "There were at least 56 cases of stillbirths or neonatal deaths.",
        [
            (
                "at least 56 cases of stillbirths or neonatal deaths",
                56,
                "at least",
                None,
                "stillbirth or neonatal death",
                "death",
            )
        ],
    ),
    (
        "There were two maternity deaths.",
        [("two maternity deaths", 2, None, None, "maternal death", "death")],
    ),
    (
        "The report found five cases of avoidable harm.",
        [("five cases of avoidable harm", 5, None, None, "avoidable harm", "harm")],
    ),
    (
        "There were two brain injuries.",
        [("two brain injuries", 2, None, None, "brain injury", "harm")],
    ),
    (
        "The report found six cases relating to the care of mothers.",
        [("six cases", 6, None, None, "case", "case")],
    ),
    (
        "The unit hired 12 more midwives.",
        [("12 more midwives", 12, None, None, "midwife", "staff")],
    ),
    (
        "The officer saw one temporary 30 mph sign.",
        [("30 mph", 30, None, None, "mile per hour", "other")],
    ),
    (
        "The review made 14 recommendations.",
        [("14 recommendations", 14, None, None, "recommendation", "other")],
    ),
]

NOT_COUNTS = [
    # dates and years
    "The report was published on 12 July 2019.",
    "In a report, published on July 12, inspectors said more.",
    "Figures for (4th – 10th July 2019) were worse.",
    "Data for 2014/15 show a rise.",
    "The trust was rated inadequate in 2017.",
    "There has been a steady improvement since 2016/17.",
    "The inspection took place between 15 January and 31 January 2019.",
    "The 2022 report on maternity services was damning.",
    "Concerns between April 2014 and December 2015 were reviewed.",
    # ages
    "The mother, aged 34, died.",
    "A 34-year-old woman died.",
    "She was 34 years old when she died.",
    "Screening stops at age 80 for most women.",
    "Her baby was born at 38 weeks gestation.",
    "An inquest into the death of Joanna Bowring, 32 years, was opened.",
    "Planned 6 monthly audits had not taken place.",
    # times of day
    "She was seen at 3.15am by a doctor.",
    "The call came at 14:30 from the ward.",
    "The ambulance arrived at 9pm that night.",
    "At 23.00 hours nurses called for help.",
    "At 19.30 staff spoke to the family.",
    # ordinals
    "It was the fourth inspection this year.",
    "The 4th inspection found the same problems.",
    # phone numbers
    "Call 0800 123 4567 for help.",
    "Ring 01234 567890 for advice.",
    # bare numbers and numbers inside names, codes, references
    "The score was 12.",
    "Figure 3 shows the trend.",
    "The CQC issued a Section 29A warning notice.",
    "Covid-19 pressures were blamed.",
    "Regulation 12 was breached by the trust.",
    "See paragraph 4 of the report.",
    "Reports under Regulations 28 and 29 were sent.",
    "The PFD report ref 2024-0123 was published.",
    "We have increased monitoring 24/7 of our inpatients.",
    "The trust missed the A&E 4-hour target again.",
    "NHS 111 calls rose sharply.",
    "Dial 999 in an emergency.",
    "The Grade 2 response was too slow.",
    "She lived at 17 Lytchfeld Lane in Gateshead.",
    "The software was updated to version 2.3.1 last week.",
    # "one" as a pronoun, fractions, multipliers, numbers without a value
    "One of the trusts was fined.",
    "No one was told about the death.",
    "Trusts subscribe to one known as the Zero Suicide Alliance.",
    "Two thirds of patients waited too long.",
    "Babies were three times more likely to die.",
    "The baby died at 4 days of age.",
    "He was found at 32 minutes past midnight.",
    "Dozens of families have complained.",
    "Hundreds of families have complained.",
    # times of day, dates and names found in real reports
    "An accurate diagnosis was made at 12 midday and arrangements were made.",
    "He was seen at 12 noon and at midnight.",
    "The sergeant came on duty at 21 :30 hours.",
    "Between 12–15 March 2023 he had contacts with the surgery.",
    "In 2019–2020 there were changes.",
    "He was seen at 1pm and at 4th and 1a Hanging 1b 1c.",
    "The mother of one of the patients gave evidence.",
]


# Found by reviewing the extractor's output on unlabelled coroners' reports.
REAL_REPORTS = [
    (
        "Such locations are defined as having 3 or more suicides in 12 months.",
        [
            ("3 or more suicides", 3, "at least", None, "suicide", "death"),
            ("12 months", 12, None, None, "month", "duration"),
        ],
    ),
    ("He had worked 40+ hours.", [("40+ hours", 40, "more than", None, "hour", "duration")]),
    (
        "Of the 10 ambulances, 8 were unavailable.",
        [("Of the 10 ambulances, 8", 8, None, 10, "ambulance", "other")],
    ),
    (
        "Of the 12 serious incidents reported in 2019, almost 7 were missed.",
        [
            (
                "Of the 12 serious incidents reported in 2019, almost 7",
                7,
                "about",
                12,
                "serious incident",
                "incident",
            )
        ],
    ),
    (
        "The wait was between 12–15 weeks.",
        [
            ("12–15 weeks", 12, None, None, "week", "duration"),
            ("15 weeks", 15, None, None, "week", "duration"),
        ],
    ),
    (
        "There were about 12–15 babies.",
        [
            ("about 12–15 babies", 12, "about", None, "baby", "other"),
            ("15 babies", 15, "about", None, "baby", "other"),
        ],
    ),
    (
        "The wait was now between 2 -3 years in both.",
        [
            ("2 -3 years", 2, None, None, "year", "duration"),
            ("3 years", 3, None, None, "year", "duration"),
        ],
    ),
    (
        "Abigail was a 34-year-old mother of two who suffered a crisis.",
        [("two", 2, None, None, "child", "other")],
    ),
    ("He was a father of two.", [("two", 2, None, None, "child", "other")]),
    ("He was a father of 3 children.", [("3 children", 3, None, None, "child", "other")]),
    (
        "The ambulance took 1hr 19 minutes to arrive.",
        [
            ("1hr", 1, None, None, "hour", "duration"),
            ("19 minutes", 19, None, None, "minute", "duration"),
        ],
    ),
    (
        "She had lost 10kgs and was given 5ml of 1.2grams.",
        [
            ("10kgs", 10, None, None, "kilogram", "other"),
            ("5ml", 5, None, None, "millilitre", "other"),
            ("1.2grams", 1.2, None, None, "gram", "other"),
        ],
    ),
    ("He was short of 30m from the junction.", [("30m", 30, None, None, "metre", "other")]),
    (
        "He advised that in his 24 years’ service he had seen it.",
        [("24 years", 24, None, None, "year", "duration")],
    ),
    (
        "You had prescribed four weeks' worth of tablets.",
        [("four weeks", 4, None, None, "week", "duration")],
    ),
    (
        "He said so. One witness gave the example.",
        [("One witness", 1, None, None, "witness", "other")],
    ),
    (
        "It would involve one invasive procedure rather than two.",
        [("one invasive procedure", 1, None, None, "procedure", "other")],
    ),
    (
        "There was one Registered Mental Nurse on duty.",
        [("one Registered Mental Nurse", 1, None, None, "nurse", "staff")],
    ),
    (
        "In the inquest two supervising prison officers gave evidence.",
        [("two supervising prison officers", 2, None, None, "officer", "staff")],
    ),
    (
        "Her son was accompanied by 2 Officers and their meeting was closed.",
        [("2 Officers", 2, None, None, "officer", "staff")],
    ),
    (
        "It should be implemented within the other 42 Police Forces in England.",
        [("42 Police Forces", 42, None, None, "police force", "other")],
    ),
]


@pytest.mark.parametrize(
    "text,expected",
    NUMERALS + NUMBER_WORDS + PARTS + DURATIONS + RANGES + WHAT + REAL_REPORTS,
)
def test_count_families(nlp: Language, text: str, expected: list[Row]) -> None:
    check(nlp, text, expected)


@pytest.mark.parametrize("phrase,qualifier", QUALIFIERS)
def test_qualifiers(nlp: Language, phrase: str, qualifier: str) -> None:
    check(
        nlp, f"There were {phrase} on the unit.", [(phrase, 56, qualifier, None, "baby", "other")]
    )


def test_about_after_a_noun_is_a_preposition(nlp: Language) -> None:
    check(
        nlp,
        "NHS England raised concerns about 43 cases at the hospital.",
        [("43 cases", 43, None, None, "case", "case")],
    )


def test_qualifier_before_money(nlp: Language) -> None:
    check(
        nlp,
        "The trust paid more than £1m.",
        [("more than £1m", 1_000_000, "more than", None, "pound", "money")],
    )


@pytest.mark.parametrize("text,expected", MONEY)
def test_money(nlp: Language, text: str, expected: list[tuple[str, float]]) -> None:
    check(nlp, text, [(span, value, None, None, "pound", "money") for span, value in expected])


def test_money_in_words(nlp: Language) -> None:
    check(
        nlp,
        "The fund is worth 1.5 million pounds.",
        [("1.5 million pounds", 1_500_000, None, None, "pound", "money")],
    )


@pytest.mark.parametrize("text,expected", PERCENTAGES)
def test_percentages(nlp: Language, text: str, expected: list[tuple[str, float]]) -> None:
    expect = [(span, value, None, None, "percent", "percentage") for span, value in expected]
    check(nlp, text, expect)


@pytest.mark.parametrize("text", NOT_COUNTS)
def test_not_counts(nlp: Language, text: str) -> None:
    assert rows(nlp, text) == []


def test_offsets_are_into_the_document_text(nlp: Language) -> None:
    text = "Line one.\n\nThe trust reported  43 serious incidents and £1.6m in fines."
    doc = nlp(text)
    assert [text[f.start : f.end] for f in doc._.tw_counts] == [
        "43 serious incidents",
        "£1.6m",
    ]
    assert all(f.rule for f in doc._.tw_counts)


def test_empty_and_numberless_documents(nlp: Language) -> None:
    assert nlp("")._.tw_counts == []
    assert nlp("No numbers here at all.")._.tw_counts == []


# -- seeds ----------------------------------------------------------------------------------

SEED_COUNTS: dict[str, list[Row]] = {
    "000": [
        ("43 cases reported as serious incidents", 43, None, None, "serious incident", "incident"),
        ("25 of the cases", 25, None, None, "case", "case"),
        ("19 of which", 19, None, None, "case", "case"),
        ("six cases", 6, None, None, "case", "case"),
        ("five cases", 5, None, None, "case", "case"),
        ("one baby death", 1, None, None, "baby death", "death"),
        ("12 midwives", 12, None, None, "midwife", "staff"),
        ("four new obstetrician/gynaecology consultants", 4, None, None, "consultant", "staff"),
    ],
    "001": [
        (
            "at least 56 cases of stillbirths or neonatal deaths",
            56,
            "at least",
            None,
            "stillbirth or neonatal death",
            "death",
        ),
        ("two maternity deaths", 2, None, None, "maternal death", "death"),
        ("£1.6 million", 1_600_000, None, None, "pound", "money"),
    ],
    "002": [
        ("four Black Country MPs", 4, None, None, "mp", "other"),
        ("over 18 months", 18, "more than", None, "month", "duration"),
        ("18 months", 18, None, None, "month", "duration"),
        ("83.7", 83.7, None, None, "percent", "percentage"),
        ("15 minutes", 15, None, None, "minute", "duration"),
    ],
    "003": [
        ("almost half (97) of the 202 cases", 97, None, 202, "case", "case"),
        ("deaths (45 of 64)", 45, None, 64, "death", "death"),
        ("brain injuries (12 of 17)", 12, None, 17, "brain injury", "harm"),
        (
            "maternal deaths and injuries (23 of 32)",
            23,
            None,
            32,
            "maternal death and injury",
            "harm",
        ),
    ],
    "004": [
        ("two years", 2, None, None, "year", "duration"),
        ("92.8 per cent", 92.8, None, None, "percent", "percentage"),
        ("38 minutes", 38, None, None, "minute", "duration"),
        ("83.7", 83.7, None, None, "percent", "percentage"),
        ("15 minutes", 15, None, None, "minute", "duration"),
    ],
}

SEED_NOT_COUNTS = {
    "000": ["April 2014", "December 2015", "2015"],
    "002": ["July 12", "2017", "24/7", "4th"],
    "003": ["2022;379:02755", "2022 report"],
    "004": ["15 January", "5th July 2019", "2016/17", "24/7", "July 12", "2017"],
}


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@needs_shared
@pytest.mark.shared
@pytest.mark.parametrize("prefix", sorted(SEED_COUNTS))
def test_seed_counts(nlp: Language, prefix: str) -> None:
    text = seed_text(prefix)
    found = rows(nlp, text)
    assert found == SEED_COUNTS[prefix]
    for phrase in SEED_NOT_COUNTS.get(prefix, []):
        assert phrase in text
        assert not any(phrase in span or span in phrase for span, *_ in found), phrase


# -- malformed rules ------------------------------------------------------------------------

BAD_RULES = [
    ("counts.jsonl", "{not json", "not valid JSON"),
    ("counts.jsonl", '{"id": "x-1", "pattern": "over"}', "needs 'family'"),
    ("counts.jsonl", '{"id": "x-2", "family": "nonsense", "pattern": "over"}', "family="),
    (
        "counts.jsonl",
        '{"id": "x-3", "family": "qualifier", "pattern": "loads", "qualifier": "lots"}',
        "qualifier=",
    ),
    (
        "counts.jsonl",
        '{"id": "x-4", "family": "anchor", "kind": "number", "pattern": [{"POS": "NUM"}]}',
        "unsupported",
    ),
    ("counts.jsonl", '{"id": "anchor-number", "family": "modifier", "pattern": "x"}', "dupl"),
    ("count_nouns.jsonl", '{"id": "noun-x", "pattern": "widget"}', "needs 'category'"),
    (
        "counts.jsonl",
        '{"id": "x-5", "family": "qualifier_after", "pattern": "or so", "qualifier": "lots"}',
        "qualifier=",
    ),
    ("counts.jsonl", '{"id": "x-6", "family": "parent_of", "pattern": "aunt of"}', "needs 'what'"),
    (
        "counts.jsonl",
        '{"id": "x-7", "family": "parent_of", "pattern": "aunt of", "what": "niece", '
        '"category": "family"}',
        "category",
    ),
    (
        "count_units.jsonl",
        '{"id": "unit-x", "pattern": "furlong", "category": "distance"}',
        "category=",
    ),
    (
        "count_nouns.jsonl",
        '{"id": "noun-y", "pattern": "ox", "category": "other", "plural": ["oxen"]}',
        "'plural' must be",
    ),
]


@pytest.mark.parametrize("filename,line,message", BAD_RULES)
def test_malformed_rule_raises_pattern_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filename: str, line: str, message: str
) -> None:
    source = resources.files(patterns_io.PACKAGE)
    for name in ("counts.jsonl", "count_nouns.jsonl", "count_units.jsonl"):
        with resources.as_file(source.joinpath(name)) as path:
            shutil.copy(path, tmp_path / name)
    with (tmp_path / filename).open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    monkeypatch.setattr(patterns_io, "resources", SimpleNamespace(files=lambda _pkg: tmp_path))
    with pytest.raises(PatternError, match=message) as info:
        build_nlp(["trustwatch_counts"])
    assert filename in str(info.value)
