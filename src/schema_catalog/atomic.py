"""Writes that either happen whole or not at all.

A failed or interrupted run must leave the previous catalog and pages as they
were (DESIGN.md, quality bar), so every output goes through here:

- a file is written beside its target (``.NAME.PID.RANDOM.tmp``) and renamed
  over it; temporary files left by a killed process are removed by the next
  write of the same file (only those whose process is gone);
- a directory tree (``site/``, ``docs/``) is built beside its target and put in
  place with one ``renameat2(RENAME_EXCHANGE)``: the target path names the old
  tree, then the new one, and never nothing. Why not a symlink swapped
  atomically? ``site/`` and ``docs/`` are folders users and tools own (docs/
  holds the team's own pages, CI uploads site/, editors and ``mkdocs serve``
  watch docs/); turning them into symlinks would change what they are. Where the
  platform or filesystem has no exchange (macOS, some network filesystems), the
  old tree is renamed aside and the new one in: two renames, a window of
  microseconds without the folder.

`step` is the one place every mutation announces itself: with
``SCHEMA_CATALOG_KILL_AT=N`` in the environment the process kills itself
(SIGKILL) just before its N-th mutation, so tests/test_kill_points.py can walk
every write and rename of a run and check the outputs each time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import filecmp
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

KILL_AT = "SCHEMA_CATALOG_KILL_AT"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_steps = 0


def step(what: str) -> None:
    """Called just before each write or rename (see the module docstring)."""
    global _steps
    _steps += 1
    if os.environ.get(KILL_AT) == str(_steps):
        os.kill(os.getpid(), signal.SIGKILL)


def write_bytes(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` atomically; return False (and touch nothing)
    when the file already holds exactly these bytes, so mtimes stay put."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    _replace(path, lambda handle: handle.write(data))
    return True


def write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """Replace ``path`` atomically with the concatenation of ``chunks``, written as
    they come (the caller has decided that the content changed)."""
    _replace(path, lambda handle: handle.writelines(chunks))


def copy_file(source: Path, target: Path) -> bool:
    """Replace ``target`` atomically with a copy of ``source``, read as a stream;
    return False (and touch nothing) when ``target`` already holds the same bytes."""
    if target.exists() and filecmp.cmp(source, target, shallow=False):
        return False
    with source.open("rb") as original:
        _replace(target, lambda handle: shutil.copyfileobj(original, handle))
    return True


def _replace(path: Path, write: Callable[[BinaryIO], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    step(f"write {path}")
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        # mkstemp makes the file 0600; give it the mode a plain open() would have.
        os.chmod(tmp, 0o666 & ~_umask())
        step(f"rename {path}")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(path: Path) -> None:
    """Remove ``.NAME.PID.*.tmp`` beside ``path`` whose process no longer runs."""
    for candidate in path.parent.glob(f".{path.name}.*.tmp"):
        pid = candidate.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or not _running(int(pid)):
            candidate.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text(path: Path, text: str) -> bool:
    return write_bytes(path, text.encode("utf-8"))


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False when the platform cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # no such call, or the filesystem does not support exchange
    raise OSError(code, os.strerror(code), str(b))


def _renameat2() -> ctypes._NamedFuncPointer | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


def swap_directory(staged: Path, target: Path) -> None:
    """Put the fully built ``staged`` tree in place of ``target`` (see the module docstring).

    Afterwards ``staged`` is gone (it held the old tree, removed).
    """
    step(f"swap {target}")
    if not target.exists():
        os.rename(staged, target)
        return
    if exchange(staged, target):
        step(f"remove old {target}")
        shutil.rmtree(staged)
        return
    backup = old_path(target)
    if backup.exists():
        shutil.rmtree(backup)
    os.replace(target, backup)
    os.replace(staged, target)
    step(f"remove old {target}")
    shutil.rmtree(backup)


def old_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def remove_leftovers(*paths: Path) -> None:
    """Remove staging trees a killed run left (they were never in place)."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink(missing_ok=True)
