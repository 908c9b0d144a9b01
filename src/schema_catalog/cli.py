"""The `schema-catalog` command line: one verb per pipeline step.

    extract   sources → catalog/catalog.json (the facts; readers analyse on load)
    render    catalog JSON → Markdown pages in docs/
    build     render, then MkDocs → site/
    serve     render, then `mkdocs serve`, re-rendering when the catalog changes
    check     print findings; exit 1 at or above --fail-on
    diff      what changed between two snapshots (Markdown or JSON)
    demo      the whole pipeline on the bundled Movemental example
    init      look at the repository and write catalog/catalog.yml
    mkdocs-config   the default MkDocs configuration as a whole mkdocs.yml (Zensical)
    json-schema   the published JSON Schema of the catalog snapshot

Exit codes: 0 ok, 1 findings at or above the failing level, 2 usage or input error.
Errors are one line on stderr; a failed run leaves previous outputs untouched.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from schema_catalog import __version__, pipeline, snapshot, summary
from schema_catalog import config as config_module
from schema_catalog.config import Config
from schema_catalog.errors import CatalogError, from_os_error
from schema_catalog.model import Catalog, Finding

if TYPE_CHECKING:
    from schema_catalog.analysis.diff import CatalogDiff
from schema_catalog.progress import Progress
from schema_catalog.sources import registry

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except CatalogError as error:
        print(f"schema-catalog: error: {error.line()}", file=sys.stderr)
        return 2
    except OSError as error:  # an output the OS refuses: read-only, full, a file in the way
        print(f"schema-catalog: error: {from_os_error(error).line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("schema-catalog: interrupted; previous outputs left as they were", file=sys.stderr)
        return 130


# --------------------------------------------------------------------------- verbs


def _extract(args: argparse.Namespace) -> int:
    config = _config(args)
    progress = _progress(args)
    options = pipeline.ExtractOptions(
        dsn=args.dsn,
        paths={
            key: getattr(args, key)
            for key in (s.config_key for s in registry.file_sources())
            if key is not None
        },
        schemas=args.schema,
        no_database=args.no_database,
        keep_going=args.keep_going,
        deadline_s=args.deadline,
        statement_timeout_s=args.statement_timeout,
        lock_timeout_s=args.lock_timeout,
    )
    facts = pipeline.extract(config, options, progress)
    out = pipeline.catalog_path(config, args.out)
    with progress.phase(f"Writing {pipeline.shown(out)}"):
        pipeline.save(facts, out)
    for note in (f for f in facts.findings if f.code == "SRC001"):
        progress.note(f"note: {note.target}: {note.message}")
    # What the analysis would refuse in catalog.yml, said now (it runs when the catalog is read).
    pipeline.check_config(facts, config)
    progress.note(summary.summarize(facts, out, analysed=False))
    return 0


def _progress(args: argparse.Namespace) -> Progress:
    return Progress(quiet=args.quiet, verbose=args.verbose)


def _render(args: argparse.Namespace) -> int:
    config = _config(args)
    path = pipeline.catalog_path(config, args.catalog)
    from schema_catalog import render

    progress = _progress(args)
    with progress.phase(f"Loading and analysing {pipeline.shown(path)}"):
        catalog = pipeline.load(config, path)
        changes = pipeline.changelog(catalog, path, config)
    with progress.phase("Rendering pages"):
        result = render.render(catalog, config, _docs_dir(config, args), changelog=changes)
    progress.note(str(result))
    return 0


def _build(args: argparse.Namespace) -> int:
    from schema_catalog import site

    _render(args)
    config = _config(args)
    progress = _progress(args)
    site_dir = _site_dir(config, args)
    with progress.phase("Building the site"):
        site.build(config, _docs_dir(config, args), site_dir, mkdocs_yml=_mkdocs(config, args))
    progress.note(f"Site built in {pipeline.shown(site_dir)}/")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from schema_catalog import site

    site.check_address(args.dev_addr)  # before writing anything
    _render(args)
    config = _config(args)
    _progress(args).note(
        f"Serving the catalog at http://{args.dev_addr}/ (Ctrl-C to stop); edits of the "
        "catalog, catalog.yml and templates re-render the pages"
    )
    site.serve(
        config,
        _docs_dir(config, args),
        catalog_path=pipeline.catalog_path(config, args.catalog),
        mkdocs_yml=_mkdocs(config, args),
        dev_addr=args.dev_addr,
        dirty=not args.full_rebuild,
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    from schema_catalog import analysis
    from schema_catalog.analysis import locations
    from schema_catalog.analysis.report import Format
    from schema_catalog.analysis.report_formats import ReportContext

    config = _config(args)
    catalog = pipeline.load(config, pipeline.catalog_path(config, args.catalog))
    findings = locations.prefixed(_baselined(catalog.findings, args), args.path_prefix)
    fmt: Format = args.format or ("rich" if sys.stdout.isatty() else "plain")
    fallback = locations.prefixed_path(_fallback_file(config, args), args.path_prefix)
    context = ReportContext(fail_on=args.fail_on, fallback_file=fallback)
    print(analysis.format_findings(findings, fmt, context), end="")
    return 0 if args.write_baseline else analysis.check_exit_code(findings, args.fail_on)


def _baselined(findings: tuple[Finding, ...], args: argparse.Namespace) -> Sequence[Finding]:
    """``--write-baseline`` records the findings; ``--baseline`` keeps only the new ones."""
    from schema_catalog.analysis import baseline

    known = baseline.load(Path(args.baseline)) if args.baseline else None  # before any write
    if args.write_baseline:
        baseline.write(Path(args.write_baseline), findings)
        print(
            f"Baseline of {len(findings)} findings written to {args.write_baseline}",
            file=sys.stderr,
        )
    if known is None:
        return findings
    fresh = baseline.new_findings(findings, known)
    hidden = len(findings) - len(fresh)
    print(f"{hidden} findings in the baseline {args.baseline} not shown", file=sys.stderr)
    return fresh


def _diff(args: argparse.Namespace) -> int:
    config = _config(args)
    old = pipeline.load(config, Path(args.old))
    new = pipeline.load(config, Path(args.new))
    from schema_catalog.analysis import diff
    from schema_catalog.render.changes import diff_markdown

    result = diff.diff(old, new)
    templates = config.resolve(config.site.templates) if config.site.templates else None
    if args.format == "pr-comment":
        text = _pr_comment(args, result, old, new, templates)
    else:
        text = (
            result.model_dump_json(indent=2) + "\n"
            if args.format == "json"
            else diff_markdown(result, templates)
        )
    if args.out:
        from schema_catalog import atomic

        atomic.write_text(Path(args.out), text)
    else:
        print(text, end="")
    return 0


def _pr_comment(
    args: argparse.Namespace,
    result: CatalogDiff,
    old: Catalog,
    new: Catalog,
    templates: Path | None,
) -> str:
    from schema_catalog.render.pr_comment import pr_comment

    if args.site_url and not args.site_url.lower().startswith(("http://", "https://")):
        raise CatalogError(
            f"--site-url {args.site_url!r} is not a web address",
            fix="give the published site's http(s) URL, e.g. https://acme.github.io/app/",
        )
    return pr_comment(result, old, new, site_url=args.site_url, templates=templates)


def _demo(args: argparse.Namespace) -> int:
    from schema_catalog import demo

    return demo.run(
        project=Path(args.dir),
        build_site=not args.no_site,
        serve=args.serve,
        quiet=args.quiet,
        verbose=args.verbose,
    )


def _mkdocs_config(args: argparse.Namespace) -> int:
    from schema_catalog import atomic, site

    config = _config(args)
    out = Path(args.out)
    text = site.standalone_mkdocs_yml(
        config, _docs_dir(config, args), _site_dir(config, args), out.parent
    )
    atomic.write_text(out, text)
    print(f"Wrote {out}: build it with `zensical build` or `mkdocs build`", file=sys.stderr)
    return 0


def _init(args: argparse.Namespace) -> int:
    from schema_catalog import init

    _, _, report = init.run(Path(args.dir), force=args.force)
    print(report, end="")
    return 0


def _json_schema(args: argparse.Namespace) -> int:
    print(snapshot.json_schema(), end="")
    return 0


# --------------------------------------------------------------------------- helpers


def _config(args: argparse.Namespace) -> Config:
    return config_module.load(Path(args.config) if args.config else None)


def _fallback_file(config: Config, args: argparse.Namespace) -> str:
    """What CI reports point at for findings that no file declares: catalog.yml, else the catalog."""
    path = config.path or pipeline.catalog_path(config, args.catalog)
    absolute, root = path.resolve(), config.project_root.resolve()
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else path.name


def _docs_dir(config: Config, args: argparse.Namespace) -> Path:
    return Path(args.docs) if getattr(args, "docs", None) else pipeline.shown(config.docs_path)


def _site_dir(config: Config, args: argparse.Namespace) -> Path:
    return Path(args.site) if args.site else pipeline.shown(config.site_path)


def _mkdocs(config: Config, args: argparse.Namespace) -> Path | None:
    """--mkdocs, else the project root's mkdocs.yml, else None (schema-catalog's default)."""
    from schema_catalog import site

    return Path(args.mkdocs) if args.mkdocs else site.project_mkdocs_yml(config)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on one line like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"schema-catalog: error: {message} (see `{self.prog} --help`)\n")


def _seconds(text: str) -> float:
    """A timeout in seconds: a finite number, 0 (no timeout) or at least 1 ms."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"not a finite, positive number of seconds: {text!r}")
    if 0 < value < 0.001:
        raise argparse.ArgumentTypeError(
            f"{text} s is below 1 ms, which PostgreSQL would read as no timeout; give 0.001 or more"
        )
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="schema-catalog",
        description="A searchable documentation site from a Supabase/PostgreSQL + Drizzle schema.",
    )
    parser.add_argument("--version", action="version", version=f"schema-catalog {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")

    def verb(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        sub.add_argument(
            "--config", metavar="FILE", help="catalog.yml (default catalog/catalog.yml)"
        )
        sub.add_argument("-q", "--quiet", action="store_true", help="no progress output")
        sub.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            help="every phase with its time, CPU time and peak memory, also when not on a terminal",
        )
        return sub

    extract = verb("extract", _extract, "Read the sources and write the catalog JSON.")
    extract.add_argument("--dsn", metavar="URL", help="PostgreSQL URL (default: $DATABASE_URL)")
    for source in registry.file_sources():  # --drizzle, --migrations, --supabase-schemas...
        extract.add_argument(
            f"--{source.option}", metavar="PATH", action="append", default=[], help=source.help
        )
    extract.add_argument(
        "--schema",
        metavar="NAME",
        action="append",
        default=[],
        help="schema to document, or a glob such as tenant_* (repeatable; default public)",
    )
    extract.add_argument("--no-database", action="store_true", help="read no database")
    extract.add_argument(
        "--keep-going",
        action="store_true",
        help="a .ts or .sql file that does not parse becomes an error finding, not a stop",
    )
    extract.add_argument(
        "--statement-timeout",
        type=_seconds,
        default=30.0,
        metavar="SECONDS",
        help="cancel a catalog query running longer (default 30)",
    )
    extract.add_argument(
        "--lock-timeout",
        type=_seconds,
        default=5.0,
        metavar="SECONDS",
        help="give up waiting for a lock held by a migration (default 5)",
    )
    extract.add_argument(
        "--deadline",
        type=_seconds,
        default=300.0,
        metavar="SECONDS",
        help="end the database read by then even if the server stops answering (default 300)",
    )
    extract.add_argument("--out", metavar="FILE", help="default catalog/catalog.json")

    for name, handler, text in (
        ("render", _render, "Render the catalog JSON to Markdown pages."),
        ("build", _build, "Render, then build the site with MkDocs."),
        ("serve", _serve, "Render, then serve the site and re-render on changes."),
    ):
        sub = verb(name, handler, text)
        sub.add_argument("--catalog", metavar="FILE", help="default catalog/catalog.json")
        sub.add_argument("--docs", metavar="DIR", help="default docs/ in the project root")
        sub.add_argument("--site", metavar="DIR", help="default site/ in the project root")
        sub.add_argument(
            "--mkdocs",
            metavar="FILE",
            help="your mkdocs.yml (default: the project root's, else schema-catalog's own)",
        )
        if name == "serve":
            sub.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")
            sub.add_argument(
                "--full-rebuild",
                action="store_true",
                help="rebuild every page on each change (default: only the pages that changed)",
            )

    check = verb("check", _check, "Print findings; exit 1 at or above --fail-on.")
    check.add_argument("--catalog", metavar="FILE", help="default catalog/catalog.json")
    check.add_argument(
        "--format", choices=("rich", "plain", "json", "github", "sarif", "junit", "gitlab")
    )
    check.add_argument("--fail-on", choices=("error", "warning", "info"), default="error")
    check.add_argument(
        "--baseline", metavar="FILE", help="report and fail only on findings not in FILE"
    )
    check.add_argument(
        "--write-baseline", metavar="FILE", help="record today's findings in FILE (exit 0)"
    )
    check.add_argument(
        "--path-prefix",
        metavar="DIR",
        help="the project root's folder in the repository, put before file paths in reports",
    )

    diff = verb("diff", _diff, "What changed between two catalog snapshots.")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--format", choices=("markdown", "json", "pr-comment"), default="markdown")
    diff.add_argument("--site-url", metavar="URL", help="published site, for links in a pr-comment")
    diff.add_argument("--out", metavar="FILE")

    demo = verb(
        "demo", _demo, "The whole pipeline on the bundled example, on an embedded PostgreSQL."
    )
    demo.add_argument(
        "--dir",
        metavar="DIR",
        default="schema-catalog-demo",
        help="where the example project is written and built (default ./schema-catalog-demo; "
        "a folder already holding catalog/catalog.yml is used as it is)",
    )
    demo.add_argument("--no-site", action="store_true", help="stop after extract and render")
    demo.add_argument("--serve", action="store_true", help="then serve the site")

    mkdocs_config = verb(
        "mkdocs-config",
        _mkdocs_config,
        "Write schema-catalog's default MkDocs configuration as a whole mkdocs.yml "
        "(for Zensical, or a bare mkdocs build), after `render`.",
    )
    mkdocs_config.add_argument("--out", metavar="FILE", default="mkdocs.yml")
    mkdocs_config.add_argument("--docs", metavar="DIR", help="default docs/ in the project root")
    mkdocs_config.add_argument("--site", metavar="DIR", help="default site/ in the project root")

    init = verb("init", _init, "Look at this repository and write catalog/catalog.yml.")
    init.add_argument("--dir", metavar="DIR", default=".", help="the repository (default .)")
    init.add_argument("--force", action="store_true", help="replace an existing catalog.yml")

    verb("json-schema", _json_schema, "Print the JSON Schema of the catalog snapshot.")
    return parser
