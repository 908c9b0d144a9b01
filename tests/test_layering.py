"""The import arrows between the layers point one way (ARCHITECTURE.md, "Layers").

    sources ──► core ◄── analysis ◄── render ◄── shell (cli, pipeline, site, ...)

Every ``import`` in the package, at module level or inside a function, is read
from the source with `ast`, so a lazy import counts like any other. A module
may import its own layer and the layers listed for it, nothing else.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "schema_catalog"
ROOT = "schema_catalog"

CORE = {
    *("model", "snapshot", "config", "errors", "atomic", "pg", "site_settings", "collector"),
    *("__init__", "__version__"),
}
SHELL = {
    *("cli", "pipeline", "demo", "embedded", "site", "progress", "summary", "__main__"),
    *("init", "mkdocs_plugin"),
}
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "sources": {"core"},
    "analysis": {"core"},
    "render": {"analysis", "core"},
    "shell": {"shell", "render", "analysis", "sources", "core"},
}


def layer(module: str) -> str:
    """The layer of ``schema_catalog.<top>...`` by its first component."""
    top = module.split(".")[1] if "." in module else "__init__"
    if top in CORE:
        return "core"
    if top in SHELL:
        return "shell"
    if top in ("sources", "analysis", "render"):
        return top
    raise AssertionError(f"{module}: no layer; add it to tests/test_layering.py")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every import of our own package in ``path``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(text: str, package: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from schema_catalog import render` imports the module `render`.
            targets = [f"{base}.{a.name}" if base == ROOT else base for a in node.names]
            found += [(node.lineno, t) for t in targets]
    return sorted((line, module) for line, module in found if module.split(".")[0] == ROOT)


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    here = layer(module_name(path))
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line} ({here}) imports {module} ({layer(module)})"
        for line, module in imports(path)
        if layer(module) != here and layer(module) not in ALLOWED[here]
    ]
    assert not wrong, "\n".join(wrong)


def test_no_dynamic_import_dodges_the_rule() -> None:
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert "import_module" not in text and "__import__" not in text, path


def test_the_checker_sees_a_wrong_way_arrow() -> None:
    """The parser is not blind: lazy, relative and package-level imports all count."""
    probe = "schema_catalog.analysis"
    assert imports_in("from schema_catalog.render import escape\n", probe) == [
        (1, "schema_catalog.render")
    ]
    lazy = "def f():\n    from schema_catalog import render\n"
    assert imports_in(lazy, probe) == [(2, "schema_catalog.render")]
    assert imports_in("from ..render import escape\n", probe) == [(1, "schema_catalog.render")]
    assert "render" not in ALLOWED[layer("schema_catalog.analysis.diff")]
