"""Read rule files shipped in `pipeline/extract/patterns/` and check them on load.

Each file is JSON Lines; each line one rule with a unique `id` (stored with every extraction
as provenance) and a `pattern`: a string (phrase) or a list of token dicts (spaCy Matcher).
Families may require further keys; a malformed rule fails loudly at start-up, naming the file
and line, instead of silently matching nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from pipeline.errors import PatternError

PACKAGE = "pipeline.extract.patterns"


def pattern_files() -> list[str]:
    """Names of the rule files shipped with the package, sorted."""
    root = resources.files(PACKAGE)
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".jsonl"))


def read_rules(
    filename: str,
    required: Mapping[str, type | tuple[type, ...]] | None = None,
    allowed: Mapping[str, tuple[Any, ...]] | None = None,
) -> list[dict[str, Any]]:
    """Load `filename` and validate every rule.

    `required` maps extra keys to the type(s) their value must have; `allowed` maps keys to the
    values they may take.
    """
    text = resources.files(PACKAGE).joinpath(filename).read_text(encoding="utf-8")
    rules: list[dict[str, Any]] = []
    seen: set[str] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{filename}:{lineno}"
        try:
            rule = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(rule, dict):
            raise PatternError(f"{where}: a rule must be a JSON object")
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            raise PatternError(f"{where}: rule has no string 'id'")
        if rule_id in seen:
            raise PatternError(f"{where}: duplicate id {rule_id!r}")
        seen.add(rule_id)
        _check_pattern(where, rule.get("pattern"))
        for key, types in (required or {}).items():
            if not isinstance(rule.get(key), types):
                raise PatternError(f"{where}: rule {rule_id!r} needs {key!r} of type {types}")
        for key, values in (allowed or {}).items():
            if key in rule and rule[key] not in values:
                raise PatternError(f"{where}: rule {rule_id!r} has {key}={rule[key]!r}")
        rules.append(rule)
    return rules


def _check_pattern(where: str, pattern: Any) -> None:
    if isinstance(pattern, str):
        if not pattern.strip():
            raise PatternError(f"{where}: empty phrase pattern")
        return
    if isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern):
        return
    raise PatternError(f"{where}: 'pattern' must be a phrase or a list of token objects")


def rules_fingerprint() -> str:
    """A short hash of every shipped rule file: changes whenever any rule changes."""
    digest = hashlib.sha256()
    root = resources.files(PACKAGE)
    for name in pattern_files():
        digest.update(name.encode())
        digest.update(root.joinpath(name).read_bytes())
    return digest.hexdigest()[:12]
