"""Triggers in the replay: CREATE / DROP / ALTER ... RENAME, ENABLE / DISABLE, COMMENT,
and the definition as ``pg_get_triggerdef`` prints it.

The server prints a trigger from its catalog row, not from the statement text:
events in the fixed order INSERT, DELETE, UPDATE [OF cols], TRUNCATE; the table
always schema-qualified; the function qualified unless it lives in ``pg_catalog``
(the live source reads with ``search_path = pg_catalog``); arguments as quoted
literals; a WHEN condition with ``old.`` / ``new.`` column references, printed
like any stored expression (see `exprs`). So the definition is rebuilt at freeze
time and follows later renames of the table and its columns.
"""

from __future__ import annotations

from typing import Any

from schema_catalog import model
from schema_catalog.pg.quoting import quote_ident
from schema_catalog.sources.migrations import deparse as d
from schema_catalog.sources.migrations.exprs import Analyzer, Relation
from schema_catalog.sources.migrations.state import CatalogState, TableState, TriggerState

# pg_trigger.tgtype bits, as CreateTrigStmt.timing / .events carry them.
_BEFORE, _INSTEAD = 1 << 1, 1 << 6
_EVENTS = ((1 << 2, "INSERT"), (1 << 3, "DELETE"), (1 << 4, "UPDATE"), (1 << 5, "TRUNCATE"))
# Trigger functions PostgreSQL ships (found through pg_catalog before any schema).
_CATALOG_FUNCTIONS = frozenset(
    [
        "suppress_redundant_updates_trigger",
        "tsvector_update_trigger",
        "tsvector_update_trigger_column",
    ]
)


def from_statement(node: Any, catalog: CatalogState) -> TriggerState:
    """A `TriggerState` from a CreateTrigStmt node."""
    timing = node.timing or 0
    trigger = TriggerState(
        name=node.trigname,
        timing="INSTEAD OF" if timing & _INSTEAD else "BEFORE" if timing & _BEFORE else "AFTER",
        events=[event for bit, event in _EVENTS if node.events & bit],
        row=bool(node.row),
        function=_function(node.funcname, catalog),
        args=[a.sval for a in node.args or ()],
        columns=[c.sval for c in node.columns or ()],
        when=node.whenClause,
        transitions=[("NEW" if t.isNew else "OLD", t.name) for t in node.transitionRels or ()],
    )
    if node.isconstraint:
        source = f"FROM {_relation(node.constrrel, catalog)} " if node.constrrel else ""
        deferrable = "" if node.deferrable else "NOT "
        initially = "DEFERRED" if node.initdeferred else "IMMEDIATE"
        trigger.constraint = f"{source}{deferrable}DEFERRABLE INITIALLY {initially} "
    return trigger


def from_model(trigger: model.Trigger) -> TriggerState:
    """A live trigger (from `base`), kept as the server printed it."""
    schema, _, name = trigger.function.rpartition(".")
    return TriggerState(
        name=trigger.name,
        timing=trigger.timing,
        events=list(trigger.events),
        row=trigger.level == "row",
        function=(schema, name),
        enabled=trigger.enabled,
        comment=trigger.comment,
        text=trigger.definition,
    )


def freeze(trigger: TriggerState, table: TableState, catalog: CatalogState) -> model.Trigger:
    schema, name = trigger.function
    return model.Trigger(
        name=trigger.name,
        timing=trigger.timing,
        events=tuple(trigger.events),
        level="row" if trigger.row else "statement",
        function=f"{schema}.{name}",
        definition=trigger.text or definition(trigger, table, catalog),
        enabled=trigger.enabled,
        comment=trigger.comment,
    )


def definition(trigger: TriggerState, table: TableState, catalog: CatalogState) -> str:
    """``pg_get_triggerdef`` (non-pretty), from the replayed state."""
    kind = "CONSTRAINT " if trigger.constraint is not None else ""
    text = f"CREATE {kind}TRIGGER {quote_ident(trigger.name)} {trigger.timing}"
    for position, event in enumerate(trigger.events):
        text += f" OR {event}" if position else f" {event}"
        if event == "UPDATE" and trigger.columns:
            text += " OF " + ", ".join(quote_ident(c) for c in trigger.columns)
    text += f" ON {quote_ident(table.schema)}.{quote_ident(table.name)} "
    text += trigger.constraint or ""
    if trigger.transitions:
        text += "REFERENCING " + "".join(
            f"{kind} TABLE AS {quote_ident(name)} "
            for kind, name in sorted(trigger.transitions, key=lambda t: t[0] != "OLD")
        )
    text += "FOR EACH ROW " if trigger.row else "FOR EACH STATEMENT "
    if trigger.when is not None:
        text += f"WHEN ({_when(trigger, table, catalog)}) "
    schema, name = trigger.function
    function = quote_ident(name) if schema == "pg_catalog" else _qualified(schema, name)
    arguments = ", ".join(_literal(a) for a in trigger.args)
    return f"{text}EXECUTE FUNCTION {function}({arguments})"


def _when(trigger: TriggerState, table: TableState, catalog: CatalogState) -> str:
    if isinstance(trigger.when, str):
        return trigger.when
    # The server's deparse context names the two row variables old and new, always qualified.
    columns = table.column_types()
    analyzer = Analyzer(
        catalog, [[Relation("old", columns), Relation("new", columns)]], qualify=True
    )
    return d.render(analyzer.expr(trigger.when))


def _function(funcname: Any, catalog: CatalogState) -> tuple[str, str]:
    parts = [n.sval for n in funcname]
    if len(parts) > 1:
        return parts[-2], parts[-1]
    name = parts[-1]
    if catalog.function(None, name) is None and name in _CATALOG_FUNCTIONS:
        return "pg_catalog", name
    # Unqualified names resolve through search_path: the default schema, as the server would.
    return catalog.default_schema, name


def _relation(relation: Any, catalog: CatalogState) -> str:
    return _qualified(relation.schemaname or catalog.default_schema, relation.relname)


def _qualified(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def _literal(value: str) -> str:
    """``simple_quote_literal`` with standard_conforming_strings on: quotes doubled only."""
    return "'" + value.replace("'", "''") + "'"
