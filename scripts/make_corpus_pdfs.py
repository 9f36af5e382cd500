"""Generate the report-extract PDFs of the sample corpus (corpus/reports/*.pdf).

The text of each report lives in this script. It is written for the trustwatch sample
corpus: plain-language summaries of real published reports, not their official text.

Run from the repository root:

    .venv/bin/python scripts/make_corpus_pdfs.py

Only the core Helvetica font is used, so every character must be in latin-1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

OUT_DIR = Path(__file__).resolve().parent.parent / "corpus" / "reports"

# Characters outside latin-1 that tend to creep into prose, and their plain equivalents.
_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": " - ",
    "\u2026": "...",
    "\u00a0": " ",
}


def latin1(text: str) -> str:
    """Replace common typographic characters and check the result fits latin-1."""
    for bad, good in _REPLACEMENTS.items():
        text = text.replace(bad, good)
    text.encode("latin-1")  # raises if anything is left over
    return text


@dataclass
class Section:
    heading: str
    paragraphs: list[str]
    new_page: bool = True


@dataclass
class Report:
    filename: str
    title: str
    subtitle: str
    author: str
    published: datetime
    running_head: str
    cover_note: str
    sections: list[Section] = field(default_factory=list)


class ReportPDF(FPDF):
    def __init__(self, running_head: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_head = running_head
        self.set_margins(22, 20, 22)
        self.set_auto_page_break(auto=True, margin=22)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, latin1(self.running_head), align="R")
        self.ln(10)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 8, f"Page {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)


def build(report: Report) -> Path:
    pdf = ReportPDF(report.running_head)
    pdf.set_title(latin1(report.title))
    pdf.set_author(latin1(report.author))
    pdf.set_subject(latin1(report.subtitle))
    pdf.set_creator("trustwatch scripts/make_corpus_pdfs.py")
    pdf.set_creation_date(report.published)

    # Cover page
    pdf.add_page()
    pdf.ln(40)
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 10, latin1(report.title), align="L")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 13)
    pdf.multi_cell(0, 7, latin1(report.subtitle), align="L")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, latin1("Published " + report.published.strftime("%d %B %Y").lstrip("0")))
    pdf.ln(20)
    pdf.set_font("Helvetica", "I", 10)
    pdf.multi_cell(0, 5.5, latin1(report.cover_note))

    for section in report.sections:
        if section.new_page:
            pdf.add_page()
        else:
            pdf.ln(6)
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 8, latin1(section.heading))
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 11)
        for para in section.paragraphs:
            pdf.multi_cell(0, 6, latin1(para))
            pdf.ln(3)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / report.filename
    pdf.output(str(path))
    return path


EAST_KENT = Report(
    filename="east_kent_reading_the_signals_2022.pdf",
    title="Maternity and neonatal services in East Kent",
    subtitle="Extract and summary of findings from the independent investigation report, Reading the signals",
    author="Summary prepared for the trustwatch sample corpus",
    published=datetime(2022, 10, 19, 10, 0, tzinfo=UTC),
    running_head="Maternity and neonatal services in East Kent - summary of findings",
    cover_note=(
        "This extract summarises, in plain language, the main findings of the report of the "
        "independent investigation into maternity and neonatal services at East Kent Hospitals "
        "University NHS Foundation Trust, published on 19 October 2022. It is not the official "
        "text of the report, and paragraph numbers refer to this summary only."
    ),
    sections=[
        Section(
            "1. Scope of the investigation",
            [
                "1.1 The investigation was announced by the government in February 2020, shortly after the inquest into the death of Harry Richford, who died in November 2017 at the Queen Elizabeth The Queen Mother Hospital in Margate seven days after he was born. The coroner found that his death was wholly avoidable. The investigation was chaired by Dr Bill Kirkup, who had previously led the Morecambe Bay Investigation.",
                "1.2 The investigation examined maternity and neonatal care at the two hospitals where East Kent Hospitals University NHS Foundation Trust provides consultant-led maternity services: the Queen Elizabeth The Queen Mother Hospital (QEQM) in Margate and the William Harvey Hospital in Ashford. It covered the period from 2009 to 2020.",
                "1.3 In all, 202 families came forward and took part. The panel looked at their clinical records, heard their accounts, and spoke to current and former staff and to the organisations responsible for overseeing the trust.",
                "1.4 The trust had been under scrutiny before. It was rated inadequate by the Care Quality Commission in 2014 and placed in special measures, and it left special measures in 2017. In 2015 it commissioned a review of its maternity services from the Royal College of Obstetricians and Gynaecologists, which raised concerns about the behaviour of some consultants and a failure to challenge poor performance. The investigation found that the trust did not act on those warnings.",
            ],
        ),
        Section(
            "2. What happened to women and babies",
            [
                "2.1 The panel concluded that in 97 of the 202 cases it assessed, or 48 per cent, the outcome could have been different if care had been given to the standards that are nationally recognised.",
                "2.2 Of the 64 baby deaths the panel examined, 45 might have had a different outcome with better care. Of the 17 babies who suffered brain injury, 12 might have had a different outcome. The panel reached similar conclusions in 23 of the 32 cases in which mothers were harmed, including deaths and serious injuries.",
                "2.3 The clinical failings were of familiar kinds. Signs that a baby was in distress, including abnormal fetal heart rate traces, were not recognised or not acted on. Concerns were not escalated to senior staff in time, and when they were escalated, consultants did not always attend. Some babies were not resuscitated effectively after birth. Women who became seriously ill were not always recognised as deteriorating.",
                "2.4 Families consistently described not being listened to. Women who said that something was wrong were told that everything was normal. After a death or injury, families met a lack of compassion and kindness, and some were made to feel that they were to blame. When they sought answers, they encountered defensiveness, and some had to fight for an inquest or an independent review.",
            ],
        ),
        Section(
            "3. Why it happened",
            [
                "3.1 The investigation grouped the causes into four areas. None of them is unique to east Kent, and the report warns that the same failings are likely to exist in other maternity services.",
                "3.2 Monitoring safe performance. There was no reliable way, nationally or locally, of telling that the service was performing badly. Data that could have acted as a warning, including a high rate of neonatal deaths compared with similar trusts in 2017, was not recognised for what it was. The signals were there but were not read.",
                "3.3 Standards of clinical behaviour. The investigation found unprofessional behaviour by some clinicians, including consultants who did not attend when called, and a lack of basic compassion towards women and families. The trust was reluctant to tackle this, in part because it believed it would lose if it took disciplinary action against consultants.",
                "3.4 Flawed teamworking. Working relationships between midwives and obstetricians, and between obstetricians and neonatal staff, were poor. Staff described bullying, harassment and discrimination, and different professional groups and the two hospitals pulled in different directions. Staff who wanted to raise concerns did not feel safe to do so.",
                "3.5 Organisational behaviour. When incidents, complaints or external reports pointed to problems, the trust's response was to deny, to deflect and to conceal. Its leaders were more concerned with managing its reputation than with understanding what had gone wrong. Investigations into serious incidents were inadequate and did not identify learning, so the same failures recurred. Outside bodies, including regulators and commissioners, had opportunities to intervene that were missed, and when the trust was clearly unable to resolve the problems there was no effective mechanism for anyone else to take over.",
            ],
        ),
        Section(
            "4. Recommendations and conclusions",
            [
                "4.1 The report notes that earlier investigations, at Morecambe Bay and at The Shrewsbury and Telford Hospital NHS Trust, made many recommendations. That the same failings keep appearing in one report after another shows that lessons are not being learned. Rather than adding a long list of new recommendations, it sets out a small number of changes intended to address the underlying causes.",
                "4.2 Recommendation 1: valid maternity and neonatal outcome measures should be introduced nationally, capable of identifying trends and outliers, so that poorly performing units are identified early.",
                "4.3 Recommendation 2: professional education and training should do more to embed compassionate care and to make sure that professional standards of behaviour are met.",
                "4.4 Recommendation 3: the relevant national bodies should report on how teamworking in maternity and neonatal care can be improved, including through the training of junior doctors.",
                "4.5 Recommendation 4: the government should bring forward legislation placing a duty on public bodies not to deny, deflect and conceal information from families and other bodies, and NHS organisations should review their approach to reputation management.",
                "4.6 Recommendation 5: East Kent Hospitals University NHS Foundation Trust should accept the reality of the findings, acknowledge the unnecessary harm it caused, and begin a restorative process with families, in public and with external input.",
                "4.7 The report concludes that maternity scandals cannot be treated as one-off events. Unless the NHS becomes able to identify failing units, to provide care with compassion, to make teams work together and to respond honestly when things go wrong, there will be further investigations of the same kind.",
            ],
        ),
    ],
)


OCKENDEN = Report(
    filename="ockenden_final_report_2022.pdf",
    title="Independent review of maternity services at The Shrewsbury and Telford Hospital NHS Trust",
    subtitle="Summary extract of the final report: findings, conclusions and essential actions",
    author="Summary prepared for the trustwatch sample corpus",
    published=datetime(2022, 3, 30, 10, 0, tzinfo=UTC),
    running_head="Shrewsbury and Telford maternity review - summary extract",
    cover_note=(
        "This extract summarises, in plain language, the final report of the independent review of "
        "maternity services at The Shrewsbury and Telford Hospital NHS Trust, chaired by the senior "
        "midwife Donna Ockenden and published on 30 March 2022. It is not the official text of the "
        "report, and paragraph numbers refer to this summary only."
    ),
    sections=[
        Section(
            "1. Background and scope",
            [
                "1.1 The review was commissioned by the Secretary of State for Health in 2017, after bereaved families campaigned for an investigation into baby deaths at the trust. It was originally asked to look at 23 cases.",
                "1.2 As more families came forward, and as the trust was asked to identify all potentially relevant cases, the scope grew. The first report, published in December 2020, set out emerging findings from 250 clinical reviews and seven immediate and essential actions for all maternity services in England.",
                "1.3 The final report covers 1,592 clinical incidents involving 1,486 families. The cases date mainly from 2000 to 2019, although a small number are earlier or later. They include stillbirths, neonatal deaths, maternal deaths, and babies and mothers who suffered serious harm. It is the largest review of a single maternity service in the history of the NHS.",
                "1.4 The trust runs the Royal Shrewsbury Hospital and the Princess Royal Hospital in Telford, together with a number of midwife-led units in Shropshire and Telford and Wrekin.",
            ],
        ),
        Section(
            "2. Main findings",
            [
                "2.1 The review team found significant or major concerns in the care given in a large proportion of the cases it reviewed. It concluded that 201 babies might have survived had the trust provided better care, including stillborn babies and babies who died shortly after birth. Nine mothers might also have survived.",
                "2.2 Many babies suffered avoidable harm during birth. Some were starved of oxygen and left with life-changing brain injuries. Others suffered skull fractures, broken bones or cerebral palsy after traumatic forceps deliveries.",
                "2.3 The trust had a culture of keeping caesarean section rates low. Women were encouraged, and in some cases pressured, to continue with vaginal births when a caesarean would have been safer, and some mothers died or were harmed as a result.",
                "2.4 Fetal heart rate monitoring was often not carried out correctly or was misinterpreted, and abnormal findings were not escalated. Oxytocin was sometimes used inappropriately to induce or augment labour. When women's conditions deteriorated, concerns were not passed to senior obstetricians quickly enough, and consultants did not always attend.",
                "2.5 Women and families were not listened to. Some mothers who reported severe pain or other worrying symptoms were left without review. After a death, parents were sometimes treated without compassion, given incorrect information, or blamed for what had happened.",
                "2.6 Above all, the trust failed to investigate, failed to learn and failed to improve. Serious incidents were not identified or were investigated poorly, families were not always involved in investigations, and where problems were found the actions taken were not followed through. As a result the same failings were repeated over two decades.",
            ],
        ),
        Section(
            "3. The wider system",
            [
                "3.1 The review found that external bodies, including commissioners and regulators, did not monitor the care provided by the trust effectively. Opportunities to intervene earlier were missed.",
                "3.2 The trust's maternity service did not have enough midwives or obstetricians for much of the period reviewed, and staff were often working under severe pressure. Training was not always completed, and midwives and doctors did not routinely train together.",
                "3.3 Staff told the review that they had been afraid to raise concerns, and some said they had been warned about the consequences of co-operating with it. The review said that a culture in which staff feel unable to speak up is itself a risk to patient safety.",
                "3.4 Maternity services across England are still not adequately staffed or funded. The review called for substantial, ring-fenced investment in the maternity workforce and in multidisciplinary training, without which safe care cannot be guaranteed.",
            ],
        ),
        Section(
            "4. Immediate and essential actions",
            [
                "4.1 The final report sets out 15 immediate and essential actions which every trust in England that provides maternity services is expected to implement, building on the seven actions in the first report.",
                "4.2 The actions cover workforce planning and safe staffing; escalation and accountability; clinical governance and leadership; the investigation of incidents and complaints, with families involved; learning from maternal deaths; multidisciplinary training; the care of women with complex pregnancies; preterm birth; care during labour and birth; obstetric anaesthesia; postnatal care; bereavement care; neonatal care; and support for families.",
                "4.3 In addition, the report sets out 60 local actions for learning that are specific to The Shrewsbury and Telford Hospital NHS Trust.",
            ],
        ),
        Section(
            "5. Conclusion",
            [
                "5.1 The review concludes that the failings at the trust were not the result of a small number of individuals but of a service and an organisation that did not learn. Families had to campaign for years for the truth, and that should never again be necessary.",
                "5.2 The report states that there should never again be a review of this scale. Responsibility for making sure that it is not needed lies with the trust, with the wider NHS and with the government.",
                "5.3 A criminal investigation by West Mercia Police into maternity care at the trust, known as Operation Lincoln, was continuing at the time of publication.",
            ],
        ),
    ],
)


def main() -> None:
    for report in (EAST_KENT, OCKENDEN):
        path = build(report)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
