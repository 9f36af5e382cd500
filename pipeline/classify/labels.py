"""Load the labelled sentences the category classifier is trained and evaluated on.

Every `*.jsonl` file of the labels folder holds one sentence a line:
`{"text": ..., "categories": [...], "group": ..., "register": ...}`, where `categories` are
keys of `taxonomy.KEYS` (an empty list means "states no failure") and `group` names the
source document the sentence came from (cross-validation holds whole groups out, so that
sentences of one document never sit on both sides of a split). Malformed lines are errors,
not skipped: a silently dropped or mislabelled sentence would quietly change the model.

`pfd_refs.jsonl` is the exception: its lines label sentences of the coroners' reports in
`../shared/data/pfd/reports.jsonl` by reference (see `pfd_refs`), so that their text is not
copied into the repository. It is read only when the reports file is present; training works
without it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.taxonomy import KEYS
from pipeline.errors import TrustwatchError

PFD_REFS = "pfd_refs.jsonl"
_KEY_INDEX = {key: i for i, key in enumerate(KEYS)}


class LabelError(TrustwatchError):
    """A labels file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class LabelFile:
    """Provenance of one labels file, for the model card."""

    name: str
    sha256: str
    size_bytes: int
    sentences: int


OWN = "own"
REFERENCED = "pfd"


@dataclass
class LabelledSet:
    """Sentences with their label matrix (rows = sentences, columns = `KEYS`) and groups.

    `sources` says where each sentence's text lives: `OWN` (written in the labels files) or
    `REFERENCED` (a sentence of a coroner's report, labelled by reference); empty means all
    own. `reports` describes the reports file the referenced sentences were read from.
    """

    texts: list[str]
    y: np.ndarray  # shape (n, len(KEYS)), dtype int8, 1 = the sentence states that failure
    groups: list[str]
    files: list[LabelFile] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    reports: LabelFile | None = None

    def __len__(self) -> int:
        return len(self.texts)

    def category_counts(self) -> dict[str, int]:
        """Number of sentences labelled with each category, in `KEYS` order."""
        totals = self.y.sum(axis=0)
        return {key: int(totals[i]) for i, key in enumerate(KEYS)}

    def no_failure_count(self) -> int:
        """Number of sentences labelled with no category (negative examples for every one)."""
        return int((self.y.sum(axis=1) == 0).sum())


def load_labels(labels_dir: Path | str, pfd_reports: Path | str | None = None) -> LabelledSet:
    """All labelled sentences of `labels_dir/*.jsonl`, in file-name then line order.

    `pfd_reports` is the reports file that `pfd_refs.jsonl` points into; when it is None or
    missing, referenced labels are left out. Raises `LabelError` on the first bad line, on a
    text labelled differently in two places, or when no sentence is found.
    """
    folder = Path(labels_dir)
    texts: list[str] = []
    rows: list[list[int]] = []
    groups: list[str] = []
    files: list[LabelFile] = []
    sources: list[str] = []
    reports: LabelFile | None = None
    seen: dict[str, tuple[str, tuple[int, ...]]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        if path.name == PFD_REFS:
            if pfd_reports is None or not Path(pfd_reports).is_file():
                continue
            records = list(_pfd_records(path, Path(pfd_reports)))
            source = REFERENCED
            reports = _describe(Path(pfd_reports), len(records))
        else:
            records = list(_records(path))
            source = OWN
        for where, text, columns, group in records:
            earlier = seen.setdefault(text, (where, columns))
            if earlier[1] != columns:
                raise LabelError(
                    f"{where}: the same text is labelled {_names(columns)} here "
                    f"but {_names(earlier[1])} at {earlier[0]}"
                )
            texts.append(text)
            rows.append(list(columns))
            groups.append(group)
            sources.append(source)
        files.append(_describe(path, len(records)))
    if not texts:
        raise LabelError(f"{folder}: no labelled sentences (*.jsonl) found")
    y = np.zeros((len(texts), len(KEYS)), dtype=np.int8)
    for i, row in enumerate(rows):
        y[i, row] = 1
    return LabelledSet(
        texts=texts, y=y, groups=groups, files=files, sources=sources, reports=reports
    )


def _records(path: Path) -> Iterator[tuple[str, str, tuple[int, ...], str]]:
    """(file:line, text, category columns, group) for each non-blank line of a labels file."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            record = _parse(line, where)
            text = record.get("text")
            if not isinstance(text, str) or not text.strip():
                raise LabelError(f"{where}: 'text' must be a non-empty string")
            yield where, text.strip(), _columns(record, where), _group(record, where)


def _pfd_records(path: Path, reports: Path) -> Iterator[tuple[str, str, tuple[int, ...], str]]:
    """Labels given by reference: `{"report", "start", "end", "categories", "group"?}`.

    The sentence is `text[start:end]` of the report with that `id` in `reports`; the group
    defaults to the report id (all sentences of one report are held out together).
    """
    texts: dict[str, str] = {}
    with reports.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                report = json.loads(line)
                texts[str(report.get("id"))] = str(report.get("text", ""))
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            record = _parse(line, where)
            report_id, start, end = record.get("report"), record.get("start"), record.get("end")
            if not isinstance(report_id, str) or report_id not in texts:
                raise LabelError(f"{where}: 'report' {report_id!r} is not a report of {reports}")
            text = texts[report_id]
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
                raise LabelError(f"{where}: 'start' and 'end' must be offsets with start < end")
            if end > len(text) or not text[start:end].strip():
                raise LabelError(f"{where}: offsets {start}:{end} select no text of {report_id}")
            record.setdefault("group", f"pfd-{report_id}")
            yield where, text[start:end].strip(), _columns(record, where), _group(record, where)


def _parse(line: str, where: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LabelError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise LabelError(f"{where}: a line must be a JSON object, not {type(record).__name__}")
    return record


def _columns(record: dict[str, Any], where: str) -> tuple[int, ...]:
    categories = record.get("categories")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise LabelError(f"{where}: 'categories' must be a list of category keys")
    unknown = [c for c in categories if c not in _KEY_INDEX]
    if unknown:
        raise LabelError(
            f"{where}: unknown categor{'y' if len(unknown) == 1 else 'ies'} "
            f"{', '.join(repr(c) for c in unknown)}; valid categories: {', '.join(KEYS)}"
        )
    return tuple(sorted({_KEY_INDEX[c] for c in categories}))


def _group(record: dict[str, Any], where: str) -> str:
    group = record.get("group")
    if not isinstance(group, str) or not group.strip():
        raise LabelError(f"{where}: 'group' (the source document) must be a non-empty string")
    return group


def _names(columns: tuple[int, ...]) -> str:
    return "[" + ", ".join(KEYS[i] for i in columns) + "]"


def _describe(path: Path, sentences: int) -> LabelFile:
    data = path.read_bytes()
    return LabelFile(
        name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        sentences=sentences,
    )
