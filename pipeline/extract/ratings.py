"""The `trustwatch_ratings` component: CQC ratings stated in the text, as `RatingFact`s.

A rating is one of the four CQC words used as a regulator's verdict (docs/annotation.md,
"CQC ratings"). The component anchors on those words with a PhraseMatcher, keeps the ones a
cue from patterns/ratings.jsonl marks as a rating ("rated", "a good rating", "Safe: Good",
"from good to inadequate" …), drops ordinary English ("good practice", "not good enough") and
ratings hoped for or denied, then reads the domains, service, previous rating and year from
the same sentence. The organisation comes from `trustwatch_orgs`, which runs first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extract.extensions import facts
from pipeline.extract.facts import OrgMention, RatingFact
from pipeline.extract.ratings_rules import CueRule, load_rating_rules
from pipeline.extract.ratings_scan import RATED_KINDS, Anchor, RatingScan

# Words that may stand between two names of one list ("X, Y and the Z were rated …").
COORDINATION = frozenset({",", "and", "or", "&", "the"})


@Language.factory(
    "trustwatch_ratings",
    assigns=["doc._.tw_ratings"],
    default_config={
        "rules": "ratings.jsonl",
        "words": "rating_words.jsonl",
        "domains": "rating_domains.jsonl",
        "services": "rating_services.jsonl",
        "context": "rating_context.jsonl",
    },
)
class RatingsExtractor:
    """Set `doc._.tw_ratings` to the CQC ratings the document states, one fact per domain."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        rules: str,
        words: str,
        domains: str,
        services: str,
        context: str,
    ) -> None:
        """Load and compile the rule files (names inside `pipeline/extract/patterns/`)."""
        self.name = name
        self.rules = load_rating_rules(nlp, rules, words, domains, services, context)

    def __call__(self, doc: Doc) -> Doc:
        """Find the ratings; documents without a rating word cost one PhraseMatcher pass."""
        matches = self.rules.anchors(doc)
        scan = RatingScan(doc, self.rules, matches) if matches else None
        doc._.tw_ratings = self._extract(doc, scan) if scan and scan.candidates else []
        return doc

    def _extract(self, doc: Doc, scan: RatingScan) -> list[RatingFact]:
        anchors = []
        for start, end, term in scan.candidates:
            anchor = Anchor(start, end, term, *scan.sentences[start])
            scan.find_cues(anchor)
            anchors.append(anchor)
        consumed = {a.consumes for a in anchors if a.consumes is not None}
        accepted: list[tuple[Anchor, list[CueRule]]] = []
        for anchor in anchors:
            if anchor.start not in consumed:
                cues = _passing_cues(scan, anchor)
                if cues:
                    accepted.append((anchor, cues))
        stated = _apply_previous(accepted)
        return self._facts(doc, scan, stated)

    def _facts(
        self, doc: Doc, scan: RatingScan, stated: list[tuple[Anchor, CueRule]]
    ) -> list[RatingFact]:
        by_sentence: dict[int, list[tuple[Anchor, CueRule]]] = defaultdict(list)
        for anchor, rule in stated:
            by_sentence[anchor.sent_start].append((anchor, rule))
        orgs = OrgChooser(doc, scan.words("org-location"))
        found: list[RatingFact] = []
        carried: str | None = None  # the service the previous rating sentence ended on
        last_end = -1
        for group in by_sentence.values():
            first = group[0][0]
            sent_start, sent_end = first.sent_start, _trim(doc, first.sent_end)
            sentence = doc[sent_start:sent_end]
            years = _assign_years(scan, scan.years(sent_start, sent_end), [a for a, _ in group])
            pronoun = carried if scan.continues(last_end, sent_start) else None
            floor = sent_start
            for anchor, rule in group:
                rated, floor = _what_is_rated(scan, anchor, floor, pronoun)
                carried = rated[-1][1]
                span = doc[anchor.start : anchor.end]
                for domain, service in rated:
                    for org in _rated_orgs(doc, orgs, sentence, anchor, service):
                        found.append(
                            RatingFact(
                                start=span.start_char,
                                end=span.end_char,
                                rating=anchor.rating,
                                domain=domain,
                                service=service,
                                previous_rating=anchor.previous,
                                year=years.get(anchor.start),
                                org=org,
                                sent_start=sentence.start_char,
                                sent_end=sentence.end_char,
                                rule=rule.id,
                            )
                        )
            last_end = sent_end
        return found


