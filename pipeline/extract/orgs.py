"""Organisations: find the NHS bodies a document names and resolve them to canonical names.

What counts as an organisation and how it is named is fixed by docs/annotation.md. The
component works in four passes over a tokenised `Doc`, cheapest first:

1. A `PhraseMatcher` (attr LOWER) finds every gazetteer name and alias
   (`pipeline/extract/data/organisations.jsonl` plus any `extra_orgs` from an ODS import).
   A match must be capitalised like a name ("NHS improvement" is not "NHS Improvement").
2. The same matcher finds cue phrases (`CUES`): anchor words that end a name ("Trust",
   "Hospital", "Infirmary", "Health Board", "Integrated Care Board", "CCG" …), from which the
   name is grown leftwards over capitalised words, and anaphors ("the trust"). Grown names
   the gazetteer did not resolve are fuzzily matched (rapidfuzz) against entries of the same
   kind; what still does not resolve, but looks like an NHS body, is kept as an unknown
   organisation (`ods_code=None`).
3. Overlaps are settled: longest span wins, then gazetteer over fuzzy over unknown.
4. The document's main organisation is chosen, and "the trust", "the hospital", "the health
   board" and "the regulator" are resolved to the most-mentioned organisation of their kind
   that the document names, else to a parent known from its hospitals (rule "anaphora:…").

One PhraseMatcher pass does all the matching; Python only looks at its few hits, and only
grown names reach the fuzzy matcher, so its cost is paid a few times per document, not per
token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from pipeline.errors import PatternError
from pipeline.extract import extensions  # noqa: F401  (declares Doc attributes)
from pipeline.extract.facts import OrgMention
from pipeline.ods import GENERIC_WORDS, title_case


def _words(text: str) -> frozenset[str]:
    """A word list written as text (one line of code per line of words)."""
    return frozenset(text.split())


KINDS = ("trust", "hospital", "health_board", "commissioner", "regulator", "other")
DATA_PACKAGE = "pipeline.extract.data"
GAZETTEER_FILE = "organisations.jsonl"
# `closed` is the ISO date a closed organisation closed (None while open): closed trusts that
# still appear in reports are named exactly, and guessed by fuzzy matching only from a name
# that has every word of theirs (see `FuzzyResolver`).
ENTRY_KEYS = ("id", "name", "kind", "ods_code", "parent", "aliases", "closed")

# Chosen with scripts/measure_org_threshold.py: 3,574 variants generated from the trusts (open
# and closed), hospitals and health boards of the 1,319-entry gazetteer (typos, "&", "NHS
# Trust" for "NHS Foundation Trust", dropped words, place alone, "Hospitals"), resolved against
# the gazetteer; negatives are the same variants resolved without their own entry
# (leave-one-out) and 220 invented names. Margin 5: threshold 84 → precision 0.938, recall
# 0.755; 86 → 0.947, 0.746; 88 → 0.949, 0.734; 92 → 0.950, 0.688; without a margin 88 gives
# 0.882. 88 is the knee: below it false matches grow faster than recall. Letting hospital
# names drop "University", "General" … (`OPTIONAL_SITE_WORDS`) raised recall from 0.684 at a
# cost of 0.011 precision (with "Royal" too: 0.743 at 0.942, not worth it). Remaining errors
# are mostly a place alone ("Bradford NHS Trust", "Leicester Hospital") whose own entry is
# hidden and a neighbour's is not; no invented name ever matched.
FUZZY_THRESHOLD = 88.0
FUZZY_MARGIN = 5.0
WORD_FLOOR = 80.0

# Lower-case words allowed inside a name, and the head nouns that may be lower case in a
# name the press writes loosely ("Russells Hall hospital").
CONNECTORS = frozenset({"and", "&", "of", "for", "upon", "on", "in"})
HEAD_NOUNS = _words(
    """
    health care hospital hospitals infirmary trust foundation board centre centres
    group commission council
    """
)
TRUE_HEADS = HEAD_NOUNS - {"health", "care", "foundation"}
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
# Capitalised function words that end a name when growing it leftwards (title-case
# headlines: "Families Call For Inquiry Into Anytown Hospital").
TITLE_STOPS = _words(
    """
    the a an for into to with at by from in on of and or but as is are was were be been
    has have had will would can could should may might must this that these those it
    its he she they we i you his her their our my your after before over under about
    against between during without within amid says said mp mps not no how why what
    when where who which while if than then so via per
    """
)
# Words that end a name grown leftwards: they close another name ("X NHS Trust and Y ...").
NAME_ENDS = frozenset({"trust", "board", "ccg", "icb"})
HOSPITAL_ENDS = NAME_ENDS | {"hospital", "hospitals", "infirmary"}
# Words before "of" that continue a name through it.
OF_HEADS = _words(
    """
    hospital hospitals university countess princess prince duchess duke queen king isle
    college school
    """
)
# Words that name a role, service or part of an organisation: a name never grows past them
# ("Hampshire Constabulary and Southern Health …", "Maple Ward of West Park Hospital").
ROLE_WORDS = _words(
    """
    police constabulary council service department team unit ward wards office agency
    authority ltd limited plc amhp itu icu inquest coroner executive chief director
    manager chair report emergency accident a&e hmp hmyoi yoi prison
    """
)
BOARD_KINDS = frozenset({"health_board", "commissioner"})
# Words after "Hospital" that make it part of a trust's name.
HOSPITAL_IN_TRUST = frozenset({"nhs", "trust", "foundation", "university", "teaching"})
# Capitalised words that open sentences but never names.
SENTENCE_OPENERS = _words(
    """
    yesterday today meanwhile earlier previously currently recently inspectors
    campaigners families patients parents relatives staff bosses managers officials
    ministers critics doctors nurses midwives
    """
)
# Words that describe a kind of organisation: an unknown name needs a word besides these.
TYPE_WORDS = _words(
    """
    nhs the trust foundation university teaching hospital hospitals infirmary health
    healthcare care community general district county city acute mental specialist
    children women maternity private field local national board integrated clinical
    commissioning group outpatient centre partnership services new main royal day
    psychiatric cottage memorial war rehabilitation orthopaedic eye dental cancer
    """
)
# Single-word aliases that are also ordinary words: never a mention at a sentence start.
ORDINARY_WORDS = frozenset({"monitor"})
# "lost the trust of", "a relationship of trust": not the organisation.
TRUST_VERBS = _words(
    """
    lose lost losing regain regained rebuild rebuilt restore restored earn earned win
    won gain gained betray betrayed undermine undermined erode eroded damage damaged
    break broke broken shatter shattered build built
    """
)
TRUST_NEXT = frozenset({"of", "between", "placed", "in"})
# "NHS England clinical records", "NHS Wales patients": "NHS <country>" before (at most one
# word and) a noun for what the health service holds means the health service of a country,
# not the national body.
COUNTRIES = frozenset({"england", "wales", "scotland"})
STAND_IN_NOUNS = frozenset({"records", "patients", "hospitals", "wards", "beds"})
FUZZY_STOP = frozenset({"the", "nhs", "foundation", "trust", "ft", "and", "of", "for", "in", "on"})
# Words of an entry's name that a fuzzily matched name may leave out: of a hospital ("Aintree
# Hospital", "Southampton Hospital" for Southampton General; not "Royal": "Liverpool
# Hospital" is not the Royal Liverpool more than the other Liverpool ones), of a closed trust.
OPTIONAL_SITE_WORDS = _words("university general district community teaching")
OPTIONAL_TRUST_WORDS = _words("university teaching")

# Cue phrases, matched case-insensitively by the same PhraseMatcher as the gazetteer.
# "anchor:*" cues end a name ("… NHS Trust", "… Hospital") and must be capitalised where they
# occur; "anaphora:*" cues refer back to an organisation named elsewhere. (spaCy's token
# Matcher would express these as `IN` lists, but it builds a Python `Token` for every token
# of every document: on the PFD reports one single-word pattern cost more than half the
# tokenizer's time, where a PhraseMatcher pass costs a few per cent.)
CUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "anchor:trust": ("trust", ("trust",)),
    "anchor:hospital": ("hospital", ("hospital", "infirmary", "outpatient centre")),
    "anchor:plural": ("hospital", ("hospitals", "infirmaries", "outpatient centres")),
    "anchor:health_board": ("health_board", ("health board", "uhb")),
    "anchor:commissioner": (
        "commissioner",
        ("integrated care board", "clinical commissioning group", "ccg", "icb"),
    ),
    "anaphora:trust": (
        "trust",
        ("the trust", "the hospital trust", "the nhs trust", "the foundation trust"),
    ),
    "anaphora:hospital": ("hospital", ("the hospital",)),
    "anaphora:health_board": ("health_board", ("the health board", "the university health board")),
    "anaphora:regulator": (
        "regulator",
        tuple(
            f"the {q}{noun}"
            for q in ("", "health ", "care ", "healthcare ")
            for noun in ("regulator", "watchdog")
        ),
    ),
}
MAX_NAME_TOKENS = 10
# "the regulator" and "the watchdog" mean the CQC, and only where the document names it.
REGULATOR = "Care Quality Commission"


# ---------------------------------------------------------------------------- gazetteer


def load_gazetteer() -> list[dict[str, Any]]:
    """The built-in gazetteer, validated (a malformed line fails loudly, naming the line)."""
    text = resources.files(DATA_PACKAGE).joinpath(GAZETTEER_FILE).read_text(encoding="utf-8")
    entries = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{GAZETTEER_FILE}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternError(f"{where}: not valid JSON ({exc.msg})") from exc
        entries.append(validate_entry(raw, where))
    return entries


def validate_entry(raw: Any, where: str) -> dict[str, Any]:
    """An entry reduced to the gazetteer schema; raises `PatternError` if it does not fit."""
    if not isinstance(raw, dict):
        raise PatternError(f"{where}: an entry must be a JSON object")
    for key in ("id", "name"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise PatternError(f"{where}: entry needs a string {key!r}")
    if raw.get("kind") not in KINDS:
        raise PatternError(f"{where}: {raw['id']!r} has kind {raw.get('kind')!r}")
    for key in ("ods_code", "parent", "closed"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise PatternError(f"{where}: {raw['id']!r} has a non-string {key!r}")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise PatternError(f"{where}: {raw['id']!r} aliases must be a list of strings")
    entry = {key: raw.get(key) for key in ENTRY_KEYS}
    entry["aliases"] = list(aliases)
    return entry


def phrase_key(text: str) -> str:
    """How names are compared exactly: lower case, straight apostrophes, "St." as "St"."""
    text = text.replace("’", "'").lower()
    text = re.sub(r"\bst\.", "st", text)
    return " ".join(text.replace(",", " ").split())


def merge_entries(
    builtin: Sequence[dict[str, Any]], extra: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The built-in gazetteer plus the extra entries it does not already hold.

    The built-in entry wins (it carries the curated aliases and canonical spelling): an extra
    entry is skipped when its id, ODS code or name is already known, and loses aliases that
    are already a built-in name or alias. Extra entries that share
    a name but not a parent ("St Michael's Hospital" in three towns) are all skipped: a name
    that could be any of them must not be resolved to one.
    """
    merged = [dict(entry) for entry in builtin]
    ids = {e["id"] for e in merged}
    codes = {e["ods_code"] for e in merged if e["ods_code"]}
    known = {phrase_key(t) for e in merged for t in [e["name"], *e["aliases"]]}
    fresh: list[dict[str, Any]] = []
    for i, raw in enumerate(extra):
        entry = validate_entry(raw, f"extra_orgs[{i}]")
        code = entry["ods_code"]
        if entry["id"] in ids or (code and code in codes) or phrase_key(entry["name"]) in known:
            continue
        ids.add(entry["id"])
        if code:
            codes.add(code)
        entry["aliases"] = [a for a in entry["aliases"] if phrase_key(a) not in known]
        fresh.append(entry)
    parents: dict[str, set[str | None]] = {}
    for entry in fresh:
        parents.setdefault(phrase_key(entry["name"]), set()).add(entry["parent"])
    return merged + [e for e in fresh if len(parents[phrase_key(e["name"])]) == 1]


