"""Progress lines: none when piped, every phase with its costs under ``--verbose``."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from schema_catalog.progress import Progress, peak_mb

ROOT = Path(__file__).resolve().parents[1]
VERBOSE_LINE = re.compile(
    r"✓ (?P<title>.+) \((?P<wall>[\d.]+) s, [\d.]+ s CPU, peak (?P<mb>\d+) MB\)"
)


def _piped() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=False, width=200), out


def test_piped_output_shows_no_phase_unless_verbose() -> None:
    console, out = _piped()
    with Progress(console=console).phase("Reading"):
        pass
    assert out.getvalue() == ""
    console, out = _piped()
    with Progress(quiet=True, verbose=True, console=console).phase("Reading"):
        pass
    assert out.getvalue() == ""  # quiet wins


def test_verbose_phase_gives_time_cpu_and_peak_memory_and_title_as_written() -> None:
    console, out = _piped()
    with Progress(verbose=True, console=console).phase("Reading [bold]db[/bold]"):
        sum(range(100_000))
    match = VERBOSE_LINE.fullmatch(out.getvalue().strip())
    assert match, out.getvalue()
    assert match["title"] == "Reading [bold]db[/bold]"  # a path's brackets are not markup
    assert 10 < int(match["mb"]) <= peak_mb() + 1


def test_render_verbose_names_each_phase_when_piped(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "catalog", tmp_path / "catalog", ignore=shutil.ignore_patterns("*.previous.json")
    )
    result = subprocess.run(
        [sys.executable, "-m", "schema_catalog", "render", "-v"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    titles = [m["title"] for m in VERBOSE_LINE.finditer(result.stderr)]
    assert titles == ["Loading and analysing catalog/catalog.json", "Rendering pages"]
