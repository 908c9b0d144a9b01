"""Modules, imports and scopes: which value a name stands for, across files.

Owns indexing a parsed file's top-level declarations, imports and exports
(``export const``, ``export { a as b }``, ``export * from``, ``export default``),
following relative imports and tsconfig ``paths`` aliases to other files, and
memoising each top-level binding so that an entity (a table) keeps one identity
however many files import it. Names imported from packages become `Extern`
values; the evaluator decides what they mean.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from schema_catalog.sources.drizzle.parse import (
    SourceFile,
    Span,
    first_error,
    is_file,
    named,
    parse_bytes,
    parse_file,
    text,
)
from schema_catalog.sources.drizzle.values import Extern, ModuleNamespace, Unresolved, Value

if TYPE_CHECKING:
    from schema_catalog.sources.drizzle.evaluate import Evaluator

_IN_PROGRESS = object()
_END = object()
_UNKNOWN = object()
_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
_DECLARATIONS = {"lexical_declaration", "variable_declaration"}


class Restart(Exception):
    """A module read as it is indexed (`Module` with ``lazy``) found what only the
    whole index tells (a syntax error, a name bound twice) after evaluating: the read
    starts again without ``lazy``, as it always ran."""


@dataclass(frozen=True)
class Import:
    """A name bound to another module's export: ``(spec, name)``; name ``*`` is a namespace."""

    spec: str
    name: str


