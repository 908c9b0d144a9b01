"""Every count the site shows comes from one place and agrees from page to page.

The example's committed catalog is rendered; the figures are read back from the
Markdown of Home, Tenancy, Migrations and each domain page, and compared with
each other and with counts taken straight from the catalog.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schema_catalog import config as config_module
from schema_catalog import pipeline
from schema_catalog.model import Catalog
from schema_catalog.render import render_pages

ROOT = Path(__file__).resolve().parents[1]
_TAGS = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def example() -> tuple[Catalog, dict[str, str]]:
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    catalog = pipeline.load(config, ROOT / "catalog" / "catalog.json")
    files = render_pages(catalog, config)
    return catalog, {path: data.decode() for path, data in files.items()}


def _rows(markdown: str, header_start: str) -> list[list[str]]:
    """The body rows of the first Markdown table whose header starts with ``header_start``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header_start}"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [_TAGS.sub("", c).strip() for c in line.strip().strip("|").split(" | ")]
        rows.append(cells)
    return rows


def _label(cell: str) -> str:
    """A link or plain label as text: ``[Books](books/index.md)`` → ``Books``."""
    match = re.match(r"\[(.*?)\]\(", cell)
    return match.group(1) if match else cell


def test_home_first_figures_are_the_inventorys_answers(
    example: tuple[Catalog, dict[str, str]],
) -> None:
    catalog, pages = example
    live = [t for t in catalog.tables if t.kind == "table" and "database" in t.presence]
    home = pages["index.md"]
    figures = dict(
        (label.strip(), int(n)) for n, label in re.findall(r"\[\*\*(\d+)\*\* ([^\]]+)\]", home)
    )
    assert figures["live tables"] == len(live) == 44
    assert figures["columns in live tables"] == sum(len(t.columns) for t in live) == 841
    assert figures["declared in Drizzle"] == 2
    assert figures["proposed by migrations"] == 91
    assert figures["view"] == 1


def test_tenancy_counts_agree_on_home_and_tenancy(
    example: tuple[Catalog, dict[str, str]],
) -> None:
    catalog, pages = example
    home = _rows(pages["index.md"], "Tenancy |")
    tenancy = _rows(pages["tenancy.md"], "Tenancy |")
    assert home == tenancy
    listed = sum(int(row[2]) for row in tenancy)
    assert listed == sum(1 for t in catalog.tables if t.kind == "table")
    # Each group on the Tenancy page lists as many tables as its count says.
    for label, _live, total in tenancy:
        section = pages["tenancy.md"].split(f"\n## {label}\n", 1)
        if int(total) == 0:
            assert len(section) == 1
            continue
        body = section[1].split("\n## ", 1)[0]
        assert sum(1 for line in body.splitlines() if line.startswith("| [")) == int(total)


def test_source_counts_agree_on_home_and_migrations(
    example: tuple[Catalog, dict[str, str]],
) -> None:
    _catalog, pages = example
    home = pages["index.md"]
    migrations = {row[0]: row[1:] for row in _rows(pages["migrations.md"], "| Tables")}
    assert f"[**{migrations['Live tables'][0]}** live tables]" in home
    assert f"[**{migrations['Live tables'][1]}** columns in live tables]" in home
    assert f"[**{migrations['Declared in Drizzle'][0]}** declared in Drizzle]" in home
    assert f"({migrations['Declared in Drizzle only'][0]} only there)" in home
    assert f"[**{migrations['Proposed by migrations'][0]}** proposed by migrations]" in home
    assert f"({migrations['Proposed by migrations'][1]} columns)" in home
    statuses = _rows(pages["migrations.md"], "Status |")
    live = sum(int(n) for label, n in statuses if label.startswith("Live"))
    assert live == int(migrations["Live tables"][0])


def test_domain_counts_agree_on_home_and_domain_pages(
    example: tuple[Catalog, dict[str, str]],
) -> None:
    catalog, pages = example
    home = {_label(row[0]): row[1:] for row in _rows(pages["index.md"], "Domain |")}
    assert set(home) == {d.name for d in catalog.domains}
    for domain in catalog.domains:
        page = next(
            text
            for path, text in pages.items()
            if path.startswith("domains/")
            and text.startswith("---\ntitle: ")
            and f"\n# {domain.name}\n" in text
        )
        (row,) = _rows(page, "Live tables")
        without_views = row[:2] + row[3:]
        assert without_views == home[domain.name], domain.name
        live = [
            t
            for t in catalog.tables
            if t.qualified_name in domain.tables and t.kind == "table" and "database" in t.presence
        ]
        assert row[0] == f"{len(live)} / {sum(len(t.columns) for t in live)}"


def test_tenancy_notes_show_code_not_backticks_and_drift_reads_as_a_sentence(
    example: tuple[Catalog, dict[str, str]],
) -> None:
    _catalog, pages = example
    assert "`" not in pages["tenancy.md"]
    assert "<code>" in pages["tenancy.md"]
    organizations = pages["tables/public/organizations.md"]
    assert "| Kind | Object | What the sources say |" in organizations
    assert "Drizzle says nothing · database says <code>" in organizations
