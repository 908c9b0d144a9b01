"""The snapshot holds facts; every reader analyses them with the catalog.yml of the moment.

No database here: a snapshot written by `snapshot.save` stands in for `extract`,
and the real CLI reads it, as CI and reviewers do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from analysis_catalogs import catalog
from schema_catalog import pipeline, snapshot
from schema_catalog.analysis import analyze
from schema_catalog.cli import main
from schema_catalog.config import Config
from schema_catalog.model import DERIVED_CATALOG_FIELDS, DERIVED_TABLE_FIELDS, Catalog, Finding

TABLES = [
    {"name": "orgs", "columns": {"id": "uuid pk"}},
    {"name": "books", "columns": {"id": "uuid pk", "organization_id": "uuid not null"},
     "fks": ["organization_id -> orgs(id)"], "indexes": ["organization_id"]},
    {"name": "notes", "columns": {"id": "uuid pk", "book_id": "uuid not null",
                                  "workspace_id": "uuid not null"},
     "fks": ["book_id -> books(id)"]},
]  # fmt: skip
SOURCE_FINDING = Finding(code="DRZ001", severity="warning", target="db/schema.ts:3", message="x")
FIRST = """\
domains:
  Library: {tables: [books, notes]}
tenancy: {root: orgs, key: organization_id}
tables:
  books: {description: Printed matter., owner: team-a}
"""
SECOND = """\
domains:
  Reading: {tables: [books]}
tenancy: {root: orgs, key: workspace_id}
tables:
  books: {description: Everything we publish., owner: team-b}
"""


def facts() -> Catalog:
    return catalog({"tables": TABLES}).model_copy(update={"findings": (SOURCE_FINDING,)})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yml").write_text(FIRST, encoding="utf-8")
    snapshot.save(facts(), tmp_path / "catalog" / "catalog.json")
    return tmp_path


def _render(project: Path) -> dict[str, str]:
    config = project / "catalog" / "catalog.yml"
    assert main(["render", "-q", "--config", str(config), "--docs", str(project / "docs")]) == 0
    return {
        name: (project / "docs" / name).read_text(encoding="utf-8")
        for name in ("tables/public/books.md", "tables/public/notes.md", "tenancy.md")
    }


def test_a_catalog_yml_edit_shows_in_render_without_a_database(project: Path) -> None:
    before = _render(project)
    assert "Library" in before["tables/public/books.md"]
    assert "Printed matter." in before["tables/public/books.md"]
    assert "sc-badge--tenancy-inherited" in before["tables/public/notes.md"]
    (project / "catalog" / "catalog.yml").write_text(SECOND, encoding="utf-8")
    after = _render(project)
    books, notes = after["tables/public/books.md"], after["tables/public/notes.md"]
    assert "Reading" in books and "Library" not in books
    assert "Everything we publish." in books and "Printed matter." not in books
    assert "sc-badge--tenancy-direct" in notes  # the new tenant key is on notes itself


def test_the_snapshot_holds_no_judgment(project: Path) -> None:
    data = json.loads((project / "catalog" / "catalog.json").read_text(encoding="utf-8"))
    assert data["format_version"] == 2
    assert not set(DERIVED_CATALOG_FIELDS) & data.keys()
    for table in data["tables"]:
        assert not set(DERIVED_TABLE_FIELDS) & table.keys(), table["name"]
    assert data["findings"] == [SOURCE_FINDING.model_dump(mode="json")]


def _format_1(config_text: str, where: Path) -> Path:
    """What format 1 saved: the catalog analysed with the config of its day."""
    config = Config.model_validate(yaml.safe_load(config_text))
    data = json.loads(analyze(facts(), config).model_dump_json(by_alias=True))
    data["format_version"] = 1
    where.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return where


def test_a_format_1_snapshot_is_read_as_its_facts(tmp_path: Path) -> None:
    old = snapshot.load(_format_1(FIRST, tmp_path / "old.json"))
    assert old.format_version == 2
    assert old.findings == (SOURCE_FINDING,)  # lint findings of its day are dropped
    assert old == facts().model_copy(update={"format_version": 2})


def test_snapshots_that_differ_only_by_catalog_yml_have_an_empty_changelog(
    project: Path,
) -> None:
    # The previous snapshot was written, analysed, under FIRST; the config is now SECOND.
    old = _format_1(FIRST, project / "catalog" / "catalog.previous.json")
    (project / "catalog" / "catalog.yml").write_text(SECOND, encoding="utf-8")
    new = project / "catalog" / "catalog.json"
    out = project / "diff.json"
    config = str(project / "catalog" / "catalog.yml")
    args = ["diff", str(old), str(new), "--config", config, "--format", "json", "--out", str(out)]
    assert main(args) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["tables"] == [] and result["security"] == []
    _render(project)  # the changelog page diffs against catalog.previous.json
    changelog = (project / "docs" / "changelog.md").read_text(encoding="utf-8")
    assert "No changes" in changelog and "tenancy" not in changelog.lower()


def test_the_site_publishes_the_analysed_catalog_with_its_schema(project: Path) -> None:
    _render(project)
    docs = project / "docs"
    published = json.loads((docs / "catalog.analysed.json").read_text(encoding="utf-8"))
    config = Config.model_validate(yaml.safe_load(FIRST))
    expected = pipeline.load(config, project / "catalog" / "catalog.json")
    assert Catalog.model_validate(published) == expected
    analysed_schema = json.loads((docs / "catalog.analysed.schema.json").read_text("utf-8"))
    facts_schema = json.loads((docs / "catalog.schema.json").read_text("utf-8"))
    table_fields = set(analysed_schema["$defs"]["Table"]["properties"])
    assert set(DERIVED_TABLE_FIELDS) <= table_fields
    assert not set(DERIVED_TABLE_FIELDS) & set(facts_schema["$defs"]["Table"]["properties"])
    assert "Tenancy" not in facts_schema["$defs"] and "Stats" not in facts_schema["$defs"]


def test_load_analyses_with_the_config_given(project: Path) -> None:
    path = project / "catalog" / "catalog.json"
    first = pipeline.load(Config.model_validate(yaml.safe_load(FIRST)), path)
    second = pipeline.load(Config.model_validate(yaml.safe_load(SECOND)), path)
    assert first.table("public.books").domains == ("Library",)  # type: ignore[union-attr]
    assert second.table("public.books").domains == ("Reading",)  # type: ignore[union-attr]