@dataclass
class Scope:
    """Local names (function parameters) over a module's top-level names."""

    module: Module
    names: dict[str, Value] = field(default_factory=dict)
    parent: Scope | None = None
    statement: Span | None = None
    """The top-level statement being evaluated (a function in it is parsed again from it)."""

    def enclosing_statement(self) -> Span | None:
        scope: Scope | None = self
        while scope is not None:
            if scope.statement is not None:
                return scope.statement
            scope = scope.parent
        return None

    def lookup(self, name: str, node: Node) -> Value:
        """The value ``name`` (read at ``node``) stands for here."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        known = self.module.known(name)
        # file:line is only needed the first time a name is evaluated (or found missing)
        return (
            known
            if known is not _UNKNOWN
            else self.module.value(name, self.module.source.where(node))
        )


class Module:
    """One TypeScript file: its top-level bindings, imports and exports.

    The index keeps where each declaration's value is (`Span`), not its syntax tree:
    the value's statement is parsed again when the value is first needed, and that
    tree is dropped once evaluated (see `SourceFile`).

    ``lazy``: the file is indexed as `exported_values` goes, a top-level statement at
    a time, so that each export is evaluated while its chunk's tree is still at hand
    (no second parse, see `SourceFile.node`); a name not indexed yet is looked for
    further on first. What would make that differ from indexing first (a syntax
    error, a name bound twice, once evaluation began) raises `Restart`."""

    def __init__(self, project: Project, source: SourceFile, *, lazy: bool = False) -> None:
        self.project = project
        self.source = source
        self._values: dict[str, object] = {}
        self._clear()
        self._statement: Span | None = None
        self._lazy = lazy
        self._evaluating = False
        """Whether (lazy) evaluation began: from then on the index may not change."""
        self._stream: Iterator[Node | None] | None = source.statements()
        if not lazy:
            self._index_rest()

    def _index_rest(self) -> None:
        while self._index_next():
            pass

    def _index_next(self) -> bool:
        """Index the next top-level statement; False once the file is indexed."""
        if self._stream is None:
            return False
        statement = next(self._stream, _END)
        if statement is _END:
            self._stream = self._statement = None
            return False
        if statement is None:  # the file is read whole after all: index it again
            self._changed()
            self._clear()
        elif isinstance(statement, Node):
            if statement.type == "ERROR" and statement.parent is None:
                # tree-sitter gave up on the whole file (deep unclosed brackets): the root
                # is one ERROR node holding loose tokens. Point at the first loose token.
                self._changed()
                loose = [c for c in statement.children if not c.type.endswith("statement")]
                self.broken.append(self.source.where(loose[0] if loose else statement))
            elif statement.type != "comment":
                error = first_error(statement)
                if error is not None:
                    self._changed()
                    self.broken.append(self.source.where(error))
                    return True
                self._statement = Span.of(statement)
                self._index(statement)
        return True

    def _changed(self) -> None:
        """The index changes what was already read: start again, indexing first."""
        if self._evaluating:
            raise Restart(self.source.display)

    def _bind(self, table: dict[str, Any], name: str, binding: Any) -> None:
        """``table[name] = binding``; once evaluation began, only for a new name."""
        if self._evaluating and (
            name in table
            or (table is not self.exports and (name in self.declarations or name in self.imports))
        ):
            raise Restart(self.source.display)
        if table is self.exports and name not in table:
            self._export_order.append(name)
        table[name] = binding

    def _clear(self) -> None:
        self.declarations: dict[str, tuple[Span, Span]] = {}
        """Top-level name → (its value, the statement holding it)."""
        self.imports: dict[str, Import] = {}
        self.exports: dict[str, str | Import] = {}
        self._export_order: list[str] = []
        """The keys of ``exports`` in order (read as they come while lazy)."""
        self.star_exports: list[str] = []
        self.broken: list[str] = []
        """``file:line`` of each statement skipped for a syntax error."""

    # ----------------------------------------------------------------- indexing

    def _index(self, node: Node) -> None:
        if node.type == "import_statement":
            self._index_import(node)
        elif node.type == "export_statement":
            self._index_export(node)
        else:
            self._index_declaration(node)

    def _index_declaration(self, node: Node) -> list[str]:
        """Record a declaration; return the names it binds."""
        if node.type in _DECLARATIONS:
            bound = []
            for declarator in named(node):
                name, value = (
                    declarator.child_by_field_name("name"),
                    declarator.child_by_field_name("value"),
                )
                if name is not None and name.type == "identifier" and value is not None:
                    self._declare(text(name), value)
                    bound.append(text(name))
            return bound
        if node.type in {"function_declaration", "enum_declaration"}:
            name = node.child_by_field_name("name")
            if name is not None:
                self._declare(text(name), node)
                return [text(name)]
        return []

    def _declare(self, name: str, value: Node) -> None:
        assert self._statement is not None  # only called while indexing a statement
        self._bind(self.declarations, name, (Span.of(value), self._statement))

    def _index_import(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        clause = next((c for c in named(node) if c.type == "import_clause"), None)
        if source is None or clause is None:
            return
        spec = _string(source)
        for part in named(clause):
            if part.type == "identifier":
                self._bind(self.imports, text(part), Import(spec, "default"))
            elif part.type == "namespace_import":
                self._bind(self.imports, text(named(part)[-1]), Import(spec, "*"))
            elif part.type == "named_imports":
                for item in (c for c in named(part) if c.type == "import_specifier"):
                    original, alias = (
                        item.child_by_field_name("name"),
                        item.child_by_field_name("alias"),
                    )
                    if original is not None:
                        self._bind(
                            self.imports, text(alias or original), Import(spec, _name(original))
                        )

    def _index_export(self, node: Node) -> None:
        declaration = node.child_by_field_name("declaration")
        source = node.child_by_field_name("source")
        value = node.child_by_field_name("value")
        if declaration is not None:
            for name in self._index_declaration(declaration):
                self._bind(self.exports, name, name)
            return
        if value is not None:  # export default <expr>
            self._declare("default", value)
            self._bind(self.exports, "default", "default")
            return
        spec = _string(source) if source is not None else None
        clause = next((c for c in named(node) if c.type == "export_clause"), None)
        namespace = next((c for c in named(node) if c.type == "namespace_export"), None)
        if clause is not None:
            self._index_export_clause(clause, spec)
        elif namespace is not None and spec is not None:
            self._bind(self.exports, _name(named(namespace)[-1]), Import(spec, "*"))
        elif spec is not None:
            self.star_exports.append(spec)

    def _index_export_clause(self, clause: Node, spec: str | None) -> None:
        for item in (c for c in named(clause) if c.type == "export_specifier"):
            original, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
            if original is None:
                continue
            exported = _name(alias or original)
            self._bind(
                self.exports, exported, Import(spec, _name(original)) if spec else _name(original)
            )

    # ----------------------------------------------------------------- values

    def known(self, name: str) -> Value:
        """The value of top-level ``name`` if already evaluated, else `_UNKNOWN`."""
        cached = self._values.get(name, _UNKNOWN)
        return _UNKNOWN if cached is _IN_PROGRESS else cached

    def value(self, name: str, where: str) -> Value:
        """The value of top-level ``name`` (declared or imported), evaluated once."""
        cached = self._values.get(name)
        if cached is _IN_PROGRESS:
            return Unresolved(f"'{name}' refers to itself while being defined", where)
        if name in self._values:
            return cached
        self._values[name] = _IN_PROGRESS
        result = self._compute(name, where)
        self._values[name] = result
        return result

    def _compute(self, name: str, where: str) -> Value:
        while name not in self.declarations and name not in self.imports and self._index_next():
            pass  # lazy: a name declared further on
        if name in self.declarations:
            value, statement = self.declarations[name]
            node = self.source.node(value, statement)
            return self.project.evaluator.declaration(node, Scope(self, statement=statement))
        if name in self.imports:
            return self.project.imported(self, self.imports[name], where)
        if name == "undefined":
            return None
        return Unresolved(f"'{name}' is not defined in this file", where)

    def export(self, name: str, where: str, seen: frozenset[Path] = frozenset()) -> Value:
        """The value exported as ``name`` (following ``export *``), or `Unresolved`."""
        if self.source.path in seen:
            return Unresolved(f"'{name}' is not exported", where)
        binding = self.exports.get(name)
        if binding is None and self._stream is not None:
            self._index_rest()
            binding = self.exports.get(name)
        if isinstance(binding, str):
            return self.value(binding, where)
        if isinstance(binding, Import):
            return self.project.imported(self, binding, where)
        for spec in self.star_exports:
            target = self.project.module_for(self, spec)
            if isinstance(target, Module) and name in target.export_names():
                return target.export(name, where, seen | {self.source.path})
        return Unresolved(f"'{name}' is not exported by {self.source.display}", where)

    def export_names(self, seen: frozenset[Path] = frozenset()) -> list[str]:
        """Every name this module exports, re-exports included (``default`` is not re-exported)."""
        if self.source.path in seen:
            return []
        self._index_rest()
        names = dict.fromkeys(self.exports)
        for spec in self.star_exports:
            target = self.project.module_for(self, spec)
            if isinstance(target, Module):
                for name in target.export_names(seen | {self.source.path}):
                    if name != "default":
                        names.setdefault(name)
        return list(names)

    def exported_values(self) -> Iterator[tuple[str, Value]]:
        done = 0
        if self._lazy:
            order = self._export_order
            while True:
                while done < len(order):
                    self._evaluating = True
                    name = order[done]
                    done += 1
                    yield name, self.export(name, self.source.display)
                if not self._index_next():
                    break
        for name in self.export_names()[done:]:
            yield name, self.export(name, self.source.display)


class Project:
    """Every module read so far, the import resolver and the evaluator they share."""

    def __init__(self) -> None:
        from schema_catalog.sources.drizzle.evaluate import Evaluator

        self.modules: dict[Path, Module] = {}
        self.evaluator: Evaluator = Evaluator(self)
        self.missing_imports: dict[str, str] = {}
        """Relative imports that point at no file: spec → where."""
        self._tsconfigs: dict[Path, TsConfig | None] = {}

    def module(self, path: Path, *, lazy: bool = False) -> Module:
        """The module of ``path``, read once (``lazy``: see `Module`)."""
        path = path.resolve()
        if path not in self.modules:
            self.modules[path] = Module(self, parse_file(path), lazy=lazy)
        return self.modules[path]

    def imported(self, importer: Module, binding: Import, where: str) -> Value:
        target = self.module_for(importer, binding.spec)
        if isinstance(target, str):
            return Extern(target, "" if binding.name == "*" else binding.name)
        if target is None:
            self.missing_imports.setdefault(binding.spec, where)
            return Unresolved(f"cannot find the file imported as '{binding.spec}'", where)
        if binding.name == "*":
            return ModuleNamespace(target)
        return target.export(binding.name, where)

    def module_for(self, importer: Module, spec: str) -> Module | str | None:
        """The module ``spec`` names from ``importer``; a package name (str) for packages;
        ``None`` when a relative or aliased import points at no file."""
        base = importer.source.path.parent
        if spec.startswith((".", "/")):
            found = _find_file(base / spec)
            return self.module(found) if found else None
        config = self.tsconfig(base)
        if config is not None:
            for candidate in config.candidates(spec):
                found = _find_file(candidate)
                if found:
                    return self.module(found)
            if config.matches_alias(spec):
                return None
        return spec

    def tsconfig(self, directory: Path) -> TsConfig | None:
        """The nearest tsconfig.json at or above ``directory``."""
        if directory not in self._tsconfigs:
            candidate = directory / "tsconfig.json"
            if is_file(candidate):
                self._tsconfigs[directory] = TsConfig.load(candidate)
            elif directory.parent == directory:
                self._tsconfigs[directory] = None
            else:
                self._tsconfigs[directory] = self.tsconfig(directory.parent)
        return self._tsconfigs[directory]


@dataclass(frozen=True)
class TsConfig:
    """The module-resolution part of a tsconfig.json: ``baseUrl`` and ``paths``."""

    base: Path
    paths: dict[str, tuple[str, ...]]
    has_base_url: bool

    @classmethod
    def load(cls, path: Path, depth: int = 0) -> TsConfig:
        data = read_jsonc(path)
        options = data.get("compilerOptions") if isinstance(data, dict) else None
        options = options if isinstance(options, dict) else {}
        parent = cls._parent(path, data, depth)
        base_url = options.get("baseUrl")
        base = (path.parent / base_url) if isinstance(base_url, str) else None
        raw_paths = options.get("paths")
        if isinstance(raw_paths, dict):
            paths = {
                k: tuple(v for v in vs if isinstance(v, str))
                for k, vs in raw_paths.items()
                if isinstance(vs, list)
            }
            # TypeScript resolves `paths` against baseUrl, or against this file's folder.
            return cls(_absolute(base or path.parent), paths, base is not None)
        if parent is not None:
            return cls(
                _absolute(base) if base else parent.base,
                parent.paths,
                base is not None or parent.has_base_url,
            )
        return cls(_absolute(base or path.parent), {}, base is not None)

    @classmethod
    def _parent(cls, path: Path, data: object, depth: int) -> TsConfig | None:
        extends = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(extends, str) or not extends.startswith(".") or depth > 5:
            return None  # package-provided bases (@tsconfig/...) carry no project paths
        target = _absolute(path.parent / extends)
        if target.suffix != ".json" and target.name:
            target = target.with_name(target.name + ".json")
        return cls.load(target, depth + 1) if is_file(target) else None

    def candidates(self, spec: str) -> Iterator[Path]:
        for pattern, targets in self.paths.items():
            rest = _match(pattern, spec)
            if rest is not None:
                for target in targets:
                    yield self.base / target.replace("*", rest)
        if self.has_base_url:
            yield self.base / spec

    def matches_alias(self, spec: str) -> bool:
        return any(_match(pattern, spec) is not None for pattern in self.paths)


def _match(pattern: str, spec: str) -> str | None:
    """What ``*`` stands for when ``spec`` matches the paths ``pattern`` (``""`` if exact)."""
    if "*" not in pattern:
        return "" if pattern == spec else None
    prefix, _, suffix = pattern.partition("*")
    if spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
        return spec[len(prefix) : len(spec) - len(suffix)]
    return None


def _absolute(path: Path) -> Path:
    """``path.resolve()``; a name the OS refuses (a NUL byte) stays as written and finds no file."""
    try:
        return path.resolve()
    except (OSError, ValueError):
        return path.absolute()


def _find_file(base: Path) -> Path | None:
    """The file an import of ``base`` loads: as is, with a TS suffix, ``.js`` → ``.ts``, or index."""
    if base.suffix in _SUFFIXES and is_file(base):
        return base
    if base.suffix in {".js", ".mjs", ".cjs", ".jsx"}:
        for suffix in _SUFFIXES:
            if is_file(base.with_suffix(suffix)):
                return base.with_suffix(suffix)
    # `import '/'` names the root folder, which has no name to add a suffix to.
    for suffix in _SUFFIXES if base.name else ():
        candidate = base.with_name(base.name + suffix)
        if is_file(candidate):
            return candidate
    for suffix in _SUFFIXES:
        candidate = base / f"index{suffix}"
        if is_file(candidate):
            return candidate
    return None


def read_jsonc(path: Path) -> object:
    """A JSON-with-comments file (tsconfig.json) read as a JavaScript object literal."""
    from schema_catalog.sources.drizzle.literals import literal

    root = parse_bytes(b"(" + path.read_bytes() + b"\n)")
    statement = named(root)[0] if named(root) else None
    expression = named(statement)[0] if statement is not None and named(statement) else None
    return literal(expression) if expression is not None else None


def _string(node: Node) -> str:
    return "".join(text(c) for c in named(node) if c.type == "string_fragment")


def _name(node: Node) -> str:
    return _string(node) if node.type == "string" else text(node)
