"""Build pipeline/extract/data/organisations.jsonl from ODS files and the curated list.

Sources, in order (a later source patches an earlier entry with the same id):

1. every trust in `etr.csv` that is open at the snapshot date (the newest open date in the
   file, so a scheduled closure such as North Bristol's still counts as open);
2. NHS-sector sites from `Hospital.csv` whose parent trust is open, or closed with a known
   successor (`SUCCESSORS`); names too generic to match safely are left out, and a name
   shared by sites of different trusts is left out altogether;
3. `scripts/gazetteer_curated.jsonl`: abbreviations and informal names, Welsh and Scottish
   boards, regulators, sector bodies, commissioners and closed trusts that are still in the
   news (their `closed` date is taken from `etr.csv`). A curated line with an existing id
   patches that entry (aliases are added, other fields replace the generated ones).

Aliases that two entries would share, or that are another entry's name, are dropped. The
output is deterministic, so re-running on the same inputs gives the same file. The ODS files
stay where they are (`../shared/data/ods` by default); only the compiled gazetteer is kept.

    .venv/bin/python scripts/build_gazetteer.py [--ods DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract.orgs import ENTRY_KEYS, KINDS, phrase_key, prune_aliases, validate_entry  # noqa: E402
from pipeline.ods import read_sites, read_trusts, trust_aliases  # noqa: E402

DEFAULT_ODS = ROOT.parent / "shared" / "data" / "ods"
DEFAULT_OUT = ROOT / "pipeline" / "extract" / "data" / "organisations.jsonl"
CURATED = ROOT / "scripts" / "gazetteer_curated.jsonl"

# Closed trusts whose sites moved to one successor (mergers 2019-2025).
SUCCESSORS = {
    "R1J": "RTQ",  # Gloucestershire Care Services → Gloucestershire Health and Care
    "RA4": "RH5",  # Yeovil District Hospital → Somerset
    "RAP": "RAL",  # North Middlesex University Hospital → Royal Free London
    "RBZ": "RH8",  # Northern Devon Healthcare → Royal Devon University Healthcare
    "RC1": "RC9",  # Bedford Hospital → Bedfordshire Hospitals
    "RD3": "R0D",  # Poole Hospital → University Hospitals Dorset
    "RDZ": "R0D",  # Royal Bournemouth and Christchurch → University Hospitals Dorset
    "RE9": "R0B",  # South Tyneside → South Tyneside and Sunderland
    "RLN": "R0B",  # City Hospitals Sunderland → South Tyneside and Sunderland
    "RJF": "RTG",  # Burton Hospitals → University Hospitals of Derby and Burton
    "RR1": "RRK",  # Heart of England → University Hospitals Birmingham
    "RRP": "G6V2S",  # Barnet, Enfield and Haringey Mental Health → North London
    "RVY": "RBN",  # Southport and Ormskirk → Mersey and West Lancashire Teaching Hospitals
    "RY9": "RAX",  # Hounslow and Richmond Community Healthcare → Kingston and Richmond
    "RW6": "RM3",  # Pennine Acute → Northern Care Alliance (but see SITE_PARENTS)
}
# Sites that did not follow their trust's successor.
SITE_PARENTS = {"RW602": "R0A"}  # North Manchester General Hospital → Manchester University


def main() -> int:
    """Build the gazetteer and print what went into it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ods", type=Path, default=DEFAULT_ODS, help="folder with etr.csv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    trusts = read_trusts(args.ods / "etr.csv")
    as_of = max(t["opened"] for t in trusts if t["opened"])
    open_trusts = [t for t in trusts if t["closed"] is None or t["closed"] > as_of]
    curated = _read_curated(CURATED)
    _check_curated_trusts(curated, {t["ods_code"]: t["name"] for t in trusts})

    entries = {t["id"]: {**_schema(t), "closed": None} for t in open_trusts}
    closed_on = {t["ods_code"]: t["closed"] for t in trusts if t not in open_trusts}
    parents = {t["ods_code"]: t["name"] for t in open_trusts}
    parents.update(
        {c["ods_code"]: c["name"] for c in curated if c.get("kind") == "trust" and c["ods_code"]}
    )
    parents = {code: name for code, name in parents.items() if code not in closed_on}
    sites = read_sites(args.ods / "Hospital.csv", {t["ods_code"]: t["name"] for t in trusts})
    for site in _usable_sites(sites, parents):
        entries[site["id"]] = site
    for line in curated:
        _apply_curated(entries, line)
    for entry in entries.values():
        entry["closed"] = entry.get("closed") or closed_on.get(entry["ods_code"] or "")

    ordered = sorted(entries.values(), key=lambda e: (KINDS.index(e["kind"]), e["name"], e["id"]))
    pruned, dropped = prune_aliases(ordered)
    for i, entry in enumerate(pruned):
        validate_entry(entry, f"entry {i}")
    _write(args.out, pruned)
    _report(pruned, dropped, as_of, len(open_trusts))
    return 0


