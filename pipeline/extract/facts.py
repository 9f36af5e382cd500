"""The facts extractors attach to a `Doc`: plain records with character offsets and provenance.

Offsets are character offsets into the document text (end exclusive), the same text that is
stored in `documents.text`, so a fact can always be traced back to its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrgMention:
    """A span naming an organisation, resolved to a canonical gazetteer entry where possible."""

    start: int
    end: int
    text: str
    name: str  # canonical name; the surface form where unresolved
    kind: str  # trust, hospital, health_board, commissioner, regulator, other
    ods_code: str | None
    parent: str | None  # canonical name of a hospital's trust
    rule: str  # pattern id, or "fuzzy:<id>", "anaphora:<id>"
    score: float = 1.0  # resolution confidence


@dataclass(frozen=True)
class RatingFact:
    """A CQC rating stated in a sentence."""

    start: int
    end: int
    rating: str  # outstanding, good, requires improvement, inadequate
    domain: str  # overall, safe, effective, caring, responsive, well-led
    service: str | None
    previous_rating: str | None
    year: int | None
    org: str | None  # canonical organisation name
    sent_start: int
    sent_end: int
    rule: str


@dataclass(frozen=True)
class CountFact:
    """A number that counts or measures something, with what it counts."""

    start: int
    end: int
    value: float
    qualifier: str | None
    denominator: float | None
    what: str
    category: str  # death, harm, incident, case, staff, money, percentage, duration, other
    rule: str


@dataclass(frozen=True)
class ThemeFact:
    """A sentence that states (or denies) a failure of one taxonomy category."""

    start: int  # evidence sentence
    end: int
    category: str
    negated: bool
    speaker: str  # regulator, provider, patient/family, politician, other
    cue_start: int
    cue_end: int
    rule: str


@dataclass(frozen=True)
class RepeatSignal:
    """A phrase saying a failing is a repeat ("still finding the same failings")."""

    start: int
    end: int
    sent_start: int
    sent_end: int
    rule: str
