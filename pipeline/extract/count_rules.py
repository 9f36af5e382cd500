"""The counts extractor's rules (`patterns/counts.jsonl`), loaded into look-up tables.

Every rule has an `id` and a `family` saying what it is for:

- `anchor`: a one-token spaCy pattern (`LIKE_NUM`, `IS_ALPHA`, `IS_DIGIT`, `ORTH`, `LOWER`,
  `SHAPE`; a value or `{"IN": [...]}`) marking where a count may start, with a `kind`
  (`number`, `money`). See `Anchors` for why these are not run through spaCy's
  `Matcher`.
- `qualifier`: a phrase right before the number, with the contract's `qualifier` value;
  `not_after` lists words after which the phrase is a preposition ("concerns about 43 cases").
- `block_before` / `block_after`: phrases right before the number (after any qualifier) or
  right after it that make it a name, code, age, time or multiplier rather than a count.
- `clock_after`: unit words that, after a clock-like numeral ("23.00 hours"), give a time.
- `clock_before`: words before a clock-like numeral with a point or colon ("at 19.30") that
  make it a time of day.
- `age_unit`: units that, after a name and a comma ("Joanna Smith, 32 years"), give an age.
- `date_word`: month and weekday names; a number beside one is a date. `case_sensitive`
  rules ("May", "March") only match capitalised.
- `not_count_number`: numerals that are names ("999", "111").
- `not_name`: capitalised words before a number that do not make it a name ("Overall 12").
- `one_before` / `one_after`: words around "one" that make it a pronoun ("no one", "one of").
- `qualifier_after`: a phrase right after the number ("3 or more", "40+ hours"), with the
  contract's `qualifier` value.
- `parent_of`: "father of two": the number after the phrase counts the `what` of the rule.
- `range`: connectors of "10-15", "10 to 15", "between 10 and 15" (`needs` "between").
- `denominator`: "of", "out of", "in" before the Y of "X of Y".
- `determiner`, `antecedent`, `fraction`, `modifier`, `pass_through`, `percent_no_sign`: see
  `counts.py`; `not_head`: words never the lone counted thing after "one" ("one known as").

Phrases are compared lower-case, token by token (split on spaces).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy import attrs as spacy_attrs
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.errors import PatternError
from pipeline.extract.count_tokens import TokenView
from pipeline.extract.numbers import NUMBER_WORDS
from pipeline.extract.patterns_io import read_rules

QUALIFIERS = ("at least", "more than", "fewer than", "about", "up to")
FAMILIES = (
    "anchor",
    "qualifier",
    "block_before",
    "block_after",
    "clock_after",
    "clock_before",
    "age_unit",
    "date_word",
    "not_count_number",
    "not_name",
    "one_before",
    "one_after",
    "qualifier_after",
    "parent_of",
    "range",
    "denominator",
    "determiner",
    "antecedent",
    "fraction",
    "modifier",
    "not_head",
    "pass_through",
    "percent_no_sign",
)
ANCHOR_KINDS = ("number", "money", "glued")
_BOOL_ATTRS = ("LIKE_NUM", "IS_ALPHA", "IS_DIGIT")
_STRING_ATTRS = ("ORTH", "LOWER", "SHAPE")


def phrase_key(phrase: str) -> tuple[str, ...]:
    """A phrase as the tuple of lower-case tokens the tables are keyed by."""
    return tuple(phrase.lower().split())


class PhraseTable:
    """Phrases of one family, matched token by token before or after a position."""

    def __init__(self, rules: Iterable[dict[str, Any]]) -> None:
        self.rules: dict[tuple[str, ...], dict[str, Any]] = {}
        for rule in rules:
            self.rules[phrase_key(rule["pattern"])] = rule
        self.longest = max((len(k) for k in self.rules), default=0)
        self.words = {w for key in self.rules for w in key}

    def __contains__(self, word: object) -> bool:
        return (word,) in self.rules

    def ending_at(self, view: TokenView, k: int) -> tuple[dict[str, Any], int] | None:
        """The longest phrase whose last token is `k`, with the index of its first token."""
        if view.lower(k) not in self.words:
            return None
        for size in range(min(self.longest, k + 1), 0, -1):
            key = tuple(view.lower(j) for j in range(k - size + 1, k + 1))
            if key in self.rules:
                return self.rules[key], k - size + 1
        return None

    def at(self, view: TokenView, k: int) -> tuple[dict[str, Any], int] | None:
        """The longest phrase whose first token is `k`, with the index just after it."""
        if view.lower(k) not in self.words:
            return None
        for size in range(self.longest, 0, -1):
            rule = self.rules.get(tuple(view.lower(j) for j in range(k, k + size)))
            if rule is not None:
                return rule, k + size
        return None

    def starting_at(self, words: list[str]) -> dict[str, Any] | None:
        """The longest phrase that `words` (already normalised) starts with."""
        if not words or words[0] not in self.words:
            return None
        for size in range(min(self.longest, len(words)), 0, -1):
            rule = self.rules.get(tuple(words[:size]))
            if rule is not None:
                return rule
        return None


@dataclass(frozen=True)
class AnchorRule:
    """One compiled single-token anchor pattern."""

    id: str
    kind: str
    tests: tuple[tuple[int, tuple[int, ...]], ...]  # (attribute id, accepted values)


class Anchors:
    """Token indices where a count may start, from single-token `anchor` rules.

    spaCy's `Matcher` runs its state machine over every token; on long reports that costs
    more than the whole sentencizer. An anchor is one token with fixed attribute values, so
    the rules are compiled to vectorised comparisons over one `Doc.to_array` call. The array
    always includes `ORTH`, handed on so that neighbouring texts can be read without
    building `Token` objects (see `count_tokens`).
    """

    def __init__(self, vocab: Vocab, rules: Iterable[dict[str, Any]], source: str) -> None:
        self.rules = [_compile_anchor(vocab, rule, source) for rule in rules]
        self.kinds = {rule.id: rule.kind for rule in self.rules}
        used = {attr for rule in self.rules for attr, _ in rule.tests}
        self.columns = [spacy_attrs.ORTH] + sorted(used - {spacy_attrs.ORTH})
        self._tests = [
            (rule.id, [(self.columns.index(attr), values) for attr, values in rule.tests])
            for rule in self.rules
        ]

    def __call__(self, doc: Doc) -> tuple[list[tuple[int, str]], list[int]]:
        """(token index, anchor rule id) pairs in document order, and the tokens' ORTH ids."""
        if not len(doc):
            return [], []
        table = doc.to_array(self.columns).reshape(len(doc), len(self.columns))
        columns = [table[:, j] for j in range(len(self.columns))]
        found: list[tuple[str, list[int]]] = []
        for rule_id, tests in self._tests:
            mask: Any = None
            for column, values in tests:
                test = columns[column] == values[0]
                for value in values[1:]:
                    test |= columns[column] == value
                mask = test if mask is None else mask & test
            hits = np.flatnonzero(mask).tolist()
            if hits:
                found.append((rule_id, hits))
        if len(found) == 1:  # the usual case: only numbers, no "£" or "dozen"
            rule_id, hits = found[0]
            return [(i, rule_id) for i in hits], columns[0].tolist()
        first: dict[int, str] = {}
        for rule_id, hits in found:
            for i in hits:
                first.setdefault(i, rule_id)
        return sorted(first.items()), columns[0].tolist()


