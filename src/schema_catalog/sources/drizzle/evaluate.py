"""The static evaluator: TypeScript expressions → `values`.

Owns the meaning of each syntax node (literals, objects, arrays, templates,
member reads, calls, arrow functions with an expression body or a block of
``const`` + ``return``) and of the Drizzle calls that create entities
(``pgTable``, ``pgSchema``, ``pgEnum``, ``customType``, ``pgTableCreator``, views,
roles). Anything else a real runtime would need (loops, conditionals, ``new``,
other packages) evaluates to `Unresolved` with the reason and ``file:line``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tree_sitter import Node

from schema_catalog.sources.drizzle.literals import (
    WRAPPERS,
    js_number,
    number,
    string_value,
    template_parts,
    ts_enum,
)
from schema_catalog.sources.drizzle.parse import named, text
from schema_catalog.sources.drizzle.values import (
    DRIZZLE,
    PG_CORE,
    BoundMethod,
    Builder,
    Closure,
    ColRef,
    CustomTypeEntity,
    EnumEntity,
    Extern,
    ModuleNamespace,
    RoleEntity,
    SchemaEntity,
    Sql,
    TableCreator,
    TableEntity,
    Unresolved,
    Value,
    ViewEntity,
)

if TYPE_CHECKING:
    from schema_catalog.sources.drizzle.resolve import Project, Scope

_FUNCTIONS = {
    "arrow_function",
    "function_expression",
    "function",
    "function_declaration",
    "method_definition",
}
# Real schemas nest a dozen levels (a column's builder chain, an index's `sql` where);
# each level costs up to ~8 Python frames through imports and scopes, so this bound
# keeps hostile nesting (`((((...`, `const a1 = a0` chains) far from RecursionError.
MAX_DEPTH = 64
_TABLE_METHODS = {"enableRLS"}
_SCHEMA_METHODS = {"table", "enum", "view", "materializedView", "sequence"}


class Evaluator:
    """Evaluates syntax nodes in a `Scope`; shared by every module of a `Project`."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.depth = 0
        """Expressions being evaluated, one inside the other (see `MAX_DEPTH`)."""

    # ----------------------------------------------------------------- declarations and nodes

    def declaration(self, node: Node, scope: Scope) -> Value:
        if node.type == "enum_declaration":
            return ts_enum(node)
        return self.eval(node, scope)

    def eval(self, node: Node, scope: Scope) -> Value:
        if self.depth >= MAX_DEPTH:
            return Unresolved("expression nested too deeply to evaluate", _where(node, scope))
        self.depth += 1
        try:
            return self._eval(node, scope)
        finally:
            self.depth -= 1

    def _eval(self, node: Node, scope: Scope) -> Value:
        handler = _HANDLERS.get(node.type)
        if handler is not None:
            return handler(self, node, scope)
        if node.type in WRAPPERS:
            inner = named(node)
            return self.eval(inner[0], scope) if inner else None
        if node.type in _FUNCTIONS:
            return self._closure(node, scope)
        return Unresolved(
            f"cannot evaluate a {node.type.replace('_', ' ')} statically", _where(node, scope)
        )

    def _identifier(self, node: Node, scope: Scope) -> Value:
        return scope.lookup(text(node), _where(node, scope))

    def _array(self, node: Node, scope: Scope) -> Value:
        items: list[Value] = []
        for element in named(node):
            value = self.eval(
                named(element)[0] if element.type == "spread_element" else element, scope
            )
            if element.type == "spread_element":
                if not isinstance(value, list):
                    return Unresolved(
                        "spread of a value that is not a static array", _where(element, scope)
                    )
                items.extend(value)
            else:
                items.append(value)
        return items

    def _object(self, node: Node, scope: Scope) -> Value:
        result: dict[str, Value] = {}
        for member in named(node):
            if member.type == "pair":
                key = self._key(member.child_by_field_name("key"), scope)
                value_node = member.child_by_field_name("value")
                result[key] = self.eval(value_node, scope) if value_node is not None else None
            elif member.type == "shorthand_property_identifier":
                result[text(member)] = scope.lookup(text(member), _where(member, scope))
            elif member.type == "method_definition":
                result[self._key(member.child_by_field_name("name"), scope)] = self._closure(
                    member, scope
                )
            elif member.type == "spread_element":
                spread = self.eval(named(member)[0], scope)
                if isinstance(spread, dict):
                    result.update(spread)
                else:
                    where = _where(member, scope)
                    result[f"...@{where}"] = Unresolved(
                        "spread of a value that is not a static object", where
                    )
        return result

    def _key(self, node: Node | None, scope: Scope) -> str:
        if node is None:
            return ""
        if node.type == "computed_property_name":
            value = self.eval(named(node)[0], scope)
            return value if isinstance(value, str) else f"[computed]@{_where(node, scope)}"
        return string_value(node) if node.type == "string" else text(node)

    def _template(self, node: Node, scope: Scope) -> Value:
        pieces: list[str] = []
        for part in template_parts(node):
            value = part if isinstance(part, str) else self.eval(part, scope)
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                return Unresolved(
                    "template string with a value that is not static", _where(node, scope)
                )
            pieces.append(value if isinstance(value, str) else js_number(value))
        return "".join(pieces)

    def _unary(self, node: Node, scope: Scope) -> Value:
        operator = node.child_by_field_name("operator")
        value = self.eval(node.child_by_field_name("argument") or node, scope)
        if operator is not None and text(operator) == "-" and isinstance(value, int | float):
            return -value
        return Unresolved(
            f"cannot evaluate the unary '{text(operator) if operator else '?'}'",
            _where(node, scope),
        )

    def _binary(self, node: Node, scope: Scope) -> Value:
        operator = node.child_by_field_name("operator")
        left = self.eval(node.child_by_field_name("left") or node, scope)
        right = self.eval(node.child_by_field_name("right") or node, scope)
        if operator is not None and text(operator) == "+":
            if isinstance(left, str) and isinstance(right, str | int | float):
                return left + (right if isinstance(right, str) else js_number(right))
            if isinstance(left, int | float) and isinstance(right, int | float):
                return left + right
        return Unresolved("cannot evaluate this operator statically", _where(node, scope))

    def _member(self, node: Node, scope: Scope) -> Value:
        target = self.eval(node.child_by_field_name("object") or node, scope)
        prop = node.child_by_field_name("property")
        return self.member(target, text(prop) if prop is not None else "", _where(node, scope))

    def _subscript(self, node: Node, scope: Scope) -> Value:
        target = self.eval(node.child_by_field_name("object") or node, scope)
        index = self.eval(node.child_by_field_name("index") or node, scope)
        if isinstance(target, list) and isinstance(index, int) and 0 <= index < len(target):
            return target[index]
        if isinstance(index, str):
            return self.member(target, index, _where(node, scope))
        return Unresolved("cannot evaluate this index statically", _where(node, scope))

    def _call(self, node: Node, scope: Scope) -> Value:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        callee = self.eval(function, scope) if function is not None else None
        where = _where(node, scope)
        if arguments is not None and arguments.type == "template_string":
            return self._tagged(callee, arguments, scope, where)
        args: list[Value] = []
        for argument in named(arguments) if arguments is not None else []:
            if argument.type == "spread_element":
                return Unresolved("call with a spread argument", where)
            args.append(self.eval(argument, scope))
        return self.call(callee, tuple(args), where)

    def _tagged(self, tag: Value, template: Node, scope: Scope, where: str) -> Value:
        if tag != Extern(DRIZZLE, "sql"):
            return Unresolved("tagged template other than drizzle's sql", where)
        parts = tuple(
            p if isinstance(p, str) else self.eval(p, scope) for p in template_parts(template)
        )
        return Sql(parts)

    def _closure(self, node: Node, scope: Scope) -> Value:
        parameters = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
        body = node.child_by_field_name("body")
        if body is None:
            return Unresolved("function without a body", _where(node, scope))
        names: list[str] = []
        if parameters is not None and parameters.type == "identifier":
            names.append(text(parameters))
        elif parameters is not None:
            for parameter in named(parameters):
                pattern = parameter.child_by_field_name("pattern")
                names.append(
                    text(pattern) if pattern is not None and pattern.type == "identifier" else ""
                )
        return Closure(tuple(names), body, scope, _where(node, scope))

    # ----------------------------------------------------------------- calls and members

    def invoke(self, closure: Closure, args: Sequence[Value]) -> Value:
        from schema_catalog.sources.drizzle.resolve import Scope

        local = Scope(closure.scope.module, {}, closure.scope)
        for index, name in enumerate(closure.params):
            if name:
                local.names[name] = args[index] if index < len(args) else None
        if closure.body.type != "statement_block":
            return self.eval(closure.body, local)
        for statement in named(closure.body):
            if statement.type in {"lexical_declaration", "variable_declaration"}:
                for declarator in named(statement):
                    bound = declarator.child_by_field_name("name")
                    initial = declarator.child_by_field_name("value")
                    if bound is not None and initial is not None:
                        local.names[text(bound)] = self.eval(initial, local)
            elif statement.type == "return_statement":
                returned = named(statement)
                return self.eval(returned[0], local) if returned else None
            else:
                break
        return Unresolved("function body too complex to evaluate statically", closure.where)

    def call(self, callee: Value, args: tuple[Value, ...], where: str) -> Value:
        if isinstance(callee, Closure):
            result = self.invoke(callee, args)
            if isinstance(result, Unresolved) and result.where == callee.where:
                # report the call site: that is where the helper's result is used
                return Unresolved(f"helper defined at {callee.where}: {result.reason}", where)
            return result
        if isinstance(callee, Extern):
            return self._extern_call(callee, args, where)
        if isinstance(callee, BoundMethod):
            return self._method_call(callee, args, where)
        if isinstance(callee, Builder):
            last = callee.steps[-1] if callee.steps else None
            if last is not None and last[1] is None:
                return Builder(callee.root, (*callee.steps[:-1], (last[0], args)), callee.where)
            return callee.then(("", args))
        if isinstance(callee, EnumEntity | CustomTypeEntity):
            return Builder(callee, (("", args),), where)
        if isinstance(callee, TableCreator):
            name = self.call(callee.name_fn, args[:1], where)
            return self._table(name, "public", args[1:], where)
        if isinstance(callee, Unresolved):
            return callee
        return Unresolved("call of a value that is not a function", where)

    def _extern_call(self, callee: Extern, args: tuple[Value, ...], where: str) -> Value:
        if not callee.module.startswith(DRIZZLE):
            if callee.module == "drizzle-kit" and callee.name == "defineConfig" and args:
                return args[0]
            return Unresolved(f"value from package '{callee.module}' ({callee.name or '*'})", where)
        if callee.module.startswith(PG_CORE):
            made = self._pg_core_call(callee.name, args, where)
            if made is not None:
                return made
        if callee == Extern(DRIZZLE, "sql.raw") and args and isinstance(args[0], str):
            return Sql((args[0],))
        return Builder(callee, (("", args),), where)

    def _pg_core_call(self, name: str, args: tuple[Value, ...], where: str) -> Value | None:
        first = args[0] if args else None
        if name in {"pgTable", "pgTable.withRLS"}:
            return self._table(first, "public", args[1:], where, rls=name.endswith("withRLS"))
        if name == "pgSchema":
            return SchemaEntity(_name_or_unresolved(first, where))
        if name == "pgEnum":
            return _enum(args, "public", where)
        if name == "customType":
            data_type = first.get("dataType") if isinstance(first, dict) else None
            return CustomTypeEntity(data_type, where)
        if name == "pgTableCreator":
            return TableCreator(first)
        if name in {"pgView", "pgMaterializedView"}:
            return _view(args, "public", name == "pgMaterializedView", where)
        if name == "pgRole":
            return RoleEntity(_name_or_unresolved(first, where))
        return None

    def _table(
        self, name: Value, schema: str, rest: Sequence[Value], where: str, *, rls: bool = False
    ) -> TableEntity:
        columns: Value = rest[0] if rest else None
        if isinstance(columns, Closure):  # callback form: (t) => ({ id: t.uuid() })
            columns = self.invoke(columns, (Extern(PG_CORE, ""),))
        if not isinstance(columns, dict):
            columns = (
                columns
                if isinstance(columns, Unresolved)
                else Unresolved("columns are not a static object", where)
            )
        extra = rest[1] if len(rest) > 1 else None
        return TableEntity(_name_or_unresolved(name, where), schema, columns, extra, where, rls)

    def _method_call(self, method: BoundMethod, args: tuple[Value, ...], where: str) -> Value:
        target, name = method.target, method.name
        if isinstance(target, TableEntity) and name == "enableRLS":
            target.rls = True
            return target
        if isinstance(target, SchemaEntity):
            return self._schema_call(target, name, args, where)
        if isinstance(target, ViewEntity):
            if name == "as":
                target.definition = args[0] if args else None
            elif name == "existing":
                target.existing = True
            return target
        if isinstance(target, RoleEntity) and name == "existing":
            target.existing = True
            return target
        if isinstance(target, str) and name in {"toLowerCase", "toUpperCase"}:
            return target.lower() if name == "toLowerCase" else target.upper()
        return Unresolved(f"cannot evaluate the method '{name}'", where)

    def _schema_call(
        self, schema: SchemaEntity, name: str, args: tuple[Value, ...], where: str
    ) -> Value:
        if isinstance(schema.name, Unresolved):
            return schema.name
        if name == "table":
            return self._table(args[0] if args else None, schema.name, args[1:], where)
        if name == "enum":
            return _enum(args, schema.name, where)
        if name in {"view", "materializedView"}:
            return _view(args, schema.name, name == "materializedView", where)
        return Builder(Extern(PG_CORE, f"pgSchema.{name}"), (("", args),), where)

    def member(self, target: Value, prop: str, where: str) -> Value:
        if isinstance(target, dict):
            return target.get(prop)
        if isinstance(target, Extern):
            return target.member(prop)
        if isinstance(target, Builder):
            return target.then((prop, None))
        if isinstance(target, ColRef | Sql):
            return Builder(target, ((prop, None),), where)
        if isinstance(target, TableEntity):
            return BoundMethod(target, prop) if prop in _TABLE_METHODS else ColRef(target, prop)
        if isinstance(target, ModuleNamespace):
            return target.module.export(prop, where)
        if isinstance(target, EnumEntity) and prop in {"enumValues", "enumName"}:
            return (
                target.name
                if prop == "enumName"
                else (list(target.values) if isinstance(target.values, tuple) else target.values)
            )
        if isinstance(target, SchemaEntity | ViewEntity | RoleEntity | str):
            if isinstance(target, str) and prop == "length":
                return len(target)
            return BoundMethod(target, prop)
        if isinstance(target, list) and prop == "length":
            return len(target)
        if isinstance(target, Unresolved):
            return target
        return Unresolved(f"cannot read '{prop}' statically", where)


