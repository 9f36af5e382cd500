"""`trustwatch_themes`: failure categories per sentence, with denial, praise, reassurance and
speaker handled by context; rule files validated on load; the seed articles."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from pipeline.classify.taxonomy import KEYS
from pipeline.errors import PatternError
from pipeline.extract import patterns_io
from pipeline.extract.nlp import build_nlp

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "data" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared is not present")


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["trustwatch_themes"])


def found(nlp, text: str) -> set[tuple[str, bool, str]]:
    """(category, negated, speaker) of every fact in `text`."""
    return {(f.category, f.negated, f.speaker) for f in nlp(text)._.tw_themes}


# One or two ordinary phrasings per category, none taken from the labelled sets.
PHRASINGS = [
    ("Inspectors found delays in escalating concerns to a consultant.", "escalation", "regulator"),
    ("The midwife failed to recognise the deterioration in her condition.", "escalation", "other"),
    ("Her early warning score was 7 but this was not escalated.", "escalation", "other"),
    ("Sepsis was not treated in a timely way.", "escalation", "other"),
    ("The registrar was slow to respond when the alarm was raised.", "escalation", "other"),
    ("The CTG was misinterpreted by the midwife.", "monitoring", "other"),
    ("Observations were not recorded for six hours.", "monitoring", "other"),
    ("She was given the wrong dose of insulin.", "medication", "other"),
    ("Medicines were not stored safely on the ward.", "medication", "other"),
    ("There was a shortage of midwives on the labour ward.", "staffing", "other"),
    ("There was a lack of senior paediatric support at the birth.", "staffing", "other"),
    ("The ward had two registered nurses for 28 patients that night.", "staffing", "other"),
    ("Staff had not completed mandatory training in fetal monitoring.", "training", "other"),
    ("There was a lack of awareness of the safeguarding policy.", "training", "other"),
    ("There was insufficient oversight from the board.", "leadership", "other"),
    ("The review found weak governance and poor risk management.", "leadership", "regulator"),
    ("Bullying and harassment of junior doctors were widespread.", "culture", "other"),
    ("Consultants showed unprofessional behaviour towards midwives.", "culture", "other"),
    ("The trust's investigations into serious incidents were inadequate.", "incident_learning",
     "other"),
    ("Lessons are not being learned from previous deaths.", "incident_learning", "other"),
    ("The emergency department was too small to meet demand.", "facilities", "other"),
    ("Patients were cared for in corridors for many hours.", "facilities", "other"),
    ("Families said they were not listened to by staff.", "patient_voice", "patient/family"),
    ("Her concerns were dismissed by the midwives.", "patient_voice", "other"),
    ("Black women are four times more likely to die in childbirth than white women.",
     "inequalities", "other"),
    ("The report highlighted structural racism and unconscious bias.", "inequalities",
     "regulator"),
    ("Years of underfunding have left services unable to cope.", "resourcing", "other"),
    ("Demand is rising amid reduced resources.", "resourcing", "other"),
    ("Patients are waiting longer for A&E treatment.", "access_delays", "other"),
    ("There were delays in triage for women arriving in labour.", "access_delays", "other"),
    ("There was a poor handover between the day and night teams.", "communication", "other"),
    ("Information was not shared between the GP and the hospital.", "communication", "other"),
    ("Care had not been provided to nationally agreed standards.", "policy_procedure", "other"),
    ("No risk assessment was completed before she was discharged.", "policy_procedure", "other"),
    ("The sepsis policy was not followed.", "policy_procedure", "other"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "category", "speaker"), PHRASINGS)
def test_each_category_has_phrasings(nlp, text, category, speaker):
    assert (category, False, speaker) in found(nlp, text)


def test_phrasings_cover_every_category():
    assert {category for _, category, _ in PHRASINGS} == set(KEYS)


def test_fact_spans_the_evidence_sentence_and_names_the_cue(nlp):
    text = "The unit opened in 2010.\nThere was a shortage of midwives at night.  "
    doc = nlp(text)
    [fact] = doc._.tw_themes
    assert text[fact.start : fact.end] == "There was a shortage of midwives at night."
    assert text[fact.cue_start : fact.cue_end] == "shortage of midwives"
    assert fact.rule == "stf.shortage-of"


def test_one_fact_per_sentence_and_category(nlp):
    doc = nlp("Staff were not trained and there was no training on the new pumps.")
    assert [f.category for f in doc._.tw_themes] == ["training"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inspectors found no concerns about staffing levels on the ward.",
         ("staffing", True, "regulator")),
        ("The coroner did not find evidence that the CTG had been misinterpreted.",
         ("monitoring", True, "regulator")),
        ("There was no delay in triage.", ("access_delays", True, "other")),
        ("The delay in triage was not a factor in her death.", ("access_delays", True, "other")),
        ("Her death was not related to staffing shortages.", ("staffing", True, "other")),
        ("There is no evidence that staff had not completed their training.",
         ("training", True, "other")),
        ("Consultant cover was adequate and there were no staffing concerns.",
         ("staffing", True, "other")),
    ],
)  # fmt: skip
def test_denials_are_kept_as_negated(nlp, text, expected):
    assert found(nlp, text) == {expected}


def test_a_finding_beats_a_denial_of_the_same_category(nlp):
    text = "There was no delay in triage, but there were long waits for a bed."
    assert found(nlp, text) == {("access_delays", False, "other")}


def test_negation_does_not_reach_past_but(nlp):
    text = (
        "The coroner found that there was no delay in calling an ambulance, "
        "but the handover was poor."
    )
    assert found(nlp, text) == {
        ("escalation", True, "regulator"),
        ("communication", False, "regulator"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "Staff escalated promptly and treated people with kindness.",
        "Monitoring was appropriate throughout her labour.",
        "Observations were recorded every hour as required.",
        "The trust will recruit 20 more midwives next year.",
    ],
)
def test_praise_and_plans_are_not_failures(nlp, text):
    assert found(nlp, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        '"We are confident our maternity services are safe," a spokesperson said.',
        "The trust said it was confident that services were safe despite staffing pressures.",
    ],
)
def test_reassurance_is_not_a_finding(nlp, text):
    assert found(nlp, text) == set()


def test_negated_reassurance_is_a_finding_in_the_regulators_voice(nlp):
    text = "We were not assured that patients waiting in corridors were safe."
    assert ("facilities", False, "regulator") in found(nlp, text)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Inspectors said observations were not recorded.", "regulator"),
        ("The trust's chief executive said there had been a shortage of midwives.", "provider"),
        ("Her mother said staff had not listened to her concerns.", "patient/family"),
        ("The MP said years of underfunding had left the hospital struggling.", "politician"),
        ("I am concerned that there was no risk assessment.", "regulator"),
        ("According to the review, handover between teams was poor.", "regulator"),
    ],
)
def test_speaker_from_attribution_in_the_sentence(nlp, text, speaker):
    assert {s for _, _, s in found(nlp, text)} == {speaker}


def test_speaker_of_a_quotation_continued_over_paragraphs(nlp):
    text = (
        'Professor Jane Smith, the chief inspector, said: "Staff had not completed their '
        "mandatory training.\n\n"
        '"There was also a shortage of midwives on the unit."'
    )
    assert found(nlp, text) == {("training", False, "regulator"), ("staffing", False, "regulator")}


def test_pronoun_takes_the_last_named_speaker(nlp):
    text = (
        "Local MP Tom Brown said the hospital was failing.\n\n"
        'He added: "Patients are waiting longer for A&E treatment than ever."'
    )
    assert found(nlp, text) == {("access_delays", False, "politician")}


def test_we_in_a_trust_statement_is_the_provider(nlp):
    text = 'A trust spokesperson said: "We accept that our handover processes were poor."'
    assert found(nlp, text) == {("communication", False, "provider")}


def test_name_resolves_to_the_role_given_earlier(nlp):
    text = (
        "Diane Wake, who became chief executive in April, welcomed the report.\n\n"
        "Mrs Wake told reporters that some families had been let down."
    )
    assert found(nlp, text) == {("patient_voice", False, "provider")}


def test_vetoed_phrase_cancels_its_category(nlp):
    assert found(nlp, "Blood cultures were not taken before antibiotics were started.") == set()


def test_typographic_apostrophes_match(nlp):
    assert ("patient_voice", False, "other") in found(
        nlp, "The women’s concerns were dismissed by staff."
    )


# Seeds ------------------------------------------------------------------------------------


def seed(nlp, prefix: str):
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return nlp(path.read_text(encoding="utf-8"))


def categories(doc) -> set[str]:
    return {f.category for f in doc._.tw_themes if not f.negated}


@needs_seeds
@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("000", {"escalation", "monitoring", "medication", "staffing", "incident_learning",
                 "leadership"}),
        ("001", {"resourcing", "inequalities", "communication"}),
        ("002", {"escalation", "access_delays", "resourcing", "training"}),
        ("003", {"culture", "leadership", "incident_learning", "policy_procedure"}),
        ("004", {"escalation", "monitoring", "training", "leadership", "facilities", "staffing"}),
    ],
)  # fmt: skip
def test_seed_categories(nlp, prefix, expected):
    assert expected <= categories(seed(nlp, prefix))


@needs_seeds
def test_seed_000_reassurance_yields_nothing(nlp):
    doc = seed(nlp, "000")
    reassurances = [
        (s.start_char, s.end_char) for s in doc.sents if "We are confident maternity" in s.text
    ]
    assert reassurances
    spans = {(f.start, f.end) for f in doc._.tw_themes}
    assert not any(span in spans for span in reassurances)


@needs_seeds
def test_seed_speakers(nlp):
    doc = seed(nlp, "004")
    facilities = [f for f in doc._.tw_themes if f.category == "facilities"]
    assert facilities and {f.speaker for f in facilities} == {"regulator"}
    doc = seed(nlp, "002")
    [resourcing] = [f for f in doc._.tw_themes if f.category == "resourcing"]
    assert resourcing.speaker == "politician"


# Rule files ----------------------------------------------------------------------------------


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    """Serve rule files from a temporary folder instead of the package."""
    real = resources.files

    def files(package):
        return tmp_path if package == patterns_io.PACKAGE else real(package)

    monkeypatch.setattr(patterns_io.resources, "files", files)
    return tmp_path


def rule(**fields) -> str:
    base = {"id": "r1", "category": "staffing", "pattern": "shortage of nurses"}
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not None})


@pytest.mark.parametrize(
    "line",
    [
        "{not json",
        rule(category="staff"),
        rule(category=None),
        rule(pattern=[]),
        rule(pattern=[{"LOWER": "short-staffed"}]),
        rule(pattern=[{"LOWER": "Shortage"}]),
        rule(pattern=[{"LOWER": "shortage", "OP": "+"}]),
        rule(pattern=[{"TEXT": "shortage"}]),
        rule(pattern=[{"LOWER": "shortage", "OP": "?"}]),
        rule(pattern=[{"LOWER": "shortage"}, {"LOWER": {"IN": []}}]),
        rule(weight=0),
        rule(needs="anything"),
    ],
)
def test_malformed_rule_raises_pattern_error(rules_dir, line):
    (rules_dir / "bad.jsonl").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match="bad.jsonl"):
        build_nlp(["trustwatch_themes"], config={"trustwatch_themes": {"rules": "bad.jsonl"}})


def test_rules_are_data(rules_dir):
    (rules_dir / "mine.jsonl").write_text(
        "// a comment line\n"
        + rule(id="x", category="facilities", pattern=[{"LOWER": {"IN": ["leaky", "damp"]}},
                                                        {"LOWER": "roof"}])
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    nlp = build_nlp(["trustwatch_themes"], config={"trustwatch_themes": {"rules": "mine.jsonl"}})
    [fact] = nlp("The maternity unit has a leaky roof.")._.tw_themes
    assert (fact.category, fact.rule) == ("facilities", "x")


def test_shipped_rules_cover_every_category():
    lines = resources.files(patterns_io.PACKAGE).joinpath("themes.jsonl").read_text("utf-8")
    used = {json.loads(x)["category"] for x in lines.splitlines() if x.startswith("{")}
    assert used == set(KEYS)
