"""What number a run of tokens spells: "43", "1,486", "92.8", "twenty-one", "two hundred and
fifty", "a dozen", "half a dozen", "1.6 million", and after a pound sign "1.6m", "2bn", "500k".

This module only answers *which value*; whether the number counts something (or is a date, an
age, a reference) is decided by `counts.py`. Values are `Decimal` while they are built so that
"£1.6 million" is exactly 1600000, not 1600000.0000000002.

Numerals that are never counts are refused here, because their spelling alone says so:
ordinals ("4th"), fractions and slashed codes ("3/15", "24/7", "2016/17"), clock and
reference forms with colons, leading zeros ("07.00", "0800", "0123"), and version numbers
with several dots ("2.3.1").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from pipeline.extract.count_tokens import TokenView

UNIT_WORDS: dict[str, int] = {
    "zero": 0,
    "nought": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS_WORDS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# Multipliers written as words; "hundred" and "dozen" multiply the group they follow,
# the larger ones close a group ("two hundred thousand").
SCALE_WORDS: dict[str, int] = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
# Abbreviated multipliers; only read after a pound sign ("£1.6m"), where "m" cannot be metres.
MONEY_SUFFIXES: dict[str, int] = {
    "k": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
}
NUMBER_WORDS = frozenset(UNIT_WORDS) | frozenset(TENS_WORDS) | frozenset(SCALE_WORDS)

_NUMERAL = re.compile(r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?|0\.\d+")
_MONEY_NUMERAL = re.compile(r"((?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)(?:\.\d+)?)([a-z]{1,2})\.?")


class NumberPhrase(NamedTuple):
    """A number read from tokens `start`..`end` (exclusive).

    `trim` is the number of characters at the end of the last token that are not part of the
    number (the full stop of "£1.6m." at the end of a sentence).
    """

    value: Decimal
    start: int
    end: int
    is_word: bool
    is_integer: bool
    trim: int = 0


def parse_numeral(text: str) -> Decimal | None:
    """The value of a numeral written in digits ("1,486", "92.8"), or None if it is not one."""
    if not _NUMERAL.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def parse_money_numeral(text: str) -> Decimal | None:
    """A numeral with a glued money multiplier ("2bn", "500k", "1.6m"), else a plain numeral."""
    plain = parse_numeral(text)
    if plain is not None:
        return plain
    match = _MONEY_NUMERAL.fullmatch(text.lower())
    if match is None or match.group(2) not in MONEY_SUFFIXES:
        return None
    return Decimal(match.group(1).replace(",", "")) * MONEY_SUFFIXES[match.group(2)]


def is_clock_like(text: str) -> bool:
    """Whether a numeral could be a time of day: "9.30", "23.23", "1430" (not "100")."""
    digits = text.replace(".", "").replace(":", "")
    if not digits.isdigit() or len(digits) not in (3, 4):
        return False
    if "." in text or ":" in text:
        if len(text.split(".")[-1].split(":")[-1]) != 2:
            return False
    elif len(digits) != 4:
        return False
    return int(digits[:-2]) < 24 and int(digits[-2:]) < 60


def read_number(view: TokenView, i: int, *, money: bool = False) -> NumberPhrase | None:
    """The number that starts at token `i`, or None when the token does not start one.

    Reads a numeral with an optional multiplier ("1.6 million"; after "£" also "1.6m"), or a
    run of number words ("two hundred and fifty", "twenty-one", "a dozen", "half a dozen"),
    with a trailing "and a half".
    """
    text = view.text(i)
    lower = text.lower()
    if lower == "half" and view.lower(i + 1) in ("a", "an"):
        scale = SCALE_WORDS.get(view.lower(i + 2))
        if scale is None:
            return None
        return _finish(view, i, i + 3, Decimal(scale) / 2, is_word=True)
    if lower in ("a", "an"):
        scale = SCALE_WORDS.get(view.lower(i + 1))
        if scale is None:
            return None
        return _finish(view, i, i + 2, Decimal(scale), is_word=True)
    if lower in NUMBER_WORDS:
        return _read_words(view, i)
    value = parse_money_numeral(text) if money else parse_numeral(text)
    if value is None:
        return None
    end = i + 1
    scale = SCALE_WORDS.get(view.lower(end))
    if scale is None and money:
        scale = MONEY_SUFFIXES.get(view.lower(end).rstrip("."))
    if scale is not None and scale != 12:
        value *= scale
        end += 1
    return _finish(view, i, end, value, is_word=False)


def _read_words(view: TokenView, i: int) -> NumberPhrase | None:
    total = 0
    group = 0
    seen = False
    k = i
    while True:
        word = view.lower(k)
        if word in UNIT_WORDS or word in TENS_WORDS:
            group += UNIT_WORDS.get(word, 0) + TENS_WORDS.get(word, 0)
            seen = True
            k += 1
            if word in TENS_WORDS and view.text(k) == "-" and view.lower(k + 1) in UNIT_WORDS:
                group += UNIT_WORDS[view.lower(k + 1)]
                k += 2
        elif word in SCALE_WORDS and seen:
            scale = SCALE_WORDS[word]
            if scale <= 100:
                group *= scale
            else:
                total += group * scale
                group = 0
            k += 1
            after = view.lower(k + 1)
            if view.lower(k) == "and" and (after in UNIT_WORDS or after in TENS_WORDS):
                k += 1
        else:
            break
    if not seen:
        return None
    return _finish(view, i, k, Decimal(total + group), is_word=True)


def _finish(
    view: TokenView, start: int, end: int, value: Decimal, *, is_word: bool
) -> NumberPhrase:
    if view.lower(end) == "and" and view.lower(end + 1) == "a" and view.lower(end + 2) == "half":
        value += Decimal("0.5")
        end += 3
    last = view.text(end - 1)
    trim = len(last) - len(last.rstrip(".")) if end - 1 > start else 0
    return NumberPhrase(value, start, end, is_word, value == value.to_integral_value(), trim)
