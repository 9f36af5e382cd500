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
from spacy.tokens import Doc

from pipeline.extract.extensions import facts
from pipeline.extract.facts import OrgMention, RatingFact
from pipeline.extract.ratings_rules import CueRule, load_rating_rules
from pipeline.extract.ratings_scan import Anchor, RatingScan

# Organisations the CQC rates. Regulators, commissioners and sector bodies ("other") are named
# in rating sentences ("rated inadequate by the CQC") but are never what is rated.
RATED_KINDS = ("trust", "health_board", "hospital")


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
        orgs = facts(doc, "tw_orgs")
        main_org = doc._.tw_main_org
        found: list[RatingFact] = []
        for group in by_sentence.values():
            first = group[0][0]
            sent_start, sent_end = first.sent_start, _trim(doc, first.sent_end)
            years = _assign_years(scan, scan.years(sent_start, sent_end), [a for a, _ in group])
            floor = sent_start
            for anchor, rule in group:
                domains, service, floor = _what_is_rated(scan, anchor, floor)
                span = doc[anchor.start : anchor.end]
                sent_chars = doc[sent_start:sent_end]
                org = _choose_org(orgs, sent_chars.start_char, sent_chars.end_char, span.start_char)
                for domain in domains:
                    found.append(
                        RatingFact(
                            start=span.start_char,
                            end=span.end_char,
                            rating=anchor.rating,
                            domain=domain,
                            service=service,
                            previous_rating=anchor.previous,
                            year=years.get(anchor.start),
                            org=org or main_org,
                            sent_start=sent_chars.start_char,
                            sent_end=sent_chars.end_char,
                            rule=rule.id,
                        )
                    )
        return found


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
    scan: RatingScan, anchor: Anchor, floor: int
) -> tuple[list[str], str | None, int]:
    """Domains and service of one rating, and where the next rating's backward scan stops."""
    if anchor.label_domains is not None:
        return anchor.label_domains or ["overall"], anchor.label_service, anchor.end
    ahead, end, service = scan.forward(anchor)
    domains = ahead
    if not domains:
        start = anchor.cue_start if anchor.cue_start >= 0 else anchor.start
        domains = scan.backward(start, floor)
    if service is None:
        service = scan.left_service(anchor, anchor.sent_start)
    return list(dict.fromkeys(domains)) or ["overall"], service, max(end, anchor.end)


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


def _choose_org(mentions: list[OrgMention], start: int, end: int, at: int) -> str | None:
    """The rated organisation the sentence names: a trust (a hospital's trust) nearest the
    rating, preferring one named before it; a hospital without a known trust after that."""
    best: tuple[tuple[int, int, int], str] | None = None
    for mention in mentions:
        if not start <= mention.start < end or mention.kind not in RATED_KINDS:
            continue
        if mention.kind == "hospital" and not mention.parent:
            name, level = mention.name, 1
        else:
            name, level = mention.parent or mention.name, 0
        before = mention.end <= at
        distance = at - mention.end if before else mention.start - at
        key = (level, 0 if before else 1, distance)
        if best is None or key < best[0]:
            best = (key, name)
    return best[1] if best else None


def _trim(doc: Doc, end: int) -> int:
    """Drop trailing line breaks from a sentence's token range."""
    while end > 0 and doc[end - 1].is_space:
        end -= 1
    return end
