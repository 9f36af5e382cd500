"""Sentence context for rule components: which cues are denied, praised, reassured or quoted.

A cue phrase on its own is not a finding. "There was no delay in triage" denies a failure,
"staff escalated promptly" praises, "we are confident services are safe" is a provider's
reassurance, and who says a thing matters as much as what is said. This module holds the
closed-class English that decides those questions (negation, praise, reassurance, failure
signals, attribution) and the machinery both `trustwatch_themes` and `trustwatch_repeats` use:

- `CueMatcher` puts phrase strings, the anchors of token patterns (LOWER / IN / LIKE_NUM,
  OP "?") and the context lexicons into one PhraseMatcher on LOWER, so a document costs a
  single matcher pass however many rules there are; token patterns are completed around
  their anchor hits from C arrays (spaCy's Matcher evaluates `IN` sets in Python for every
  token and pattern, which is several times slower).
- `DocContext` groups the context hits by sentence and answers the questions above for a cue;
  quotation and speaker analysis run lazily, only for sentences that produce a fact.

The domain cues themselves are data (`patterns/*.jsonl`); the word lists here are general
English shared by every component, kept in code beside the logic that interprets them.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc

from pipeline.errors import PatternError

CTX = "ctx."
MAX_ANCHOR_PHRASES = 2000  # phrases one anchor may expand to

# --- Lexicons -------------------------------------------------------------------------------

NEGATORS = ("no", "not", "never", "n't", "without", "nor", "neither", "none", "nobody")

# Denials that reach forward over the rest of the clause: "no evidence that staff were untrained".
NEGATION_BEFORE = (
    *[
        f"{a} {b} {c}"
        for a in ("no", "little", "not any", "any", "insufficient")
        for b in ("evidence", "suggestion", "indication", "sign", "signs")
        for c in ("that", "of", "to", "which", "any")
    ],
    *[
        f"{a} {b} {c}"
        for a in ("did not", "does not", "do not", "could not", "cannot", "didn't", "not")
        for b in ("find", "identify", "see", "establish", "show", "demonstrate")
        for c in ("any", "evidence", "that", "a", "an")
    ],
    *[
        f"{a} {b}"
        for a in ("found", "identified", "saw", "raised", "reported")
        for b in ("no", "not any")
    ],
    *[
        f"no {a} {b}"
        for a in ("concerns", "concern", "issues", "problems", "criticism", "criticisms")
        for b in ("about", "regarding", "with", "over", "around", "in", "relating", "as")
    ],
    *[f"not {a} to" for a in ("related", "attributable", "linked", "connected", "due", "relevant")],
    "unrelated to",
    "nothing to suggest",
    "nothing to indicate",
    "no cause for concern",
    "no reason to",
    "no need to",
    "no requirement to",
    "no indication to",
    "no failings",
    "no failures",
    "no shortcomings",
    "no deficiencies",
    "could not be criticised",
    "cannot be criticised",
    "not be criticised",
    "ruled out",
    "i am satisfied that",
    "i was satisfied that",
)

# Denials that look back at the cue: "staffing was not a factor", "the delay did not contribute".
NEGATION_AFTER = (
    *[
        f"{a} not {b}"
        for a in ("was", "were", "is", "are", "had", "has", "have")
        for b in (
            "a factor",
            "a contributing factor",
            "a contributory factor",
            "causative",
            "causal",
            "a cause",
            "an issue",
            "a concern",
            "a problem",
            "related to",
            "linked to",
            "attributable to",
            "relevant to",
            "responsible for",
        )
    ],
    *[
        f"{a} {b}"
        for a in ("did not", "didn't", "would not have", "wouldn't have", "could not have")
        for b in ("contribute", "contributed", "cause", "caused", "affect", "affected", "change",
                  "changed", "alter", "altered", "make a difference", "made a difference")
    ],
    "made no difference",
    "would have made no difference",
    "played no part",
    "played no role",
    "no bearing on",
    "was ruled out",
    "were ruled out",
    "been ruled out",
    "was unrelated",
    "were unrelated",
)  # fmt: skip

# Nouns that a negator before a topic actually denies: "no staffing concerns were found".
CONCERN_NOUNS = ("concerns", "concern", "issues", "problems", "worries", "failings", "shortfalls")

# Words that close the reach of a negation ("no delays, but staffing was short").
SCOPE_BREAKS = ("but", "however", "although", "though", "whereas", "yet", ";", "despite", "except")

# Words that end a clause: a topic and its failure signal must share one.
CLAUSE_BREAKS = (
    *SCOPE_BREAKS,
    ",",
    ":",
    "(",
    ")",
    "because",
    "so",
    "which",
    "who",
    "while",
    "whilst",
    "when",
    "after",
    "before",
    "until",
    "and",
    "–",
    "—",
)

# Words and phrases that say something was done well; negated, they say it was not.
PRAISE = (
    "promptly", "prompt", "appropriately", "appropriate", "timely", "in a timely", "quickly",
    "swiftly", "rapidly", "immediately", "correctly", "properly", "adequately", "adequate",
    "sufficiently", "sufficient", "safely", "safe", "effectively", "effective", "good",
    "excellent", "kindness", "compassion", "compassionate", "respect", "robust", "thorough",
    "thoroughly", "accurately", "accurate", "consistently", "regularly", "routinely", "always",
    "clearly", "in line with", "in accordance with", "as required", "as expected", "as per",
    "up to date", "up-to-date", "followed", "completed", "recorded", "documented", "carried out",
    "undertaken", "performed", "done", "acted on", "acted upon", "in place", "enough",
    "fully", "fit for purpose", "compliant", "complied", "met", "reviewed", "aware",
    "worked well", "went well", "well managed", "managed well", "well organised", "confident",
    "without fear", "fallen", "fell", "improved", "improving", "decreased", "dropped", "reduced",
)  # fmt: skip

# Words that say something went wrong: what a topic cue ("CTG", "staffing") needs nearby
# (with the negators and negated praise, which count too).
FAILURE = (
    "fail", "failed", "fails", "failing", "failure", "failures", "failings", "lack", "lacked",
    "lacking", "lacks", "absence", "absent", "insufficient", "insufficiently", "inadequate",
    "inadequately", "inadequacy", "inadequacies", "poor", "poorly", "inappropriate",
    "inappropriately", "incorrect", "incorrectly", "wrong", "wrongly", "missed", "missing",
    "delay", "delays", "delayed", "late", "slow", "omitted", "omission", "omissions",
    "misinterpreted", "misinterpretation", "misread", "misreading", "misclassified",
    "misdiagnosed", "unsafe", "unclear", "inconsistent", "inconsistently", "ineffective",
    "deficient", "deficiency", "deficiencies", "shortcoming", "shortcomings", "substandard",
    "sub-standard", "weak", "weakness", "weaknesses", "error", "errors", "mistake", "mistakes",
    "confusion", "overlooked", "ignored", "neglected", "neglect", "unaware", "untrained",
    "outdated", "out of date", "out-of-date",
    "concern about", "concerns about", "concern over", "concerns over", "concern regarding",
    "concerns regarding", "concern that", "concerns that", "concerned that", "concerns were",
    "concern was", "raised concerns", "serious concerns", "significant concerns", "concerning",
    "problem", "problems", "issues with", "unable", "cannot", "limited", "unfit for purpose",
    "not fit for purpose", "disconnection", "disconnect", "disconnected", "gaps", "gap in",
    "breach", "breached", "breaches", "contrary", "non-compliance", "non-compliant",
    "deviation", "deviated", "departure from", "fell short", "falls short",
    "unacceptable", "unreliable", "too few", "too small", "too little", "too late", "too long",
    "lapse", "lapses", "struggled", "struggling", "struggle", "difficulties", "difficulty",
    "challenges", "unmanageable", "unrecognised", "unrecognized", "undetected", "unnoticed",
    "unheeded", "avoidable", "could have been avoided", "could have been prevented",
    "would have been different", "would have been avoided", "if care had been",
    "if she had been", "if he had been", "requires improvement", "criticised", "criticism",
    "critical of", "worrying", "alarming", "too high", "too many", "too much", "too heavy",
    "shortfall", "shortfalls", "not always",
    "unsupported", "unsupervised", "overwhelmed", "patchy", "incomplete", "inaccurate",
    "illegible", "unavailable", "broken", "faulty", "malfunction", "malfunctioned",
    "malfunctioning", "defective", "dirty", "unclean", "expired", "dismissed", "sacked",
    "victimised", "silenced", "ostracised", "flawed", "superficial", "questionable",
    "undermined", "shortages", "shortage", "underfunded",
)  # fmt: skip

# Group outcomes compared: what a group cue ("Black women", "deprived areas") needs nearby,
# besides a failure word.
DISPARITY = (
    "more likely", "less likely", "times more", "times as likely", "twice as likely",
    "higher", "highest", "lower", "worse", "poorer", "disproportionate", "disproportionately",
    "disparity", "disparities", "inequality", "inequalities", "inequitable", "unequal",
    "unfair", "unfairly", "bias", "biased", "barrier", "barriers", "racism", "discrimination",
    "discriminated", "over-represented", "overrepresented", "excess", "gap", "greater risk",
)  # fmt: skip

# Durations and thresholds: what a waiting cue ("waited", "waiting list") needs nearby,
# besides a failure word.
WAIT = (
    "hours", "hour", "days", "weeks", "months", "years", "longer", "long", "lengthy",
    "prolonged", "excessive", "record", "breached", "trolley", "overnight", "target",
    "targets", "more than", "over", "almost", "nearly", "growing", "grown", "rising",
)  # fmt: skip

# Words that turn praise into a failure: "not … in a timely manner", "delays in … promptly".
# (besides the negators themselves).
PRAISE_NEGATORS = (
    "delay", "delays", "delayed", "failed", "failure", "failures", "lack", "unable",
    "inability", "not all", "none of",
)  # fmt: skip

# The word lists (kinds) whose hits make up each signal a topic rule may need.
SIGNALS: dict[str, tuple[str, ...]] = {
    "failure": ("negator", "signal.failure"),
    "disparity": ("negator", "signal.failure", "signal.disparity"),
    "wait": ("negator", "signal.failure", "signal.wait"),
}

# Words of a CQC verdict: context that licenses "again" and "remains" in the repeat rules.
RATING = (
    "requires improvement", "inadequate", "rated", "rating", "ratings", "re-rated",
    "special measures", "warning notice", "enforcement", "downgraded",
)  # fmt: skip

# Words that make a sentence about failings or verdicts: the context "again", "remains" and
# "still" need before they count as saying a failing is a repeat.
TROUBLE = (
    *RATING,
    "failings", "failures", "failing", "failed", "fails", "failure", "concerns", "concern",
    "problems", "problem", "issues", "poor", "unsafe", "shortcomings", "deficiencies",
    "criticised", "criticism", "breaches", "breach", "mistakes", "errors", "avoidable",
    "incidents", "warnings", "warned", "inadequacies", "weaknesses", "unacceptable",
    "not good enough", "shortages", "delays", "scandal", "tragedies", "understaffed",
)  # fmt: skip

# A provider vouching for itself: sentences saying this are not findings.
REASSURANCE = (
    *[
        f"{a} {b} {c}"
        for a in ("we", "i")
        for b in ("are", "am", "remain", "feel", "were", "have been")
        for c in ("confident", "satisfied", "assured", "reassured", "pleased", "proud")
    ],
    "we're confident", "we’re confident", "confident that", "we would like to reassure",
    "want to reassure", "wish to reassure", "can reassure", "like to reassure",
    "services are safe", "service is safe", "services remain safe", "service remains safe",
    "unit is safe", "units are safe", "hospital is safe", "care is safe", "remain safe",
    "remains safe", "is a safe", "safe place", "steady progress", "significant progress",
    "good progress", "we have made", "we have already", "we have since", "we have introduced",
    "we have invested", "we have recruited", "we are committed", "remain committed",
    "has improved", "have improved", "improvements have been made",
)  # fmt: skip

# Who is speaking. Multi-word roles win over single words where they overlap.
ROLES: dict[str, tuple[str, ...]] = {
    "regulator": (
        "inspectors", "inspector", "chief inspector", "cqc", "care quality commission",
        "the watchdog", "watchdog", "watchdogs", "regulator", "regulators", "coroner",
        "coroners", "assistant coroner", "area coroner", "senior coroner", "inquest",
        "the court", "the jury", "hsib", "hssib", "healthcare safety investigation branch",
        "health services safety investigations body", "ombudsman", "phso", "the report",
        "a report", "the review", "a review", "the inquiry", "the investigation",
        "investigators", "the panel", "reviewers", "nhs england", "nhs improvement",
        "ockenden", "kirkup", "the findings", "independent review", "independent report",
        "healthcare inspectorate wales", "healthcare improvement scotland",
    ),
    "provider": (
        "trust", "trusts", "the hospital", "hospital chief", "hospital chiefs",
        "hospital bosses", "bosses", "chief executive", "chief executives", "spokesperson",
        "spokesman", "spokeswoman", "medical director", "chief nurse", "director of nursing",
        "director of midwifery", "head of midwifery", "chief medical officer",
        "our investigation", "our review", "our own investigation", "internal investigation",
        "internal review", "the health board", "health board", "trust statement",
        "a statement from the trust", "trust leaders",
    ),
    "patient/family": (
        "mother", "father", "mum", "dad", "parents", "parent", "family", "families",
        "relatives", "relative", "husband", "wife", "partner", "son", "daughter", "sister",
        "brother", "widow", "widower", "bereaved", "patient", "patients", "grandmother",
        "grandfather", "fiancé", "fiancée", "the woman", "mothers",
    ),
    "politician": (
        "mp", "mps", "minister", "ministers", "health secretary", "secretary of state",
        "councillor", "councillors", "cllr", "lord", "baroness", "prime minister", "msp",
        "msps", "shadow", "member of parliament", "peer",
    ),
}  # fmt: skip

# First-person findings that attribute themselves: a coroner's "I am concerned that …".
SELF_ATTRIBUTED = {
    "regulator": (
        "i am concerned", "i remain concerned", "i was concerned", "i heard", "i found",
        "i was told", "i have concerns", "i am not satisfied", "i note", "i noted",
        "the inquest heard", "the inquest was told", "the court heard", "the court was told",
        "the jury heard", "inquest heard", "we found", "we were not assured", "we saw",
        "our inspection", "inspectors found", "we observed", "matters of concern",
    )
}  # fmt: skip

REPORTING = (
    "said", "says", "say", "told", "tells", "added", "adds", "stressed", "explained",
    "commented", "warned", "wrote", "writes", "found", "finds", "find", "concluded", "highlighted",
    "noted", "reported", "heard", "admitted", "acknowledged", "claimed", "insisted",
    "described", "believe", "believes", "believed", "according", "urged", "revealed",
    "identified", "stated", "states", "criticised", "raised", "continued", "argued",
    "accepted", "apologised", "confirmed", "felt", "feel", "feels", "alleged", "recalled",
    "described", "concluding", "saying", "telling", "ruled", "recorded", "observed",
)  # fmt: skip

PRONOUNS = ("he", "she", "they", "it")
NAME_SKIP = {",", "who", "is", "was", "became", "has", "been", "the", "its", "now", "a", "an"}

KINDS: dict[str, tuple[str, ...]] = {
    "negator": NEGATORS,
    "neg_before": NEGATION_BEFORE,
    "neg_after": NEGATION_AFTER,
    "scope": SCOPE_BREAKS,
    "concern_noun": CONCERN_NOUNS,
    "clause": CLAUSE_BREAKS,
    "praise": PRAISE,
    "praise_negator": PRAISE_NEGATORS,
    "reassure": REASSURANCE,
    "rating": RATING,
    "trouble": TROUBLE,
    "verb": REPORTING,
    "pronoun": PRONOUNS,
    "signal.failure": FAILURE,
    "signal.disparity": DISPARITY,
    "signal.wait": WAIT,
    **{f"role.{role}": words for role, words in ROLES.items()},
    **{f"self.{role}": words for role, words in SELF_ATTRIBUTED.items()},
}


# --- Compiling rules ------------------------------------------------------------------------

NUMBER = -1  # a slot matching any number-like token ("28", "twelve") instead of a word set
Slot = tuple[frozenset[int], bool]  # LOWER hashes a token may have, or {NUMBER}; skippable?


def parse_slots(
    pattern: list[dict[str, Any]], check: Callable[[str], bool]
) -> list[tuple[list[str] | None, bool]]:
    """The words (None: any number) and optionality of each token of a pattern.

    A token is {"LOWER": word}, {"LOWER": {"IN": [words]}} or {"LIKE_NUM": true}, with an
    optional "OP": "?". `check(word)` says whether a value is one token for the tokenizer; a
    value that is not could never match and is an error. Raises ValueError with the reason.
    """
    slots: list[tuple[list[str] | None, bool]] = []
    for token in pattern:
        unknown = set(token) - {"LOWER", "LIKE_NUM", "OP"}
        if unknown or len(set(token) - {"OP"}) != 1:
            raise ValueError("each token needs exactly one of LOWER or LIKE_NUM (and OP)")
        op = token.get("OP")
        if op not in (None, "?"):
            raise ValueError(f"OP {op!r} is not supported (only '?')")
        if "LIKE_NUM" in token:
            if token["LIKE_NUM"] is not True:
                raise ValueError("LIKE_NUM must be true")
            slots.append((None, op == "?"))
            continue
        value = token["LOWER"]
        if isinstance(value, str):
            words = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            words = list(value["IN"])
        else:
            raise ValueError("LOWER must be a string or {'IN': [strings]}")
        if not words:
            raise ValueError("an IN list needs at least one word")
        for word in words:
            if not isinstance(word, str) or not word or word != word.lower():
                raise ValueError(f"LOWER value {word!r} must be a non-empty lower-case string")
            if not check(word):
                raise ValueError(f"LOWER value {word!r} is not a single token")
        slots.append((words, op == "?"))
    if not any(words is not None and not optional for words, optional in slots):
        raise ValueError("a pattern needs a LOWER token without OP '?' to anchor it")
    return slots


def _apostrophe_variants(words: list[str]) -> list[list[str]]:
    """The words as given and with typographic apostrophes (’), which stored text keeps."""
    curly = [w.replace("'", "’") for w in words]
    return [words, curly] if curly != words else [words]


def _word_variants(word: str) -> set[str]:
    return {word, word.replace("'", "’")}


@dataclass(frozen=True)
class TokenRule:
    """A token pattern matched from an anchor: slots `first`..`last` (required word slots at
    both ends, optional ones between), the stretch least likely to occur by chance, found by
    the PhraseMatcher as phrases. The slots before and after the anchor are checked here
    against the doc's LOWER and LIKE_NUM arrays, so IN sets cost no Python per token and the
    whole pattern is never expanded.
    """

    slots: tuple[Slot, ...]
    first: int
    last: int

    def span(self, tokens: TokenArrays, start: int, end: int) -> tuple[int, int] | None:
        """The longest match around an anchor hit [start, end), or None."""
        if self.last + 1 < len(self.slots):
            reached = self._reach(tokens, end, self.slots[self.last + 1 :], 1)
            if reached is None:
                return None
            end = reached
        if self.first:
            reached = self._reach(tokens, start - 1, self.slots[: self.first][::-1], -1)
            if reached is None:
                return None
            start = reached + 1
        return start, end

    @staticmethod
    def _reach(tokens: TokenArrays, at: int, slots: Sequence[Slot], step: int) -> int | None:
        """Farthest position reached by matching `slots` from `at` in direction `step`."""
        best: int | None = None
        stack = [(0, at)]
        while stack:
            k, j = stack.pop()
            if k == len(slots):
                best = j if best is None else (max(best, j) if step > 0 else min(best, j))
                continue
            words, optional = slots[k]
            if optional:
                stack.append((k + 1, j))
            if 0 <= j < len(tokens.lowers) and tokens.matches(j, words):
                stack.append((k + 1, j + step))
        return best


class TokenArrays:
    """LOWER hashes and LIKE_NUM flags of a doc's tokens, read once from C arrays."""

    def __init__(self, doc: Doc) -> None:
        self.lowers: list[int] = doc.to_array("LOWER").tolist()
        self._numbers: list[int] | None = None
        self._doc = doc

    def matches(self, i: int, words: frozenset[int]) -> bool:
        """Whether token `i` fills a slot (its LOWER in `words`, or a number for NUMBER)."""
        if NUMBER in words:
            if self._numbers is None:
                self._numbers = self._doc.to_array("LIKE_NUM").tolist()
            return bool(self._numbers[i])
        return self.lowers[i] in words


