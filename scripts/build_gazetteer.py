"""Build pipeline/extract/data/organisations.jsonl from ODS files and the curated list.

Sources, in order (a later source patches an earlier entry with the same id):

1. every trust in `etr.csv`: open at the snapshot date (the newest open date in the file, so
   a scheduled closure such as North Bristol's still counts as open), or closed, with its
   `closed` date (older reports name trusts that have since merged);
2. sites from `Hospital.csv`: NHS sites whose parent trust is open, or closed with a known
   successor (`SUCCESSORS`), including sites NHS.UK lists as "Independent Sector" although
   their code is their trust's code plus a suffix (RNN62 Cumberland Infirmary under RNN);
   independent hospitals (parent a company: Priory, Cygnet, Spire …) without a parent. Names
   too generic to match safely are left out, and a name shared by sites of different
   parents (or by two independent sites) is left out altogether;
3. `scripts/gazetteer_curated.jsonl`: abbreviations, informal and former names, usual full
   names of sites whose NHS.UK name is shorter ("St James's University Hospital"), Welsh and
   Scottish boards and their hospitals, regulators, sector bodies and commissioners. A
   curated line with an existing id patches that entry (aliases are added, other fields
   replace the generated ones); a new curated entry replaces a generated one of the same
   name.

A closed trust loses any alias that an open organisation also has (and is left out if its
name is one); then aliases that two entries would share, or that are another entry's name,
are dropped. The output is deterministic, so re-running on the same inputs gives the same
file. The ODS files stay where they are (`../shared/data/ods` by default); only the compiled
gazetteer is kept.

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
    "TAF": "G6V2S",  # Camden and Islington (a former care trust, curated) → North London
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

    closed_on = {t["ods_code"]: t["closed"] for t in trusts if t not in open_trusts}
    entries = {t["id"]: {**_schema(t), "closed": closed_on.get(t["ods_code"])} for t in trusts}
    parents = {t["ods_code"]: t["name"] for t in open_trusts}
    curated_trusts = {
        c["ods_code"]: c["name"] for c in curated if c.get("kind") == "trust" and c["ods_code"]
    }
    closed_on.update(
        {c["ods_code"]: c["closed"] for c in curated if c.get("closed") and c["ods_code"]}
    )
    parents.update(curated_trusts)
    parents = {code: name for code, name in parents.items() if code not in closed_on}
    trust_codes = {t["ods_code"] for t in trusts} | set(curated_trusts)
    sites = read_sites(args.ods / "Hospital.csv", {t["ods_code"]: t["name"] for t in trusts})
    nhs_sites, other_sites = _usable_sites(sites, parents, trust_codes)
    for site in nhs_sites:
        entries[site["id"]] = site
    curated_ids: set[str] = set()
    for line in curated:
        _apply_curated(entries, line)
        curated_ids.add(line["id"])
    _add_unclaimed(entries, other_sites)
    for entry in entries.values():
        entry["closed"] = entry.get("closed") or closed_on.get(entry["ods_code"] or "")
    _settle_names(entries, curated_ids)

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


def _usable_sites(
    sites: list[dict[str, Any]], parents: dict[str, str], trust_codes: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """NHS sites with an open parent trust, then the less certain sites.

    The less certain ones are sites NHS.UK marks "Independent Sector" although their code
    extends their trust's code (mostly NHS sites: RNN62 Cumberland Infirmary under RNN), and
    independent hospitals, whose parent is a company (they get no parent). A site that names
    a trust as parent without sharing its code is left out: the row is inconsistent. Within
    each list a name shared across parents, or by two independent sites, is dropped.
    """
    nhs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    other: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for site in sites:
        code = site["parent_ods"] or ""
        parent = None
        if code in trust_codes:
            if site["sector"] != "nhs" and not site["ods_code"].startswith(code):
                continue
            code = SITE_PARENTS.get(site["ods_code"]) or SUCCESSORS.get(code, code)
            if code not in parents:
                continue
            parent = parents[code]
        group = nhs if parent and site["sector"] == "nhs" else other
        site = {**_schema(site), "parent": parent, "closed": None}
        group[_site_key(site["name"])].append(site)
    usable: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    for found, groups in zip(usable, (nhs, other), strict=True):
        for same in groups.values():
            parent_names = {s["parent"] for s in same}
            if len(parent_names) == 1 and (None not in parent_names or len(same) == 1):
                found.append(min(same, key=_preferred_site))
    return usable


def _preferred_site(site: dict[str, Any]) -> tuple[bool, str]:
    """Of one site's rows, the one named without "The", then the lowest code."""
    return site["name"].startswith("The "), site["ods_code"]