def _compile_anchor(vocab: Vocab, rule: dict[str, Any], source: str) -> AnchorRule:
    where = f"{source}: anchor {rule['id']!r}"
    pattern = rule["pattern"]
    if not isinstance(pattern, list) or len(pattern) != 1:
        raise PatternError(f"{where} must be a one-token pattern")
    tests: list[tuple[int, tuple[int, ...]]] = []
    for key, value in pattern[0].items():
        attr: int = getattr(spacy_attrs, key, 0)
        if key in _BOOL_ATTRS and isinstance(value, bool):
            tests.append((attr, (int(value),)))
        elif key in _STRING_ATTRS and isinstance(value, str):
            tests.append((attr, (vocab.strings.add(value),)))
        elif key in _STRING_ATTRS and _is_in_list(value) and value["IN"]:
            tests.append((attr, tuple(vocab.strings.add(v) for v in value["IN"])))
        else:
            raise PatternError(f"{where}: unsupported {key}={value!r}")
    if not tests:
        raise PatternError(f"{where} has no test")
    return AnchorRule(rule["id"], rule["kind"], tuple(tests))


def _is_in_list(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and list(value) == ["IN"]
        and isinstance(value["IN"], list)
        and all(isinstance(v, str) for v in value["IN"])
    )


@dataclass
class CountRules:
    """The families of `counts.jsonl`, ready for look-up."""

    anchors: list[dict[str, Any]]
    qualifiers: PhraseTable
    block_before: PhraseTable
    block_after: PhraseTable
    clock_after: PhraseTable
    clock_before: frozenset[str]
    age_units: frozenset[str]
    date_words: dict[str, bool]  # lower-case word -> case sensitive
    not_count_numbers: frozenset[str]
    not_names: frozenset[str]
    one_before: frozenset[str]
    one_after: frozenset[str]
    ranges: dict[str, dict[str, Any]]
    denominators: PhraseTable
    determiners: PhraseTable
    antecedents: frozenset[str]
    fractions: frozenset[str]
    modifiers: frozenset[str]
    not_heads: frozenset[str]
    pass_through: PhraseTable
    qualifiers_after: PhraseTable = field(default_factory=lambda: PhraseTable(()))
    parents: PhraseTable = field(default_factory=lambda: PhraseTable(()))
    percent_no_sign: dict[str, Any] = field(default_factory=dict)
    follow_words: frozenset[str] = frozenset()  # function words that may follow a number

    @classmethod
    def load(cls, filename: str) -> CountRules:
        """Read and check `filename` from the patterns package."""
        rules = read_rules(
            filename,
            required={"family": str},
            allowed={"family": FAMILIES, "qualifier": QUALIFIERS, "kind": ANCHOR_KINDS},
        )
        by_family: dict[str, list[dict[str, Any]]] = {name: [] for name in FAMILIES}
        for rule in rules:
            _check_family_keys(filename, rule)
            if "not_after" in rule:
                rule["not_after"] = frozenset(w.lower() for w in rule["not_after"])
            by_family[rule["family"]].append(rule)

        def words(name: str) -> frozenset[str]:
            return frozenset(" ".join(phrase_key(r["pattern"])) for r in by_family[name])

        percent = by_family["percent_no_sign"]
        return cls(
            anchors=by_family["anchor"],
            qualifiers=PhraseTable(by_family["qualifier"]),
            block_before=PhraseTable(by_family["block_before"]),
            block_after=PhraseTable(by_family["block_after"]),
            clock_after=PhraseTable(by_family["clock_after"]),
            clock_before=words("clock_before"),
            age_units=words("age_unit"),
            date_words={
                r["pattern"].lower(): bool(r.get("case_sensitive")) for r in by_family["date_word"]
            },
            not_count_numbers=frozenset(r["pattern"] for r in by_family["not_count_number"]),
            not_names=words("not_name"),
            one_before=words("one_before"),
            one_after=words("one_after"),
            ranges={r["pattern"].lower(): r for r in by_family["range"]},
            denominators=PhraseTable(by_family["denominator"]),
            determiners=PhraseTable(by_family["determiner"]),
            antecedents=words("antecedent"),
            fractions=words("fraction"),
            modifiers=words("modifier"),
            not_heads=words("not_head"),
            pass_through=PhraseTable(by_family["pass_through"]),
            qualifiers_after=PhraseTable(by_family["qualifier_after"]),
            parents=PhraseTable(by_family["parent_of"]),
            percent_no_sign=percent[0] if percent else {},
            follow_words=frozenset(
                phrase_key(r["pattern"])[0]
                for name in (
                    "range",
                    "denominator",
                    "modifier",
                    "percent_no_sign",
                    "qualifier_after",
                )
                for r in by_family[name]
            )
            | frozenset(NUMBER_WORDS)
            | {"and"},
        )

    def is_date_word(self, text: str) -> bool:
        """Whether `text` names a month or weekday ("May" only when capitalised)."""
        sensitive = self.date_words.get(text.lower())
        if sensitive is None:
            return False
        return not sensitive or text[:1].isupper()


def _check_family_keys(filename: str, rule: dict[str, Any]) -> None:
    family = rule["family"]
    where = f"{filename}: rule {rule['id']!r}"
    if family == "anchor" and rule.get("kind") not in ANCHOR_KINDS:
        raise PatternError(f"{where} needs 'kind' in {ANCHOR_KINDS}")
    if family != "anchor" and not isinstance(rule["pattern"], str):
        raise PatternError(f"{where} needs a phrase 'pattern'")
    if family in ("qualifier", "qualifier_after") and rule.get("qualifier") not in QUALIFIERS:
        raise PatternError(f"{where} needs 'qualifier' in {QUALIFIERS}")
    not_after = rule.get("not_after", [])
    if not isinstance(not_after, list) or not all(isinstance(w, str) for w in not_after):
        raise PatternError(f"{where}: 'not_after' must be a list of words")
    if family == "parent_of" and not all(
        isinstance(rule.get(k), str) for k in ("what", "category")
    ):
        raise PatternError(f"{where} needs 'what' and 'category'")
    if family == "range" and not isinstance(rule.get("needs", ""), str):
        raise PatternError(f"{where}: 'needs' must be a word")
