"""Find the inputs named on the command line and read each into documents.

Folders are walked recursively in a stable order. Hidden files are passed over, and a folder
may hold a `.trustwatchignore` (one glob per line, relative to that folder) for files that are
not documents (labels, gold files, READMEs).
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.documents import Document
from pipeline.errors import InputRejected
from pipeline.readers.html import read_html
from pipeline.readers.jsonl import read_jsonl
from pipeline.readers.pdf import read_pdf
from pipeline.readers.plain import read_plain
from pipeline.readers.sniff import decode_utf8, sniff

IGNORE_FILE = ".trustwatchignore"
HEAD_BYTES = 8192


@dataclass(frozen=True)
class InputFile:
    """A file to read, with the name the user gave it (stored as the document's source)."""

    path: Path
    name: str


def find_inputs(
    paths: list[str], exclude: Path | None = None
) -> Iterator[InputFile | InputRejected]:
    """Files named or found under folders; a missing path is a rejection, not a crash.

    `exclude` is the store itself: walking the folder it lives in must not ingest it (or its
    write-ahead log).
    """
    skip = _store_files(exclude)
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from (f for f in _walk(path, given) if f.path.resolve() not in skip)
        elif path.is_file():
            yield InputFile(path, given)
        elif path.exists():
            yield InputRejected(given, "not a regular file or folder")
        else:
            yield InputRejected(given, "no such file or folder")


def _store_files(store: Path | None) -> set[Path]:
    if store is None:
        return set()
    base = store.resolve()
    return {base, *(base.with_name(base.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


def _walk(root: Path, given: str) -> Iterator[InputFile]:
    ignores = _ignore_globs(root)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        rel_posix = rel.as_posix()
        if any(fnmatch.fnmatch(rel_posix, glob) for glob in ignores):
            continue
        yield InputFile(path, str(Path(given) / rel))


def _ignore_globs(root: Path) -> list[str]:
    file = root / IGNORE_FILE
    if not file.is_file():
        return []
    globs = []
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            globs.append(line.rstrip("/") + "/*" if line.endswith("/") else line)
            if line.endswith("/"):
                globs.append(line.rstrip("/") + "/**")
    return globs


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes, read in chunks (memory stays flat for large files)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_input(item: InputFile) -> Iterator[Document | InputRejected]:
    """The documents in one file. A file that cannot be read at all raises InputRejected."""
    try:
        with item.path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise InputRejected(item.name, f"cannot be read ({exc.strerror})") from None
    fmt = sniff(Path(item.name), head)
    if fmt == "jsonl":
        yield from read_jsonl(item.path, item.name)
        return
    data = item.path.read_bytes()
    if fmt == "pdf":
        yield read_pdf(item.name, data)
    elif fmt == "html":
        yield read_html(item.name, data)
    else:
        yield read_plain(item.name, decode_utf8(item.name, data), markdown=fmt == "markdown")
