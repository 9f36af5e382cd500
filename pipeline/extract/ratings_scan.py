"""Read the words around one rating word: is it a rating, and of what domain, service, year?

`RatingScan` is built once per document that contains a rating word. It drops the words used
as ordinary adjectives ("good practice") by looking at the next token, runs the other rule
matchers only over the sentences of the words left, then answers questions about each word
with cheap token logic inside its sentence: which cues fire (patterns/ratings.jsonl), whether
the rating is hoped for or denied, and which domains, service and year go with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc

from pipeline.extract.extensions import facts
from pipeline.extract.ratings_rules import CueRule, Match, RatingRules, Term

Fired = tuple[CueRule, int]  # a cue that fired, and the token where its evidence starts

LABEL_SEPARATORS = frozenset({":", "–", "—", "-", "?", "|", "="})
MAX_LABEL_TOKENS = 14
MAX_SCAN_TOKENS = 16  # a domain list is never longer
BLOCKER_WINDOW = 8
QUOTE_SLACK = 4  # quotes a left gap may hold besides its words
MIN_YEAR, MAX_YEAR = 1990, 2039
YEAR_REACH = 12  # tokens between a rating word and its year
YEAR_OPENING = 4  # "In January 2017, …": a year this close to the sentence start opens it
ANAPHOR_REACH = 300  # tokens back from "the service" to the service it stands for
LIST_LINE_TOKENS = 24  # a bullet or table row holding a rating is never longer
LIST_LINES = 30  # rows between a list's lead-in and its last row
SENTENCE_END = frozenset({".", "!", "?", ";"})
# Organisations the CQC rates. Regulators, commissioners and sector bodies ("other") are named
# in rating sentences ("rated inadequate by the CQC") but are never what is rated.
RATED_KINDS = ("trust", "health_board", "hospital")


@dataclass
class Anchor:
    """One rating word in the text and what the scan found about it."""

    start: int
    end: int
    term: Term
    sent_start: int
    sent_end: int
    cues: list[CueRule] = field(default_factory=list)
    cue_starts: dict[str, int] = field(default_factory=dict)  # rule id -> first token
    cue_start: int = -1  # leftmost token of a left cue, label or transition
    previous: str | None = None
    consumes: int | None = None  # start of the rating word this one changed from
    label_domains: list[str] | None = None
    label_service: str | None = None
    lead_in: tuple[int, int] | None = None  # tokens of the line that introduces its list

    @property
    def rating(self) -> str:
        """The normal form of the rating word."""
        return self.term.value


class RatingScan:
    """Per-document view of the matches the ratings rules found."""

    def __init__(self, doc: Doc, rules: RatingRules, anchors: list[Match]) -> None:
        """Keep the rating words that may be ratings; match the rules only in their sentences.

        Most rating words in running text are ordinary adjectives ("good practice"); they are
        dropped by looking at the next word before any other matcher runs.
        """
        self.doc = doc
        self.rules = rules
        self.words = rules.word_set
        self.anchor_at = {s: (e, t) for s, e, t in anchors}
        self.anchor_by_end = {e: s for s, e, _ in anchors}
        self.candidates = [(s, e, t) for s, e, t in anchors if not self.attributive(s, e, t)]
        self.sentences = {s: self.sentence(s) for s, _e, _t in self.candidates}
        # a label may sit on the line before its rating ("Safe\nInadequate")
        self.ranges = _merge((max(0, a - MAX_LABEL_TOKENS), b) for a, b in self.sentences.values())
        self.domain_at: dict[int, tuple[int, Term]] = {}
        self.services: list[Match] = []
        self.left_cues: dict[int, list[tuple[int, CueRule]]] = defaultdict(list)
        self.right_cues: dict[int, list[tuple[int, CueRule]]] = defaultdict(list)
        self.left_cue_starts: set[int] = set()
        for start, end in self.ranges:
            self.domain_at.update((s, (e, t)) for s, e, t in rules.domains(doc, start, end))
            self.services += rules.services(doc, start, end)
            for span in rules.cues(doc[start:end], as_spans=True):
                rule = rules.cue_keys[span.label]
                self.left_cues[span.end].append((span.start, rule))
                self.right_cues[span.start].append((span.end, rule))
                if rule.kind == "left":
                    self.left_cue_starts.add(span.start)
        self.domain_by_end = {e: (s, t) for s, (e, t) in self.domain_at.items()}
        self.service_at = {s: (e, t) for s, e, t in self.services}
        self.reach = max((r.max_gap for r in rules.cue_rules.values()), default=0) + QUOTE_SLACK
        self.priority = {rule_id: n for n, rule_id in enumerate(rules.cue_rules)}
        self._context: list[tuple[int, str]] | None = None
        self._orgs: tuple[set[int], set[int], set[int]] | None = None
        self._lead_ins: dict[int, tuple[str | None, tuple[int, int] | None]] = {}
        self._resolve_anaphors()

    def _resolve_anaphors(self) -> None:
        """Give "the service" ("the unit", "this department") the service named last before it.

        "The service, which delivers 4,000 babies a year, was rated good" rates the maternity
        service the text named before. The anaphor must be a subject or object (followed by a
        verb, punctuation or a rating word, not "the service user"); a text that named no
        service before it leaves it the whole organisation's.
        """
        nouns, determiners = self.words("service-anaphor"), self.words("anaphor-determiner")
        followers = self.words("anaphor-follower")
        covered = {i for s, e, _t in self.services for i in range(s, e)}
        found: list[Match] = []
        for start, end in self.ranges:
            for token in self.doc[max(start, 1) : end]:
                i = token.i
                if token.lower_ not in nouns or i in covered:
                    continue
                if self.doc[i - 1].lower_ not in determiners:
                    continue
                n = self.next_solid(i + 1, len(self.doc))
                if n < len(self.doc):
                    after = self.doc[n]
                    if after.is_alpha and after.lower_ not in followers and n not in self.anchor_at:
                        continue
                term = self._named_before(i)
                if term is not None:
                    found.append((i - 1, i + 1, term))
        if found:
            self.services = sorted(self.services + found, key=lambda m: m[0])

    def _named_before(self, i: int) -> Term | None:
        """The last service named in the ANAPHOR_REACH tokens before token `i`."""
        named = self.rules.services(self.doc, max(0, i - ANAPHOR_REACH), i - 1)
        return named[-1][2] if named else None

    # ---- navigation -------------------------------------------------------------------------

    def sentence(self, i: int) -> tuple[int, int]:
        """Token bounds of the sentence holding token `i` (the document without sentences)."""
        if not self.doc.has_annotation("SENT_START"):
            return 0, len(self.doc)
        sent = self.doc[i].sent
        return sent.start, sent.end

    def _soft(self, i: int) -> bool:
        """Quotes and in-line spaces, which never change the reading."""
        token = self.doc[i]
        return token.is_quote or (token.is_space and "\n" not in token.text)

    def prev_solid(self, i: int, floor: int = 0) -> int:
        """The nearest token left of `i` that is not soft, or floor - 1."""
        i -= 1
        while i >= floor and self._soft(i):
            i -= 1
        return i

    def next_solid(self, i: int, ceiling: int) -> int:
        """The nearest token at or after `i` that is not soft, or `ceiling`."""
        while i < ceiling and self._soft(i):
            i += 1
        return i

    def line_start(self, i: int, limit: int = MAX_LABEL_TOKENS) -> int | None:
        """First token of the line holding token `i`; None for a line longer than `limit`
        tokens before `i` (too long to be a label)."""
        j = i - 1
        while j >= 0 and i - j <= limit:
            token = self.doc[j]
            if token.is_space and "\n" in token.text:
                return j + 1
            j -= 1
        return 0 if j < 0 else None

    # ---- is it a rating? --------------------------------------------------------------------

    def find_cues(self, anchor: Anchor) -> None:
        """Record on `anchor` every cue that fires for its rating, in rule priority order."""
        fired = self._label(anchor) + self._left(anchor) + self._right(anchor)
        fired += self._transition(anchor)
        if self._quoted(anchor):
            fired += self._special("quoted", anchor.start)
        if self._title_case(anchor):
            fired += self._special("title-case", anchor.start)
        fired.sort(key=lambda found: self.priority[found[0].id])
        seen: set[str] = set()
        for rule, start in fired:
            if rule.id in seen or not rule.applies_to(anchor.rating):
                continue
            seen.add(rule.id)
            anchor.cues.append(rule)
            anchor.cue_starts[rule.id] = start
            if rule.kind in ("left", "label", "transition"):
                first = anchor.cue_start
                anchor.cue_start = start if first < 0 else min(first, start)

    def _special(self, kind: str, start: int) -> list[Fired]:
        return [(r, start) for r in self.rules.cue_rules.values() if r.kind == kind]

    def _left(self, anchor: Anchor) -> list[Fired]:
        found = []
        for end in range(max(anchor.sent_start, anchor.start - self.reach), anchor.start + 1):
            for start, rule in self.left_cues.get(end, ()):
                if rule.kind == "left" and self._gap_ok(rule, end, anchor.start):
                    found.append((rule, start))
        return found

    def _gap_ok(self, rule: CueRule, start: int, end: int) -> bool:
        """Whether tokens start..end-1 may stand between a left cue and its rating word."""
        count, last = 0, ""
        for i in range(start, end):
            if self._soft(i):
                continue
            token = self.doc[i]
            low = token.lower_
            if rule.loose:
                if low in SENTENCE_END or token.is_space or self._other_rating(i):
                    return False
            elif rule.skip is None:
                if (
                    (token.is_punct and low not in ("'s", "’s"))
                    or token.is_space
                    or low in self.words("boundary")
                    or i in self.anchor_at
                ):
                    return False
            elif low not in rule.skip:
                return False
            count, last = count + 1, low
        return count <= rule.max_gap and (rule.last is None or last in rule.last)

    def _other_rating(self, i: int) -> bool:
        """Whether token `i` is a rating word, not part of a name ("Good Hope Hospital")."""
        return i in self.anchor_at and i not in self.org_tokens()[0]

    def _right(self, anchor: Anchor) -> list[Fired]:
        at = self.next_solid(anchor.end, anchor.sent_end)
        found = []
        for _end, rule in self.right_cues.get(at, ()):
            if rule.kind == "domain-after":
                if any(d != "overall" for d in self.forward(anchor)[0]):
                    found.append((rule, anchor.start))
            elif rule.kind == "right":
                found.append((rule, anchor.start))
        return found

    def _transition(self, anchor: Anchor) -> list[Fired]:
        """A change of rating: in "from <A> to <B>" and "<B>, down from <A>", B was given.

        B's previous rating is A, and A is no rating of its own.
        """
        floor, ceiling = anchor.sent_start, anchor.sent_end
        to = self.prev_solid(anchor.start, floor)
        if to >= floor and self.doc[to].lower_ == "to":
            earlier = self.anchor_by_end.get(self.prev_solid(to, floor) + 1)
            if earlier is not None:
                frm = self.prev_solid(earlier, floor)
                rule = self._rule_at(frm, "transition")
                if rule is not None:
                    anchor.previous = self.anchor_at[earlier][1].value
                    anchor.consumes = earlier
                    return [(self._strengthen(rule, frm), frm)]
        after = self.next_solid(anchor.end, ceiling)
        if after < ceiling and self.doc[after].text == ",":
            after = self.next_solid(after + 1, ceiling)
        for end, rule in self.right_cues.get(after, ()):
            later = self.next_solid(end, ceiling)
            if rule.kind == "transition-reverse" and later in self.anchor_at:
                anchor.previous = self.anchor_at[later][1].value
                anchor.consumes = later
                return [(rule, anchor.start)]
        return []

    def _strengthen(self, rule: CueRule, at: int) -> CueRule:
        """A change led by a verb of movement ("moved from", "went up from") needs no context."""
        movement = self.words("movement")
        if any(self.doc[i].lower_ in movement for i in range(max(0, at - 3), at)):
            return replace(rule, strong=True)
        return rule

    def _rule_at(self, i: int, kind: str) -> CueRule | None:
        """A cue of `kind` whose match starts at token `i`."""
        return next((r for _e, r in self.right_cues.get(i, ()) if r.kind == kind), None)

    def _label(self, anchor: Anchor) -> list[Fired]:
        """A bullet or table label before the rating word: "Safe: Inadequate"."""
        i = anchor.start - 1
        while i >= 0 and self.doc[i].is_quote:
            i -= 1
        if i < 0:
            return []
        token = self.doc[i]
        if token.is_space:
            if "\n" not in token.text and "\t" not in token.text:
                return []
            if i > 0 and self.doc[i - 1].text in LABEL_SEPARATORS:
                i -= 1
        rule = self._rule_at(i, "label")
        first = self.line_start(i)
        if rule is None or first is None or first >= i:
            return []
        for j in range(first, i):
            if j in self.anchor_at:  # "Safe: Good Effective: Good": after the last rating
                first = max(first, self.anchor_at[j][0])
        parsed = self._parse_label(first, i)
        if parsed is None:
            return []
        anchor.label_domains, anchor.label_service = parsed
        anchor.sent_start = min(anchor.sent_start, first)
        return [(rule, first)]

    def _parse_label(self, start: int, end: int) -> tuple[list[str], str | None] | None:
        domains: list[str] = []
        service = None
        i = start
        while i < end and self.doc[i].lower_ in self.words("bullet"):
            i += 1
        while i < end:
            if i in self.domain_at:
                i, term = self.domain_at[i]
                domains.append(term.value)
            elif i in self.service_at:
                i, term = self.service_at[i]
                service = term.value
            elif self.doc[i].lower_ in self.words("label-filler") or self._soft(i):
                i += 1
            else:
                return None
        if not domains and service is None:
            return None
        return domains, service

    def lead_in(self, anchor: Anchor) -> tuple[str | None, tuple[int, int] | None]:
        """The service a bullet or table row's rating is for when its label names none.

        Walks up the rows of the list ("• Safe: inadequate") to the line that introduces it:
        a lead-in ending in a colon ("Our ratings for maternity services at the trust are:")
        or a heading ("Ratings for maternity"). Gives that line's service and token range; a
        row above naming its own service ("Maternity: inadequate") names the service instead.
        Prose (a line ending in a full stop) ends the walk with no service.
        """
        i = anchor.sent_start - 1
        walked: list[int] = []  # where each step started: the rows above give the same answer
        found: tuple[str | None, tuple[int, int] | None] = (None, None)
        for _ in range(LIST_LINES):
            while i >= 0 and self.doc[i].is_space:
                i -= 1
            if i < 0:
                break
            if i in self._lead_ins:
                found = self._lead_ins[i]
                break
            walked.append(i)
            row = self.line_start(i, LIST_LINE_TOKENS)
            if row is not None and (
                any(j in self.anchor_at for j in range(row, i + 1)) or self._label_only(row, i + 1)
            ):
                named = self.rules.services(self.doc, row, i + 1)
                if named:
                    found = named[-1][2].value, (row, i + 1)
                    break
                i = row - 1
                continue
            start = self.sentence(i)[0]
            found = self._lead_in_service(max(start, row or 0), i + 1)
            break
        self._lead_ins.update((j, found) for j in walked)
        return found

    def _label_only(self, start: int, end: int) -> bool:
        """Whether tokens start..end are a label whose rating is on the next line ("Safe")."""
        domains = self.rules.domains(self.doc, start, end)
        if not domains:
            return False
        covered = {i for s, e, _t in domains for i in range(s, e)}
        fillers = self.words("bullet") | self.words("label-filler")
        return all(
            i in covered
            or self._soft(i)
            or self.doc[i].lower_ in fillers
            or self.doc[i].text in LABEL_SEPARATORS
            for i in range(start, end)
        )

    def _lead_in_service(self, start: int, end: int) -> tuple[str | None, tuple[int, int] | None]:
        """The service a lead-in or heading in tokens start..end names, if it is one."""
        last = self.doc[end - 1].text
        if last != ":" and (last in SENTENCE_END or end - start > MAX_LABEL_TOKENS):
            return None, None
        named = self.rules.services(self.doc, start, end)
        if not named or self._subject_reset(named[-1][1], end):
            return None, (start, end)
        return named[-1][2].value, (start, end)

    def _quoted(self, anchor: Anchor) -> bool:
        before = anchor.start - 1
        return (
            before >= 0
            and anchor.end < len(self.doc)
            and self.doc[before].is_quote
            and self.doc[anchor.end].is_quote
        )

    def _title_case(self, anchor: Anchor) -> bool:
        """A rating written as a proper name mid-line: "was Requires Improvement"."""
        first = self.doc[anchor.start]
        if not (first.is_title or first.is_upper) or anchor.start == anchor.sent_start:
            return False
        before = self.prev_solid(anchor.start, anchor.sent_start)
        return before >= anchor.sent_start and not self.doc[before].is_space

    def attributive(self, start: int, end: int, term: Term) -> bool:
        """Whether the word is an ordinary adjective: "good practice", "outstanding issues"."""
        if not term.attributive:
            return False
        n = self.next_solid(end, len(self.doc))
        if n >= len(self.doc):
            return False
        token = self.doc[n]
        if token.text == "-" and not self.doc[n - 1].whitespace_:
            return True  # "good-quality"
        if not token.is_alpha:
            return False
        low = token.lower_
        return low not in self.words("follower") and low not in self.rules.domains.first_words

    def blocked(self, anchor: Anchor) -> bool:
        """A rating hoped for, planned, hypothetical or denied ("aims to be rated good").

        Words of an organisation's name are not read ("Good Hope Hospital was rated …").
        """
        blockers, boundary = self.words("blocker"), self.words("boundary")
        i, seen = anchor.start - 1, 0
        while i >= anchor.sent_start and seen < BLOCKER_WINDOW:
            token = self.doc[i]
            low = token.lower_
            if low in blockers and i not in self.org_tokens()[0]:
                return True
            if (token.is_punct and not token.is_quote and low != "-") or low in boundary:
                return False
            seen += 0 if token.is_quote else 1
            i -= 1
        return False

    def other_scheme(self, anchor: Anchor) -> bool:
        """Whether the sentence is about another rating scheme (Ofsted, food hygiene), not CQC."""
        roles = self._roles_in(anchor, anchor.start)
        return "context-exclude" in roles and "context-cqc" not in roles

    def has_context(self, anchor: Anchor, rule: CueRule) -> bool:
        """Whether the sentence, outside the cue itself, talks about ratings ("rating"), or
        about ratings or the regulator ("any"): "patients rated the food as good" does not."""
        roles = self._roles_in(anchor, anchor.cue_starts.get(rule.id, anchor.start))
        regulator = "context-cqc" in roles or "context-regulator" in roles
        return "context-rating" in roles or (rule.context == "any" and regulator)

    def _roles_in(self, anchor: Anchor, skip_from: int) -> set[str]:
        """Context roles found in the anchor's sentence, except in tokens skip_from..end."""
        if self._context is None:
            self._context = [
                (span.start, self.rules.context_keys[span.label])
                for start, end in self.ranges
                for span in self.rules.context(self.doc[start:end], as_spans=True)
            ]
        skip_from = min(skip_from, anchor.start)
        return {
            role
            for start, role in self._context
            if anchor.sent_start <= start < anchor.sent_end and not skip_from <= start < anchor.end
        }

    # ---- what does it rate? -----------------------------------------------------------------

    def forward(self, anchor: Anchor) -> tuple[list[str], int, str | None, str | None]:
        """Domains (and a service) after the word: "'good' for whether … effective and caring".

        Returns the domains, the end of what they cover, a service reached through a
        preposition ("for safety in maternity") and a service joined to the domains by "and"
        that closes the phrase ("the rating for safety and diagnostic imaging"): two ratings in
        one breath, the domains for the organisation and the service rated overall. The scan
        may run MAX_SCAN_TOKENS past the last domain found. Domains after the last "and" that
        lead into the next rating ("… and caring was rated good") belong to that rating.
        """
        domains: list[str] = []
        service = also = None
        fillers = self.words("forward-filler")
        connectors = self.words("connector")
        prepositions = self.words("service-preposition")
        i = end = anchor.end
        limit = min(anchor.sent_end, anchor.end + MAX_SCAN_TOKENS)
        joined = False
        cut: tuple[int, int] | None = None
        while i < limit and i not in self.anchor_at:
            if i in self.domain_at and self._domain_ok(i):
                i, term = self.domain_at[i]
                domains.append(term.value)
                end = i
                limit = min(anchor.sent_end, max(limit, i + MAX_SCAN_TOKENS))
                continue
            if i in self.service_at:
                last, term = self.service_at[i]
                if not joined:
                    end, service = last, term.value
                elif self._closes_phrase(last):
                    end, also = last, term.value
                break
            if self._soft(i):
                i += 1
                continue
            low = self.doc[i].lower_
            if low in connectors:
                if not domains:
                    break
                joined = True
                cut = len(domains), end
            elif low in fillers:
                joined = joined and low not in prepositions
            else:
                break
            i += 1
        if cut is not None and also is None and self._leads_to_rating(i, limit):
            domains, end = domains[: cut[0]], cut[1]
        return domains, end, service, also

    def _closes_phrase(self, end: int) -> bool:
        """Whether the phrase ends at token `end` ("…and diagnostic imaging." / "…, and"), not
        a new clause's subject ("…and maternity services were rated good")."""
        n = self.next_solid(end, len(self.doc))
        if n >= len(self.doc):
            return True
        token = self.doc[n]
        return not token.is_alpha or token.lower_ in self.words("connector")

    def _leads_to_rating(self, i: int, limit: int) -> bool:
        """Whether token `i` starts the next rating or a cue right before one."""
        if i >= limit:
            return False
        if i in self.anchor_at:
            return True
        ahead = range(i + 1, min(limit, i + self.reach))
        return i in self.left_cue_starts and any(j in self.anchor_at for j in ahead)

    def backward(self, start: int, floor: int) -> list[str]:
        """Domains before the rating or its cue ("Whether services are effective and caring
        were rated as 'good'"), not reaching back past `floor`."""
        domains: list[str] = []
        fillers = self.words("backward-filler")
        connectors = self.words("connector")
        i = start - 1
        while i >= floor:
            if i + 1 in self.domain_by_end:
                first, term = self.domain_by_end[i + 1]
                if first >= floor and self._domain_ok(first):
                    domains.append(term.value)
                    i = first - 1
                    continue
            if self._soft(i):
                i -= 1
                continue
            low = self.doc[i].lower_
            if (low in connectors and domains) or low in fillers:
                i -= 1
                continue
            break
        domains.reverse()
        return domains

    def _domain_ok(self, start: int) -> bool:
        """A domain word followed by a content word is ordinary English ("safe care")."""
        end, term = self.domain_at[start]
        n = self.next_solid(end, len(self.doc))
        if n >= len(self.doc):
            return True
        token = self.doc[n]
        low = token.lower_
        if low in term.not_followed_by:
            return False
        if not token.is_alpha or n in self.domain_at or n in self.service_at:
            return True
        return any(
            low in self.words(role)
            for role in ("forward-filler", "backward-filler", "follower", "connector", "boundary")
        )

    def left_service(self, anchor: Anchor, floor: int) -> str | None:
        """The nearest service named before the rating word, unless a new subject intervenes
        ("…, and the trust was rated") or the cue follows an organisation ("waiting for surgery
        at a hospital rated inadequate")."""
        cue = anchor.cue_start if anchor.cue_start >= 0 else anchor.start
        before = self.prev_solid(cue, floor)
        if before >= floor and self.doc[before].lower_ in self.words("subject-reset"):
            return None
        for start, end, term in reversed(self.services):
            if end > anchor.start:
                continue
            if start < floor:
                return None
            return None if self._subject_reset(end, anchor.start) else term.value
        return None

    def continues(self, previous_end: int, start: int) -> bool:
        """Whether the sentence at `start` follows the one ending at `previous_end` and opens
        with a pronoun that carries its subject on ("It was also rated …")."""
        if previous_end < 0 or any(not t.is_space for t in self.doc[previous_end:start]):
            return False
        first = self.next_solid(start, len(self.doc))
        return first < len(self.doc) and self.doc[first].lower_ in self.words("subject-pronoun")

    def new_subject(self, anchor: Anchor) -> bool:
        """Whether something other than the opening pronoun may be what is rated: a subject
        word or a rated organisation's name before the rating's cue ("It is the second time
        the trust has been rated inadequate")."""
        cue = anchor.cue_start if anchor.cue_start >= 0 else anchor.start
        after = self.next_solid(anchor.sent_start, cue) + 1  # past the pronoun
        subjects, starts = self.words("subject-reset"), self.org_tokens()[1]
        return any(self.doc[i].lower_ in subjects or i in starts for i in range(after, cue))

    def _subject_reset(self, start: int, end: int) -> bool:
        """Whether a new subject starts in tokens start..end: a clause break followed by a
        subject word ("…, and the trust was …") or a rated organisation's name ("…, and
        Barts Health NHS Trust was …").

        A break inside a name ("Shrewsbury and Telford Hospital") or joining two rated names
        ("at Heartlands Hospital and Good Hope Hospital") starts nothing.
        """
        breaks, subjects = self.words("clause-break"), self.words("subject-reset")
        for i in range(start, end):
            if self.doc[i].lower_ not in breaks or self._within_names(i):
                continue
            ahead = range(i + 1, min(end, i + 4))
            if any(self.doc[j].lower_ in subjects for j in ahead) or self._name_at(i + 1):
                return True
        return False

    def _within_names(self, i: int) -> bool:
        """Whether token `i` is part of an organisation's name or joins two rated names."""
        inside, _starts, ends = self.org_tokens()
        return i in inside or (i in ends and self._name_at(i + 1))

    def _name_at(self, i: int) -> bool:
        """Whether a rated organisation's name starts at token `i` (after "the")."""
        starts = self.org_tokens()[1]
        determiners = self.words("anaphor-determiner")
        while i < len(self.doc) and i not in starts and self.doc[i].lower_ in determiners:
            i += 1
        return i in starts

    def org_tokens(self) -> tuple[set[int], set[int], set[int]]:
        """The organisations `trustwatch_orgs` named (not "the trust", which refers back):
        every token of a name, and the first token and the end of each rated one."""
        if self._orgs is None:
            inside: set[int] = set()
            starts: set[int] = set()
            ends: set[int] = set()
            for mention in facts(self.doc, "tw_orgs"):
                if mention.rule.startswith("anaphora"):
                    continue
                span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is not None:
                    inside.update(range(span.start, span.end))
                    if mention.kind in RATED_KINDS:
                        starts.add(span.start)
                        ends.add(span.end)
            self._orgs = inside, starts, ends
        return self._orgs

    def years(self, start: int, end: int) -> list[tuple[int, int]]:
        """(token, year) for each cued year in tokens start..end: "in 2017", "2019 inspection"."""
        found = []
        for i in range(start, end):
            text = self.doc[i].text
            if len(text) != 4 or not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
                continue
            if self._year_cued(i, start, end):
                found.append((i, int(text)))
        return found

    def year_belongs(self, year: int, anchor: Anchor) -> bool:
        """Whether the year token is close to the rating word, in the same clause.

        "rated … in 2017" and "in its 2019 inspection" qualify; a year after a comma ("…, to be
        heard in June 2023") does not, nor one before a comma unless it opens the sentence
        ("In 2017, the trust was rated …").
        """
        if year >= anchor.end:
            between = range(anchor.end, year)
            far = year - anchor.end > YEAR_REACH
            return not far and all(self.doc[i].text not in ",;" for i in between)
        between = range(year + 1, anchor.start)
        if anchor.start - year > YEAR_REACH or any(self.doc[i].text == ";" for i in between):
            return False
        opens_sentence = year - anchor.sent_start <= YEAR_OPENING
        return opens_sentence or all(self.doc[i].text != "," for i in between)

    def _year_cued(self, i: int, start: int, end: int) -> bool:
        j = i - 1
        while j >= start and self.doc[j].lower_ in self.words("year-skip"):
            j -= 1
        if j >= start and self.doc[j].lower_ in self.words("year-before"):
            return True
        k = i + 1
        if k < end and self.doc[k].lower_ == "cqc":
            k += 1
        return k < end and self.doc[k].lower_ in self.words("year-after")


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping token ranges covering `ranges`."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
