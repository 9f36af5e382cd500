"""Read NHS Organisation Data Service (ODS) files into gazetteer entries.

Two layouts are read:

- `etr.csv` (NHS trusts): headerless, comma-separated, every field quoted, 27 columns; code in
  column 1, upper-case name in 2, open and close dates (YYYYMMDD) in 11 and 12.
- NHS trust sites: either the NHS.UK `Hospital.csv` export (header row, fields separated by
  `¬`, Windows-1252) with `ParentODSCode`/`ParentName`, or an ODS `ets.csv` (the `etr.csv`
  layout for sites; the parent trust is column 15 when given, else the first three characters
  of the site code, which ODS derives from the trust's code).

Both readers return entries in the gazetteer schema of
`pipeline/extract/data/organisations.jsonl` (`id`, `name`, `kind`, `ods_code`, `parent`,
`aliases`) plus a few source fields (`opened`, `closed`, `parent_ods`, `sector`) that the
store and `scripts/build_gazetteer.py` use. Names follow docs/annotation.md: title case, `NHS`
upper case, `and`/`of`/`for`/`the`/`in`/`on` lower case except first.

A file that cannot be read, or does not have the expected layout, raises `InputRejected`
naming the file and the first problem, so an import never half-succeeds silently.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import InputRejected


def _words(text: str) -> frozenset[str]:
    """A word list written as text (one line of code per line of words)."""
    return frozenset(text.split())


SMALL_WORDS = frozenset({"and", "of", "for", "the", "in", "on"})
UPPER_WORDS = frozenset({"NHS"})
ETR_COLUMNS = 27
SITE_SEPARATOR = "\xac"
HOSPITAL_HEADER = ("OrganisationCode", "OrganisationName", "Sector", "ParentODSCode")

_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TRUST_SUFFIXES = (" NHS Foundation Trust", " NHS Trust")
# Head words that make a trust's core name an organisation rather than a place ("Dudley
# Group", "Leeds Teaching Hospitals", "Barts Health"); bare place names ("Salisbury") are not.
_ORG_HEADS = _words(
    """
    group hospital hospitals healthcare health partnership care services service centre
    alliance infirmary
    """
)
# "<Place> Ambulance Service(s)" and whatever follows it in an ambulance trust's name
# ("West Midlands Ambulance Service University NHS Foundation Trust").
_AMBULANCE = re.compile(r"^(.+ Ambulance Service)(s?)\b")
# Words that never make a name specific on their own.
GENERIC_WORDS = _words(
    """
    nhs the and of for in on & trust foundation university teaching hospital hospitals
    infirmary health healthcare care community general district county city royal
    memorial war cottage national new main site centre clinic unit house partnership
    services service mental acute specialist children children's women women's
    maternity eye dental private independent rehabilitation treatment day integrated
    board group queen queen's king king's princess prince victoria alexandra elizabeth
    st st. saint mary mary's lodge court manor park
    """
)
SITE_HEADS = frozenset({"hospital", "hospitals", "infirmary", "centre", "clinic"})
# Words of people a hospital is named after: with another word before the head they make a
# name ("Princess Royal Hospital", "Queen Elizabeth Hospital", "Royal Victoria Infirmary")
# although every word of it is generic; alone ("Victoria Hospital") they do not.
PERSON_WORDS = _words(
    """
    queen queen's king king's princess prince victoria alexandra elizabeth mary mary's
    albert edward
    """
)


def title_case(name: str) -> str:
    """The canonical spelling of an ODS name (see docs/annotation.md).

    Upper-case names (etr.csv) are fully re-cased; mixed-case names (Hospital.csv) keep their
    letters and only have the small words and `NHS` normalised, so "QEII" or "ENT" survive.
    """
    words = name.split()
    recase = name.upper() == name
    out = []
    for i, word in enumerate(words):
        bare = word.strip(",").upper()
        if bare in UPPER_WORDS:
            out.append(word.upper())
        elif i > 0 and bare.lower() in SMALL_WORDS:
            out.append(word.lower())
        elif recase:
            out.append(_recase_word(word))
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def _recase_word(word: str) -> str:
    """`GUY'S` → `Guy's`, `THOMAS'` → `Thomas'`, `STOKE-ON-TRENT` → `Stoke-on-Trent`."""
    parts = word.split("-")
    cased = []
    for j, part in enumerate(parts):
        low = part.lower()
        if j > 0 and low in SMALL_WORDS:
            cased.append(low)
            continue
        head, sep, tail = low.partition("'")
        cased.append(head[:1].upper() + head[1:] + sep + tail)
    return "-".join(cased)


def is_specific(name: str) -> bool:
    """True when a name has a word that is not generic ("Russells Hall Hospital" yes,
    "Royal Victoria Hospital" or "The Lodge" no)."""
    tokens = [t.lower() for t in re.findall(r"[A-Za-z][A-Za-z'’.]*|&", name)]
    return any(t.replace("’", "'") not in GENERIC_WORDS and len(t) > 1 for t in tokens)


def trust_core(name: str) -> str | None:
    """The part of a trust name before "NHS (Foundation) Trust", without a leading "The"."""
    base = name[4:] if name.startswith("The ") else name
    for suffix in _TRUST_SUFFIXES:
        if base.endswith(suffix):
            return base[: -len(suffix)].rstrip(", ")
    return None


def trust_aliases(name: str, closed: bool = False) -> list[str]:
    """Systematic variants of a trust's canonical name.

    Without "The"; "NHS FT" for "NHS Foundation Trust"; "Foundation Trust" without NHS; the
    core alone and "<core> Trust" when the core names an organisation rather than a place;
    the core cut after "Hospitals" ("East Kent Hospitals"); for ambulance trusts the service
    name, singular or plural, alone or with either suffix ("London Ambulance Service", "Welsh
    Ambulance Service NHS Trust", "West Midlands Ambulance Service NHS Foundation Trust");
    "&" for "and"; no commas. A `closed` trust whose core reads as a hospital ("Whipps Cross
    University Hospital") does not get the bare core: the site kept that name. Ambiguity
    between entries is resolved later, over the whole gazetteer.
    """
    core = trust_core(name)
    if core is None:
        return []
    has_the = name.startswith("The ")
    foundation = name.endswith("NHS Foundation Trust")
    variants = [name[4:] if has_the else name]
    if foundation:
        variants += [f"{core} NHS FT", f"{core} Foundation Trust"]
        if has_the:
            variants.append(f"The {core} NHS FT")
    if _names_an_organisation(core):
        site_like = closed and core.split()[-1].lower() in SITE_HEADS - {"hospitals"}
        variants += [f"{core} Trust"] if site_like else [core, f"{core} Trust"]
    variants += _ambulance_variants(core)
    words = core.split()
    for i, word in enumerate(words[:-1]):
        if word.lower() in {"hospitals", "hospital"} and _names_an_organisation(
            " ".join(words[: i + 1])
        ):
            variants.append(" ".join(words[: i + 1]))
            break
    expanded = []
    for variant in variants:
        expanded.append(variant)
        if " and " in variant:
            expanded.append(variant.replace(" and ", " & "))
        if " & " in variant:
            expanded.append(variant.replace(" & ", " and "))
        if "," in variant:
            expanded.append(variant.replace(",", ""))
    return _unique([v for v in expanded if v != name])


def _ambulance_variants(core: str) -> list[str]:
    """The service an ambulance trust runs, as people name it (see `trust_aliases`)."""
    match = _AMBULANCE.match(core)
    if match is None:
        return []
    service, plural = match.groups()
    variants = []
    for base in (service + plural, service + ("" if plural else "s")):
        variants += [base, f"{base} NHS Trust", f"{base} NHS Foundation Trust", f"{base} Trust"]
    return variants


def _names_an_organisation(core: str) -> bool:
    words = [w.lower() for w in core.split()]
    if len(words) < 2 or not is_specific(core):
        return False
    return bool(_ORG_HEADS & set(words)) or (words[0] == "royal" and len(words) == 2)


def clean_site_name(raw: str) -> str | None:
    """A site's usual name from an NHS.UK/ODS site name, or None when it is not a usable name.

    Drops a trailing " - <trust>" and parenthesised qualifiers ("Royal Cornwall Hospital
    (Treliske)"), and a trailing ", <town>" after a head word ("Cross Lane Hospital,
    Scarborough"). Names without a head word (Hospital, Infirmary, Centre, Clinic) or without a
    specific word are refused: "The Lodge", "Windsor House", "Victoria Hospital"; a generic
    name is kept when it is named after a person and has two words before its head
    ("Princess Royal Hospital", "Queen Elizabeth Hospital").
    """
    name = " ".join(raw.split())
    if " - " in name:
        left, right = name.split(" - ", 1)
        if _ends_with_head(left):
            name = left
        elif _ends_with_head(right) and " trust" not in right.lower():
            name = right
        else:
            return None
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if "," in name:
        left = name.rsplit(",", 1)[0]
        if _ends_with_head(left):
            name = left
    if " trust" in name.lower() or not _has_head(name):
        return None
    if not is_specific(name) and not _named_after_a_person(name):
        return None
    return title_case(name)


def _named_after_a_person(name: str) -> bool:
    words = [w.lower().replace("’", "'") for w in name.split()]
    if words[0] == "the":
        words = words[1:]
    head = next((i for i, w in enumerate(words) if w in SITE_HEADS), 0)
    return head >= 2 and any(w in PERSON_WORDS for w in words[:head])


def _ends_with_head(name: str) -> bool:
    words = name.split()
    return bool(words) and words[-1].lower() in SITE_HEADS


def _has_head(name: str) -> bool:
    return any(w.lower().strip(",") in SITE_HEADS for w in name.split())


def site_aliases(name: str) -> list[str]:
    """Variants of a site name: without "The", "&" for "and"."""
    variants = []
    if name.startswith("The "):
        variants.append(name[4:])
    for variant in [name, *variants]:
        if " and " in variant:
            variants.append(variant.replace(" and ", " & "))
        if " & " in variant:
            variants.append(variant.replace(" & ", " and "))
    return _unique([v for v in variants if v != name])


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _iso(date: str, where: str, source: str) -> str | None:
    if not date:
        return None
    match = _DATE.match(date)
    if not match:
        raise InputRejected(source, f"{where}: date {date!r} is not YYYYMMDD")
    return "-".join(match.groups())


def _read_text(path: Path, encoding: str) -> str:
    try:
        return path.read_text(encoding=encoding)
    except OSError as exc:
        raise InputRejected(str(path), f"cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputRejected(str(path), f"not {encoding} text ({exc.reason})") from exc


def read_trusts(path: str | Path) -> list[dict[str, Any]]:
    """All trusts in an ODS `etr.csv` (open and closed), as gazetteer entries.

    Each entry also has `opened` and `closed` (ISO dates; `closed` is None while open).
    """
    path = Path(path)
    source = str(path)
    rows = _etr_rows(_read_text(path, "utf-8-sig"), source)
    entries = []
    for lineno, row in rows:
        where = f"line {lineno}"
        code, raw_name = row[0].strip(), row[1].strip()
        _check_code(code, raw_name, where, source)
        name = title_case(raw_name)
        entries.append(
            {
                "id": f"org-{code}",
                "name": name,
                "kind": "trust",
                "ods_code": code,
                "parent": None,
                "aliases": trust_aliases(name, closed=bool(row[11].strip())),
                "opened": _iso(row[10].strip(), where, source),
                "closed": _iso(row[11].strip(), where, source),
            }
        )
    return entries


def _etr_rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    if not text.strip():
        raise InputRejected(source, "empty file")
    rows = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < 12:
                raise InputRejected(
                    source,
                    f"line {reader.line_num}: {len(row)} columns, expected the ODS layout "
                    f"({ETR_COLUMNS} columns, no header)",
                )
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise InputRejected(source, f"line {reader.line_num}: not CSV ({exc})") from exc
    return rows


def _check_code(code: str, name: str, where: str, source: str) -> None:
    if not _CODE.match(code):
        raise InputRejected(source, f"{where}: {code!r} is not an ODS code (header row?)")
    if not name:
        raise InputRejected(source, f"{where}: organisation {code} has no name")


def read_sites(path: str | Path, trusts: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Hospital sites from NHS.UK `Hospital.csv` or an ODS `ets.csv`, as gazetteer entries.

    `trusts` maps trust ODS codes to canonical names; a site's `parent` is taken from it (or,
    for Hospital.csv, from `ParentName`). Sites whose name is not a usable hospital name (see
    `clean_site_name`) are left out. Each entry also has `parent_ods`, `sector` ("nhs" or
    "independent") and `closed`.
    """
    path = Path(path)
    try:
        head = path.read_bytes()[:4096]
    except OSError as exc:
        raise InputRejected(str(path), f"cannot read ({exc.strerror or exc})") from exc
    if SITE_SEPARATOR.encode("cp1252") in head:
        return _hospital_csv(path, trusts or {})
    return _ets_csv(path, trusts or {})


def _hospital_csv(path: Path, trusts: Mapping[str, str]) -> list[dict[str, Any]]:
    source = str(path)
    lines = _read_text(path, "cp1252").splitlines()
    header = lines[0].split(SITE_SEPARATOR)
    missing = [col for col in HOSPITAL_HEADER if col not in header]
    if missing:
        raise InputRejected(source, f"header lacks {', '.join(missing)}")
    col = {name: i for i, name in enumerate(header)}
    entries = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        row = line.split(SITE_SEPARATOR)
        if len(row) != len(header):
            raise InputRejected(
                source, f"line {lineno}: {len(row)} fields, header has {len(header)}"
            )
        code = row[col["OrganisationCode"]].strip()
        _check_code(code, row[col["OrganisationName"]].strip(), f"line {lineno}", source)
        name = clean_site_name(row[col["OrganisationName"]])
        if name is None:
            continue
        parent_ods = row[col["ParentODSCode"]].strip() or None
        parent_name = row[col["ParentName"]].strip() if "ParentName" in col else ""
        parent = trusts.get(parent_ods or "") or (title_case(parent_name) if parent_name else None)
        sector = row[col["Sector"]].strip().lower()
        entries.append(
            _site_entry(code, name, parent, parent_ods, "nhs" if "nhs" in sector else "independent")
        )
    return entries


def _ets_csv(path: Path, trusts: Mapping[str, str]) -> list[dict[str, Any]]:
    source = str(path)
    entries = []
    for lineno, row in _etr_rows(_read_text(path, "utf-8-sig"), source):
        where = f"line {lineno}"
        code = row[0].strip()
        _check_code(code, row[1].strip(), where, source)
        name = clean_site_name(row[1])
        if name is None:
            continue
        given = row[14].strip() if len(row) > 14 else ""
        parent_ods = given if _CODE.match(given) else code[:3]
        entry = _site_entry(code, name, trusts.get(parent_ods), parent_ods, "nhs")
        entry["closed"] = _iso(row[11].strip(), where, source)
        entries.append(entry)
    return entries


def _site_entry(
    code: str, name: str, parent: str | None, parent_ods: str | None, sector: str
) -> dict[str, Any]:
    return {
        "id": f"org-{code}",
        "name": name,
        "kind": "hospital",
        "ods_code": code,
        "parent": parent,
        "aliases": site_aliases(name),
        "parent_ods": parent_ods,
        "sector": sector,
        "closed": None,
    }
