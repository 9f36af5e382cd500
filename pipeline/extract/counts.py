"""The `trustwatch_counts` component: numbers that count or measure something, as `CountFact`s.

It follows docs/annotation.md ("Counts"). The work is anchored on number tokens (see
`count_rules.Anchors`); around each one a few tokens are read to decide, in this order:

1. whether the number is not a count at all: a date ("12 July", "July 12"), a year ("in 2017":
   a bare four-digit 1900-2099 counts only after a qualifier, "more than 2000 babies"), a
   time of day ("9pm", "23.00 hours"), an age ("aged 34", "34-year-old", "Jo Smith, 34
   years"), a frequency ("6-monthly audits"), a name or reference
   ("Section 28", "Regulation 12", "NHS 111", "Grade 2": any capitalised word before the
   number), a phone number (numerals side by side), "one" as a pronoun ("one of the trusts"),
   a fraction or multiplier ("two thirds", "three times"), or the named A&E "4-hour target";
2. its qualifier ("at least", "over", "almost" ... mapped to the contract's five values);
3. its shape: a range, "X of Y" / "X out of Y" / "X in Y" (Y is the denominator, not a count),
   "Many of the deaths (45 of 64)", "almost half (97) of the 202 cases", "25 of the cases",
   "19 of which" (takes the `what` of the previous count in the sentence), or a plain
   number followed by its noun (`count_nouns.NounVocabulary.head_after`);
4. nothing is stored when no counted noun is found: a bare number says nothing.

Conventions chosen where the guidelines leave a choice:

- a range ("between 10 and 15 babies", "10-15 babies", "10 to 15 babies", "one or two
  babies", "from 30 to 20 mph") gives one count for each end (10 baby, 15 baby), with the
  text's own qualifier if any ("between" is none), as corpus/gold does; the first span
  covers the whole range, the second runs from the upper bound to the noun;
- a decimal followed by "of" ("83.7 of patients") is a percentage whose sign was lost:
  value 83.7, what `percent`; an integer there ("83 of patients") is not counted;
- "almost half (97) of the 202 cases": value 97, denominator 202, qualifier NULL ("almost"
  qualifies the half, 97 is exact); the span starts at the proportion word's qualifier;
- "Many of the deaths (45 of 64)": the span runs from the noun through the bracket;
- "5 hours and 19 minutes" gives two counts (5 hour, 19 minute);
- rates ("12 deaths per 1,000 births"): the count is 12 death; the number after "per" is not
  a count and not a denominator;
- capitalised words may modify a plural head ("All four Black Country MPs" -> 4 `mp`,
  other; "19 WMAS ambulances" -> ambulance), as corpus/gold does;
- money is read after "£" only ("£1.6m", "£2bn", "£500k", "£1.6 million" -> pound), or as
  a number followed by "pounds";
- "one baby death" -> `baby death` (category death); "maternal deaths and injuries (23 of
  32)" -> `maternal death and injury` (category harm, so that deaths are not overstated);
- a number glued to a unit by a hyphen is a duration or measure ("six-month review" -> 6
  month, "24-hour" -> 24 hour), but the named A&E "4-hour target" is not a count;
- "over the last two years" is 2 year with no qualifier ("over" is not next to the number);
- "19 of which" takes the `what` of the last count of things before it in the sentence,
  skipping units ("36 collisions within 50 metres, 17 of which" -> collision);
- after "one", an unknown word counts only alone ("one ambulance"), never an adjective
  before a number ("one temporary 30 mph sign") or a word of `not_head` ("one known as").

- a qualifier after the number ("3 or more suicides" -> at least, "40+ hours" -> more than),
  from the `qualifier_after` rules;
- "Of the 10 ambulances ..., 8 were unavailable" (a fronted partitive at the start of a
  sentence): 8 with denominator 10 and no count for 10; the span runs from "Of" to the 8;
- "father of two" -> 2 `child` (the `parent_of` rules), when no noun follows the number;
- one token holding a range ("12–15 babies": two counts, the second span starts at 15) or a
  number glued to a unit ("1hr", "5ml", "10kgs"); a unit followed by a possessive is a
  duration ("24 years' service" -> 24 year).

`rule` on each fact is the id of the rule that shaped it: the range, denominator, determiner,
antecedent, pass-through or percent rule of counts.jsonl when one applied, else the noun or
unit rule (count_nouns.jsonl, count_units.jsonl), else the anchor rule.
"""