def prune_aliases(
    entries: Sequence[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[tuple[str, list[str]]]]:
    """Drop every alias that would be ambiguous or an ordinary word.

    An alias is dropped when it is another entry's name, when two entries claim it, or when it
    is a single lower-case word of English. Entries whose *name* repeats an earlier entry's
    name lose the name as a phrase too (they stay reachable by id and ODS code). Returns the
    pruned entries and the dropped aliases with the entries that claimed them.
    """
    names: dict[str, str] = {}
    for entry in entries:
        names.setdefault(phrase_key(entry["name"]), entry["id"])
    claims: dict[str, set[str]] = {}
    for entry in entries:
        for alias in entry["aliases"]:
            claims.setdefault(phrase_key(alias), set()).add(entry["id"])
    dropped: dict[str, set[str]] = {}
    pruned = []
    for entry in entries:
        keep: list[str] = []
        own = phrase_key(entry["name"])
        for alias in entry["aliases"]:
            key = phrase_key(alias)
            owner = names.get(key)
            if key == own or key in {phrase_key(a) for a in keep}:
                continue
            if (owner is not None and owner != entry["id"]) or len(claims[key]) > 1:
                dropped.setdefault(alias, set()).update(claims[key] | {owner or entry["id"]})
                continue
            if " " not in key and key in STOP_WORDS:
                dropped.setdefault(alias, set()).add(entry["id"])
                continue
            keep.append(alias)
        pruned.append({**entry, "aliases": keep})
    return pruned, sorted((alias, sorted(ids)) for alias, ids in dropped.items())


def fuzzy_key(text: str) -> str:
    """What fuzzy matching compares: lower-case words without the trust-type boilerplate."""
    text = text.lower().replace("’", "'").replace("'s", "").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text.replace("&", " and "))
    return " ".join("hospital" if w == "hospitals" else w for w in words if w not in FUZZY_STOP)


