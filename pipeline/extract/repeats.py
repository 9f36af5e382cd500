"""The `trustwatch_repeats` component: phrases saying a failing is a repeat.

taxonomy.md ("Recurrence") counts a category as recurring when documents on different dates
report it, or when the text itself says so: "still finding the same failings", "previously
rated", "for the second time", "lessons are not being learned". This component finds the
second kind of evidence and sets `doc._.tw_repeats` to a list of `RepeatSignal`.

Rules are data (`patterns/repeats.jsonl`): an `id`, a `pattern` (phrase, or token pattern of
LOWER / IN / LIKE_NUM with OP "?"), an optional `weight`, and `needs: "context"` for words
that are a repeat only when they speak of failings or ratings. "Again", "remains" and "still"
are everyday words ("she was seen again", "the patient remained stable"), so `needs: context`
counts a cue only where its sentence also holds a theme fact (from `trustwatch_themes`, when it
runs first), a rating word or a failure word (context.py, TROUBLE), and `needs: near` only
where such a word stands within three tokens ("concerns remain", "remains inadequate"). A cue
under a denial ("no evidence of repeated failures") is dropped; overlapping cues keep the
longest.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.errors import PatternError
from pipeline.extract.context import CueMatcher, DocContext, Sentence, compile_rule
from pipeline.extract.extensions import facts
from pipeline.extract.facts import RepeatSignal
from pipeline.extract.patterns_io import read_rules

CONTEXT_KINDS = ("rating", "trouble", "neg_before", "neg_after", "scope")
CONTEXT_WORDS = ("rating", "trouble")
NEAR = 3


@dataclass(frozen=True)
class RepeatRule:
    """One recurrence cue: its weight and whether it needs a failure or rating context."""

    id: str
    weight: float
    needs: str | None  # None, "context" (in the sentence) or "near" (within NEAR tokens)


def load_repeat_rules(filename: str) -> list[tuple[RepeatRule, dict]]:
    """Read and validate the rule file; each rule with its raw line (for the matcher)."""
    rules = []
    for line in read_rules(filename, allowed={"needs": ("context", "near")}):
        weight = line.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise PatternError(f"{filename}: rule {line['id']!r}: weight must be a positive number")
        rules.append((RepeatRule(line["id"], float(weight), line.get("needs")), line))
    return rules


@Language.factory(
    "trustwatch_repeats",
    assigns=["doc._.tw_repeats"],
    default_config={"rules": "repeats.jsonl"},
)
class RepeatExtractor:
    """Set `doc._.tw_repeats` to the recurrence cues the document states."""

    def __init__(self, nlp: Language, name: str, rules: str) -> None:
        """Load the rule file (a name inside `pipeline/extract/patterns/`) and compile it."""
        self.name = name
        self.matcher = CueMatcher(nlp)
        self.matcher.add_context(CONTEXT_KINDS)
        self.rules: dict[str, RepeatRule] = {}
        for rule, line in load_repeat_rules(rules):
            compile_rule(self.matcher, rules, line)
            self.rules[rule.id] = rule

    def __call__(self, doc: Doc) -> Doc:
        """Match once over the document, then keep the cues their sentence licenses."""
        cues, context = self.matcher.match(doc)
        if not cues:
            doc._.tw_repeats = []
            return doc
        ctx = DocContext(doc, context)
        themed = {
            fact.start for fact in facts(doc, "tw_themes") if not fact.negated
        }  # sentence starts (characters) holding a finding
        kept: list[tuple[RepeatRule, int, int, Sentence]] = []
        for label, start, end in _longest_first(cues, self.rules):
            rule = self.rules[label]
            sent = ctx.sentence(start)
            if rule.needs == "context" and not self._in_context(ctx, sent, themed):
                continue
            if rule.needs == "near" and not ctx.near(CONTEXT_WORDS, sent, start, end, NEAR):
                continue
            if ctx.strongly_negated(sent, start, end):
                continue
            kept.append((rule, start, end, sent))
        kept.sort(key=lambda k: k[1])
        doc._.tw_repeats = [
            RepeatSignal(
                start=doc[start].idx,
                end=doc[end - 1].idx + len(doc[end - 1]),
                sent_start=sent.start_char,
                sent_end=sent.end_char,
                rule=rule.id,
            )
            for rule, start, end, sent in kept
        ]
        return doc

    @staticmethod
    def _in_context(ctx: DocContext, sent: Sentence, themed: set[int]) -> bool:
        """The sentence is about failings or ratings."""
        return (
            sent.start_char in themed
            or ctx.has_kind("rating", sent)
            or ctx.has_kind("trouble", sent)
        )


def _longest_first(
    cues: list[tuple[str, int, int]], rules: dict[str, RepeatRule]
) -> list[tuple[str, int, int]]:
    """Non-overlapping cues: the longest, then the heaviest rule, then the earliest."""
    ranked = sorted(cues, key=lambda c: (-(c[2] - c[1]), -rules[c[0]].weight, c[1]))
    kept: list[tuple[str, int, int]] = []
    for cue in ranked:
        if all(cue[2] <= k[1] or cue[1] >= k[2] for k in kept):
            kept.append(cue)
    return kept