class CueMatcher:
    """Phrase strings and token patterns matched case-insensitively from one PhraseMatcher pass.

    A phrase is added whole. A token pattern adds the words of its anchor (its rarest required
    token) and is completed around each anchor hit by `TokenRule.span`.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[int, str] = {}
        self.token_rules: dict[int, TokenRule] = {}
        self.context_kinds: dict[int, str] = {}

    def add(self, label: str, pattern: str | list[dict[str, Any]]) -> None:
        """Add one rule's pattern under `label`; raises ValueError if it cannot match."""
        key = self.nlp.vocab.strings.add(label)
        if key in self.labels:
            raise ValueError(f"label {label!r} added twice")
        self.labels[key] = label
        if isinstance(pattern, str):
            words = [t.text for t in self.nlp.make_doc(pattern)]
            self.matcher.add(label, [self._doc(v) for v in _apostrophe_variants(words)])
            return
        slots = parse_slots(pattern, self._one_token)
        first, last = self._anchor(slots)
        hashed = tuple(
            (
                frozenset({NUMBER})
                if words is None
                else frozenset(self._hash(v) for w in words for v in _word_variants(w)),
                optional,
            )
            for words, optional in slots
        )
        self.token_rules[key] = TokenRule(hashed, first, last)
        choices = [
            [
                *sorted({v for w in words or [] for v in _word_variants(w)}),
                *([""] if optional else []),
            ]
            for words, optional in slots[first : last + 1]
        ]
        phrases = {tuple(w for w in words if w) for words in itertools.product(*choices)}
        self.matcher.add(label, [self._doc(list(words)) for words in sorted(phrases)])

    def add_context(self, kinds: Iterable[str] = KINDS) -> None:
        """Add the context lexicons, each kind under one label `ctx.<kind>`."""
        for kind in kinds:
            label = CTX + kind
            key = self.nlp.vocab.strings.add(label)
            self.labels[key] = label
            self.context_kinds[key] = kind
            docs = [
                self._doc(variant)
                for phrase in KINDS[kind]
                for variant in _apostrophe_variants([t.text for t in self.nlp.make_doc(phrase)])
            ]
            self.matcher.add(label, docs)

    def match(
        self, doc: Doc
    ) -> tuple[list[tuple[str, int, int]], dict[str, list[tuple[int, int]]]]:
        """The rule matches (label, start, end) in a stable order without duplicates, and the
        context hits grouped by kind."""
        tokens: TokenArrays | None = None
        labels, token_rules, kinds = self.labels, self.token_rules, self.context_kinds
        context: dict[str, list[tuple[int, int]]] = {}
        phrases: list[tuple[str, int, int]] = []
        completed: set[tuple[str, int, int]] = set()
        for key, start, end in self.matcher(doc):
            kind = kinds.get(key)
            if kind is not None:
                context.setdefault(kind, []).append((start, end))
                continue
            rule = token_rules.get(key)
            if rule is None:
                phrases.append((labels[key], start, end))
                continue
            if tokens is None:
                tokens = TokenArrays(doc)
            span = rule.span(tokens, start, end)
            if span is not None:
                completed.add((labels[key], *span))
        return phrases + sorted(completed), context

    def _doc(self, words: list[str]) -> Doc:
        return Doc(self.nlp.vocab, words=words)

    def _hash(self, word: str) -> int:
        return self.nlp.vocab.strings.add(word)

    def _anchor(self, slots: list[tuple[list[str] | None, bool]]) -> tuple[int, int]:
        """First and last slot of the anchor least likely to fire on ordinary text.

        Two required word slots with only optional word slots between (a word pair rarely
        occurs by chance) when they expand to few enough phrases; otherwise the single
        required slot with fewest stop words.
        """
        required = [i for i, (w, optional) in enumerate(slots) if w is not None and not optional]
        spans: list[tuple[tuple[bool, int], int, int]] = []
        for i in required:
            size = len(slots[i][0] or [])
            for k in range(i + 1, len(slots)):
                words, optional = slots[k]
                if words is None:
                    break
                if not optional:
                    size *= len(words)
                    if size <= MAX_ANCHOR_PHRASES:
                        stops = self._commonness(slots[i][0] or [])[0] > 0 and (
                            self._commonness(words)[0] > 0
                        )
                        spans.append(((stops, size), i, k))
                    break
                size *= len(words) + 1
        if spans:
            _, first, last = min(spans)
            return first, last
        single = min(required, key=lambda i: self._commonness(slots[i][0] or []))
        return single, single

    def _commonness(self, words: list[str]) -> tuple[int, int]:
        """How often an anchor slot would fire: stop words first, then the number of words."""
        return sum(self.nlp.vocab[w].is_stop or not w.isalpha() for w in words), len(words)

    def _one_token(self, word: str) -> bool:
        return len(self.nlp.make_doc(word)) == 1


