"""What each TypeScript syntax node evaluates to: the handlers of `evaluate.Evaluator`.

Literals (strings, numbers, booleans, ``null``), arrays and objects with their
spreads, template strings, ``-x`` and ``a + b``, member and index reads, calls
(including drizzle's ``sql`` tagged template) and function expressions, which
become `Closure` values. `HANDLERS` maps a node type to its handler; each
handler takes the evaluator, the node and its `Scope`, and evaluates sub-nodes
through the evaluator (which bounds the nesting depth).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tree_sitter import Node

from schema_catalog.sources.drizzle.literals import (
    js_number,
    number,
    string_value,
    template_parts,
)
from schema_catalog.sources.drizzle.parse import Span, named, text
from schema_catalog.sources.drizzle.values import (
    DRIZZLE,
    Closure,
    Extern,
    Param,
    Sql,
    Unresolved,
    Value,
)

if TYPE_CHECKING:
    from schema_catalog.sources.drizzle.evaluate import Evaluator
    from schema_catalog.sources.drizzle.resolve import Scope


def truthy(value: Value) -> bool | None:
    """JavaScript truthiness of a static value; ``None`` when it is not known."""
    if isinstance(value, Unresolved):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return bool(value)
    return True


def _identifier(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    return scope.lookup(text(node), node)


def _array(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    items: list[Value] = []
    for element in named(node):
        value = evaluator.eval(
            named(element)[0] if element.type == "spread_element" else element, scope
        )
        if element.type == "spread_element":
            if not isinstance(value, list):
                return Unresolved(
                    "spread of a value that is not a static array", node_where(element, scope)
                )
            items.extend(value)
        else:
            items.append(value)
    return items


def _object(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    result: dict[str, Value] = {}
    for member in named(node):
        if member.type == "pair":
            key = _property_key(evaluator, member.child_by_field_name("key"), scope)
            value_node = member.child_by_field_name("value")
            result[key] = evaluator.eval(value_node, scope) if value_node is not None else None
        elif member.type == "shorthand_property_identifier":
            result[text(member)] = scope.lookup(text(member), member)
        elif member.type == "method_definition":
            key = _property_key(evaluator, member.child_by_field_name("name"), scope)
            result[key] = function_closure(evaluator, member, scope)
        elif member.type == "spread_element":
            spread = evaluator.eval(named(member)[0], scope)
            if isinstance(spread, dict):
                result.update(spread)
            else:
                where = node_where(member, scope)
                result[f"...@{where}"] = Unresolved(
                    "spread of a value that is not a static object", where
                )
    return result


def _property_key(evaluator: Evaluator, node: Node | None, scope: Scope) -> str:
    if node is None:
        return ""
    if node.type == "computed_property_name":
        value = evaluator.eval(named(node)[0], scope)
        return value if isinstance(value, str) else f"[computed]@{node_where(node, scope)}"
    return string_value(node) if node.type == "string" else text(node)


def _template(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    pieces: list[str] = []
    for part in template_parts(node):
        value = part if isinstance(part, str) else evaluator.eval(part, scope)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return Unresolved(
                "template string with a value that is not static", node_where(node, scope)
            )
        pieces.append(value if isinstance(value, str) else js_number(value))
    return "".join(pieces)


def _unary(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    operator = node.child_by_field_name("operator")
    if operator is not None and text(operator) == "!":
        return _not(evaluator, node, scope)
    value = evaluator.eval(node.child_by_field_name("argument") or node, scope)
    if operator is not None and text(operator) == "-" and isinstance(value, int | float):
        return -value
    return Unresolved(
        f"cannot evaluate the unary '{text(operator) if operator else '?'}'",
        node_where(node, scope),
    )


def _binary(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    operator = node.child_by_field_name("operator")
    left = evaluator.eval(node.child_by_field_name("left") or node, scope)
    right = evaluator.eval(node.child_by_field_name("right") or node, scope)
    symbol = text(operator) if operator is not None else ""
    if symbol in _LOGICAL or symbol in _EQUALITY:
        return _logical(symbol, left, right, node_where(node, scope))
    if operator is not None and text(operator) == "+":
        if isinstance(left, str) and isinstance(right, str | int | float):
            return left + (right if isinstance(right, str) else js_number(right))
        if isinstance(left, int | float) and isinstance(right, int | float):
            return left + right
    return Unresolved("cannot evaluate this operator statically", node_where(node, scope))


_LOGICAL = {"&&", "||", "??"}
_EQUALITY = {"===", "!==", "==", "!="}
_STATIC = (type(None), bool, int, float, str)


def _logical(symbol: str, left: Value, right: Value, where: str) -> Value:
    """``&&``, ``||``, ``??`` and (in)equality over static values (as in a customType body)."""
    if symbol in _EQUALITY:
        if not isinstance(left, _STATIC) or not isinstance(right, _STATIC):
            return Unresolved("cannot compare values that are not static", where)
        return (left == right) == (symbol in {"===", "=="})
    if symbol == "??":
        return right if left is None else left
    truth = truthy(left)
    if truth is None:
        return left
    return (left if truth else right) if symbol == "||" else (right if truth else left)


def _not(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    truth = truthy(evaluator.eval(node.child_by_field_name("argument") or node, scope))
    return (
        Unresolved("cannot negate a value that is not static", node_where(node, scope))
        if truth is None
        else not truth
    )


def _ternary(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    condition = node.child_by_field_name("condition")
    truth = truthy(evaluator.eval(condition, scope)) if condition is not None else None
    if truth is None:
        return Unresolved("a condition that is not static", node_where(node, scope))
    branch = node.child_by_field_name("consequence" if truth else "alternative")
    return evaluator.eval(branch, scope) if branch is not None else None


def _member(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    target = evaluator.eval(node.child_by_field_name("object") or node, scope)
    prop = node.child_by_field_name("property")
    if target is None and node.child_by_field_name("optional_chain") is not None:
        return None  # `config?.precision` without a config
    return evaluator.member(target, text(prop) if prop is not None else "", node_where(node, scope))


def _subscript(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    target = evaluator.eval(node.child_by_field_name("object") or node, scope)
    index = evaluator.eval(node.child_by_field_name("index") or node, scope)
    if isinstance(target, list) and isinstance(index, int) and 0 <= index < len(target):
        return target[index]
    if isinstance(index, str):
        return evaluator.member(target, index, node_where(node, scope))
    return Unresolved("cannot evaluate this index statically", node_where(node, scope))


def _call(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    callee = evaluator.eval(function, scope) if function is not None else None
    where = node_where(node, scope)
    if arguments is not None and arguments.type == "template_string":
        return _tagged(evaluator, callee, arguments, scope, where)
    args: list[Value] = []
    for argument in named(arguments) if arguments is not None else []:
        if argument.type == "spread_element":
            return Unresolved("call with a spread argument", where)
        args.append(evaluator.eval(argument, scope))
    return evaluator.call(callee, tuple(args), where)


def _tagged(evaluator: Evaluator, tag: Value, template: Node, scope: Scope, where: str) -> Value:
    if tag != Extern(DRIZZLE, "sql"):
        return Unresolved("tagged template other than drizzle's sql", where)
    parts = tuple(
        p if isinstance(p, str) else evaluator.eval(p, scope) for p in template_parts(template)
    )
    return Sql(parts)


def function_closure(evaluator: Evaluator, node: Node, scope: Scope) -> Value:
    """A function expression or declaration as a `Closure` over ``scope``."""
    parameters = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
    if node.child_by_field_name("body") is None:
        return Unresolved("function without a body", node_where(node, scope))
    names: list[Param] = []
    if parameters is not None and parameters.type == "identifier":
        names.append(text(parameters))
    elif parameters is not None:
        for parameter in named(parameters):
            names.append(_parameter(parameter.child_by_field_name("pattern")))
    return Closure(
        tuple(names), Span.of(node), scope.enclosing_statement(), scope, node_where(node, scope)
    )


def _parameter(pattern: Node | None) -> Param:
    """A parameter's name, or the (local, property) pairs of ``({ text, uuid: u })``."""
    if pattern is not None and pattern.type == "identifier":
        return text(pattern)
    if pattern is None or pattern.type != "object_pattern":
        return ""
    pairs: list[tuple[str, str]] = []
    for item in named(pattern):
        if item.type == "object_assignment_pattern":  # `{ a = 1 }`: the default is not needed
            item = item.child_by_field_name("left") or item
        if item.type == "shorthand_property_identifier_pattern":
            pairs.append((text(item), text(item)))
        elif item.type == "pair_pattern":
            key, value = item.child_by_field_name("key"), item.child_by_field_name("value")
            if key is not None and value is not None and value.type == "identifier":
                pairs.append((text(value), text(key)))
    return tuple(pairs)


HANDLERS: dict[str, Callable[[Evaluator, Node, Scope], Value]] = {
    "identifier": _identifier,
    "shorthand_property_identifier": _identifier,
    "string": lambda _e, node, _s: string_value(node),
    "number": lambda _e, node, _s: number(text(node)),
    "true": lambda _e, _n, _s: True,
    "false": lambda _e, _n, _s: False,
    "null": lambda _e, _n, _s: None,
    "undefined": lambda _e, _n, _s: None,
    "array": _array,
    "object": _object,
    "template_string": _template,
    "unary_expression": _unary,
    "binary_expression": _binary,
    "member_expression": _member,
    "subscript_expression": _subscript,
    "call_expression": _call,
    "ternary_expression": _ternary,
}


def node_where(node: Node, scope: Scope) -> str:
    """``file:line`` of ``node`` in the module of ``scope``."""
    return scope.module.source.where(node)
