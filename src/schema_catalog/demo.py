"""`schema-catalog demo`: the whole pipeline on the bundled Movemental example.

The example project (its live schema, Drizzle schema, migration, catalog.yml and
mkdocs.yml) ships in the package. The demo writes it into a folder
(``./schema-catalog-demo/`` by default; a folder that already holds
``catalog/catalog.yml``, like the schema-catalog checkout, is used as it is),
starts an embedded PostgreSQL, makes it look like a Supabase project, loads the
example's live schema, then runs the real extract (database + Drizzle +
migration SQL, as named in catalog/catalog.yml), render and MkDocs build there.
Needs no setup beyond the package itself.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from schema_catalog import config as config_module
from schema_catalog import embedded, pipeline, summary
from schema_catalog.errors import SourceError
from schema_catalog.progress import Progress

EXAMPLE = Path("examples") / "movemental"
DATABASE = "movemental"
DEFAULT_DIR = Path("schema-catalog-demo")
PROJECT_FILES = (EXAMPLE, config_module.DEFAULT_PATH, Path("mkdocs.yml"))
"""The example project, as laid out in the checkout and in the package."""


def run(
    *,
    project: Path = DEFAULT_DIR,
    build_site: bool = True,
    serve: bool = False,
    quiet: bool = False,
    verbose: bool = False,
) -> int:
    progress = Progress(quiet=quiet, verbose=verbose)
    config_path = project / config_module.DEFAULT_PATH
    if not config_path.exists():
        with progress.phase(f"Writing the example project into {project}/"):
            write_example(project)
    config = config_module.load(config_path)
    schema_sql = project / EXAMPLE / "schema.sql"
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
        # A database loaded a moment ago has no usage to speak of: keep no statistics
        # (every index would be "unused"), as a migrations-only catalog keeps none.
        facts = pipeline.extract(config, options, progress).model_copy(update={"usage": None})
    out = pipeline.catalog_path(config)
    facts = pipeline.save(facts, out)
    catalog = pipeline.analyse(facts, config)
    progress.note(summary.summarize(catalog, out, analysed=True))
    from schema_catalog import render

    docs = pipeline.shown(config.docs_path)
    with progress.phase("Rendering pages"):
        render.render(catalog, config, docs, changelog=pipeline.changelog(catalog, out, config))
    if not build_site:
        return 0
    from schema_catalog import site

    site_dir = pipeline.shown(config.site_path)
    with progress.phase("Building the site"):
        site.build(config, docs, site_dir, mkdocs_yml=site.project_mkdocs_yml(config))
    progress.note(f"Site built in {site_dir}/ — open {site_dir}/index.html")
    if serve:
        progress.note("Serving on http://127.0.0.1:8000 (Ctrl-C stops)")
        site.serve(config, docs, catalog_path=out, mkdocs_yml=site.project_mkdocs_yml(config))
    else:
        where = "" if project.resolve() == Path.cwd().resolve() else f"cd {project} && "
        progress.note(f"Serve it: {where}schema-catalog serve, then visit http://127.0.0.1:8000")
    return 0


def example_source() -> Path:
    """The folder holding the example project: the package's copy, else the checkout."""
    packaged = Path(__file__).resolve().parent / "example"
    checkout = Path(__file__).resolve().parents[2]
    for candidate in (packaged, checkout):
        if all((candidate / path).exists() for path in PROJECT_FILES):
            return candidate
    raise SourceError(
        "the bundled example is missing from this installation",
        where=str(packaged),
        fix="reinstall schema-catalog (the wheel carries the example)",
    )


def write_example(project: Path) -> None:
    """Copy the example project into ``project``; never over a file already there."""
    source = example_source()
    clashes = [p for p in PROJECT_FILES if (project / p).exists()]
    if clashes:
        raise SourceError(
            f"{project / clashes[0]} already exists",
            where=str(project),
            fix="pass --dir with an empty or new folder",
        )
    for path in PROJECT_FILES:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if (source / path).is_dir():
            shutil.copytree(source / path, target)
        else:
            shutil.copy2(source / path, target)