def _rated_orgs(
    doc: Doc, orgs: OrgChooser, sentence: Span, anchor: Anchor, service: str | None
) -> list[str | None]:
    """The organisations the sentence names for the rating, else those of its list's lead-in
    ("Maternity services at Whipps Cross Hospital were rated:"), else the main one."""
    named = orgs.choose(sentence, doc[anchor.start : anchor.end], service)
    if not named and anchor.lead_in is not None:
        lead_in = doc[anchor.lead_in[0] : anchor.lead_in[1]]
        named = orgs.choose(lead_in, lead_in, service)
    return list(named) if named else [orgs.main]


def _passing_cues(scan: RatingScan, anchor: Anchor) -> list[CueRule]:
    """The cues that make this word a rating (strong, or weak with context); [] if none."""
    if not anchor.cues:
        return []
    is_label = anchor.cues[0].kind == "label"
    if (not is_label and scan.blocked(anchor)) or scan.other_scheme(anchor):
        return []
    return [r for r in anchor.cues if r.strong or scan.has_context(anchor, r)]


def _apply_previous(
    accepted: list[tuple[Anchor, list[CueRule]]],
) -> list[tuple[Anchor, CueRule]]:
    """Set previous ratings; return the stated ratings with the rule that names each.

    "remains" keeps the rating as its own previous one. "no longer rated inadequate" is not a
    rating: it gives its rating as the previous one to the nearest rating stated beside it.
    """
    stated: list[tuple[Anchor, CueRule]] = []
    earlier_only: list[Anchor] = []
    for anchor, cues in accepted:
        if any(r.previous == "only" for r in cues):
            earlier_only.append(anchor)
            continue
        if anchor.previous is None and any(r.previous == "same" for r in cues):
            anchor.previous = anchor.rating
        stated.append((anchor, cues[0]))
    for old in earlier_only:
        beside = [a for a, _ in stated if a.sent_start == old.sent_start and a.previous is None]
        if beside:
            nearest = min(beside, key=lambda a: abs(a.start - old.start))
            nearest.previous = old.rating
    return stated


def _what_is_rated(
    scan: RatingScan, anchor: Anchor, floor: int, pronoun: str | None = None
) -> tuple[list[tuple[str, str | None]], int]:
    """(domain, service) of each rating the word gives, and where the next rating's backward
    scan stops. A bullet or table row without a service takes its list's ("Ratings for
    maternity:"); "the rating for safety and diagnostic imaging" rates the domain and the
    service overall; a sentence opened by "It" or "They" goes on rating `pronoun`, the service
    the sentence before it rated last ("… maternity … went down to inadequate. It was also
    rated inadequate for being safe")."""
    if anchor.label_domains is not None:
        service = anchor.label_service
        if service is None:
            service, anchor.lead_in = scan.lead_in(anchor)
        return [(d, service) for d in anchor.label_domains or ["overall"]], anchor.end
    domains, end, service, also = scan.forward(anchor)
    if not domains:
        start = anchor.cue_start if anchor.cue_start >= 0 else anchor.start
        domains = scan.backward(start, floor)
    if service is None:
        service = scan.left_service(anchor, anchor.sent_start)
    if service is None and pronoun is not None and not scan.new_subject(anchor):
        service = pronoun
    rated = [(d, service) for d in dict.fromkeys(domains or ["overall"])]
    if also is not None:
        rated.append(("overall", also))
    return rated, max(end, anchor.end)


def _assign_years(
    scan: RatingScan, years: list[tuple[int, int]], anchors: Sequence[Anchor]
) -> dict[int, int]:
    """Give each cued year to the nearest rating word in its clause (the earlier on a tie)."""
    assigned: dict[int, int] = {}
    for token, year in years:
        near = [a for a in anchors if scan.year_belongs(token, a)]
        if near:
            nearest = min(
                near, key=lambda a: (min(abs(token - a.start), abs(token - (a.end - 1))), a.start)
            )
            assigned.setdefault(nearest.start, year)
    return assigned


