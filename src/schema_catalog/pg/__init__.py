"""PostgreSQL's own rules, one home each, for every source and for drift.

- `quoting`: when an identifier needs double quotes (``quote_ident``), from
  the grammar's keyword categories;
- `clip`: the 63-byte identifier limit (NAMEDATALEN - 1);
- `names`: the names PostgreSQL and drizzle-kit give unnamed constraints,
  indexes and sequences;
- `types`: type aliases and the canonical ``format_type`` spelling.

Each is checked against a real server in tests/test_pg_rules.py.
"""
