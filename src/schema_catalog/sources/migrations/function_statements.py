"""Replay of CREATE / ALTER FUNCTION and PROCEDURE.

A function is kept as the live source shows it (`model.Function`): its identity
arguments and result as ``pg_get_function_identity_arguments`` and
``pg_get_function_result`` print them, language, volatility, SECURITY DEFINER,
``SET`` settings as ``pg_proc.proconfig`` stores them, and who may execute it
(the default privileges in force when it was created, then GRANT / REVOKE).
The body is not replayed, only kept: ``definition`` holds it between dollar quotes
under a header in ``pg_get_functiondef``'s shape (what analysis reads to see which
tables a SECURITY DEFINER function touches). A statement group of `replay.Replayer`.
"""

from __future__ import annotations

from typing import Any

from pglast import ast

from schema_catalog.pg.quoting import quote_ident
from schema_catalog.sources.migrations.context import ReplayContext, is_input, node_names, qualify
from schema_catalog.sources.migrations.state import FunctionState

# Settings whose list elements the server quotes as identifiers (GUC_LIST_QUOTE).
_LIST_QUOTED = frozenset(["search_path", "temp_tablespaces"])
# How ``print_function_arguments`` marks each mode (TABLE columns go in the result).
_IDENTITY_MODES = {"FUNC_PARAM_DEFAULT": "", "FUNC_PARAM_IN": "", "FUNC_PARAM_INOUT": "INOUT "}
_IDENTITY_MODES["FUNC_PARAM_VARIADIC"] = "VARIADIC "
_IDENTITY_MODES["FUNC_PARAM_OUT"] = "OUT "
_OUTPUT_MODES = frozenset(["FUNC_PARAM_OUT", "FUNC_PARAM_INOUT"])


class FunctionStatements(ReplayContext):
    """CREATE / ALTER FUNCTION (DROP is in `drop_statements`, GRANT in `access_statements`)."""

    def _CreateFunctionStmt(self, node: Any) -> None:  # noqa: N802 - named after the node
        schema, name = qualify(node_names(node.funcname), self.catalog.default_schema)
        parameters = list(node.parameters or ())
        types = tuple(self.argument_type(p.argType) for p in parameters if is_input(p))
        function = FunctionState(schema, name, types)
        function.kind = "procedure" if node.is_procedure else "function"
        function.arguments = ", ".join(
            self._argument(p, procedure=node.is_procedure)
            for p in parameters
            if p.mode.name != "FUNC_PARAM_TABLE"
        )
        function.result = "" if node.is_procedure else self._result(node, parameters)
        function.language = "sql"  # a body in SQL-standard form has no LANGUAGE clause
        key = function.key
        existing = self.catalog.routines.get(key)
        if existing is not None and not node.replace:
            self.warn(f"function {schema}.{name} already exists: CREATE FUNCTION skipped")
            return
        if existing is not None:  # OR REPLACE keeps the privileges and the comment
            function.executable_by, function.comment = existing.executable_by, existing.comment
        else:
            defaults = self.catalog.default_grants(schema, "FUNCTION")
            function.executable_by = {grantee for grantee, _ in defaults}
        self._options(function, node.options or ())
        function.location = self.where
        self.catalog.routines[key] = function
        if node.returnType is not None:
            self.catalog.functions[(schema, name)] = self.catalog.resolve_type(node.returnType)

    def _AlterFunctionStmt(self, node: Any) -> None:  # noqa: N802
        for function in self.routines(node.func):
            self._options(function, node.actions or ())

    # ------------------------------------------------------------------ parts

    def _argument(self, parameter: Any, *, procedure: bool) -> str:
        # A procedure's arguments may be OUT too, so the server spells IN out.
        mode = _IDENTITY_MODES[parameter.mode.name] or ("IN " if procedure else "")
        name = f"{quote_ident(parameter.name)} " if parameter.name else ""
        return f"{mode}{name}{self.argument_type(parameter.argType)}"

    def _result(self, node: Any, parameters: list[Any]) -> str:
        table = [p for p in parameters if p.mode.name == "FUNC_PARAM_TABLE"]
        if table:
            columns = ", ".join(
                f"{quote_ident(p.name)} {self.argument_type(p.argType)}" for p in table
            )
            return f"TABLE({columns})"
        outputs = [p for p in parameters if p.mode.name in _OUTPUT_MODES]
        if node.returnType is not None:
            shown = self.argument_type(node.returnType)
        elif len(outputs) == 1:
            shown = self.argument_type(outputs[0].argType)
        else:
            shown = "record"
        setof = node.returnType is not None and node.returnType.setof
        return f"SETOF {shown}" if setof else shown

    def _options(self, function: FunctionState, options: Any) -> None:
        for option in options:
            name, value = option.defname, option.arg
            if name == "language":
                function.language = str(value.sval)
            elif name == "volatility":
                function.volatility = str(value.sval)
            elif name == "security":
                function.security_definer = bool(value.boolval)
            elif name == "as" and value and isinstance(value[0], ast.String):
                function.body = str(value[0].sval)  # kept for what the body touches
            elif name == "set":
                self._setting(function, value)

    def _setting(self, function: FunctionState, statement: Any) -> None:
        kind, name = statement.kind.name, statement.name
        kept = [c for c in function.config if not c.startswith(f"{name}=")]
        if kind == "VAR_RESET_ALL":
            kept = []
        elif kind == "VAR_SET_VALUE":
            values = [_setting_value(name, a) for a in statement.args or ()]
            kept.append(f"{name}={', '.join(values)}")
        elif kind != "VAR_RESET":
            self.warn(f"SET {name} {kind.removeprefix('VAR_')} on a function not modelled")
            return
        function.config = kept


def _setting_value(name: str, constant: Any) -> str:
    """One element of a ``SET name = ...`` as ``proconfig`` stores it."""
    value: Any = constant.val
    if isinstance(value, ast.Integer):
        return str(value.ival)
    if isinstance(value, ast.Float):
        return str(value.fval)
    text = str(getattr(value, "sval", ""))
    return quote_ident(text) if name in _LIST_QUOTED else text
