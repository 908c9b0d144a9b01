"""The identifier length limit: PostgreSQL keeps the first 63 bytes of a name."""

from __future__ import annotations

NAMEDATALEN = 64
NAME_BYTES = NAMEDATALEN - 1
"""The longest identifier, in UTF-8 bytes; longer names are cut silently."""


def clip(name: str, max_bytes: int = NAME_BYTES) -> str:
    """``name`` cut to at most ``max_bytes`` UTF-8 bytes, never inside a character."""
    if name.isascii():  # one byte a character: the common case, without encoding
        return name[:max_bytes]
    encoded = name.encode("utf-8")
    if len(encoded) <= max_bytes:
        return name
    return encoded[:max_bytes].decode("utf-8", errors="ignore")