@dataclass(frozen=True)
class FuzzyMatch:
    """One gazetteer entry a span might name, with its score (0–100)."""

    entry_id: str
    score: float


class FuzzyResolver:
    """Resolve a candidate name to the gazetteer entry of the same kind it most resembles.

    The score is the smaller of rapidfuzz's `token_set_ratio` (tolerant of missing words:
    "Nottingham NHS Trust" → "Nottingham University Hospitals NHS Trust") and a coverage
    score: how well each specific word of the candidate is found in the entry, so that an
    extra word ("North Bristol" against "Bristol") or a different place ("Anytown and
    District" against "Harrogate and District") is not forgiven. Hospitals must also cover
    every word of the entry but the ones a name is often written without ("Aintree Hospital"
    is Aintree University Hospital): a town has several ("Leeds Hospital" is not Leeds Dental
    Hospital). Closed trusts are candidates too, but the name must cover every word of theirs
    bar "University" and "Teaching" ("Brighton and Sussex University Hospital NHS Trust"),
    so that a trust's variants are not taken for its merged predecessors' ("Dudley NHS
    Trust" is not the closed Dudley Integrated Health and Care). A best match must beat the
    runner-up by `margin`, or the span stays unresolved.
    """

    def __init__(self, entries: Iterable[dict[str, Any]], threshold: float, margin: float):
        self.threshold = threshold
        self.margin = margin
        self._keys: dict[str, list[str]] = {}
        self._ids: dict[str, list[str]] = {}
        self._closed: set[str] = set()
        self._cache: dict[tuple[str, str], tuple[FuzzyMatch | None, bool]] = {}
        for entry in entries:
            if entry.get("closed"):
                self._closed.add(entry["id"])
            seen: set[str] = set()
            for text in [entry["name"], *entry["aliases"]]:
                key = fuzzy_key(text)
                if key and key not in seen and not _is_acronym(text):
                    seen.add(key)
                    self._keys.setdefault(entry["kind"], []).append(key)
                    self._ids.setdefault(entry["kind"], []).append(entry["id"])

    def scores(self, kind: str, text: str, limit: int = 20) -> list[FuzzyMatch]:
        """Every entry of `kind` scored against `text`, best first, one score per entry."""
        query = fuzzy_key(text)
        keys = self._keys.get(kind, [])
        if not query or not keys:
            return []
        rough = process.extract(query, keys, scorer=fuzz.token_set_ratio, limit=limit)
        best: dict[str, float] = {}
        for key, tsr, index in rough:
            entry_id = self._ids[kind][index]
            score = min(float(tsr), _coverage(query, key))
            if kind == "hospital":
                score = min(score, _coverage(key, query, skip=OPTIONAL_SITE_WORDS))
            if entry_id in self._closed:
                score = min(score, _coverage(key, query, skip=OPTIONAL_TRUST_WORDS))
            best[entry_id] = max(score, best.get(entry_id, 0.0))
        return sorted((FuzzyMatch(i, s) for i, s in best.items()), key=lambda m: -m.score)

    def decide(self, matches: Sequence[FuzzyMatch]) -> FuzzyMatch | None:
        """The best match if it clears the threshold and the runner-up by the margin."""
        if not matches or matches[0].score < self.threshold:
            return None
        if len(matches) > 1 and matches[1].score > matches[0].score - self.margin:
            return None
        return matches[0]

    def resolve(self, kind: str, text: str) -> tuple[FuzzyMatch | None, bool]:
        """The decided match, and whether some entry scored above the threshold at all (an
        ambiguous name: known, but not which). Cached: names recur across documents."""
        key = (kind, fuzzy_key(text))
        if key not in self._cache:
            matches = self.scores(kind, text)
            near = bool(matches) and matches[0].score >= self.threshold
            self._cache[key] = (self.decide(matches), near)
        return self._cache[key]


