"""Prepare and merge annotation tasks over the coroners' reports of `../shared`.

Labels over real report sentences are kept by reference (`corpus/labels/pfd_refs.jsonl`:
report id, character offsets, categories), never as copied text. This script makes that
round trip repeatable:

- `chunks`: split reports into sentences with the pipeline's own sentence boundaries (so a
  labelled span is exactly what the classifier sees at ingest) and write annotation files of
  `{"report", "start", "end", "text"}` lines. Reports of the gold files are never offered, so
  document-level evaluation stays clean; so are reports already in `pfd_refs.jsonl`.
- `merge`: read the annotators' `{"report", "start", "end", "categories"}` files, check that
  they answer their chunk line for line, drop repeated sentences (reports sent to several
  receivers repeat text; boilerplate repeats everywhere) and put reports that share a large
  part of their sentences into one group, so that cross-validation never holds a copy out
  against its original. Appends to `pfd_refs.jsonl`.

    python scripts/pfd_label_tasks.py chunks OUT_DIR --chunks 6 --sentences 420 [--health]
    python scripts/pfd_label_tasks.py merge OUT_DIR [--refs corpus/labels/pending/FILE.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pipeline.classify.taxonomy import KEYS
from pipeline.extract.nlp import build_nlp

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT.parent / "shared" / "data" / "pfd" / "reports.jsonl"
REFS = ROOT / "corpus" / "labels" / "pfd_refs.jsonl"
GOLD = [ROOT / "corpus" / "gold" / "pfd.jsonl", ROOT / "corpus" / "gold" / "pfd_holdout.jsonl"]
PENDING = "pending"  # labels not yet reviewed; training does not read this folder
MIN_WORDS = 5
SHARED_SENTENCES = 3  # reports sharing at least this many sentences ...
SHARED_FRACTION = 0.3  # ... and this part of the smaller one are copies: one group
HEALTH = re.compile(
    r"NHS|Trust|Health|Care|Hospital|Ambulance|Medical|GP|Practice|Board|Nurs|Clinical|"
    r"Integrated|Surgery|Pharm|Hospice|Mental",
    re.IGNORECASE,
)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def taken_reports(refs: Path, gold: list[Path]) -> set[str]:
    """Reports that must not be offered: gold documents and those already labelled, in
    `refs` or in a reference file of `pending/` beside it (labelled, awaiting review)."""
    taken = {str(doc["ref"]) for path in gold for doc in read_jsonl(path) if "ref" in doc}
    labelled = [refs, *sorted((refs.parent / PENDING).glob("*.jsonl"))]
    return taken | {str(ref["report"]) for path in labelled for ref in _existing(path)}


def sentences(nlp, report: dict) -> Iterable[dict]:
    """The report's sentences of at least `MIN_WORDS` words, with exact offsets."""
    text = report["text"]
    for sent in nlp(text).sents:
        stripped = sent.text.strip()
        if len(re.findall(r"\w+", stripped)) < MIN_WORDS:
            continue
        start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
        yield {
            "report": report["id"],
            "start": start,
            "end": start + len(stripped),
            "text": stripped,
        }


def make_chunks(
    out: Path,
    chunks: int,
    per_chunk: int,
    health: bool,
    seed: int,
    reports_file: Path = REPORTS,
    refs: Path = REFS,
    gold: list[Path] = GOLD,
) -> None:
    """Write `chunks` files of about `per_chunk` sentences from reports not yet labelled."""
    taken = taken_reports(refs, gold)
    reports = [r for r in read_jsonl(reports_file) if str(r["id"]) not in taken]
    if health:
        reports = [r for r in reports if HEALTH.search(r.get("receiver") or "")]
    random.Random(seed).shuffle(reports)
    nlp = build_nlp([])
    out.mkdir(parents=True, exist_ok=True)
    pending = iter(reports)
    for n in range(1, chunks + 1):
        lines: list[dict] = []
        for report in pending:
            lines.extend(sentences(nlp, report))
            if len(lines) >= per_chunk:
                break
        (out / f"chunk_{n}.jsonl").write_text(
            "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
        )
        print(f"chunk_{n}.jsonl: {len(lines)} sentences")


def merge(out: Path, reports_file: Path = REPORTS, refs: Path = REFS) -> None:
    """Append the answered chunks of `out` to `refs`: checked, without repeats, copies grouped."""
    texts = {str(r["id"]): r["text"] for r in read_jsonl(reports_file)}
    existing = _existing(refs)
    first: dict[str, str] = {
        texts[str(r["report"])][r["start"] : r["end"]].strip(): str(r["report"]) for r in existing
    }
    groups = {str(r["report"]): r.get("group", f"pfd-{r['report']}") for r in existing}
    answers: list[dict] = []
    for chunk in sorted(out.glob("chunk_*.jsonl")):
        labels = chunk.with_name(chunk.name.replace("chunk_", "labels_"))
        asked, given = read_jsonl(chunk), read_jsonl(labels)
        spans = [(a["report"], a["start"], a["end"]) for a in asked]
        if spans != [(g["report"], g["start"], g["end"]) for g in given]:
            raise SystemExit(f"{labels}: does not answer {chunk} line for line")
        for g in given:
            unknown = set(g["categories"]) - set(KEYS)
            if unknown:
                raise SystemExit(f"{labels}: unknown categories {sorted(unknown)}")
        answers.extend(given)
    sizes = Counter(a["report"] for a in answers) + Counter(str(r["report"]) for r in existing)
    shared: Counter[tuple[str, str]] = Counter()
    kept: list[dict] = []
    for answer in answers:
        text = texts[answer["report"]][answer["start"] : answer["end"]].strip()
        if text in first:
            shared[first[text], answer["report"]] += 1
            continue
        first[text] = answer["report"]
        kept.append(answer)
    parent: dict[str, str] = {}

    def root(report: str) -> str:
        while parent.get(report, report) != report:
            report = parent[report]
        return report

    for (a, b), n in shared.items():
        if n >= SHARED_SENTENCES and n >= SHARED_FRACTION * min(sizes[a], sizes[b]):
            parent[root(b)] = root(a)
    with refs.open("a", encoding="utf-8") as lines:
        for answer in kept:
            line = {
                "report": answer["report"],
                "start": answer["start"],
                "end": answer["end"],
                "categories": [key for key in KEYS if key in set(answer["categories"])],
            }
            original = root(answer["report"])
            if original != answer["report"]:
                line["group"] = groups.get(original, f"pfd-{original}")
            lines.write(json.dumps(line) + "\n")
    print(f"appended {len(kept)} sentences to {refs} ({len(answers) - len(kept)} repeats)")


def _existing(refs: Path) -> list[dict]:
    return read_jsonl(refs) if refs.is_file() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("chunks", help="write annotation chunks")
    make.add_argument("out", type=Path)
    make.add_argument("--chunks", type=int, default=6)
    make.add_argument("--sentences", type=int, default=420, help="sentences per chunk")
    make.add_argument("--health", action="store_true", help="only reports sent to care bodies")
    make.add_argument("--seed", type=int, default=23)
    join = commands.add_parser("merge", help="append answered chunks to pfd_refs.jsonl")
    join.add_argument("out", type=Path)
    join.add_argument("--refs", type=Path, default=REFS, help="the file to append to")
    args = parser.parse_args()
    if args.command == "chunks":
        make_chunks(args.out, args.chunks, args.sentences, args.health, args.seed)
    else:
        merge(args.out, refs=args.refs)


if __name__ == "__main__":
    main()
