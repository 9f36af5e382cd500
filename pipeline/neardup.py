"""Near-duplicate detection: syndicated copies of one story share a `story_id`.

Each document gets a MinHash signature of its word 5-gram shingles (datasketch); signatures
are cut into LSH bands stored in SQLite, so candidates are found by index look-up however
large the store grows, and confirmed by the estimated Jaccard similarity.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import sqlite_utils
from datasketch import MinHash

NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
THRESHOLD = 0.7  # estimated Jaccard of shingles; copies with light edits score 0.75-0.95
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Signature:
    doc_id: str
    values: np.ndarray

    @property
    def bands(self) -> list[str]:
        return [
            hashlib.blake2b(
                self.values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8
            ).hexdigest()
            for b in range(BANDS)
        ]

    def similarity(self, other: np.ndarray) -> float:
        return float(np.mean(self.values == other))


def signature(doc_id: str, text: str) -> Signature:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        shingles = {" ".join(words).encode()}
    else:
        shingles = {
            " ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)
        }
    minhash = MinHash(num_perm=NUM_PERM, seed=7)
    minhash.update_batch(list(shingles))
    return Signature(doc_id, minhash.hashvalues.astype(np.uint64))


def find_story(
    db: sqlite_utils.Database, sig: Signature, pending: Iterable[tuple[Signature, str]]
) -> str | None:
    """The story id of the most similar stored (or pending) document above the threshold."""
    best: tuple[float, str] | None = None
    for other, story in pending:
        score = sig.similarity(other.values)
        if score >= THRESHOLD and (best is None or score > best[0]):
            best = (score, story)
    clauses = " OR ".join("(band = ? AND key = ?)" for _ in range(BANDS))
    params: list[object] = []
    for band, key in enumerate(sig.bands):
        params.extend([band, key])
    rows = db.execute(
        f"""SELECT m.signature, d.story_id FROM doc_minhash m JOIN documents d ON d.id = m.doc_id
            WHERE m.doc_id IN (SELECT DISTINCT doc_id FROM lsh_bands WHERE {clauses})""",
        params,
    ).fetchall()
    for blob, story in rows:
        score = sig.similarity(np.frombuffer(blob, dtype=np.uint64))
        if score >= THRESHOLD and (best is None or score > best[0]):
            best = (score, story)
    return None if best is None else best[1]
