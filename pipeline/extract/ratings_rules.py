"""Load the CQC ratings rules from `patterns/` and compile them into matchers and word sets.

The rules are data (docs/annotation.md, "CQC ratings"): the rating words, the domains, the
services, the cues that make a rating word a regulator's rating, and the word lists consulted
around it. This module checks every file on load, so that a malformed rule stops the pipeline
at start-up, naming its file and id, instead of silently matching nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from pipeline.errors import PatternError
from pipeline.extract.patterns_io import read_rules

RATINGS = ("outstanding", "good", "requires improvement", "inadequate")
DOMAINS = ("overall", "safe", "effective", "caring", "responsive", "well-led")
CUE_KINDS = (
    "left",
    "right",
    "domain-after",
    "transition",
    "transition-reverse",
    "label",
    "quoted",
    "title-case",
)
# Kinds judged from the rating word itself; their patterns are documentation, not matched.
UNMATCHED_KINDS = ("quoted", "title-case")
CONTEXT_ROLES = ("context-rating", "context-cqc", "context-regulator", "context-exclude")
WORD_ROLES = (
    "forward-filler",
    "backward-filler",
    "connector",
    "follower",
    "boundary",
    "blocker",
    "movement",
    "label-filler",
    "bullet",
    "year-before",
    "year-after",
    "year-skip",
    "service-preposition",
    "subject-reset",
    "clause-break",
    "service-anaphor",
    "anaphor-determiner",
    "anaphor-follower",
    "org-location",
    "subject-pronoun",
)

Match = tuple[int, int, "Term"]


@dataclass(frozen=True)
class Term:
    """A lexicon entry: a rating word, a domain or a service, with its normal form."""

    id: str
    value: str
    attributive: bool = False
    not_followed_by: frozenset[str] = frozenset()
    not_preceded_by: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CueRule:
    """A context that makes a rating word a rating (see patterns/ratings.jsonl)."""

    id: str
    kind: str
    strong: bool
    context: str | None  # "rating" or "any"; weak rules only
    skip: frozenset[str] | None  # words allowed in a left gap; None: any non-boundary word
    max_gap: int
    previous: str | None  # "same" or "only"
    ratings: frozenset[str] | None  # ratings the rule applies to; None: all
    loose: bool = False  # skip "**": the gap may hold any words and asides within the sentence
    last: frozenset[str] | None = None  # the word the gap must end in ("rated … as")

    def applies_to(self, rating: str) -> bool:
        """Whether this rule may fire for `rating`."""
        return self.ratings is None or rating in self.ratings


class TermMatcher:
    """Finds lexicon terms: phrases on LOWER, token patterns where case matters.

    Overlapping matches resolve to the longest ("community end of life service" over "end of
    life service"); neighbour guards (`not_followed_by`, `not_preceded_by`) drop the rest.
    """

    def __init__(self, nlp: Language, filename: str, terms: Iterable[tuple[Term, Any]]) -> None:
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab)
        self.terms: dict[int, Term] = {}
        self.first_words: set[str] = set()  # first word of every phrase, for cheap look-ahead
        for term, pattern in terms:
            key = nlp.vocab.strings.add(term.id)
            self.terms[key] = term
            if isinstance(pattern, str):
                phrase = nlp.make_doc(pattern)
                self.phrases.add(term.id, [phrase])
                self.first_words.add(phrase[0].lower_)
            else:
                _add_token_pattern(self.tokens, filename, term.id, pattern)

    def __call__(self, doc: Doc, start: int = 0, end: int | None = None) -> list[Match]:
        """Non-overlapping matches in tokens start..end, in document positions, by start."""
        part = doc[start : len(doc) if end is None else end]
        spans = self.phrases(part, as_spans=True)
        if len(self.tokens):
            spans += self.tokens(part, as_spans=True)
        found = [(span.start, span.end, self.terms[span.label]) for span in spans]
        found.sort(key=lambda m: (m[0] - m[1], m[0]))
        taken: set[int] = set()
        kept: list[Match] = []
        for first, last, term in found:
            if taken.intersection(range(first, last)) or not _neighbours_ok(doc, first, last, term):
                continue
            taken.update(range(first, last))
            kept.append((first, last, term))
        kept.sort(key=lambda m: m[0])
        return kept


@dataclass
class RatingRules:
    """Everything the ratings component needs, compiled once per pipeline."""

    anchors: TermMatcher
    domains: TermMatcher
    services: TermMatcher
    cues: Matcher
    cue_rules: dict[str, CueRule]  # in priority order
    cue_keys: dict[int, CueRule]  # match key -> rule
    context: PhraseMatcher
    context_keys: dict[int, str]  # match key -> role
    words: dict[str, frozenset[str]] = field(default_factory=dict)

    def word_set(self, role: str) -> frozenset[str]:
        """The words of one role in rating_context.jsonl (empty if none were given)."""
        return self.words.get(role, frozenset())


def load_rating_rules(
    nlp: Language, rules: str, words: str, domains: str, services: str, context: str
) -> RatingRules:
    """Read and compile the five rule files named by the component's config."""
    anchors = TermMatcher(nlp, words, _terms(words, "rating", RATINGS))
    domain_matcher = TermMatcher(nlp, domains, _terms(domains, "domain", DOMAINS))
    service_matcher = TermMatcher(nlp, services, _terms(services, "service", None))
    cue_rules, cue_matcher = _cues(nlp, rules)
    context_matcher, word_sets = _context(nlp, context)
    return RatingRules(
        anchors=anchors,
        domains=domain_matcher,
        services=service_matcher,
        cues=cue_matcher,
        cue_rules=cue_rules,
        cue_keys={nlp.vocab.strings[rule_id]: rule for rule_id, rule in cue_rules.items()},
        context=context_matcher,
        context_keys={nlp.vocab.strings[role]: role for role in CONTEXT_ROLES},
        words=word_sets,
    )


def _terms(
    filename: str, value_key: str, allowed: tuple[str, ...] | None
) -> list[tuple[Term, Any]]:
    rows = read_rules(
        filename,
        required={value_key: str},
        allowed={value_key: allowed} if allowed else None,
    )
    terms = []
    for row in rows:
        attributive = row.get("attributive", False)
        if not isinstance(attributive, bool):
            raise PatternError(f"{filename}: rule {row['id']!r} needs a true/false 'attributive'")
        term = Term(
            id=row["id"],
            value=row[value_key],
            attributive=attributive,
            not_followed_by=_word_list(filename, row, "not_followed_by"),
            not_preceded_by=_word_list(filename, row, "not_preceded_by"),
        )
        terms.append((term, row["pattern"]))
    return terms


def _cues(nlp: Language, filename: str) -> tuple[dict[str, CueRule], Matcher]:
    rows = read_rules(
        filename,
        required={"kind": str, "strength": str},
        allowed={
            "kind": CUE_KINDS,
            "strength": ("strong", "weak"),
            "context": ("rating", "any"),
            "previous": ("same", "only"),
        },
    )
    matcher = Matcher(nlp.vocab)
    rules: dict[str, CueRule] = {}
    for row in rows:
        rule_id = row["id"]
        strong = row["strength"] == "strong"
        if not strong and "context" not in row:
            raise PatternError(f"{filename}: weak rule {rule_id!r} needs a 'context'")
        skip = row.get("skip", [])
        loose = skip == "**"
        max_gap = row.get("max_gap", 0)
        if isinstance(max_gap, bool) or not isinstance(max_gap, int) or max_gap < 0:
            raise PatternError(f"{filename}: rule {rule_id!r} needs a whole 'max_gap' >= 0")
        ratings = _word_list(filename, row, "ratings")
        if not ratings <= set(RATINGS):
            raise PatternError(f"{filename}: rule {rule_id!r} names unknown ratings")
        if not isinstance(row["pattern"], list):
            raise PatternError(f"{filename}: rule {rule_id!r} needs a token pattern")
        rules[rule_id] = CueRule(
            id=rule_id,
            kind=row["kind"],
            strong=strong,
            context=row.get("context"),
            skip=None if skip in ("*", "**") else _word_list(filename, row, "skip"),
            max_gap=max_gap,
            previous=row.get("previous"),
            ratings=ratings or None,
            loose=loose,
            last=_word_list(filename, row, "last") or None,
        )
        if row["kind"] not in UNMATCHED_KINDS:
            _add_token_pattern(matcher, filename, rule_id, row["pattern"])
    return rules, matcher


def _context(nlp: Language, filename: str) -> tuple[PhraseMatcher, dict[str, frozenset[str]]]:
    rows = read_rules(
        filename, required={"role": str}, allowed={"role": CONTEXT_ROLES + WORD_ROLES}
    )
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    words: dict[str, set[str]] = {}
    for row in rows:
        role, pattern = row["role"], row["pattern"]
        if role in CONTEXT_ROLES:
            if not isinstance(pattern, str):
                raise PatternError(f"{filename}: context rule {row['id']!r} needs a phrase")
            phrases.add(role, [nlp.make_doc(pattern)])
            continue
        words.setdefault(role, set()).update(_word_set_pattern(filename, row["id"], pattern))
    return phrases, {role: frozenset(values) for role, values in words.items()}


def _word_set_pattern(filename: str, rule_id: str, pattern: Any) -> set[str]:
    """The words of a one-token pattern `[{"LOWER": {"IN": [...]}}]`."""
    try:
        (token,) = pattern
        values = token["LOWER"]["IN"]
    except (TypeError, ValueError, KeyError) as exc:
        raise PatternError(
            f"{filename}: rule {rule_id!r} must be one token {{'LOWER': {{'IN': [...]}}}}"
        ) from exc
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PatternError(f"{filename}: rule {rule_id!r} must list strings")
    return {v.lower() for v in values}


def _word_list(filename: str, row: dict[str, Any], key: str) -> frozenset[str]:
    values = row.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PatternError(f"{filename}: rule {row['id']!r} needs {key!r} as a list of strings")
    return frozenset(v.lower() for v in values)


def _add_token_pattern(matcher: Matcher, filename: str, rule_id: str, pattern: Any) -> None:
    try:
        matcher.add(rule_id, [pattern])
    except (MatchPatternError, ValueError, KeyError, TypeError) as exc:
        raise PatternError(f"{filename}: rule {rule_id!r} has an invalid token pattern") from exc


def _neighbours_ok(doc: Doc, start: int, end: int, term: Term) -> bool:
    if term.not_followed_by and end < len(doc) and doc[end].lower_ in term.not_followed_by:
        return False
    return not (
        term.not_preceded_by and start > 0 and doc[start - 1].lower_ in term.not_preceded_by
    )