def _coverage(query: str, key: str, skip: frozenset[str] | None = None) -> float:
    """How well the words of `query` are found in `key`: the mean of each word's best ratio,
    or 0 if any word is no closer than WORD_FLOOR ("West" against "Weston" is another name,
    not a typo). Words in `skip` (by default the type words: only specific words count) need
    not be found."""
    skip = TYPE_WORDS if skip is None else skip
    words = [w for w in query.split() if w not in skip] or query.split()
    targets = key.split()
    ratios = [max(fuzz.ratio(w, t) for t in targets) for w in words]
    return 0.0 if min(ratios) <= WORD_FLOOR else sum(ratios) / len(ratios)


def _is_acronym(text: str) -> bool:
    """Acronyms ("NUH", "SaTH") are exact aliases only: too short to compare fuzzily."""
    return " " not in text and sum(c.isupper() for c in text) >= 2


# ---------------------------------------------------------------------------- component


@dataclass
class _Candidate:
    """A possible mention before overlaps are settled (token offsets)."""

    start: int
    end: int
    entry: dict[str, Any] | None
    name: str
    kind: str
    rule: str
    score: float
    priority: int  # 0 gazetteer, 1 fuzzy, 2 unknown


@Language.factory(
    "trustwatch_orgs",
    default_config={
        "extra_orgs": [],
        "fuzzy_threshold": FUZZY_THRESHOLD,
        "fuzzy_margin": FUZZY_MARGIN,
    },
)
class OrgRecognizer:
    """Set `doc._.tw_orgs` (sorted, non-overlapping `OrgMention`s) and `doc._.tw_main_org`.

    `extra_orgs` are gazetteer entries (same schema as organisations.jsonl) added after an
    ODS import; ambiguity between them and the built-in entries is pruned on load.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        extra_orgs: list[dict[str, Any]],
        fuzzy_threshold: float,
        fuzzy_margin: float,
    ) -> None:
        self.name = name
        entries, self.dropped_aliases = prune_aliases(merge_entries(load_gazetteer(), extra_orgs))
        self.entries = {e["id"]: e for e in entries}
        self.by_name = {e["name"]: e for e in reversed(entries)}
        self.by_key: dict[str, dict[str, Any]] = {}
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        names = {phrase_key(e["name"]) for e in entries}
        for entry in entries:
            texts = [t for t in _surface_forms(entry) if self._claim(t, entry, names)]
            if texts:
                self.phrase_matcher.add(entry["id"], [nlp.make_doc(t) for t in texts])
        for key, (_, phrases) in CUES.items():
            self.phrase_matcher.add(key, [nlp.make_doc(p) for p in phrases])
        self.cue_ids = {nlp.vocab.strings[key]: key for key in CUES}
        # Lower-case words an entry writes in its own name or aliases ("Medicines and
        # Healthcare products Regulatory Agency"): a match may write them in lower case too.
        self.lower_words = {
            e["id"]: frozenset(
                w for t in [e["name"], *e["aliases"]] for w in t.split() if w.islower()
            )
            for e in entries
        }
        self.acronyms: dict[str, set[str]] = {}
        for entry in entries:
            for text in [entry["name"], *entry["aliases"]]:
                if _is_acronym(text):
                    self.acronyms.setdefault(text.lower(), set()).add(text)
        self.fuzzy = FuzzyResolver(entries, fuzzy_threshold, fuzzy_margin)

    def _acronym_cased(self, token: Token) -> bool:
        """An acronym alias is matched only as written or in capitals: "LAS" and "SaTH", not
        "Las" (Vegas) or "Sath"."""
        forms = self.acronyms.get(token.lower_)
        return forms is None or token.is_upper or token.text in forms

    def _claim(self, text: str, entry: dict[str, Any], names: set[str]) -> bool:
        """Register `text` as a phrase of `entry` unless an earlier entry owns it."""
        key = phrase_key(text)
        owner = self.by_key.get(key)
        if owner is not None:
            return owner is entry
        if key in names and key != phrase_key(entry["name"]) and text not in entry["aliases"]:
            return False
        self.by_key[key] = entry
        return True

    def __call__(self, doc: Doc) -> Doc:
        context = _DocContext(doc)
        names: list[tuple[int, int, int]] = []
        cues: list[tuple[str, int, int]] = []
        for match_id, start, end in self.phrase_matcher(doc):
            cue = self.cue_ids.get(match_id)
            if cue is None:
                names.append((match_id, start, end))
            else:
                cues.append((cue, start, end))
        phrases = self._phrase_candidates(doc, context, names)
        anchored = self._anchored_candidates(doc, context, cues, phrases)
        chosen = _select(phrases + anchored)
        mentions = [self._mention(doc, c) for c in chosen]
        main, mains = self._main_orgs(mentions)
        anaphors = [cue for cue in cues if cue[0].startswith("anaphora:")]
        mentions += self._anaphora(doc, anaphors, chosen, mains, mentions)
        doc._.tw_orgs = sorted(mentions, key=lambda m: m.start)
        doc._.tw_main_org = main
        return doc

    # -- pass 1: gazetteer phrases

    def _phrase_candidates(
        self, doc: Doc, context: _DocContext, matches: list[tuple[int, int, int]]
    ) -> list[_Candidate]:
        found = []
        for match_id, start, end in matches:
            span = doc[start:end]
            entry = self.entries[doc.vocab.strings[match_id]]
            if not _capitalised(span, self.lower_words.get(entry["id"], frozenset())):
                continue
            if not context.starts_name(span):
                continue
            if end - start == 1 and not self._acronym_cased(span[0]):
                continue
            if _country_stand_in(doc, start, end):
                continue
            rule = f"gazetteer:{entry['id']}"
            found.append(_Candidate(start, end, entry, entry["name"], entry["kind"], rule, 1.0, 0))
        return found

    # -- pass 2: anchored names, fuzzy resolution, unknown organisations

    def _anchored_candidates(
        self,
        doc: Doc,
        context: _DocContext,
        cues: list[tuple[str, int, int]],
        phrases: list[_Candidate],
    ) -> list[_Candidate]:
        covered_ends: dict[int, int] = {}
        for c in phrases:
            covered_ends[c.end] = max(covered_ends.get(c.end, -1), c.start)
        anchored: list[_Candidate] = []
        for label, start, end in cues:
            if not label.startswith("anchor:") or not _anchor_cased(doc[start:end]):
                continue
            kind = CUES[label][0]
            if label == "anchor:plural":
                anchored += self._coordinated(doc, context, start, end)
                continue
            if not _anchor_stands_alone(doc, label, start, end):
                continue
            name_start = context.name_start(start, kind)
            if name_start == start:
                continue
            # A gazetteer phrase ending at the anchor wins over a longer grown name
            # ("Oxford's John Radcliffe Hospital" is the John Radcliffe Hospital).
            if covered_ends.get(end, -1) >= name_start:
                continue
            candidate = self._resolve_span(doc[name_start:end], kind, label, phrases)
            if candidate is not None:
                anchored.append(candidate)
        return anchored

    def _resolve_span(
        self, span: Span, kind: str, label: str, phrases: list[_Candidate]
    ) -> _Candidate | None:
        text = _strip_the(span.text)
        entry = self.by_key.get(phrase_key(text))
        if entry is not None and entry["kind"] == kind:
            return _Candidate(
                span.start, span.end, entry, entry["name"], kind, f"gazetteer:{entry['id']}", 1.0, 0
            )
        match, near = self.fuzzy.resolve(kind, text) if _has_specific_word(span) else (None, False)
        if match is not None:
            entry = self.entries[match.entry_id]
            return _Candidate(
                span.start,
                span.end,
                entry,
                entry["name"],
                kind,
                f"fuzzy:{entry['id']}",
                round(match.score / 100, 3),
                1,
            )
        inside = any(p.start >= span.start and p.end <= span.end for p in phrases)
        if near or inside or not _looks_like_nhs_body(span, kind):
            return None
        name = title_case(_clean(text))
        if kind == "commissioner":
            name = commissioner_name(name)
            entry = self.by_key.get(phrase_key(name))
            if entry is not None and entry["kind"] == kind:
                rule = f"gazetteer:{entry['id']}"
                return _Candidate(span.start, span.end, entry, entry["name"], kind, rule, 1.0, 0)
        return _Candidate(span.start, span.end, None, name, kind, f"pattern:{label[7:]}", 0.5, 2)

    def _coordinated(
        self, doc: Doc, context: _DocContext, start: int, end: int
    ) -> list[_Candidate]:
        """Coordinated names: "the Corbett and Guest Outpatient Centres" → two centres, when
        the gazetteer knows both."""
        name_start = context.name_start(start, "hospital")
        parts: list[list[Token]] = [[]]
        for token in doc[name_start:start]:
            if token.lower_ in {"and", "&", ","}:
                parts.append([])
            else:
                parts[-1].append(token)
        if len(parts) < 2 or any(not p for p in parts):
            return []
        head = " ".join(t.text for t in doc[start:end])
        singular = re.sub(r"(ies|s)$", lambda m: "y" if m.group(1) == "ies" else "", head)
        found = []
        for i, part in enumerate(parts):
            text = " ".join(t.text for t in part) + " " + singular
            entry = self.by_key.get(phrase_key(text))
            if entry is None:
                return []
            first, last = part[0].i, (end if i == len(parts) - 1 else part[-1].i + 1)
            found.append(
                _Candidate(
                    first, last, entry, entry["name"], entry["kind"], f"coord:{entry['id']}", 0.9, 0
                )
            )
        return found

    # -- pass 4: main organisation and anaphora

    def _main_orgs(self, mentions: list[OrgMention]) -> tuple[str | None, dict[str, OrgMention]]:
        """The main organisation's name, and the mention "the trust", "the hospital" … of each
        kind refer to.

        A hospital's mention counts towards its parent (trust or health board); ties go to the
        first mentioned. Without any trust or health board the most-mentioned hospital is the
        main one. An anaphor refers to the most-mentioned organisation of its kind that the
        document names, and only without one to a parent known from its hospitals ("the
        trust" after "Brighton and Sussex University Hospitals NHS Trust" and two of the
        hospitals its successor now runs is still Brighton and Sussex).
        """
        counts: dict[str, list[Any]] = {}
        named: set[tuple[str, str]] = set()
        for order, m in enumerate(sorted(mentions, key=lambda m: m.start)):
            keys = [(m.kind, m.name, m)]
            named.add((m.kind, m.name))
            if m.kind == "hospital" and m.parent:
                parent = self.by_name.get(m.parent)
                if parent is not None:
                    keys.append((parent["kind"], m.parent, self._entry_mention(m, parent)))
            for kind, name, mention in keys:
                slot = counts.setdefault(f"{kind}\0{name}", [0, order, kind, mention])
                slot[0] += 1
        best: dict[str, OrgMention] = {}
        ranked = sorted(counts.values(), key=lambda s: (-s[0], s[1]))
        for _count, _order, kind, mention in ranked:
            if (kind, mention.name) in named:
                best.setdefault(kind, mention)
        for _count, _order, kind, mention in ranked:
            best.setdefault(kind, mention)
        for _count, _order, kind, mention in ranked:
            if kind in ("trust", "health_board"):
                return mention.name, best
        return (best["hospital"].name if "hospital" in best else None), best

    def _entry_mention(self, m: OrgMention, entry: dict[str, Any]) -> OrgMention:
        return OrgMention(
            m.start,
            m.end,
            m.text,
            entry["name"],
            entry["kind"],
            entry["ods_code"],
            entry["parent"],
            m.rule,
        )

    def _anaphora(
        self,
        doc: Doc,
        anaphors: list[tuple[str, int, int]],
        chosen: list[_Candidate],
        mains: dict[str, OrgMention],
        mentions: list[OrgMention],
    ) -> list[OrgMention]:
        taken = [(c.start, c.end) for c in chosen]
        targets = dict(mains)
        cqc = next((m for m in mentions if m.name == REGULATOR), None)
        if cqc is not None:
            targets["regulator"] = cqc
        found: list[OrgMention] = []
        for label, start, end in sorted(anaphors, key=lambda a: (a[1], -a[2])):
            kind = CUES[label][0]
            if any(s < end and start < e for s, e in taken) or not _anaphor_ok(
                doc, kind, start, end
            ):
                continue
            target = targets.get(kind)
            if target is None:
                continue
            span = doc[start:end]
            taken.append((start, end))
            found.append(
                OrgMention(
                    span.start_char,
                    span.end_char,
                    span.text,
                    target.name,
                    target.kind,
                    target.ods_code,
                    target.parent,
                    label,
                    0.8,
                )
            )
        return found

    def _mention(self, doc: Doc, c: _Candidate) -> OrgMention:
        span = doc[c.start : c.end]
        entry = c.entry or {}
        return OrgMention(
            span.start_char,
            span.end_char,
            span.text,
            c.name,
            c.kind,
            entry.get("ods_code"),
            entry.get("parent"),
            c.rule,
            c.score,
        )


class _DocContext:
    """Per-document facts the rules consult, computed only when first needed."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._lower_words: set[str] | None = None

    def lower_words(self) -> set[str]:
        """Words the document writes in lower case somewhere (so they are ordinary words)."""
        if self._lower_words is None:
            self._lower_words = {t.text for t in self.doc if t.is_lower}
        return self._lower_words

    def ordinary_at_start(self, token: Token) -> bool:
        """A capitalised sentence-initial word that is an ordinary word ("Families", "Monitor")."""
        if not _sentence_start(token) or token.is_upper:
            return False
        low = token.lower_
        if low in STOP_WORDS or low in ORDINARY_WORDS or low in SENTENCE_OPENERS:
            return True
        return low in self.lower_words()

    def starts_name(self, span: Span) -> bool:
        """False for a one-word match that is only an ordinary word starting a sentence."""
        return len(span) > 1 or not self.ordinary_at_start(span[0])

    def name_start(self, anchor: int, kind: str) -> int:
        """Grow a name leftwards from its anchor over capitalised words and inner connectors.

        Growth stops at the end of another name ("… Trust and"), at a role word ("Police
        and", "Ward of"; but "Ambulance Service" goes on), at "of" unless a name continues
        through it ("University Hospitals of", "Countess of"), after an "NHS" that prefixes a
        board's name, and at a comma unless the name is a list ("Tees, Esk and Wear Valleys").
        """
        doc = self.doc
        stops = HOSPITAL_ENDS if kind == "hospital" else NAME_ENDS
        start = anchor
        i = anchor - 1
        while i >= 0 and anchor - i <= MAX_NAME_TOKENS:
            token = doc[i]
            text = token.text
            if token.is_space or "\n" in token.whitespace_:
                break
            if text in POSSESSIVES or text == "-":
                if i == 0 or doc[i - 1].whitespace_ or (text == "-" and token.whitespace_):
                    break
            elif text == ",":
                listed = any(t.lower_ in {"and", "&"} for t in doc[i + 1 : anchor])
                if not listed or i == 0 or not _name_word(doc[i - 1]):
                    break
            elif text == "of":
                if i == 0 or doc[i - 1].lower_ not in OF_HEADS:
                    break
            elif (
                text in CONNECTORS
                or (token.is_upper and token.lower_ in CONNECTORS)
                or _ambulance_service(token)
            ):
                pass
            elif token.lower_ in ROLE_WORDS and _name_word(token):
                # "HMP Coldingley and Central … Trust": the role word opens another name,
                # so this one starts after the "and" that joins them.
                joins = [t.i for t in doc[i + 1 : anchor] if t.lower_ in {"and", "&"}]
                if joins:
                    start = joins[0] + 1
                break
            elif not _name_word(token) or token.lower_ in TITLE_STOPS or token.lower_ in stops:
                break
            start = i
            if _sentence_start(token) or (text == "NHS" and kind in BOARD_KINDS):
                break
            i -= 1
        start = _trim_left(doc, start, anchor)
        if start < anchor and self.ordinary_at_start(doc[start]):
            start = _trim_left(doc, start + 1, anchor)
        return start


