"""`schema-catalog demo`: the whole pipeline on the bundled Movemental example.

Starts an embedded PostgreSQL, makes it look like a Supabase project, loads the
example's live schema, then runs the real extract (database + Drizzle +
migration SQL, as named in catalog/catalog.yml), render and MkDocs build. Needs
no setup beyond the package itself.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from schema_catalog import config as config_module
from schema_catalog import embedded, pipeline, summary
from schema_catalog.errors import SourceError
from schema_catalog.progress import Progress

EXAMPLE = Path("examples") / "movemental"
DATABASE = "movemental"


def run(
    *,
    config_path: Path | None,
    site_dir: Path,
    mkdocs_yml: Path,
    build_site: bool = True,
    quiet: bool = False,
) -> int:
    root = _repo_root()
    config = config_module.load(config_path or root / config_module.DEFAULT_PATH)
    schema_sql = root / EXAMPLE / "schema.sql"
    progress = Progress(quiet=quiet)
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="schema-catalog-")))
        with progress.phase("Starting an embedded PostgreSQL"):
            admin = stack.enter_context(embedded.server(scratch / "pg"))
        with progress.phase(f"Loading {EXAMPLE / 'schema.sql'}"):
            sql = embedded.supabase_stub_sql() + "\n" + schema_sql.read_text(encoding="utf-8")
            dsn = embedded.create_database(admin, DATABASE, sql)
        options = pipeline.ExtractOptions(
            dsn=dsn, database_label=f"embedded PostgreSQL (demo of {EXAMPLE / 'schema.sql'})"
        )
        facts = pipeline.extract(config, options, progress)
    out = pipeline.catalog_path(config)
    facts = pipeline.save(facts, out)
    catalog = pipeline.analyse(facts, config)
    progress.note(summary.summarize(catalog, out))
    from schema_catalog import render

    docs = config.resolve(config.docs_dir)
    with progress.phase("Rendering pages"):
        render.render(catalog, config, docs, changelog=pipeline.changelog(catalog, out, config))
    if build_site:
        from schema_catalog import site

        with progress.phase("Building the site"):
            site.build(config, docs, site_dir, mkdocs_yml=mkdocs_yml)
        progress.note(
            f"Site built in {site_dir}/ — open {site_dir}/index.html, "
            "or run `schema-catalog serve` (or `mkdocs serve`) and visit http://127.0.0.1:8000"
        )
    return 0


def _repo_root() -> Path:
    """The checkout holding the example: the working directory, else the source tree."""
    for candidate in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (candidate / EXAMPLE / "schema.sql").exists():
            return candidate
    raise SourceError(
        "the bundled example is not here",
        where=str(EXAMPLE),
        fix="run `schema-catalog demo` from the schema-catalog checkout",
    )