class OrgChooser:
    """Which organisation a rating is for, from the mentions `trustwatch_orgs` found.

    The organisation named in the sentence nearest the rating word, preferring one named
    before it. A service belongs to the trust that runs it (a hospital's `parent`), even when
    the sentence names the hospital; a rating of a whole hospital stays with the hospital,
    unless the hospital is only where something happened ("an inspection at Whipps Cross
    Hospital": role org-location), when it stands for its trust. A name in a parenthesis after
    another ("Furness General Hospital, run by the Morecambe Bay trust, was rated …") comes
    after the names outside it. Without a rated organisation in the sentence: the document's
    main one.
    """

    def __init__(self, doc: Doc, locations: frozenset[str]) -> None:
        self.text, self.base = "", 0  # the text being read (a sentence), from character `base`
        self.mentions = [m for m in facts(doc, "tw_orgs") if m.kind in RATED_KINDS]
        self.kinds = {m.name: m.kind for m in self.mentions}
        self.main: str | None = doc._.tw_main_org
        self.locations = locations

    def choose(self, area: Span, rating: Span, service: str | None) -> list[str]:
        """The organisations rated by the word at `rating`, named in `area` (its sentence or
        its list's lead-in): the chosen one, and the names joined to it before it ("X and Y
        were rated …")."""
        at = rating.start_char
        start, end = area.start_char, area.end_char
        inside = [m for m in self.mentions if start <= m.start < end]
        if not inside:
            return []
        self.text, self.base = area.text, start
        asides = self._asides(inside, at)
        best: tuple[tuple[int, int, int, int], int] | None = None
        for n, mention in enumerate(inside):
            level = self._rated_name(mention, service)[1]
            before = mention.end <= at
            distance = at - mention.end if before else mention.start - at
            key = (level, int(asides[n]), 0 if before else 1, distance)
            if best is None or key < best[0]:
                best = (key, n)
        if best is None:
            return []
        (level, _aside, after, _distance), n = best
        if level and self.kinds.get(self.main or "") in ("trust", "health_board"):
            return [self.main or ""]  # a service at a hospital whose trust is unknown
        chosen = [inside[n]]
        while not after and n and self._joined(inside[n - 1], inside[n]):
            n -= 1
            chosen.insert(0, inside[n])
        return list(dict.fromkeys(self._rated_name(m, service)[0] for m in chosen))

    def _rated_name(self, mention: OrgMention, service: str | None) -> tuple[str, int]:
        """The name a mention gives the rating, and 1 where only a guess (0 otherwise)."""
        if mention.kind != "hospital":
            return mention.name, 0
        if service is None and not (mention.parent and self._location(mention)):
            return mention.name, 0
        return (mention.parent, 0) if mention.parent else (mention.name, 1)

    def _location(self, mention: OrgMention) -> bool:
        words = self._between(mention.start - 24, mention.start).lower().split()
        if words and words[-1] == "the":
            words.pop()
        return bool(words) and words[-1] in self.locations

    def _asides(self, inside: list[OrgMention], at: int) -> list[bool]:
        """For each mention, whether it sits in a parenthesis opened right after the name
        before it and closed before the rating word: "X, which runs Y and Z, was rated …",
        "X (part of Y) was rated …". A name joined to an aside by "and" is one too."""
        asides: list[bool] = []
        for mention in inside:
            ended = [n for n, m in enumerate(inside) if m.end <= mention.start]
            n = max(ended, key=lambda k: inside[k].end, default=-1)
            if n < 0 or mention.end > at:
                asides.append(False)
            elif self._joined(inside[n], mention):
                asides.append(asides[n])
            else:
                gap = self._between(inside[n].end, mention.start)
                opens = gap.lstrip().startswith((",", "(")) and sum(map(gap.count, ",()")) == 1
                asides.append(opens and any(c in self._between(mention.end, at) for c in ",)"))
        return asides

    def _joined(self, first: OrgMention, second: OrgMention) -> bool:
        """Whether only "and", "or", commas and "the" stand between two names."""
        words = self._between(first.end, second.start).lower().replace(",", " , ").split()
        return bool(words) and all(w in COORDINATION for w in words) and words != ["the"]

    def _between(self, start: int, end: int) -> str:
        """Document characters start..end, within the text being read."""
        return self.text[max(0, start - self.base) : max(0, end - self.base)]


def _trim(doc: Doc, end: int) -> int:
    """Drop trailing line breaks from a sentence's token range."""
    while end > 0 and doc[end - 1].is_space:
        end -= 1
    return end