def _ambulance_service(token: Token) -> bool:
    """Whether a token is the "Service(s)" of "… Ambulance Service NHS Trust": part of the
    name, not a role word."""
    return (
        token.lower_ in {"service", "services"}
        and token.i > 0
        and token.doc[token.i - 1].lower_ == "ambulance"
        and _name_word(token)
    )


def _trim_left(doc: Doc, start: int, anchor: int) -> int:
    """Skip connectors and punctuation a name cannot start with."""
    while start < anchor and (doc[start].text in CONNECTORS | POSSESSIVES | {"-", ","}):
        start += 1
    return start


def _name_word(token: Token) -> bool:
    """A capitalised word, possibly with an apostrophe or full stop ("St.", "O'Neill")."""
    text = token.text
    return text[:1].isupper() and text.replace(".", "").replace("'", "").isalpha()


def _sentence_start(token: Token) -> bool:
    """Whether a token opens a sentence (by the sentencizer, or by the punctuation before it
    when the component runs without one)."""
    if token.i == 0:
        return True
    if token.is_sent_start:
        return True
    previous = token.doc[token.i - 1]
    return token.is_sent_start is None and (
        previous.is_space or previous.text in {".", "!", "?", ":"}
    )


def _capitalised(span: Span, lower_ok: frozenset[str] = frozenset()) -> bool:
    """Every word of a matched name is capitalised, bar connectors, an inner "the" ("Queen
    Elizabeth the Queen Mother Hospital"), words the entry's own name writes in lower case
    (`lower_ok`: "Healthcare products") and a trailing run of head nouns ending in a true
    head ("Russells Hall hospital", "Cwm Taf health board")."""
    words = [
        t
        for t in span
        if t.is_alpha
        and t.text not in CONNECTORS
        and t.text not in lower_ok
        and (t.text != "the" or t.i == span.start)
    ]
    tail = len(words)
    while tail > 1 and words[tail - 1].is_lower and words[tail - 1].text in HEAD_NOUNS:
        tail -= 1
    if tail < len(words) and words[-1].text not in TRUE_HEADS:
        return False
    return not any(t.is_lower for t in words[:tail])