from __future__ import annotations

import re
from decimal import Decimal

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

from pipeline.errors import PatternError
from pipeline.extract import extensions  # noqa: F401  (declares Doc attributes)
from pipeline.extract.count_nouns import CATEGORIES, Head, NounVocabulary
from pipeline.extract.count_rules import Anchors, CountRules, PhraseTable
from pipeline.extract.count_tokens import StringCache, TokenView
from pipeline.extract.facts import CountFact
from pipeline.extract.numbers import (
    NUMBER_WORDS,
    SCALE_WORDS,
    NumberPhrase,
    is_clock_like,
    parse_numeral,
    read_number,
)

QUOTES = frozenset({"'", "’", "-", "–"})  # skipped when reading the words after a number
DASHES = frozenset({"-", "–", "—", "/", ":"})  # ":" for a clock split as "21 :30"
AGE_ENDS = frozenset({",", ".", ";", ")", ""})  # after "Jo Smith, 32 years"
LIST_JOINERS = frozenset({"to", "and", "or", ",", "&"})
FOLLOW_MARKS = frozenset({"%", "-", "–", "—", "+"})  # may follow a count's number
RANGE_MARKS = ("-", "–", "—")  # a dash glued to the upper bound: "2 -3 years"
GLUED_RANGE = re.compile(r"(\d+)[–—](\d+)")  # one token: "12–15"
GLUED_UNIT = re.compile(r"(\d+(?:\.\d+)?)([a-z]+)")  # one token: "1hr", "5ml"
CLOSE_BRACKET = get_string_id(")")
AND = get_string_id("and")
OF = get_string_id("of")
CHECK_FURTHER = frozenset({CLOSE_BRACKET, AND})  # followers that need a second look


@Language.factory(
    "trustwatch_counts",
    assigns=["doc._.tw_counts"],
    default_config={
        "rules": "counts.jsonl",
        "nouns": "count_nouns.jsonl",
        "units": "count_units.jsonl",
    },
)
class CountRuler:
    """Find counts with rules read from `patterns/`; store them in `doc._.tw_counts`.

    `rules`, `nouns` and `units` name rule files in `pipeline/extract/patterns/`; they are
    read and checked once, here, so a malformed rule fails when the pipeline is built.
    """

    def __init__(self, nlp: Language, name: str, *, rules: str, nouns: str, units: str) -> None:
        self.name = name
        self.rules = CountRules.load(rules)
        for rule in self.rules.parents.rules.values():
            if rule["category"] not in CATEGORIES:
                raise PatternError(f"{rules}: rule {rule['id']!r}: category not in {CATEGORIES}")
        self.vocab = NounVocabulary.load(nouns, units)
        self.anchors = Anchors(nlp.vocab, self.rules.anchors, rules)
        self.strings = StringCache()
        # ORTH id -> whether the word may follow / precede a count's number (see CountReader)
        self.follows: dict[int, bool] = {}
        self.precedes: dict[int, bool] = {}

    def __call__(self, doc: Doc) -> Doc:
        anchors, orths = self.anchors(doc)
        view = TokenView(doc, orths, self.strings)
        reader = CountReader(
            view, self.rules, self.vocab, self.anchors.kinds, self.follows, self.precedes
        )
        doc._.tw_counts = reader.read(anchors)
        return doc