def _add_unclaimed(entries: dict[str, dict[str, Any]], sites: list[dict[str, Any]]) -> None:
    """Less certain sites, each only if no entry has its name or an alias of it already (an
    apostrophe apart: "St Georges Hospital" is St George's), and if its name does not begin
    another's: "The Priory Hospital" could be any of "Priory Hospital Altrincham", "Priory
    Hospital Woking" …"""
    claimed = {
        _loose_key(text)
        for entry in entries.values()
        for text in [entry["name"], *entry["aliases"]]
    }
    names = [_loose_key(site["name"]) for site in sites]
    for site, name in zip(sites, names, strict=True):
        keys = {_loose_key(text) for text in [site["name"], *site["aliases"]]}
        begins = any(other.startswith(name + " ") for other in names)
        if site["id"] not in entries and not keys & claimed and not begins:
            entries[site["id"]] = site
            claimed |= keys


def _loose_key(name: str) -> str:
    return _site_key(name).replace("'", "")


def _site_key(name: str) -> str:
    """Sites are the same name with or without "The" ("The Queen Elizabeth Hospital")."""
    return phrase_key(name[4:] if name.startswith("The ") else name)


def _settle_names(entries: dict[str, dict[str, Any]], curated_ids: set[str]) -> None:
    """One entry per name: a curated entry replaces generated ones of the same name, an
    open organisation wins over a closed trust (which also loses the aliases they share), and
    a hospital keeps a name that a trust's alias repeats ("X Hospital" for "X Hospital NHS
    Trust" is the site)."""
    owners: dict[str, list[str]] = defaultdict(list)
    for entry_id, entry in entries.items():
        owners[_site_key(entry["name"])].append(entry_id)
    for ids in owners.values():
        curated = [i for i in ids if i in curated_ids]
        if len(curated) > 1:
            raise SystemExit(f"curated entries {', '.join(curated)} share a name")
        open_ids = [i for i in ids if not entries[i]["closed"]]
        keep = curated[0] if curated else (open_ids[0] if open_ids else ids[0])
        for entry_id in ids:
            if entry_id != keep:
                del entries[entry_id]
    open_keys = {
        phrase_key(text)
        for entry in entries.values()
        if not entry["closed"]
        for text in [entry["name"], *entry["aliases"]]
    }
    site_keys = {
        phrase_key(text)
        for entry in entries.values()
        if entry["kind"] == "hospital"
        for text in [entry["name"], *entry["aliases"]]
    }
    for entry in entries.values():
        taken = open_keys if entry["closed"] else set()
        taken = taken | site_keys if entry["kind"] == "trust" else taken
        entry["aliases"] = [a for a in entry["aliases"] if phrase_key(a) not in taken]


def _apply_curated(entries: dict[str, dict[str, Any]], line: dict[str, Any]) -> None:
    current = entries.get(line["id"])
    if current is None:
        entry = validate_entry(line, f"curated {line['id']}")
        if entry["kind"] == "trust":
            generated = trust_aliases(entry["name"], closed=bool(entry["closed"]))
            entry["aliases"] = _merge(generated, entry["aliases"])
        entries[entry["id"]] = entry
        return
    for key in ("name", "kind", "ods_code", "parent", "closed"):
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