def _anchor_cased(span: Span) -> bool:
    """Anchors are written as names: "Trust", "TRUST", "Health Board", "CCG"; not "trust"."""
    return all(t.text[:1].isupper() for t in span)


def _anchor_stands_alone(doc: Doc, label: str, start: int, end: int) -> bool:
    """False for an anchor inside a longer word or name: "Hospital-level", "… Hospital NHS
    Trust" (the trust's own anchor handles that name)."""
    after = doc[end] if end < len(doc) else None
    if after is None:
        return True
    if after.text == "-" and not doc[end - 1].whitespace_:
        return False
    return label != "anchor:hospital" or after.lower_ not in HOSPITAL_IN_TRUST


def _country_stand_in(doc: Doc, start: int, end: int) -> bool:
    """Whether "NHS <country>" stands for the country's health service, as in "NHS England
    clinical records" (see `STAND_IN_NOUNS`), rather than naming the national body."""
    words = [t.lower_ for t in doc[start:end]]
    if words[:1] != ["nhs"] or len(words) != 2 or words[1] not in COUNTRIES:
        return False
    following = doc[end : end + 2]
    for token in following:
        if not token.is_lower:
            return False
        if token.lower_ in STAND_IN_NOUNS:
            return True
    return False


def _anaphor_ok(doc: Doc, kind: str, start: int, end: int) -> bool:
    """False where the words are not a reference: "the hospital-acquired", "the hospital
    trust" (a trust), and lower-case "trust" as a noun ("lost the trust of", "the trust in")."""
    head = doc[end - 1]
    after = doc[end] if end < len(doc) else None
    if after is not None and after.text == "-" and not head.whitespace_:
        return False
    if kind == "hospital":
        return after is None or after.lower_ not in {"trust", "trusts"}
    if kind == "trust" and head.is_lower and end - start == 2:
        before = doc[start - 1] if start > 0 else None
        if after is not None and after.lower_ in TRUST_NEXT:
            return False
        if before is not None and before.lower_ in TRUST_VERBS:
            return False
    return True


