"""`schema_catalog.pg` against the server's own functions, over every keyword and built-in type.

``quote_ident`` for each word of ``pg_get_keywords()`` (and a few names that
are not words), ``format_type`` for each built-in type of ``pg_catalog`` and for
each alias the grammar accepts, and the 63-byte clip as the server applies it.
"""

from __future__ import annotations

import psycopg
import pytest
from pglast import keywords

from schema_catalog.pg import clip, names, quoting, types

ODD_NAMES = ["Books", "book list", 'say "hi"', "1st", "_x", "x$1", "über", "a-b", "", "ok_1"]


@pytest.fixture(scope="module")
def conn(pg_admin_dsn: str) -> psycopg.Connection[tuple[object, ...]]:
    with psycopg.connect(pg_admin_dsn, autocommit=True) as connection:
        connection.execute("set search_path = pg_catalog")
        yield connection


def _server_keywords(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, str]:
    return {str(w): str(c) for w, c in conn.execute("select word, catcode from pg_get_keywords()")}


def _moved_between_versions(server: dict[str, str]) -> set[str]:
    """Keywords whose category differs between pglast's grammar and this server's
    (pglast follows PostgreSQL 17; PostgreSQL 17 made ``json`` a column-name keyword)."""
    return {
        word
        for word, code in server.items()
        if (code == "U") != (word in keywords.UNRESERVED_KEYWORDS)
        and (word in keywords.UNRESERVED_KEYWORDS or word in quoting.QUOTED_KEYWORDS)
    }


def test_quote_ident_matches_the_server_for_every_keyword(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    server = _server_keywords(conn)
    assert len(server) > 400
    words = sorted(server) + ODD_NAMES
    served = dict(
        conn.execute(  # type: ignore[arg-type]
            "select w, quote_ident(w) from unnest(%s::text[]) as w", [words]
        ).fetchall()
    )
    wrong = {
        w: (quoting.quote_ident(w), served[w]) for w in words if quoting.quote_ident(w) != served[w]
    }
    assert wrong.keys() == _moved_between_versions(server)


def test_pglast_keyword_categories_are_the_servers_but_for_version_moves(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    server = _server_keywords(conn)
    moved = _moved_between_versions(server)
    assert len(moved) <= 3, moved  # a larger gap means pglast and the server drifted apart
    assert {w for w, c in server.items() if c != "U"} - moved <= quoting.QUOTED_KEYWORDS


def test_format_type_name_matches_the_server_for_every_builtin_type(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    rows = conn.execute(
        "select typname, format_type(t.oid, null) from pg_type t"
        " where typnamespace = 'pg_catalog'::regnamespace"
        " and typtype in ('b', 'r', 'm', 'd', 'e') and typelem = 0 and typname !~ '^_'"
    ).fetchall()
    assert len(rows) > 60
    wrong = {
        str(n): (types.format_type_name(str(n)), s)
        for n, s in rows
        if types.format_type_name(str(n)) != s
    }
    assert wrong == {}


def test_every_alias_is_spelled_as_the_server_spells_it(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    words = sorted(types.GRAMMAR_NAMES.keys() | types.FORMAT_TYPE_NAMES.keys() - {"char"})
    served = {
        w: conn.execute("select format_type(%s::regtype, null)", [w]).fetchone()[0]  # type: ignore[index]
        for w in words
    }
    assert {w: types.spelled(w) for w in words} == served
    for serial, internal in types.SERIALS.items():
        conn.execute(f"create temporary table s_{serial} (c {serial})")
        [(spelled,)] = conn.execute(
            "select format_type(atttypid, atttypmod) from pg_attribute"
            " where attrelid = %s::regclass and attname = 'c'",
            [f"s_{serial}"],
        ).fetchall()
        assert types.spelled(serial) == spelled == types.format_type_name(internal)


def test_clip_and_default_names_match_the_server(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    table = "t_" + "é" * 40  # 82 bytes: the server clips it on a character boundary
    column = "c_" + "x" * 70
    conn.execute(f'create temporary table "{table}" ("{column}" serial primary key, v int unique)')
    stored = conn.execute(
        "select relname from pg_class where relname like 't\\_é%%' and relkind = 'r'"
    ).fetchone()
    assert stored is not None and stored[0] == clip.clip(table)
    relation = clip.clip(table)
    constraints = {
        str(row[0])
        for row in conn.execute(
            "select conname from pg_constraint where conrelid = %s::regclass",
            [quoting.quote_ident(relation)],
        )
    }
    expected_names = {names.primary_key_name(relation), names.unique_name(relation, ["v"])}
    if conn.info.server_version >= 180000:  # PostgreSQL 18 names NOT NULL constraints too
        expected_names.add(names.not_null_name(relation, clip.clip(column)))
    assert constraints == expected_names
    sequence = conn.execute(
        "select pg_get_serial_sequence(%s, %s)",
        [quoting.quote_ident(relation), clip.clip(column)],
    ).fetchone()
    expected = names.sequence_name(relation, clip.clip(column))
    assert sequence is not None and str(sequence[0]).endswith(quoting.quote_ident(expected))


# --------------------------------------------------------------------------- default names, no server


def test_names_are_clipped_to_63_bytes_longer_part_first() -> None:
    name = names.make_object_name("t" * 40, "c" * 40, "key")
    assert name == "t" * 29 + "_" + "c" * 29 + "_key"
    assert len(name.encode()) == 63


def test_multibyte_names_are_clipped_on_a_character_boundary() -> None:
    name = names.make_object_name("ü" * 40, None, "pkey")
    assert len(name.encode()) <= 63 and name.endswith("_pkey")
    assert name.encode().decode("utf-8") == name


def test_taken_names_get_a_counter() -> None:
    taken = {"t_a_key", "t_a_key1"}
    assert names.unique_name("t", ["a"], taken.__contains__) == "t_a_key2"
