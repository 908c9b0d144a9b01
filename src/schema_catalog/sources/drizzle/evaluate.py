"""The static evaluator: TypeScript expressions → `values`.

`Evaluator` owns evaluation as a whole: dispatching a syntax node to its
handler (see `syntax`) under a nesting bound, calling values (closures with an
expression body or a block of ``const`` + ``return``, builders, entity
factories, see `entity_calls`) and reading members (of objects, tables, enums,
module namespaces, builders). Anything else a real runtime would need (loops,
conditionals, ``new``, other packages) evaluates to `Unresolved` with the
reason and ``file:line``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tree_sitter import Node

from schema_catalog.sources.drizzle.entity_calls import extern_call, method_call, table_entity
from schema_catalog.sources.drizzle.literals import WRAPPERS, ts_enum
from schema_catalog.sources.drizzle.parse import named, text
from schema_catalog.sources.drizzle.syntax import HANDLERS, function_closure, node_where, truthy
from schema_catalog.sources.drizzle.values import (
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
        # One frame per node (this runs for every node evaluated: ~230 per table).
        if self.depth >= MAX_DEPTH:
            return Unresolved("expression nested too deeply to evaluate", node_where(node, scope))
        self.depth += 1
        try:
            kind = node.type
            handler = HANDLERS.get(kind)
            if handler is not None:
                return handler(self, node, scope)
            if kind in WRAPPERS:
                inner = named(node)
                return self.eval(inner[0], scope) if inner else None
            if kind in _FUNCTIONS:
                return function_closure(self, node, scope)
            return Unresolved(
                f"cannot evaluate a {kind.replace('_', ' ')} statically", node_where(node, scope)
            )
        finally:
            self.depth -= 1

    # ----------------------------------------------------------------- calls and members

    def invoke(self, closure: Closure, args: Sequence[Value]) -> Value:
        from schema_catalog.sources.drizzle.resolve import Scope

        local = Scope(closure.scope.module, {}, closure.scope)
        for index, param in enumerate(closure.params):
            arg = args[index] if index < len(args) else None
            if isinstance(param, str):
                if param:
                    local.names[param] = arg
            else:  # `({ text, uuid }) => ...`: each name reads its property of the argument
                for name, prop in param:
                    local.names[name] = self.member(arg, prop, closure.where)
        source = closure.scope.module.source
        parsed = (
            (closure.function,)
            if closure.statement is None
            else (closure.function, closure.statement)
        )
        body = source.node(closure.function, *parsed).child_by_field_name("body")
        if body is None:  # cannot happen: `function_closure` checked it
            return Unresolved("function without a body", closure.where)
        if body.type != "statement_block":
            return self.eval(body, local)
        finished, value = self._run(named(body), local)
        if finished:
            return value
        return Unresolved("function body too complex to evaluate statically", closure.where)

    def _run(self, statements: Sequence[Node], scope: Scope) -> tuple[bool, Value]:
        """Straight-line code (``const``, ``if``/``else``, ``return``), as in a customType's
        ``dataType(config)``: (returned?, value). Anything else stops the run."""
        for statement in statements:
            if statement.type in {"lexical_declaration", "variable_declaration"}:
                for declarator in named(statement):
                    bound = declarator.child_by_field_name("name")
                    initial = declarator.child_by_field_name("value")
                    if bound is not None and initial is not None:
                        scope.names[text(bound)] = self.eval(initial, scope)
            elif statement.type == "return_statement":
                returned = named(statement)
                return True, self.eval(returned[0], scope) if returned else None
            elif statement.type == "if_statement":
                finished, value = self._run_if(statement, scope)
                if finished:
                    return True, value
            elif statement.type != "comment":
                return False, None
        return False, None

    def _run_if(self, statement: Node, scope: Scope) -> tuple[bool, Value]:
        condition = statement.child_by_field_name("condition")
        truth = truthy(self.eval(condition, scope)) if condition is not None else None
        if truth is None:
            where = node_where(statement, scope)
            return True, Unresolved("an if condition that is not static", where)
        branch = statement.child_by_field_name("consequence" if truth else "alternative")
        if branch is not None and branch.type == "else_clause":
            branch = named(branch)[0] if named(branch) else None
        if branch is None:
            return False, None
        return self._run(named(branch) if branch.type == "statement_block" else [branch], scope)

    def call(self, callee: Value, args: tuple[Value, ...], where: str) -> Value:
        if isinstance(callee, Closure):
            result = self.invoke(callee, args)
            if isinstance(result, Unresolved) and result.where == callee.where:
                # report the call site: that is where the helper's result is used
                return Unresolved(f"helper defined at {callee.where}: {result.reason}", where)
            return result
        if isinstance(callee, Extern):
            return extern_call(self, callee, args, where)
        if isinstance(callee, BoundMethod):
            return method_call(self, callee, args, where)
        if isinstance(callee, Builder):
            last = callee.steps[-1] if callee.steps else None
            if last is not None and last[1] is None:
                return Builder(callee.root, (*callee.steps[:-1], (last[0], args)), callee.where)
            return callee.then(("", args))
        if isinstance(callee, EnumEntity | CustomTypeEntity):
            return Builder(callee, (("", args),), where)
        if isinstance(callee, TableCreator):
            name = self.call(callee.name_fn, args[:1], where)
            entity = table_entity(self, name, "public", args[1:], where)
            entity.casing = callee.casing
            return entity
        if isinstance(callee, Unresolved):
            if args and isinstance(args[0], str):
                # `timestamp('deleted_at', ...)` with `timestamp` unknown: the name and the
                # modifiers (`.notNull()`) are still read; the type stays unresolved
                return Builder(callee, (("", args),), where)
            return callee
        return Unresolved("call of a value that is not a function", where)

    def member(self, target: Value, prop: str, where: str) -> Value:
        if isinstance(target, int | float | str) and prop == "toString":
            return BoundMethod(target, prop)
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
