"""`make bench`: throughput, memory and query latency, measured on real documents.

Needs ../shared/data/pfd/reports.jsonl (skips what it cannot measure without it). Writes
bench-results/latest.json and prints a summary. Figures, not assertions: targets are checked
by reading them, never by a timed unit test.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PFD = ROOT.parent / "shared" / "data" / "pfd" / "reports.jsonl"
OUT = ROOT / "bench-results"
BIG_STORE_DOCS = 100_000


def pfd_texts(limit: int | None = None) -> list[str]:
    texts = []
    with PFD.open(encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if limit and len(texts) >= limit:
                break
    return texts


def bench_extraction(texts: list[str]) -> dict[str, Any]:
    """Documents per second: blank tokenizer alone, each component, and the full pipeline."""
    import spacy

    from pipeline.extract.nlp import available_components, build_nlp
    from pipeline.text import normalise

    texts = [normalise(t) for t in texts]

    def rate(nlp: Any) -> float:
        list(nlp.pipe(texts[:50]))
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        return len(texts) / (time.perf_counter() - start)

    result: dict[str, Any] = {"documents": len(texts)}
    result["blank_tokenizer_docs_per_s"] = round(rate(spacy.blank("en")), 1)
    result["sentences_docs_per_s"] = round(rate(build_nlp([])), 1)
    for name in available_components():
        result[f"{name}_docs_per_s"] = round(rate(build_nlp([name])), 1)
    full = rate(build_nlp())
    result["full_pipeline_docs_per_s"] = round(full, 1)
    result["full_vs_tokenizer"] = round(full / result["blank_tokenizer_docs_per_s"], 3)
    return result


def bench_classifier(texts: list[str]) -> dict[str, Any]:
    from pipeline.classify.predict import SentenceClassifier
    from pipeline.extract.nlp import build_nlp

    model = ROOT / "models" / "categories.skops"
    start = time.perf_counter()
    clf = SentenceClassifier.load(model)
    load_s = time.perf_counter() - start
    nlp = build_nlp([])
    sentences = [
        s.text for doc in nlp.pipe(texts[:300]) for s in doc.sents if len(s.text.strip()) > 20
    ]
    start = time.perf_counter()
    clf.predict_proba(sentences)
    batched = len(sentences) / (time.perf_counter() - start)
    start = time.perf_counter()
    for sentence in sentences[:200]:
        clf.predict_proba([sentence])
    single = 200 / (time.perf_counter() - start)
    return {
        "model_mb": round(model.stat().st_size / 1e6, 2),
        "load_s": round(load_s, 3),
        "sentences": len(sentences),
        "batched_sentences_per_s": round(batched, 1),
        "one_at_a_time_sentences_per_s": round(single, 1),
    }


def bench_ingest(workdir: Path) -> dict[str, Any]:
    """Ingest the PFD file in a child process; its peak RSS is the memory figure."""
    store = workdir / "pfd.db"
    code = (
        "import resource, sys, time; from cli import app\n"
        "start = time.perf_counter()\n"
        "try:\n"
        f"    app(['--db', {str(store)!r}, 'ingest', '--quiet', {str(PFD)!r}])\n"
        "except SystemExit as exc:\n"
        "    rc = exc.code\n"
        "print('ELAPSED', time.perf_counter() - start, 'RC', rc, file=sys.stderr)\n"
        "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    fields = proc.stderr.split()
    elapsed = float(fields[fields.index("ELAPSED") + 1])
    rss_kb = int(fields[fields.index("MAXRSS_KB") + 1])
    n_docs = sum(1 for _ in PFD.open())
    second = subprocess.run(
        [sys.executable, "-c", "from cli import app; app()", "--db", str(store), "ingest",
         "--quiet", str(PFD)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return {
        "documents": n_docs,
        "summary": proc.stdout.strip(),
        "seconds": round(elapsed, 2),
        "docs_per_s": round(n_docs / elapsed, 1),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "second_run": second.stdout.strip(),
        "store": str(store),
    }


def grow_store(source: Path, target: Path, n_docs: int) -> int:
    """Copy a store and replicate its documents (with their extractions) up to `n_docs`,
    shifting publication years so that recurrence has history to find."""
    import sqlite3

    shutil.copy(source, target)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("DROP TRIGGER IF EXISTS documents_ai")
    base = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    copies = max(0, (n_docs - base) // max(base, 1) + 1)
    tables = ["org_mentions", "ratings", "counts", "themes", "repeat_signals", "doc_categories",
              "org_categories"]  # fmt: skip
    columns = {
        t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] != "doc_id"]
        for t in tables
    }
    doc_cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
    for k in range(1, copies + 1):
        select = ", ".join(
            f"id || '-{k}'" if c == "id"
            else f"story_id || '-{k}'" if c == "story_id"
            else f"CASE WHEN published IS NULL THEN NULL ELSE "
                 f"printf('%04d', CAST(substr(published, 1, 4) AS INTEGER) - {k % 12})"
                 f" || substr(published, 5) END" if c == "published"
            else f'"{c}"'
            for c in doc_cols
        )  # fmt: skip
        conn.execute(
            f"INSERT INTO documents ({', '.join(chr(34) + c + chr(34) for c in doc_cols)}) "
            f"SELECT {select} FROM documents WHERE id NOT LIKE '%-%' LIMIT ?",
            [min(base, n_docs - conn.execute("SELECT count(*) FROM documents").fetchone()[0])],
        )
        for t in tables:
            cols = ", ".join(f'"{c}"' for c in columns[t])
            conn.execute(
                f"INSERT INTO {t} (doc_id, {cols}) SELECT doc_id || '-{k}', {cols} FROM {t} "
                f"WHERE doc_id NOT LIKE '%-%' AND doc_id || '-{k}' IN (SELECT id FROM documents)"
            )
        conn.commit()
        if conn.execute("SELECT count(*) FROM documents").fetchone()[0] >= n_docs:
            break
    conn.execute("ANALYZE")
    conn.commit()
    total = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    return int(total)


def bench_queries(store: Path) -> dict[str, Any]:
    """Median latency (ms) of the journalist queries over 15 runs each."""
    from pipeline.store import open_readonly

    db = open_readonly(store)
    queries: dict[str, Any] = {}
    from pipeline.classify.recurrence import recurring

    queries["recurring"] = lambda: recurring(db, limit=50)
    try:
        from pipeline.query.ratings import ratings
        from pipeline.query.themes import themes

        org = db.execute(
            "SELECT org_id FROM ratings WHERE org_id IS NOT NULL GROUP BY org_id "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        queries["themes"] = lambda: themes(db)
        if org:
            queries["ratings(org)"] = lambda: ratings(db, org[0])
    except ImportError as exc:
        queries["skipped"] = str(exc)
    results: dict[str, Any] = {}
    for name, fn in queries.items():
        if not callable(fn):
            results[name] = fn
            continue
        fn()
        times = []
        for _ in range(15):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        results[name] = {"median_ms": round(statistics.median(times), 1),
                         "max_ms": round(max(times), 1)}  # fmt: skip
    return results


def main() -> int:
    if not PFD.is_file():
        print(f"bench: {PFD} not found; nothing to measure", file=sys.stderr)
        return 0
    OUT.mkdir(exist_ok=True)
    report: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    texts = pfd_texts()
    print(f"extraction on {len(texts)} PFD reports ...", flush=True)
    report["extraction"] = bench_extraction(texts)
    print(json.dumps(report["extraction"], indent=2), flush=True)
    if (ROOT / "models" / "categories.skops").is_file():
        report["classifier"] = bench_classifier(texts)
        print(json.dumps(report["classifier"], indent=2), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print("ingest of the PFD file ...", flush=True)
        report["ingest"] = bench_ingest(work)
        print(json.dumps(report["ingest"], indent=2), flush=True)
        big = work / "big.db"
        start = time.perf_counter()
        n = grow_store(work / "pfd.db", big, BIG_STORE_DOCS)
        report["big_store"] = {"documents": n, "build_s": round(time.perf_counter() - start, 1)}
        print(f"query latency on a store of {n} documents ...", flush=True)
        report["queries"] = bench_queries(big)
        print(json.dumps(report["queries"], indent=2), flush=True)
    report["peak_rss_mb_bench"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    (OUT / "latest.json").write_text(json.dumps(report, indent=2))
    print(f"wrote {OUT / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
