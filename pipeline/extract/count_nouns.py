"""What a number counts: the head noun after it, named the way the contract's `what` wants.

The vocabulary (`patterns/count_nouns.jsonl` for counted things, `patterns/count_units.jsonl`
for money, percentages, durations and measures) gives each known noun or compound, written
singular, its normal form (`what`, e.g. "maternity death" -> "maternal death") and `category`.
Optional keys: `plural` (an irregular plural of the last word: "midwives"), `uncountable`
(counted without a plural: "staff"), `pass_through` (a head that hands over to what follows:
"cases of X", "cases reported as X" count X).

Without a tagger the head is found by shape: after a number other than one, the counted noun
is plural, and the modifiers before it are not ("four new obstetrician/gynaecology
consultants" -> consultant). A known compound ending in the head wins over the bare head
("serious incidents" -> serious incident). Capitalised words may modify a plural head ("all
four Black Country MPs" -> mp), but are the head only as an acronym ("MPs") or after one
("two NHS Trusts" -> trust); so a name after a number ("17 Lytchfeld Lane", "195 New Parks")
gives no count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.errors import PatternError
from pipeline.extract.count_rules import phrase_key
from pipeline.extract.count_tokens import TokenView
from pipeline.extract.patterns_io import read_rules

CATEGORIES = (
    "death",
    "harm",
    "incident",
    "case",
    "staff",
    "money",
    "percentage",
    "duration",
    "other",
)
JOINERS = frozenset({"/", "-", "and", "or", ","})  # between two words of one noun phrase
POSSESSIVE = frozenset({"'", "’"})
MAX_RUN = 5  # words (modifiers + head): more than this is not one noun phrase


@dataclass(frozen=True)
class Noun:
    """A vocabulary entry: one counted thing or unit."""

    id: str
    what: str
    category: str
    unit: bool = False
    uncountable: bool = False
    pass_through: bool = False


@dataclass(frozen=True)
class Head:
    """The counted thing found for a number: tokens `start`..`end` (exclusive)."""

    what: str
    category: str
    start: int
    end: int
    noun: Noun | None


class NounVocabulary:
    """Known counted nouns and units, matched on singularised lower-case tokens."""

    def __init__(self, nouns: Iterable[dict[str, Any]], units: Iterable[dict[str, Any]]) -> None:
        self.irregular: dict[str, str] = {}
        self.forward: dict[str, list[tuple[tuple[str, ...], Noun]]] = {}
        self.backward: dict[str, list[tuple[tuple[str, ...], Noun]]] = {}
        self.single: dict[str, Noun] = {}
        self.unit_whats: set[str] = set()
        self._singular: dict[str, str] = {}
        for rule, is_unit in [(r, False) for r in nouns] + [(r, True) for r in units]:
            key = phrase_key(rule["pattern"])
            noun = Noun(
                id=rule["id"],
                what=rule.get("what", " ".join(key)),
                category=rule["category"],
                unit=is_unit,
                uncountable=bool(rule.get("uncountable")),
                pass_through=bool(rule.get("pass_through")),
            )
            if "plural" in rule:
                self.irregular[rule["plural"].lower()] = key[-1]
            self.forward.setdefault(key[0], []).append((key, noun))
            self.backward.setdefault(key[-1], []).append((key, noun))
            if len(key) == 1:
                self.single[key[0]] = noun
            if is_unit:
                self.unit_whats.add(noun.what)
        for table in (self.forward, self.backward):
            for entries in table.values():
                entries.sort(key=lambda entry: -len(entry[0]))

    @classmethod
    def load(cls, nouns_file: str, units_file: str) -> NounVocabulary:
        """Read and check both vocabulary files from the patterns package."""
        checks: dict[str, Any] = {
            "required": {"category": str},
            "allowed": {"category": CATEGORIES},
        }
        files = {name: read_rules(name, **checks) for name in (nouns_file, units_file)}
        for name, rules in files.items():
            for rule in rules:
                _check_entry(name, rule)
        return cls(files[nouns_file], files[units_file])

    def singular(self, word: str) -> str:
        """The singular of a lower-case word: irregular plurals, then English suffix rules."""
        try:
            return self._singular[word]
        except KeyError:
            pass
        result = self.irregular.get(word)
        if result is None:
            result = _suffix_singular(word)
        self._singular[word] = result
        return result

    def knows(self, lower: str) -> bool:
        """Whether an entry starts with this (lower-case) word: "Midwives", "Serious"."""
        return self.singular(lower) in self.forward

    def unit(self, lower: str) -> Noun | None:
        """The one-word unit a lower-case word names ("hr", "ml", "hours"), or None."""
        for key, noun in self.forward.get(self.singular(lower), ()):
            if len(key) == 1 and noun.unit:
                return noun
        return None

    def is_plural(self, word: str) -> bool:
        """Whether a lower-case word reads as a plural noun."""
        return self.singular(word) != word

    def match_forward(self, view: TokenView, k: int) -> tuple[Noun, int, bool] | None:
        """The longest entry starting at token `k`: (noun, end, written in the plural, i.e.
        some word of it was singularised: "members of staff", "serious incidents")."""
        entries = self.forward.get(self.singular(view.lower(k)))
        if not entries:
            return None
        for key, noun in entries:
            size = len(key)
            if all(self.singular(view.lower(k + j)) == key[j] for j in range(1, size)):
                written = [view.lower(k + j) for j in range(size)]
                return noun, k + size, any(w != key[j] for j, w in enumerate(written))
        return None

    def match_backward(self, view: TokenView, k: int) -> tuple[Noun, int] | None:
        """The longest entry ending at token `k`: (noun, start)."""
        entries = self.backward.get(self.singular(view.lower(k)))
        if not entries:
            return None
        for key, noun in entries:
            size = len(key)
            start = k - size + 1
            if start >= 0 and all(
                self.singular(view.lower(start + j)) == key[j] for j in range(size - 1)
            ):
                return noun, start
        return None

    def head_after(
        self,
        view: TokenView,
        p: int,
        *,
        plural: bool,
        modifiers: frozenset[str],
        not_heads: frozenset[str] = frozenset(),
        known_only: bool = False,
        compound: bool = False,
    ) -> Head | None:
        """The counted noun in the words from token `p`, or None.

        `plural`: the count is not one, so the head must be written in the plural (units and
        uncountable nouns excepted); adjectives and "-ed" participles before it are skipped,
        a word in "-ing" only right before a plural ("two training sessions"). For one: a
        known noun, or a lone unknown singular word ("one ambulance").
        `compound`: the number is glued by a hyphen ("six-month", "24-hour"): only a unit
        there counts ("2-post lift" does not).
        `known_only`: only a vocabulary entry will do (used after "cases of").
        `not_heads`: words never taken as the lone head after "one" ("one known as").
        """
        k = p
        words = 0
        while words < MAX_RUN:
            hit = self.match_forward(view, k)
            if hit is not None:
                noun, end, written_plural = hit
                if compound and not noun.unit:
                    return None
                if not noun.unit and self._possessor(view, end, modifiers):
                    k, words = end + 1, words + 1  # "11 of the babies' deaths"
                    continue
                if noun.unit or noun.uncountable or written_plural or not plural or compound:
                    return Head(noun.what, noun.category, k, end, noun)
                k, words = end, words + 1  # a singular known noun as a modifier: "midwife posts"
                continue
            text = view.text(k)
            if compound:
                return None
            if text in JOINERS and k > p and _is_word(view.text(k + 1), modifiers):
                k += 1  # "obstetrician/gynaecology", "immediate and essential"
                continue
            if plural and not known_only and _is_acronym_plural(text):
                return self._head(text[:-1].lower(), k)
            if plural and not known_only and _is_capitalised(text):
                after_acronym = k > p and view.text(k - 1).isupper()
                if after_acronym and text.istitle() and self.is_plural(text.lower()):
                    return self._head(self.singular(text.lower()), k)  # "two NHS Trusts"
                k, words = k + 1, words + 1  # "19 WMAS ambulances", "four Black Country MPs"
                continue
            if not plural and not known_only and _is_capitalised(text):
                k, words = k + 1, words + 1  # "one Registered Mental Nurse": a known noun only
                continue
            if not _is_word(text, modifiers):
                return None
            if text.endswith("ing") and not self._plural_next(view, k + 1):
                return None  # "one causing fatal injuries"; but "two training sessions"
            if plural and not known_only and self.is_plural(text):
                if self._possessor(view, k + 1, modifiers):
                    k, words = k + 2, words + 1  # "the patients' records"
                    continue
                return self._head(self.singular(text), k)
            if (
                not plural
                and not known_only
                and k == p
                and text not in modifiers
                and text not in not_heads
                and not self.is_plural(text)
                and not text.endswith(("ed", "ly"))
                and not self._continues(view, k + 1, modifiers)
                and not view.text(k + 1)[:1].isdigit()
            ):
                return self._head(text, k)  # "one ambulance", unknown but alone
            k, words = k + 1, words + 1
        return None

    def _head(self, what: str, k: int) -> Head:
        noun = self.single.get(what)
        return Head(what, noun.category if noun else "other", k, k + 1, noun)

    @staticmethod
    def _possessor(view: TokenView, k: int, modifiers: frozenset[str]) -> bool:
        """Whether a possessive mark at token `k` is followed by the noun possessed."""
        return view.text(k) in POSSESSIVE and _is_word(view.text(k + 1), modifiers)

    def _plural_next(self, view: TokenView, k: int) -> bool:
        """Whether token `k` is a plural or known noun (so a word in "-ing" before it is a
        modifier, not a verb)."""
        text = view.text(k)
        return (_is_word(text, frozenset()) and self.is_plural(text)) or (
            self.match_forward(view, k) is not None
        )

    def _continues(self, view: TokenView, k: int, modifiers: frozenset[str]) -> bool:
        """Whether the noun phrase goes on at token `k` (so token `k - 1` is no head)."""
        text = view.text(k)
        if text in JOINERS:
            return _is_word(view.text(k + 1), modifiers)
        return _is_word(text, modifiers) or self.match_forward(view, k) is not None

    def head_before(self, view: TokenView, k: int) -> Head | None:
        """The counted noun ending at token `k` ("brain injuries (12 of 17)"), or None."""
        hit = self.match_backward(view, k)
        if hit is not None:
            noun, start = hit
            return Head(noun.what, noun.category, start, k + 1, noun)
        text = view.text(k)
        if text.islower() and text.isalpha() and self.is_plural(text):
            return self._head(self.singular(text), k)
        return None


def _check_entry(filename: str, rule: dict[str, Any]) -> None:
    """Optional keys must have the right type; the pattern must be a phrase."""
    where = f"{filename}: rule {rule['id']!r}"
    if not isinstance(rule["pattern"], str):
        raise PatternError(f"{where} needs a phrase 'pattern'")
    for key, kind in (
        ("what", str),
        ("plural", str),
        ("uncountable", bool),
        ("pass_through", bool),
    ):
        if key in rule and not isinstance(rule[key], kind):
            raise PatternError(f"{where}: {key!r} must be of type {kind.__name__}")


def _suffix_singular(word: str) -> str:
    if len(word) <= 2 or not word.endswith("s") or word.endswith(("ss", "us", "is", "'s", "’s")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def _is_word(text: str, modifiers: frozenset[str]) -> bool:
    """A lower-case word that can sit in a noun phrase (not a function word)."""
    return text.isalpha() and text.islower() and (text not in STOP_WORDS or text in modifiers)


def _is_capitalised(text: str) -> bool:
    """A capitalised word that is not a function word: part of a name ("Black Country")."""
    return text.isalpha() and text[0].isupper() and text.lower() not in STOP_WORDS


def _is_acronym_plural(text: str) -> bool:
    """ "GPs", "MPs", "CCGs": an upper-case abbreviation with a plural "s"."""
    return len(text) >= 3 and text[-1] == "s" and text[:-1].isupper() and text[:-1].isalpha()
