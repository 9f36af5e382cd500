"""The fifteen failure categories of `shared/spec/taxonomy.md`: one source of truth for rules,
model, command line and exports. Keys are stable: they are stored and exported.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import UsageError


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    definition: str


CATEGORIES: tuple[Category, ...] = (
    Category("escalation", "Recognising and escalating deterioration",
             "concerns not escalated to senior clinicians in time; slow response to emergencies; "
             "deterioration not recognised or acted on; sepsis not treated in time; early-warning "
             "scores not acted on"),
    Category("monitoring", "Monitoring and observation",
             "fetal heart-rate (CTG) monitoring misread; observations not done, not recorded or "
             "too infrequent; waiting patients not observed"),
    Category("medication", "Medicines",
             "wrong drug or dose; unsafe use of drugs to induce or augment labour; prescribing, "
             "storage or administration errors"),
    Category("staffing", "Staffing and skill mix",
             "too few midwives, nurses or doctors; no senior, consultant or paediatric cover; "
             "vacancies, agency reliance, recruitment and retention; workload"),
    Category("training", "Training and competence",
             "mandatory training not completed; staff unaware of regulations or guidance; lack of "
             "competence or supervision"),
    Category("leadership", "Leadership, governance and oversight",
             "insufficient board or managerial oversight; weak governance and risk management; "
             "unclear accountability between organisations; no body able to step in"),
    Category("culture", "Culture and behaviour",
             "bullying, harassment, discrimination against staff; unprofessional behaviour; poor "
             "teamwork between professions; staff unable to speak up"),
    Category("incident_learning", "Investigating and learning from incidents",
             "serious incidents not reported or poorly investigated; learning not identified or "
             "shared; same failures repeating; missed chances to prevent recurrence; lack of "
             "candour"),
    Category("facilities", "Premises, equipment and infection control",
             "premises too small for demand; care in corridors; equipment missing or unsafe; "
             "infection prevention failures; failing IT"),
    Category("patient_voice", "Listening to patients and families",
             "concerns of women and families dismissed; poor information or consent; lack of "
             "dignity or compassion; complaints mishandled; families excluded from reviews"),
    Category("inequalities", "Inequalities and discrimination in care",
             "worse access or outcomes for ethnic-minority or deprived groups; structural racism; "
             "unconscious bias; language barriers"),
    Category("resourcing", "Funding and demand",
             "underfunding; financial pressure; demand outstripping capacity; calls for "
             "resources"),
    Category("access_delays", "Waiting and delayed access",
             "long waits in A&E; delays to triage, assessment, diagnosis or treatment; delayed "
             "admission, transfer or ambulance"),
    Category("communication", "Communication and coordination between services",
             "handover failures; records not kept or shared; care not joined up; failures between "
             "teams or agencies"),
    Category("policy_procedure", "Standards, policies and risk assessment",
             "care below national standards or guidelines; policies missing or not followed; risk "
             "assessments not done"),
)  # fmt: skip

KEYS: tuple[str, ...] = tuple(c.key for c in CATEGORIES)
LABELS: dict[str, str] = {c.key: c.label for c in CATEGORIES}


def check_category(key: str) -> str:
    """`key` if it is a category; otherwise a usage error listing the valid keys."""
    if key in LABELS:
        return key
    raise UsageError(f"unknown category {key!r}; valid categories: {', '.join(KEYS)}")