class CountReader:
    """Reads the counts of one document, anchor by anchor, left to right.

    `consumed` is the first token not yet read: a number phrase, a denominator or a counted
    noun is never read twice. `blocked` holds numbers found to be names or references, so
    that the rest of a list of them ("Regulations 28 and 29") is skipped too.
    """

    def __init__(
        self,
        view: TokenView,
        rules: CountRules,
        vocab: NounVocabulary,
        kinds: dict[str, str],
        follows: dict[int, bool],
        precedes: dict[int, bool],
    ) -> None:
        self.view = view
        self.rules = rules
        self.vocab = vocab
        self.kinds = kinds
        self.follows = follows
        self.precedes = precedes
        self.facts: list[CountFact] = []
        self.fact_tokens: list[tuple[int, int]] = []
        self.blocked: set[int] = set()
        self.consumed = 0

    def read(self, anchors: list[tuple[int, str]]) -> list[CountFact]:
        """The counts found at the given anchors (token index, anchor rule id)."""
        orths, n, follows, precedes = self.view.orths, self.view.n, self.follows, self.precedes
        for i, rule_id in anchors:
            if i < self.consumed or i + 1 >= n:
                continue
            kind = self.kinds[rule_id]
            if kind == "glued":
                self._glued(i, rule_id)
                continue
            if kind == "number" and i and orths[i - 1] == OF and self._parent_of(i):
                continue
            if kind == "number":
                after = orths[i + 1]
                may = follows.get(after)
                if may is None:
                    may = follows[after] = self._may_follow(i + 1)
                if not may or (after in CHECK_FURTHER and not self._may_go_on(i, after)):
                    continue
                if i:
                    before = orths[i - 1]
                    may = precedes.get(before)
                    if may is None:
                        may = precedes[before] = self._may_precede(i - 1)
                    if not may:
                        self.blocked.add(i)  # so "Regulations 28 and 29" blocks the 29 too
                        continue
            if kind == "money":
                self._money(i, rule_id)
            else:
                self._number(i, rule_id)
        return self.facts

    def _may_go_on(self, i: int, after: int) -> bool:
        """After "(97)" only "of" goes on; after "10 and" only "a half" or a "between" range."""
        view = self.view
        if after == CLOSE_BRACKET:
            return view.lower(i + 2) == "of"
        needs = self.rules.ranges.get("and", {}).get("needs")
        return view.lower(i + 2) == "a" or needs in (view.lower(i - 1), view.lower(i - 2))

    def _may_precede(self, k: int) -> bool:
        """Whether token `k` may stand right before a count's number (cached per word).

        False for what `_not_a_count` would refuse from that word alone: a month or weekday
        ("July 12"), a one-word reference ("paragraph 4", "aged 34"), a name ("Grade 2"), the
        start of a phone number ("0800 123").
        """
        text = self.view.text(k)
        lower = text.lower()
        rules = self.rules
        if rules.is_date_word(text) or lower in rules.block_before:
            return False
        if text[:1] == "0" and text[1:2].isdigit():
            return False
        return not (self._is_name(text) and lower not in rules.qualifiers.words)

    def _may_follow(self, k: int) -> bool:
        """Whether token `k` may follow the number of a count (cached per word by `read`).

        Most numbers (dates, years, paragraph numbers) are followed by something no count is
        ("July", ",", "The"), and are dropped after this one look, unread.
        """
        after = self.view.text(k)
        first = after[:1]
        if self.rules.block_after.starting_at([self.vocab.singular(after.lower())]):
            return False  # "9 pm", "three times", "two thirds"
        if first.islower():
            return (
                after not in STOP_WORDS
                or after in self.rules.follow_words
                or self.vocab.knows(after)
            )
        if first.isupper():
            lower = after.lower()
            return self.vocab.knows(lower) or (
                after.isalpha() and lower not in STOP_WORDS and not self.rules.is_date_word(after)
            )
        return first == ")" or first in FOLLOW_MARKS

    # -- the two kinds of anchor ---------------------------------------------------------

    def _money(self, i: int, rule_id: str) -> None:
        """'£1.6 million', '£800,000', '£1.6m', '£2bn', '£500k' -> pound."""
        num = read_number(self.view, i + 1, money=True)
        if num is None:
            return
        qualifier, q_start = self._qualifier(i)
        self._emit(
            q_start,
            num.end,
            num.value,
            qualifier,
            None,
            "pound",
            "money",
            rule_id,
            trim=num.trim,
        )

    def _parent_of(self, i: int) -> bool:
        """ "father of two": the number counts the children of the `parent_of` rule. True when
        the number was read here (no noun after it: "mother of two children" reads as usual)."""
        view = self.view
        hit = self.rules.parents.ending_at(view, i - 1)
        if hit is None:
            return False
        num = read_number(view, i)
        if num is None or view.lower(num.end) == "of":
            return False  # "the mother of one of the patients"
        if self._head_after(num.end, plural=num.value != 1) is not None:
            return False
        rule = hit[0]
        self._emit(i, num.end, num.value, None, None, rule["what"], rule["category"], rule["id"])
        return True

    def _glued(self, i: int, rule_id: str) -> None:
        """One token holding a range ("12–15 babies") or a number and its unit ("1hr")."""
        view = self.view
        text = view.text(i)
        qualifier, q_start = self._qualifier(i)
        if self._is_date_context(i, i + 1) or self._is_name_or_code(q_start):
            return
        glued_range = GLUED_RANGE.fullmatch(text)
        if glued_range is not None:
            low, high = glued_range.group(1), glued_range.group(2)
            if len(low) == 4 or self._blocked_after(i + 1):
                return  # "2019–2020", "12–15 years old"
            head = self._head_after(i + 1, plural=True)
            if head is None:
                return
            rule = self.rules.ranges.get(text[len(low)], {}).get("id", rule_id)
            for value, lead in ((low, 0), (high, len(low) + 1)):
                self._emit(
                    q_start,
                    head.end,
                    Decimal(value),
                    qualifier,
                    None,
                    head.what,
                    head.category,
                    rule,
                    lead=lead if q_start == i else 0,
                )
                q_start = i
            return
        glued_unit = GLUED_UNIT.fullmatch(view.lower(i))
        if glued_unit is None:
            return
        noun = self.vocab.unit(glued_unit.group(2))
        value = parse_numeral(glued_unit.group(1))
        if noun is None or value is None or self._blocked_after(i + 1):
            return
        self._emit(q_start, i + 1, value, qualifier, None, noun.what, noun.category, noun.id)

    def _number(self, i: int, rule_id: str) -> None:
        """A number in digits or words, and whatever it counts."""
        view = self.view
        num = None
        if view.lower(i) in SCALE_WORDS and view.lower(i - 1) in ("a", "an"):
            half = view.lower(i - 2) == "half"
            num = read_number(view, i - 1 - half)  # "a dozen", "a hundred", "half a dozen"
        num = num or read_number(view, i)
        if num is None:
            self.consumed = i + 1
            return
        self.consumed = num.end
        qualifier, q_start = self._qualifier(num.start)
        if self._not_a_count(num, q_start, qualifier):
            return
        if view.text(num.start - 1) == "(" and qualifier is None and self._bracketed(num):
            return
        if self._range(num, qualifier, q_start) or self._partitive(num, qualifier, q_start):
            return
        if qualifier is None and self._qualified_after(num, q_start):
            return
        hyphen = view.text(num.end) == "-"
        head = self._head_after(num.end + hyphen, plural=num.value != 1, compound=hyphen)
        if head is None:
            return
        head, pass_rule = self._pass_through(head)
        if qualifier is None and self._fronted_partitive(num, q_start, head):
            return
        rule = pass_rule or (head.noun.id if head.noun else rule_id)
        self._emit_head(q_start, head, num.value, qualifier, None, rule)

    def _qualified_after(self, num: NumberPhrase, q_start: int) -> bool:
        """'3 or more suicides', '40+ hours': a qualifier after the number. True when counted."""
        hit = self.rules.qualifiers_after.at(self.view, num.end)
        if hit is None:
            return False
        rule, k = hit
        head = self._head_after(k, plural=True)
        if head is None:
            return False
        self._emit_head(q_start, head, num.value, rule["qualifier"], None, rule["id"])
        return True

    def _fronted_partitive(self, num: NumberPhrase, q_start: int, head: Head) -> bool:
        """'Of the 10 ambulances ..., 8 were unavailable': 8 with denominator 10, and no count
        of its own for 10. True when counted."""
        view, rules = self.view, self.rules
        det = rules.determiners.ending_at(view, q_start - 1)
        if det is None or view.lower(det[1] - 1) != "of" or not view.is_sent_start(det[1] - 1):
            return False
        of_rule = rules.denominators.rules.get(("of",))
        for k in range(head.end, head.end + 16):
            if view.is_sent_start(k) or not view.text(k):
                return False
            if view.text(k) != ",":
                continue
            said = rules.qualifiers.at(view, k + 1)  # ", almost 8 were"
            qualifier = said[0]["qualifier"] if said else None
            part = read_number(view, said[1] if said else k + 1)
            if part is None or self._head_after(part.end, plural=part.value != 1) is not None:
                continue
            if part.value > num.value or self._not_a_count(part, part.start, qualifier):
                return False
            rule = of_rule["id"] if of_rule else "denominator-of"
            self._emit(
                det[1] - 1,
                part.end,
                part.value,
                qualifier,
                num.value,
                head.what,
                head.category,
                rule,
            )
            return True
        return False

    # -- not a count -----------------------------------------------------------------------

    def _not_a_count(self, num: NumberPhrase, q_start: int, qualifier: str | None) -> bool:
        """Dates, years, times, ages, names, codes, phone numbers, pronouns, fractions."""
        view, rules = self.view, self.rules
        first = view.text(num.start)
        if first in rules.not_count_numbers:
            return True
        prev = view.text(num.start - 1)
        if prev[:1] == "0" and prev[1:2].isdigit():
            return True  # the rest of a phone number: "0800 123 4567"
        before = num.start - 2
        if (
            prev in DASHES
            and (view.text(before)[:1].isdigit() or view.lower(before) in NUMBER_WORDS)
        ) or (prev in LIST_JOINERS and before in self.blocked):
            return True  # the tail of "2019-20", "seventy-six", "Regulations 28 and 29"
        if self._is_date_context(num.start, num.end):
            return True
        if (
            qualifier is None
            and not num.is_word
            and len(first) == 4
            and first.isdigit()
            and 1900 <= num.value <= 2099
        ):
            return True  # a year
        if is_clock_like(first) and (
            self._phrase_after(num.end, rules.clock_after)
            or ("." in first and view.lower(q_start - 1) in rules.clock_before)
        ):
            return True  # "23.00 hours", "at 19.30"
        if self._is_name_or_code(q_start):
            self.blocked.add(num.start)
            return True
        name = view.text(num.start - 2)
        if (
            prev == ","
            and self._is_name(name)
            and not rules.is_date_word(name)
            and self.vocab.singular(view.lower(num.end)) in rules.age_units
            and view.text(num.end + 1) in AGE_ENDS
        ):
            return True  # "Joanna Smith, 32 years": an age
        if (
            first.lower() == "one"
            and num.end == num.start + 1
            and (
                view.lower(q_start - 1) in rules.one_before
                or view.lower(num.end) in rules.one_after
            )
        ):
            return True  # "no one", "one of the trusts"
        return self._blocked_after(num.end)

    def _is_date_context(self, start: int, end: int) -> bool:
        """A number beside a month or weekday name: "12 July", "July 12", "12 of July"."""
        view, rules = self.view, self.rules
        after = view.text(end + 1) if view.lower(end) == "of" else view.text(end)
        return rules.is_date_word(after) or rules.is_date_word(view.text(start - 1))

    def _is_name_or_code(self, q_start: int) -> bool:
        """A reference word ("section", "aged", "per") or a capitalised word before ("Grade 2",
        "NHS 111"), other than function words and adverbs ("Nationally one in five")."""
        view = self.view
        if self.rules.block_before.ending_at(view, q_start - 1) is not None:
            return True
        return self._is_name(view.text(q_start - 1))

    def _is_name(self, text: str) -> bool:
        """A capitalised word other than a function word or an adverb ("Nationally")."""
        if not (text.isalpha() and text[0].isupper()):
            return False
        lower = text.lower()
        return not (lower in STOP_WORDS or lower in self.rules.not_names or lower.endswith("ly"))

    def _blocked_after(self, end: int) -> bool:
        """An age, fraction, multiplier, named target or time of day right after."""
        return self._phrase_after(end, self.rules.block_after)

    def _phrase_after(self, end: int, table: PhraseTable) -> bool:
        """Whether the singularised words from token `end` (quotes, hyphens skipped) start a
        phrase of `table`."""
        first = self.view.lower(end)
        if first not in QUOTES and self.vocab.singular(first) not in table.words:
            return False
        words: list[str] = []
        k = end
        while len(words) < table.longest and k < end + 2 * table.longest:
            text = self.view.lower(k)
            k += 1
            if text in QUOTES:
                continue
            if not text:
                break
            words.append(self.vocab.singular(text))
        return table.starting_at(words) is not None

    # -- qualifier -------------------------------------------------------------------------

    def _qualifier(self, start: int) -> tuple[str | None, int]:
        """The qualifier right before token `start` and the token it begins at."""
        hit = self.rules.qualifiers.ending_at(self.view, start - 1)
        if hit is None:
            return None, start
        rule, q_start = hit
        if self.view.lower(q_start - 1) in rule.get("not_after", ()):
            return None, start  # "concerns about 43 cases": a preposition
        return rule["qualifier"], q_start

    # -- shapes ----------------------------------------------------------------------------

    def _range(self, num: NumberPhrase, qualifier: str | None, q_start: int) -> bool:
        """'between 10 and 15 babies', '10-15 babies', '10 to 15 babies', '2 or 3 cups': one
        count for each end. True when the tokens were handled (counted or not)."""
        view = self.view
        after = view.lower(num.end)
        connector = self.rules.ranges.get(after)
        lead = 0
        if connector is None:
            glued = parse_numeral(after[1:]) if after[:1] in RANGE_MARKS else None
            connector = self.rules.ranges.get(after[:1]) if glued is not None else None
            if glued is None or connector is None:
                return False
            upper: NumberPhrase | None = NumberPhrase(
                glued, num.end, num.end + 1, False, glued == glued.to_integral_value()
            )
            lead = 1  # "2 -3 years": the upper bound's span starts after the dash
        else:
            needs = connector.get("needs")
            if needs and view.lower(q_start - 1) != needs:
                return False
            upper = read_number(view, num.end + 1)
        if upper is None:
            return False
        self.consumed = upper.end
        if self._is_date_context(upper.start, upper.end) or self._blocked_after(upper.end):
            return True
        head = self._head_after(upper.end, plural=True)
        if head is not None:
            start = q_start - 1 if connector.get("needs") else q_start
            for value, first, skip in ((num.value, start, 0), (upper.value, upper.start, lead)):
                self._emit_head(first, head, value, qualifier, None, connector["id"], lead=skip)
        return True

    def _bracketed(self, num: NumberPhrase) -> bool:
        """'deaths (45 of 64)'; a bare '(34)' or '(1)' is no count. True when handled."""
        view = self.view
        if view.text(num.end) == ")":
            return view.lower(num.end + 1) != "of"  # "half (97) of ..." is a partitive
        hit = self.rules.denominators.at(view, num.end)
        if hit is None:
            return False
        rule, k = hit
        denominator = read_number(view, k)
        if denominator is None or view.text(denominator.end) != ")":
            return False
        self.consumed = denominator.end + 1
        head = self.vocab.head_before(view, num.start - 2)
        if head is not None:
            self._emit(
                head.start,
                denominator.end + 1,
                num.value,
                None,
                denominator.value,
                head.what,
                head.category,
                f"{rule['id']}-bracket",
            )
        return True

    def _partitive(self, num: NumberPhrase, qualifier: str | None, q_start: int) -> bool:
        """'X of Y ...', 'X out of Y ...', 'X in Y ...', '25 of the cases', '19 of which',
        '83.7 of patients', 'almost half (97) of the 202 cases'. True when handled."""
        view, rules = self.view, self.rules
        k, start, bracketed = num.end, q_start, False
        if view.text(k) == ")" and view.text(num.start - 1) == "(":
            if view.lower(num.start - 2) not in rules.fractions:
                return True
            start = num.start - 2 - (view.lower(num.start - 3) in ("a", "an"))
            start = self._qualifier(start)[1]
            k, bracketed = k + 1, True
        hit = rules.denominators.at(view, k)
        if hit is None:
            return bracketed
        rule, k = hit
        det = rules.determiners.at(view, k) if rule["pattern"] == "of" else None
        if det is not None:
            k = det[1]
        denominator = read_number(view, k)
        if denominator is None and det is not None:
            denominator = self._number_after_adjectives(k)  # "9 of its planned 16 clinicians"
        if denominator is not None and not self._not_a_count(denominator, denominator.start, None):
            self.consumed = max(self.consumed, denominator.end)
            head = self._head_after(denominator.end, plural=denominator.value != 1)
            if head is not None:
                self._emit_head(start, head, num.value, qualifier, denominator.value, rule["id"])
            return True
        if rule["pattern"] != "of":
            return bracketed
        if det is not None:
            head = self._head_after(k, plural=num.value != 1)
            if head is not None:
                self._emit_head(start, head, num.value, qualifier, None, det[0]["id"])
                return True
        word = view.lower(k)
        if word in rules.antecedents:
            previous = self._previous_fact(num.start)
            if previous is not None:
                self._emit(
                    start,
                    k + 1,
                    num.value,
                    qualifier,
                    None,
                    previous.what,
                    previous.category,
                    f"antecedent-{word}",
                )
            return True
        if not num.is_integer and num.value <= 100 and rules.percent_no_sign:
            self._emit(
                start,
                num.end,
                num.value,
                qualifier,
                None,
                "percent",
                "percentage",
                rules.percent_no_sign["id"],
                trim=num.trim,
            )
            return True
        return bracketed

    def _number_after_adjectives(self, k: int) -> NumberPhrase | None:
        """A number after one or two lower-case words ("planned 16")."""
        view = self.view
        for j in (k + 1, k + 2):
            word = view.text(j - 1)
            if not (word.isalpha() and word.islower() and word not in STOP_WORDS):
                return None
            if view.text(j)[:1].isdigit():
                return read_number(view, j)
        return None

    def _pass_through(self, head: Head) -> tuple[Head, str | None]:
        """'cases of stillbirths', 'cases reported as serious incidents': count what follows."""
        if head.noun is None or not head.noun.pass_through:
            return head, None
        hit = self.rules.pass_through.at(self.view, head.end)
        if hit is None:
            return head, None
        rule, k = hit
        inner = self.vocab.head_after(
            self.view, k, plural=False, modifiers=self.rules.modifiers, known_only=True
        )
        if inner is None:
            return head, None
        return Head(inner.what, inner.category, head.start, inner.end, inner.noun), rule["id"]

    # -- helpers ---------------------------------------------------------------------------

    def _head_after(self, p: int, *, plural: bool, compound: bool = False) -> Head | None:
        return self.vocab.head_after(
            self.view,
            p,
            plural=plural,
            modifiers=self.rules.modifiers,
            not_heads=self.rules.not_heads,
            compound=compound,
        )

    def _previous_fact(self, start: int) -> CountFact | None:
        """The last count of things (not of a unit: "within 50 metres") before token `start`
        in the same sentence."""
        for fact, (fact_start, fact_end) in zip(
            reversed(self.facts), reversed(self.fact_tokens), strict=True
        ):
            if any(self.view.is_sent_start(k) for k in range(fact_end, start + 1)):
                return None
            if fact.what not in self.vocab.unit_whats:
                return fact
            start = fact_start
        return None

    def _emit_head(
        self,
        start: int,
        head: Head,
        value: Decimal,
        qualifier: str | None,
        denominator: Decimal | None,
        rule: str,
        *,
        lead: int = 0,
    ) -> None:
        self._emit(
            start,
            head.end,
            value,
            qualifier,
            denominator,
            head.what,
            head.category,
            rule,
            lead=lead,
        )

    def _emit(
        self,
        start: int,
        end: int,
        value: Decimal,
        qualifier: str | None,
        denominator: Decimal | None,
        what: str,
        category: str,
        rule: str,
        *,
        trim: int = 0,
        lead: int = 0,
    ) -> None:
        """Store a count over tokens `start`..`end` (exclusive), less `lead` characters at the
        start (the upper bound of "12–15") and `trim` at the end."""
        self.consumed = max(self.consumed, end)
        self.facts.append(
            CountFact(
                start=self.view.idx(start) + lead,
                end=self.view.end_char(end - 1) - trim,
                value=float(value),
                qualifier=qualifier,
                denominator=None if denominator is None else float(denominator),
                what=what,
                category=category,
                rule=rule,
            )
        )
        self.fact_tokens.append((start, end))
