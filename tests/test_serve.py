"""`schema-catalog serve` as a live workflow, with no database: the committed example.

The server runs as a user runs it (a subprocess in a scratch copy of the project);
a test edits catalog.yml and polls the page; a busy port is one line and exit 2.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
OLD = "The largest table (73 columns); books with commerce and SEO metadata."
NEW = "Edited while serving, books as the readers see them."
# The figure: an edit shows within 5 s (a 0.25 s poll, the analysis, a render
# of the changed pages, MkDocs' dirty rebuild of those): 3.4-4.5 s measured with a
# core to spare. A machine busy with other jobs (load above its core count: 7-11 s
# measured at a load of 11 on 2 cores) is held to the looser figure, and says so.
EDIT_SHOWS_WITHIN = 5.0
EDIT_SHOWS_WITHIN_LOADED = 20.0


def _edit_budget() -> tuple[float, str]:
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if load <= cores:
        return EDIT_SHOWS_WITHIN, f"load {load:.1f} on {cores} cores"
    return EDIT_SHOWS_WITHIN_LOADED, f"a loaded machine: load {load:.1f} on {cores} cores"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _project(work: Path) -> Path:
    shutil.copytree(
        ROOT / "catalog", work / "catalog", ignore=shutil.ignore_patterns("*.previous.json")
    )
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    return work


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body: bytes = response.read()
            return body.decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, text: str, seconds: float) -> float | None:
    """Seconds until ``url`` holds ``text``; None when it never did within ``seconds``."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        page = _get(url)
        if page is not None and text in page:
            return time.monotonic() - start
        time.sleep(0.1)
    return None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    work = _project(tmp_path)  # the project is tmp_path itself
    port = _free_port()
    log = (tmp_path / "serve.log").open("w", encoding="utf-8")
    # A file, not a pipe: MkDocs logs every rebuild, and a full pipe would stall it.
    process = subprocess.Popen(
        [sys.executable, "-m", "schema_catalog", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=work,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield work, f"http://127.0.0.1:{port}/", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_serve_prints_its_url_and_shows_a_catalog_yml_edit_soon(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    work, url, process = served
    page = url + "tables/public/books/"
    # Pages escape "(" as an entity; the words after it read as written.
    assert _wait_for(page, OLD.split("; ")[1], 90) is not None, "the first build never came up"
    log = (work / "serve.log").read_text(encoding="utf-8")
    assert f"Serving the catalog at {url}" in log
    time.sleep(1.5)  # the watcher's baseline is taken before the edit
    config = work / "catalog" / "catalog.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    budget, why = _edit_budget()
    took = _wait_for(page, NEW, budget)
    assert took is not None, f"the edit did not show within {budget} s ({why})"
    print(f"catalog.yml edit shown after {took:.1f} s (within {budget} s: {why})")
    # The lists that mention the table follow in the next build, unasked.
    assert _wait_for(url + "domains/books/", NEW, 90) is not None, (
        "the domain page kept the old text"
    )
    assert process.poll() is None


def test_serve_on_a_busy_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    work = _project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "schema_catalog", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_the_port_the_last_server_left_is_free_again(tmp_path: Path) -> None:
    """Stop `serve` and start it again: the port's closed connections (TIME_WAIT) don't
    block it, as they don't block MkDocs' own server; a listening socket still does."""
    import http.server
    import threading

    from schema_catalog import site
    from schema_catalog.errors import CatalogError

    (tmp_path / "index.html").write_text("served", encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    assert _get(f"http://127.0.0.1:{port}/") == "served"  # HTTP/1.0: the server closes first
    with pytest.raises(CatalogError, match="cannot serve"):
        site.check_address(f"127.0.0.1:{port}")
    server.shutdown()
    server.server_close()
    thread.join()
    site.check_address(f"127.0.0.1:{port}")  # free again at once