def _schema(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry.get(key) for key in ENTRY_KEYS}


def _read_curated(path: Path) -> list[dict[str, Any]]:
    lines = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            entry = json.loads(line)
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise SystemExit(f"{path.name}:{lineno}: a curated line needs an 'id'")
            entry.setdefault("ods_code", None)
            lines.append(entry)
    return lines


def _check_curated_trusts(curated: list[dict[str, Any]], ods_names: dict[str, str]) -> None:
    """Warn when a hand-written trust disagrees with ODS about its own name."""
    for entry in curated:
        code = entry.get("ods_code")
        if entry.get("kind") == "trust" and code in ods_names and ods_names[code] != entry["name"]:
            print(f"warning: {code} is {ods_names[code]!r} in ODS, {entry['name']!r} curated")


def _usable_sites(sites: list[dict[str, Any]], parents: dict[str, str]) -> list[dict[str, Any]]:
    """NHS sites with an open parent trust; names shared across trusts are dropped."""
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for site in sites:
        if site["sector"] != "nhs":
            continue
        code = site["parent_ods"]
        code = SITE_PARENTS.get(site["ods_code"]) or SUCCESSORS.get(code, code)
        if code not in parents:
            continue
        site = {**_schema(site), "parent": parents[code], "closed": None}
        by_name[phrase_key(site["name"])].append(site)
    usable = []
    for group in by_name.values():
        if len({s["parent"] for s in group}) == 1:
            usable.append(min(group, key=lambda s: s["ods_code"]))
    return usable


def _apply_curated(entries: dict[str, dict[str, Any]], line: dict[str, Any]) -> None:
    current = entries.get(line["id"])
    if current is None:
        entry = validate_entry(line, f"curated {line['id']}")
        if entry["kind"] == "trust":
            entry["aliases"] = _merge(trust_aliases(entry["name"]), entry["aliases"])
        entries[entry["id"]] = entry
        return
    for key in ("name", "kind", "ods_code", "parent"):
        if line.get(key) is not None:
            current[key] = line[key]
    current["aliases"] = _merge(current["aliases"], line.get("aliases", []))


def _merge(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def _write(path: Path, entries: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for entry in entries:
            out.write(json.dumps(_schema(entry), ensure_ascii=False) + "\n")


def _report(
    entries: list[dict[str, Any]], dropped: list[tuple[str, list[str]]], as_of: str, n_open: int
) -> None:
    kinds = Counter(e["kind"] for e in entries)
    aliases = sum(len(e["aliases"]) for e in entries)
    print(f"snapshot {as_of}: {n_open} open trusts")
    print(
        f"{len(entries)} entries ({', '.join(f'{k} {kinds[k]}' for k in KINDS)}), {aliases} aliases"
    )
    print(f"{len(dropped)} ambiguous aliases dropped, e.g.:")
    for alias, ids in dropped[:10]:
        print(f"  {alias!r}: {', '.join(ids)}")


if __name__ == "__main__":
    raise SystemExit(main())