def compile_rule(matcher: CueMatcher, where: str, rule: dict[str, Any]) -> None:
    """Add a rule loaded by `read_rules`, naming the file and rule when it cannot match."""
    try:
        matcher.add(rule["id"], rule["pattern"])
    except ValueError as exc:
        raise PatternError(f"{where}: rule {rule['id']!r}: {exc}") from exc


# --- Per-document context -------------------------------------------------------------------


class Hits:
    """Spans of one kind, sorted by start, with range queries by bisection."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """Spans that start in [start, end) and end by `end`."""
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [s for s in self.spans[lo:hi] if s[1] <= end]

    def any_within(self, start: int, end: int) -> bool:
        """True when some span lies in [start, end)."""
        return bool(self.within(start, end))


class LazyHits(dict[str, Hits]):
    """Hits by kind, each sorted and indexed only when first asked for."""

    def __init__(self, spans: dict[str, list[tuple[int, int]]]) -> None:
        super().__init__()
        self._spans = spans

    def __missing__(self, kind: str) -> Hits:
        hits = Hits(self._spans[kind])
        self[kind] = hits
        return hits

    def kinds(self) -> list[str]:
        """Every kind, whether indexed yet or not."""
        return list(self._spans)


@dataclass(frozen=True)
class Sentence:
    """Token bounds of a sentence (trailing whitespace trimmed) and its character span."""

    start: int
    end: int
    start_char: int
    end_char: int


class DocContext:
    """Context questions about cues in one document, answered from one matcher pass."""

    signal_window = 6
    weak_window = 3
    after_window = 8
    praise_negation_window = 6

    def __init__(self, doc: Doc, context: dict[str, list[tuple[int, int]]]) -> None:
        """`context`: the context hits by kind, as `CueMatcher.match` returns them."""
        self.doc = doc
        self.hits = LazyHits({kind: context.get(kind, []) for kind in KINDS})
        self._sent_starts = _sentence_starts(doc)
        self._sentences: dict[int, Sentence] = {}
        self._speakers: Speakers | None = None

    # Sentences and clauses

    def sentence(self, token: int) -> Sentence:
        """The sentence holding token `token`."""
        index = bisect_right(self._sent_starts, token) - 1
        cached = self._sentences.get(index)
        if cached is None:
            start = self._sent_starts[index]
            end = (
                self._sent_starts[index + 1]
                if index + 1 < len(self._sent_starts)
                else len(self.doc)
            )
            while end > start + 1 and self.doc[end - 1].is_space:
                end -= 1
            span = self.doc[start:end]
            cached = Sentence(start, end, span.start_char, span.end_char)
            self._sentences[index] = cached
        return cached

    def sentence_index(self, token: int) -> int:
        """Index (in document order) of the sentence holding token `token`."""
        return bisect_right(self._sent_starts, token) - 1

    def sentence_at(self, index: int) -> Sentence:
        """The sentence with index `index`."""
        return self.sentence(self._sent_starts[index])

    def clause(self, sent: Sentence, start: int, end: int) -> tuple[int, int]:
        """Bounds of the clause around [start, end): breaks inside the span are ignored."""
        left, right = sent.start, sent.end
        for b_start, b_end in self.hits["clause"].within(sent.start, sent.end):
            if b_end <= start:
                left = max(left, b_end)
            elif b_start >= end:
                right = min(right, b_start)
                break
        return left, right

    def _scope_clear(self, start: int, end: int) -> bool:
        """True when no scope break lies in [start, end)."""
        return not self.hits["scope"].any_within(start, end)

    # Negation

    def strongly_negated(self, sent: Sentence, start: int, end: int) -> bool:
        """A denial governs the cue: "no evidence that …" before it, "… was not a factor" after."""
        for _, n_end in self.hits["neg_before"].within(sent.start, start):
            if n_end <= start and self._scope_clear(n_end, start):
                return True
        for n_start, _ in self.hits["neg_after"].within(
            end, min(sent.end, end + self.after_window)
        ):
            if self._scope_clear(end, n_start):
                return True
        return False

    def noun_denied(self, sent: Sentence, start: int, end: int) -> bool:
        """A negator just before a topic and a concern noun just after: "no staffing concerns"."""
        before = self.hits["negator"].within(max(sent.start, start - 1), start)
        return bool(before) and self.hits["concern_noun"].any_within(end, min(sent.end, end + 1))

    def weakly_negated(self, sent: Sentence, start: int) -> bool:
        """A negator just before the cue, in its clause: "there was no delay", "without delay"."""
        left, _ = self.clause(sent, start, start + 1)
        lo = max(left, start - self.weak_window)
        return any(n_end <= start for _, n_end in self.hits["negator"].within(lo, start))

    # Failure signals and praise

    def _negated_praise(self, left: int, right: int) -> list[tuple[int, int]]:
        """Praise in [left, right) with a negator shortly before it: "not adequately"."""
        found = []
        for p_start, p_end in self.hits["praise"].within(left, right):
            lo = max(left, p_start - self.praise_negation_window)
            if any(
                n_end <= p_start
                for kind in ("negator", "praise_negator")
                for _, n_end in self.hits[kind].within(lo, p_start)
            ):
                found.append((p_start, p_end))
        return found

    def signal(
        self,
        kind: str,
        sent: Sentence,
        start: int,
        end: int,
        claimed: Sequence[tuple[int, int]] = (),
    ) -> tuple[int, int] | None:
        """The failure signal of `kind` nearest the cue within its clause and window, if any.

        Negated praise counts as a failure signal ("not carried out in a timely manner").
        Signals inside the cue do not count (a topic cue cannot license itself), nor do those
        inside a `claimed` span: the "not" of "had not been trained" belongs to that finding.
        """
        left, right = self.clause(sent, start, end)
        left, right = max(left, start - self.signal_window), min(right, end + self.signal_window)
        spans = self._negated_praise(left, right)
        for words in SIGNALS[kind]:
            spans += self.hits[words].within(left, right)
        outside = [
            s
            for s in spans
            if (s[1] <= start or s[0] >= end)
            and not any(c0 <= s[0] and s[1] <= c1 for c0, c1 in claimed)
        ]
        if not outside:
            return None
        return min(outside, key=lambda s: _distance(s, start, end))

    def signal_denied(self, sent: Sentence, signal: tuple[int, int]) -> bool:
        """A failure word itself negated ("there were no delays"): the finding is denied.

        Negators and negated praise are failure signals because of their negation, so they
        are never denied by it.
        """
        if self.hits["negator"].within(signal[0], signal[1]):
            return False
        if signal in self.hits["praise"].within(signal[0], signal[1]):
            return False
        return self.weakly_negated(sent, signal[0])

    def praised(self, sent: Sentence, start: int, end: int, signal: tuple[int, int]) -> bool:
        """Praise in the clause nearer the cue than its failure signal ("escalated promptly")."""
        left, right = self.clause(sent, start, end)
        negated = set(self._negated_praise(left, right))
        limit = _distance(signal, start, end)
        for span in self.hits["praise"].within(left, right):
            if span in negated or (span[0] < end and span[1] > start):
                continue
            if _distance(span, start, end) < limit:
                return True
        return False

    def reassuring(self, sent: Sentence) -> bool:
        """A reassurance not itself negated ("we are confident services are safe")."""
        for r_start, _ in self.hits["reassure"].within(sent.start, sent.end):
            lo = max(sent.start, r_start - self.weak_window)
            if not any(n_end <= r_start for _, n_end in self.hits["negator"].within(lo, r_start)):
                return True
        return False

    def has_kind(self, kind: str, sent: Sentence) -> bool:
        """True when the sentence holds a hit of `kind`."""
        return self.hits[kind].any_within(sent.start, sent.end)

    def near(self, kinds: Iterable[str], sent: Sentence, start: int, end: int, window: int) -> bool:
        """True when a hit of one of `kinds` lies within `window` tokens of [start, end)."""
        lo, hi = max(sent.start, start - window), min(sent.end, end + window)
        return any(
            s[1] <= start or s[0] >= end for kind in kinds for s in self.hits[kind].within(lo, hi)
        )

    # Speakers

    def speaker(self, sent: Sentence, at: int) -> str:
        """Who states the sentence: regulator, provider, patient/family, politician, other."""
        if self._speakers is None:
            self._speakers = Speakers(self)
        return self._speakers.speaker(sent, at)


def _sentence_starts(doc: Doc) -> list[int]:
    """Token indices where sentences start, read from the C array (no Token objects)."""
    if len(doc) == 0 or not doc.has_annotation("SENT_START"):
        return [0]
    starts = numpy.flatnonzero(doc.to_array("SENT_START") == 1).tolist()
    return starts if starts and starts[0] == 0 else [0, *starts]


def _distance(span: tuple[int, int], start: int, end: int) -> int:
    if span[1] <= start:
        return start - span[1]
    if span[0] >= end:
        return span[0] - end
    return 0


# --- Attribution ----------------------------------------------------------------------------

PRONOUN = "pronoun"
QUOTE_MARKS = ("“", "”", '"')
# Whitespace tokens holding a line break (stored text has at most a blank line between
# paragraphs; other spacing is covered for unnormalised input), quotation marks and colons.
LAYOUT_TOKENS = {
    **{a + "\n" * n + b: "\n" for n in range(1, 5) for a in ("", " ") for b in ("", " ")},
    **{mark: mark for mark in QUOTE_MARKS},
    ":": ":",
}
LAYOUT_HASHES = {StringStore().add(text): kind for text, kind in LAYOUT_TOKENS.items()}


class Speakers:
    """Attribution of sentences and quotations to a kind of speaker, computed on demand.

    A cue inside quotation marks belongs to whoever the quotation is attributed to (in the
    unquoted words of its paragraph, or in an earlier paragraph the quotation continues from);
    otherwise to the role or known name next to a reporting verb in the sentence ("inspectors
    said", "said Lord Darzi"). A pronoun ("he added") takes the last speaker named before.
    """

    before_gap = 3
    after_gap = 2
    look_back = 8

    def __init__(self, ctx: DocContext) -> None:
        self.ctx = ctx
        self.doc = ctx.doc
        roles: list[tuple[int, int, str]] = []
        for kind in ctx.hits.kinds():
            if kind.startswith(("role.", "self.")):
                roles.extend((s, e, kind) for s, e in ctx.hits[kind].spans)
        self.roles = _longest_first(roles)
        self.role_starts = [s for s, _, _ in self.roles]
        self._names: dict[int, str] | None = None
        self._quotes: dict[int, list[tuple[int, int]]] = {}
        self._layout()

    def _layout(self) -> None:
        """Line breaks, quotation marks and colons by token index, from the ORTH array."""
        kinds = LAYOUT_HASHES
        marked = [
            (i, kinds[orth])
            for i, orth in enumerate(self.doc.to_array("ORTH").tolist())
            if orth in kinds
        ]
        self.breaks = [i for i, kind in marked if kind == "\n"]
        self.colons = {i for i, kind in marked if kind == ":"}
        self.marks = [(i, kind) for i, kind in marked if kind in QUOTE_MARKS]
        self.mark_at = [i for i, _ in self.marks]
        self._words: tuple[list[int], list[bool]] | None = None

    def _word_flags(self) -> tuple[list[int], list[bool]]:
        """LOWER hashes, and whether each token could be part of a name (read on first use)."""
        if self._words is None:
            flags = self.doc.to_array(["LOWER", "IS_TITLE", "IS_ALPHA", "IS_STOP"])
            name_like = (flags[:, 1] == 1) & (flags[:, 2] == 1) & (flags[:, 3] == 0)
            self._words = flags[:, 0].tolist(), name_like.tolist()
        return self._words

    def speaker(self, sent: Sentence, at: int) -> str:
        para = self._paragraph(at)
        if self._quote_at(para, at) is not None:
            return self._quote_speaker(para, depth=0)
        found = self._attribution(sent.start, sent.end, self._quotes_of(para))
        if found == PRONOUN:
            found = self._previous(sent.start)
        return found or "other"

    # Paragraphs (token ranges between line breaks) and quotations

    def _paragraph(self, token: int) -> tuple[int, int]:
        k = bisect_right(self.breaks, token)
        start = self.breaks[k - 1] + 1 if k > 0 else 0
        end = self.breaks[k] if k < len(self.breaks) else len(self.doc)
        return start, end

    def _quotes_of(self, para: tuple[int, int]) -> list[tuple[int, int]]:
        """Token spans of the quotations in a paragraph (an unclosed one runs to its end)."""
        cached = self._quotes.get(para[0])
        if cached is not None:
            return cached
        spans: list[tuple[int, int]] = []
        opened: int | None = None
        lo, hi = bisect_left(self.mark_at, para[0]), bisect_left(self.mark_at, para[1])
        for i, mark in self.marks[lo:hi]:
            if opened is None and mark in ("“", '"'):
                opened = i
            elif opened is not None and mark in ("”", '"'):
                spans.append((opened, i + 1))
                opened = None
        if opened is not None:
            spans.append((opened, para[1]))
        self._quotes[para[0]] = spans
        return spans

    def _quote_at(self, para: tuple[int, int], token: int) -> tuple[int, int] | None:
        for q_start, q_end in self._quotes_of(para):
            if q_start <= token < q_end:
                return q_start, q_end
        return None

    def _quote_speaker(self, para: tuple[int, int], depth: int) -> str:
        """The speaker of the quotations in a paragraph, following continued quotations back."""
        quotes = self._quotes_of(para)
        found = self._attribution(para[0], para[1], quotes)
        if found and found != PRONOUN:
            return found
        continued = found is None and bool(quotes) and quotes[0][0] == para[0]
        previous = self._previous_paragraph(para) if continued and depth < 10 else None
        if previous is not None and self._ends_open(previous):
            return self._quote_speaker(previous, depth=depth + 1)
        return self._previous(para[0]) or "other"

    def _previous_paragraph(self, para: tuple[int, int]) -> tuple[int, int] | None:
        """The nearest earlier paragraph that has words."""
        pos = para[0] - 1
        while pos >= 0:
            prev = self._paragraph(pos)
            if prev[1] > prev[0]:
                return prev
            pos = prev[0] - 1
        return None

    def _ends_open(self, para: tuple[int, int]) -> bool:
        """True when a paragraph's last quotation is unclosed or it ends with a colon."""
        quotes = self._quotes_of(para)
        if quotes and quotes[-1][1] == para[1]:
            last_mark = self.marks[bisect_left(self.mark_at, para[1]) - 1]
            if last_mark[0] == quotes[-1][0]:
                return True
        return para[1] - 1 in self.colons

    # Roles, names and reporting verbs

    def _roles_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        lo, hi = bisect_left(self.role_starts, start), bisect_left(self.role_starts, end)
        found = [r for r in self.roles[lo:hi] if r[1] <= end]
        names = self._name_map()
        if names:
            lowers, name_like = self._word_flags()
            for i in range(start, end):
                if name_like[i] and lowers[i] in names:
                    found.append((i, i + 1, "role." + names[lowers[i]]))
        return found

    def _attribution(self, start: int, end: int, quotes: list[tuple[int, int]]) -> str | None:
        """The role attributed in tokens [start, end) outside `quotes`; PRONOUN; or None."""

        def outside(span: tuple[int, int, str] | tuple[int, int]) -> bool:
            return not any(q0 <= span[0] < q1 for q0, q1 in quotes)

        roles = [r for r in self._roles_in(start, end) if outside(r)]
        for _, _, kind in roles:
            if kind.startswith("self."):
                return kind.split(".", 1)[1]
        verbs = [v for v in self.ctx.hits["verb"].within(start, end) if outside(v)]
        if not verbs:
            return None
        pronouns = [p for p in self.ctx.hits["pronoun"].within(start, end) if outside(p)]
        best: tuple[int, str] | None = None
        for v_start, v_end in verbs:
            for r_start, r_end, kind in roles:
                if r_end <= v_start and v_start - r_end <= self.before_gap:
                    score = v_start - r_end
                elif r_start >= v_end and r_start - v_end <= self.after_gap:
                    score = 10 + r_start - v_end
                else:
                    continue
                if best is None or score < best[0]:
                    best = (score, kind.split(".", 1)[1])
            for _, p_end in pronouns:
                if p_end <= v_start and v_start - p_end <= 1 and (best is None or best[0] > 20):
                    best = (20, PRONOUN)
        if best is not None:
            return best[1]
        first_verb = verbs[0][0]
        earlier = [r for r in roles if r[1] <= first_verb]
        return earlier[0][2].split(".", 1)[1] if earlier else None

    def _previous(self, token: int) -> str | None:
        """The last speaker named explicitly in the few sentences before `token`."""
        index = self.ctx.sentence_index(token)
        for back in range(index - 1, max(-1, index - 1 - self.look_back), -1):
            sent = self.ctx.sentence_at(back)
            found = self._attribution(
                sent.start, sent.end, self._quotes_of(self._paragraph(sent.start))
            )
            if found and found != PRONOUN:
                return found
        return None

    def _name_map(self) -> dict[int, str]:
        """Surnames standing beside a role: "MP Margot James", "Diane Wake, chief executive".

        The last word of a run of capitalised words (LOWER hash) is kept when the run has two
        words or follows an honorific, so "Mrs Wake told …" later resolves to the same role.
        """
        if self._names is not None:
            return self._names
        strings = self.doc.vocab.strings
        skip = {strings.add(w) for w in NAME_SKIP}
        honorifics = {strings.add(w) for w in HONORIFICS}
        names: dict[int, str] = {}
        if not any(kind.startswith("role.") for _, _, kind in self.roles):
            self._names = names
            return names
        lowers, name_like = self._word_flags()

        def remember(start: int, end: int, role: str) -> None:
            words = [w for w in lowers[start:end] if w not in honorifics]
            honoured = any(w in honorifics for w in lowers[max(0, start - 1) : end])
            if words and (len(words) >= 2 or honoured):
                names.setdefault(words[-1], role)

        for start, end, kind in self.roles:
            if not kind.startswith("role."):
                continue
            role = kind.split(".", 1)[1]
            i, skipped = start - 1, 0
            while i >= 0 and lowers[i] in skip and skipped < 3:
                i, skipped = i - 1, skipped + 1
            left = i
            while i >= 0 and name_like[i]:
                i -= 1
            if left > i:
                remember(i + 1, left + 1, role)
            j = end
            while j < len(lowers) and name_like[j]:
                j += 1
            if j > end:
                remember(end, j, role)
        self._names = names
        return names


HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "professor", "prof", "sir", "dame", "lord",
              "baroness", "lady", "cllr", "councillor"}  # fmt: skip


def _longest_first(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop spans overlapping a longer one (ties: the first); sorted by start."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return sorted(kept)
