"""Writes that either happen whole or not at all.

A failed or interrupted run must leave the previous catalog and pages as they
were (DESIGN.md, quality bar), so every output goes through here: a file is
written beside its target and renamed over it; a directory tree is built beside
its target and swapped in with two renames.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` atomically; return False (and touch nothing)
    when the file already holds exactly these bytes, so mtimes stay put."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file 0600; give it the mode a plain open() would have.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text(path: Path, text: str) -> bool:
    return write_bytes(path, text.encode("utf-8"))


def swap_directory(staged: Path, target: Path) -> None:
    """Put the fully built ``staged`` tree in place of ``target``.

    The old tree is renamed aside first and removed only after the new one is in
    place, so at every instant one complete tree exists at or beside ``target``.
    """
    backup = target.with_name(f".{target.name}.old")
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        os.replace(target, backup)
    os.replace(staged, target)
    if backup.exists():
        shutil.rmtree(backup)