_HANDLERS: dict[str, Callable[[Evaluator, Node, Scope], Value]] = {
    "identifier": Evaluator._identifier,
    "shorthand_property_identifier": Evaluator._identifier,
    "string": lambda _e, node, _s: string_value(node),
    "number": lambda _e, node, _s: number(text(node)),
    "true": lambda _e, _n, _s: True,
    "false": lambda _e, _n, _s: False,
    "null": lambda _e, _n, _s: None,
    "undefined": lambda _e, _n, _s: None,
    "array": Evaluator._array,
    "object": Evaluator._object,
    "template_string": Evaluator._template,
    "unary_expression": Evaluator._unary,
    "binary_expression": Evaluator._binary,
    "member_expression": Evaluator._member,
    "subscript_expression": Evaluator._subscript,
    "call_expression": Evaluator._call,
}


# --------------------------------------------------------------------------- entity helpers


def _name_or_unresolved(value: Value, where: str) -> str | Unresolved:
    if isinstance(value, str):
        return value
    return (
        value if isinstance(value, Unresolved) else Unresolved("name is not a static string", where)
    )


def _enum(args: Sequence[Value], schema: str, where: str) -> EnumEntity:
    name = _name_or_unresolved(args[0] if args else None, where)
    raw = args[1] if len(args) > 1 else None
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return EnumEntity(name, schema, tuple(raw), where)
    if isinstance(raw, dict) and raw and all(isinstance(v, str) for v in raw.values()):
        return EnumEntity(name, schema, tuple(raw.values()), where, from_object=True)
    reason = (
        raw
        if isinstance(raw, Unresolved)
        else Unresolved("enum values are not static strings", where)
    )
    return EnumEntity(name, schema, reason, where)


def _view(args: Sequence[Value], schema: str, materialized: bool, where: str) -> ViewEntity:
    columns = args[1] if len(args) > 1 and isinstance(args[1], dict) else None
    return ViewEntity(
        _name_or_unresolved(args[0] if args else None, where), schema, materialized, columns, where
    )


# --------------------------------------------------------------------------- literals


def _where(node: Node, scope: Scope) -> str:
    return scope.module.source.where(node)