def _has_specific_word(span: Span) -> bool:
    """A capitalised word that no organisation name shares generically ("Anytown", not
    "National" or "Royal"): without one, fuzzy matching would only compare boilerplate."""
    return any(_name_word(t) and t.lower_ not in GENERIC_WORDS for t in span)


def _looks_like_nhs_body(span: Span, kind: str) -> bool:
    """An unknown name needs a word besides type words, and an unknown trust "NHS" or
    "Foundation" ("Wellcome Trust" is a charity)."""
    own = [t for t in span if _name_word(t) and t.lower_ not in TYPE_WORDS]
    if not any(len(t) > 2 or t.is_upper for t in own):
        return False
    if kind == "trust":
        return any(t.lower_ in {"nhs", "foundation"} for t in span)
    return True


def commissioner_name(name: str) -> str:
    """A commissioner's canonical name from how it is written (docs/annotation.md, gold
    README): "NHS X Integrated Care Board" for "X ICB", "NHS X ICB" or "X Integrated Care
    Board"; "X Clinical Commissioning Group" for "X CCG" or "NHS X CCG"."""
    words = name.split()
    if words[:1] == ["NHS"]:
        words = words[1:]
    for short, full, prefix in (
        ("ICB", "Integrated Care Board", "NHS "),
        ("CCG", "Clinical Commissioning Group", ""),
    ):
        long = full.split()
        if words[-1:] == [short]:
            core = words[:-1]
        elif [w.lower() for w in words[-len(long) :]] == [w.lower() for w in long]:
            core = words[: -len(long)]
        else:
            continue
        if core:
            return f"{prefix}{' '.join(core)} {full}"
    return name


