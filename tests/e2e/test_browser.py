"""The browser view end to end: ingest the sample corpus, serve it, render it in Chromium.

Builds a store from `corpus/` with `trustwatch ingest`, starts `trustwatch serve` on a free
localhost port, and has headless Chromium render the "recurring failures" canned query. The
rendered rows must be exactly the store's recurring rows. Chromium is kept off the network:
no background services, and every host name but localhost fails to resolve.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium")
QUERY_ORDER = "ORDER BY n_documents DESC, n_dates DESC, organisation, category"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not on PATH (make e2e installs it)"),
]


def trustwatch(*args: str) -> list[str]:
    """The `trustwatch` console script of this environment, else `python -m cli`."""
    script = Path(sys.executable).with_name("trustwatch")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cli"]
    return [*command, *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"trustwatch serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"trustwatch serve did not answer {url} within {timeout}s")


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run headless Chromium offline with a fresh profile."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=120, check=True)


def rendered_rows(dom: str) -> list[dict[str, str]]:
    """The result table of a Datasette query page, as {column: cell text} per row."""
    table = BeautifulSoup(dom, "html.parser").select_one("table.rows-and-columns")
    assert table is not None, "no result table in the rendered page"
    rows = []
    for tr in table.select("tbody tr"):
        cells = {}
        for td in tr.find_all("td"):
            column = next(
                c[4:] for c in td.get_attribute_list("class") if c and c.startswith("col-")
            )
            cells[column] = td.get_text(strip=True)
        rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus ingested with the command line."""
    path = tmp_path_factory.mktemp("store") / "trustwatch.db"
    done = subprocess.run(
        trustwatch("--db", str(path), "ingest", "--quiet", str(CORPUS)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def expected(store: Path) -> list[tuple[str, str]]:
    """(organisation, category) of every recurring row, in the canned query's order."""
    with sqlite3.connect(store) as db:
        rows = db.execute(f"SELECT organisation, category FROM recurring {QUERY_ORDER}").fetchall()
    assert rows, "the store has no recurring rows; the sample corpus is designed to have them"
    return [(str(org), str(category)) for org, category in rows]


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[str]:
    """`trustwatch serve` on a free localhost port; yields the database URL; always stopped."""
    port = free_port()
    process = subprocess.Popen(
        trustwatch("--db", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/{store.stem}"
        wait_until_up(url + ".json", process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_recurring_failures_page_shows_the_stores_rows(
    server: str, expected: list[tuple[str, str]], tmp_path: Path
) -> None:
    url = f"{server}/recurring-failures"
    dom = chromium(tmp_path / "profile-dom", "--dump-dom", url).stdout.decode()
    rows = rendered_rows(dom)
    assert [(r["organisation"], r["category"]) for r in rows] == expected
    top_org, top_category = expected[0]
    assert rows[0]["organisation"] == top_org
    assert rows[0]["category"] == top_category

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "recurring.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert shot.stat().st_size > 10_000


def test_category_filter_keeps_only_that_category(
    server: str, expected: list[tuple[str, str]], tmp_path: Path
) -> None:
    category = expected[0][1]
    url = f"{server}/recurring-failures?category={category}"
    rows = rendered_rows(chromium(tmp_path / "profile", "--dump-dom", url).stdout.decode())
    assert [(r["organisation"], r["category"]) for r in rows] == [
        row for row in expected if row[1] == category
    ]
