"""The `trustwatch_themes` component: sentences that state (or deny) a failure of a category.

Rules are data (`patterns/themes.jsonl`, one per line): an `id`, a taxonomy `category`, a
`pattern` (a phrase, or a token pattern of LOWER values / IN sets / LIKE_NUM with OP "?"),
and optionally

- `weight` (default 1.0): which cue speaks for the sentence when several of one category fire;
- `needs`: the cue names a topic, not a failure ("CTG", "staffing", "risk assessment"), so it
  only counts with a signal of that kind (`failure`, `disparity`, `wait`; see context.py) in
  the same clause: "the CTG was misinterpreted", "no risk assessment was completed";
- `veto: true`: a phrase that cancels overlapping cues of its category ("blood cultures" is
  not about culture, "learning disability" not about learning from incidents).

For every sentence the component keeps one fact per category, the strongest cue: a finding
beats a denial, then the higher weight, then the earlier cue. Context decides the rest:

- `negated` is set for a denied failure ("no concerns about staffing", "there was no delay",
  "staffing was not a factor"); denials are kept because a regulator clearing a service is
  evidence too, and the store has a column for them.
- Praise is dropped, not marked negated: "staff escalated promptly" says nothing failed.
- A reassurance ("we are confident services are safe") drops the whole sentence.
- `speaker` comes from attribution in the sentence or the quotation it sits in.

All rules and context words run through one PhraseMatcher pass over the whole document;
matches are then grouped by sentence, and only sentences with a cue are examined further.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.classify.taxonomy import KEYS
from pipeline.errors import PatternError
from pipeline.extract.context import (
    SIGNALS,
    CueMatcher,
    DocContext,
    Sentence,
    compile_rule,
)
from pipeline.extract.facts import ThemeFact
from pipeline.extract.patterns_io import read_rules


@dataclass(frozen=True)
class ThemeRule:
    """One cue rule: its category, weight, and the signal a topic cue needs (None: a finding)."""

    id: str
    category: str
    weight: float
    needs: str | None
    veto: bool


@dataclass(frozen=True)
class Candidate:
    """A cue that survived context checks, waiting for the per-category choice."""

    rule: ThemeRule
    start: int
    end: int
    negated: bool

    def rank(self) -> tuple[bool, float, int]:
        return (not self.negated, self.rule.weight, -self.start)


def load_theme_rules(filename: str) -> list[tuple[ThemeRule, dict[str, Any]]]:
    """Read and validate the rule file; each rule with its raw line (for the matcher)."""
    raw = read_rules(
        filename,
        required={"category": str},
        allowed={"category": KEYS, "needs": tuple(SIGNALS), "veto": (True, False)},
    )
    rules = []
    for line in raw:
        weight = line.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise PatternError(f"{filename}: rule {line['id']!r}: weight must be a positive number")
        rule = ThemeRule(
            id=line["id"],
            category=line["category"],
            weight=float(weight),
            needs=line.get("needs"),
            veto=bool(line.get("veto", False)),
        )
        rules.append((rule, line))
    return rules


@Language.factory(
    "trustwatch_themes",
    assigns=["doc._.tw_themes"],
    default_config={"rules": "themes.jsonl"},
)
class ThemeExtractor:
    """Set `doc._.tw_themes` to one `ThemeFact` per (sentence, category) stated or denied."""

    def __init__(self, nlp: Language, name: str, rules: str) -> None:
        """Load the rule file (a name inside `pipeline/extract/patterns/`) and compile it."""
        self.name = name
        self.matcher = CueMatcher(nlp)
        self.matcher.add_context()
        self.rules: dict[str, ThemeRule] = {}
        for rule, line in load_theme_rules(rules):
            compile_rule(self.matcher, rules, line)
            self.rules[rule.id] = rule

    def __call__(self, doc: Doc) -> Doc:
        """Find the cues in one pass, then judge only the sentences that have one."""
        cues, context = self.matcher.match(doc)
        if not cues:
            doc._.tw_themes = []
            return doc
        ctx = DocContext(doc, context)
        by_sentence: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        for cue in cues:
            by_sentence[ctx.sentence_index(cue[1])].append(cue)
        found: list[ThemeFact] = []
        for index in sorted(by_sentence):
            group = sorted(by_sentence[index], key=lambda c: (c[1], -c[2], c[0]))
            found.extend(self._sentence_facts(ctx, ctx.sentence_at(index), group))
        doc._.tw_themes = found
        return doc

    def _sentence_facts(
        self, ctx: DocContext, sent: Sentence, cues: list[tuple[str, int, int]]
    ) -> list[ThemeFact]:
        vetoes = [
            (self.rules[label].category, start, end)
            for label, start, end in cues
            if self.rules[label].veto
        ]
        live = [
            (self.rules[label], start, end)
            for label, start, end in cues
            if not self.rules[label].veto
            and not any(
                c == self.rules[label].category and start < v_end and end > v_start
                for c, v_start, v_end in vetoes
            )
        ]
        findings = [(r.category, start, end) for r, start, end in live if r.needs is None]
        best: dict[str, Candidate] = {}
        for rule, start, end in live:
            claimed = [(s, e) for c, s, e in findings if c != rule.category]
            candidate = self._judge(ctx, sent, rule, start, end, claimed)
            if candidate is None:
                continue
            current = best.get(rule.category)
            if current is None or candidate.rank() > current.rank():
                best[rule.category] = candidate
        if not best or ctx.reassuring(sent):
            return []
        doc = ctx.doc
        first = min(c.start for c in best.values())
        speaker = ctx.speaker(sent, first)
        return [
            ThemeFact(
                start=sent.start_char,
                end=sent.end_char,
                category=c.rule.category,
                negated=c.negated,
                speaker=speaker,
                cue_start=doc[c.start].idx,
                cue_end=doc[c.end - 1].idx + len(doc[c.end - 1]),
                rule=c.rule.id,
            )
            for c in sorted(best.values(), key=lambda c: c.start)
        ]

    @staticmethod
    def _judge(
        ctx: DocContext,
        sent: Sentence,
        rule: ThemeRule,
        start: int,
        end: int,
        claimed: list[tuple[int, int]],
    ) -> Candidate | None:
        """The cue as a finding or a denial, or None when it states no failure at all.

        `claimed` are the spans of other categories' findings in the sentence, whose words
        cannot serve as this topic's failure signal.
        """
        if rule.needs is None:
            negated = ctx.strongly_negated(sent, start, end) or ctx.weakly_negated(sent, start)
            return Candidate(rule, start, end, negated)
        signal = ctx.signal(rule.needs, sent, start, end, claimed)
        if signal is None or ctx.praised(sent, start, end, signal):
            return None
        negated = (
            ctx.strongly_negated(sent, start, end)
            or ctx.signal_denied(sent, signal)
            or ctx.noun_denied(sent, start, end)
        )
        return Candidate(rule, start, end, negated)