def _strip_the(text: str) -> str:
    """Without a leading "the" (unknown names are not given one)."""
    return text[4:] if text[:4].lower() == "the " else text


def _clean(text: str) -> str:
    """Straight apostrophes and single spaces, for names built from text."""
    return " ".join(text.replace("’", "'").split())


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates: the longest first, then by priority, then leftmost."""
    chosen: list[_Candidate] = []
    taken: set[int] = set()
    for c in sorted(candidates, key=lambda c: (-(c.end - c.start), c.priority, c.start)):
        if any(i in taken for i in range(c.start, c.end)):
            continue
        taken.update(range(c.start, c.end))
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def _surface_forms(entry: dict[str, Any]) -> Iterator[str]:
    """The name and aliases as written, with curly-apostrophe, apostrophe-less and "St." forms,
    and a comma before a town that follows the head ("Priory Hospital, Altrincham")."""
    seen: set[str] = set()
    for text in [entry["name"], *entry["aliases"]]:
        forms = [text]
        town = re.match(r"(.+ (?:Hospital|Infirmary)) ([A-Z][\w' -]*)$", text)
        if town and entry["kind"] == "hospital":
            forms.append(f"{town.group(1)}, {town.group(2)}")
        if "'" in text:
            forms += [text.replace("'", "’"), text.replace("'s", "s").replace("'", "")]
        if re.search(r"\bSt ", text):
            forms += [re.sub(r"\bSt ", "St. ", f) for f in list(forms)]
        for form in forms:
            if form not in seen:
                seen.add(form)
                yield form
