"""catalog.yml: validation that names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from schema_catalog import config
from schema_catalog.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yml"
    path.write_text(text)
    return path


def test_domains_accept_lists_and_mappings(tmp_path: Path) -> None:
    loaded = config.load(
        _write(
            tmp_path,
            "domains:\n  Users: [user_profiles]\n  Books: {tables: ['book*'], description: B}\n",
        )
    )
    assert loaded.domains["Users"].tables == ("user_profiles",)
    assert loaded.domains["Books"].description == "B"


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "tenancy:\n  rooot: organizations\n")
    with pytest.raises(ConfigError, match=r"catalog\.yml: unknown key `tenancy\.rooot`"):
        config.load(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "schemas: [public\nfoo: 1\n")
    with pytest.raises(ConfigError, match=r"catalog\.yml:\d+: invalid YAML"):
        config.load(path)


def test_a_password_in_the_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "sources:\n  database: {dsn: 'postgresql://u:s3cret@h/db'}\n")
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert "s3cret" not in str(info.value) and "dsn_env" in str(info.value)


@pytest.mark.parametrize(
    "dsn",
    ["host=h password=s3cret dbname=db", "postgresql://u:s3cret@h:notaport/db", "s3cret"],
)
def test_a_dsn_that_holds_or_may_hold_a_password_is_refused_without_quoting_it(
    tmp_path: Path, dsn: str
) -> None:
    path = _write(tmp_path, f"sources:\n  database: {{dsn: '{dsn}'}}\n")
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert "s3cret" not in str(info.value) and "dsn_env" in str(info.value)


def test_a_dsn_without_a_password_is_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, "sources:\n  database: {dsn: 'postgresql://reader@h:6543/db'}\n")
    database = config.load(path).sources.database
    assert database is not None and database.dsn == "postgresql://reader@h:6543/db"


def test_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    loaded = config.load(_write(tmp_path, "output: out/catalog.json\n"))
    assert loaded.resolve(loaded.output) == tmp_path / "out" / "catalog.json"


def test_match_tables_takes_names_globs_and_qualified_names() -> None:
    names = ["public.books", "public.book_chapters", "auth.users"]
    assert config.match_tables(("book*",), names) == ["public.book_chapters", "public.books"]
    assert config.match_tables(("auth.users",), names) == ["auth.users"]
    assert config.match_tables(("users",), names) == ["auth.users"]


def test_check_tables_names_the_key_of_an_unknown_table(tmp_path: Path) -> None:
    loaded = config.load(_write(tmp_path, "domains:\n  Books: [books, bookz]\n"))
    config.check_tables(loaded.model_copy(update={"domains": {}}), ["public.books"])
    with pytest.raises(ConfigError, match=r"`domains\.Books\.tables` names `bookz`"):
        config.check_tables(loaded, ["public.books"])


def test_global_unique_takes_all_or_keys_each_a_column_or_columns(tmp_path: Path) -> None:
    text = "tenancy:\n  global_unique:\n    invitations: [token]\n    accounts: [email, [provider, external_id]]\n    api_keys: all\n"
    loaded = config.load(_write(tmp_path, text))
    assert loaded.tenancy.global_unique == {
        "invitations": (("token",),),
        "accounts": (("email",), ("provider", "external_id")),
        "api_keys": "all",
    }


@pytest.mark.parametrize(
    "value", ["token", "al", "[]", "[[]]", "[[token, 1]]", "['']", "{token: true}", "[[[token]]]"]
)
def test_a_bad_global_unique_entry_names_its_key(tmp_path: Path, value: str) -> None:
    path = _write(tmp_path, f"tenancy:\n  global_unique:\n    invitations: {value}\n")
    with pytest.raises(ConfigError) as info:
        config.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: key `tenancy.global_unique.invitations`: expected `all`")
    assert "Value error" not in message and "\n" not in message


def test_check_tables_names_a_global_unique_table_that_is_not_there(tmp_path: Path) -> None:
    loaded = config.load(_write(tmp_path, "tenancy:\n  global_unique: {invitationz: all}\n"))
    with pytest.raises(ConfigError, match=r"`tenancy\.global_unique` names `invitationz`"):
        config.check_tables(loaded, ["public.invitations"])


def test_global_unique_survives_a_dump_and_reload() -> None:
    """A config validated from its own dump keeps `tenancy.global_unique` (a suppression
    test and `serve` rebuild configs this way)."""
    raw = {"tenancy": {"global_unique": {"invitations": ["token", ["a", "b"]], "keys": "all"}}}
    first = config.Config.model_validate(raw)
    again = config.Config.model_validate(first.model_dump())
    assert again.tenancy.global_unique == first.tenancy.global_unique
    assert again.tenancy.global_unique["invitations"] == (("token",), ("a", "b"))
